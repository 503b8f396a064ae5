//! Email parsing shared by the email rules (R002, R003, R004, R018, R019) and the cross-row rules
//! (duplicate emails, look-alike profiles, the file-wide half of R004).
//!
//! The validator is strict on purpose: it accepts what a real mailbox address looks like in a
//! directory export (dot-atom local part, host name domain), not everything RFC 5322 allows, so
//! that quoted local parts, comments and domain literals — which no HR system exports — are caught.
//! It allocates nothing.

use crate::rules::text::is_invisible;

/// Why a value is not an address. The variants word R002's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EmailProblem {
    /// No `@` at all.
    NoAt,
    /// Two addresses in one cell (`a@x.com; b@y.com`).
    TwoAddresses,
    /// More than one `@` in what looks like one address.
    ManyAt,
    /// Nothing before the `@`.
    NoLocal,
    /// Nothing after the `@`.
    NoDomain,
    /// The part before `@` is over 64 characters.
    LocalTooLong,
    /// The address is over 254 characters (or the domain over 255).
    TooLong,
    /// Spaces (or tabs, line breaks, invisible characters) inside.
    Space,
    /// A comma or semicolon inside.
    Separator,
    /// A character no address may hold, e.g. `<`, `"` or `(`.
    BadChar(char),
    /// A dot at the start or end of the local part, or two dots in a row.
    BadDot,
    /// The domain has no dot (`jane@example`).
    NoDot,
    /// A domain label is empty, too long, starts or ends with `-`, or holds other characters;
    /// or the last label is not a top-level domain.
    BadDomain,
}

impl EmailProblem {
    /// What is wrong, completing "This is not a valid email address: …".
    pub(crate) fn describe(self) -> String {
        match self {
            EmailProblem::NoAt => "it has no @.".into(),
            EmailProblem::TwoAddresses => "the cell holds more than one address.".into(),
            EmailProblem::ManyAt => "it has more than one @.".into(),
            EmailProblem::NoLocal => "nothing comes before the @.".into(),
            EmailProblem::NoDomain => "nothing comes after the @.".into(),
            EmailProblem::LocalTooLong => {
                "the part before the @ is longer than 64 characters.".into()
            }
            EmailProblem::TooLong => "it is longer than 254 characters.".into(),
            EmailProblem::Space => "it contains a space or another blank character.".into(),
            EmailProblem::Separator => "it contains a comma or a semicolon.".into(),
            EmailProblem::BadChar(c) => format!("it contains `{c}`, which no address may hold."),
            EmailProblem::BadDot => {
                "the part before the @ starts or ends with a dot, or has two dots in a row.".into()
            }
            EmailProblem::NoDot => "the part after the @ has no dot (e.g. `example.com`).".into(),
            EmailProblem::BadDomain => "the part after the @ is not a valid domain name.".into(),
        }
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c) || c.is_control()
}

/// Characters RFC 5322 allows in a dot-atom local part besides letters and digits.
fn is_atext_symbol(c: char) -> bool {
    matches!(
        c,
        '!' | '#'
            | '$'
            | '%'
            | '&'
            | '\''
            | '*'
            | '+'
            | '-'
            | '/'
            | '='
            | '?'
            | '^'
            | '_'
            | '`'
            | '{'
            | '|'
            | '}'
            | '~'
    )
}

/// Checks an address strictly: one `@`; a dot-atom local part of at most 64 bytes; a host name
/// domain of at most 255 bytes with a dot and valid labels; at most 254 bytes in all; no spaces,
/// commas or semicolons. Letters outside ASCII are accepted (internationalised addresses).
pub(crate) fn validate(value: &str) -> Result<(), EmailProblem> {
    if valid_ascii(value.as_bytes()) {
        return Ok(());
    }
    validate_general(value)
}

/// [`validate`] without the ASCII fast path: the checks one by one, naming the first that fails.
fn validate_general(value: &str) -> Result<(), EmailProblem> {
    let bytes = value.as_bytes();
    let ats = memchr::memchr_iter(b'@', bytes).count();
    if ats == 0 {
        return Err(EmailProblem::NoAt);
    }
    if ats > 1 {
        // Two addresses joined by a separator, or one mangled address.
        let joined = value
            .split(|c: char| c == ',' || c == ';' || is_blank(c) || c == '/')
            .filter(|part| part.contains('@'))
            .count()
            > 1;
        return Err(if joined {
            EmailProblem::TwoAddresses
        } else {
            EmailProblem::ManyAt
        });
    }
    if value.contains(is_blank) {
        return Err(EmailProblem::Space);
    }
    if value.contains([',', ';']) {
        return Err(EmailProblem::Separator);
    }
    let at = memchr::memchr(b'@', bytes).unwrap_or(0);
    let (local, domain) = (&value[..at], &value[at + 1..]);
    if local.is_empty() {
        return Err(EmailProblem::NoLocal);
    }
    if domain.is_empty() {
        return Err(EmailProblem::NoDomain);
    }
    if local.len() > 64 {
        return Err(EmailProblem::LocalTooLong);
    }
    if value.len() > 254 || domain.len() > 255 {
        return Err(EmailProblem::TooLong);
    }
    if let Some(c) = local
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '.' || is_atext_symbol(c)))
    {
        return Err(EmailProblem::BadChar(c));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailProblem::BadDot);
    }
    if let Some(c) = domain
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '.' || c == '-'))
    {
        return Err(EmailProblem::BadChar(c));
    }
    if !domain.contains('.') {
        return Err(EmailProblem::NoDot);
    }
    let mut labels = domain.split('.');
    let tld = labels.next_back().unwrap_or("");
    for label in domain.split('.') {
        if label.is_empty() || label.len() > 63 || label.starts_with('-') || label.ends_with('-') {
            return Err(EmailProblem::BadDomain);
        }
    }
    // A top-level domain has two or more characters and is never all digits.
    if tld.chars().count() < 2 || tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EmailProblem::BadDomain);
    }
    Ok(())
}

/// Byte classes for the ASCII fast path: what may appear in a local part, in a domain, and
/// the letters and digits that may appear anywhere.
const LOCAL: u8 = 1;
const DOMAIN: u8 = 2;
const ALNUM: u8 = 4;
static EMAIL_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let symbol = matches!(
            c,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'/'
                | b'='
                | b'?'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
        );
        t[b] = if c.is_ascii_alphanumeric() {
            LOCAL | DOMAIN | ALNUM
        } else if c == b'.' || c == b'-' {
            LOCAL | DOMAIN
        } else if symbol {
            LOCAL
        } else {
            0
        };
        b += 1;
    }
    t
};

/// [`validate`]'s verdict for the common case, an ASCII address with nothing odd, in one pass
/// over its bytes: `true` only for an address [`validate`] accepts. `false` hands the value to
/// the general path, which words the problem (or accepts a non-ASCII address).
pub(crate) fn valid_ascii(b: &[u8]) -> bool {
    ascii_parts(b).is_some()
}

/// Whether `b` is an ASCII address [`validate`] accepts on a domain [`domain_typo`] has nothing
/// to say about: the row rules' fast path for an email cell, one pass over the bytes.
pub(crate) fn clean_ascii(b: &[u8]) -> bool {
    let Some((at, tld)) = ascii_parts(b) else {
        return false;
    };
    !may_be_typo_parts(&b[at + 1..], &b[tld..])
}

/// [`clean_ascii`] with a one-entry memory of the last domain it accepted (`last`, empty at
/// first): an address on that domain needs only its local part checked, since what the rest of
/// the test says about a domain depends on the domain's bytes alone.
pub(crate) fn clean_ascii_on(b: &[u8], last: &mut Vec<u8>) -> bool {
    if !last.is_empty()
        && b.len() <= 254
        && let Some(at) = ascii_local(b)
        && b.get(at + 1..) == Some(&last[..])
    {
        return true;
    }
    let Some((at, tld)) = ascii_parts(b) else {
        return false;
    };
    let domain = &b[at + 1..];
    if may_be_typo_parts(domain, &b[tld..]) {
        return false;
    }
    last.clear();
    last.extend_from_slice(domain);
    true
}

/// [`clean_ascii_on`] that also works out, while it reads the local part, what the cross-row
/// rules need of an accepted address: where its `@` is and X004's local-part key (the value of
/// `cross::local_key` on the part, computed in the same loop instead of a second walk).
#[cfg(test)]
pub(crate) fn clean_ascii_keyed(b: &[u8], last: &mut Vec<u8>) -> Option<(usize, u64)> {
    clean_ascii_keyed_in(b, None, last)
}

/// [`clean_ascii_keyed`] given `window`, the 32 bytes from the address's start when the text
/// holding it has them (the address, then whatever follows it): a short address is then read
/// from there instead of being copied into a block first.
pub(crate) fn clean_ascii_keyed_in(
    b: &[u8],
    window: Option<&[u8; 32]>,
    last: &mut Vec<u8>,
) -> Option<(usize, u64)> {
    if b.len() > 254 {
        return None;
    }
    let (at, local) = ascii_local_keyed(b, window)?;
    if !last.is_empty() && b.get(at + 1..) == Some(&last[..]) {
        return Some((at, local));
    }
    clean_ascii_on(b, last).then_some((at, local))
}

/// [`ascii_local`] with X004's local-part key: dots left out, a `+tag` cut (unless the part
/// starts with `+`), ASCII capitals folded, hashed as `crate::hash::stream` hashes. The key
/// is fed a run of bytes at a time (the bytes between dots), which hashes as byte by byte.
#[inline]
fn ascii_local_keyed(b: &[u8], window: Option<&[u8; 32]>) -> Option<(usize, u64)> {
    if let Some((at, dots, head)) = local_block(b, window) {
        // Letters, digits and single inner dots before an `@` in the first 32 bytes: the
        // key is the local part without its dots, here put together in words (the highest dot
        // taken out first, so the lower ones stay where they are) and hashed a word at a time.
        let mut key = crate::hash::Stream::new();
        if at <= 24 {
            let word = |i: usize| u64::from_le_bytes(head[i..i + 8].try_into().unwrap_or_default());
            // Only the local part's bytes.
            let keep = |k: usize| match k {
                0 => 0,
                1..8 => (1u64 << (8 * k)) - 1,
                _ => u64::MAX,
            };
            let (mut w0, mut w1, mut w2) = (
                word(0) & keep(at),
                word(8) & keep(at.saturating_sub(8)),
                word(16) & keep(at.saturating_sub(16)),
            );
            let mut d = dots;
            // Counted here: `count_ones` is a software loop on x86-64 without POPCNT.
            let mut len = at;
            while d != 0 {
                let i = 31 - d.leading_zeros() as usize;
                d ^= 1 << i;
                len -= 1;
                let m = (1u64 << (8 * (i % 8))) - 1;
                if i < 8 {
                    w0 = (w0 & m) | ((w0 >> 8) & !m) | (w1 << 56);
                    w1 = (w1 >> 8) | (w2 << 56);
                    w2 >>= 8;
                } else if i < 16 {
                    w1 = (w1 & m) | ((w1 >> 8) & !m) | (w2 << 56);
                    w2 >>= 8;
                } else {
                    w2 = (w2 & m) | ((w2 >> 8) & !m);
                }
            }
            key.push_word(w0, len.min(8) as u32);
            if len > 8 {
                key.push_word(w1, (len - 8).min(8) as u32);
            }
            if len > 16 {
                key.push_word(w2, (len - 16) as u32);
            }
            return Some((at, key.finish()));
        }
        let mut from = 0;
        let mut d = dots;
        while d != 0 {
            let dot = d.trailing_zeros() as usize;
            key.extend(b, from, dot);
            from = dot + 1;
            d &= d - 1;
        }
        key.extend(b, from, at);
        return Some((at, key.finish()));
    }
    let mut at = None;
    let mut prev = b'.';
    let mut key = crate::hash::Stream::new();
    // A `+` first is part of the name, and then no later `+` starts a tag either.
    let tags = b.first() != Some(&b'+');
    let mut cut = false;
    // Where the run of key bytes not yet fed to the key begins.
    let mut from = 0;
    for (k, &c) in b.iter().enumerate() {
        let class = EMAIL_BYTES[usize::from(c)];
        if class & ALNUM == 0 {
            if c == b'@' {
                at = Some(k);
                break;
            }
            if class & LOCAL == 0 || (c == b'.' && prev == b'.') {
                return None;
            }
            if !cut && (c == b'.' || (tags && c == b'+')) {
                key.extend(b, from, k);
                from = k + 1;
                cut = c == b'+';
            }
        }
        prev = c;
    }
    let at = at?;
    if !cut {
        key.extend(b, from, at);
    }
    (at != 0 && at <= 64 && prev != b'.').then(|| (at, key.finish()))
}

/// The common local part, 16 bytes at a time: where the `@` is and where the dots before it
/// are (bit `i`: byte `i`), when the `@` is among the first 32 bytes and every byte before it
/// is a letter, a digit or a dot, with no dot first, last or doubled; and the first 16 bytes
/// read. `None` sends the address to the byte-by-byte loop, which decides every other case.
/// `window`, when given, holds `b`'s first bytes and what follows them (see
/// [`clean_ascii_keyed_in`]).
#[inline(always)]
fn local_block(b: &[u8], window: Option<&[u8; 32]>) -> Option<(usize, u32, [u8; 32])> {
    if !crate::simd::VECTORS {
        return None;
    }
    let w: [u8; 32] = match (b.get(..32), window) {
        (Some(head), _) => head.try_into().unwrap_or([0; 32]),
        (None, Some(w)) => *w,
        (None, None) => {
            let mut w = [0u8; 32];
            w[..b.len()].copy_from_slice(b);
            w
        }
    };
    let (lo, hi) = w.split_at(16);
    let (lo, hi) = (
        local_masks(lo.try_into().unwrap_or_default()),
        local_masks(hi.try_into().unwrap_or_default()),
    );
    let [at, ok, dots] = [0, 1, 2].map(|i| lo[i] | (hi[i] << 16));
    // Only `b`'s own bytes: an `@` past its end belongs to what follows it.
    let at = at
        & u32::MAX
            .checked_shr(32 - b.len().min(32) as u32)
            .unwrap_or(0);
    if at == 0 {
        return None;
    }
    let a = at.trailing_zeros() as usize;
    let before = (1u32 << a) - 1;
    let dots = dots & before;
    let fine = a > 0
        && ok & before == before
        && dots & 1 == 0
        && dots & (1 << (a - 1)) == 0
        && dots & (dots >> 1) == 0;
    fine.then_some((a, dots, w))
}

/// Bitmasks of 16 bytes: the `@`s; the letters, digits and dots; the dots.
#[inline(always)]
fn local_masks(w: [u8; 16]) -> [u32; 3] {
    let x = crate::simd::Block::new(w);
    let dots = x.eq(b'.');
    [x.eq(b'@'), x.alphanumeric() | dots, dots]
}

/// The local part's checks of [`ascii_parts`]: where the `@` is.
#[inline]
fn ascii_local(b: &[u8]) -> Option<usize> {
    let mut at = None;
    let mut prev = b'.';
    for (k, &c) in b.iter().enumerate() {
        let class = EMAIL_BYTES[usize::from(c)];
        if class & ALNUM == 0 {
            if c == b'@' {
                at = Some(k);
                break;
            }
            if class & LOCAL == 0 || (c == b'.' && prev == b'.') {
                return None;
            }
        }
        prev = c;
    }
    let at = at?;
    (at != 0 && at <= 64 && prev != b'.').then_some(at)
}

/// The checks of [`valid_ascii`]; on success, where the `@` and the top-level domain are.
fn ascii_parts(b: &[u8]) -> Option<(usize, usize)> {
    if b.len() > 254 {
        return None;
    }
    // The local part, up to the first `@`: its characters, no dot first, last or doubled.
    let at = ascii_local(b)?;
    // The domain: labels of 1–63 letters, digits and inner hyphens, at least two of them.
    let d = &b[at + 1..];
    let (mut dots, mut label_start) = (0usize, 0usize);
    let mut prev = b'.';
    for (k, &c) in d.iter().enumerate() {
        if EMAIL_BYTES[usize::from(c)] & ALNUM == 0 {
            match c {
                b'.' => {
                    if prev == b'.' || prev == b'-' || k - label_start > 63 {
                        return None;
                    }
                    dots += 1;
                    label_start = k + 1;
                }
                b'-' if prev != b'.' => {}
                _ => return None,
            }
        }
        prev = c;
    }
    // The top-level domain: 2–63 characters, not ending in `-`, not all digits.
    let tld = &d[label_start..];
    let ok = dots > 0
        && (2..=63).contains(&tld.len())
        && prev != b'-'
        && !tld.iter().all(u8::is_ascii_digit);
    ok.then_some((at, at + 1 + label_start))
}

/// Whether the value is an address by [`validate`]'s strict test.
pub(crate) fn is_valid(value: &str) -> bool {
    validate(value).is_ok()
}

/// The address as the uploader compares addresses: surrounding blanks removed, lowercased.
/// For cross-row keys (duplicates) — not a correction to write back.
#[allow(dead_code)] // The cross-row rules call it.
pub(crate) fn normalize(value: &str) -> String {
    value.trim_matches(is_blank).to_lowercase()
}

/// The local part and the domain of a valid address.
pub(crate) fn split(value: &str) -> Option<(&str, &str)> {
    let at = memchr::memchr(b'@', value.as_bytes())?;
    Some((&value[..at], &value[at + 1..]))
}

/// The address R003 would write: `value` with surrounding blanks, `mailto:`, angle brackets (and
/// a display name before them), quotes, a trailing `.`, `,` or `;` and invisible characters
/// removed — `Some` only when that changed something and the result passes [`validate`].
pub(crate) fn cleanup(value: &str) -> Option<String> {
    let mut s: &str = value;
    // Each pass peels one layer; real cells have two or three (`"<mailto:a@b.com>";`).
    for _ in 0..8 {
        let before = s;
        s = s.trim_matches(is_blank);
        if s.len() >= 7 && s.is_char_boundary(7) && s[..7].eq_ignore_ascii_case("mailto:") {
            s = &s[7..];
        }
        // `Jane Smith <jane@example.com>` or `<jane@example.com>`.
        if let Some(inner) = s.strip_suffix('>')
            && let Some(open) = inner.rfind('<')
        {
            s = &inner[open + 1..];
        }
        for (open, close) in [('"', '"'), ('\'', '\''), ('“', '”'), ('‘', '’'), ('«', '»')]
        {
            if let Some(inner) = s.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
                s = inner;
            }
        }
        s = s.trim_end_matches(['.', ',', ';']);
        // A lone leading or trailing quote (a half-quoted cell).
        s = s.trim_matches(['"', '“', '”']);
        if s == before {
            break;
        }
    }
    let cleaned: String = if s.contains(|c: char| is_invisible(c) || c.is_control()) {
        s.chars()
            .filter(|&c| !(is_invisible(c) || c.is_control()))
            .collect()
    } else {
        s.to_string()
    };
    (cleaned != value && is_valid(&cleaned)).then_some(cleaned)
}

/// Misspellings of common mail domains, each with the domain meant. Sorted by typo for binary
/// search; every entry is lowercase.
const DOMAIN_TYPOS: &[(&str, &str)] = &[
    ("aol.con", "aol.com"),
    ("aoll.com", "aol.com"),
    ("gamil.com", "gmail.com"),
    ("gmai.com", "gmail.com"),
    ("gmail.cm", "gmail.com"),
    ("gmail.cmo", "gmail.com"),
    ("gmail.co", "gmail.com"),
    ("gmail.com.com", "gmail.com"),
    ("gmail.comm", "gmail.com"),
    ("gmail.con", "gmail.com"),
    ("gmail.ocm", "gmail.com"),
    ("gmail.om", "gmail.com"),
    ("gmaill.com", "gmail.com"),
    ("gmal.com", "gmail.com"),
    ("gmali.com", "gmail.com"),
    ("gmaul.com", "gmail.com"),
    ("gmial.com", "gmail.com"),
    ("gmil.com", "gmail.com"),
    ("gmsil.com", "gmail.com"),
    ("gnail.com", "gmail.com"),
    ("googlemail.con", "googlemail.com"),
    ("homail.com", "hotmail.com"),
    ("hormail.com", "hotmail.com"),
    ("hotamil.com", "hotmail.com"),
    ("hotmai.com", "hotmail.com"),
    ("hotmail.cm", "hotmail.com"),
    ("hotmail.co", "hotmail.com"),
    ("hotmail.con", "hotmail.com"),
    ("hotmaill.com", "hotmail.com"),
    ("hotmal.com", "hotmail.com"),
    ("hotmial.com", "hotmail.com"),
    ("hotmil.com", "hotmail.com"),
    ("hotnail.com", "hotmail.com"),
    ("htomail.com", "hotmail.com"),
    ("iclod.com", "icloud.com"),
    ("icloud.co", "icloud.com"),
    ("icloud.con", "icloud.com"),
    ("iclould.com", "icloud.com"),
    ("icluod.com", "icloud.com"),
    ("icoud.com", "icloud.com"),
    ("otlook.com", "outlook.com"),
    ("oulook.com", "outlook.com"),
    ("outllook.com", "outlook.com"),
    ("outlok.com", "outlook.com"),
    ("outloo.com", "outlook.com"),
    ("outlook.co", "outlook.com"),
    ("outlook.con", "outlook.com"),
    ("outlool.com", "outlook.com"),
    ("outook.com", "outlook.com"),
    ("tahoo.com", "yahoo.com"),
    ("yahho.com", "yahoo.com"),
    ("yaho.com", "yahoo.com"),
    ("yahoo.co", "yahoo.com"),
    ("yahoo.con", "yahoo.com"),
    ("yahooo.com", "yahoo.com"),
    ("yaoo.com", "yahoo.com"),
    ("yhoo.com", "yahoo.com"),
];

/// Misspelt endings of any domain (none of them is a real top-level domain), each with the
/// ending meant.
const SUFFIX_TYPOS: &[(&str, &str)] = &[
    (".c0m", ".com"),
    (".cmo", ".com"),
    (".co.uj", ".co.uk"),
    (".co.ukk", ".co.uk"),
    (".co.ul", ".co.uk"),
    (".com.com", ".com"),
    (".comm", ".com"),
    (".con", ".com"),
    (".coom", ".com"),
    (".cp.uk", ".co.uk"),
    (".cpm", ".com"),
    (".ner", ".net"),
    (".nte", ".net"),
    (".ocm", ".com"),
    (".ogr", ".org"),
    (".orgg", ".org"),
    (".vo.uk", ".co.uk"),
    (".vom", ".com"),
    (".xom", ".com"),
];

/// A hash of a domain's length and first three and last bytes, ASCII-lowercased: the key of
/// [`TYPO_BITS`] (every entry of [`DOMAIN_TYPOS`] has more than three bytes).
const fn typo_hash(b: &[u8]) -> u32 {
    let n = b.len();
    if n < 4 {
        return 0;
    }
    let key = (b[0].to_ascii_lowercase() as u64)
        | ((b[1].to_ascii_lowercase() as u64) << 8)
        | ((b[2].to_ascii_lowercase() as u64) << 16)
        | ((b[n - 1].to_ascii_lowercase() as u64) << 24)
        | ((n as u64) << 32);
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as u32
}

/// A 1024-bit set of the [`DOMAIN_TYPOS`]' hashes: a domain whose bit is clear is in no entry.
static TYPO_BITS: [u64; 16] = {
    let mut bits = [0u64; 16];
    let mut i = 0;
    while i < DOMAIN_TYPOS.len() {
        let h = typo_hash(DOMAIN_TYPOS[i].0.as_bytes()) & 1023;
        bits[(h >> 6) as usize] |= 1 << (h & 63);
        i += 1;
    }
    bits
};

/// Whether [`domain_typo`] could find anything: `false` is certain, from the last label and a
/// hash of the whole domain, so the common clean domain costs a few dozen instructions.
fn may_be_domain_typo(domain: &str) -> bool {
    let b = domain.as_bytes();
    match memchr::memrchr(b'.', b) {
        Some(dot) => may_be_typo_parts(b, &b[dot + 1..]),
        None => false,
    }
}

/// [`may_be_domain_typo`] for a domain `b` whose last label (after its last dot) is `last`.
fn may_be_typo_parts(b: &[u8], last: &[u8]) -> bool {
    if !(2..=4).contains(&last.len()) {
        return false;
    }
    // Whole misspelt domains (the table's entries are short and start like a provider).
    if b.len() <= 32
        && matches!(
            b[0].to_ascii_lowercase(),
            b'a' | b'g' | b'h' | b'i' | b'o' | b't' | b'y'
        )
    {
        let h = typo_hash(b) & 1023;
        if TYPO_BITS[(h >> 6) as usize] & (1 << (h & 63)) != 0 {
            return true;
        }
    }
    // Misspelt endings: the domain's last label is the ending's last label.
    let ends_with =
        |typo: &[u8]| b.len() > typo.len() && b[b.len() - typo.len()..].eq_ignore_ascii_case(typo);
    let mut tail = [0u8; 4];
    for (slot, c) in tail.iter_mut().zip(last) {
        *slot = c.to_ascii_lowercase();
    }
    match &tail {
        b"com\0" => b.len() > 8 && b[b.len() - 8] == b'.' && ends_with(b".com.com"),
        b"uk\0\0" => ends_with(b".cp.uk") || ends_with(b".vo.uk"),
        _ => SUFFIX_TAILS.contains(&tail),
    }
}

/// The last labels of [`SUFFIX_TYPOS`] other than `com` and `uk` (which
/// [`may_be_domain_typo`] checks by the whole ending), NUL-padded; a test keeps it in step.
const SUFFIX_TAILS: [[u8; 4]; 16] = [
    *b"c0m\0", *b"cmo\0", *b"uj\0\0", *b"ukk\0", *b"ul\0\0", *b"comm", *b"con\0", *b"coom",
    *b"cpm\0", *b"ner\0", *b"nte\0", *b"ocm\0", *b"ogr\0", *b"orgg", *b"vom\0", *b"xom\0",
];

/// The domain meant when `domain` is a known misspelling of a common mail domain or ends in a
/// misspelt `.com`, `.net`, `.org` or `.co.uk`; `None` otherwise (the common case, decided
/// without allocating).
pub(crate) fn domain_typo(domain: &str) -> Option<String> {
    if !may_be_domain_typo(domain) {
        return None;
    }
    domain_typo_precise(domain)
}

/// [`domain_typo`] without the quick filter: the tables, looked up.
fn domain_typo_precise(domain: &str) -> Option<String> {
    // Every typo, whole or ending, ends in a label of 2–4 characters.
    let last = match memchr::memrchr(b'.', domain.as_bytes()) {
        Some(dot) => &domain[dot + 1..],
        None => return None,
    };
    if !(2..=4).contains(&last.len()) {
        return None;
    }
    // Whole misspelt domains: lowercase into a stack buffer (every entry is short) and look
    // the domain up; only domains starting like one of the common providers can match.
    let mut buf = [0u8; 32];
    let first = domain.as_bytes().first().map(u8::to_ascii_lowercase);
    if domain.len() <= buf.len()
        && matches!(first, Some(b'a' | b'g' | b'h' | b'i' | b'o' | b't' | b'y'))
    {
        let lower = &mut buf[..domain.len()];
        lower.copy_from_slice(domain.as_bytes());
        lower.make_ascii_lowercase();
        if let Ok(lower) = std::str::from_utf8(lower)
            && let Ok(i) = DOMAIN_TYPOS.binary_search_by(|(typo, _)| typo.cmp(&lower))
        {
            return Some(DOMAIN_TYPOS[i].1.to_string());
        }
    }
    // Misspelt endings. A domain ending in a real `.com` or `.uk` can only be a doubled
    // `.com.com` or a `.cp.uk`-like typo, so most addresses skip the loop.
    let bytes = domain.as_bytes();
    let ends_with = |typo: &str| {
        bytes.len() > typo.len()
            && bytes[bytes.len() - typo.len()..].eq_ignore_ascii_case(typo.as_bytes())
    };
    let real_com = last.eq_ignore_ascii_case("com") && !ends_with(".com.com");
    let real_uk = last.eq_ignore_ascii_case("uk") && !ends_with(".cp.uk") && !ends_with(".vo.uk");
    if real_com || real_uk {
        return None;
    }
    for (typo, right) in SUFFIX_TYPOS {
        if ends_with(typo) {
            // The rest of the domain stays as written; only the ending changes.
            let head = &domain[..domain.len() - typo.len()];
            return Some(format!("{head}{right}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_lowercase_and_not_identity() {
        for w in DOMAIN_TYPOS.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
        for (typo, right) in DOMAIN_TYPOS.iter().chain(SUFFIX_TYPOS) {
            assert_eq!(*typo, typo.to_lowercase());
            assert_ne!(typo, right);
        }
    }

    #[test]
    fn strict_validation() {
        let ok = [
            "jane.doe@example.com",
            "j.o'neil+learning@sub.example.co.uk",
            "x@a-b.io",
            "zoë.müller@beispiel.de",
            "ann_lee@xn--bcher-kva.example",
        ];
        for v in ok {
            assert_eq!(validate(v), Ok(()), "{v}");
        }
        let bad = [
            ("", EmailProblem::NoAt),
            ("jane.doe", EmailProblem::NoAt),
            ("Jane Doe", EmailProblem::NoAt),
            ("jane@example", EmailProblem::NoDot),
            ("@example.com", EmailProblem::NoLocal),
            ("jane@", EmailProblem::NoDomain),
            ("jane doe@example.com", EmailProblem::Space),
            ("a@x.com; b@y.com", EmailProblem::TwoAddresses),
            ("a@x.com,b@y.com", EmailProblem::TwoAddresses),
            ("a@b@x.com", EmailProblem::ManyAt),
            ("jane,doe@example.com", EmailProblem::Separator),
            ("jane..doe@example.com", EmailProblem::BadDot),
            (".jane@example.com", EmailProblem::BadDot),
            ("jane@-example.com", EmailProblem::BadDomain),
            ("jane@example..com", EmailProblem::BadDomain),
            ("jane@example.c", EmailProblem::BadDomain),
            ("jane@10.0.0.1", EmailProblem::BadDomain),
            ("jane@exa_mple.com", EmailProblem::BadChar('_')),
            ("<jane@example.com>", EmailProblem::BadChar('<')),
            ("\"jane\"@example.com", EmailProblem::BadChar('"')),
        ];
        for (v, want) in bad {
            assert_eq!(validate(v), Err(want), "{v}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(validate(&long_local), Err(EmailProblem::LocalTooLong));
        let long = format!("a@{}.com", "b.".repeat(130));
        assert_eq!(validate(&long), Err(EmailProblem::TooLong));
    }

    #[test]
    fn cleanup_table() {
        let cases = [
            (" jane@example.com ", Some("jane@example.com")),
            ("mailto:jane@example.com", Some("jane@example.com")),
            ("MAILTO:jane@example.com", Some("jane@example.com")),
            ("<jane@example.com>", Some("jane@example.com")),
            ("Jane Doe <jane@example.com>", Some("jane@example.com")),
            ("\"jane@example.com\"", Some("jane@example.com")),
            ("'jane@example.com'", Some("jane@example.com")),
            ("jane@example.com.", Some("jane@example.com")),
            ("jane@example.com;", Some("jane@example.com")),
            ("\"<mailto:jane@example.com>\";", Some("jane@example.com")),
            ("ja\u{200B}ne@example.com", Some("jane@example.com")),
            ("\u{a0}jane@example.com", Some("jane@example.com")),
            ("jane@example.com", None),
            ("jane at example.com", None),
            ("a@x.com; b@y.com", None),
            ("", None),
        ];
        for (v, want) in cases {
            assert_eq!(cleanup(v).as_deref(), want, "{v:?}");
        }
    }

    #[test]
    fn domain_typos() {
        let cases = [
            ("gmial.com", Some("gmail.com")),
            ("GMIAL.COM", Some("gmail.com")),
            ("hotmial.com", Some("hotmail.com")),
            ("outlok.com", Some("outlook.com")),
            ("yaho.com", Some("yahoo.com")),
            ("gmai.com", Some("gmail.com")),
            ("acme.con", Some("acme.com")),
            ("acme.cmo", Some("acme.com")),
            ("acme.co.uj", Some("acme.co.uk")),
            ("Acme.CON", Some("Acme.com")),
            ("gmail.com", None),
            ("acme.com", None),
            ("acme.co.uk", None),
            ("acme.co", None),
            ("acme.cm", None),
            ("falcon", None),
            ("acme.om", None),
        ];
        for (d, want) in cases {
            assert_eq!(domain_typo(d).as_deref(), want, "{d}");
        }
    }

    #[test]
    fn every_typo_passes_the_filter() {
        for (typo, _) in DOMAIN_TYPOS {
            assert!(may_be_domain_typo(typo), "{typo}");
            assert!(may_be_domain_typo(&typo.to_uppercase()), "{typo}");
        }
        for (typo, _) in SUFFIX_TYPOS {
            let d = format!("acme{typo}");
            assert!(may_be_domain_typo(&d), "{d}");
            assert!(may_be_domain_typo(&d.to_uppercase()), "{d}");
        }
        for d in ["acme.com", "example.co.uk", "beispiel.de", "acme.io"] {
            assert!(!may_be_domain_typo(d), "{d}");
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// Address-like text: the characters and pieces the validators treat differently.
        fn address() -> impl Strategy<Value = String> {
            let atoms = prop::sample::select(vec![
                "a",
                "Z",
                "0",
                "9",
                ".",
                "..",
                "-",
                "_",
                "+",
                "'",
                "@",
                "@",
                "@acme.com",
                "acme",
                ".com",
                ".co.uk",
                ".c",
                ".123",
                "gmial",
                "gmail",
                "hotmial",
                " ",
                ",",
                ";",
                "<",
                ">",
                "\"",
                "é",
                "\u{a0}",
                "\u{200B}",
                "\t",
                "xn--",
                "-.",
                ".-",
                "(",
                "!",
                "#",
            ]);
            prop::collection::vec(atoms, 0..12).prop_map(|v| v.concat())
        }

        fn domain() -> impl Strategy<Value = String> {
            let atoms = prop::sample::select(vec![
                "a", "G", "o", "y", "h", "i", "t", "m", "l", ".", "com", "con", "COM", "co", "uk",
                "uj", "cp", "vo", "gmial", "gmail", "hotmial", "yaho", "outlok", "-", "é", "1",
                "org", "orgg", "net", "ner", "icloud", "iclod",
            ]);
            prop::collection::vec(atoms, 0..8).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            /// The fast path never accepts what the general path rejects, and on ASCII text it
            /// accepts exactly what the general path accepts.
            #[test]
            fn fast_validation_agrees(s in address()) {
                let general = validate_general(&s);
                if valid_ascii(s.as_bytes()) {
                    prop_assert_eq!(general, Ok(()));
                }
                if s.is_ascii() {
                    prop_assert_eq!(valid_ascii(s.as_bytes()), general.is_ok());
                }
                prop_assert_eq!(validate(&s).is_ok(), general.is_ok());
            }

            #[test]
            fn typo_filter_agrees(d in domain()) {
                prop_assert_eq!(domain_typo(&d), domain_typo_precise(&d));
            }

            #[test]
            fn the_domain_memory_changes_nothing(v in prop::collection::vec(address(), 1..6)) {
                let mut last = Vec::new();
                for s in &v {
                    prop_assert_eq!(clean_ascii_on(s.as_bytes(), &mut last), clean_ascii(s.as_bytes()), "{}", s);
                }
            }

            /// Reading a short address from the text around it gives what reading it alone
            /// does, and X004's key is the local part's bytes without its dots.
            #[test]
            fn the_window_changes_nothing(
                s in prop_oneof![
                    address(),
                    "[a-zA-Z0-9]{1,9}(\\.[a-zA-Z0-9]{1,9}){0,4}@acme\\.com",
                ],
                tail in address(),
            ) {
                let text = format!("{s}{tail}{}", "@".repeat(32));
                let window: &[u8; 32] = text.as_bytes()[..32].try_into().unwrap();
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let keyed = clean_ascii_keyed(s.as_bytes(), &mut a);
                prop_assert_eq!(clean_ascii_keyed_in(s.as_bytes(), Some(window), &mut b), keyed);
                if let Some((at, key)) = keyed
                    && !s[..at].contains('+')
                {
                    let mut want = crate::hash::Stream::new();
                    s.bytes().take(at).filter(|&c| c != b'.').for_each(|c| want.push(c));
                    prop_assert_eq!(key, want.finish(), "{}", s);
                }
            }

            #[test]
            fn clean_ascii_is_valid_without_typo(s in address()) {
                if clean_ascii(s.as_bytes()) {
                    prop_assert_eq!(validate_general(&s), Ok(()));
                    let (_, d) = split(&s).unwrap_or_default();
                    prop_assert_eq!(domain_typo_precise(d), None);
                }
            }
        }
    }

    #[test]
    fn normalize_trims_and_lowercases() {
        assert_eq!(
            normalize("  Jane.Doe@Example.COM\u{a0}"),
            "jane.doe@example.com"
        );
    }
}

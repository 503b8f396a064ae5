//! The typo table: misspellings of common mail domains (R004), with a bitmap that rules most
//! domains out before the table is searched.

/// Misspellings of common mail domains, each with the domain meant. Sorted by typo for binary
/// search; every entry is lowercase.
pub(super) const DOMAIN_TYPOS: &[(&str, &str)] = &[
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
pub(super) const SUFFIX_TYPOS: &[(&str, &str)] = &[
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
pub(super) const fn typo_hash(b: &[u8]) -> u32 {
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
pub(super) static TYPO_BITS: [u64; 16] = {
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
pub(super) fn may_be_domain_typo(domain: &str) -> bool {
    let b = domain.as_bytes();
    match memchr::memrchr(b'.', b) {
        Some(dot) => may_be_typo_parts(b, &b[dot + 1..]),
        None => false,
    }
}

/// [`may_be_domain_typo`] for a domain `b` whose last label (after its last dot) is `last`.
pub(super) fn may_be_typo_parts(b: &[u8], last: &[u8]) -> bool {
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
pub(super) const SUFFIX_TAILS: [[u8; 4]; 16] = [
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
pub(super) fn domain_typo_precise(domain: &str) -> Option<String> {
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

//! The ASCII fast path of the email rules: the common address (letters, digits, single inner
//! dots, a host name) accepted 16 bytes at a time, with the cross-row keys an accepted address
//! gives; anything else goes to the grammar's precise path ([`super::validate`]).

use super::typo::may_be_typo_parts;

/// Byte classes for the ASCII fast path: what may appear in a local part, in a domain, and
/// the letters and digits that may appear anywhere.
pub(crate) const LOCAL: u8 = 1;
pub(crate) const DOMAIN: u8 = 2;
pub(crate) const ALNUM: u8 = 4;
pub(crate) static EMAIL_BYTES: [u8; 256] = {
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
    let (at, local) = crate::rules::cross::similar::ascii_local_keyed(b, window)?;
    if !last.is_empty() && b.get(at + 1..) == Some(&last[..]) {
        return Some((at, local));
    }
    clean_ascii_on(b, last).then_some((at, local))
}

/// The common local part, 16 bytes at a time: where the `@` is and where the dots before it
/// are (bit `i`: byte `i`), when the `@` is among the first 32 bytes and every byte before it
/// is a letter, a digit or a dot, with no dot first, last or doubled; and the first 16 bytes
/// read. `None` sends the address to the byte-by-byte loop, which decides every other case.
/// `window`, when given, holds `b`'s first bytes and what follows them (see
/// [`clean_ascii_keyed_in`]).
#[inline(always)]
pub(crate) fn local_block(b: &[u8], window: Option<&[u8; 32]>) -> Option<(usize, u32, [u8; 32])> {
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
pub(super) fn local_masks(w: [u8; 16]) -> [u32; 3] {
    let x = crate::simd::Block::new(w);
    let dots = x.eq(b'.');
    [x.eq(b'@'), x.alphanumeric() | dots, dots]
}

/// The local part's checks of [`ascii_parts`]: where the `@` is.
#[inline]
pub(super) fn ascii_local(b: &[u8]) -> Option<usize> {
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
pub(super) fn ascii_parts(b: &[u8]) -> Option<(usize, usize)> {
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

//! When two email addresses look like the same person: X004 here, and P003 later against a
//! user export, use the same test.
//!
//! Two addresses are *similar* when they differ as text (after trimming and lowercasing) but
//! have the same [`profile_key`]: the local part lowercased with its dots removed and any
//! `+tag` cut off, and the same domain. `jane.doe@acme.com`, `janedoe@acme.com`,
//! `Jane.Doe+lms@acme.com` are all similar. [`similar_across`] adds the org's other domains:
//! `jane.doe@acme.com` and `jane.doe@acme.co.uk` are similar when both domains are the org's.

use super::lowered;
use crate::hash;
use crate::rules::row::email::fast::{ALNUM, EMAIL_BYTES, LOCAL, local_block};

/// Splits a trimmed, lowercased address at its last `@`; `None` when either side is empty or it
/// holds no `@`.
#[inline]
pub(crate) fn split(email: &str) -> Option<(&str, &str)> {
    // A byte search: `@` is ASCII, so the split stays on a character boundary.
    let at = email.bytes().rposition(|b| b == b'@')?;
    let (local, domain) = (&email[..at], &email[at + 1..]);
    let spaced = if domain.is_ascii() {
        domain.bytes().any(|b| b.is_ascii_whitespace())
    } else {
        domain.contains(char::is_whitespace)
    };
    (!local.is_empty() && !domain.is_empty() && !spaced).then_some((local, domain))
}

// X004's local-part key exists in three forms, kept here side by side; the test
// `the_three_local_keys_agree` checks they are the same key:
// - `local_key`: the string form, for P003 against a user export's keys;
// - `local_key_hash`: the hash the cross-row rules keep per row (`cross::Cross`);
// - `ascii_local_keyed`: the same hash worked out inside the row rules' email fast path while it
//   reads the address (`email::fast::clean_ascii_keyed_in`), so a clean row is walked once.

/// The local part without dots and without a `+tag`, borrowed when nothing is removed.
pub(crate) fn local_key<'a>(local: &'a str, buf: &'a mut String) -> &'a str {
    let untagged = match local.find('+') {
        Some(0) | None => local,
        Some(i) => &local[..i],
    };
    if !untagged.contains('.') {
        return untagged;
    }
    buf.clear();
    for part in untagged.split('.') {
        buf.push_str(part);
    }
    buf
}

/// A local part as X004 compares it: `+tag` cut (unless it starts the part), dots removed,
/// ASCII capitals lowercased; hashed as it is read, so nothing is copied. The non-ASCII path
/// passes the part already lowercased.
#[inline]
pub(crate) fn local_key_hash(local: &[u8]) -> u64 {
    // A `+` first is part of the name, and then no later `+` starts a tag either.
    let tags = local.first() != Some(&b'+');
    hash::stream(local, |c| c == b'.', |c| tags && c == b'+')
}

/// `email::fast::ascii_local` with X004's local-part key: dots left out, a `+tag` cut (unless the part
/// starts with `+`), ASCII capitals folded, hashed as `crate::hash::stream` hashes. The key
/// is fed a run of bytes at a time (the bytes between dots), which hashes as byte by byte.
#[inline]
pub(crate) fn ascii_local_keyed(b: &[u8], window: Option<&[u8; 32]>) -> Option<(usize, u64)> {
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

// `profile_key`, `similar` and `similar_across` are the string forms of the test X004 runs on
// hashes; the user-export rules (P003) build the same keys from `split` and `local_key`.
/// The key under which similar addresses meet: `janedoe@acme.com` for `Jane.Doe+x@ACME.com`.
/// `None` for a value that is not shaped like an address.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn profile_key(email: &str) -> Option<String> {
    let mut buf = String::new();
    let lower = lowered(email, &mut buf).to_string();
    let (local, domain) = split(&lower)?;
    let mut lbuf = String::new();
    Some(format!("{}@{domain}", local_key(local, &mut lbuf)))
}

/// Whether two addresses are different but look like the same person on the same domain.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn similar(a: &str, b: &str) -> bool {
    similar_across(a, b, &[])
}

/// As [`similar`], and also when the local parts match on two of `org_domains` (lowercase).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn similar_across(a: &str, b: &str, org_domains: &[&str]) -> bool {
    let (mut ba, mut bb) = (String::new(), String::new());
    let (la, lb) = (lowered(a, &mut ba), lowered(b, &mut bb));
    if la == lb {
        return false;
    }
    let (Some((a_local, a_domain)), Some((b_local, b_domain))) = (split(la), split(lb)) else {
        return false;
    };
    let (mut ka, mut kb) = (String::new(), String::new());
    if local_key(a_local, &mut ka) != local_key(b_local, &mut kb) {
        return false;
    }
    a_domain == b_domain || (org_domains.contains(&a_domain) && org_domains.contains(&b_domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_local_keys_agree() {
        let parts = [
            "a", ".", "+", "bc", "Jane", "doe", "0123456", ".x.", "++", "Z",
        ];
        let mut cases: Vec<String> = vec![String::new()];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in ["", "+", "long.name.here", "q"] {
                        cases.push(format!("{a}{b}{c}{d}"));
                    }
                }
            }
        }
        cases.push("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.0.1.2.3".into());
        cases.push("a".repeat(70));
        let plain = |s: &str| {
            let b = s.to_ascii_lowercase().into_bytes();
            let cut = if b.first() != Some(&b'+') {
                b.iter().position(|&c| c == b'+').unwrap_or(b.len())
            } else {
                b.len()
            };
            b[..cut]
                .iter()
                .copied()
                .filter(|&c| c != b'.')
                .collect::<Vec<u8>>()
        };
        let mut by_key = std::collections::HashMap::new();
        for s in &cases {
            // The row rules' fast path computes the same key in its own loop (`row::Keys`).
            // With and without the memory of the last domain.
            let address = format!("{s}@acme.com");
            for mut last in [Vec::new(), b"acme.com".to_vec()] {
                if let Some((at, key)) =
                    crate::rules::row::email::clean_ascii_keyed(address.as_bytes(), &mut last)
                {
                    assert_eq!(at, s.len(), "{s}");
                    assert_eq!(key, local_key_hash(s.as_bytes()), "{s}");
                }
            }
            let key = local_key_hash(s.as_bytes());
            let want = plain(s);
            // The string form P003 uses reads the same: hashed, it is the same key.
            let lower = s.to_ascii_lowercase();
            let mut buf = String::new();
            let mut stream = crate::hash::Stream::new();
            local_key(&lower, &mut buf)
                .bytes()
                .for_each(|c| stream.push(c));
            assert_eq!(stream.finish(), key, "{s}");
            let seen = by_key.entry(key).or_insert_with(|| want.clone());
            assert_eq!(*seen, want, "{s}");
        }
    }

    #[test]
    fn profile_keys() {
        for (email, key) in [
            ("jane.doe@acme.com", Some("janedoe@acme.com")),
            (" Jane.Doe+LMS@ACME.com ", Some("janedoe@acme.com")),
            ("janedoe@acme.com", Some("janedoe@acme.com")),
            ("+tag@acme.com", Some("+tag@acme.com")),
            ("no-at-sign", None),
            ("@acme.com", None),
            ("jane@", None),
        ] {
            assert_eq!(profile_key(email).as_deref(), key, "{email}");
        }
    }

    #[test]
    fn similarity() {
        let org = ["acme.com", "acme.co.uk"];
        for (a, b, same_domain, across) in [
            ("jane.doe@acme.com", "janedoe@acme.com", true, true),
            ("jane@acme.com", "jane+learning@acme.com", true, true),
            ("Jane@Acme.com", "jane@acme.com", false, false), // the same address: X001
            ("jane.doe@acme.com", "jane.doe@acme.co.uk", false, true),
            ("jane.doe@acme.com", "jane.doe@gmail.com", false, false),
            ("jane.doe@acme.com", "john.doe@acme.com", false, false),
            ("not an email", "notanemail", false, false),
        ] {
            assert_eq!(similar(a, b), same_domain, "{a} {b}");
            assert_eq!(similar_across(a, b, &org), across, "{a} {b} across");
        }
    }
}

//! When two email addresses look like the same person: X004 here, and P003 later against a
//! user export, use the same test.
//!
//! Two addresses are *similar* when they differ as text (after trimming and lowercasing) but
//! have the same [`profile_key`]: the local part lowercased with its dots removed and any
//! `+tag` cut off, and the same domain. `jane.doe@acme.com`, `janedoe@acme.com`,
//! `Jane.Doe+lms@acme.com` are all similar. [`similar_across`] adds the org's other domains:
//! `jane.doe@acme.com` and `jane.doe@acme.co.uk` are similar when both domains are the org's.

use super::lowered;

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

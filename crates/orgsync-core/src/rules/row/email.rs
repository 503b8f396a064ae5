//! Email parsing shared by the email rules (R002, R003, R004, R018, R019) and the cross-row rules
//! (duplicate emails, look-alike profiles, the file-wide half of R004).
//!
//! The validator is strict on purpose: it accepts what a real mailbox address looks like in a
//! directory export (dot-atom local part, host name domain), not everything RFC 5322 allows, so
//! that quoted local parts, comments and domain literals — which no HR system exports — are caught.
//! It allocates nothing.

//!
//! The grammar is here; the ASCII fast path (`fast`) and the domain typo table (`typo`) have
//! modules of their own.

pub(crate) mod fast;
mod typo;

#[cfg(test)]
pub(crate) use fast::clean_ascii_keyed;
pub(crate) use fast::{clean_ascii, clean_ascii_keyed_in, clean_ascii_on, valid_ascii};
pub(crate) use typo::domain_typo;

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

/// Whether the value is an address by [`validate`]'s strict test.
pub(crate) fn is_valid(value: &str) -> bool {
    validate(value).is_ok()
}

/// The address as the uploader compares addresses: surrounding blanks removed, lowercased.
/// For cross-row keys (duplicates) — not a correction to write back.
#[allow(dead_code)] // The cross-row rules call it.
pub(crate) fn normalize(value: &str) -> String {
    crate::case::lower(value.trim_matches(is_blank))
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

#[cfg(test)]
mod tests {
    use super::typo::*;
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
        use super::super::typo::*;
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

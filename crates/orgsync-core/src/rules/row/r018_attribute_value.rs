//! R018 bad-attribute-value: the shared Admin Center profile attributes whose values have a
//! shape (`worker_status`, `country_code`, phone numbers, `start_date`, and
//! `manager_primary_email_address`, whose address checks run with the other email columns).

use super::email::EmailProblem;
use crate::header::Profile;
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// Checks a non-blank profile attribute (without surrounding blanks).
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    profile: Profile,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) {
    let (ok, what, tip) = match profile {
        Profile::WorkerStatus => (
            t.eq_ignore_ascii_case("active") || t.eq_ignore_ascii_case("inactive"),
            "is not a worker status: write `active` or `inactive`",
            "Type active or inactive, or clear the cell.",
        ),
        Profile::CountryCode => (
            t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()),
            "is not a two-letter country code (ISO 3166, e.g. `US`, `GB`, `DE`)",
            "Replace the country name with its two-letter code.",
        ),
        Profile::WorkPhoneNumber | Profile::MobilePhoneNumber => (
            is_phone(t),
            "is not a phone number: use digits, spaces and + - ( ) . only",
            "Remove letters and other characters (put an extension in another attribute), e.g. +44 20 7946 0958.",
        ),
        Profile::StartDate => (
            is_date(t),
            "is not a date the validator recognises (e.g. 2024-03-15, 3/15/2024 or 15.03.2024)",
            "Write the date as yyyy-mm-dd (in Excel, Format Cells > Custom > yyyy-mm-dd before saving).",
        ),
        _ => return,
    };
    if ok {
        return;
    }
    sink.report(Code::R018, None, None, || {
        row.finding(
            Code::R018,
            Some(column),
            format!("`{}` {what}.", excerpt(t)),
            tip,
        )
    });
}

/// A `manager_primary_email_address` that is not an address (R002 is for the user's own
/// address; a wrong manager address only loses the manager link).
pub(super) fn manager_email(
    row: &Row<'_>,
    column: usize,
    t: &str,
    problem: Option<EmailProblem>,
    sink: &mut super::Out<'_, '_>,
) {
    let Some(problem) = problem else { return };
    sink.report(Code::R018, None, None, || {
        row.finding(
            Code::R018,
            Some(column),
            format!(
                "The manager's address `{}` is not a valid email address: {}",
                excerpt(t),
                problem.describe()
            ),
            "Type the manager's full work address (name@company.com), or clear the cell.",
        )
    });
}

fn is_phone(t: &str) -> bool {
    t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
}

/// `yyyy-mm-dd`, `m/d/yyyy`, `d/m/yyyy` or `dd.mm.yyyy`, with a real day of a real month.
pub(super) fn is_date(t: &str) -> bool {
    fn num(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
        ((min_len..=max_len).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    }
    fn valid(y: u32, m: u32, d: u32) -> bool {
        let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (1900..=2199).contains(&y) && (1..=days).contains(&d)
    }
    let parts = |sep: char| -> Option<[&str; 3]> {
        let mut it = t.split(sep);
        let p = [it.next()?, it.next()?, it.next()?];
        it.next().is_none().then_some(p)
    };
    if let Some([y, m, d]) = parts('-')
        && let (Some(y), Some(m), Some(d)) = (num(y, 4, 4), num(m, 1, 2), num(d, 1, 2))
    {
        return valid(y, m, d);
    }
    if let Some([a, b, y]) = parts('/')
        && let (Some(a), Some(b), Some(y)) = (num(a, 1, 2), num(b, 1, 2), num(y, 4, 4))
    {
        // Month first (US) or day first: either reading will do.
        return valid(y, a, b) || valid(y, b, a);
    }
    if let Some([d, m, y]) = parts('.')
        && let (Some(d), Some(m), Some(y)) = (num(d, 1, 2), num(m, 1, 2), num(y, 4, 4))
    {
        return valid(y, m, d);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn dates() {
        for yes in [
            "2024-03-15",
            "2024-3-5",
            "3/15/2024",
            "15/3/2024",
            "15.03.2024",
            "2024-02-29",
        ] {
            assert!(is_date(yes), "{yes}");
        }
        for no in [
            "2023-02-29",
            "2024-13-01",
            "15/15/2024",
            "March 15, 2024",
            "45366",
            "2024/03/15",
            "15.03.24",
            "2024-03-15T09:00",
        ] {
            assert!(!is_date(no), "{no}");
        }
    }

    #[test]
    fn attribute_value_table() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            (
                "worker_status",
                &[
                    ("active", true),
                    ("Inactive", true),
                    ("ACTIVE", true),
                    ("terminated", false),
                    ("yes", false),
                ],
            ),
            (
                "country_code",
                &[
                    ("US", true),
                    ("gb", true),
                    ("USA", false),
                    ("United Kingdom", false),
                    ("U1", false),
                ],
            ),
            (
                "work_phone_number",
                &[
                    ("+44 20 7946 0958", true),
                    ("(555) 010-9999", true),
                    ("555.010.9999", true),
                    ("ext 12", false),
                    ("+1 555 0100 x12", false),
                    ("n/a", false),
                ],
            ),
            (
                "mobile_phone_number",
                &[
                    ("+61 412 345 678", true),
                    ("+61 412 345 678 (mobile)", false),
                ],
            ),
            (
                "start_date",
                &[
                    ("2024-03-15", true),
                    ("3/15/2024", true),
                    ("15.03.2024", true),
                    ("next Monday", false),
                    ("2024-02-30", false),
                ],
            ),
            // Free text: no shape to check.
            ("department_name", &[("R&D / Platform", true)]),
            ("job_level", &[("L5 (Senior)", true)]),
        ];
        for (header, values) in cases {
            for (value, ok) in *values {
                let want: &[(crate::Code, Option<crate::Applicability>)] =
                    if *ok { &[] } else { &[(R018, NONE)] };
                table(header, &[], &[(value, want, value, value)]);
            }
        }
    }
}

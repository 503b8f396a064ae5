//! R010 excel-damage.

use crate::header::{ColumnKind, Profile};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// Excel's error values.
const ERRORS: &[&str] = &[
    "#N/A",
    "#REF!",
    "#VALUE!",
    "#NAME?",
    "#DIV/0!",
    "#NULL!",
    "#NUM!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
];

/// Columns of long numbers that Excel turns into scientific notation.
fn holds_long_numbers(kind: &ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::UniqueUserId
            | ColumnKind::NewUniqueUserId
            | ColumnKind::UniqueId
            | ColumnKind::Profile(
                Profile::ManagerUniqueUserId
                    | Profile::WorkPhoneNumber
                    | Profile::MobilePhoneNumber
            )
    )
}

/// `1.23457E+11`: digits, an optional fraction, `E+` and digits — Excel's display of a long
/// number. The `+` is required, so an id like `12E45` is not mistaken for it.
fn is_scientific(t: &str) -> bool {
    let b = t.as_bytes();
    let Some(e) = b.iter().position(|&c| c == b'E' || c == b'e') else {
        return false;
    };
    let (mantissa, exp) = (&b[..e], &b[e + 1..]);
    let mantissa_ok = match mantissa.iter().position(|&c| c == b'.') {
        Some(dot) => {
            dot > 0
                && mantissa[..dot].iter().all(u8::is_ascii_digit)
                && mantissa[dot + 1..].iter().all(u8::is_ascii_digit)
        }
        None => !mantissa.is_empty() && mantissa.iter().all(u8::is_ascii_digit),
    };
    mantissa_ok && exp.len() >= 2 && exp[0] == b'+' && exp[1..].iter().all(u8::is_ascii_digit)
}

/// What kind of damage a value shows, if any, and whether the value itself is gone (rather
/// than wrapped in something the uploader would keep).
fn damage(kind: &ColumnKind, t: &str) -> Option<(&'static str, bool)> {
    let first = *t.as_bytes().first()?;
    match first {
        b'#' if t.len() >= 2 && t.bytes().all(|b| b == b'#') => Some((
            "shows only `#` signs: Excel wrote the column's display, too narrow for the value",
            true,
        )),
        b'#' if ERRORS.iter().any(|e| t.eq_ignore_ascii_case(e)) => Some((
            "is an Excel error value: the formula that made it failed",
            true,
        )),
        b'=' if t.len() >= 3 && t.as_bytes()[1] == b'"' && t.ends_with('"') => Some((
            "is wrapped in =\"…\", a spreadsheet trick to keep leading zeros; the uploader would store the formula text, not the value inside",
            false,
        )),
        b'\'' if t.len() >= 2 => Some((
            "starts with an apostrophe, Excel's marker for \"text\" that should never reach the file; the uploader would store it as part of the value",
            false,
        )),
        b'0'..=b'9' if holds_long_numbers(kind) && is_scientific(t) => Some((
            "is in scientific notation: Excel treated a long number as a number and rounded it",
            true,
        )),
        _ => None,
    }
}

/// Reports a cell Excel damaged; returns whether it did, so other rules leave that cell alone.
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    kind: &ColumnKind,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) -> bool {
    let Some((what, lost)) = damage(kind, t) else {
        return false;
    };
    let lost = if lost {
        " The original value is lost in this file."
    } else {
        ""
    };
    sink.report(Code::R010, None, None, || row.finding(
        Code::R010,
        Some(column),
        format!("`{}` {what}.{lost}", excerpt(t)),
        "Re-export from the source system; in Excel, format the column as Text (Home > Number > Text) before pasting or importing, and save as CSV UTF-8.",
    ));
    true
}

#[cfg(test)]
mod tests {
    use super::is_scientific;
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn scientific_notation_shape() {
        for yes in ["1.23457E+11", "4.47911e+11", "1E+15"] {
            assert!(is_scientific(yes), "{yes}");
        }
        for no in ["12E45", "1.2E", "E+11", "1.23457E-11x", "AB12", "1.2.3E+4"] {
            assert!(!is_scientific(no), "{no}");
        }
    }

    #[test]
    fn excel_damage_in_ids() {
        table(
            "unique_user_id",
            &[],
            &[
                ("1.23457E+11", &[(R010, NONE)], "1.23457E+11", "1.23457E+11"),
                ("=\"00123\"", &[(R010, NONE)], "=\"00123\"", "=\"00123\""),
                ("'00123", &[(R010, NONE)], "'00123", "'00123"),
                ("#N/A", &[(R010, NONE)], "#N/A", "#N/A"),
                ("#####", &[(R010, NONE)], "#####", "#####"),
                ("12E45", &[], "12E45", "12E45"),
                ("123457000000", &[], "123457000000", "123457000000"),
            ],
        );
    }

    #[test]
    fn excel_damage_anywhere() {
        table(
            "work_title",
            &[],
            &[
                ("#REF!", &[(R010, NONE)], "#REF!", "#REF!"),
                ("#value!", &[(R010, NONE)], "#value!", "#value!"),
                ("#NAME?", &[(R010, NONE)], "#NAME?", "#NAME?"),
                ("#DIV/0!", &[(R010, NONE)], "#DIV/0!", "#DIV/0!"),
                ("#1 Sales Rep", &[], "#1 Sales Rep", "#1 Sales Rep"),
                ("1.5E+3", &[], "1.5E+3", "1.5E+3"),
                (
                    "Director, People & Culture",
                    &[],
                    "Director, People & Culture",
                    "Director, People & Culture",
                ),
            ],
        );
        // The damage silences the email rules on that cell.
        table(
            "primary_email_address",
            &[],
            &[("#N/A", &[(R010, NONE)], "#N/A", "#N/A")],
        );
        table(
            "mobile_phone_number",
            &[],
            &[("4.47911E+11", &[(R010, NONE)], "4.47911E+11", "4.47911E+11")],
        );
    }
}

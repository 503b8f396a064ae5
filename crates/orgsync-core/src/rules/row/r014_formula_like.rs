//! R014 formula-like-value.
//!
//! A cell starting with `=`, `+`, `-` or `@` is run as a formula when the file is opened in a
//! spreadsheet. Only formula-like text is reported: a phone number (`+44 20 7946 0958`), a
//! negative number, a dash used as a bullet (`- none -`) or a handle-like `@name` is not.

use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// A function call (`SUM(`, `cmd|`), a cross-sheet or DDE reference (`!`, `|`), or a cell
/// reference (`A1`, `$B$2`) at the start.
fn formula_body(rest: &str) -> bool {
    let rest = rest.trim_start();
    if rest.contains(['|', '!']) {
        return true;
    }
    // NAME( — letters, digits, dots and underscores, then an opening parenthesis.
    let b = rest.as_bytes();
    let name_len = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.' || **c == b'_')
        .count();
    if name_len > 0 && b[0].is_ascii_alphabetic() && b.get(name_len) == Some(&b'(') {
        return true;
    }
    // A cell reference: $?LETTERS{1,3}$?DIGITS, then the end or an operator.
    let mut k = 0;
    if b.get(k) == Some(&b'$') {
        k += 1;
    }
    let letters = b[k..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if !(1..=3).contains(&letters) {
        return false;
    }
    k += letters;
    if b.get(k) == Some(&b'$') {
        k += 1;
    }
    let digits = b[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    k += digits;
    match b.get(k) {
        None => true,
        Some(c) => b"+-*/^&:,;=<> )".contains(c),
    }
}

/// Whether a value would run as a formula.
pub(super) fn is_formula_like(t: &str) -> bool {
    let Some(&first) = t.as_bytes().first() else {
        return false;
    };
    let rest = &t[1..];
    match first {
        // Anything after `=` is a formula (`="…"` wrapping is R010's, found before this).
        b'=' => !rest.trim().is_empty(),
        b'+' | b'-' | b'@' => formula_body(rest),
        _ => false,
    }
}

/// Checks a value (without surrounding blanks).
pub(super) fn check(row: &Row<'_>, column: usize, t: &str, sink: &mut super::Out<'_, '_>) {
    if !matches!(t.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@')) || !is_formula_like(t) {
        return;
    }
    sink.report(Code::R014, None, None, || row.finding(
        Code::R014,
        Some(column),
        format!(
            "`{}` starts like a spreadsheet formula: opened in Excel it runs as one (CSV injection), or it is a formula left over from the workbook.",
            excerpt(t)
        ),
        "Replace it with the value it should hold; if the text really starts this way, put a space or letter before the first character.",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn formula_shapes() {
        for yes in [
            "=SUM(A1:A3)",
            "=1+2",
            "+SUM(A1)",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "=HYPERLINK(\"http://x\",\"y\")",
            "+A1",
            "-B2*3",
            "-$C$4",
            "=cmd|' /C notepad'!'A1'",
        ] {
            assert!(is_formula_like(yes), "{yes}");
        }
        for no in [
            "+44 20 7946 0958",
            "-5",
            "-12.50",
            "+1 (555) 010-9999",
            "- none -",
            "-Inactive-",
            "@jane_doe",
            "@ Home office",
            "+",
            "=",
            "-",
            "Sales",
            "--",
        ] {
            assert!(!is_formula_like(no), "{no}");
        }
    }

    #[test]
    fn formula_table() {
        table(
            "work_title",
            &[],
            &[
                (
                    "=HYPERLINK(\"http://evil.example\",\"Manager\")",
                    &[(R014, NONE)],
                    "=HYPERLINK(\"http://evil.example\",\"Manager\")",
                    "=HYPERLINK(\"http://evil.example\",\"Manager\")",
                ),
                (
                    "-2+3+cmd|' /C calc'!A0",
                    &[(R014, NONE)],
                    "-2+3+cmd|' /C calc'!A0",
                    "-2+3+cmd|' /C calc'!A0",
                ),
                ("- Team lead -", &[], "- Team lead -", "- Team lead -"),
            ],
        );
        table(
            "work_phone_number",
            &[],
            &[(
                "+44 20 7946 0958",
                &[],
                "+44 20 7946 0958",
                "+44 20 7946 0958",
            )],
        );
    }
}

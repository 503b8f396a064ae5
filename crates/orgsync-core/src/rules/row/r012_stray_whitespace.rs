//! R012 stray-whitespace.

use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::{excerpt, is_invisible};

use super::is_stray;

/// The value with surrounding whitespace and invisible characters removed. Inside it, a line
/// break, tab or no-break space becomes one plain space (so `Engineer,\r\nSecurity` keeps its
/// words apart), and zero-width and other control characters are taken out.
pub(crate) fn clean(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut pending_space = false;
    for c in value.trim_matches(is_stray).chars() {
        if c == ' ' || c.is_whitespace() {
            // Runs of spaces the admin typed stay as they are; only odd ones become spaces.
            if c == ' ' {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(' ');
            } else if !out.ends_with(' ') {
                pending_space = true;
            }
        } else if c.is_control() || is_invisible(c) {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The value as the file holds it, for a message: its spaces kept (they are the finding), and
/// each character a reader could not see or that would break the message's line (tabs, line
/// breaks, no-break and zero-width spaces, control characters) written as an escape
/// (`\t`, `\n`, `\u{a0}`).
fn as_in_file(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            ' ' => out.push(' '),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_whitespace() || c.is_control() || is_invisible(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn check(row: &Row<'_>, column: usize, value: &str, sink: &mut super::Out<'_, '_>) {
    let bytes = value.as_bytes();
    // Fast path: printable ASCII with no space at either end.
    let edges_ok = bytes.first().is_some_and(|b| b.is_ascii_graphic())
        && bytes.last().is_some_and(|b| b.is_ascii_graphic());
    if edges_ok && bytes.iter().all(|&b| (0x20..0x7F).contains(&b)) {
        return;
    }
    if !value.starts_with(is_stray)
        && !value.ends_with(is_stray)
        && !value.contains(|c: char| c.is_control() || is_invisible(c))
    {
        return;
    }
    // A character beyond ASCII in a row read in a guessed encoding may exist only because of
    // the guess (Windows-1252 reads a Shift_JIS byte as a control character): removing it is
    // for a person to confirm, never a safe fix. (Only there is the cleaned value needed before
    // the finding is built.)
    let non_ascii = |s: &str| s.chars().filter(|c| !c.is_ascii()).count();
    let cleaned = row.legacy.then(|| clean(value));
    let applicability = match &cleaned {
        Some(after) if non_ascii(after) != non_ascii(value) => Applicability::Suggested,
        _ => Applicability::Safe,
    };
    sink.report(Code::R012, None, Some(applicability), || row.finding(
            Code::R012,
            Some(column),
            format!(
                "`{}` has spaces, tabs, no-break spaces or invisible characters around or inside its value.",
                excerpt(&as_in_file(value))
            ),
            "Excel's TRIM() does not remove no-break spaces; use Find & Replace, or take the corrected file.",
        )
        .fix(Fix::set_cell(
            applicability,
            value,
            cleaned.unwrap_or_else(|| clean(value)),
        )));
}

#[cfg(test)]
mod tests {
    use crate::Code::*;

    #[test]
    fn the_message_quotes_the_value_as_in_the_file() {
        assert_eq!(super::as_in_file(" Patel "), " Patel ");
        assert_eq!(super::as_in_file("Ann\u{a0}"), "Ann\\u{a0}");
        assert_eq!(
            super::as_in_file("a\tb\r\n\u{200b}"),
            "a\\tb\\r\\n\\u{200b}"
        );
        let report = crate::check(
            b"primary_email_address,preferred_last_name\nann@x.com,Patel \n",
            crate::Options::default(),
        );
        let f = report
            .findings
            .iter()
            .find(|f| f.code == R012)
            .expect("R012");
        assert!(f.message.starts_with("`Patel ` has"), "{}", f.message);
    }
    use crate::rules::row::test_support::*;

    #[test]
    fn stray_whitespace_table() {
        table(
            "preferred_first_name",
            &[],
            &[
                ("Jane", &[], "Jane", "Jane"),
                ("Mary Ann", &[], "Mary Ann", "Mary Ann"),
                ("Zoë", &[], "Zoë", "Zoë"),
                (" Jane", &[(R012, SAFE)], "Jane", "Jane"),
                ("Jane  ", &[(R012, SAFE)], "Jane", "Jane"),
                ("\u{a0}Jane\u{a0}", &[(R012, SAFE)], "Jane", "Jane"),
                ("Ja\u{200B}ne", &[(R012, SAFE)], "Jane", "Jane"),
                ("\tJane", &[(R012, SAFE)], "Jane", "Jane"),
                ("Jane\r\n", &[(R012, SAFE)], "Jane", "Jane"),
                ("   ", &[(R012, SAFE)], "", ""),
                ("Mary\u{a0}Ann", &[(R012, SAFE)], "Mary Ann", "Mary Ann"),
                (
                    "Engineer,\r\nSecurity",
                    &[(R012, SAFE)],
                    "Engineer, Security",
                    "Engineer, Security",
                ),
                (
                    "Data\tScience",
                    &[(R012, SAFE)],
                    "Data Science",
                    "Data Science",
                ),
            ],
        );
    }
}

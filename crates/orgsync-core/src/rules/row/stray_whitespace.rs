//! R012 stray-whitespace.

use crate::engine::Row;
use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::rules::Sink;
use crate::rules::text::{excerpt, is_invisible};

use super::is_stray;

/// The value with surrounding whitespace and invisible characters removed and control
/// characters inside it taken out.
pub(crate) fn clean(value: &str) -> String {
    value
        .trim_matches(is_stray)
        .chars()
        .filter(|&c| !(c.is_control() || is_invisible(c)))
        .collect()
}

pub(crate) fn check(row: &Row<'_>, column: usize, value: &str, sink: &mut Sink<'_>) {
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
    let after = clean(value);
    sink(
        row.finding(
            Code::R012,
            Some(column),
            format!(
                "`{}` has spaces, tabs, no-break spaces or invisible characters around or inside its value.",
                excerpt(value.trim_matches(is_stray))
            ),
            "Excel's TRIM() does not remove no-break spaces; use Find & Replace, or take the corrected file.",
        )
        .fix(Fix::set_cell(Applicability::Safe, value, after)),
    );
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
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
            ],
        );
    }
}

//! R012 stray-whitespace.

use crate::engine::Row;
use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::rules::Sink;
use crate::rules::text::is_invisible;

fn is_stray(c: char) -> bool {
    c.is_whitespace() || is_invisible(c) || c.is_control()
}

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
            "This cell has spaces, tabs, no-break spaces or invisible characters around or inside its value.",
            "Excel's TRIM() does not remove no-break spaces; use Find & Replace, or take the corrected file.",
        )
        .fix(Fix::set_cell(Applicability::Safe, value, after)),
    );
}

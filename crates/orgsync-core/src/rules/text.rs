//! Small text helpers shared by several rules.

pub(crate) use crate::header::is_invisible;

/// Shortens a cell for a message: messages never echo more of a cell than needed.
pub(crate) fn excerpt(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX - 1).collect();
        out.push('…');
        out
    }
}

/// Names a delimiter for people.
pub(crate) fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "unknown",
    }
}

/// Ordinal-free plural helper: `plural(3, "row")` → "3 rows".
pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

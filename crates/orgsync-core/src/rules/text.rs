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

//! R006 bad-yes-no-value: `group:` membership and `permission_*` cells.

use super::one_of;
use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// Words meaning yes and no that are not the format's own.
pub(super) const YES_WORDS: &[&str] = &["y", "true", "1", "x"];
pub(super) const NO_WORDS: &[&str] = &["n", "false", "0"];

/// A yes/no cell's meaning, and the fix it needs when it is not written `yes`/`no`:
/// `Ok(None)` when it is right already, `Ok(Some(..))` with a fix, `Err(())` when it means
/// neither.
pub(super) fn meaning(t: &str) -> Result<(bool, Option<Applicability>), ()> {
    match t {
        "yes" => Ok((true, None)),
        "no" => Ok((false, None)),
        _ if t.eq_ignore_ascii_case("yes") => Ok((true, Some(Applicability::Safe))),
        _ if t.eq_ignore_ascii_case("no") => Ok((false, Some(Applicability::Safe))),
        _ if one_of(t, YES_WORDS) => Ok((true, Some(Applicability::Suggested))),
        _ if one_of(t, NO_WORDS) => Ok((false, Some(Applicability::Suggested))),
        _ => Err(()),
    }
}

/// Checks a non-blank `group:` or `permission_*` cell; returns what it means (`Some(true)` for
/// yes) when it means anything.
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    value: &str,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) -> Option<bool> {
    match meaning(t) {
        Ok((yes, None)) => Some(yes),
        Ok((yes, Some(applicability))) => {
            let after = if yes { "yes" } else { "no" };
            sink.report(Code::R006, None, Some(applicability), || {
                let message = if applicability == Applicability::Safe {
                    format!("Write `{after}` in lowercase, not `{}`.", excerpt(t))
                } else {
                    format!(
                        "`{}` is not `yes` or `no`; it probably means `{after}`.",
                        excerpt(t)
                    )
                };
                row.finding(
                    Code::R006,
                    Some(column),
                    message,
                    "This column takes yes (add or grant), no (remove) or a blank cell (no change), in lowercase.",
                )
                .fix(Fix::set_cell(applicability, value, after))
            });
            Some(yes)
        }
        Err(()) => {
            sink.report(Code::R006, None, None, || {
                row.finding(
                    Code::R006,
                    Some(column),
                    format!(
                        "`{}` is not `yes`, `no` or blank; the uploader rejects it.",
                        excerpt(t)
                    ),
                    "Type yes to add or grant, no to remove, or clear the cell for no change.",
                )
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn group_membership_table() {
        table(
            "group:Sales EMEA",
            &[],
            &[
                ("yes", &[], "yes", "yes"),
                ("no", &[], "no", "no"),
                ("", &[], "", ""),
                ("Yes", &[(R006, SAFE)], "yes", "yes"),
                ("NO", &[(R006, SAFE)], "no", "no"),
                ("y", &[(R006, SUGG)], "y", "yes"),
                ("TRUE", &[(R006, SUGG)], "TRUE", "yes"),
                ("x", &[(R006, SUGG)], "x", "yes"),
                ("1", &[(R006, SUGG)], "1", "yes"),
                ("false", &[(R006, SUGG)], "false", "no"),
                ("0", &[(R006, SUGG)], "0", "no"),
                ("maybe", &[(R006, NONE)], "maybe", "maybe"),
                ("Sales EMEA", &[(R006, NONE)], "Sales EMEA", "Sales EMEA"),
            ],
        );
    }

    #[test]
    fn permission_table() {
        table(
            "permission_curate_content",
            &[],
            &[
                ("yes", &[(R015, NONE)], "yes", "yes"),
                ("no", &[], "no", "no"),
                ("Yes", &[(R006, SAFE), (R015, NONE)], "yes", "yes"),
                ("granted", &[(R006, NONE)], "granted", "granted"),
            ],
        );
    }
}

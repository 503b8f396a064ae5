//! R011 bad-reupload-value.

use super::one_of;
use crate::finding::{Applicability, Fix};
use crate::registry::{Code, Severity};
use crate::row::Row;
use crate::rules::text::excerpt;

const TIP: &str = "Type true only on the rows the uploader answered with \"Duplicate Profile Error\" and that you confirmed are different people; leave the cell blank otherwise.";

/// Checks a non-blank `reupload_user_profile` cell: `true` or blank.
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    value: &str,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) {
    if t == "true" {
        return;
    }
    let finding = |message: String| row.finding(Code::R011, Some(column), message, TIP);
    if t.eq_ignore_ascii_case("true") {
        sink.report(Code::R011, None, Some(Applicability::Safe), || {
            finding(format!("Write `true` in lowercase, not `{}`.", excerpt(t))).fix(Fix::set_cell(
                Applicability::Safe,
                value,
                "true",
            ))
        });
    } else if one_of(t, &["yes", "y", "1"]) {
        sink.report(Code::R011, None, Some(Applicability::Suggested), || {
            finding(format!(
                "`{}` is not `true`; this column takes `true` or a blank cell.",
                excerpt(t)
            ))
            .fix(Fix::set_cell(Applicability::Suggested, value, "true"))
        });
    } else if one_of(t, &["false", "no", "n", "0"]) {
        sink.report(Code::R011, Some(Severity::Warning), None, || {
            finding(format!(
                "`{}` does nothing here: only `true` changes anything, so this is the same as a blank cell.",
                excerpt(t)
            ))
            .severity(Severity::Warning)
        });
    } else {
        sink.report(Code::R011, None, None, || {
            finding(format!(
                "`{}` is not a valid value: this column takes `true` or a blank cell.",
                excerpt(t)
            ))
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn reupload_table() {
        table(
            "reupload_user_profile",
            &[],
            &[
                ("true", &[], "true", "true"),
                ("", &[], "", ""),
                ("TRUE", &[(R011, SAFE)], "true", "true"),
                ("True", &[(R011, SAFE)], "true", "true"),
                ("yes", &[(R011, SUGG)], "yes", "true"),
                ("1", &[(R011, SUGG)], "1", "true"),
                ("false", &[(R011, NONE)], "false", "false"),
                ("maybe", &[(R011, NONE)], "maybe", "maybe"),
            ],
        );
    }

    #[test]
    fn false_is_only_a_warning() {
        let f = row_findings("unique_user_id,reupload_user_profile\r\nE1,FALSE\r\n", &[]);
        let r011: Vec<_> = f.iter().filter(|f| f.code == R011).collect();
        assert_eq!(r011.len(), 1);
        assert_eq!(r011[0].severity, crate::Severity::Warning);
        let f = row_findings("unique_user_id,reupload_user_profile\r\nE1,sure\r\n", &[]);
        assert!(
            f.iter()
                .any(|f| f.code == R011 && f.severity == crate::Severity::Error)
        );
    }
}

//! R005 bad-license-value.

use super::one_of;
use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// What a license cell means, for the row-level rules (R015, R017).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum License {
    Active,
    Inactive,
}

/// Words people use for `Active` in license columns.
const ACTIVE_WORDS: &[&str] = &[
    "yes",
    "y",
    "true",
    "1",
    "assigned",
    "assign",
    "active license",
    "activated",
    "enabled",
    "on",
    "licensed",
];
/// Words people use for `Inactive`.
const INACTIVE_WORDS: &[&str] = &[
    "no",
    "n",
    "false",
    "0",
    "revoked",
    "revoke",
    "removed",
    "remove",
    "inactive license",
    "deactivated",
    "disabled",
    "off",
    "unassigned",
    "unlicensed",
];

/// Checks a non-blank license cell (`t` is it without surrounding blanks) and says what it
/// means: `Active` in any case is safe to correct; a synonym is a suggestion.
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    value: &str,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) -> Option<License> {
    // The common case first: the exact canonical words, compared as bytes.
    if t == "Active" {
        return Some(License::Active);
    }
    if t == "Inactive" {
        return Some(License::Inactive);
    }
    let (meaning, applicability) = if t.eq_ignore_ascii_case("active") {
        (License::Active, Applicability::Safe)
    } else if t.eq_ignore_ascii_case("inactive") {
        (License::Inactive, Applicability::Safe)
    } else if one_of(t, ACTIVE_WORDS) {
        (License::Active, Applicability::Suggested)
    } else if one_of(t, INACTIVE_WORDS) {
        (License::Inactive, Applicability::Suggested)
    } else {
        sink.report(Code::R005, None, None, || row.finding(
            Code::R005,
            Some(column),
            format!("`{}` is not a license value: the uploader accepts only `Active` (assign), `Inactive` (revoke) or a blank cell (no change).", excerpt(t)),
            "Type Active or Inactive, or clear the cell to leave the license as it is.",
        ));
        return None;
    };
    let after = match meaning {
        License::Active => "Active",
        License::Inactive => "Inactive",
    };
    sink.report(Code::R005, None, Some(applicability), || {
        let message = if applicability == Applicability::Safe {
            format!(
                "License values are written `{after}`, not `{}`.",
                excerpt(t)
            )
        } else {
            format!(
                "`{}` is not a license value; it probably means `{after}` (the uploader accepts only `Active`, `Inactive` or blank).",
                excerpt(t)
            )
        };
        row.finding(
            Code::R005,
            Some(column),
            message,
            format!("Type {after} in this cell (Find & Replace fixes a whole column), or take the corrected file."),
        )
        .fix(Fix::set_cell(applicability, value, after))
    });
    Some(meaning)
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    const H: &str = "acme_license_learning_status";

    #[test]
    fn license_value_table() {
        table(
            H,
            &[],
            &[
                ("Active", &[], "Active", "Active"),
                ("Inactive", &[(R017, NONE)], "Inactive", "Inactive"),
                ("", &[], "", ""),
                ("ACTIVE", &[(R005, SAFE)], "Active", "Active"),
                ("active", &[(R005, SAFE)], "Active", "Active"),
                (
                    "inactive",
                    &[(R005, SAFE), (R017, NONE)],
                    "Inactive",
                    "Inactive",
                ),
                ("Yes", &[(R005, SUGG)], "Yes", "Active"),
                ("TRUE", &[(R005, SUGG)], "TRUE", "Active"),
                ("1", &[(R005, SUGG)], "1", "Active"),
                ("assigned", &[(R005, SUGG)], "assigned", "Active"),
                (
                    "Active License",
                    &[(R005, SUGG)],
                    "Active License",
                    "Active",
                ),
                ("no", &[(R005, SUGG), (R017, NONE)], "no", "Inactive"),
                ("0", &[(R005, SUGG), (R017, NONE)], "0", "Inactive"),
                (
                    "Revoked",
                    &[(R005, SUGG), (R017, NONE)],
                    "Revoked",
                    "Inactive",
                ),
                (
                    "removed",
                    &[(R005, SUGG), (R017, NONE)],
                    "removed",
                    "Inactive",
                ),
                ("Pending", &[(R005, NONE)], "Pending", "Pending"),
                ("Actve", &[(R005, NONE)], "Actve", "Actve"),
                // Blanks around a good value are R012's; around a bad one both fire, one fix.
                (" Active", &[(R012, SAFE)], "Active", "Active"),
                ("ACTIVE ", &[(R005, SAFE), (R012, SAFE)], "Active", "Active"),
            ],
        );
    }
}

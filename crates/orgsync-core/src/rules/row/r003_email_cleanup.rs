//! R003 email-needs-cleanup.

use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// Reports an email cell that becomes a valid address once the wrapping around it is removed
/// (`clean` is [`super::email::cleanup`]'s result); the fix writes the clean address.
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    value: &str,
    clean: String,
    sink: &mut super::Out<'_, '_>,
) {
    sink.report(Code::R003, None, Some(Applicability::Safe), || row.finding(
            Code::R003,
            Some(column),
            format!(
                "`{}` has extra characters around the address (spaces, `mailto:`, <angle brackets>, quotes or trailing punctuation); the address is `{}`.",
                excerpt(value),
                excerpt(&clean)
            ),
            "The corrected file keeps only the address. In Excel, Find & Replace can remove `mailto:` and brackets from the whole column; pasting from Outlook often adds them.",
        )
        .fix(Fix::set_cell(Applicability::Safe, value, clean)));
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn email_cleanup_table() {
        table(
            "primary_email_address",
            &[],
            &[
                (
                    "jane.doe@example.com",
                    &[],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    " jane.doe@example.com ",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "\u{a0}jane.doe@example.com",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "mailto:jane.doe@example.com",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "<jane.doe@example.com>",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "Jane Doe <jane.doe@example.com>",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "\"jane.doe@example.com\"",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "jane.doe@example.com;",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "jane.doe@example.com.",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "jane.doe@example.com,",
                    &[(R003, SAFE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                // Cleanup and then a domain typo: both reported; the typo fix needs opting in.
                (
                    " jane.doe@gmial.com ",
                    &[(R003, SAFE), (R004, SUGG)],
                    "jane.doe@gmial.com",
                    "jane.doe@gmail.com",
                ),
                // Not rescued by cleanup: R002, not R003.
                (
                    "<jane.doe@example>",
                    &[(R002, NONE)],
                    "<jane.doe@example>",
                    "<jane.doe@example>",
                ),
            ],
        );
    }
}

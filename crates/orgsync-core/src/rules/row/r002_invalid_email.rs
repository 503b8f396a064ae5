//! R002 invalid-email.

use super::email::EmailProblem;
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// Reports an identifier email cell (`primary_`, `invited_` or `existing_email_address`) that
/// is not an address and that R003's cleanup cannot rescue. `t` is the value without its
/// surrounding blanks.
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    t: &str,
    problem: Option<EmailProblem>,
    sink: &mut super::Out<'_, '_>,
) {
    let Some(problem) = problem else { return };
    let tip = match problem {
        EmailProblem::TwoAddresses => {
            "Give each person their own row, with one address in this cell."
        }
        EmailProblem::NoAt | EmailProblem::Space | EmailProblem::NoDot => {
            "Type the person's full work address (name@company.com); if a name or id sits here, the columns may be shifted."
        }
        _ => {
            "Correct the address in Excel (copy it from your HR system or directory), or remove the row."
        }
    };
    sink.report(Code::R002, None, None, || {
        row.finding(
            Code::R002,
            Some(column),
            format!(
                "`{}` is not a valid email address: {} The uploader rejects this row.",
                excerpt(t),
                problem.describe()
            ),
            tip,
        )
    });
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn invalid_email_table() {
        table(
            "primary_email_address",
            &[],
            &[
                // Valid addresses: nothing to say.
                (
                    "jane.doe@example.com",
                    &[],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                (
                    "O'Neil.J+learn@sub.example.co.uk",
                    &[],
                    "O'Neil.J+learn@sub.example.co.uk",
                    "O'Neil.J+learn@sub.example.co.uk",
                ),
                ("", &[], "", ""),
                // Not addresses.
                (
                    "jane.doe@example",
                    &[(R002, NONE)],
                    "jane.doe@example",
                    "jane.doe@example",
                ),
                (
                    "jane.doe.example.com",
                    &[(R002, NONE)],
                    "jane.doe.example.com",
                    "jane.doe.example.com",
                ),
                (
                    "jane doe@example.com",
                    &[(R002, NONE)],
                    "jane doe@example.com",
                    "jane doe@example.com",
                ),
                (
                    "a@example.com; b@example.com",
                    &[(R002, NONE)],
                    "a@example.com; b@example.com",
                    "a@example.com; b@example.com",
                ),
                (
                    "jane@@example.com",
                    &[(R002, NONE)],
                    "jane@@example.com",
                    "jane@@example.com",
                ),
                (
                    "jane..doe@example.com",
                    &[(R002, NONE)],
                    "jane..doe@example.com",
                    "jane..doe@example.com",
                ),
                (
                    "jane@exa_mple.com",
                    &[(R002, NONE)],
                    "jane@exa_mple.com",
                    "jane@exa_mple.com",
                ),
                // A plain name: also R019 (columns shifted?).
                (
                    "Jane Doe",
                    &[(R002, NONE), (R019, NONE)],
                    "Jane Doe",
                    "Jane Doe",
                ),
                // Surrounding spaces on a hopeless value: R012 trims, R002 still reports.
                (
                    " jane@example ",
                    &[(R002, NONE), (R012, SAFE)],
                    "jane@example",
                    "jane@example",
                ),
            ],
        );
    }

    #[test]
    fn manager_email_is_r018_not_r002() {
        table(
            "manager_primary_email_address",
            &[],
            &[
                (
                    "boss@example.com",
                    &[],
                    "boss@example.com",
                    "boss@example.com",
                ),
                (
                    "boss@example",
                    &[(R018, NONE)],
                    "boss@example",
                    "boss@example",
                ),
                (
                    " boss@example.com",
                    &[(R003, SAFE)],
                    "boss@example.com",
                    "boss@example.com",
                ),
            ],
        );
    }

    #[test]
    fn every_identifier_email_column_is_checked() {
        for header in ["invited_email_address", "existing_email_address"] {
            let got = cell(header, "jane.doe@example", &[]);
            assert_eq!(got.codes, vec![(R002, NONE)], "{header}");
        }
    }
}

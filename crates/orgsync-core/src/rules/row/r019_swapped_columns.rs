//! R019 swapped-columns.

use super::email;
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

const TIP: &str = "Check that each value sits under the right header: a missing or extra cell earlier in the row shifts everything after it.";

/// A name or title cell (`preferred_first_name`, `preferred_last_name`, `work_title`) that holds
/// an email address.
pub(super) fn name_holds_email(
    row: &Row<'_>,
    column: usize,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) {
    if !t.contains('@') || !(email::is_valid(t) || email::cleanup(t).is_some()) {
        return;
    }
    sink.report(Code::R019, None, None, || row.finding(
        Code::R019,
        Some(column),
        format!(
            "This name or title cell holds an email address (`{}`): the columns are probably shifted.",
            excerpt(t)
        ),
        TIP,
    ));
}

/// Whether a value is a plain name: letters and spaces (and the apostrophes and hyphens of
/// names like O'Neil-Smith), with at least one letter.
fn is_plain_name(t: &str) -> bool {
    t.chars().any(char::is_alphabetic)
        && t.chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '\'' || c == '-' || c == '’')
}

/// An email cell (that is not an address) holding a plain name.
pub(super) fn email_holds_name(
    row: &Row<'_>,
    column: usize,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) {
    if !is_plain_name(t) {
        return;
    }
    sink.report(Code::R019, None, None, || row.finding(
        Code::R019,
        Some(column),
        format!(
            "This email cell holds what looks like a name (`{}`): the columns are probably shifted.",
            excerpt(t)
        ),
        TIP,
    ));
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn swapped_table() {
        table(
            "preferred_first_name",
            &[],
            &[
                ("Jane", &[], "Jane", "Jane"),
                ("Mary-Kate", &[], "Mary-Kate", "Mary-Kate"),
                (
                    "jane.doe@example.com",
                    &[(R019, NONE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                ("Jane @ home", &[], "Jane @ home", "Jane @ home"),
            ],
        );
        table(
            "work_title",
            &[],
            &[
                (
                    "Account Executive",
                    &[],
                    "Account Executive",
                    "Account Executive",
                ),
                (
                    "<jane.doe@example.com>",
                    &[(R019, NONE)],
                    "<jane.doe@example.com>",
                    "<jane.doe@example.com>",
                ),
            ],
        );
        table(
            "primary_email_address",
            &[],
            &[
                ("O'Neil", &[(R002, NONE), (R019, NONE)], "O'Neil", "O'Neil"),
                (
                    "Account Executive",
                    &[(R002, NONE), (R019, NONE)],
                    "Account Executive",
                    "Account Executive",
                ),
                ("E10023", &[(R002, NONE)], "E10023", "E10023"),
                ("jane.doe", &[(R002, NONE)], "jane.doe", "jane.doe"),
            ],
        );
    }
}

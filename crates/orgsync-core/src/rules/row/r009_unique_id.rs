//! R009 bad-unique-id.

use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// Checks a non-blank `unique_user_id`, `new_unique_user_id` or `unique_id` cell (without its
/// surrounding blanks, which R012 reports): the format allows letters and digits only.
pub(super) fn check(row: &Row<'_>, column: usize, t: &str, sink: &mut super::Out<'_, '_>) {
    if t.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return;
    }
    let Some(bad) = t.chars().find(|c| !c.is_alphanumeric()) else {
        return;
    };
    sink.report(Code::R009, None, None, || {
        let shown = match bad {
            ' ' => "a space".to_string(),
            c if c.is_whitespace() || c.is_control() => "a blank character".to_string(),
            c => format!("`{c}`"),
        };
        row.finding(
        Code::R009,
        Some(column),
        format!(
            "The id `{}` contains {shown}; ids are letters and digits only, and the uploader may not match it to the user.",
            excerpt(t)
        ),
        "Check how your HR system writes the id; if it really has punctuation, keep it the same in every upload so the user is always matched.",
        )
    });
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn unique_id_table() {
        for h in ["unique_user_id", "new_unique_user_id"] {
            let cases: &[Case<'_>] = &[
                ("E10023", &[], "E10023", "E10023"),
                ("000123", &[], "000123", "000123"),
                ("Müller7", &[], "Müller7", "Müller7"),
                ("E-10023", &[(R009, NONE)], "E-10023", "E-10023"),
                ("emp_55", &[(R009, NONE)], "emp_55", "emp_55"),
                (
                    "jane.doe@example.com",
                    &[(R009, NONE)],
                    "jane.doe@example.com",
                    "jane.doe@example.com",
                ),
                ("E 10023", &[(R009, NONE)], "E 10023", "E 10023"),
                // Surrounding blanks are R012's alone.
                (" E10023 ", &[(R012, SAFE)], "E10023", "E10023"),
            ];
            table(h, &[], cases);
        }
    }
}

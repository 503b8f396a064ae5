//! R008 unknown-group.
//!
//! A group named in a `group_permission_*` token is checked against the file's own `group:`
//! columns and the known groups the user supplied. When the file has no `group:` column and no
//! groups were supplied there is nothing to compare against, and the rule stays silent rather
//! than report every token of every row.

use super::group_permission_value::{find_group, parse};
use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::RuleInput;
use crate::rules::text::excerpt;

/// Whether there is any group list to compare tokens against.
fn has_groups(ctx: &RuleInput<'_>) -> bool {
    !ctx.options.known_groups.is_empty()
        || ctx
            .header
            .columns
            .iter()
            .any(|c| matches!(c.kind, crate::header::ColumnKind::Group { .. }))
}

/// Checks the group names of a token cell. `base` is the cell as R007 would write it (tokens
/// with a lowercase `group:` and no blank after the colon); a suggested fix replaces one name
/// in it with the known spelling.
pub(super) fn check(
    ctx: &RuleInput<'_>,
    row: &Row<'_>,
    column: usize,
    value: &str,
    base: &str,
    sink: &mut super::Out<'_, '_>,
) {
    if !has_groups(ctx) {
        return;
    }
    let parsed = parse(base);
    for tok in &parsed.tokens {
        let name = &base[tok.name.0..tok.name.1];
        if find_group(ctx, name, false).is_some() {
            continue;
        }
        let close = find_group(ctx, name, true);
        let fix = close.map(|_| Applicability::Suggested);
        sink.report(Code::R008, None, fix, || {
            let message = match close {
                Some(g) => format!(
                    "The group `{}` is not one of the file's group columns or known groups; `{}` differs only by spacing or punctuation.",
                    excerpt(name),
                    excerpt(g)
                ),
                None => format!(
                    "The group `{}` is not one of the file's group columns or known groups: the permission would name a group the account may not have.",
                    excerpt(name)
                ),
            };
            let f = row.finding(
                Code::R008,
                Some(column),
                message,
                "Copy group names exactly from a user export (its group: headers) or Admin Center; names are not case sensitive, but spaces and punctuation count.",
            );
            match close {
                Some(g) => {
                    let after = format!("{}{g}{}", &base[..tok.name.0], &base[tok.name.1..]);
                    f.fix(Fix::set_cell(Applicability::Suggested, value, after))
                }
                None => f,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    const H: &str = "group_permission_edit_groups";

    #[test]
    fn unknown_group_table() {
        let groups = &["Sales Team", "Customer-Support"];
        table(
            H,
            groups,
            &[
                (
                    "group:Sales Team",
                    &[(R015, NONE)],
                    "group:Sales Team",
                    "group:Sales Team",
                ),
                (
                    "group:SALES TEAM",
                    &[(R015, NONE)],
                    "group:SALES TEAM",
                    "group:SALES TEAM",
                ),
                (
                    "group:Marketing",
                    &[(R008, NONE), (R015, NONE)],
                    "group:Marketing",
                    "group:Marketing",
                ),
                (
                    "group:SalesTeam",
                    &[(R008, SUGG), (R015, NONE)],
                    "group:SalesTeam",
                    "group:Sales Team",
                ),
                (
                    "group:Sales Team group:Customer Support",
                    &[(R008, SUGG), (R015, NONE)],
                    "group:Sales Team group:Customer Support",
                    "group:Sales Team group:Customer-Support",
                ),
                // R007 fixes the prefix first; R008 then checks the name.
                (
                    "Group:Marketing",
                    &[(R007, SAFE), (R008, NONE), (R015, NONE)],
                    "group:Marketing",
                    "group:Marketing",
                ),
            ],
        );
    }

    #[test]
    fn silent_without_anything_to_compare_against() {
        table(
            H,
            &[],
            &[(
                "group:Marketing",
                &[(R015, NONE)],
                "group:Marketing",
                "group:Marketing",
            )],
        );
    }

    #[test]
    fn the_files_group_columns_count() {
        let csv = "unique_user_id,group:Sales Team,group_permission_edit_groups,acme_license_learning_status\r\n\
                   E1,yes,group:sales team,Active\r\n\
                   E2,yes,group:Support,Active\r\n";
        let got: Vec<(u64, crate::Code)> = row_findings(csv, &[])
            .iter()
            .map(|f| (f.row.unwrap_or(0), f.code))
            .collect();
        assert_eq!(got, vec![(3, R008)]);
    }
}

//! R007 bad-group-permission-value, and the token parsing R008 reads.
//!
//! A `group_permission_*` cell is blank, `yes`, `no`, or one or more `group:<name>` tokens. Group
//! names keep their spaces, so the cell is split at each `group:` prefix; whitespace and `;`
//! between tokens are separators (the admin guide shows both `group:A group:B` and
//! `group:A; group:B`).

use super::{eq_fold, eq_loose, unknown_group, yes_no_value};
use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::RuleInput;
use crate::rules::text::excerpt;

const PREFIX: &str = "group:";

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ';'
}

/// Separators people use that the uploader does not read as such.
fn is_odd_separator(c: char) -> bool {
    c == ',' || c == '|'
}

/// One `group:<name>` token: byte ranges into the parsed text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    /// Where `group:` starts.
    pub prefix: usize,
    /// The group name, without surrounding separators.
    pub name: (usize, usize),
}

/// A parsed token cell and what is off about its form.
#[derive(Debug, Default)]
pub(super) struct Tokens {
    pub tokens: Vec<Token>,
    /// Text before the first `group:` that is not a separator.
    pub stray_lead: bool,
    /// A `Group:` / `GROUP:` prefix.
    pub prefix_case: bool,
    /// Blanks between `group:` and the name.
    pub space_after_colon: bool,
    /// Tokens joined by `,` or `|`.
    pub odd_join: bool,
    /// A `group:` with no name after it.
    pub empty_name: bool,
}

/// Byte offsets of each `group:` (any case) in `t`.
fn prefixes(t: &str) -> Vec<usize> {
    let b = t.as_bytes();
    let n = PREFIX.len();
    (0..b.len().saturating_sub(n - 1))
        .filter(|&k| b[k..k + n].eq_ignore_ascii_case(PREFIX.as_bytes()))
        .collect()
}

/// Whether the cell holds `group:` tokens at all.
pub(super) fn has_tokens(t: &str) -> bool {
    let n = PREFIX.len();
    t.as_bytes()
        .windows(n)
        .any(|w| w.eq_ignore_ascii_case(PREFIX.as_bytes()))
}

/// Splits a cell at each `group:` prefix.
pub(super) fn parse(t: &str) -> Tokens {
    let starts = prefixes(t);
    let mut out = Tokens::default();
    let Some(&first) = starts.first() else {
        return out;
    };
    out.stray_lead = !t[..first].chars().all(is_separator);
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(t.len());
        out.prefix_case |= &t[start..start + PREFIX.len()] != PREFIX;
        let body_start = start + PREFIX.len();
        let body = &t[body_start..end];
        let lead = body.len() - body.trim_start().len();
        out.space_after_colon |= lead > 0;
        let trimmed = body.trim_end_matches(|c| is_separator(c) || is_odd_separator(c));
        out.odd_join |= body[trimmed.len()..].contains(is_odd_separator);
        let name = (body_start + lead, body_start + trimmed.len().max(lead));
        out.empty_name |= name.0 >= name.1;
        out.tokens.push(Token {
            prefix: start,
            name,
        });
    }
    out
}

impl Tokens {
    /// The cell written canonically: `group:<name>` tokens joined by a space, as the admin
    /// guide writes them.
    pub(super) fn canonical(&self, t: &str) -> String {
        self.tokens
            .iter()
            .map(|tok| format!("{PREFIX}{}", &t[tok.name.0..tok.name.1]))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The cell with only the certain corrections: each prefix lowercased, blanks after the
    /// colon and separators before the first token removed; the separators between tokens
    /// stay as written.
    fn with_safe_fixes(&self, t: &str) -> String {
        let mut out = String::with_capacity(t.len());
        for (k, tok) in self.tokens.iter().enumerate() {
            let end = self.tokens.get(k + 1).map_or(t.len(), |n| n.prefix);
            out.push_str(PREFIX);
            out.push_str(&t[tok.name.0..end]);
        }
        out.trim_end_matches(is_separator).to_string()
    }
}

/// The spelling of a group that the file has a `group:` column for, or that the user listed,
/// matched case-insensitively (or, with `loose`, ignoring spacing and punctuation too).
pub(super) fn find_group<'c>(ctx: &'c RuleInput<'_>, name: &str, loose: bool) -> Option<&'c str> {
    let same = |g: &str| {
        if loose {
            eq_loose(g, name)
        } else {
            eq_fold(g, name)
        }
    };
    let columns = ctx.header.columns.iter().filter_map(|c| match &c.kind {
        crate::header::ColumnKind::Group { name } => Some(name.as_str()),
        _ => None,
    });
    columns
        .chain(ctx.options.known_groups.iter().map(|g| g.trim()))
        .find(|g| same(g))
}

/// Checks a non-blank `group_permission_*` cell; returns whether it grants the permission
/// (`yes`, or group tokens).
pub(super) fn check(
    ctx: &RuleInput<'_>,
    row: &Row<'_>,
    column: usize,
    value: &str,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) -> bool {
    const TIP: &str = "Type yes (all groups), no (remove), or the groups as group:<name> tokens separated by a space, e.g. `group:Sales group:Support`.";
    if let Ok((yes, fix)) = yes_no_value::meaning(t) {
        if let Some(applicability) = fix {
            let after = if yes { "yes" } else { "no" };
            sink.report(Code::R007, None, Some(applicability), || row.finding(
                    Code::R007,
                    Some(column),
                    if applicability == Applicability::Safe {
                        format!("Write `{after}` in lowercase, not `{}`.", excerpt(t))
                    } else {
                        format!("`{}` probably means `{after}`; this column takes `yes`, `no` or `group:<name>` tokens.", excerpt(t))
                    },
                    TIP,
                )
                .fix(Fix::set_cell(applicability, value, after)));
        }
        return yes;
    }
    if !has_tokens(t) {
        bare_names(ctx, row, column, value, t, sink);
        return false;
    }
    let parsed = parse(t);
    if parsed.empty_name || parsed.stray_lead {
        sink.report(Code::R007, None, None, || {
            row.finding(
                Code::R007,
                Some(column),
                if parsed.empty_name {
                    "A `group:` in this cell has no group name after it.".to_string()
                } else {
                    format!("`{}` has text before its first `group:` token.", excerpt(t))
                },
                TIP,
            )
        });
        return true;
    }
    let base = if parsed.odd_join {
        let after = parsed.canonical(t);
        sink.report(Code::R007, None, Some(Applicability::Suggested), || row.finding(
                Code::R007,
                Some(column),
                "The group tokens in this cell are joined by commas or bars; the uploader reads a space (or `;`) between tokens.",
                TIP,
            )
            .fix(Fix::set_cell(Applicability::Suggested, value, after.clone())));
        after
    } else if parsed.prefix_case || parsed.space_after_colon {
        let after = parsed.with_safe_fixes(t);
        sink.report(Code::R007, None, Some(Applicability::Safe), || {
            row.finding(
                Code::R007,
                Some(column),
                if parsed.prefix_case {
                    "Group tokens start with `group:` in lowercase."
                } else {
                    "A group token has a space after `group:`; the name follows the colon directly."
                },
                TIP,
            )
            .fix(Fix::set_cell(Applicability::Safe, value, after.clone()))
        });
        after
    } else {
        t.to_string()
    };
    unknown_group::check(ctx, row, column, value, &base, sink);
    true
}

/// A cell of bare group names (`Sales`, `Sales; Support`): a suggestion when every name is a
/// group the file or the user knows, else an error.
fn bare_names(
    ctx: &RuleInput<'_>,
    row: &Row<'_>,
    column: usize,
    value: &str,
    t: &str,
    sink: &mut super::Out<'_, '_>,
) {
    let mut known = Vec::new();
    for part in t.split([';', ',', '|']).map(str::trim) {
        match find_group(ctx, part, false) {
            Some(g) if !part.is_empty() => known.push(format!("{PREFIX}{g}")),
            _ => {
                known.clear();
                break;
            }
        }
    }
    let fix = (!known.is_empty()).then_some(Applicability::Suggested);
    sink.report(Code::R007, None, fix, || {
        let f = row.finding(
            Code::R007,
            Some(column),
            format!(
                "`{}` is not `yes`, `no` or `group:<name>` tokens.",
                excerpt(t)
            ),
            "Write each group as group:<name> (e.g. `group:Sales`), separated by a space; or yes for all groups, no to remove.",
        );
        if known.is_empty() {
            f
        } else {
            f.fix(Fix::set_cell(
                Applicability::Suggested,
                value,
                known.join(" "),
            ))
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    const H: &str = "group_permission_view_reports";

    #[test]
    fn parse_splits_at_each_prefix() {
        let t = "group:Sales Team; Group: Support,group:EMEA";
        let p = parse(t);
        let names: Vec<&str> = p.tokens.iter().map(|k| &t[k.name.0..k.name.1]).collect();
        assert_eq!(names, ["Sales Team", "Support", "EMEA"]);
        assert!(p.prefix_case && p.space_after_colon && p.odd_join);
        assert!(!p.empty_name && !p.stray_lead);
        assert_eq!(p.canonical(t), "group:Sales Team group:Support group:EMEA");
        assert!(parse("group:").empty_name);
        assert!(parse("group:A group:;").empty_name);
        assert!(parse("Sales group:A").stray_lead);
    }

    #[test]
    fn group_permission_table() {
        let groups = &["Sales Team", "Support", "EMEA"];
        table(
            H,
            groups,
            &[
                ("yes", &[(R015, NONE)], "yes", "yes"),
                ("no", &[], "no", "no"),
                ("", &[], "", ""),
                (
                    "group:Support",
                    &[(R015, NONE)],
                    "group:Support",
                    "group:Support",
                ),
                (
                    "group:support",
                    &[(R015, NONE)],
                    "group:support",
                    "group:support",
                ),
                (
                    "group:Sales Team group:EMEA",
                    &[(R015, NONE)],
                    "group:Sales Team group:EMEA",
                    "group:Sales Team group:EMEA",
                ),
                (
                    "group:Sales Team; group:EMEA",
                    &[(R015, NONE)],
                    "group:Sales Team; group:EMEA",
                    "group:Sales Team; group:EMEA",
                ),
                ("YES", &[(R007, SAFE), (R015, NONE)], "yes", "yes"),
                ("y", &[(R007, SUGG), (R015, NONE)], "y", "yes"),
                (
                    "Group:Support",
                    &[(R007, SAFE), (R015, NONE)],
                    "group:Support",
                    "group:Support",
                ),
                (
                    "GROUP:Support; Group:EMEA",
                    &[(R007, SAFE), (R015, NONE)],
                    "group:Support; group:EMEA",
                    "group:Support; group:EMEA",
                ),
                (
                    "group: Support",
                    &[(R007, SAFE), (R015, NONE)],
                    "group:Support",
                    "group:Support",
                ),
                (
                    "group:Support,group:EMEA",
                    &[(R007, SUGG), (R015, NONE)],
                    "group:Support,group:EMEA",
                    "group:Support group:EMEA",
                ),
                ("Support", &[(R007, SUGG)], "Support", "group:Support"),
                (
                    "support; emea",
                    &[(R007, SUGG)],
                    "support; emea",
                    "group:Support group:EMEA",
                ),
                ("Marketing", &[(R007, NONE)], "Marketing", "Marketing"),
                ("group:", &[(R007, NONE), (R015, NONE)], "group:", "group:"),
            ],
        );
    }
}

//! H008 bad-group-header: a group header malformed other than by case: `groups:`, a space
//! before or after the colon, or no group name.

use super::{finding, shown, strip_prefix_ci};
use crate::finding::{Applicability, Fix};
use crate::header::{Column, Header};
use crate::registry::Code;
use crate::rules::Sink;

/// A group header taken apart.
#[derive(Debug, PartialEq, Eq)]
struct Shape<'a> {
    plural: bool,
    space_before: bool,
    space_after: bool,
    /// The group's name, without surrounding spaces.
    name: &'a str,
}

/// `group`, or `groups`, then optional spaces, then `:` (any case).
fn parse(s: &str) -> Option<Shape<'_>> {
    let after_word = strip_prefix_ci(s, "group")?;
    let (plural, rest) = match strip_prefix_ci(after_word, "s") {
        Some(r) if r.trim_start().starts_with(':') => (true, r),
        _ => (false, after_word),
    };
    let trimmed = rest.trim_start();
    let raw_name = trimmed.strip_prefix(':')?;
    let name = raw_name.trim();
    Some(Shape {
        plural,
        space_before: trimmed.len() < rest.len(),
        space_after: raw_name.len() > raw_name.trim_start().len(),
        name,
    })
}

/// Whether H008 looks at this header (after case and whitespace corrections).
pub(super) fn is_group_header(name: &str) -> bool {
    parse(name).is_some()
}

fn malformed(shape: &Shape<'_>) -> bool {
    shape.plural || shape.space_before || shape.space_after || shape.name.is_empty()
}

/// The safe correction: `group:` then the name, when the header is malformed and has a name.
pub(super) fn safe_fix(name: &str) -> Option<String> {
    let shape = parse(name)?;
    (malformed(&shape) && !shape.name.is_empty()).then(|| format!("group:{}", shape.name))
}

pub(super) fn check(header: &Header, i: usize, col: &Column, sink: &mut Sink<'_>) {
    let Some(shape) = parse(&col.name) else {
        return;
    };
    if !malformed(&shape) {
        return;
    }
    let mut problems = Vec::new();
    if shape.plural {
        problems.push("starts with `groups:` instead of `group:`");
    }
    if shape.space_before || shape.space_after {
        problems.push("has a space around the colon");
    }
    if shape.name.is_empty() {
        problems.push("names no group");
    }
    let list = problems.join(" and ");
    let shown = shown(col);
    let f = if shape.name.is_empty() {
        finding(
            header,
            Code::H008,
            Some(i),
            format!(
                "The group header `{shown}` {list}: write `group:` followed by the group's name."
            ),
            "Type the group's name right after `group:`, spelled as in Admin Center, or delete the column.",
        )
    } else {
        let fixed = format!("group:{}", shape.name);
        finding(
            header,
            Code::H008,
            Some(i),
            format!("The group header `{shown}` {list}; the uploader expects `{fixed}`."),
            "Retype the header as `group:` followed directly by the group's name; the corrected file has it fixed.",
        )
        .fix(Fix::set_cell(Applicability::Safe, col.raw.as_str(), fixed))
    };
    sink(f);
}

#[cfg(test)]
mod tests {
    use super::{Shape, parse};
    use crate::registry::Code;
    use crate::rules::header::testing::{HeaderCase, header_case};

    #[test]
    fn table() {
        let cases: &[HeaderCase] = &[
            ("group:Sales Team", false, "group:Sales Team"),
            ("group:sales", false, "group:sales"),
            // Case alone is H001's.
            ("Group:Sales", false, "group:Sales"),
            ("groups:Sales", true, "group:Sales"),
            ("Groups:Sales", true, "group:Sales"),
            ("group :Sales", true, "group:Sales"),
            ("group: Sales Team", true, "group:Sales Team"),
            ("Group : Sales", true, "group:Sales"),
            ("group:", true, "group:"),
            ("groups: ", true, "groups:"),
            // Not group headers.
            (
                "group_permission_view_reports",
                false,
                "group_permission_view_reports",
            ),
            ("grouping", false, "grouping"),
        ];
        header_case(Code::H008, cases);
    }

    #[test]
    fn shapes() {
        assert_eq!(
            parse("Groups : Sales"),
            Some(Shape {
                plural: true,
                space_before: true,
                space_after: true,
                name: "Sales"
            })
        );
        assert_eq!(parse("groupsales:x").map(|s| s.plural), None);
        assert_eq!(parse("group:groups:x").map(|s| s.name), Some("groups:x"));
    }
}

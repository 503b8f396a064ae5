//! H009 bad-attribute-header: an `attribute_` header with spaces in the attribute's name, or
//! with no name.

use super::{finding, shown, strip_prefix_ci};
use crate::finding::{Applicability, Fix};
use crate::header::{Column, Header};
use crate::registry::Code;
use crate::rules::Sink;

/// Whether H009 looks at this header (after case and whitespace corrections).
pub(super) fn is_attribute_header(name: &str) -> bool {
    strip_prefix_ci(name, "attribute_").is_some()
}

/// The safe correction: spaces in the name written as `_`.
pub(super) fn safe_fix(name: &str) -> Option<String> {
    let rest = strip_prefix_ci(name, "attribute_")?;
    if !rest.contains(char::is_whitespace) || rest.trim().is_empty() {
        return None;
    }
    Some(format!(
        "attribute_{}",
        rest.split_whitespace().collect::<Vec<_>>().join("_")
    ))
}

pub(super) fn check(header: &Header, i: usize, col: &Column, sink: &mut Sink<'_>) {
    let Some(rest) = strip_prefix_ci(&col.name, "attribute_") else {
        return;
    };
    let shown = shown(col);
    if rest.trim().is_empty() {
        sink(finding(
            header,
            Code::H009,
            Some(i),
            format!("The attribute header `{shown}` names no attribute."),
            "Write the attribute's name after `attribute_` (spaces as `_`), or delete the column.",
        ));
        return;
    }
    let Some(fixed) = safe_fix(&col.name) else {
        return;
    };
    sink(
        finding(
            header,
            Code::H009,
            Some(i),
            format!(
                "The attribute header `{shown}` has spaces in the attribute's name; the uploader expects them written as `_`: `{fixed}`."
            ),
            "Replace each space in the header with an underscore; the corrected file has it fixed.",
        )
        .fix(Fix::set_cell(Applicability::Safe, col.raw.as_str(), fixed)),
    );
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::{HeaderCase, header_case};

    #[test]
    fn table() {
        let cases: &[HeaderCase] = &[
            (
                "attribute_Office_Location",
                false,
                "attribute_Office_Location",
            ),
            ("attribute_cost_center", false, "attribute_cost_center"),
            // Case alone is H001's.
            ("Attribute_Region", false, "attribute_Region"),
            (
                "attribute_Office Location",
                true,
                "attribute_Office_Location",
            ),
            (
                "attribute_Office  Location",
                true,
                "attribute_Office_Location",
            ),
            ("Attribute_Cost Center", true, "attribute_Cost_Center"),
            ("attribute_Büro Standort", true, "attribute_Büro_Standort"),
            ("attribute_", true, "attribute_"),
            // Not attribute headers.
            ("attributes", false, "attributes"),
        ];
        header_case(Code::H009, cases);
    }
}

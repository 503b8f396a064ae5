//! H007 license-header-variant: a well-formed license header in a form other than the current
//! guide's: the 2016 form with no budget group, or another product's `…_current_status`.

use super::{finding, shown};
use crate::header::ColumnKind;
use crate::header::{Column, Header};
use crate::registry::Code;
use crate::rules::Sink;

pub(super) fn check(header: &Header, i: usize, col: &Column, sink: &mut Sink<'_>) {
    let ColumnKind::License {
        budget_group,
        license_type,
    } = &col.kind
    else {
        return;
    };
    let no_budget = budget_group.is_empty();
    let current = license_type.len() > "_current".len()
        && license_type
            .get(license_type.len() - "_current".len()..)
            .is_some_and(|s| s.eq_ignore_ascii_case("_current"));
    let what = match (no_budget, current) {
        (false, false) => return,
        (true, false) => {
            "has no budget group: it is the 2016 guide's form (`license_<type>_status`)"
        }
        (false, true) => "ends in `_current_status`, the form another LinkedIn product uses",
        (true, true) => {
            "has no budget group and ends in `_current_status`: neither is the current form"
        }
    };
    sink(finding(
        header,
        Code::H007,
        Some(i),
        format!(
            "The license header `{}` {what}. Your account's license columns may be named `<budget group>_license_<license type>_status`.",
            shown(col)
        ),
        "Download a fresh user export from your account and copy its license header exactly; if the export uses this same header, nothing needs to change.",
    ));
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::{HeaderCase, header_case};

    #[test]
    fn table() {
        let cases: &[HeaderCase] = &[
            (
                "acme_license_learning_status",
                false,
                "acme_license_learning_status",
            ),
            ("license_english_status", true, "license_english_status"),
            ("License_English_Status", true, "license_English_status"),
            (
                "acme_license_learning_current_status",
                true,
                "acme_license_learning_current_status",
            ),
            (
                "license_learning_current_status",
                true,
                "license_learning_current_status",
            ),
            (
                "acme_license_current_status",
                false,
                "acme_license_current_status",
            ),
            // Malformed ones are H006's only.
            ("licence_english_status", false, "license_english_status"),
        ];
        header_case(Code::H007, cases);
    }
}

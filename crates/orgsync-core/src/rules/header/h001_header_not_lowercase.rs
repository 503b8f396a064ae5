//! H001 header-not-lowercase: a known header, or the fixed parts of a pattern header, is not
//! lowercase.

use super::{finding, shown};
use crate::finding::{Applicability, Fix};
use crate::header::strip_header_whitespace;
use crate::header::{Column, Header};
use crate::registry::Code;
use crate::rules::Sink;

pub(super) fn check(header: &Header, i: usize, col: &Column, sink: &mut Sink<'_>) {
    // `col.name` is the header with its case and whitespace corrected; the whitespace part is
    // H002's, so compare with the header stripped of whitespace only.
    if col.raw.bytes().all(|b| !b.is_ascii_uppercase()) && col.raw.is_ascii() {
        return;
    }
    let stripped = strip_header_whitespace(&col.raw);
    if stripped == col.name {
        return;
    }
    sink(
        finding(
            header,
            Code::H001,
            Some(i),
            format!(
                "The header `{}` is not lowercase; headers are case sensitive and the uploader expects `{}`.",
                shown(col),
                crate::rules::text::excerpt(&col.name)
            ),
            "Retype the header in lowercase. In group, license and attribute headers only the fixed parts (`group:`, `_license_`, `_status`, `attribute_`) change; the names you chose keep their spelling.",
        )
        .fix(Fix::set_cell(Applicability::Safe, col.raw.as_str(), col.name.as_str())),
    );
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::{HeaderCase, header_case};

    #[test]
    fn table() {
        let cases: &[HeaderCase] = &[
            // (header, fires, corrected header in the fixed file)
            ("primary_email_address", false, "primary_email_address"),
            ("Primary_Email_Address", true, "primary_email_address"),
            ("WORK_TITLE", true, "work_title"),
            ("Group:Sales Team", true, "group:Sales Team"),
            ("group:SALES", false, "group:SALES"),
            (
                "Acme_License_Learning_Status",
                true,
                "Acme_license_Learning_status",
            ),
            ("ACME_license_PRO_status", false, "ACME_license_PRO_status"),
            (
                "Attribute_Office_Location",
                true,
                "attribute_Office_Location",
            ),
            ("attribute_OFFICE", false, "attribute_OFFICE"),
            (
                "PERMISSION_MANAGE_IT_SETTINGS",
                true,
                "permission_manage_it_settings",
            ),
            (
                "permission_manage_IT_settings",
                true,
                "permission_manage_it_settings",
            ),
            (
                "Group_Permission_View_Reports",
                true,
                "group_permission_view_reports",
            ),
            // Unknown headers are H005's, not H001's.
            ("Email", false, "primary_email_address"),
            // Both problems: H001's fix writes the whole correction.
            (" Work_Title ", true, "work_title"),
        ];
        header_case(Code::H001, cases);
    }
}

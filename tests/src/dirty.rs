//! The dirty-cell set: the header names and cell values, clean and dirty, that Excel and HR
//! exports produce. One set for every generator: the property tests (`tests/tests/properties.rs`,
//! by column) and the fuzz targets (`fuzz/src/lib.rs` includes this file by path, so it takes
//! no dependency: any value added here reaches both).
//!
//! Stray spaces, case variants, bad emails, `ACTIVE`, `Yes`, formulas, quotes, commas, tabs and
//! line breaks inside cells, accents, mojibake, invisible characters, Excel's error values.

/// The columns a generated header draws from (besides the email and id columns it always has).
pub const COLUMNS: &[&str] = &[
    "preferred_first_name",
    "preferred_last_name",
    "work_title",
    "unique_user_id",
    "acme_license_learning_status",
    "license_english_status",
    "group:Sales",
    "group:Engineering",
    "permission_curate_content",
    "group_permission_view_reports",
    "reupload_user_profile",
    "attribute_office",
    "department_name",
    "worker_status",
    "country_code",
    "manager_primary_email_address",
    "Primary_Email_Address",
    " work_title",
    "Group:Support",
    "attribute_cost center",
    "email",
    "",
];

/// Realistic values for a column, clean and dirty.
pub fn pool(header: &str) -> &'static [&'static str] {
    let h = header.trim().to_ascii_lowercase();
    if h.contains("email") {
        &[
            "jane.doe@example.com",
            "john.smith@example.com",
            "ana.lopez@example.com",
            " jane.doe@example.com ",
            "JOHN.SMITH@EXAMPLE.COM",
            "mailto:ana@example.com",
            "<li.wei@example.com>",
            "li.wei@gmial.com",
            "jane.doe@example.con",
            "jane@@example.com",
            "jane doe@example.com",
            "a@example.com;b@example.com",
            "jane.doe@example.com.",
            "jane.doe",
            "józef@example.com",
            "j.o.h.n.smith+lms@example.com",
            "",
        ]
    } else if h.contains("license") {
        &[
            "Active", "Active", "Inactive", "ACTIVE", "active", " Active", "yes", "1", "true",
            "assigned", "revoked", "no", "Actve", "",
        ]
    } else if h.starts_with("group_permission") {
        &[
            "group:Sales",
            "Group:Sales",
            "Sales",
            "group:Sales;group:Engineering",
            "group:Sales group:Engineering",
            "group:Marketing",
            "yes",
            "No",
            "",
        ]
    } else if h.starts_with("group:") || h.starts_with("permission_") {
        &[
            "yes", "no", "Yes", "YES", "No", "y", "n", "true", "x", "1", " yes", "", "",
        ]
    } else if h == "unique_user_id" {
        &[
            "E1001",
            "E1002",
            "E-1003",
            "1.23457E+11",
            "=\"00123\"",
            "'00123",
            "#N/A",
            "E 1004",
            "",
        ]
    } else if h == "reupload_user_profile" {
        &["true", "TRUE", "True", "yes", "1", "false", ""]
    } else if h == "worker_status" {
        &["active", "inactive", "Active", "on leave", ""]
    } else if h == "country_code" {
        &["AU", "us", "GBR", "D", ""]
    } else {
        &[
            "Jane",
            "Smith",
            "Manager, Sales",
            "O'Brien",
            "José",
            "Zoë Müller",
            "Ã©ric",
            " Jane",
            "Jane ",
            "\u{00A0}Ann",
            "Ann\u{200B}",
            "=HYPERLINK(\"http://x\")",
            "+SUM(A1:A2)",
            "-",
            "@home",
            "\"Quoted\" name",
            "Line\nbreak",
            "Sydney Office",
            "sydney office",
            "Sydney  Office",
            "#REF!",
            "#N/A",
            "-2+3",
            "@cmd|' /C calc'!A0",
            "cr\rin cell",
            "tab\tin cell",
            "jane.doe@example.com",
            "",
        ]
    }
}

/// Columns only the fuzz targets add: they make a change or deletion file (or a second email
/// column), whose rows the property tests cannot trace by id.
pub const MORE_COLUMNS: &[&str] = &[
    "primary_email_address",
    "unique_id",
    "permission_view_reports",
    "existing_email_address",
    "invited_email_address",
    "new_unique_user_id",
];

/// Every pool's values, in one list (repeats kept: a value in two pools is drawn more often).
pub fn all_cells() -> Vec<&'static str> {
    [
        "primary_email_address",
        "license",
        "group_permission_x",
        "group:x",
        "unique_user_id",
        "reupload_user_profile",
        "worker_status",
        "country_code",
        "work_title",
    ]
    .iter()
    .flat_map(|h| pool(h).iter().copied())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pool_has_an_empty_cell_and_the_flat_list_holds_every_pool() {
        let all = all_cells();
        for h in COLUMNS.iter().chain(MORE_COLUMNS) {
            assert!(pool(h).contains(&""), "{h}: no empty cell");
            for v in pool(h) {
                assert!(all.contains(v), "{h}: {v:?} missing from all_cells");
            }
        }
    }
}

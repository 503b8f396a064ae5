//! Blank Org Sync files to start from: a header row the uploader accepts, ready to fill in.
//!
//! Two templates:
//!
//! - **Users** (the default): `primary_email_address`, `preferred_first_name`,
//!   `preferred_last_name`, `work_title`, `unique_user_id`, then one column per license header
//!   given, then one `group:<name>` column per group given.
//! - **Users and admins** (`admins`): the same columns, then the four permissions across all
//!   groups (`permission_create_other_sub_admins_with_same_permissions`,
//!   `permission_manage_custom_content`, `permission_curate_content`,
//!   `permission_manage_it_settings`) and the four permissions limited to groups
//!   (`group_permission_edit_groups`, `group_permission_manage_users_licenses`,
//!   `group_permission_recommend_content`, `group_permission_view_reports`).
//!
//! License headers differ per account (`<budget group>_license_<license type>_status`, copied
//! from a user export) and no public source gives a default, so a template has license columns
//! only when the caller names them. The template is the header row alone, in CSV with CRLF line
//! ends: an example row would be uploaded by mistake sooner or later.

use crate::header::strip_group_prefix;

/// Which template to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateOptions {
    /// Add the admin permission columns (the "Users and admins" template).
    pub admins: bool,
    /// License headers, exactly as in the account's user export
    /// (e.g. `acme_license_learning_status`).
    pub licenses: Vec<String>,
    /// Group names; each becomes a `group:<name>` column. A leading `group:` is accepted and
    /// not doubled.
    pub groups: Vec<String>,
}

/// The columns every template starts with.
pub const USER_COLUMNS: &[&str] = &[
    "primary_email_address",
    "preferred_first_name",
    "preferred_last_name",
    "work_title",
    "unique_user_id",
];

/// The admin permission columns the "Users and admins" template adds.
pub const ADMIN_COLUMNS: &[&str] = &[
    "permission_create_other_sub_admins_with_same_permissions",
    "permission_manage_custom_content",
    "permission_curate_content",
    "permission_manage_it_settings",
    "group_permission_edit_groups",
    "group_permission_manage_users_licenses",
    "group_permission_recommend_content",
    "group_permission_view_reports",
];

/// A license header a template cannot have: every face shows this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The license header as given.
    pub license: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not a license header: write it as <budget group>_license_<license type>_status, \
             exactly as a user export of your account spells it (e.g. acme_license_learning_status)",
            self.license
        )
    }
}

impl std::error::Error for TemplateError {}

/// Whether a license header given for a template is one: `<budget group>_license_<license
/// type>_status` (or the bare `license_<type>_status`), without surrounding spaces.
fn is_license_header(h: &str) -> bool {
    let named = matches!(
        crate::header::classify(h),
        crate::header::ColumnKind::License { .. }
    ) && h.contains("_license_")
        && h.ends_with("_status")
        && h.trim() == h;
    let bare = h.starts_with("license_") && h.ends_with("_status");
    named || bare
}

/// The template's header row as CSV text ending in CRLF; an error names the first license header
/// that is not one.
///
/// ```
/// use orgsync_core::{TemplateOptions, template};
/// let csv = template(&TemplateOptions {
///     licenses: vec!["acme_license_learning_status".into()],
///     groups: vec!["Sales".into()],
///     ..TemplateOptions::default()
/// })
/// .unwrap();
/// assert_eq!(
///     csv,
///     "primary_email_address,preferred_first_name,preferred_last_name,work_title,\
///      unique_user_id,acme_license_learning_status,group:Sales\r\n"
/// );
/// ```
pub fn template(options: &TemplateOptions) -> Result<String, TemplateError> {
    if let Some(bad) = options.licenses.iter().find(|h| !is_license_header(h)) {
        return Err(TemplateError {
            license: bad.clone(),
        });
    }
    let mut headers: Vec<String> = USER_COLUMNS.iter().map(|s| s.to_string()).collect();
    for license in &options.licenses {
        push_unique(&mut headers, license.trim().to_string());
    }
    for group in &options.groups {
        let name = group.trim();
        let name = strip_group_prefix(name).unwrap_or(name).trim();
        if !name.is_empty() {
            push_unique(&mut headers, format!("group:{name}"));
        }
    }
    if options.admins {
        headers.extend(ADMIN_COLUMNS.iter().map(|s| s.to_string()));
    }
    let mut out = String::new();
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(&mut out, h);
    }
    out.push_str("\r\n");
    Ok(out)
}

/// Adds a header unless it is empty or already there (group names compare case-insensitively,
/// as the uploader's do; so do license headers, which differ only by the account's spelling).
fn push_unique(headers: &mut Vec<String>, h: String) {
    if h.is_empty()
        || headers
            .iter()
            .any(|x| crate::case::lower(x) == crate::case::lower(&h))
    {
        return;
    }
    headers.push(h);
}

/// Writes one CSV field, quoted when it must be (RFC 4180).
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(admins: bool, licenses: &[&str], groups: &[&str]) -> TemplateOptions {
        TemplateOptions {
            admins,
            licenses: licenses.iter().map(|s| s.to_string()).collect(),
            groups: groups.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn users_template_is_the_user_columns() {
        assert_eq!(
            template(&TemplateOptions::default()).unwrap(),
            "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id\r\n"
        );
    }

    #[test]
    fn admins_template_adds_the_eight_permission_columns() {
        let t = template(&opts(true, &["acme_license_learning_status"], &[])).unwrap();
        let cols: Vec<&str> = t.trim_end().split(',').collect();
        assert_eq!(cols.len(), 5 + 1 + 8);
        assert_eq!(cols[5], "acme_license_learning_status");
        assert_eq!(&cols[6..], ADMIN_COLUMNS);
    }

    #[test]
    fn groups_are_prefixed_once_deduplicated_and_quoted_when_needed() {
        let t = template(&opts(
            false,
            &[],
            &[
                "Sales",
                " group:Engineering ",
                "sales",
                "Group:R&D, EMEA",
                "",
            ],
        ))
        .unwrap();
        assert_eq!(
            t,
            "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,\
             group:Sales,group:Engineering,\"group:R&D, EMEA\"\r\n"
        );
    }

    #[test]
    fn the_template_checks_without_header_findings() {
        let t = template(&opts(
            true,
            &["acme_license_learning_status"],
            &["Sales", "Customer Success"],
        ))
        .unwrap();
        let report = crate::check(t.as_bytes(), crate::Options::default());
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.code.rule().scope != crate::Scope::Header
                    || f.severity != crate::Severity::Error),
            "{:?}",
            report.findings
        );
        assert_eq!(report.file.columns, 5 + 1 + 2 + 8);
    }

    #[test]
    fn a_license_header_that_is_not_one_is_an_error() {
        for bad in [
            "learning",
            "acme_license_learning",
            " acme_license_learning_status",
            "acme_learning_status",
        ] {
            let e =
                template(&opts(false, &["acme_license_learning_status", bad], &[])).unwrap_err();
            assert_eq!(e.license, bad);
            assert!(e.to_string().contains("is not a license header"), "{e}");
        }
        for good in [
            "license_learning_status",
            "Sales_license_LinkedIn Learning_status",
        ] {
            assert!(template(&opts(false, &[good], &[])).is_ok(), "{good}");
        }
    }
}

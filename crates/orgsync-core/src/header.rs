//! What each column is. Classification reads a header through the corrections the header rules
//! would make (case of the fixed parts, stray spaces), so the value rules still know a
//! `Primary_Email_Address` column holds emails while H001 reports its case.
//!
//! The header row itself ([`Header`], its [`Column`]s and the [`FileKind`] they make) is read by
//! the pipeline (`crate::engine`) and handed to every pass.

use crate::parse::QuoteProblem;

/// Where an email column sits in the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailRole {
    /// `primary_email_address`.
    Primary,
    /// `invited_email_address`.
    Invited,
    /// `existing_email_address` (email-change files).
    Existing,
    /// `manager_primary_email_address` (a profile attribute, not an identifier).
    Manager,
}

/// An admin permission across all groups (`yes`/`no`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Permission {
    CreateOtherSubAdmins,
    ManageCustomContent,
    CurateContent,
    ManageItSettings,
}

/// An admin permission limited to groups (`yes`/`no` or `group:<name>` tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum GroupPermission {
    EditGroups,
    ManageUsersLicenses,
    RecommendContent,
    ViewReports,
}

/// A shared Admin Center profile attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
// The variants are the format's attribute names (`profile_description`).
#[allow(clippy::enum_variant_names)]
pub enum Profile {
    DepartmentName,
    StartDate,
    ManagerUniqueUserId,
    JobFunction,
    JobLevel,
    WorkPhoneNumber,
    MobilePhoneNumber,
    WorkerStatus,
    WorkerType,
    CountryCode,
    ProfileDescription,
}

/// What a column holds, from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    /// An email address column.
    Email(EmailRole),
    /// `preferred_first_name`.
    FirstName,
    /// `preferred_last_name`.
    LastName,
    /// `work_title`.
    WorkTitle,
    /// `unique_user_id`.
    UniqueUserId,
    /// `new_unique_user_id`.
    NewUniqueUserId,
    /// `unique_id` (user-deletion files).
    UniqueId,
    /// `reupload_user_profile`.
    Reupload,
    /// `<budget group>_license_<license type>_status`; `budget_group` is empty in the 2016 form.
    License {
        /// The account's budget group name, as written.
        budget_group: String,
        /// The license type, as written.
        license_type: String,
    },
    /// `group:<name>`.
    Group {
        /// The group's name, as written.
        name: String,
    },
    /// `attribute_<name>`.
    Attribute {
        /// The attribute's name, as written.
        name: String,
    },
    /// `permission_*`.
    Permission(Permission),
    /// `group_permission_*`.
    GroupPermission(GroupPermission),
    /// A shared profile attribute.
    Profile(Profile),
    /// An empty header.
    Blank,
    /// None of the above.
    Unknown,
}

impl ColumnKind {
    /// Whether a non-blank cell in this column asks the uploader to do something.
    pub fn is_action(&self) -> bool {
        matches!(
            self,
            ColumnKind::License { .. }
                | ColumnKind::Group { .. }
                | ColumnKind::Permission(_)
                | ColumnKind::GroupPermission(_)
                | ColumnKind::Attribute { .. }
                | ColumnKind::Profile(_)
                | ColumnKind::FirstName
                | ColumnKind::LastName
                | ColumnKind::WorkTitle
                | ColumnKind::NewUniqueUserId
                | ColumnKind::Reupload
        ) || *self == ColumnKind::Email(EmailRole::Manager)
    }

    /// Whether the column identifies the user (`primary_email_address`, `invited_email_address`,
    /// `unique_user_id`, and in deletion files `unique_id`).
    pub fn is_identifier(&self) -> bool {
        matches!(
            self,
            ColumnKind::Email(EmailRole::Primary | EmailRole::Invited | EmailRole::Existing)
                | ColumnKind::UniqueUserId
                | ColumnKind::UniqueId
        )
    }
}

/// The exact known names, each with its kind.
pub(crate) const KNOWN: &[(&str, ColumnKind)] = &[
    (
        "primary_email_address",
        ColumnKind::Email(EmailRole::Primary),
    ),
    (
        "invited_email_address",
        ColumnKind::Email(EmailRole::Invited),
    ),
    (
        "existing_email_address",
        ColumnKind::Email(EmailRole::Existing),
    ),
    ("preferred_first_name", ColumnKind::FirstName),
    ("preferred_last_name", ColumnKind::LastName),
    ("work_title", ColumnKind::WorkTitle),
    ("unique_user_id", ColumnKind::UniqueUserId),
    ("new_unique_user_id", ColumnKind::NewUniqueUserId),
    ("unique_id", ColumnKind::UniqueId),
    ("reupload_user_profile", ColumnKind::Reupload),
    (
        "permission_create_other_sub_admins_with_same_permissions",
        ColumnKind::Permission(Permission::CreateOtherSubAdmins),
    ),
    (
        "permission_manage_custom_content",
        ColumnKind::Permission(Permission::ManageCustomContent),
    ),
    (
        "permission_curate_content",
        ColumnKind::Permission(Permission::CurateContent),
    ),
    (
        "permission_manage_it_settings",
        ColumnKind::Permission(Permission::ManageItSettings),
    ),
    (
        "group_permission_edit_groups",
        ColumnKind::GroupPermission(GroupPermission::EditGroups),
    ),
    (
        "group_permission_manage_users_licenses",
        ColumnKind::GroupPermission(GroupPermission::ManageUsersLicenses),
    ),
    (
        "group_permission_recommend_content",
        ColumnKind::GroupPermission(GroupPermission::RecommendContent),
    ),
    (
        "group_permission_view_reports",
        ColumnKind::GroupPermission(GroupPermission::ViewReports),
    ),
    (
        "department_name",
        ColumnKind::Profile(Profile::DepartmentName),
    ),
    ("start_date", ColumnKind::Profile(Profile::StartDate)),
    (
        "manager_primary_email_address",
        ColumnKind::Email(EmailRole::Manager),
    ),
    (
        "manager_unique_user_id",
        ColumnKind::Profile(Profile::ManagerUniqueUserId),
    ),
    ("job_function", ColumnKind::Profile(Profile::JobFunction)),
    ("job_level", ColumnKind::Profile(Profile::JobLevel)),
    (
        "work_phone_number",
        ColumnKind::Profile(Profile::WorkPhoneNumber),
    ),
    (
        "mobile_phone_number",
        ColumnKind::Profile(Profile::MobilePhoneNumber),
    ),
    ("worker_status", ColumnKind::Profile(Profile::WorkerStatus)),
    ("worker_type", ColumnKind::Profile(Profile::WorkerType)),
    ("country_code", ColumnKind::Profile(Profile::CountryCode)),
    (
        "profile_description",
        ColumnKind::Profile(Profile::ProfileDescription),
    ),
];

/// Characters that look like nothing but are not a plain space: no-break spaces, zero-width
/// characters, the BOM.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}'
            | '\u{2007}'
            | '\u{202F}'
            | '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// Removes what H002 removes: surrounding whitespace, zero-width characters and line breaks.
/// Inside the header a no-break space or a line break (with any spaces next to it) becomes one
/// plain space, so `group:Sales\u{a0}Team` corrects to `group:Sales Team`, not `group:SalesTeam`.
pub(crate) fn strip_header_whitespace(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        let spacing = matches!(c, '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\r' | '\n');
        if spacing {
            pending_space = true;
            while out.ends_with(' ') {
                out.pop();
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if pending_space {
            if c == ' ' {
                continue;
            }
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// The header as H001 and H002 would correct it: known names and the fixed parts of pattern
/// headers lowercased, the account's own names (groups, licenses, attributes) kept as written.
pub(crate) fn normalize_header(raw: &str) -> String {
    let s = strip_header_whitespace(raw);
    let lower = crate::case::lower(&s);
    if KNOWN.iter().any(|(k, _)| *k == lower) {
        return lower;
    }
    if lower.starts_with("group:") {
        return format!("group:{}", &s["group:".len()..]);
    }
    if lower.starts_with("attribute_") {
        return format!("attribute_{}", &s["attribute_".len()..]);
    }
    if let Some((budget, license_type)) = split_license(&s) {
        return if budget.is_empty() {
            format!("license_{license_type}_status")
        } else {
            format!("{budget}_license_{license_type}_status")
        };
    }
    if lower.starts_with("permission_") || lower.starts_with("group_permission_") {
        return lower;
    }
    s
}

/// Splits `<budget>_license_<type>_status` (fixed parts in any case) into its two names.
pub(crate) fn split_license(s: &str) -> Option<(&str, &str)> {
    let lower = s.to_ascii_lowercase();
    if !lower.ends_with("_status") {
        return None;
    }
    let body = &s[..s.len() - "_status".len()];
    let body_lower = &lower[..body.len()];
    if let Some(rest) = body_lower.strip_prefix("license_") {
        if rest.is_empty() {
            return None;
        }
        return Some(("", &body["license_".len()..]));
    }
    let at = body_lower.find("_license_")?;
    let (budget, license_type) = (&body[..at], &body[at + "_license_".len()..]);
    (!budget.is_empty() && !license_type.is_empty()).then_some((budget, license_type))
}

/// `group:Sales` → `Sales`, whatever the prefix's case.
pub(crate) fn strip_group_prefix(s: &str) -> Option<&str> {
    let prefix = s.get(..6)?;
    prefix
        .eq_ignore_ascii_case("group:")
        .then(|| s.get(6..))
        .flatten()
}

/// Classifies a header (raw text as in the file).
pub fn classify(raw: &str) -> ColumnKind {
    let norm = normalize_header(raw);
    if norm.is_empty() {
        return ColumnKind::Blank;
    }
    if let Some((_, kind)) = KNOWN.iter().find(|(k, _)| *k == norm) {
        return kind.clone();
    }
    if let Some(name) = group_name(&norm) {
        return ColumnKind::Group { name };
    }
    if let Some(name) = norm.strip_prefix("attribute_")
        && !name.trim().is_empty()
    {
        return ColumnKind::Attribute {
            name: name.to_string(),
        };
    }
    if let Some((budget, license_type)) = split_license(&norm) {
        return ColumnKind::License {
            budget_group: budget.to_string(),
            license_type: license_type.to_string(),
        };
    }
    ColumnKind::Unknown
}

/// The group name of a group header, forgiving the malformations H008 reports
/// (`groups:`, `group :`, `group: Name`).
fn group_name(norm: &str) -> Option<String> {
    let lower = norm.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("groups") {
        r
    } else {
        lower.strip_prefix("group")?
    };
    let rest_trim = rest.trim_start();
    let colon = rest_trim.strip_prefix(':')?;
    let offset = norm.len() - colon.len();
    let name = norm[offset..].trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// One column of the header.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// The header text as written in the file.
    pub raw: String,
    /// Its bytes, when they differ from `raw` (the file is not UTF-8): the corrected file
    /// writes them back unchanged when it keeps the file's encoding.
    pub bytes: Option<Vec<u8>>,
    /// The header as H001/H002 would correct it.
    pub name: String,
    /// What the column holds.
    pub kind: ColumnKind,
}

/// The kind of file, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// Users: invite, license, groups, permissions, attributes.
    Users,
    /// The user-deletion format (`primary_email_address` + `unique_id`).
    Deletion,
    /// An email-change file (`existing_email_address` → `invited_email_address`).
    EmailChange,
    /// An id-change file (`unique_user_id` → `new_unique_user_id`).
    IdChange,
}

impl FileKind {
    /// The label used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Users => "users",
            FileKind::Deletion => "deletion",
            FileKind::EmailChange => "email-change",
            FileKind::IdChange => "id-change",
        }
    }
}

/// The header row and what follows from it.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub columns: Vec<Column>,
    /// Spreadsheet row of the header (1 unless blank lines come first).
    pub row: u64,
    pub line: u64,
    pub kind: FileKind,
    /// A quoting problem in the header record (F006 on row 1): its names get no fix then.
    pub quote_problem: Option<QuoteProblem>,
}

impl Header {
    pub(crate) fn new(raw: Vec<String>, row: u64, line: u64) -> Header {
        let columns: Vec<Column> = raw
            .into_iter()
            .map(|raw| Column {
                name: normalize_header(&raw),
                kind: classify(&raw),
                raw,
                bytes: None,
            })
            .collect();
        let has = |name: &str| columns.iter().any(|c| c.name == name);
        let kind = if has("unique_id")
            && has("primary_email_address")
            && !columns.iter().any(|c| c.kind.is_action())
        {
            FileKind::Deletion
        } else if has("existing_email_address") {
            FileKind::EmailChange
        } else if has("new_unique_user_id") {
            FileKind::IdChange
        } else {
            FileKind::Users
        };
        Header {
            columns,
            row,
            line,
            kind,
            quote_problem: None,
        }
    }

    /// Index of the first column of this kind.
    pub(crate) fn find(&self, kind: &ColumnKind) -> Option<usize> {
        self.columns.iter().position(|c| &c.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_pattern_headers() {
        assert_eq!(
            classify("primary_email_address"),
            ColumnKind::Email(EmailRole::Primary)
        );
        assert_eq!(
            classify(" Primary_Email_Address\u{a0}"),
            ColumnKind::Email(EmailRole::Primary)
        );
        assert_eq!(
            classify("group:Sales Team"),
            ColumnKind::Group {
                name: "Sales Team".into()
            }
        );
        assert_eq!(
            classify("Group: Sales"),
            ColumnKind::Group {
                name: "Sales".into()
            }
        );
        assert_eq!(
            classify("groups:Sales"),
            ColumnKind::Group {
                name: "Sales".into()
            }
        );
        assert_eq!(
            classify("Acme_License_Learning_Status"),
            ColumnKind::License {
                budget_group: "Acme".into(),
                license_type: "Learning".into()
            }
        );
        assert_eq!(
            classify("license_english_status"),
            ColumnKind::License {
                budget_group: String::new(),
                license_type: "english".into()
            }
        );
        assert_eq!(
            classify("attribute_Office_Location"),
            ColumnKind::Attribute {
                name: "Office_Location".into()
            }
        );
        assert_eq!(classify("email"), ColumnKind::Unknown);
        assert_eq!(classify("  "), ColumnKind::Blank);
    }

    #[test]
    fn normalization_keeps_the_accounts_own_names() {
        assert_eq!(normalize_header("Group:Sales Team"), "group:Sales Team");
        assert_eq!(
            normalize_header("Acme_LICENSE_Pro_STATUS"),
            "Acme_license_Pro_status"
        );
        assert_eq!(
            normalize_header("PERMISSION_MANAGE_IT_SETTINGS"),
            "permission_manage_it_settings"
        );
    }

    #[test]
    fn inner_no_break_spaces_and_line_breaks_become_one_space() {
        assert_eq!(
            strip_header_whitespace("group:Sales\u{a0}Team"),
            "group:Sales Team"
        );
        assert_eq!(
            strip_header_whitespace("group:Sales \r\n Team"),
            "group:Sales Team"
        );
        assert_eq!(
            strip_header_whitespace("\u{feff}work_title\u{200b}\r\n"),
            "work_title"
        );
        assert_eq!(strip_header_whitespace(" \u{a0} "), "");
    }
}

//! H003 no-identifier-column: no column tells the uploader which user a row is about.

use super::finding;
use crate::header::{ColumnKind, EmailRole};
use crate::header::{FileKind, Header};
use crate::registry::Code;
use crate::rules::Sink;

pub(super) fn check(header: &Header, sink: &mut Sink<'_>) {
    let deletion = header.kind == FileKind::Deletion;
    let identifies = |kind: &ColumnKind| match kind {
        ColumnKind::Email(EmailRole::Primary) => true,
        ColumnKind::UniqueId => deletion,
        // An email-change file names its users by their current address; H011 reports one
        // that lacks the new one.
        ColumnKind::Email(EmailRole::Invited | EmailRole::Existing) | ColumnKind::UniqueUserId => {
            !deletion
        }
        _ => false,
    };
    if header.columns.iter().any(|c| identifies(&c.kind)) {
        return;
    }
    let (message, tip) = if deletion {
        (
            "No column identifies the users to delete: a deletion file needs `primary_email_address` or `unique_id`.".to_string(),
            "Add a `primary_email_address` column (or `unique_id`) and fill it in for every row.",
        )
    } else {
        let mut message = "No column identifies the users: the file needs `primary_email_address`, `invited_email_address` or `unique_user_id`, and the uploader rejects it without one.".to_string();
        if header
            .columns
            .iter()
            .any(|c| c.kind == ColumnKind::UniqueId)
        {
            message.push_str(
                " `unique_id` is the header of user-deletion files; a users file uses `unique_user_id`.",
            );
        }
        (
            message,
            "Add a `primary_email_address` column with each user's email (or rename your id column to `unique_user_id`). If the email column is there under another name, rename its header.",
        )
    };
    sink(finding(header, Code::H003, None, message, tip));
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::{run, run_header};

    #[test]
    fn table() {
        // (header row, fires)
        let cases: &[(&str, bool)] = &[
            ("primary_email_address,preferred_first_name", false),
            ("invited_email_address,work_title", false),
            ("unique_user_id,acme_license_learning_status", false),
            ("Primary_Email_Address ,work_title", false),
            ("existing_email_address,invited_email_address", false),
            ("email,preferred_first_name,preferred_last_name", true),
            ("preferred_first_name,preferred_last_name,group:Sales", true),
            ("unique_id,preferred_first_name", true),
            ("manager_primary_email_address,work_title", true),
            // The deletion format: both identifiers are present by definition.
            ("primary_email_address,unique_id", false),
        ];
        for &(head, fires) in cases {
            let r = run_header(head, "x");
            let found = r.of(Code::H003);
            assert_eq!(found.len(), usize::from(fires), "{head}: {found:#?}");
            if let Some(f) = found.first() {
                assert_eq!((f.row, f.column), (Some(1), None));
                assert!(f.fix.is_none());
            }
        }
        let r = run("unique_id,preferred_first_name\r\nE1,Ana\r\n");
        assert!(r.one(Code::H003).message.contains("unique_user_id"));
    }
}

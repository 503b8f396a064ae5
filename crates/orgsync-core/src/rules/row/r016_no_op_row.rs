//! R016 no-op-row.

use crate::header::FileKind;
use crate::registry::{Code, Severity};
use crate::row::Row;
use crate::rules::Sink;

/// A row that names a user and leaves every action cell blank. The caller skips deletion files
/// (a deletion row is its own action) and files whose header has no action column at all (a
/// list of users to create is the file's shape, not a row's omission).
pub(super) fn check(row: &Row<'_>, column: Option<usize>, file: FileKind, sink: &mut Sink<'_>) {
    let message = match file {
        FileKind::EmailChange => {
            "This row names a user but gives no new address in invited_email_address: it changes nothing."
        }
        FileKind::IdChange => {
            "This row names a user but gives no new_unique_user_id: it changes nothing."
        }
        _ => {
            "This row names a user and leaves every other cell blank: an existing user is unchanged; a new one is created with no license, group or name."
        }
    };
    sink(
        row.finding(
            Code::R016,
            column,
            message,
            "Fill in what the row should do (a license, a group, a name), or remove the row if it is there by mistake.",
        )
        .severity(Severity::Info),
    );
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    fn r016_rows(csv: &str) -> Vec<u64> {
        row_findings(csv, &[])
            .iter()
            .filter(|f| f.code == R016)
            .map(|f| f.row.unwrap_or(0))
            .collect()
    }

    #[test]
    fn no_op_rows() {
        let csv = "primary_email_address,preferred_first_name,acme_license_learning_status,group:Sales\r\n\
                   a@example.com,Ann,Active,yes\r\n\
                   b@example.com,,,\r\n\
                   c@example.com,,,no\r\n\
                   ,,,\"\"\r\n";
        assert_eq!(r016_rows(csv), vec![3]);
    }

    #[test]
    fn change_rows_are_not_no_ops() {
        let csv = "existing_email_address,invited_email_address\r\nold@example.com,new@example.com\r\nold2@example.com,\r\n";
        assert_eq!(r016_rows(csv), vec![3]);
        let csv = "unique_user_id,new_unique_user_id\r\nE1,E9\r\nE2,\r\n";
        assert_eq!(r016_rows(csv), vec![3]);
    }

    #[test]
    fn quiet_without_action_columns_and_in_deletion_files() {
        assert_eq!(
            r016_rows("primary_email_address\r\na@example.com\r\n"),
            Vec::<u64>::new()
        );
        assert_eq!(
            r016_rows("primary_email_address,unique_id\r\na@example.com,\r\n"),
            Vec::<u64>::new()
        );
    }
}

//! R001 missing-identifier.

use crate::header::FileKind;
use crate::registry::Code;
use crate::row::Row;
use crate::rules::{RuleInput, Sink};

/// A row with no value in any identifier column. When the header has no identifier column at
/// all, H003 reports the file once and this rule stays quiet.
pub(super) fn check(
    ctx: &RuleInput<'_>,
    row: &Row<'_>,
    identifier_column: Option<usize>,
    identified: bool,
    sink: &mut Sink<'_>,
) {
    let Some(column) = identifier_column else {
        return;
    };
    if identified {
        return;
    }
    let (message, tip) = if ctx.header.kind == FileKind::Deletion {
        (
            "This row has neither a primary_email_address nor a unique_id: the uploader cannot tell whom to delete.",
            "Fill in the person's email or id, or delete the row.",
        )
    } else if ctx.header.kind == FileKind::EmailChange {
        (
            "This row has no current address in existing_email_address (and no unique_user_id): the uploader cannot tell whose address to change.",
            "Put the person's current address in existing_email_address and the new one in invited_email_address.",
        )
    } else {
        (
            "This row has no email address and no unique_user_id: the uploader cannot tell who it is about and rejects it.",
            "Fill in the person's email (or their unique_user_id, if your account matches on ids), or delete the row.",
        )
    };
    sink(row.finding(Code::R001, Some(column), message, tip));
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    fn codes(csv: &str) -> Vec<(u64, crate::Code)> {
        row_findings(csv, &[])
            .iter()
            .map(|f| (f.row.unwrap_or(0), f.code))
            .collect()
    }

    #[test]
    fn missing_identifier_cases() {
        let csv = "primary_email_address,unique_user_id,preferred_first_name,acme_license_learning_status\r\n\
                   jane.doe@example.com,,Jane,Active\r\n\
                   ,E1002,Raj,Active\r\n\
                   ,,Ola,Active\r\n\
                   \" \",,Kim,Active\r\n";
        assert_eq!(codes(csv), vec![(4, R001), (5, R001), (5, R012)]);
    }

    #[test]
    fn deletion_files_use_unique_id() {
        let csv = "primary_email_address,unique_id\r\njane.doe@example.com,\r\n,E1002\r\n,\"\"\r\n";
        // The last row is blank (F008), not R001.
        assert_eq!(codes(csv), vec![]);
        let csv = "primary_email_address,unique_id,preferred_first_name\r\n,,Ola\r\n";
        assert_eq!(codes(csv), vec![(2, R001)]);
    }

    #[test]
    fn email_change_rows_need_the_current_address() {
        let csv = "existing_email_address,invited_email_address\r\n,new@example.com\r\nold@example.com,new2@example.com\r\n";
        assert_eq!(codes(csv), vec![(2, R001)]);
    }

    #[test]
    fn no_identifier_column_is_h003s() {
        let csv = "preferred_first_name,acme_license_learning_status\r\nOla,Active\r\n";
        assert_eq!(codes(csv), vec![]);
    }
}

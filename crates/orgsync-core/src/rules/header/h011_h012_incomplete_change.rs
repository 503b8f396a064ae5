//! H011 incomplete-email-change and H012 incomplete-id-change: a change file missing the column
//! that pairs with its change column.

use super::finding;
use crate::header::Header;
use crate::header::{ColumnKind, EmailRole};
use crate::registry::Code;
use crate::rules::Sink;

pub(super) fn check(header: &Header, sink: &mut Sink<'_>) {
    let existing = header.find(&ColumnKind::Email(EmailRole::Existing));
    let invited = header.find(&ColumnKind::Email(EmailRole::Invited));
    if let (Some(i), None) = (existing, invited) {
        sink(finding(
            header,
            Code::H011,
            Some(i),
            "This file changes emails (it has `existing_email_address`) but has no `invited_email_address` column for the new addresses, so no email can change.",
            "Add an `invited_email_address` column holding each user's new address; `existing_email_address` keeps the current one.",
        ));
    }
    let new_id = header.find(&ColumnKind::NewUniqueUserId);
    let id = header.find(&ColumnKind::UniqueUserId);
    if let (Some(i), None) = (new_id, id) {
        sink(finding(
            header,
            Code::H012,
            Some(i),
            "This file changes ids (it has `new_unique_user_id`) but has no `unique_user_id` column saying whose id changes.",
            "Add a `unique_user_id` column holding each user's current id; `new_unique_user_id` holds the new one.",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::run_header;

    #[test]
    fn table() {
        // (header row, H011 column, H012 column), 1-based
        let cases: &[(&str, Option<usize>, Option<usize>)] = &[
            ("existing_email_address,invited_email_address", None, None),
            (
                "primary_email_address,existing_email_address",
                Some(2),
                None,
            ),
            ("Existing_Email_Address", Some(1), None),
            ("unique_user_id,new_unique_user_id", None, None),
            ("primary_email_address,new_unique_user_id", None, Some(2)),
            (
                "existing_email_address,new_unique_user_id",
                Some(1),
                Some(2),
            ),
            ("primary_email_address,unique_user_id", None, None),
        ];
        for &(head, h011, h012) in cases {
            let r = run_header(head, "x");
            let col = |code| r.of(code).first().map(|f| f.column.unwrap() + 1);
            assert_eq!((col(Code::H011), col(Code::H012)), (h011, h012), "{head}");
        }
    }
}

//! H014 no-name-columns: a users file with neither name column.

use super::finding;
use crate::header::ColumnKind;
use crate::header::{FileKind, Header};
use crate::registry::Code;
use crate::rules::Sink;

pub(super) fn check(header: &Header, sink: &mut Sink<'_>) {
    // Deletion and change files never create users, so names do not matter there.
    if header.kind != FileKind::Users {
        return;
    }
    if header
        .columns
        .iter()
        .any(|c| matches!(c.kind, ColumnKind::FirstName | ColumnKind::LastName))
    {
        return;
    }
    sink(finding(
        header,
        Code::H014,
        None,
        "The file has no `preferred_first_name` or `preferred_last_name` column: users it creates will have no names until they fill them in.",
        "If the upload adds new users, add the two name columns; existing users keep the names they have.",
    ));
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::run_header;

    #[test]
    fn table() {
        let cases: &[(&str, bool)] = &[
            (
                "primary_email_address,preferred_first_name,preferred_last_name",
                false,
            ),
            ("primary_email_address,preferred_first_name", false),
            ("primary_email_address,Preferred_Last_Name", false),
            ("primary_email_address,work_title", true),
            ("primary_email_address,first_name", true),
            ("primary_email_address,unique_id", false),
            ("existing_email_address,invited_email_address", false),
            ("unique_user_id,new_unique_user_id", false),
        ];
        for &(head, fires) in cases {
            let r = run_header(head, "a@x.com");
            let found = r.of(Code::H014);
            assert_eq!(found.len(), usize::from(fires), "{head}");
            if let Some(f) = found.first() {
                assert_eq!((f.row, f.column), (Some(1), None));
            }
        }
    }
}

//! H015 admin-columns: the file grants or removes admin permissions.

use super::finding;
use crate::header::ColumnKind;
use crate::header::Header;
use crate::registry::Code;
use crate::rules::Sink;
use crate::words::plural;

pub(super) fn check(header: &Header, sink: &mut Sink<'_>) {
    let mut admin = header.columns.iter().enumerate().filter(|(_, c)| {
        matches!(
            c.kind,
            ColumnKind::Permission(_) | ColumnKind::GroupPermission(_)
        )
    });
    let Some((first, _)) = admin.next() else {
        return;
    };
    let n = 1 + admin.count() as u64;
    sink(finding(
        header,
        Code::H015,
        Some(first),
        format!(
            "The file has {} (`permission_…`, `group_permission_…`): uploading it grants or removes admin rights.",
            plural(n, "admin permission column", "admin permission columns")
        ),
        "Upload it as an admin who may create other sub-admins. Rows that grant a permission should also set the user's license to Active.",
    ));
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::run_header;

    #[test]
    fn table() {
        // (header row, H015 column (1-based), count in the message)
        let cases: &[(&str, Option<(usize, &str)>)] = &[
            ("primary_email_address,acme_license_learning_status", None),
            ("primary_email_address,group:Admins", None),
            (
                "primary_email_address,permission_curate_content",
                Some((2, "1 admin permission column ")),
            ),
            (
                "primary_email_address,work_title,group_permission_view_reports,permission_manage_it_settings",
                Some((3, "2 admin permission columns")),
            ),
            (
                "primary_email_address,Permission_Curate_Content",
                Some((2, "1 admin")),
            ),
            ("primary_email_address,permission_everything", None),
        ];
        for &(head, want) in cases {
            let r = run_header(head, "yes");
            let found = r.of(Code::H015);
            match want {
                None => assert!(found.is_empty(), "{head}"),
                Some((col, text)) => {
                    assert_eq!(found.len(), 1, "{head}");
                    assert_eq!(found[0].column, Some(col - 1), "{head}");
                    assert!(
                        found[0].message.contains(text),
                        "{head}: {}",
                        found[0].message
                    );
                }
            }
        }
    }
}

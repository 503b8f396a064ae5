//! H013 two-email-columns: both `primary_email_address` and `invited_email_address` in a file
//! that is not an email change.

use super::finding;
use crate::header::{ColumnKind, EmailRole};
use crate::header::{FileKind, Header};
use crate::registry::Code;
use crate::rules::Sink;

pub(super) fn check(header: &Header, sink: &mut Sink<'_>) {
    if header.kind == FileKind::EmailChange {
        return;
    }
    let primary = header.find(&ColumnKind::Email(EmailRole::Primary));
    let invited = header.find(&ColumnKind::Email(EmailRole::Invited));
    let (Some(p), Some(i)) = (primary, invited) else {
        return;
    };
    sink(finding(
        header,
        Code::H013,
        Some(p.max(i)),
        "The file has both `primary_email_address` and `invited_email_address`. Both identify the user; when they differ on a row the uploader may match the wrong user or create a second one.",
        "Keep one email column. To change users' addresses, use an email-change file: `existing_email_address` (current) with `invited_email_address` (new).",
    ));
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::run_header;

    #[test]
    fn table() {
        // (header row, H013 column), 1-based
        let cases: &[(&str, Option<usize>)] = &[
            ("primary_email_address,work_title", None),
            ("invited_email_address,work_title", None),
            ("primary_email_address,invited_email_address", Some(2)),
            (
                "invited_email_address,work_title,Primary_Email_Address",
                Some(3),
            ),
            (
                "existing_email_address,invited_email_address,primary_email_address",
                None,
            ),
        ];
        for &(head, want) in cases {
            let r = run_header(head, "a@x.com");
            let got = r.of(Code::H013).first().map(|f| f.column.unwrap() + 1);
            assert_eq!(got, want, "{head}");
        }
    }
}

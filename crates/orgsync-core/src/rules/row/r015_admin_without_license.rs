//! R015 admin-without-license.

use crate::registry::Code;
use crate::row::Row;
use crate::rules::Sink;

/// A row that grants an admin permission (`column` is the first granting cell) but sets no
/// license column to `Active`.
pub(super) fn check(
    row: &Row<'_>,
    column: usize,
    license_columns: bool,
    active: bool,
    sink: &mut Sink<'_>,
) {
    if active {
        return;
    }
    let message = if license_columns {
        "This row grants an admin permission but sets no license to Active; the admin guide assigns a license to every admin."
    } else {
        "This row grants an admin permission, and the file has no license column to set it to Active; the admin guide assigns a license to every admin."
    };
    sink(row.finding(
        Code::R015,
        Some(column),
        message,
        "If the person has no license yet, add the license column (copy its header from a user export) and type Active on this row.",
    ));
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn admin_without_license_cases() {
        let csv = "primary_email_address,acme_license_learning_status,permission_manage_custom_content,group_permission_view_reports\r\n\
                   a@example.com,Active,yes,\r\n\
                   b@example.com,,yes,\r\n\
                   c@example.com,Inactive,,group:Sales\r\n\
                   d@example.com,,no,no\r\n\
                   e@example.com,ACTIVE,yes,\r\n";
        let got: Vec<(u64, crate::Code, Option<usize>)> = row_findings(csv, &[])
            .iter()
            .filter(|f| f.code == R015)
            .map(|f| (f.row.unwrap_or(0), f.code, f.column))
            .collect();
        assert_eq!(got, vec![(3, R015, Some(2)), (4, R015, Some(3))]);
    }
}

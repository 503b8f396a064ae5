//! R017 inactive-new-user.

use crate::registry::{Code, Severity};
use crate::row::Row;
use crate::rules::Sink;

/// A row that sets a license to `Inactive` (`column` is the first such cell); reported once per
/// row.
pub(super) fn check(row: &Row<'_>, column: usize, sink: &mut Sink<'_>) {
    sink(
        row.finding(
            Code::R017,
            Some(column),
            "Inactive on this row: no welcome email is sent; a new user appears as \"Unassigned\", and an existing user loses this license.",
            "Nothing to correct if that is intended. To invite the person instead, type Active.",
        )
        .severity(Severity::Info),
    );
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn once_per_row() {
        let csv = "primary_email_address,acme_license_learning_status,acme_license_coaching_status\r\n\
                   a@example.com,Inactive,Inactive\r\n\
                   b@example.com,Active,\r\n";
        let got: Vec<(u64, Option<usize>)> = row_findings(csv, &[])
            .iter()
            .filter(|f| f.code == R017)
            .map(|f| (f.row.unwrap_or(0), f.column))
            .collect();
        assert_eq!(got, vec![(2, Some(1))]);
    }
}

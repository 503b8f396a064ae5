//! R004 email-domain-typo: the known-misspelling half. (The file-wide half — a domain one or
//! two edits from the one most of the file uses — is a cross-row rule.)

use super::email;
use crate::engine::Row;
use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::rules::Sink;

/// Reports an address whose domain is a known misspelling of a common mail domain. `address`
/// is the valid address in the cell (after R003's cleanup when that was needed); the suggested
/// fix replaces the cell `value` with the address on the right domain.
pub(super) fn check(row: &Row<'_>, column: usize, value: &str, address: &str, sink: &mut Sink<'_>) {
    let Some((local, domain)) = email::split(address) else {
        return;
    };
    let Some(right) = email::domain_typo(domain) else {
        return;
    };
    sink(
        row.finding(
            Code::R004,
            Some(column),
            format!("The domain `{domain}` looks like a misspelling of `{right}`: invitations to it would bounce."),
            "Check the address with the person or your directory, then correct the domain; the corrected file can do it if you accept suggested fixes.",
        )
        .fix(Fix::set_cell(Applicability::Suggested, value, format!("{local}@{right}"))),
    );
}

#[cfg(test)]
mod tests {
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn domain_typo_table() {
        table(
            "primary_email_address",
            &[],
            &[
                (
                    "amy.chen@gmail.com",
                    &[],
                    "amy.chen@gmail.com",
                    "amy.chen@gmail.com",
                ),
                (
                    "amy.chen@gmial.com",
                    &[(R004, SUGG)],
                    "amy.chen@gmial.com",
                    "amy.chen@gmail.com",
                ),
                (
                    "Amy.Chen@Hotmial.com",
                    &[(R004, SUGG)],
                    "Amy.Chen@Hotmial.com",
                    "Amy.Chen@hotmail.com",
                ),
                (
                    "amy@outlok.com",
                    &[(R004, SUGG)],
                    "amy@outlok.com",
                    "amy@outlook.com",
                ),
                (
                    "amy@yaho.com",
                    &[(R004, SUGG)],
                    "amy@yaho.com",
                    "amy@yahoo.com",
                ),
                (
                    "amy@gmai.com",
                    &[(R004, SUGG)],
                    "amy@gmai.com",
                    "amy@gmail.com",
                ),
                (
                    "amy.chen@acme-corp.con",
                    &[(R004, SUGG)],
                    "amy.chen@acme-corp.con",
                    "amy.chen@acme-corp.com",
                ),
                (
                    "amy.chen@acme.cmo",
                    &[(R004, SUGG)],
                    "amy.chen@acme.cmo",
                    "amy.chen@acme.com",
                ),
                (
                    "amy.chen@acme.co.uj",
                    &[(R004, SUGG)],
                    "amy.chen@acme.co.uj",
                    "amy.chen@acme.co.uk",
                ),
                // Real domains that look close to nothing in the table.
                (
                    "amy.chen@acme.co",
                    &[],
                    "amy.chen@acme.co",
                    "amy.chen@acme.co",
                ),
                (
                    "amy.chen@falcon.io",
                    &[],
                    "amy.chen@falcon.io",
                    "amy.chen@falcon.io",
                ),
                (
                    "amy.chen@acme.co.uk",
                    &[],
                    "amy.chen@acme.co.uk",
                    "amy.chen@acme.co.uk",
                ),
            ],
        );
    }
}

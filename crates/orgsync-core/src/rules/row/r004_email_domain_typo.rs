//! R004 email-domain-typo: the known-misspelling half. (The file-wide half — a domain one or
//! two edits from the one most of the file uses — is a cross-row rule.)

use super::email;
use crate::finding::{Applicability, Fix};
use crate::header::ColumnKind;
use crate::registry::Code;
use crate::row::Row;
use crate::rules::RuleInput;

/// Reports an address whose domain is a known misspelling of a common mail domain. `address`
/// is the valid address in the cell (after R003's cleanup when that was needed); the suggested
/// fix replaces the cell `value` with the address on the right domain.
///
/// Compared with a user export, the suggestion is the address the export holds for the same
/// person (the row's `unique_user_id`) when it is on another domain: `sam.rivera@gmial.com` is
/// more likely `sam.rivera@northwindtraders.com` than a personal `@gmail.com` address.
pub(super) fn check(
    ctx: &RuleInput<'_>,
    row: &Row<'_>,
    column: usize,
    value: &str,
    address: &str,
    sink: &mut super::Out<'_, '_>,
) {
    let Some((local, domain)) = email::split(address) else {
        return;
    };
    let Some(right) = email::domain_typo(domain) else {
        return;
    };
    if let Some((id, known)) = export_address(ctx, row, domain) {
        sink.report(Code::R004, None, Some(Applicability::Suggested), || row.finding(
                Code::R004,
                Some(column),
                format!("The domain `{domain}` looks like a misspelling, and your user export has this person (unique_user_id `{id}`) as `{known}`: invitations to `{domain}` would bounce."),
                "Check the address with the person or your directory; the suggested fix uses the address your user export holds for them.",
            )
            .fix(Fix::set_cell(Applicability::Suggested, value, known.to_string())));
        return;
    }
    sink.report(Code::R004, None, Some(Applicability::Suggested), || row.finding(
            Code::R004,
            Some(column),
            format!("The domain `{domain}` looks like a misspelling of `{right}`: invitations to it would bounce."),
            "Check the address with the person or your directory, then correct the domain; the corrected file can do it if you accept suggested fixes.",
        )
        .fix(Fix::set_cell(Applicability::Suggested, value, format!("{local}@{right}"))));
}

/// The address the user export holds for the row's person (by `unique_user_id`), when it is a
/// valid address on another domain than `domain`: the id and the address.
fn export_address<'c>(
    ctx: &RuleInput<'c>,
    row: &Row<'_>,
    domain: &str,
) -> Option<(String, &'c str)> {
    let roster = ctx.options.roster.as_deref()?;
    let col = ctx.header.find(&ColumnKind::UniqueUserId)?;
    let id = row.cell(col).trim();
    if id.is_empty() {
        return None;
    }
    let known = roster.email(roster.by_id(id)?);
    let (_, known_domain) = email::split(known)?;
    (email::is_valid(known) && !known_domain.eq_ignore_ascii_case(domain))
        .then(|| (id.to_string(), known))
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

    #[test]
    fn with_an_export_the_suggestion_is_the_persons_address_there() {
        let export =
            "primary_email_address,unique_user_id\nsam.rivera@northwindtraders.com,104537\n";
        let roster = std::sync::Arc::new(crate::Roster::read(export.as_bytes(), None));
        let file = "primary_email_address,unique_user_id\nsam.rivera@gmial.com,104537\nann.lee@gmial.com,104538\n";
        let options = crate::Options {
            roster: Some(roster),
            ..crate::Options::default()
        };
        let report = crate::check(file.as_bytes(), options);
        let r004: Vec<_> = report.findings.iter().filter(|f| f.code == R004).collect();
        assert_eq!(r004.len(), 2);
        let after =
            |f: &crate::Finding| f.fix.as_ref().map(|x| x.after.clone()).unwrap_or_default();
        assert!(
            after(r004[0]).contains("sam.rivera@northwindtraders.com"),
            "{}",
            after(r004[0])
        );
        assert!(
            r004[0].message.contains("your user export has this person"),
            "{}",
            r004[0].message
        );
        assert!(
            after(r004[1]).contains("ann.lee@gmail.com"),
            "not in the export: {}",
            after(r004[1])
        );
        // Without the export, the known-misspelling suggestion.
        let plain = crate::check(file.as_bytes(), crate::Options::default());
        let f = plain.findings.iter().find(|f| f.code == R004).unwrap();
        assert!(after(f).contains("sam.rivera@gmail.com"));
    }
}

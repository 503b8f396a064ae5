//! X004 possible-duplicate-profile: two different email addresses in the file that look like the
//! same person, which the uploader answers with its "Duplicate Profile Error".
//!
//! Similar means (see [`super::similar`]): equal after lowercasing, removing the dots of the
//! local part and cutting a `+tag` (`jane.doe@acme.com`, `janedoe@acme.com`,
//! `jane.doe+lms@acme.com`), or the same local part so normalised on two of the org's domains
//! (`jane.doe@acme.com`, `jane.doe@acme.co.uk`). The org's domains are defined in
//! [`super::domain_typo::Domains::org_domains`].
//!
//! The first address of a group is the one the uploader creates; the later ones are those it
//! would refuse, so only they carry the suggested fix: `reupload_user_profile` = `true`, offered
//! when the file has that column and the row's cell is blank. Rows already marked `true` are
//! taken as confirmed and left out; a group whose later rows are all confirmed is not reported.

use super::domain_typo::NONE;
use super::{Builder, GroupRule, Mention, runs, shared};
use crate::finding::{Applicability, Finding, Fix};
use crate::registry::Code;

/// The row's address differs from the group's first address.
const LATER: u32 = 1;
/// The row's `reupload_user_profile` cell is blank: the fix can set it.
const FIXABLE: u32 = 2;
/// The group spans two of the org's domains.
const ACROSS: u32 = 4;
/// The row's email came from the second email column.
const ALT: u32 = 8;

/// The uploader's own words (LinkedIn Learning admin guide).
pub(crate) const UPLOADER_TEXT: &str = "The email address you entered is similar to an existing email, This may create a duplicate profile which can result in activation issues. Please confirm that this email address belongs to a different user. If so, retry your upload with a new column labeled reupload_user_profile and set the value to true.";

fn mix(local: u64, class: u64) -> u64 {
    (local ^ class.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .rotate_left(23)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9)
        .max(1)
}

/// Per record, the key under which similar addresses meet (0 = none), made in place from the
/// local-part keys (`Cross::local`) and the domains. `org` lists the domain-table indexes of the
/// org's domains, ascending.
pub(super) fn keys(local: &mut Vec<u64>, domain: &[u32], org: &[u32]) {
    const ORG: u64 = u64::MAX;
    // A record past either list has no key.
    local.truncate(domain.len());
    for (key, &d) in local.iter_mut().zip(domain) {
        *key = if *key == 0 || d == NONE {
            0
        } else if org.binary_search(&d).is_ok() {
            mix(*key, ORG)
        } else {
            mix(*key, u64::from(d))
        };
    }
}

/// `keys` comes from [`keys`].
pub(super) fn finish(b: &mut Builder<'_>, keys: &[u64]) {
    let c = b.cross;
    let Some(email_col) = c.cols.email else {
        return;
    };
    let records = shared(keys);
    for run in runs(&records, keys) {
        let first = run[0] as usize;
        let first_email = c.email[first];
        let later = |r: usize| c.email.get(r).is_some_and(|&e| e != first_email);
        if !run
            .iter()
            .any(|&r| later(r as usize) && !c.reupload_true.get(r as usize))
        {
            continue;
        }
        let members: Vec<u32> = run
            .iter()
            .copied()
            .filter(|&r| r as usize == first || !c.reupload_true.get(r as usize))
            .collect();
        let first_domain = c.domain[first];
        let across = members
            .iter()
            .any(|&r| c.domain[r as usize] != first_domain);
        let g = b.group(GroupRule::X004, Some(email_col), &members);
        for &r in &members {
            let ri = r as usize;
            let mut flags = if across { ACROSS } else { 0 };
            if later(ri) {
                flags |= LATER;
                if c.cols.reupload.is_some() && c.reupload_blank.get(ri) {
                    flags |= FIXABLE;
                }
            }
            if c.email_alt.get(ri) {
                flags |= ALT;
            }
            b.entry(r, g, flags, 0);
        }
    }
}

pub(super) fn finding(m: &Mention<'_>) -> Finding {
    let later = m.flags & LATER != 0;
    let reason = if m.flags & ACROSS != 0 {
        "the same name before the @ on two of your organisation's domains, ignoring dots, +tags and case"
    } else {
        "the same after ignoring dots, +tags and case"
    };
    let message = if later {
        format!(
            "This email address looks like the one on {} ({reason}). The uploader may refuse it with \"Duplicate Profile Error: {UPLOADER_TEXT}\"",
            m.rows()
        )
    } else {
        format!(
            "The email address on {} looks like this one ({reason}). The uploader may refuse the later one with \"Duplicate Profile Error: {UPLOADER_TEXT}\"",
            m.rows()
        )
    };
    let tip = match (later, m.cols.reupload.is_some()) {
        (true, true) => {
            "If they are different people, set reupload_user_profile to true on this row (the suggested fix does); if they are the same person, keep one row."
        }
        (true, false) => {
            "If they are different people, add a column headed reupload_user_profile and set it to true on this row; if they are the same person, keep one row."
        }
        (false, _) => {
            "If they are the same person, keep one row; if not, set reupload_user_profile to true on the later rows."
        }
    };
    let mut f = Finding::new(Code::X004, message, tip);
    f.column = if m.flags & ALT != 0 {
        m.cols.email_alt
    } else {
        m.group.column
    };
    if m.flags & FIXABLE != 0 {
        f.column = m.cols.reupload;
        // The fix pass reads the cell as it is now; the check pass knows it was blank.
        let before = match (m.row, m.cols.reupload) {
            (Some(row), Some(c)) => row.cell(c),
            _ => "",
        };
        if before.is_empty() {
            f = f.fix(Fix::set_cell(Applicability::Suggested, "", "true"));
        }
    }
    f
}

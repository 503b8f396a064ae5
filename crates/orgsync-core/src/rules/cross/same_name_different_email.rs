//! X005 same-name-different-email: the same first and last name (trimmed, any case) on rows with
//! different email addresses. Often two namesakes, sometimes one person with two addresses;
//! worth a look, nothing is wrong. Rows without an email or without both names are not compared.

use super::{Builder, Mention, runs, shared};
use crate::finding::Finding;
use crate::registry::Code;

/// `profiles` are X004's keys per record: namesakes whose addresses are all similar are X004's
/// business (or were confirmed there), so they are not reported twice.
pub(super) fn finish(b: &mut Builder<'_>, profiles: &[u64]) {
    let c = b.cross;
    if c.name.is_empty() || c.cols.email.is_none() {
        return;
    }
    let records = shared(&c.name);
    for run in runs(&records, &c.name) {
        let members: Vec<u32> = run
            .iter()
            .copied()
            .filter(|&r| c.email.get(r as usize).is_some_and(|&e| e != 0))
            .collect();
        let Some(&first) = members.first() else {
            continue;
        };
        let first_email = c.email[first as usize];
        if members.iter().all(|&r| c.email[r as usize] == first_email) {
            continue;
        }
        let profile = |r: u32| profiles.get(r as usize).copied().unwrap_or(0);
        let first_profile = profile(first);
        if first_profile != 0 && members.iter().all(|&r| profile(r) == first_profile) {
            continue;
        }
        let g = b.group(Code::X005, c.cols.first, &members);
        for &r in &members {
            b.entry(r, g, 0, 0);
        }
    }
}

pub(super) fn finding(m: &Mention<'_>) -> Finding {
    let mut f = Finding::new(
        Code::X005,
        format!(
            "The same first and last name is on {} with a different email address: two people with one name, or one person with two addresses?",
            m.rows()
        ),
        "Nothing to do if they are different people. If it is one person, keep the row with the address they sign in with and delete the other.",
    );
    f.column = m.group.column;
    f
}

//! X005 same-name-different-email: the same first and last name (trimmed, any case) on rows with
//! different email addresses. Often two namesakes, sometimes one person with two addresses;
//! worth a look, nothing is wrong. Rows without an email or without both names are not compared.
//!
//! At scale most shared names are common names: in an organisation of a million people, two
//! thirds of the rows share their name with someone. One person entered more than once makes
//! two rows (a work and a personal address), three at most (an old address too); so a name on
//! at most [`MAX_SHARERS`] rows is reported as it is, and a name on more rows is a *common
//! name*: of its rows only those whose addresses also look alike — the same part before the
//! `@` (X004's comparison: any case, dots removed, `+tag` cut) on another domain, such as
//! `jane.doe@acme.com` and `jane.doe@gmail.com` — are reported, as a group of their own. One
//! file-level note says how many common names there are and how many rows hold them.

use super::{Builder, Cross, GroupRule, Mention, runs, shared};
use crate::finding::Finding;
use crate::registry::{Code, Severity};
use crate::words::thousands;

/// The most rows one person entered several times makes: a name on more rows is a common name.
pub(crate) const MAX_SHARERS: usize = 3;

/// The entry is one of a common name's rows whose addresses look alike.
const ALIKE: u32 = 1;

/// The common names of a file: how many, and the rows holding them.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Common {
    names: u64,
    rows: u64,
}

/// The candidate groups, gathered before X004 turns the local-part keys into its own.
#[derive(Debug, Default)]
pub(super) struct Namesakes {
    /// The groups' records, one group after the other, each ascending.
    records: Vec<u32>,
    /// Where each group ends in `records`, and its flags.
    ends: Vec<(usize, u32)>,
    common: Common,
}

/// Gathers the groups: `local` holds each record's local-part key (`Cross::local`, before
/// `possible_duplicate_profile::keys`).
pub(super) fn gather(c: &Cross, local: &[u64]) -> Namesakes {
    let mut out = Namesakes::default();
    if c.name.is_empty() || c.cols.email.is_none() {
        return out;
    }
    let email = |r: u32| c.email.get(r as usize).copied().unwrap_or(0);
    let records = shared(&c.name);
    // (local-part key, record) packed into one integer, high to low: sorting them is the integer
    // sort the cross-row rules share (a sort of tuples would link a sort of its own).
    let mut alike: Vec<u128> = Vec::new();
    for run in runs(&records, &c.name) {
        let start = out.records.len();
        out.records
            .extend(run.iter().copied().filter(|&r| email(r) != 0));
        let members = &out.records[start..];
        let Some(&first) = members.first() else {
            continue;
        };
        if members.iter().all(|&r| email(r) == email(first)) {
            out.records.truncate(start);
            continue;
        }
        if members.len() <= MAX_SHARERS {
            out.ends.push((out.records.len(), 0));
            continue;
        }
        out.common.names += 1;
        out.common.rows += members.len() as u64;
        alike.clear();
        alike.extend(
            members
                .iter()
                .map(|&r| {
                    (u128::from(local.get(r as usize).copied().unwrap_or(0)) << 32) | u128::from(r)
                })
                .filter(|&p| p >> 32 != 0),
        );
        out.records.truncate(start);
        alike.sort_unstable();
        for sub in alike.chunk_by(|a, b| a >> 32 == b >> 32) {
            if sub.len() < 2 || sub.iter().all(|&p| email(p as u32) == email(sub[0] as u32)) {
                continue;
            }
            out.records.extend(sub.iter().map(|&p| p as u32));
            out.ends.push((out.records.len(), ALIKE));
        }
    }
    out
}

/// `profiles` are X004's keys per record: namesakes whose addresses are all similar are X004's
/// business (or were confirmed there), so they are not reported twice.
pub(super) fn finish(b: &mut Builder<'_>, profiles: &[u64], namesakes: Namesakes) {
    let c = b.cross;
    b.plan.common_names = namesakes.common;
    let profile = |r: u32| profiles.get(r as usize).copied().unwrap_or(0);
    let mut start = 0;
    for &(end, flags) in &namesakes.ends {
        let members = &namesakes.records[start..end];
        start = end;
        let first_profile = profile(members[0]);
        if first_profile != 0 && members.iter().all(|&r| profile(r) == first_profile) {
            continue;
        }
        let g = b.group(GroupRule::X005, c.cols.first, members);
        for &r in members {
            b.entry(r, g, flags, 0);
        }
    }
}

pub(super) fn finding(m: &Mention<'_>) -> Finding {
    let message = if m.flags & ALIKE != 0 {
        format!(
            "The same first and last name, with the same part before the @, is on {} with a different email address: one person with two addresses, or two people with a common name?",
            m.rows()
        )
    } else {
        format!(
            "The same first and last name is on {} with a different email address: two people with one name, or one person with two addresses?",
            m.rows()
        )
    };
    let mut f = Finding::new(
        Code::X005,
        message,
        "Nothing to do if they are different people. If it is one person, keep the row with the address they sign in with and delete the other.",
    );
    f.column = m.group.column;
    f
}

/// The file-level note on common names, when there are any.
pub(super) fn note(common: Common) -> Option<Finding> {
    if common.names == 0 {
        return None;
    }
    let names = if common.names == 1 {
        "1 name is".to_string()
    } else {
        format!("{} names are", thousands(common.names))
    };
    Some(
        Finding::new(
            Code::X005,
            format!(
                "{names} each on more than {MAX_SHARERS} rows with different email addresses ({} rows in all): common names, not one person entered again and again, so of their rows only those whose addresses also look alike (the same part before the @) are reported.",
                thousands(common.rows)
            ),
            "Nothing to do. To review them anyway, sort the file by last and first name.",
        )
        .severity(Severity::Info),
    )
}

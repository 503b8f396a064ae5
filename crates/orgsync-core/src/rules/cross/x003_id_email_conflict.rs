//! X003 id-email-conflict: one `unique_user_id` with two different emails, or one email with
//! two different ids. Rows where the other identifier is blank are not in conflict and are left
//! out of the group.

use super::{Builder, GroupRule, Mention, runs};
use crate::finding::Finding;
use crate::header::FileKind;
use crate::registry::Code;

/// The group shares an email (else it shares an id).
const BY_EMAIL: u32 = 1;
/// The row's email came from the second email column.
const ALT: u32 = 2;

pub(super) fn finish(b: &mut Builder<'_>) {
    let c = b.cross;
    if c.kind == Some(FileKind::Deletion) {
        return;
    }
    let (Some(email_col), Some(id_col)) = (c.cols.email, c.cols.id) else {
        return;
    };
    let id_shared = std::mem::take(&mut b.id_shared);
    let email_shared = std::mem::take(&mut b.email_shared);
    // One id, several emails.
    conflicts(b, &id_shared, &c.id, &c.email, id_col, 0);
    // One email, several ids.
    conflicts(b, &email_shared, &c.email, &c.id, email_col, BY_EMAIL);
    b.id_shared = id_shared;
    b.email_shared = email_shared;
}

fn conflicts(
    b: &mut Builder<'_>,
    shared: &[u32],
    keys: &[u64],
    other: &[u64],
    column: usize,
    flag: u32,
) {
    let c = b.cross;
    for run in runs(shared, keys) {
        let members: Vec<u32> = run
            .iter()
            .copied()
            .filter(|&r| other.get(r as usize).is_some_and(|&k| k != 0))
            .collect();
        let Some(&first) = members.first() else {
            continue;
        };
        let first_other = other[first as usize];
        if members.iter().all(|&r| other[r as usize] == first_other) {
            continue;
        }
        let g = b.group(GroupRule::X003, Some(column), &members);
        for &r in &members {
            let alt = if flag == BY_EMAIL && c.email_alt.get(r as usize) {
                ALT
            } else {
                0
            };
            b.entry(r, g, flag | alt, 0);
        }
    }
}

pub(super) fn finding(m: &Mention<'_>) -> Finding {
    let by_email = m.flags & BY_EMAIL != 0;
    let column = if m.flags & ALT != 0 {
        m.cols.email_alt
    } else {
        m.group.column
    };
    let id_name = m.column_name(m.cols.id).to_string();
    let mut f = Finding::new(
        Code::X003,
        if by_email {
            format!(
                "The email address in this row is also on {}, with a different {id_name}: one person cannot have two ids.",
                m.rows()
            )
        } else {
            format!(
                "The {id_name} in this row is also on {}, with a different email address: one id cannot belong to two people.",
                m.rows()
            )
        },
        "Look both people up in your HR system and correct the wrong identifier; the uploader would match the rows to the wrong user.",
    );
    f.column = column;
    f
}

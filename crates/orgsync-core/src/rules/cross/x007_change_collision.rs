//! X007 change-collision: in an email-change file (`existing_email_address` →
//! `invited_email_address`) or an id-change file (`unique_user_id` → `new_unique_user_id`), a
//! row's new value equals another row's current value or another row's new value. After the
//! upload two users would share one identifier, or the result depends on the order the
//! uploader applies the rows in. A row whose new value equals its own current value changes
//! nothing and collides with no one.

use super::{Builder, GroupRule, Mention, duplicated};
use crate::finding::Finding;
use crate::header::FileKind;
use crate::registry::Code;

/// The row's new value collides.
const NEW: u32 = 1;
/// The row's current value is another row's new value.
const CURRENT: u32 = 2;

pub(super) fn finish(b: &mut Builder<'_>, kind: FileKind) {
    let c = b.cross;
    let (current, cur_col) = match kind {
        FileKind::EmailChange => (&c.email, c.cols.email),
        _ => (&c.id, c.cols.id),
    };
    let (Some(cur_col), Some(new_col)) = (cur_col, c.cols.new) else {
        return;
    };
    let both: Vec<u64> = current.iter().chain(&c.new).copied().collect();
    let dups = duplicated(&both);
    drop(both);
    if dups.is_empty() {
        return;
    }
    let hit = |k: u64| k != 0 && dups.binary_search(&k).is_ok();
    // (value, record, flag) packed into one integer, high to low, so that sorting them is the
    // one integer sort the cross-row rules share (a tuple sort would link a sort of its own).
    let triple = |k: u64, r: usize, flag: u32| {
        (u128::from(k) << 64) | ((r as u128) << 32) | u128::from(flag)
    };
    let mut triples: Vec<u128> = Vec::new();
    for (r, &k) in current.iter().enumerate() {
        if hit(k) {
            triples.push(triple(k, r, CURRENT));
        }
    }
    for (r, &k) in c.new.iter().enumerate() {
        if hit(k) {
            triples.push(triple(k, r, NEW));
        }
    }
    triples.sort_unstable();
    let record = |t: &u128| (t >> 32) as u32;
    for run in triples.chunk_by(|a, b| a >> 64 == b >> 64) {
        let news: Vec<u32> = run
            .iter()
            .filter(|&&t| t as u32 == NEW)
            .map(record)
            .collect();
        let curs: Vec<u32> = run
            .iter()
            .filter(|&&t| t as u32 == CURRENT)
            .map(record)
            .collect();
        // (record, flag) packed the same way.
        let mut involved: Vec<u128> = Vec::new();
        for &a in &news {
            if news.len() >= 2 || curs.iter().any(|&b| b != a) {
                involved.push((u128::from(a) << 32) | u128::from(NEW));
            }
        }
        for &b in &curs {
            if news.iter().any(|&a| a != b) && !involved.iter().any(|&p| (p >> 32) as u32 == b) {
                involved.push((u128::from(b) << 32) | u128::from(CURRENT));
            }
        }
        if involved.len() < 2 {
            continue;
        }
        involved.sort_unstable();
        let records: Vec<u32> = involved.iter().map(|&p| (p >> 32) as u32).collect();
        let g = b.group(GroupRule::X007, Some(new_col), &records);
        for &p in &involved {
            b.entry((p >> 32) as u32, g, p as u32, cur_col as u32);
        }
    }
}

pub(super) fn finding(m: &Mention<'_>) -> Finding {
    let what = if m.ctx.header.kind == FileKind::EmailChange {
        "email address"
    } else {
        "unique_user_id"
    };
    let (message, tip, column) = if m.flags & NEW != 0 {
        (
            format!(
                "The new {what} in this row is also on {}, as a current or a new {what}: after the change two users would share it, or the result depends on the order of the rows.",
                m.rows()
            ),
            "Give each user a new value no other row uses, or split the changes into two uploads run one after the other.",
            m.group.column,
        )
    } else {
        (
            format!(
                "The current {what} in this row is the new {what} asked for on {}: the change there collides with this user.",
                m.rows()
            ),
            "Change this user first in a separate upload, or choose another new value on the other row.",
            Some(m.other as usize),
        )
    };
    let mut f = Finding::new(Code::X007, message, tip);
    f.column = column;
    f
}

//! X001 duplicate-email: the same email address (trimmed, any case) on two or more rows.
//!
//! Every row of the group is reported, naming the others. A row that repeats an earlier row of
//! the group (every cell equal once the safe fixes are applied, case ignored where the value
//! ignores case, trailing empty cells ignored: see `Cross::row_key`) carries a safe fix
//! dropping it; the earliest is kept, so nothing the file asks for is lost. The address
//! itself is the one the corrected file holds (`Cross::copy_keys`).

use super::{Builder, GroupRule, Mention, runs};
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::registry::Code;

/// The row's email came from the second email column.
pub(super) const ALT: u32 = 1;
/// The row is a copy of an earlier row of the group (`Entry::other`): the same cells once the
/// safe fixes are applied (see `row_hash`).
pub(super) const COPY: u32 = 2;

pub(super) fn finish(b: &mut Builder<'_>) {
    if let Some(col) = b.cross.cols.email {
        let records = std::mem::take(&mut b.email_shared);
        finish_duplicates(b, GroupRule::X001, &records, &b.cross.email, col);
        b.email_shared = records;
    }
}

/// Groups records sharing a key and marks the copies (X001 and X002).
pub(super) fn finish_duplicates(
    b: &mut Builder<'_>,
    code: GroupRule,
    shared: &[u32],
    keys: &[u64],
    column: usize,
) {
    let c = b.cross;
    for records in runs(shared, keys) {
        let g = b.group(code, Some(column), records);
        // The earliest row of each set of identical rows is kept; the others are copies of it.
        // (row content, record) and (copy, kept) are packed into one integer, high to low, so
        // that sorting them is the integer sort the cross-row rules share (a sort of tuples
        // would link a sort of its own).
        let mut by_content: Vec<u128> = records
            .iter()
            .map(|&r| {
                let content = c.row.get(r as usize).copied().unwrap_or(0);
                (u128::from(content) << 32) | u128::from(r)
            })
            .collect();
        by_content.sort_unstable();
        let mut copy_of: Vec<u128> = Vec::new();
        for run in by_content.chunk_by(|a, b| a >> 32 == b >> 32 && a >> 32 != 0) {
            let kept = run[0] as u32;
            copy_of.extend(
                run[1..]
                    .iter()
                    .map(|&x| (u128::from(x as u32) << 32) | u128::from(kept)),
            );
        }
        copy_of.sort_unstable();
        for &r in records {
            let mut flags = 0;
            let mut other = 0;
            if code == GroupRule::X001 && c.email_alt.get(r as usize) {
                flags |= ALT;
            }
            if let Ok(i) = copy_of.binary_search_by_key(&r, |&p| (p >> 32) as u32) {
                flags |= COPY;
                other = copy_of[i] as u32;
            }
            b.entry(r, g, flags, other);
        }
    }
}

/// The drop fix of a copy.
pub(super) fn drop_copy(m: &Mention<'_>) -> Fix {
    Fix::new(
        Applicability::Safe,
        Edit::DropRow,
        format!("copy of row {}", m.other_row),
        "(dropped)",
    )
}

pub(super) fn finding(m: &Mention<'_>) -> Finding {
    let column = if m.flags & ALT != 0 {
        m.cols.email_alt
    } else {
        m.group.column
    };
    let mut f = Finding::new(
        Code::X001,
        if m.flags & COPY != 0 {
            format!(
                "This row repeats row {}: the same email address with the same values in every cell.",
                m.other_row
            )
        } else {
            format!(
                "The email address in this row is also on {}: the uploader applies each row to the same user in turn, so only the last one's values stay.",
                m.rows()
            )
        },
        if m.flags & COPY != 0 {
            "The corrected file drops the copy. In Excel, Data > Remove Duplicates does the same."
        } else {
            "Keep one row per person: merge what the rows ask for into one row and delete the others. Sorting by the email column in Excel shows them together."
        },
    );
    f.column = column;
    if m.flags & COPY != 0 {
        f = f.fix(drop_copy(m));
    }
    f
}

//! X002 duplicate-unique-id: the same `unique_user_id` (trimmed, exact) on two or more rows.
//!
//! Ids compare exactly after trimming: the format says nothing about their case, and two ids
//! differing in case may well be two people. In a deletion file the id is `unique_id`.

use super::duplicate_email::{COPY, drop_copy, finish_duplicates};
use super::{Builder, GroupRule, Mention};
use crate::finding::Finding;
use crate::registry::Code;

pub(super) fn finish(b: &mut Builder<'_>) {
    if let Some(col) = b.cross.cols.id {
        let records = std::mem::take(&mut b.id_shared);
        finish_duplicates(b, GroupRule::X002, &records, &b.cross.id, col);
        b.id_shared = records;
    }
}

pub(super) fn finding(m: &Mention<'_>) -> Finding {
    let name = m.column_name(m.group.column).to_string();
    let mut f = Finding::new(
        Code::X002,
        if m.flags & COPY != 0 {
            format!(
                "This row repeats row {}: the same {name} with the same values in every cell.",
                m.other_row
            )
        } else {
            format!(
                "The {name} in this row is also on {}; an id must belong to one person, and duplicate ids can cause data loss.",
                m.rows()
            )
        },
        if m.flags & COPY != 0 {
            "The corrected file drops the copy. In Excel, Data > Remove Duplicates does the same."
        } else {
            "Check the ids against your HR system and correct the wrong row; sorting by the id column in Excel shows the rows together."
        },
    );
    f.column = m.group.column;
    if m.flags & COPY != 0 {
        f = f.fix(drop_copy(m));
    }
    f
}

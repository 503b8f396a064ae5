//! R rules: one row's cells.

use super::{Ctx, Sink};
use crate::engine::Row;

/// Runs every per-row rule on one row.
pub(crate) fn check(ctx: &Ctx<'_>, row: &Row<'_>, sink: &mut Sink<'_>) {
    for (i, _col) in ctx.header.columns.iter().enumerate() {
        let value = row.cell(i);
        if value.is_empty() {
            continue;
        }
        stray_whitespace::check(row, i, value, sink);
    }
}

mod stray_whitespace;

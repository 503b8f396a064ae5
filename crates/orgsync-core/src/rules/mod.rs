//! The rules, one file each, grouped by what they look at:
//! - `file`: the bytes and the records' shape (F codes), found by the pipeline;
//! - `header`: the header row (H codes), and `columns`: whole-column facts known at the end;
//! - `row`: one row's cells (R codes);
//! - `cross`: several rows together (X codes, and the file-wide parts of R004 and R020).
//!
//! A rule never fails: bad data is a finding. Every rule reports through a sink, so the check
//! pass can keep findings and the fix pass can apply their fixes with the same code.

pub(crate) mod columns;
pub(crate) mod cross;
pub(crate) mod file;
pub(crate) mod header;
pub(crate) mod row;
pub(crate) mod text;

use crate::finding::{Applicability, Finding};
use crate::header::Header;
use crate::options::Options;
use crate::registry::{Code, Severity};

/// Where rules report.
pub(crate) type Sink<'a> = dyn FnMut(Finding) + 'a;

/// Where the check pass's findings go when it can tell, before building one, whether it would
/// be kept: a finding of a code over the per-code cap is only counted, so it costs a counter
/// increment instead of its formatting and allocations (the cross-row findings, see
/// `cross::CrossDecisions::keep_findings`; the per-row ones use `row::Memo`'s own counters).
pub(crate) trait Keeper {
    /// Whether a finding of this code would be kept now.
    fn keeps(&self, code: Code) -> bool;
    /// Counts and keeps a finding (or drops it, counted, over the cap).
    fn keep(&mut self, f: Finding);
    /// Counts a finding that is not kept, from what the counts need of it.
    fn counted(&mut self, code: Code, severity: Severity, fix: Option<Applicability>);
}

/// A [`Keeper`] keeping every finding.
#[cfg(test)]
pub(crate) struct KeepAll<'a, 'b>(pub &'a mut Sink<'b>);

#[cfg(test)]
impl Keeper for KeepAll<'_, '_> {
    fn keeps(&self, _: Code) -> bool {
        true
    }

    fn keep(&mut self, f: Finding) {
        (self.0)(f);
    }

    fn counted(&mut self, _: Code, _: Severity, _: Option<Applicability>) {}
}

/// What every rule may read besides its row.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub header: &'a Header,
    pub options: &'a Options,
}

/// Every per-row rule, in the order both passes run them, with the fast path's memory of
/// earlier rows (`row::Memo`: a pass may keep one or not, the findings are the same). Returns
/// whether every cell of the row took the row rules' fast path (see [`row::check_with`]), which
/// the cross-row rules use.
#[inline(always)]
pub(crate) fn check_row_with(
    ctx: &Ctx<'_>,
    plan: &row::RowPlan,
    row: &crate::row::Row<'_>,
    sink: &mut Sink<'_>,
    memo: &mut row::Memo,
) -> bool {
    if row.is_blank() {
        sink(file::blank_row(row));
        return false;
    }
    if let Some(problem) = row.quote_problem {
        sink(file::bad_quoting(row, problem));
    }
    // Both checks are out of line; most rows need neither.
    if row.len() != ctx.header.columns.len()
        && let Some(f) = file::ragged(row, ctx.header.columns.len())
    {
        sink(f);
    }
    if row.text.len() > file::MAX_CELL_CHARS {
        file::long_cells(row, sink);
    }
    self::row::check_with(ctx, plan, row, sink, memo)
}

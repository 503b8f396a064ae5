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

use crate::finding::{Applicability, Edit, Finding};
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

/// What every rule may read besides its row: the file's header and the options of the check.
#[derive(Debug)]
pub(crate) struct RuleInput<'a> {
    pub header: &'a Header,
    pub options: &'a Options,
}

/// Every per-row rule, in the order both passes run them, with the fast path's memory of
/// earlier rows (`row::Memo`: a pass may keep one or not, the findings are the same). Returns
/// whether every cell of the row took the row rules' fast path (see [`row::check_with`]), which
/// the cross-row rules use.
#[inline(always)]
pub(crate) fn check_row_with(
    ctx: &RuleInput<'_>,
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

/// How many times the fix pass re-checks a row's cells after applying fixes; fixes of one cell
/// by several rules (trim, then case) settle in two or three rounds.
pub(crate) const MAX_ROUNDS: usize = 4;

/// A row's text and cell ends from its cells (a fixed row, re-checked as the parser's are).
pub(crate) fn joined(cells: &[String]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut ends = Vec::with_capacity(cells.len());
    for c in cells {
        text.push_str(c);
        ends.push(text.len());
    }
    (text, ends)
}

/// The cells of a row as the corrected file holds them with the default fixes (the safe
/// ones), or `None` when no safe fix changes a cell (most rows). `found`: the row's findings
/// from the check pass, in any order.
///
/// The fix pass's own procedure (`Fixer`'s rounds), so the cross-row rules can key a row as it
/// will be written (X001 and X002 copies: rows the safe fixes make equal are copies in the
/// first run, and fixing the corrected file again drops nothing): the safe cell fixes in
/// position order, at most one per cell a round, each only where the cell still holds the
/// value it fixes; then the row is re-checked and the next round applies what the re-check
/// finds, until nothing changes or [`MAX_ROUNDS`]. `memo` is a fix-pass memo
/// (`Memo::default()`), not the check pass's counting one.
pub(crate) fn safe_fixed(
    ctx: &RuleInput<'_>,
    plan: &row::RowPlan,
    row: &crate::row::Row<'_>,
    found: &[Finding],
    memo: &mut row::Memo,
) -> Option<Vec<String>> {
    fn safe_cell_fix(f: &&Finding) -> bool {
        f.column.is_some()
            && f.fix
                .as_ref()
                .is_some_and(|x| x.applicability == Applicability::Safe && x.edit == Edit::SetCell)
    }
    let mut cells: Option<Vec<String>> = None;
    let mut again: Vec<Finding> = Vec::new();
    for round in 0..MAX_ROUNDS {
        let current = if round == 0 { found } else { &again };
        if !current.iter().any(|f| safe_cell_fix(&f)) {
            break;
        }
        let cells = cells.get_or_insert_with(|| row.cells().map(str::to_string).collect());
        // The fix pass applies them in position order (on one row: by column, then code), each
        // where the cell still holds the value it fixes, at most one a cell: per cell, the
        // first by code that applies. (Chosen here without sorting: a sort of its own would
        // link another copy of the standard library's sort into the wasm builds.)
        let mut chosen: Vec<Option<&Finding>> = vec![None; cells.len()];
        for f in current.iter().filter(safe_cell_fix) {
            let (Some(col), Some(fix)) = (f.column, f.fix.as_ref()) else {
                continue;
            };
            let Some(slot) = chosen.get_mut(col) else {
                continue;
            };
            if cells[col] == fix.before
                && fix.after != fix.before
                && slot.is_none_or(|g| f.code < g.code)
            {
                *slot = Some(f);
            }
        }
        let mut changed = false;
        for (cell, f) in cells.iter_mut().zip(chosen) {
            if let Some(fix) = f.and_then(|f| f.fix.as_ref()) {
                cell.clone_from(&fix.after);
                changed = true;
            }
        }
        if !changed {
            break;
        }
        let (text, ends) = joined(cells);
        let fixed = crate::row::Row {
            text: &text,
            ends: &ends,
            plain: crate::parse::is_plain(text.as_bytes()),
            ..*row
        };
        let mut next = Vec::new();
        check_row_with(ctx, plan, &fixed, &mut |f| next.push(f), memo);
        again = next;
    }
    // A row none of whose fixes applied is written as it is.
    cells.filter(|c| c.iter().zip(row.cells()).any(|(a, b)| a != b))
}

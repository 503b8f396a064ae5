//! The fix pass: reads the same bytes again and writes, as it goes, the corrected CSV, the error
//! report CSV and the findings CSV.
//!
//! It re-runs the per-row rules on each row (the same code the check pass ran), so it needs only
//! the check pass's [`FixPlan`](crate::report::FixPlan), never its possibly capped list of findings:
//! the outputs are complete whatever the cap.

use crate::engine::{Cut, Handler, Pipeline};
use crate::finding::{Edit, Finding};
use crate::header::Header;
use crate::input::encode;
use crate::input::{Encoding, Sniffed};
use crate::options::{FixOptions, Options};
use crate::registry::Code;
use crate::registry::Severity;
use crate::report::{FixPlan, Report};
use crate::roster::{
    ChangeKind, ChangeRef, Compare, Outcome, Preview, PreviewBuilder, PreviewWriter, Who,
};
use crate::row::Row;
use crate::rules::{self, MAX_ROUNDS, RuleInput, joined as join};
use crate::words::push_decimal;
use std::sync::Arc;

/// Output produced so far; drain it with [`Fixer::take_output`] as you go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixChunk {
    /// The corrected file.
    pub corrected: Vec<u8>,
    /// The error report: file-level problems first, then each row with problems, its original
    /// cells and a `messages` column.
    pub error_report: Vec<u8>,
    /// One line per finding: the change log.
    pub findings: Vec<u8>,
    /// With a user export: one line per change the upload makes to a user, then the users it
    /// leaves untouched (`row,email,unique_user_id,change,column,before,after`). Empty without.
    pub preview: Vec<u8>,
}

/// What a corrected file still holds, as `orgsync fix` reports it: the counts a check of it
/// gives, and the codes of which a kept finding (the first [`Left::CAP`] of each code, as the
/// check keeps them) offers a suggested fix. [`Left::of`] a check of the corrected file, or
/// [`Fixer::finish_with_left`] without one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Left {
    /// Error findings.
    pub errors: u64,
    /// Warning findings.
    pub warnings: u64,
    /// Info findings.
    pub infos: u64,
    /// Findings carrying a safe fix.
    pub safe_fixes: u64,
    /// Findings carrying a suggested fix.
    pub suggested_fixes: u64,
    /// Findings per code.
    pub by_code: std::collections::BTreeMap<Code, u64>,
    /// Codes of which a kept finding offers a suggested fix.
    pub suggested: std::collections::BTreeSet<Code>,
}

impl Left {
    /// The findings kept per code by the checks `Left` is worked out from
    /// (`Options::max_findings_per_code`).
    pub const CAP: usize = 100;

    /// From a report (of a check with [`Left::CAP`] as its cap for `suggested` to match).
    pub fn of(report: &Report) -> Left {
        let s = &report.summary;
        Left {
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            safe_fixes: s.safe_fixes,
            suggested_fixes: s.suggested_fixes,
            by_code: s.by_code.clone(),
            suggested: report
                .findings
                .iter()
                .filter(|f| suggests(f))
                .map(|f| f.code)
                .collect(),
        }
    }

    /// Whether any error is left.
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Counts `f` in (`add`) or out. `false` when a count would go below zero.
    fn count(&mut self, f: &Finding, add: bool) -> bool {
        fn step(n: &mut u64, add: bool) -> bool {
            if add {
                *n += 1;
                true
            } else if let Some(m) = n.checked_sub(1) {
                *n = m;
                true
            } else {
                false
            }
        }
        let mut ok = match f.severity {
            Severity::Error => step(&mut self.errors, add),
            Severity::Warning => step(&mut self.warnings, add),
            Severity::Info => step(&mut self.infos, add),
        };
        match f.fix.as_ref().map(|x| x.applicability) {
            Some(crate::finding::Applicability::Safe) => ok &= step(&mut self.safe_fixes, add),
            Some(crate::finding::Applicability::Suggested) => {
                ok &= step(&mut self.suggested_fixes, add);
            }
            None => {}
        }
        let n = self.by_code.entry(f.code).or_default();
        ok &= step(n, add);
        if *n == 0 {
            self.by_code.remove(&f.code);
        }
        ok
    }
}

fn suggests(f: &Finding) -> bool {
    f.fix
        .as_ref()
        .is_some_and(|x| x.applicability == crate::finding::Applicability::Suggested)
}

/// Whether [`Fixer::track_left`] counts (the `left-count` feature): without it the code that
/// counts is compiled out (the JS API's default package stays under its size budget).
const COUNTS_LEFT: bool = cfg!(feature = "left-count");

/// What [`Fixer::track_left`] gathers.
#[derive(Debug)]
struct Delta {
    /// Nothing seen so far stops the count from being exact.
    exact: bool,
    before: Left,
    /// The check pass's kept findings.
    kept: Vec<Finding>,
    /// Per code, the check pass's count of findings with a suggested fix.
    suggested: std::collections::BTreeMap<Code, u64>,
    /// The row rules' findings on each changed row as read, and as written.
    removed: Vec<Finding>,
    added: Vec<Finding>,
}

impl Delta {
    fn left(self) -> Option<Left> {
        if !self.exact {
            return None;
        }
        let mut left = self.before.clone();
        for f in &self.removed {
            if !left.count(f, false) {
                return None;
            }
        }
        for f in &self.added {
            left.count(f, true);
        }
        // The kept findings of each code that changed: the check's kept list with the changed
        // rows' findings taken out and put in, where that list is known.
        let mut codes: Vec<Code> = self
            .removed
            .iter()
            .chain(&self.added)
            .map(|f| f.code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let mut kept: Vec<Finding> = self
                .kept
                .iter()
                .filter(|f| f.code == code)
                .cloned()
                .collect();
            let counted = self.before.by_code.get(&code).copied().unwrap_or(0);
            let full = counted > kept.len() as u64;
            // R004 and R020 are kept as the row rules find them, then the cross-row rules:
            // not in position order, so a full list cannot be patched.
            if full && matches!(code, Code::R004 | Code::R020) {
                return None;
            }
            let key = |f: &Finding| (f.row.unwrap_or(0), f.column.map_or(0, |c| c + 1), f.code);
            let last = kept.last().map(key);
            let cap = kept.len();
            for f in self.removed.iter().filter(|f| f.code == code) {
                match kept.iter().position(|k| k == f) {
                    Some(i) => {
                        kept.remove(i);
                    }
                    // Past the kept ones; a complete list holds every finding.
                    None if full && last.is_none_or(|l| key(f) > l) => {}
                    None => return None,
                }
            }
            for f in self.added.iter().filter(|f| f.code == code) {
                if !full || last.is_some_and(|l| key(f) <= l) {
                    kept.push(f.clone());
                }
            }
            crate::finding::sort_by_position(&mut kept);
            let now = left.by_code.get(&code).copied().unwrap_or(0);
            // The exact count of this code's findings with a suggested fix, before and after.
            let suggested_now = (self.suggested.get(&code).copied().unwrap_or(0)
                + self
                    .added
                    .iter()
                    .filter(|f| f.code == code && suggests(f))
                    .count() as u64)
                .checked_sub(
                    self.removed
                        .iter()
                        .filter(|f| f.code == code && suggests(f))
                        .count() as u64,
                );
            let suggested = match suggested_now {
                None => return None,
                Some(0) => false,
                Some(_) if !full => {
                    if kept.len() as u64 != now {
                        return None;
                    }
                    kept.iter().take(Left::CAP).any(suggests)
                }
                // The findings past the last kept one are unknown here, but come after every
                // finding in `kept`.
                Some(_) if kept.len() >= cap => kept.iter().take(cap).any(suggests),
                Some(_) if kept.len() as u64 == now || kept.iter().any(suggests) => {
                    kept.iter().any(suggests)
                }
                Some(_) => return None,
            };
            if suggested {
                left.suggested.insert(code);
            } else {
                left.suggested.remove(&code);
            }
        }
        Some(left)
    }
}

/// Writes the corrected file and the reports from a second read of the same bytes.
#[derive(Debug)]
pub struct Fixer {
    pipeline: Pipeline,
    st: State,
}

#[derive(Debug)]
struct State {
    plan: Arc<FixPlan>,
    check: Options,
    fix: FixOptions,
    /// Per-row decisions on suggested fixes ([`Fixer::decide`]).
    rows: std::collections::HashMap<(Code, u64), bool>,
    out: FixChunk,
    started: bool,
    /// Which columns the corrected file keeps.
    keep: Vec<bool>,
    delimiter: u8,
    terminator: &'static [u8],
    utf16: Option<Encoding>,
    /// F001's conversion to UTF-8 is on.
    convert: bool,
    /// The header cell whose quote never closes, while the header is written.
    open_quote: Option<usize>,
    /// Fixes of the current row reported as not applied (`fits`), each once.
    noted: Vec<(Option<u64>, Option<usize>, Code)>,
    /// The legacy encoding the corrected file keeps (F001's fix off), if the file has one.
    keep_encoding: Option<Encoding>,
    width: usize,
    /// Number of header columns in the error report.
    report_width: usize,
    /// F014 for the row about to come, which the parser had to cut.
    cut: Option<Finding>,
    /// The comparison with the account's users, when a user export is given.
    compare: Option<Compare>,
    preview: Option<PreviewWriter>,
    /// The same preview, capped per kind like findings, with exact totals ([`Fixer::finish_with_preview`]).
    summary: Option<PreviewBuilder>,
    /// The records whose X001/X002 group is only copies of them, which the drop removes
    /// (`cross::Plan::alone_once_copies_dropped`): their duplicate error goes with the copies.
    alone: Vec<(u32, Code)>,
    /// The row rules' memory from row to row (same findings, less work: see `row::Memo`).
    memo: rules::row::Memo,
    /// How the row rules check each column, worked out from the header.
    row_plan: rules::row::RowPlan,
    /// Scratch space for one report cell, kept from row to row.
    text: String,
    /// With [`Fixer::track_left`]: the row-rule findings the changed rows lose and gain.
    delta: Option<Box<Delta>>,
    /// Per column of the header: its name with quotes doubled, and whether it needs quotes (the
    /// error report's `messages` cell names the column of each finding).
    column_pieces: Vec<(Vec<u8>, bool)>,
    /// Per code (`Code as usize`), the last message and tip written for it, in the forms the
    /// reports write them: most findings of a code word the same tip, and the row-level ones
    /// (R017 on every revocation, R015, R016) the same message, so each is escaped once.
    words: Vec<Words>,
}

/// The last message and tip of one code, as written (see `State::words`).
#[derive(Debug, Default)]
struct Words {
    message: Written,
    tip: Written,
    /// The findings CSV's `code,rule,severity` fields as written, and the severity they hold.
    head: Vec<u8>,
    head_severity: Option<Severity>,
}

impl Words {
    /// The findings CSV's `code,rule,severity` fields of a finding of `code` with `severity`,
    /// each guarded and quoted as `write_field(neutralised(..))` writes it.
    #[inline]
    fn head(&mut self, code: Code, severity: Severity) -> &[u8] {
        if self.head_severity != Some(severity) {
            self.head.clear();
            write_field(&mut self.head, neutralised(code.as_str()).as_bytes(), b',');
            self.head.push(b',');
            write_field(
                &mut self.head,
                neutralised(code.rule().name).as_bytes(),
                b',',
            );
            self.head.push(b',');
            write_field(
                &mut self.head,
                neutralised(severity.as_str()).as_bytes(),
                b',',
            );
            self.head_severity = Some(severity);
        }
        &self.head
    }
}

/// A text as the reports write it: a findings CSV field (guarded against formulas, quoted when
/// it must be) and a piece of the error report's `messages` cell (quotes doubled; the whole
/// cell is guarded and quoted at once).
#[derive(Debug, Default)]
struct Written {
    text: String,
    /// The findings CSV field.
    field: Vec<u8>,
    /// The text with its quotes doubled, and whether it holds a byte that needs quotes.
    piece: Vec<u8>,
    special: bool,
}

impl Written {
    /// Makes this the written form of `text`, unless it already is.
    #[inline]
    fn of(&mut self, text: &str) -> &Written {
        if self.text != text {
            self.text.clear();
            self.text.push_str(text);
            // One scan for both forms: the guard only prefixes an apostrophe, so the field
            // needs quotes exactly when the text does (`write_field`, without its own scan).
            self.special = needs_quotes(text.as_bytes(), b',');
            self.piece.clear();
            escape_quotes(&mut self.piece, text.as_bytes());
            self.field.clear();
            let guarded = neutralised(text);
            if self.special {
                self.field.push(b'"');
                if guarded.len() > text.len() {
                    self.field.push(b'\'');
                }
                self.field.extend_from_slice(&self.piece);
                self.field.push(b'"');
            } else {
                self.field.extend_from_slice(guarded.as_bytes());
            }
        }
        self
    }
}

impl Fixer {
    /// A fixer for the file `report` was made from, applying the fixes `options` turns on.
    pub fn new(report: &Report, options: &FixOptions) -> Fixer {
        let plan = Arc::clone(&report.plan);
        let check = plan.options.clone();
        // The check pass's sniffing: the same encoding and delimiter, whatever was chosen.
        let mut pipeline = Pipeline::with_sniffed(plan.sniffed);
        pipeline.book.sheet = check.sheet.clone();
        Fixer {
            pipeline,
            st: State {
                plan,
                check,
                fix: options.clone(),
                rows: std::collections::HashMap::new(),
                out: FixChunk::default(),
                started: false,
                keep: Vec::new(),
                delimiter: b',',
                terminator: b"\r\n",
                utf16: None,
                convert: false,
                open_quote: None,
                noted: Vec::new(),
                keep_encoding: None,
                width: 0,
                report_width: 0,
                cut: None,
                compare: None,
                preview: None,
                summary: None,
                alone: Vec::new(),
                memo: rules::row::Memo::default(),
                row_plan: rules::row::RowPlan::default(),
                text: String::new(),
                column_pieces: Vec::new(),
                delta: None,
                words: Vec::new(),
            },
        }
    }

    /// Decides one row's suggested fixes of a rule, whatever the options say for the rule:
    /// `(code, row, true)` applies them, `false` leaves the row as it is. A rule turned off
    /// (`FixOptions::no_fix`) stays off; safe fixes are not affected. Call before pushing bytes.
    pub fn decide(mut self, rows: impl IntoIterator<Item = (Code, u64, bool)>) -> Fixer {
        self.st
            .rows
            .extend(rows.into_iter().map(|(code, row, on)| ((code, row), on)));
        self
    }

    /// Works out, as the rows are fixed, what the corrected file still holds ([`Left`]), for
    /// [`Fixer::finish_with_left`]: the report's counts with the findings the row rules make
    /// on each changed row before and after its fixes taken out and put in, when that is exact.
    /// Call before pushing bytes, with the report the fixer was made from.
    ///
    /// Without the `left-count` feature (the JS API's packages, which check the corrected file
    /// themselves) it does nothing: [`Fixer::counts_left`] is `false` and
    /// [`Fixer::finish_with_left`] gives `None`, so a caller checks the corrected file.
    pub fn track_left(mut self, report: &Report) -> Fixer {
        if !COUNTS_LEFT {
            return self;
        }
        self.st.delta = Some(Box::new(Delta {
            exact: true,
            before: Left::of(report),
            kept: report.findings.clone(),
            suggested: report
                .summary
                .fixes_by_code
                .iter()
                .map(|(&c, x)| (c, x.suggested))
                .collect(),
            removed: Vec::new(),
            added: Vec::new(),
        }));
        self
    }

    /// With [`Fixer::track_left`]: whether the count of what is left is still exact for the
    /// rows fixed so far (once `false`, it stays so, and [`Fixer::finish_with_left`] gives
    /// `None`).
    pub fn counts_left(&self) -> bool {
        self.st.delta.as_ref().is_some_and(|d| d.exact)
    }

    /// [`Fixer::finish`], and with [`Fixer::track_left`] what the corrected file still holds
    /// when it can be worked out exactly from the rows the fix changed: `None` when it cannot
    /// (a row dropped, a file-level or header fix, a change the cross-row rules would see, a
    /// file not in UTF-8, a user export...), and then only checking the corrected file says.
    pub fn finish_with_left(self) -> (FixChunk, Option<Left>) {
        let (out, _, delta) = self.finish_all();
        (out, delta.filter(|_| COUNTS_LEFT).and_then(|d| d.left()))
    }

    /// Feeds the next bytes of the same file the report was made from.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pipeline.push(bytes, &mut self.st);
    }

    /// Takes the output written so far.
    pub fn take_output(&mut self) -> FixChunk {
        // The next chunk's buffers start as large as these were: growing them from nothing
        // again copied every chunk's output a few times over.
        let out = &self.st.out;
        let next = FixChunk {
            corrected: Vec::with_capacity(out.corrected.len()),
            error_report: Vec::with_capacity(out.error_report.len()),
            findings: Vec::with_capacity(out.findings.len()),
            preview: Vec::with_capacity(out.preview.len()),
        };
        std::mem::replace(&mut self.st.out, next)
    }

    /// Ends the file and returns the rest of the output.
    pub fn finish(self) -> FixChunk {
        self.finish_with_preview().0
    }

    /// Ends the file and returns the rest of the output and, with a usable user export, the
    /// preview the preview CSV holds: exact totals, lines capped per kind by the check's
    /// `max_findings_per_code` (what the page lists).
    pub fn finish_with_preview(self) -> (FixChunk, Option<Preview>) {
        let (out, preview, _) = self.finish_all();
        (out, preview)
    }

    /// Ends the file: the rest of the output, the preview, and what `track_left` gathered.
    fn finish_all(mut self) -> (FixChunk, Option<Preview>, Option<Box<Delta>>) {
        self.pipeline.finish(&mut self.st);
        if !self.st.started {
            // No header at all: the reports still list the file-level problems.
            self.st.start(None);
        }
        let st = &mut self.st;
        if let (Some(c), Some(w)) = (&st.compare, st.preview.as_mut()) {
            w.start(&mut st.out.preview);
            let summary = &mut st.summary;
            c.untouched(&mut |who, change| {
                w.change(&mut st.out.preview, who, change);
                if let Some(b) = summary.as_mut() {
                    b.change(who, change);
                }
            });
        }
        let preview = self.st.summary.take().map(PreviewBuilder::finish);
        (self.st.out, preview, self.st.delta)
    }
}

impl State {
    fn on(&self, f: &Finding) -> bool {
        f.fix.as_ref().is_some_and(|x| {
            if x.applicability == crate::finding::Applicability::Suggested
                && !self.fix.no_fix.contains(&f.code)
                && let Some(&on) = f.row.and_then(|row| self.rows.get(&(f.code, row)))
            {
                return on;
            }
            self.fix.applies_to(f.code, x)
        })
    }

    fn code_on(&self, code: Code) -> bool {
        self.plan
            .file_findings
            .iter()
            .any(|f| f.code == code && self.on(f))
    }

    /// Writes what comes before the rows: the corrected header and the reports' file-level lines.
    fn start(&mut self, header: Option<&Header>) {
        self.started = true;
        let sniffed = self.plan.sniffed.unwrap_or(Sniffed::empty());
        self.delimiter = if self.code_on(Code::F004) {
            b','
        } else {
            sniffed.delimiter
        };
        if !self.code_on(Code::F009)
            && self.plan.line_ending == "lf"
            && self.plan.file_findings.iter().any(|f| f.code == Code::F009)
        {
            self.terminator = b"\n";
        }
        self.convert = self.code_on(Code::F001);
        if sniffed.encoding.is_utf16() && !self.convert {
            self.utf16 = Some(sniffed.encoding);
        }
        if !sniffed.encoding.is_utf8() && !sniffed.encoding.is_utf16() && !self.convert {
            self.keep_encoding = Some(sniffed.encoding);
        }
        let binary = sniffed.binary.is_some();
        // A file converted from a legacy encoding gets UTF-8's mark, as a UTF-16 one keeps
        // its own: Excel then opens the corrected file with the right characters.
        let legacy_converted = self.convert && !sniffed.encoding.is_utf8();
        if (sniffed.bom || legacy_converted) && !binary {
            self.emit_corrected("\u{FEFF}".as_bytes());
        }
        if sniffed.sep_line && !binary && !self.code_on(Code::F015) {
            let line = [b"sep=", &[self.delimiter][..], self.terminator].concat();
            self.emit_corrected(&line);
        }
        // Findings CSV header.
        write_row(
            &mut self.out.findings,
            [
                "row", "line", "column", "code", "rule", "severity", "message", "tip", "fix",
                "before", "after",
            ],
        );
        let raw_headers: Vec<String> = header
            .map(|h| h.columns.iter().map(|c| c.raw.clone()).collect())
            .unwrap_or_default();
        self.report_width = raw_headers.len();
        let mut report_head: Vec<String> = vec!["row".into()];
        report_head.extend(raw_headers.iter().cloned());
        report_head.push("messages".into());
        write_row(
            &mut self.out.error_report,
            report_head.iter().map(String::as_str),
        );
        let plan = Arc::clone(&self.plan);
        for f in &plan.file_findings {
            self.write_finding(f, header);
        }
        let file_level: Vec<&Finding> = plan.file_findings.iter().collect();
        if !file_level.is_empty() {
            let mut line: Vec<String> = vec![String::new()];
            line.extend(std::iter::repeat_n(String::new(), self.report_width));
            line.push(messages(&file_level, header));
            write_row(&mut self.out.error_report, line.iter().map(String::as_str));
        }
        if COUNTS_LEFT && self.delta.is_some() {
            let plan = Arc::clone(&self.plan);
            let plain = sniffed.encoding.is_utf8()
                && !binary
                && !sniffed.sep_line
                && plan.sniffed.is_some()
                && plan.line_ending == "crlf"
                && self.check.roster.is_none()
                && header.is_some_and(|h| h.kind != crate::header::FileKind::Deletion)
                // A file-level finding (any F code: encoding, delimiter, line endings, cut
                // records...) or a header fix changes what a check of the corrected file says
                // about the file itself.
                && plan.file_findings.iter().all(|f| {
                    f.code.rule().scope != crate::registry::Scope::File && !self.on(f)
                });
            if !plain {
                self.inexact();
            }
        }
        let Some(header) = header else { return };
        self.column_pieces = header
            .columns
            .iter()
            .map(|c| {
                let mut piece = Vec::new();
                escape_quotes(&mut piece, c.raw.as_bytes());
                (piece, needs_quotes(c.raw.as_bytes(), b','))
            })
            .collect();
        if let Some(roster) = self.check.roster.as_ref().filter(|r| r.usable()) {
            self.compare = Some(Compare::new(Arc::clone(roster), header));
            let headers: Vec<String> = header.columns.iter().map(|c| c.raw.clone()).collect();
            self.summary = Some(PreviewBuilder::new(
                self.check.max_findings_per_code,
                roster.users() as u64,
                headers.clone(),
            ));
            let mut w = PreviewWriter::new(headers);
            w.start(&mut self.out.preview);
            self.preview = Some(w);
            self.alone = self.plan.cross.alone_once_copies_dropped();
        }
        self.width = header.columns.len();
        self.keep = vec![true; self.width];
        let mut cells: Vec<String> = raw_headers;
        let enc = if self.convert {
            None
        } else {
            self.keep_encoding.or_else(|| {
                header
                    .columns
                    .iter()
                    .any(|c| c.bytes.is_some())
                    .then_some(sniffed.fallback)
            })
        };
        for f in &plan.file_findings {
            if !self.on(f) || f.row != Some(header.row) {
                continue;
            }
            let (Some(col), Some(fix)) = (f.column, f.fix.as_ref()) else {
                continue;
            };
            match fix.edit {
                Edit::SetCell if col < cells.len() && self.fits(enc, f, Some(header)) => {
                    cells[col] = fix.after.clone();
                }
                Edit::DropColumn if col < self.keep.len() => self.keep[col] = false,
                _ => {}
            }
        }
        let orig: Vec<(&str, Option<&[u8]>)> = header
            .columns
            .iter()
            .map(|c| (c.raw.as_str(), c.bytes.as_deref()))
            .collect();
        // A header quote that never closes swallowed the rest of the file into one cell: it is
        // written back as it was read, still open, so every record after it is kept as it was.
        self.open_quote = match header.quote_problem {
            Some(crate::parse::QuoteProblem::Unterminated { field }) => Some(field),
            _ => None,
        };
        self.write_corrected(&cells, &orig, enc);
        self.open_quote = None;
    }

    /// Whether a fix's result can be written in `enc` (the encoding the corrected file keeps;
    /// `None` is UTF-8, which holds anything). When it cannot, the fix is not applied and the
    /// findings CSV says so.
    fn fits(&mut self, enc: Option<Encoding>, f: &Finding, header: Option<&Header>) -> bool {
        let (Some(enc), Some(fix)) = (enc, f.fix.as_ref()) else {
            return true;
        };
        if encode(enc, &fix.after).is_some() {
            return true;
        }
        let key = (f.row, f.column, f.code);
        if self.noted.contains(&key) {
            return false;
        }
        self.noted.push(key);
        let mut note = f.clone();
        note.message = format!(
            "Fix not applied: `{}` cannot be written in {}, the file's encoding, so the cell is kept as it was. {}",
            fix.after,
            enc.name(),
            f.message
        );
        note.tip = "Turn on F001's conversion to UTF-8 (`--suggested F001`) to apply it.".into();
        self.write_finding(&note, header);
        false
    }

    /// Appends UTF-8 text to the corrected file, in UTF-16 when the file stays UTF-16 (F001's
    /// fix turned off), so every chunk handed out is already in the output's encoding.
    fn emit_corrected(&mut self, utf8: &[u8]) {
        match self.utf16 {
            Some(enc) => {
                let text = String::from_utf8_lossy(utf8);
                for unit in text.encode_utf16() {
                    let bytes = if enc == Encoding::UTF_16BE {
                        unit.to_be_bytes()
                    } else {
                        unit.to_le_bytes()
                    };
                    self.out.corrected.extend_from_slice(&bytes);
                }
            }
            None => self.out.corrected.extend_from_slice(utf8),
        }
    }

    /// Writes a record of the corrected file. `orig` holds each cell's text and bytes as read;
    /// `enc` is the legacy encoding the corrected file keeps, or `None` for UTF-8. A cell no fix
    /// changed is written back byte for byte as it was; a changed one is encoded in `enc`.
    fn write_corrected(
        &mut self,
        cells: &[String],
        orig: &[(&str, Option<&[u8]>)],
        enc: Option<Encoding>,
    ) {
        let mut line = Vec::with_capacity(cells.iter().map(|c| c.len() + 1).sum::<usize>() + 2);
        let mut first = true;
        for (i, cell) in cells.iter().enumerate() {
            if !self.keep.get(i).copied().unwrap_or(true) {
                continue;
            }
            if !first {
                line.push(self.delimiter);
            }
            first = false;
            if self.open_quote == Some(i) {
                let bytes = match (enc, orig.get(i)) {
                    (Some(_), Some((_, Some(b)))) => b.to_vec(),
                    (Some(enc), _) => encode(enc, cell).unwrap_or_else(|| cell.clone().into()),
                    (None, _) => cell.as_bytes().to_vec(),
                };
                line.push(b'"');
                for b in bytes {
                    if b == b'"' {
                        line.push(b'"');
                    }
                    line.push(b);
                }
                self.emit_corrected(&line);
                return;
            }
            match enc {
                None => write_field(&mut line, cell.as_bytes(), self.delimiter),
                Some(enc) => {
                    let (text, bytes) = orig.get(i).copied().unwrap_or(("", None));
                    let bytes: std::borrow::Cow<'_, [u8]> = if text == cell.as_str() {
                        match bytes {
                            Some(b) => b.into(),
                            None => encode(enc, cell)
                                .unwrap_or_else(|| cell.clone().into())
                                .into(),
                        }
                    } else {
                        // `fits` let only fixes the encoding holds through.
                        encode(enc, cell)
                            .map(Into::into)
                            .unwrap_or_else(|| bytes.unwrap_or(text.as_bytes()).into())
                    };
                    write_field(&mut line, &bytes, self.delimiter);
                }
            }
        }
        line.extend_from_slice(self.terminator);
        self.emit_corrected(&line);
    }

    /// Writes a row no fix changes. When the output is UTF-8 with every column kept and no cell
    /// holds the delimiter, a quote or a line break (so none is quoted), the row's text is
    /// copied with a delimiter at each cell end, in one pass; otherwise cell by cell.
    fn write_unchanged(&mut self, row: &Row<'_>) {
        let text = row.text.as_bytes();
        let d = self.delimiter;
        let enc = self.row_encoding(row);
        if self.utf16.is_some() || enc.is_some() || !self.keep.iter().all(|&k| k) {
            let cells: Vec<String> = row.cells().map(str::to_string).collect();
            self.write_row_corrected(&cells, row, enc);
            return;
        }
        // Where the first byte needing quotes is: the cells before it are copied as they are,
        // from there on each cell is looked at (most rows have none, or one quoted title).
        let special = first_special(text, d).unwrap_or(text.len());
        let out = &mut self.out.corrected;
        out.reserve(text.len() + row.ends.len() + self.terminator.len() + 2);
        let mut start = 0;
        for (i, &end) in row.ends.iter().enumerate() {
            if i > 0 {
                out.push(d);
            }
            let cell = text.get(start..end).unwrap_or_default();
            if end <= special {
                out.extend_from_slice(cell);
            } else {
                write_field(out, cell, d);
            }
            start = end;
        }
        out.extend_from_slice(self.terminator);
    }

    /// The encoding a row is written in: `None` is UTF-8 (F001's conversion, or a UTF-8 file),
    /// else a code page (the row's own when it was read in one), where a cell no fix changed
    /// goes back as its raw bytes.
    fn row_encoding(&self, row: &Row<'_>) -> Option<Encoding> {
        if self.convert {
            None
        } else {
            row.raw.map(|r| r.encoding).or(self.keep_encoding)
        }
    }

    /// [`State::write_corrected`] for a row's `cells` (fixed or not), each compared with the
    /// row's own text and bytes.
    fn write_row_corrected(&mut self, cells: &[String], row: &Row<'_>, enc: Option<Encoding>) {
        let orig: Vec<(&str, Option<&[u8]>)> = (0..cells.len())
            .map(|i| (row.cell(i), row.raw.map(|r| r.cell(i))))
            .collect();
        self.write_corrected(cells, &orig, enc);
    }

    fn write_finding(&mut self, f: &Finding, header: Option<&Header>) {
        let column = f
            .column
            .and_then(|c| header.and_then(|h| h.columns.get(c)))
            .map(|c| c.raw.as_str())
            .unwrap_or("");
        let (fix, before, after) = match &f.fix {
            Some(x) => (
                x.applicability.as_str(),
                x.before.as_str(),
                x.after.as_str(),
            ),
            None => ("", "", ""),
        };
        let mut numbers = std::mem::take(&mut self.text);
        numbers.clear();
        if let Some(r) = f.row {
            push_decimal(&mut numbers, r);
        }
        let row_end = numbers.len();
        if let Some(l) = f.line {
            push_decimal(&mut numbers, l);
        }
        let (row, line) = numbers.split_at(row_end);
        let words = words_of(&mut self.words, f.code);
        let out = &mut self.out.findings;
        // Digits only: nothing to guard or quote (`write_field(neutralised(..))` leaves them).
        out.extend_from_slice(row.as_bytes());
        out.push(b',');
        out.extend_from_slice(line.as_bytes());
        out.push(b',');
        write_field(out, neutralised(column).as_bytes(), b',');
        // The code, rule and severity, written once per code for as long as the severity stays.
        out.push(b',');
        out.extend_from_slice(words.head(f.code, f.severity));
        // The message and the tip, written once for as long as they stay the same.
        out.push(b',');
        out.extend_from_slice(&words.message.of(&f.message).field);
        out.push(b',');
        out.extend_from_slice(&words.tip.of(&f.tip).field);
        if f.fix.is_none() {
            // Three empty fields.
            out.extend_from_slice(b",,,");
        } else {
            for cell in [fix, before, after] {
                out.push(b',');
                write_field(out, neutralised(cell).as_bytes(), b',');
            }
        }
        out.extend_from_slice(b"\r\n");
        self.text = numbers;
    }

    /// Findings of one row, as the check pass found them. `row_rules` is false for a row of the
    /// file on which the check pass's row rules found nothing (`FixPlan::row_rules_needed`): they
    /// would find nothing again.
    fn row_findings(&mut self, header: &Header, row: &Row<'_>, row_rules: bool) -> Vec<Finding> {
        let ctx = RuleInput {
            header,
            options: &self.check,
        };
        let mut found: Vec<Finding> = row.sheet.to_vec();
        if row_rules {
            rules::check_row_with(
                &ctx,
                &self.row_plan,
                row,
                &mut |f| found.push(f),
                &mut self.memo,
            );
        }
        self.plan
            .cross
            .row_findings(&ctx, row, &mut |f| found.push(f));
        if let Some(c) = &self.compare {
            c.findings(row, &mut |f| found.push(f));
        }
        // All of them are this row's, so by position is by column, then code.
        debug_assert!(found.iter().all(|f| f.row == Some(row.row)));
        crate::finding::sort_by_position(&mut found);
        found
    }
}

impl Handler for State {
    fn sniffed(&mut self, _sniffed: &Sniffed, _sample: &[u8]) {}

    fn header(&mut self, header: &Header) {
        self.row_plan = rules::row::RowPlan::new(&header.columns, header.kind);
        self.start(Some(header));
    }

    fn cut(&mut self, cut: Cut) {
        // The header's is among the plan's file-level findings already.
        if !cut.header {
            self.cut = Some(rules::file::record_too_long(cut));
        }
    }

    fn row(&mut self, header: Option<&Header>, row: &Row<'_>) {
        if !self.started {
            self.start(None);
        }
        let Some(header) = header else {
            // A blank row above the header.
            self.inexact();
            let f = rules::file::blank_row(row);
            self.write_finding(&f, None);
            self.write_report_row(row, &[&f], None);
            if !self.on(&f) {
                let terminator = self.terminator;
                self.emit_corrected(terminator);
            }
            return;
        };
        let row_rules = self.plan.row_rules_needed(row.record);
        let mut found = self.row_findings(header, row, row_rules);
        if let Some(f) = self.cut.take() {
            found.insert(0, f);
        }
        if COUNTS_LEFT
            && found
                .iter()
                .any(|f| f.code.rule().scope == crate::registry::Scope::File)
        {
            // A record read with a problem of the file's own (a quote out of place, a ragged
            // row, a record cut for its length): the corrected file writes it as cells, which can
            // take the problem away or make another; only a check of the corrected file says.
            self.inexact();
        }
        for f in &found {
            self.write_finding(f, Some(header));
        }
        if !found.is_empty() {
            let refs: Vec<&Finding> = found.iter().collect();
            self.write_report_row(row, &refs, Some(header));
        }
        if found
            .iter()
            .any(|f| self.on(f) && f.fix.as_ref().is_some_and(|x| x.edit == Edit::DropRow))
        {
            // Not in the corrected file: the upload does nothing with it.
            self.inexact();
            return;
        }
        if !found.iter().any(|f| self.on(f)) {
            // No fix to apply (most rows): the cells as they are.
            self.write_unchanged(row);
            self.preview_row(row, &found);
            return;
        }
        let mut cells: Vec<String> = row.cells().map(str::to_string).collect();
        self.noted.clear();
        let enc = self.row_encoding(row);
        // The parser's cut (F014) stays the row's whatever the fixes do.
        let cut: Option<Finding> = found.iter().find(|f| f.code == Code::F014).cloned();
        let mut current = found;
        // The check pass keys copies by this procedure's result (`rules::safe_fixed` models it
        // for the safe fixes): change the two together.
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            let mut touched = vec![false; cells.len().max(self.width)];
            for f in &current {
                let (Some(col), Some(fix)) = (f.column, f.fix.as_ref()) else {
                    continue;
                };
                if fix.edit != Edit::SetCell || !self.on(f) || col >= cells.len() || touched[col] {
                    continue;
                }
                if cells[col] == fix.before
                    && fix.after != fix.before
                    && self.fits(enc, f, Some(header))
                {
                    cells[col] = fix.after.clone();
                    touched[col] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
            let (text, ends) = join(&cells);
            let again = Row {
                text: &text,
                ends: &ends,
                plain: crate::parse::is_plain(text.as_bytes()),
                ..*row
            };
            current = self.row_findings(header, &again, true);
        }
        let reshape = current.iter().any(|f| {
            f.code == Code::F007
                && self.on(f)
                && f.fix.as_ref().is_some_and(|x| x.edit == Edit::Reshape)
        });
        if reshape {
            cells.resize(self.width, String::new());
        }
        if COUNTS_LEFT && self.delta.as_ref().is_some_and(|d| d.exact) {
            self.track_change(header, row, &cells);
        }
        self.write_row_corrected(&cells, row, enc);
        if self.compare.is_some() {
            // The preview is of the row the corrected file holds.
            let (text, ends) = join(&cells);
            let fixed = Row {
                text: &text,
                ends: &ends,
                plain: crate::parse::is_plain(text.as_bytes()),
                ..*row
            };
            current.extend(cut);
            self.preview_row(&fixed, &current);
        }
    }
}

impl State {
    /// [`Fixer::track_left`] cannot be exact for this file.
    fn inexact(&mut self) {
        if COUNTS_LEFT && let Some(d) = self.delta.as_mut() {
            d.exact = false;
        }
    }

    /// A row the fix changed into `cells`: the row rules' findings on it as read are taken out
    /// of the count, those on it as written put in, when the cross-row rules see both alike
    /// (else the count is not exact).
    fn track_change(&mut self, header: &Header, row: &Row<'_>, cells: &[String]) {
        if row.raw.is_some() || !row.sheet.is_empty() || row.is_blank() {
            self.inexact();
            return;
        }
        let ctx = RuleInput {
            header,
            options: &self.check,
        };
        let (text, ends) = join(cells);
        // A long row could be cut (F014) in the corrected file where it was not here.
        if text.len() > (1 << 19) {
            self.inexact();
            return;
        }
        let written = Row {
            text: &text,
            ends: &ends,
            plain: crate::parse::is_plain(text.as_bytes()),
            ..*row
        };
        let mut memo = rules::row::Memo::default();
        let mut before = Vec::new();
        rules::check_row_with(
            &ctx,
            &self.row_plan,
            row,
            &mut |f| before.push(f),
            &mut memo,
        );
        let mut after = Vec::new();
        rules::check_row_with(
            &ctx,
            &self.row_plan,
            &written,
            &mut |f| after.push(f),
            &mut memo,
        );
        // The cross-row rules key copies by the row as the safe fixes write it, in the check
        // pass as in a check of the corrected file: both forms must look alike to them.
        let fixed_before = rules::safe_fixed(&ctx, &self.row_plan, row, &before, &mut memo);
        let fixed_after = rules::safe_fixed(&ctx, &self.row_plan, &written, &after, &mut memo);
        let read: Vec<&str> = row.cells().collect();
        let as_written: Vec<&str> = cells.iter().map(String::as_str).collect();
        let fixed_read: Vec<&str> = fixed_before
            .as_ref()
            .map_or_else(|| read.clone(), |c| c.iter().map(String::as_str).collect());
        let fixed_written: Vec<&str> = fixed_after.as_ref().map_or_else(
            || as_written.clone(),
            |c| c.iter().map(String::as_str).collect(),
        );
        let alike = |a: &[&str], b: &[&str]| {
            (0..a.len().max(b.len())).all(|i| {
                let (x, y) = (
                    a.get(i).copied().unwrap_or(""),
                    b.get(i).copied().unwrap_or(""),
                );
                rules::cross::neutral_cell(header, i, x, y)
            })
        };
        if !alike(&read, &as_written) || !alike(&fixed_read, &fixed_written) {
            self.inexact();
            return;
        }
        if let Some(d) = self.delta.as_mut() {
            d.removed.extend(before);
            d.added.extend(after);
        }
    }

    /// The preview lines of a row as the corrected file holds it (`found`: its findings there).
    /// A row left with an error is rejected by the uploader: one `rejected` line, naming the
    /// errors, instead of its changes; its user is not listed as untouched.
    fn preview_row(&mut self, row: &Row<'_>, found: &[Finding]) {
        let (Some(c), Some(w)) = (self.compare.as_mut(), self.preview.as_mut()) else {
            return;
        };
        let drops = |code| {
            self.fix.applies_to(
                code,
                &crate::finding::Fix::new(
                    crate::finding::Applicability::Safe,
                    Edit::DropRow,
                    "",
                    "",
                ),
            )
        };
        let record = u32::try_from(row.record).unwrap_or(u32::MAX);
        let errors: Vec<&Finding> = found
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .filter(|f| {
                !(matches!(f.code, Code::X001 | Code::X002)
                    && drops(f.code)
                    && self.alone.binary_search(&(record, f.code)).is_ok())
            })
            .collect();
        let out = &mut self.out.preview;
        let summary = &mut self.summary;
        if errors.is_empty() {
            let outcome = c.observe(row, &mut |_| {}, &mut |who, change| {
                w.change(out, who, change);
                if let Some(b) = summary.as_mut() {
                    b.change(who, change);
                }
            });
            if let Some(b) = summary.as_mut() {
                b.outcome(outcome);
            }
            return;
        }
        let mut named: Option<(String, String)> = None;
        c.observe(row, &mut |_| {}, &mut |who, _| {
            named.get_or_insert_with(|| (who.email.to_string(), who.id.to_string()));
        });
        let (email, id) = named.unwrap_or_default();
        let mut codes = String::new();
        for f in &errors {
            if !codes.contains(f.code.as_str()) {
                if !codes.is_empty() {
                    codes.push(' ');
                }
                codes.push_str(f.code.as_str());
            }
        }
        let who = Who {
            row: Some(row.row),
            email: &email,
            id: &id,
        };
        let change = ChangeRef {
            kind: ChangeKind::Rejected,
            column: errors.iter().find_map(|f| f.column),
            before: "",
            after: &codes,
        };
        w.change(out, who, change);
        if let Some(b) = summary.as_mut() {
            b.outcome(Some(Outcome::Rejected));
            b.change(who, change);
        }
    }

    fn write_report_row(&mut self, row: &Row<'_>, found: &[&Finding], header: Option<&Header>) {
        // The header's cells (a short row padded), then the messages under their own header;
        // a long row's extra cells follow, so no cell of the original row is left out.
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        push_decimal(&mut text, row.row);
        let out = &mut self.out.error_report;
        out.extend_from_slice(text.as_bytes());
        // The cells before the row's first byte needing quotes need none, and most start with
        // a letter: copied as they are.
        let special = first_special(row.text.as_bytes(), b',').unwrap_or(row.text.len());
        for i in 0..self.report_width {
            out.push(b',');
            let cell = row.cell(i);
            let end = row.ends.get(i).copied().unwrap_or(0);
            let plain = end <= special
                && cell.as_bytes().first().is_none_or(|&b| {
                    b.is_ascii_graphic() && !matches!(b, b'=' | b'+' | b'-' | b'@')
                });
            if plain {
                out.extend_from_slice(cell.as_bytes());
            } else {
                write_field(out, neutralised(cell).as_bytes(), b',');
            }
        }
        out.push(b',');
        self.write_messages_cell(found, header);
        let out = &mut self.out.error_report;
        for i in self.report_width..row.len() {
            out.push(b',');
            write_field(out, neutralised(row.cell(i)).as_bytes(), b',');
        }
        out.extend_from_slice(b"\r\n");
        self.text = text;
    }

    /// The error report's `messages` cell of a row ([`write_messages`], as `write_row` writes
    /// it), from each code's escaped message and tip. It starts with a code, which no spreadsheet
    /// takes for a formula, so it needs no guard.
    fn write_messages_cell(&mut self, found: &[&Finding], header: Option<&Header>) {
        let start = self.out.error_report.len();
        self.out.error_report.push(b'"');
        // More than one line holds a line break.
        let mut special = found.len() > 1;
        for (i, f) in found.iter().enumerate() {
            let words = words_of(&mut self.words, f.code);
            let message = words.message.of(&f.message);
            special |= message.special;
            let out = &mut self.out.error_report;
            if i > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(f.code.as_str().as_bytes());
            out.push(b' ');
            out.extend_from_slice(f.code.rule().name.as_bytes());
            if let Some((i, c)) = f
                .column
                .and_then(|i| header.and_then(|h| h.columns.get(i)).map(|c| (i, c)))
            {
                out.extend_from_slice(b" (");
                // The header's names, escaped once (`start`).
                match self.column_pieces.get(i) {
                    Some((piece, quotes)) => {
                        special |= quotes;
                        out.extend_from_slice(piece);
                    }
                    None => {
                        special |= needs_quotes(c.raw.as_bytes(), b',');
                        escape_quotes(out, c.raw.as_bytes());
                    }
                }
                out.push(b')');
            }
            out.extend_from_slice(b": ");
            out.extend_from_slice(&message.piece);
            out.extend_from_slice(b" Tip: ");
            let tip = words.tip.of(&f.tip);
            special |= tip.special;
            out.extend_from_slice(&tip.piece);
        }
        let out = &mut self.out.error_report;
        if special {
            out.push(b'"');
        } else {
            // Nothing to quote, so nothing was doubled: the text without its quotes.
            let end = out.len();
            out.copy_within(start + 1..end, start);
            out.truncate(end - 1);
        }
    }
}

/// The written message and tip of `code`'s last finding (`State::words`).
fn words_of(words: &mut Vec<Words>, code: Code) -> &mut Words {
    let i = code as usize;
    if words.len() <= i {
        words.resize_with(Code::ALL.len().max(i + 1), Words::default);
    }
    &mut words[i]
}

/// Appends `text` with each quote doubled.
fn escape_quotes(out: &mut Vec<u8>, text: &[u8]) {
    let mut start = 0;
    for i in memchr::memchr_iter(b'"', text) {
        out.extend_from_slice(text.get(start..=i).unwrap_or_default());
        out.push(b'"');
        start = i + 1;
    }
    out.extend_from_slice(text.get(start..).unwrap_or_default());
}

/// A row's messages, one per line: `R002 invalid-email (primary_email_address): message Tip: tip`.
fn messages(found: &[&Finding], header: Option<&Header>) -> String {
    let mut out = String::new();
    write_messages(&mut out, found, header);
    out
}

/// [`messages`], appended to `out`.
fn write_messages(out: &mut String, found: &[&Finding], header: Option<&Header>) {
    for (i, f) in found.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(f.code.as_str());
        out.push(' ');
        out.push_str(f.code.rule().name);
        if let Some(c) = f.column.and_then(|c| header.and_then(|h| h.columns.get(c))) {
            out.push_str(" (");
            out.push_str(&c.raw);
            out.push(')');
        }
        out.push_str(": ");
        out.push_str(&f.message);
        out.push_str(" Tip: ");
        out.push_str(&f.tip);
    }
}

/// Whether a field must be quoted: it holds the delimiter, a quote or a line break. 16 bytes at
/// a time where the target has vectors (report cells are long messages); a field's last bytes
/// (and a short field) are copied into one zero-padded block whose mask is cut to their length,
/// not looked at one by one (most fields of the reports are short: numbers, codes, names).
#[inline]
fn needs_quotes(field: &[u8], delimiter: u8) -> bool {
    let special = |rest: &[u8]| {
        rest.iter().fold(false, |special, &b| {
            special | (b == delimiter) | (b == b'"') | (b == b'\n') | (b == b'\r')
        })
    };
    if !crate::simd::VECTORS {
        return special(field);
    }
    let mask = |x: crate::simd::Block| x.eq(delimiter) | x.eq(b'"') | x.eq(b'\n') | x.eq(b'\r');
    let mut blocks = field.chunks_exact(16);
    for c in &mut blocks {
        if let Ok(w) = <[u8; 16]>::try_from(c)
            && mask(crate::simd::Block::new(w)) != 0
        {
            return true;
        }
    }
    let rest = blocks.remainder();
    if rest.is_empty() {
        return false;
    }
    let mut w = [0u8; 16];
    if let Some(head) = w.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    mask(crate::simd::Block::new(w)) & crate::simd::low(rest.len()) != 0
}

/// Where the first byte that needs quotes (the delimiter, a quote, a line break) is, 16 bytes at
/// a time where the target has vectors.
#[inline]
fn first_special(text: &[u8], delimiter: u8) -> Option<usize> {
    let is_special = |b: u8| b == delimiter || b == b'"' || b == b'\n' || b == b'\r';
    if !crate::simd::VECTORS {
        return text.iter().position(|&b| is_special(b));
    }
    let mut at = 0;
    while let Some(x) = crate::simd::Block::at(text, at) {
        let m = x.eq(delimiter) | x.eq(b'"') | x.eq(b'\n') | x.eq(b'\r');
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
        at += 16;
    }
    let rest = text.get(at..).unwrap_or_default();
    rest.iter().position(|&b| is_special(b)).map(|i| at + i)
}

/// Writes one CSV field, quoted when it must be (RFC 4180).
#[inline]
fn write_field(out: &mut Vec<u8>, field: &[u8], delimiter: u8) {
    if !needs_quotes(field, delimiter) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    escape_quotes(out, field);
    out.push(b'"');
}

/// Writes a report row, every cell guarded against formula injection.
pub(crate) fn write_row<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_field(out, neutralised(cell).as_bytes(), b',');
    }
    out.extend_from_slice(b"\r\n");
}

/// OWASP's advice for CSV injection: a cell a spreadsheet would run as a formula gets a leading
/// apostrophe, so it shows as text.
///
/// Guarded: a cell starting with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed
/// (OWASP's list, with LF, which some spreadsheets also take as a cell start), and a cell where
/// such a sign follows leading blanks (`" =1+1"`: LibreOffice's "trim spaces" import and some
/// viewers strip them) or is its full-width form (`＝`, `＋`, `－`, `＠`, which East Asian Excel
/// input may turn into the ASCII sign). Quotes need nothing more: the CSV writer quotes and
/// doubles them, so a value can never open a new cell that starts with a sign.
pub(crate) fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    // Most cells start with a printable ASCII character that is none of the signs.
    if let Some(&b) = cell.as_bytes().first()
        && b.is_ascii_graphic()
        && !matches!(b, b'=' | b'+' | b'-' | b'@')
    {
        return cell.into();
    }
    let rest = cell.trim_start();
    let risky = matches!(cell.as_bytes().first(), Some(b'\t' | b'\r' | b'\n'))
        || matches!(rest.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'))
        || rest.starts_with(['\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}']);
    if risky {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    /// RFC 4180 as plainly as it can be written.
    fn plain_field(field: &str, delimiter: char) -> String {
        if field.contains([delimiter, '"', '\n', '\r']) {
            format!("\"{}\"", field.replace('"', "\"\""))
        } else {
            field.to_string()
        }
    }

    #[test]
    fn fields_are_quoted_exactly_when_they_must_be() {
        let parts = [
            "a", ",", "\"", "\n", "\r", ";", "é", "Manager", "\"\"", " ", "\t",
        ];
        let mut cases = vec![String::new()];
        for a in parts {
            for b in parts {
                for n in [0, 1, 15, 16, 17, 40] {
                    cases.push(format!("{}{a}{b}", "x".repeat(n)));
                    cases.push(format!("{a}{}{b}", "y".repeat(n)));
                }
            }
        }
        for case in &cases {
            for delimiter in [b',', b';', b'\t'] {
                let mut out = Vec::new();
                super::write_field(&mut out, case.as_bytes(), delimiter);
                assert_eq!(
                    String::from_utf8(out).unwrap_or_default(),
                    plain_field(case, delimiter as char),
                    "{case:?}"
                );
            }
        }
    }

    #[test]
    fn the_first_byte_needing_quotes_is_found() {
        for n in [0, 1, 15, 16, 17, 31, 32, 33, 40] {
            for special in [",", ";", "\"", "\n", "\r", ""] {
                let text = format!("{}{special}tail,", "x".repeat(n));
                for d in [b',', b';'] {
                    let want = text
                        .bytes()
                        .position(|b| b == d || b == b'"' || b == b'\n' || b == b'\r');
                    assert_eq!(super::first_special(text.as_bytes(), d), want, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn risky_cells_are_neutralised_and_others_borrowed() {
        use std::borrow::Cow;
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@x", "'@x"),
            ("  =1", "'  =1"),
            ("\t1", "'\t1"),
            ("＝1", "'＝1"),
            ("a=1", "a=1"),
            ("Manager, Sales", "Manager, Sales"),
            ("", ""),
            (" a", " a"),
        ] {
            let got = super::neutralised(cell);
            assert_eq!(got, want, "{cell:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), cell == want, "{cell:?}");
        }
    }
}

#[cfg(test)]
mod report_line_tests {
    use super::*;

    /// The error report's lines and the findings CSV's, written from each code's cached words,
    /// are what `write_row` writes from the plain texts, whatever the texts hold and however
    /// they repeat from row to row.
    #[test]
    fn report_lines_are_written_as_plain_rows_would_be() {
        let header_bytes: &[u8] = b"primary_email_address,\"na,me\",=x\r\na@example.com,Sam,1\r\n";
        let report = crate::check(header_bytes, Options::default());
        let mut fixer = Fixer::new(&report, &FixOptions::default());
        fixer.push(header_bytes);
        let header = report.plan.header.clone().expect("a header");
        let texts = [
            "plain words",
            "with, a comma",
            "with \"quotes\" in it",
            "line\nbreak",
            "=starts like a formula",
            "",
            "ends with a quote\"",
            "=a formula, with a comma",
            "\t-tab first \"quoted\"",
        ];
        let cells = [
            ("sam@example.com,Sam,Smith", vec![15, 18, 23]),
            ("=1+1,\"q\",x", vec![4, 7, 8]),
            ("a,b", vec![1, 2]),
            ("a,b,c,extra,=more", vec![1, 2, 3, 9, 14]),
            ("@x,-y,+z", vec![2, 4, 6]),
        ];
        let st = &mut fixer.st;
        for (n, (m, t)) in texts
            .iter()
            .flat_map(|m| texts.iter().map(move |t| (m, t)))
            .enumerate()
        {
            let (text, ends) = &cells[n % cells.len()];
            let row = Row {
                record: n as u64,
                row: n as u64 + 2,
                line: n as u64 + 2,
                text,
                ends,
                legacy: false,
                raw: None,
                quote_problem: None,
                blank_line: false,
                plain: false,
                sheet: &[],
            };
            let mut a = Finding::new(Code::R017, *m, *t);
            a.row = Some(row.row);
            a.line = Some(row.line);
            a.column = Some(n % 4);
            let mut b = Finding::new(Code::X005, *t, *m);
            // Another severity than the rule's now and then: the written head must follow.
            if n % 3 == 0 {
                b.severity = crate::registry::Severity::Error;
            }
            b.row = Some(row.row);
            b.column = Some(1);
            for found in [vec![&a], vec![&a, &b], vec![&b]] {
                let (report_at, findings_at) = (st.out.error_report.len(), st.out.findings.len());
                st.write_report_row(&row, &found, Some(&header));
                for f in &found {
                    st.write_finding(f, Some(&header));
                }
                let mut want = Vec::new();
                let mut number = String::new();
                push_decimal(&mut number, row.row);
                let text = messages(&found, Some(&header));
                write_row(
                    &mut want,
                    std::iter::once(number.as_str())
                        .chain((0..st.report_width).map(|i| row.cell(i)))
                        .chain(std::iter::once(text.as_str()))
                        .chain((st.report_width..row.len()).map(|i| row.cell(i))),
                );
                assert_eq!(
                    String::from_utf8_lossy(&st.out.error_report[report_at..]),
                    String::from_utf8_lossy(&want)
                );
                let mut want = Vec::new();
                for f in &found {
                    let column = f
                        .column
                        .and_then(|c| header.columns.get(c))
                        .map_or("", |c| c.raw.as_str());
                    let (row, line) = (
                        f.row.map(|r| r.to_string()).unwrap_or_default(),
                        f.line.map(|l| l.to_string()).unwrap_or_default(),
                    );
                    write_row(
                        &mut want,
                        [
                            row.as_str(),
                            line.as_str(),
                            column,
                            f.code.as_str(),
                            f.code.rule().name,
                            f.severity.as_str(),
                            &f.message,
                            &f.tip,
                            "",
                            "",
                            "",
                        ],
                    );
                }
                assert_eq!(
                    String::from_utf8_lossy(&st.out.findings[findings_at..]),
                    String::from_utf8_lossy(&want)
                );
            }
        }
    }
}

#[cfg(test)]
mod decide_tests {
    use super::*;
    use crate::options::Suggested;

    fn corrected(bytes: &[u8], options: &FixOptions, rows: &[(Code, u64, bool)]) -> Vec<u8> {
        let report = crate::check(bytes, Options::default());
        let mut fixer = Fixer::new(&report, options).decide(rows.iter().copied());
        fixer.push(bytes);
        fixer.finish().corrected
    }

    #[test]
    fn a_row_decision_applies_or_leaves_one_rows_suggestion() {
        let bytes = b"primary_email_address,preferred_first_name\r\nsam@gmial.com,Sam\r\nann@hotmial.com,Ann\r\n";
        let report = crate::check(bytes, Options::default());
        let rows: Vec<u64> = report
            .findings
            .iter()
            .filter(|f| f.code == Code::R004)
            .filter_map(|f| f.row)
            .collect();
        assert_eq!(rows, vec![2, 3], "the test needs two suggestions");
        let none = FixOptions::default();
        let only = FixOptions {
            suggested: Suggested::Only(vec![Code::R004]),
            ..FixOptions::default()
        };
        // Accepting every row one by one is the rule's suggestions turned on.
        assert_eq!(
            corrected(
                bytes,
                &none,
                &[(Code::R004, 2, true), (Code::R004, 3, true)]
            ),
            corrected(bytes, &only, &[])
        );
        // One row accepted: only that row changes.
        let one = String::from_utf8(corrected(bytes, &none, &[(Code::R004, 3, true)])).unwrap();
        assert!(
            one.contains("sam@gmial.com") && one.contains("ann@hotmail.com"),
            "{one}"
        );
        // One row rejected while the rule is on.
        let but = String::from_utf8(corrected(bytes, &only, &[(Code::R004, 2, false)])).unwrap();
        assert!(
            but.contains("sam@gmial.com") && but.contains("ann@hotmail.com"),
            "{but}"
        );
        // A rule turned off stays off.
        let off = FixOptions {
            no_fix: vec![Code::R004],
            ..FixOptions::default()
        };
        assert_eq!(
            corrected(bytes, &off, &[(Code::R004, 2, true)]),
            corrected(bytes, &none, &[])
        );
    }
}

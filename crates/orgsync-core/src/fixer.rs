//! The fix pass: reads the same bytes again and writes, as it goes, the corrected CSV, the error
//! report CSV and the findings CSV.
//!
//! It re-runs the per-row rules on each row (the same code the check pass ran), so it needs only
//! the check pass's [`Plan`](crate::report::Plan), never its possibly capped list of findings:
//! the outputs are complete whatever the cap.

use crate::engine::{Handler, Header, Pipeline, Row};
use crate::finding::{Edit, Finding};
use crate::input::{Encoding, Sniffed};
use crate::options::{FixOptions, Options};
use crate::registry::Code;
use crate::report::{Plan, Report};
use crate::roster::{Compare, PreviewWriter};
use crate::rules::{self, Ctx};
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

/// Writes the corrected file and the reports from a second read of the same bytes.
#[derive(Debug)]
pub struct Fixer {
    pipeline: Pipeline,
    st: State,
}

/// How many times a row's cells are re-checked after applying fixes; fixes of one cell by
/// several rules (trim, then case) settle in two or three rounds.
const MAX_ROUNDS: usize = 4;

#[derive(Debug)]
struct State {
    plan: Arc<Plan>,
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
    width: usize,
    /// Number of header columns in the error report.
    report_width: usize,
    /// F014 for the row about to come, which the parser had to cut.
    cut: Option<Finding>,
    /// The comparison with the account's users, when a user export is given.
    compare: Option<Compare>,
    preview: Option<PreviewWriter>,
}

impl Fixer {
    /// A fixer for the file `report` was made from, applying the fixes `options` turns on.
    pub fn new(report: &Report, options: &FixOptions) -> Fixer {
        let plan = Arc::clone(&report.plan);
        let check = plan.options.clone();
        Fixer {
            pipeline: Pipeline::new(),
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
                width: 0,
                report_width: 0,
                cut: None,
                compare: None,
                preview: None,
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

    /// Feeds the next bytes of the same file the report was made from.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pipeline.push(bytes, &mut self.st);
    }

    /// Takes the output written so far.
    pub fn take_output(&mut self) -> FixChunk {
        std::mem::take(&mut self.st.out)
    }

    /// Ends the file and returns the rest of the output.
    pub fn finish(mut self) -> FixChunk {
        self.pipeline.finish(&mut self.st);
        if !self.st.started {
            // No header at all: the reports still list the file-level problems.
            self.st.start(None);
        }
        let st = &mut self.st;
        if let (Some(c), Some(w)) = (&st.compare, st.preview.as_mut()) {
            w.start(&mut st.out.preview);
            c.untouched(&mut |who, change| w.change(&mut st.out.preview, who, change));
        }
        self.st.out
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
        let sniffed = self.plan.sniffed.unwrap_or(Sniffed {
            encoding: Encoding::Utf8,
            bom: false,
            binary: None,
            delimiter: b',',
        });
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
        if matches!(sniffed.encoding, Encoding::Utf16Le | Encoding::Utf16Be)
            && !self.code_on(Code::F001)
        {
            self.utf16 = Some(sniffed.encoding);
        }
        let binary = sniffed.binary.is_some();
        if sniffed.bom && !binary {
            self.emit_corrected("\u{FEFF}".as_bytes());
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
        let Some(header) = header else { return };
        if let Some(roster) = self.check.roster.as_ref().filter(|r| r.usable()) {
            self.compare = Some(Compare::new(Arc::clone(roster), header));
            let mut w = PreviewWriter::new(header.columns.iter().map(|c| c.raw.clone()).collect());
            w.start(&mut self.out.preview);
            self.preview = Some(w);
        }
        self.width = header.columns.len();
        self.keep = vec![true; self.width];
        let mut cells: Vec<String> = raw_headers;
        for f in &plan.file_findings {
            if !self.on(f) || f.row != Some(header.row) {
                continue;
            }
            let (Some(col), Some(fix)) = (f.column, f.fix.as_ref()) else {
                continue;
            };
            match fix.edit {
                Edit::SetCell if col < cells.len() => cells[col] = fix.after.clone(),
                Edit::DropColumn if col < self.keep.len() => self.keep[col] = false,
                _ => {}
            }
        }
        self.write_corrected(&cells, false);
    }

    /// Appends UTF-8 text to the corrected file, in UTF-16 when the file stays UTF-16 (F001's
    /// fix turned off), so every chunk handed out is already in the output's encoding.
    fn emit_corrected(&mut self, utf8: &[u8]) {
        match self.utf16 {
            Some(enc) => {
                let text = String::from_utf8_lossy(utf8);
                for unit in text.encode_utf16() {
                    let bytes = if enc == Encoding::Utf16Be {
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

    fn write_corrected(&mut self, cells: &[String], legacy: bool) {
        let legacy_bytes = legacy && !self.code_on(Code::F001);
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
            let bytes = if legacy_bytes {
                crate::codec::encode_1252(cell)
            } else {
                cell.as_bytes().to_vec()
            };
            write_field(&mut line, &bytes, self.delimiter);
        }
        line.extend_from_slice(self.terminator);
        self.emit_corrected(&line);
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
        let row = f.row.map(|r| r.to_string()).unwrap_or_default();
        let line = f.line.map(|r| r.to_string()).unwrap_or_default();
        write_row(
            &mut self.out.findings,
            [
                row.as_str(),
                line.as_str(),
                column,
                f.code.as_str(),
                f.code.rule().name,
                f.severity.as_str(),
                &f.message,
                &f.tip,
                fix,
                before,
                after,
            ],
        );
    }

    /// Findings of one row, as the check pass found them.
    fn row_findings(&self, header: &Header, row: &Row<'_>) -> Vec<Finding> {
        let ctx = Ctx {
            header,
            options: &self.check,
        };
        let mut found = Vec::new();
        rules::check_row(&ctx, row, &mut |f| found.push(f));
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
        self.start(Some(header));
    }

    fn cut(&mut self, f: Finding, header: bool) {
        // The header's is among the plan's file-level findings already.
        if !header {
            self.cut = Some(f);
        }
    }

    fn row(&mut self, header: Option<&Header>, row: &Row<'_>) {
        if !self.started {
            self.start(None);
        }
        let Some(header) = header else {
            // A blank row above the header.
            let f = rules::file::blank_row(row);
            self.write_finding(&f, None);
            self.write_report_row(row, &[&f], None);
            if !self.on(&f) {
                let terminator = self.terminator;
                self.emit_corrected(terminator);
            }
            return;
        };
        if let (Some(c), Some(w)) = (self.compare.as_mut(), self.preview.as_mut()) {
            let out = &mut self.out.preview;
            // The findings come from `row_findings`, with every fix round's re-check.
            c.observe(row, &mut |_| {}, &mut |who, change| {
                w.change(out, who, change)
            });
        }
        let mut found = self.row_findings(header, row);
        if let Some(f) = self.cut.take() {
            found.insert(0, f);
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
            return;
        }
        let mut cells: Vec<String> = row.cells().map(str::to_string).collect();
        let mut current = found;
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
                if cells[col] == fix.before && fix.after != fix.before {
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
            current = self.row_findings(header, &again);
        }
        let reshape = current.iter().any(|f| {
            f.code == Code::F007
                && self.on(f)
                && f.fix.as_ref().is_some_and(|x| x.edit == Edit::Reshape)
        });
        if reshape {
            cells.resize(self.width, String::new());
        }
        self.write_corrected(&cells, row.legacy);
    }
}

impl State {
    fn write_report_row(&mut self, row: &Row<'_>, found: &[&Finding], header: Option<&Header>) {
        // The header's cells (a short row padded), then the messages under their own header;
        // a long row's extra cells follow, so no cell of the original row is left out.
        let mut line: Vec<String> = vec![row.row.to_string()];
        line.extend((0..self.report_width).map(|i| row.cell(i).to_string()));
        line.push(messages(found, header));
        line.extend((self.report_width..row.len()).map(|i| row.cell(i).to_string()));
        write_row(&mut self.out.error_report, line.iter().map(String::as_str));
    }
}

/// A row's messages, one per line: `R002 invalid-email (primary_email_address): message Tip: tip`.
fn messages(found: &[&Finding], header: Option<&Header>) -> String {
    found
        .iter()
        .map(|f| {
            let column = f
                .column
                .and_then(|c| header.and_then(|h| h.columns.get(c)))
                .map(|c| format!(" ({})", c.raw))
                .unwrap_or_default();
            format!(
                "{} {}{}: {} Tip: {}",
                f.code,
                f.code.rule().name,
                column,
                f.message,
                f.tip
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn join(cells: &[String]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut ends = Vec::with_capacity(cells.len());
    for c in cells {
        text.push_str(c);
        ends.push(text.len());
    }
    (text, ends)
}

/// Writes one CSV field, quoted when it must be (RFC 4180).
fn write_field(out: &mut Vec<u8>, field: &[u8], delimiter: u8) {
    let needs = field
        .iter()
        .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if !needs {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
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

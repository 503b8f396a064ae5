//! The check pass.

use crate::engine::{FileKind, Handler, Header, Pipeline, Row};
use crate::finding::Finding;
use crate::input::{Encoding, Sniffed};
use crate::options::Options;
use crate::registry::{Code, Severity};
use crate::report::{FileInfo, Plan, Report, Summary};
use crate::roster::{Compare, PreviewBuilder};
use crate::rules::{self, Ctx, cross::Cross};
use crate::summary::Actions;
use std::collections::HashMap;
use std::sync::Arc;

/// Checks a file fed in chunks of any size.
///
/// ```
/// let mut checker = orgsync_core::Checker::new(orgsync_core::Options::default());
/// checker.push(b"primary_email_address,acme_license_learning_status\r\n");
/// checker.push(b"jane@example.com,ACTIVE\r\n");
/// let report = checker.finish();
/// assert_eq!(report.file.rows, 1);
/// assert!(report.findings.iter().any(|f| f.code == orgsync_core::Code::R005));
/// ```
#[derive(Debug)]
pub struct Checker {
    pipeline: Pipeline,
    state: State,
    /// STUB: a part's bytes.
    pub(crate) part_bytes: Option<Vec<u8>>,
}

#[derive(Debug)]
struct State {
    options: Options,
    findings: Vec<Finding>,
    file_findings: Vec<Finding>,
    kept: HashMap<Code, usize>,
    summary: Summary,
    cross: Option<Cross>,
    actions: Actions,
    non_empty: Vec<u64>,
    memo: rules::row::Memo,
    /// The comparison with the account's users, when a user export is given.
    compare: Option<Compare>,
    preview: Option<PreviewBuilder>,
}

impl Checker {
    /// A checker with these options.
    pub fn new(options: Options) -> Checker {
        Checker {
            pipeline: Pipeline::new(),
            state: State {
                options,
                findings: Vec::new(),
                file_findings: Vec::new(),
                kept: HashMap::new(),
                summary: Summary::default(),
                cross: None,
                actions: Actions::default(),
                non_empty: Vec::new(),
                memo: rules::row::Memo::counting(),
                compare: None,
                preview: None,
            },
            part_bytes: None,
        }
    }

    /// Feeds the next bytes of the file.
    pub fn push(&mut self, bytes: &[u8]) {
        if let Some(b) = self.part_bytes.as_mut() {
            b.extend_from_slice(bytes);
            return;
        }
        self.pipeline.push(bytes, &mut self.state);
    }

    /// Bytes fed so far.
    pub fn bytes_read(&self) -> u64 {
        self.pipeline.bytes
    }

    /// Records (rows after the header) read so far.
    pub fn rows_read(&self) -> u64 {
        self.pipeline.records()
    }

    /// Ends the file and returns the report.
    pub fn finish(mut self) -> Report {
        let st = &mut self.state;
        self.pipeline.finish(st);
        let p = &mut self.pipeline;
        let sniffed = p.sniffed().copied();
        let binary = sniffed.is_some_and(|s| s.binary.is_some());
        let mut late: Vec<Finding> = Vec::new();
        if let Some(name) = st.options.file_name.as_deref() {
            late.extend(rules::file::extension(name));
        }
        if !binary {
            if p.legacy_rows > 0 {
                late.push(rules::file::legacy_encoding(
                    p.legacy_rows,
                    p.first_legacy_line.unwrap_or(1),
                ));
            }
            late.extend(rules::file::mixed_line_endings(&p.line_endings()));
            if p.header().is_none() || p.records() == 0 {
                late.extend(rules::file::empty(p.header(), p.bytes));
            }
        }
        let header = p.take_header();
        let mut cross_plan = rules::cross::Plan::default();
        if let Some(h) = &header {
            let options = st.options.clone();
            let ctx = Ctx {
                header: h,
                options: &options,
            };
            if h.kind == FileKind::Deletion {
                let records = p.records();
                if records > 10_000 || p.bytes >= 15 * 1000 * 1000 {
                    late.push(
                        Finding::new(
                            Code::F011,
                            format!(
                                "This deletion file has {records} rows and {} bytes; a deletion file takes at most 10,000 users and must stay under 15 MB.",
                                p.bytes
                            ),
                            "Split it into files of at most 10,000 rows each.",
                        )
                        .severity(Severity::Error),
                    );
                }
            }
            rules::columns::check(&ctx, &st.non_empty, p.records(), &mut |f| late.push(f));
            if let Some(cross) = st.cross.take() {
                cross_plan = cross.finish(&ctx);
                // Straight into `keep`: a file of a million duplicates has a million cross-row
                // findings, and only the capped list may stay in memory.
                cross_plan.findings(&ctx, &mut |f| st.keep(f));
            }
        }
        for f in late {
            st.keep_file(f);
        }
        // File-level findings first, then by row; within a row by column, then code.
        let mut findings = std::mem::take(&mut st.file_findings);
        findings.extend(std::mem::take(&mut st.findings));
        crate::finding::sort_by_position(&mut findings);
        let line_ending = p.line_endings().dominant();
        let s = sniffed.unwrap_or(Sniffed {
            encoding: Encoding::Utf8,
            bom: false,
            binary: None,
            delimiter: b',',
        });
        let file_findings: Vec<Finding> = findings
            .iter()
            .filter(|f| is_file_level(f, header.as_ref()))
            .cloned()
            .collect();
        st.actions.absorb(&st.memo.tally);
        let preview = st.preview.take().map(|mut p| {
            if let Some(c) = &st.compare {
                c.untouched(&mut |who, change| p.change(who, change));
            }
            p.finish()
        });
        st.actions.new_users = preview.as_ref().map(|p| p.totals.new_users);
        st.summary.actions = std::mem::take(&mut st.actions);
        Report {
            file: FileInfo::read(st.options.file_name.clone(), p, &s, header.as_ref()),
            summary: std::mem::take(&mut st.summary),
            findings,
            roster: st.options.roster.clone(),
            preview,
            plan: Arc::new(Plan {
                sniffed,
                header,
                file_findings,
                cross: cross_plan,
                line_ending,
                options: st.options.clone(),
            }),
        }
    }
}

/// File-level and header findings (no row, or the header's row).
fn is_file_level(f: &Finding, header: Option<&Header>) -> bool {
    f.row.is_none() || header.is_some_and(|h| f.row == Some(h.row))
}

impl State {
    /// Counts a finding and keeps it unless its code is over the cap.
    fn keep(&mut self, f: Finding) {
        self.summary.count(&f);
        let kept = self.kept.entry(f.code).or_default();
        if self
            .options
            .max_findings_per_code
            .is_some_and(|max| *kept >= max)
        {
            self.summary.omitted += 1;
            return;
        }
        *kept += 1;
        self.findings.push(f);
    }

    /// Counts and keeps a file-level or header finding; these are never capped.
    fn keep_file(&mut self, f: Finding) {
        self.summary.count(&f);
        *self.kept.entry(f.code).or_default() += 1;
        self.file_findings.push(f);
    }
}

impl Handler for State {
    fn sniffed(&mut self, sniffed: &Sniffed, _sample: &[u8]) {
        let mut out = Vec::new();
        rules::file::sniffed(sniffed, &mut |f| out.push(f));
        for f in out {
            self.keep_file(f);
        }
    }

    fn cut(&mut self, f: Finding, header: bool) {
        if header {
            self.keep_file(f);
        } else {
            self.keep(f);
        }
    }

    fn header(&mut self, header: &Header) {
        self.non_empty = vec![0; header.columns.len()];
        let ctx = Ctx {
            header,
            options: &self.options,
        };
        let mut out = Vec::new();
        if header.kind == FileKind::Deletion {
            out.push(rules::file::deletion_file(header));
        }
        out.extend(rules::file::too_many_columns(header));
        rules::header::check(&ctx, &mut |f| out.push(f));
        self.cross = Some(Cross::new(&ctx));
        if let Some(roster) = self.options.roster.as_ref().filter(|r| r.usable()) {
            self.compare = Some(Compare::new(std::sync::Arc::clone(roster), header));
            self.preview = Some(PreviewBuilder::new(
                self.options.max_findings_per_code,
                roster.users() as u64,
                header.columns.iter().map(|c| c.raw.clone()).collect(),
            ));
        }
        for f in out {
            self.keep_file(f);
        }
    }

    fn row(&mut self, header: Option<&Header>, row: &Row<'_>) {
        let Some(header) = header else {
            // A blank row above the header.
            self.keep(rules::file::blank_row(row));
            return;
        };
        // A cell is non-empty when its end differs from the previous cell's: no slicing needed.
        let mut prev = 0;
        for (n, &end) in self.non_empty.iter_mut().zip(row.ends) {
            *n += u64::from(end != prev);
            prev = end;
        }
        let ctx = Ctx {
            header,
            options: &self.options,
        };
        let mut out = Vec::new();
        let clean = rules::check_row_with(&ctx, row, &mut |f| out.push(f), &mut self.memo);
        if let Some(cross) = self.cross.as_mut() {
            cross.observe(&ctx, row, clean, self.memo.keys());
        }
        self.actions.observe(&ctx, row, clean);
        if let (Some(c), Some(p)) = (self.compare.as_mut(), self.preview.as_mut()) {
            let outcome = c.observe(row, &mut |f| out.push(f), &mut |who, change| {
                p.change(who, change)
            });
            p.outcome(outcome);
        }
        for f in out {
            self.keep(f);
        }
    }
}

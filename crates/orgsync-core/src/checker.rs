//! The check pass.

use crate::engine::{Cut, Handler, Mark, Pipeline};
use crate::finding::{Applicability, Finding};
use crate::header::{FileKind, Header};
use crate::input::Sniffed;
use crate::options::Options;
use crate::registry::{Code, Scope, Severity};
use crate::report::{FileInfo, FixPlan, Report, Summary};
use crate::roster::{Compare, PreviewBuilder};
use crate::row::Row;
use crate::rules::{self, RuleInput, cross::Cross};
use crate::split::{MAGIC, Part, Unmerged};
use crate::summary::Actions;
use crate::wire::{Damaged, Reader, Writer};
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
}

#[derive(Debug)]
struct State {
    options: Options,
    findings: Vec<Finding>,
    file_findings: Vec<Finding>,
    /// Per code (`Code as usize`): findings kept, and counted (with a safe, a suggested fix).
    /// Plain arrays, folded into the summary's maps at the end (`fold_counts`): counting is on
    /// every finding's path, kept or not.
    kept: Vec<usize>,
    counts: Vec<[u64; 3]>,
    summary: Summary,
    cross: Option<Cross>,
    actions: Actions,
    non_empty: Vec<u64>,
    memo: rules::row::Memo,
    /// The row rules' memory when they re-check a row the safe fixes changed, as the fix pass
    /// does (`rules::safe_fixed`); not `memo`, which counts what the file holds.
    fixed_memo: rules::row::Memo,
    /// How the row rules check each column, worked out from the header.
    row_plan: rules::row::RowPlan,
    /// The comparison with the account's users, when a user export is given.
    compare: Option<Compare>,
    preview: Option<PreviewBuilder>,
    /// A part checker's pipeline where its header ended (see `crate::split`): it keeps no file
    /// or header finding, and its cross-row tables log.
    part: Option<Mark>,
    /// One bit per record: the row rules found (or only counted) something on it. The fix pass
    /// runs them again only on those rows (`FixPlan::row_rules_found`). `None` once a part is
    /// merged (its records' bits are not carried over): the fix pass then runs them on every row.
    found: Option<Vec<u64>>,
}

impl Checker {
    /// A checker with these options.
    pub fn new(mut options: Options) -> Checker {
        options.apply_roster_groups();
        let mut pipeline = Pipeline::with_encoding(options.encoding);
        pipeline.book.sheet = options.sheet.clone();
        Checker {
            pipeline,
            state: State {
                options,
                findings: Vec::new(),
                file_findings: Vec::new(),
                kept: vec![0; Code::ALL.len()],
                counts: vec![[0; 3]; Code::ALL.len()],
                summary: Summary::default(),
                cross: None,
                actions: Actions::default(),
                non_empty: Vec::new(),
                memo: rules::row::Memo::counting(),
                fixed_memo: rules::row::Memo::default(),
                row_plan: rules::row::RowPlan::default(),
                compare: None,
                preview: None,
                part: None,
                found: Some(Vec::new()),
            },
        }
    }

    /// Feeds the next bytes of the file.
    pub fn push(&mut self, bytes: &[u8]) {
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
        if let Some(name) = st.options.file_name.as_deref()
            && !p.book.was_workbook
        {
            late.extend(rules::file::extension(name));
        }
        if !binary {
            if p.legacy_rows > 0 {
                late.push(rules::file::legacy_encoding(
                    p.legacy_rows,
                    p.first_legacy_line.unwrap_or(1),
                ));
            }
            if let (Some(s), Some(line)) = (sniffed, p.first_invalid_line) {
                late.push(rules::file::invalid_bytes(&s, p.invalid_rows, line));
            }
            late.extend(rules::file::mixed_line_endings(&p.line_endings()));
            if p.header().is_none() || p.records() == 0 {
                late.extend(rules::file::empty(p.header(), p.bytes));
            }
        }
        let header = p.take_header();
        let mut cross_plan = rules::cross::CrossDecisions::default();
        if let Some(h) = &header {
            let options = st.options.clone();
            let ctx = RuleInput {
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
                // findings, and only the capped list may stay in memory; those over the cap
                // are only counted, never built.
                cross_plan.keep_findings(&ctx, st);
                late.extend(cross_plan.notes());
            }
        }
        for f in late {
            st.keep_file(f);
        }
        st.fold_counts();
        // File-level findings first, then by row; within a row by column, then code.
        let mut findings = std::mem::take(&mut st.file_findings);
        findings.extend(std::mem::take(&mut st.findings));
        crate::finding::sort_by_position(&mut findings);
        let line_ending = p.line_endings().dominant();
        let s = sniffed.unwrap_or(Sniffed::empty());
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
            plan: Arc::new(FixPlan {
                // A workbook's fix pass reads the container again (its sheet's CSV is sniffed
                // there as here): only a text file's sniffing is handed on.
                sniffed: if p.book.was_workbook { None } else { sniffed },
                header,
                file_findings,
                cross: cross_plan,
                line_ending,
                options: st.options.clone(),
                row_rules_found: st.found.take(),
            }),
        }
    }
}

impl Checker {
    /// [`Checker::part`] once the options allow it.
    pub(crate) fn new_part(options: Options, head: &[u8]) -> Option<Checker> {
        let mut c = Checker::new(options);
        c.state.part = Some(Mark::default());
        c.pipeline.start_part(head, &mut c.state)?;
        c.state.part = Some(c.pipeline.mark());
        Some(c)
    }

    /// Expects the file to hold about `bytes` bytes in all: makes room in the cross-row state
    /// for the records that many bytes hold at the rate seen so far (after at least the
    /// header and one row; else it does nothing). For the checker of a split check's first part,
    /// whose merge then appends the second part's records in place. Only a hint: a wrong
    /// guess changes memory use, never the report. At most [`u32::MAX`] records.
    pub fn expect_bytes(&mut self, bytes: u64) {
        let (read, rows) = (self.bytes_read(), self.rows_read());
        if read == 0 || rows == 0 || bytes <= read {
            return;
        }
        // 2% over the rate so far, so that rows a little shorter than the first still fit.
        let records = (u128::from(bytes) * u128::from(rows) * 102 / 100 / u128::from(read))
            .min(u128::from(u32::MAX)) as usize;
        if let Some(cross) = self.state.cross.as_mut() {
            cross.reserve_records(records);
        }
    }

    /// Ends a [`Checker::part`]'s bytes: what [`Checker::merge`] takes. On a checker made with
    /// [`Checker::new`] the part is one that `merge` refuses.
    pub fn into_part(mut self) -> Part {
        // Sized up front: a part is mostly the cross-row vectors (28 MB for 480k rows), and a
        // growing buffer would copy them and hold twice their memory on the way.
        let findings: usize = self
            .state
            .findings
            .iter()
            .map(crate::split::finding_len)
            .sum();
        let cross = self.state.cross.as_ref().map_or(0, Cross::part_len);
        let mut w = Writer(Vec::with_capacity(
            MAGIC.len() + (64 << 10) + findings + cross,
        ));
        w.0.extend_from_slice(MAGIC);
        let (Some(start), Some(header)) = (self.state.part, self.pipeline.header()) else {
            w.bool(false);
            return Part { bytes: w.0 };
        };
        w.bool(true);
        w.usize(header.columns.len());
        for c in &header.columns {
            w.str(&c.raw);
        }
        w.u64(header.row);
        w.u64(header.line);
        self.pipeline.finish(&mut self.state);
        let p = &self.pipeline;
        // `start_part` sniffed the file.
        let s = p.sniffed().copied();
        w.u8(s.map_or(u8::MAX, |s| s.encoding.code()));
        w.bool(s.is_some_and(|s| s.bom));
        w.u8(s.map_or(0, |s| s.delimiter));
        let end = p.mark();
        for m in [start, end] {
            write_mark(&mut w, &m);
        }
        w.opt_u64(p.first_legacy_line);
        let st = &mut self.state;
        st.fold_counts();
        w.usize(st.findings.len());
        for f in &st.findings {
            crate::split::write_finding(&mut w, f);
        }
        crate::split::write_summary(&mut w, &st.summary);
        w.u64s(&st.non_empty);
        let tally: Vec<u64> = st.memo.tally.iter().flatten().copied().collect();
        w.u64s(&tally);
        st.actions.write_part(&mut w);
        w.bool(st.cross.is_some());
        if let Some(cross) = st.cross.as_mut() {
            cross.write_part(&mut w);
        }
        Part { bytes: w.0 }
    }

    /// Takes a [`Part`] whose cut is where this checker's bytes end; then [`Checker::finish`]
    /// gives the report of the whole file. `Err`, with nothing changed, when it cannot: the cut
    /// fell inside a record, the two disagree on the file's format or header, or the part is
    /// damaged; push the bytes from the cut on instead.
    pub fn merge(&mut self, part: Part) -> Result<(), Unmerged> {
        if self.state.part.is_some() {
            return Err(Unmerged("a part checker cannot take a part"));
        }
        let bytes = part
            .bytes
            .strip_prefix(MAGIC)
            .ok_or(Unmerged("not a part"))?;
        let mut r = Reader::new(bytes);
        if !r.bool()? {
            return Err(Unmerged("the part checker found no header"));
        }
        let Some(header) = self.pipeline.header() else {
            return Err(Unmerged("this checker has not read the header"));
        };
        let n = r.usize()?;
        let mut same = n == header.columns.len();
        for i in 0..n {
            let name = r.str()?;
            same &= header.columns.get(i).is_some_and(|c| c.raw == name);
        }
        same &= r.u64()? == header.row && r.u64()? == header.line;
        if !same {
            return Err(Unmerged("the part read another header"));
        }
        let Some(sniffed) = self.pipeline.sniffed().copied() else {
            return Err(Unmerged("this checker has not sniffed the file"));
        };
        let (encoding, bom, delimiter) = (r.u8()?, r.bool()?, r.u8()?);
        if encoding != sniffed.encoding.code()
            || bom != sniffed.bom
            || delimiter != sniffed.delimiter
        {
            return Err(Unmerged("the part sniffed another format"));
        }
        if !self.pipeline.at_boundary() {
            return Err(Unmerged("the cut fell inside a record"));
        }
        let start = read_mark(&mut r)?;
        let end = read_mark(&mut r)?;
        let first_legacy_line = r.opt_u64()?;
        let findings = (0..r.usize()?)
            .map(|_| crate::split::read_finding(&mut r))
            .collect::<Result<Vec<_>, _>>()?;
        let summary = crate::split::read_summary(&mut r)?;
        let non_empty = r.u64s()?;
        let tally = r.u64s()?;
        let actions = crate::summary::Actions::read_part(&mut r)?;
        let cross = if r.bool()? {
            Some(Cross::read_part(&mut r)?)
        } else {
            None
        };
        if !r.is_empty() {
            return Err(Damaged.into());
        }
        let a = self.pipeline.mark();
        let ordered = end.rows >= start.rows
            && end.records >= start.records
            && end.bytes >= start.bytes
            && end.line >= start.line
            && end.legacy_rows >= start.legacy_rows
            && end.endings.crlf >= start.endings.crlf
            && end.endings.lf >= start.endings.lf
            && end.endings.cr >= start.endings.cr
            && a.rows >= start.rows
            && a.line >= start.line;
        if !ordered || non_empty.len() != header.columns.len() || tally.len() % 2 != 0 {
            return Err(Damaged.into());
        }
        if !Cross::fits(a.records, end.records - start.records) {
            return Err(Unmerged("too many records"));
        }
        let st = &mut self.state;
        let options = st.options.clone();
        let ctx = RuleInput {
            header,
            options: &options,
        };
        if !st.actions.fits(&ctx, &actions) {
            return Err(Damaged.into());
        }
        // Nothing can fail from here on.
        // The part's rows have no bits here: the fix pass runs the row rules on every row.
        st.found = None;
        let rows = a.rows - start.rows;
        let lines = a.line - start.line;
        crate::split::add_summary(&mut st.summary, &summary);
        for mut f in findings {
            f.row = f.row.map(|r| r + rows);
            f.line = f.line.map(|l| l + lines);
            for r in &mut f.related_rows {
                *r += rows;
            }
            // Counted already (the part's summary): kept as `keep` would.
            st.keep_counted(f);
        }
        for (a, b) in st.non_empty.iter_mut().zip(&non_empty) {
            *a += b;
        }
        let pairs = tally.len() / 2;
        if st.memo.tally.len() < pairs {
            st.memo.tally.resize(pairs, [0; 2]);
        }
        for (t, p) in st.memo.tally.iter_mut().zip(tally.chunks_exact(2)) {
            t[0] += p[0];
            t[1] += p[1];
        }
        st.actions.add_part(&actions);
        if let (Some(mine), Some(theirs)) = (st.cross.as_mut(), cross) {
            mine.merge_part(theirs, a.records, lines as i64);
        }
        self.pipeline
            .add_part(&start, &end, first_legacy_line.map(|l| l + lines));
        Ok(())
    }
}

fn write_mark(w: &mut Writer, m: &Mark) {
    for v in [
        m.rows,
        m.records,
        m.bytes,
        m.line,
        m.endings.crlf,
        m.endings.lf,
        m.endings.cr,
        m.legacy_rows,
    ] {
        w.u64(v);
    }
}

fn read_mark(r: &mut Reader<'_>) -> Result<Mark, Damaged> {
    let mut m = Mark {
        rows: r.u64()?,
        records: r.u64()?,
        bytes: r.u64()?,
        line: r.u64()?,
        ..Mark::default()
    };
    m.endings.crlf = r.u64()?;
    m.endings.lf = r.u64()?;
    m.endings.cr = r.u64()?;
    m.legacy_rows = r.u64()?;
    Ok(m)
}

/// File-level and header findings (no row, or the header's row).
fn is_file_level(f: &Finding, header: Option<&Header>) -> bool {
    // F015 is on the `sep=` line, row 1, above the header.
    f.row.is_none() || f.code == Code::F015 || header.is_some_and(|h| f.row == Some(h.row))
}

impl State {
    /// Counts a finding and keeps it unless its code is over the cap.
    fn keep(&mut self, f: Finding) {
        self.count(f.code, f.severity, f.fix.as_ref().map(|x| x.applicability));
        self.keep_counted(f);
    }

    /// Counts a finding: the severity totals at once, the per-code counts in `counts`.
    #[inline]
    fn count(&mut self, code: Code, severity: Severity, fix: Option<Applicability>) {
        let s = &mut self.summary;
        match severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
        }
        let c = &mut self.counts[code as usize];
        c[0] += 1;
        match fix {
            Some(Applicability::Safe) => {
                s.safe_fixes += 1;
                c[1] += 1;
            }
            Some(Applicability::Suggested) => {
                s.suggested_fixes += 1;
                c[2] += 1;
            }
            None => {}
        }
    }

    /// Whether a finding of `code` would be kept now.
    fn keeps(&self, code: Code) -> bool {
        self.options
            .max_findings_per_code
            .is_none_or(|max| self.kept[code as usize] < max)
    }

    /// Keeps a counted finding unless its code is over the cap.
    fn keep_counted(&mut self, f: Finding) {
        if !self.keeps(f.code) {
            self.summary.omitted += 1;
            return;
        }
        let i = f.code as usize;
        self.kept[i] += 1;
        if !self.keeps(f.code) {
            // From now on the row rules that can only count their findings of this code.
            self.memo.only_count(f.code);
        }
        self.findings.push(f);
    }

    /// Counts and keeps a file-level or header finding; these are never capped. A part
    /// checker leaves them to the first checker.
    fn keep_file(&mut self, f: Finding) {
        if self.part.is_some() {
            return;
        }
        self.count(f.code, f.severity, f.fix.as_ref().map(|x| x.applicability));
        self.kept[f.code as usize] += 1;
        self.file_findings.push(f);
    }

    /// Adds the per-code counts, and the findings the row rules only counted, to the summary
    /// (before it is read or sent: `finish`, `into_part`), and starts them again from zero.
    fn fold_counts(&mut self) {
        let s = &mut self.summary;
        let by_severity = std::mem::take(&mut self.memo.count.severity);
        s.errors += by_severity[0];
        s.warnings += by_severity[1];
        s.infos += by_severity[2];
        for (n, c) in self
            .memo
            .count
            .counted
            .iter_mut()
            .zip(self.counts.iter_mut())
        {
            s.omitted += n[0];
            s.safe_fixes += n[1];
            s.suggested_fixes += n[2];
            for (c, n) in c.iter_mut().zip(n.iter()) {
                *c += n;
            }
            *n = [0; 3];
        }
        for (i, c) in self.counts.iter_mut().enumerate() {
            let Some(&code) = Code::ALL.get(i) else {
                continue;
            };
            if c[0] > 0 {
                *self.summary.by_code.entry(code).or_default() += c[0];
            }
            if c[1] > 0 || c[2] > 0 {
                let x = self.summary.fixes_by_code.entry(code).or_default();
                x.safe += c[1];
                x.suggested += c[2];
            }
            *c = [0; 3];
        }
    }
}

impl rules::Keeper for State {
    fn keeps(&self, code: Code) -> bool {
        State::keeps(self, code)
    }

    fn keep(&mut self, f: Finding) {
        State::keep(self, f);
    }

    fn counted(&mut self, code: Code, severity: Severity, fix: Option<Applicability>) {
        self.count(code, severity, fix);
        self.summary.omitted += 1;
    }
}

impl Handler for State {
    fn sniffed(&mut self, sniffed: &Sniffed, sample: &[u8]) {
        let mut out = Vec::new();
        let preview = crate::input::preview(sniffed, sample);
        rules::file::sniffed(sniffed, &preview, &mut |f| out.push(f));
        for f in out {
            self.keep_file(f);
        }
    }

    fn sheet_findings(&mut self, findings: Vec<Finding>) {
        for f in findings {
            self.keep_file(f);
        }
    }

    fn cut(&mut self, cut: Cut) {
        let f = rules::file::record_too_long(cut);
        if cut.header {
            self.keep_file(f);
        } else {
            self.keep(f);
        }
    }

    fn header(&mut self, header: &Header) {
        self.non_empty = vec![0; header.columns.len()];
        self.row_plan = rules::row::RowPlan::new(&header.columns, header.kind);
        let ctx = RuleInput {
            header,
            options: &self.options,
        };
        let mut out = Vec::new();
        if header.kind == FileKind::Deletion {
            out.push(rules::file::deletion_file(header));
        }
        out.extend(rules::file::too_many_columns(header));
        rules::header::check(&ctx, &mut |f| out.push(f));
        if let Some(problem) = header.quote_problem {
            // The names are not what the admin meant: no fix may rewrite them, and the broken
            // column's own header findings would only describe the quote's damage.
            let broken = problem.field();
            out.retain(|f| f.column != Some(broken) || f.code.rule().scope != Scope::Header);
            for f in &mut out {
                f.fix = None;
            }
            out.push(rules::file::header_quoting(header, problem));
        }
        let cross = Cross::new(&ctx);
        self.cross = Some(if self.part.is_some() {
            cross.logging()
        } else {
            cross
        });
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
        let ctx = RuleInput {
            header,
            options: &self.options,
        };
        // A workbook row's own findings first; allocated only for a row with findings kept or
        // counted here (most rows have none: an empty slice's `to_vec` allocates nothing).
        let mut out: Vec<Finding> = row.sheet.to_vec();
        let before = out.len();
        self.memo.count.any = false;
        let clean = rules::check_row_with(
            &ctx,
            &self.row_plan,
            row,
            &mut |f| out.push(f),
            &mut self.memo,
        );
        if (out.len() > before || self.memo.count.any)
            && let Some(found) = self.found.as_mut()
        {
            let (word, bit) = ((row.record / 64) as usize, row.record % 64);
            if found.len() <= word {
                found.resize(word + 1, 0);
            }
            if let Some(w) = found.get_mut(word) {
                *w |= 1 << bit;
            }
        }
        if let Some(cross) = self.cross.as_mut() {
            // The row as the corrected file writes it, when a safe fix changes a cell: the
            // cross-row rules tell copies by it.
            let fixed = if clean {
                None
            } else {
                rules::safe_fixed(&ctx, &self.row_plan, row, &out, &mut self.fixed_memo)
            };
            let joined = fixed.as_deref().map(rules::joined);
            let fixed_row = joined.as_ref().map(|(text, ends)| Row {
                text,
                ends,
                plain: crate::parse::is_plain(text.as_bytes()),
                ..*row
            });
            cross.observe(&ctx, row, clean, self.memo.keys(), fixed_row.as_ref());
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

//! The streaming pipeline shared by the check pass and the fix pass:
//! bytes → sniff → decode → parse → header and rows, handed to a [`Handler`].
//!
//! Both passes run the very same pipeline over the same bytes, so they see the same header, the
//! same rows and the same positions; the fix pass therefore never needs the check pass's
//! (possibly capped) list of findings, only its [`crate::report::FixPlan`].

use crate::header::Header;
use crate::input::{Decoding, Encoding, SNIFF_LEN, Sniffed, decode_cell, sniff};
use crate::parse::{Event, LineEndings, Parser};
use crate::row::{Raw, Row};

/// What a pass does with the pipeline's output.
pub(crate) trait Handler {
    /// The file's form is known (or it is not text: `sniffed.binary`).
    fn sniffed(&mut self, sniffed: &Sniffed, sample: &[u8]);
    /// The header row.
    fn header(&mut self, header: &Header);
    /// A data row (after the header), or a blank row before the header (`row.record` is then
    /// `u64::MAX`).
    fn row(&mut self, header: Option<&Header>, row: &Row<'_>);
    /// The record about to be handed on was over the parser's limits and was cut (the
    /// handler words it: F014).
    fn cut(&mut self, cut: Cut) {
        let _ = cut;
    }
    /// A workbook's file-level and header-row findings (`crate::workbook`).
    fn sheet_findings(&mut self, findings: Vec<crate::Finding>) {
        let _ = findings;
    }
}

/// A record over the parser's limits (`parse::MAX_RECORD_BYTES`, `parse::MAX_FIELDS`), which
/// the parser cut: the facts the checker words as F014.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cut {
    /// Its spreadsheet row.
    pub row: u64,
    /// The physical line where it starts.
    pub line: u64,
    /// How many bytes long the record was.
    pub bytes: u64,
    /// How many fields were read of it.
    pub fields: usize,
    /// It is the header row.
    pub header: bool,
}

/// Counts of a pipeline at one point, for `crate::split`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub rows: u64,
    pub records: u64,
    pub bytes: u64,
    /// Lines completed.
    pub line: u64,
    pub endings: LineEndings,
    pub legacy_rows: u64,
}

/// The pipeline's state.
#[derive(Debug)]
pub(crate) struct Pipeline {
    sample: Vec<u8>,
    sniffed: Option<Sniffed>,
    decoding: Option<Decoding>,
    parser: Option<Parser>,
    header: Option<Header>,
    scratch: String,
    /// The `sep=` line is still to come (and to be skipped).
    skip_sep: bool,
    legacy_text: String,
    legacy_ends: Vec<usize>,
    /// Rows seen so far (spreadsheet numbering: the next row is `rows + 1`).
    rows: u64,
    /// Records after the header.
    records: u64,
    /// Bytes pushed.
    pub bytes: u64,
    /// Records whose bytes were not UTF-8: count and first line.
    pub legacy_rows: u64,
    pub first_legacy_line: Option<u64>,
    /// Records holding bytes that are not valid in the file's (legacy) encoding (F016): count and
    /// first line.
    pub invalid_rows: u64,
    pub first_invalid_line: Option<u64>,
    /// The admin's encoding, which replaces detection.
    choice: Option<Encoding>,
    /// The sniffing to take instead of sniffing (the fix pass takes the check pass's).
    preset: Option<Sniffed>,
    /// A few decoded values of a file in a legacy encoding, for a person to confirm it.
    pub preview: Vec<String>,
    /// A workbook being read, and what came of it (`crate::workbook`).
    pub(crate) book: Book,
}

/// A workbook's part of the pipeline: the bytes held until the end, the sheet asked for, and the
/// sheet rows' numbering and findings once it is read.
#[derive(Debug, Default)]
pub(crate) struct Book {
    /// The sheet to read (`Options::sheet`).
    pub sheet: Option<String>,
    /// The container's bytes, held whole (a workbook cannot be read in pieces).
    #[cfg(feature = "workbook")]
    held: Option<(crate::input::Binary, Vec<u8>)>,
    /// The file was a workbook (read or not): F010 does not apply.
    pub was_workbook: bool,
    /// What the report says about the sheet read.
    #[cfg(feature = "workbook")]
    pub info: Option<crate::workbook::WorkbookInfo>,
    /// Added to a CSV row number to give the sheet's row.
    offset: Option<u64>,
    pending: std::collections::BTreeMap<u64, Vec<crate::Finding>>,
    current: Vec<crate::Finding>,
}

impl Book {
    /// The report's facts about the workbook, when one was read.
    #[cfg(feature = "workbook")]
    pub(crate) fn info(&self) -> Option<crate::workbook::WorkbookInfo> {
        self.info.clone()
    }

    #[cfg(not(feature = "workbook"))]
    pub(crate) fn info(&self) -> Option<crate::workbook::WorkbookInfo> {
        None
    }
}

impl Pipeline {
    pub(crate) fn new() -> Pipeline {
        Pipeline {
            sample: Vec::new(),
            sniffed: None,
            decoding: None,
            parser: None,
            header: None,
            scratch: String::new(),
            skip_sep: true,
            legacy_text: String::new(),
            legacy_ends: Vec::new(),
            rows: 0,
            records: 0,
            bytes: 0,
            legacy_rows: 0,
            first_legacy_line: None,
            invalid_rows: 0,
            first_invalid_line: None,
            choice: None,
            preset: None,
            preview: Vec::new(),
            book: Book::default(),
        }
    }

    /// A pipeline that reads the file in the admin's encoding instead of detecting it.
    pub(crate) fn with_encoding(choice: Option<Encoding>) -> Pipeline {
        Pipeline {
            choice,
            ..Pipeline::new()
        }
    }

    /// A pipeline that takes this sniffing (the check pass's) instead of sniffing again.
    pub(crate) fn with_sniffed(sniffed: Option<Sniffed>) -> Pipeline {
        Pipeline {
            preset: sniffed,
            ..Pipeline::new()
        }
    }

    fn decide(&self, sample: &[u8], complete: bool) -> Sniffed {
        match self.preset {
            Some(s) => s,
            None => sniff(sample, complete, self.choice),
        }
    }

    pub(crate) fn sniffed(&self) -> Option<&Sniffed> {
        self.sniffed.as_ref()
    }

    pub(crate) fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    pub(crate) fn take_header(&mut self) -> Option<Header> {
        self.header.take()
    }

    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    pub(crate) fn line_endings(&self) -> LineEndings {
        self.parser.as_ref().map(|p| p.endings).unwrap_or_default()
    }

    /// Starts a part checker's pipeline (see `crate::split`): sniffs `head`, the file's first
    /// bytes, as the whole file's start, and reads up to the end of its header. Returns where
    /// the header ends, or `None` when the file cannot be checked in parts: too short to sniff
    /// as the first checker does, not a text the cut can split (UTF-16, a workbook), or no
    /// header ending in `head`.
    pub(crate) fn start_part(&mut self, head: &[u8], h: &mut dyn Handler) -> Option<usize> {
        if head.len() < SNIFF_LEN {
            return None;
        }
        let s = self.decide(&head[..SNIFF_LEN], false);
        // Only UTF-8 files are cut: a legacy encoding's records are decoded with counts (F016)
        // the part's wire format does not carry, and UTF-16 cannot be cut at a byte.
        if s.binary.is_some() || !s.encoding.is_utf8() || !s.parse_raw() {
            return None;
        }
        self.sniffed = Some(s);
        h.sniffed(&s, head);
        self.decoding = Some(Decoding::new(&s));
        self.parser = Some(Parser::new(s.delimiter));
        let mut at = 0;
        while self.header.is_none() {
            let n = head[at..].iter().position(|&b| b == b'\n')? + 1;
            self.bytes += n as u64;
            self.feed(&head[at..at + n], false, h);
            at += n;
        }
        self.parser
            .as_ref()
            .is_some_and(Parser::at_boundary)
            .then_some(at)
    }

    /// Where a part checker's pipeline stands (see `crate::split`).
    pub(crate) fn mark(&self) -> Mark {
        let parser = self.parser.as_ref();
        Mark {
            rows: self.rows,
            records: self.records,
            bytes: self.bytes,
            line: parser.map_or(0, Parser::line),
            endings: parser.map(Parser::settled_endings).unwrap_or_default(),
            legacy_rows: self.legacy_rows,
        }
    }

    /// Whether the bytes fed so far end between two records, after the header.
    pub(crate) fn at_boundary(&self) -> bool {
        self.header.is_some() && self.parser.as_ref().is_some_and(Parser::at_boundary)
    }

    /// Takes a part checker's counts: what it read after `start` up to `end`.
    pub(crate) fn add_part(&mut self, start: &Mark, end: &Mark, first_legacy_line: Option<u64>) {
        self.rows += end.rows - start.rows;
        self.records += end.records - start.records;
        self.bytes += end.bytes - start.bytes;
        self.legacy_rows += end.legacy_rows - start.legacy_rows;
        if self.first_legacy_line.is_none() {
            self.first_legacy_line = first_legacy_line;
        }
        if let Some(p) = self.parser.as_mut() {
            p.add(
                end.line - start.line,
                LineEndings {
                    crlf: end.endings.crlf - start.endings.crlf,
                    lf: end.endings.lf - start.endings.lf,
                    cr: end.endings.cr - start.endings.cr,
                },
            );
        }
    }

    /// Feeds bytes; any chunking gives the same result.
    pub(crate) fn push(&mut self, bytes: &[u8], h: &mut dyn Handler) {
        self.bytes += bytes.len() as u64;
        #[cfg(feature = "workbook")]
        if let Some((_, held)) = self.book.held.as_mut() {
            if self.bytes <= crate::workbook::MAX_WORKBOOK_BYTES {
                held.extend_from_slice(bytes);
            } else {
                // Past the limit: F023 at the end; nothing more is held.
                *held = Vec::new();
            }
            return;
        }
        if self.sniffed.is_none() {
            self.sample.extend_from_slice(bytes);
            if self.sample.len() >= SNIFF_LEN {
                self.start(h, false);
            }
            return;
        }
        self.feed(bytes, false, h);
    }

    /// Ends the input.
    pub(crate) fn finish(&mut self, h: &mut dyn Handler) {
        if self.sniffed.is_none() {
            self.start(h, true);
        }
        #[cfg(feature = "workbook")]
        if let Some((container, held)) = self.book.held.take() {
            self.read_workbook(container, &held, h);
            return;
        }
        self.feed(&[], true, h);
    }

    /// Reads a held workbook: its sheet's CSV goes through the parser as a file's would.
    #[cfg(feature = "workbook")]
    fn read_workbook(&mut self, container: crate::input::Binary, held: &[u8], h: &mut dyn Handler) {
        use crate::workbook::{self, Failed};
        if self.bytes > workbook::MAX_WORKBOOK_BYTES {
            h.sheet_findings(vec![workbook::too_large(self.bytes)]);
            return;
        }
        let sheet = self.book.sheet.clone();
        let mut late = Vec::new();
        let result = workbook::convert(
            held,
            container,
            sheet.as_deref(),
            &mut BookSink {
                p: self,
                h,
                late: &mut late,
            },
        );
        match result {
            Ok(()) => {
                self.feed(&[], true, h);
                late.extend(
                    std::mem::take(&mut self.book.pending)
                        .into_values()
                        .flatten(),
                );
                if !late.is_empty() {
                    h.sheet_findings(late);
                }
            }
            Err(Failed::NotWorkbook) => {
                self.book.was_workbook = false;
                if let Some(s) = self.sniffed {
                    h.sniffed(&s, &[]);
                }
            }
            Err(Failed::Findings(f)) => h.sheet_findings(f),
        }
    }

    fn start(&mut self, h: &mut dyn Handler, complete: bool) {
        // Only the first SNIFF_LEN bytes decide, however large the first chunk: any chunking
        // must give the same answer.
        let n = self.sample.len().min(SNIFF_LEN);
        let s = self.decide(&self.sample[..n], complete && n == self.sample.len());
        self.sniffed = Some(s);
        self.preview = crate::input::preview(&s, &self.sample[..n]);
        #[cfg(feature = "workbook")]
        if let Some(container @ (crate::input::Binary::Zip | crate::input::Binary::Ole)) = s.binary
        {
            // A workbook, maybe: held whole and read at the end.
            self.book.was_workbook = true;
            let held = std::mem::take(&mut self.sample);
            let over = self.bytes > crate::workbook::MAX_WORKBOOK_BYTES;
            self.book.held = Some((container, if over { Vec::new() } else { held }));
            return;
        }
        h.sniffed(&s, &self.sample);
        if s.binary.is_none() {
            self.decoding = Some(Decoding::new(&s));
            self.parser = Some(Parser::new(s.delimiter));
        }
        let sample = std::mem::take(&mut self.sample);
        self.feed(&sample, false, h);
    }

    fn feed(&mut self, bytes: &[u8], last: bool, h: &mut dyn Handler) {
        let (Some(decoding), Some(parser)) = (self.decoding.as_mut(), self.parser.as_mut()) else {
            return;
        };
        let mut scratch = std::mem::take(&mut self.scratch);
        let Some(sniffed) = self.sniffed else { return };
        let mut state = RowState {
            sniffed,
            skip_sep: &mut self.skip_sep,
            invalid_rows: &mut self.invalid_rows,
            first_invalid_line: &mut self.first_invalid_line,
            book: &mut self.book,
            header: &mut self.header,
            legacy_text: &mut self.legacy_text,
            legacy_ends: &mut self.legacy_ends,
            rows: &mut self.rows,
            records: &mut self.records,
            legacy_rows: &mut self.legacy_rows,
            first_legacy_line: &mut self.first_legacy_line,
            handler: h,
        };
        let mut on_text = |text: &[u8]| parser.feed(text, &mut |e| state.event(e));
        decoding.feed(bytes, last, &mut scratch, &mut on_text);
        if last {
            parser.feed(&[], &mut |e| state.event(e));
        }
        self.scratch = scratch;
    }
}

struct RowState<'p> {
    sniffed: Sniffed,
    skip_sep: &'p mut bool,
    invalid_rows: &'p mut u64,
    first_invalid_line: &'p mut Option<u64>,
    book: &'p mut Book,
    header: &'p mut Option<Header>,
    legacy_text: &'p mut String,
    legacy_ends: &'p mut Vec<usize>,
    rows: &'p mut u64,
    records: &'p mut u64,
    legacy_rows: &'p mut u64,
    first_legacy_line: &'p mut Option<u64>,
    handler: &'p mut dyn Handler,
}

impl RowState<'_> {
    fn event(&mut self, e: Event<'_>) {
        *self.rows += 1;
        let (mut line, data, ends, quote_problem, blank_line, cut) = match e {
            Event::BlankLine { line } => (line, &[][..], &[][..], None, true, None),
            Event::Record(r) => (r.line, r.data, r.ends, r.quote_problem, false, r.cut),
        };
        if std::mem::take(self.skip_sep) && self.sniffed.sep_line {
            // Excel's `sep=X` line: a row of the file (so the header is row 2), not the header.
            return;
        }
        let s = self.sniffed;
        // A workbook's rows are numbered as in its sheet, and a sheet has no lines: both are
        // the sheet's row.
        let row_no = match self.book.offset {
            Some(offset) => {
                line = *self.rows + offset;
                line
            }
            None => *self.rows,
        };
        self.book.current.clear();
        if self.book.offset.is_some()
            && let Some(found) = self.book.pending.remove(&row_no)
        {
            self.book.current = found;
        }
        let plain = crate::parse::is_plain(data);
        let mut raw = None;
        let (text, ends, legacy): (&str, &[usize], bool) = if !s.parse_raw() {
            // Text a streaming decoder made: UTF-8 already. A U+FFFD there stands for bytes
            // that were not valid in a legacy encoding.
            let text = std::str::from_utf8(data).unwrap_or_default();
            let legacy = !s.encoding.is_utf16() && !text.is_ascii();
            if legacy && text.contains('\u{FFFD}') {
                *self.invalid_rows += 1;
                self.first_invalid_line.get_or_insert(line);
            }
            (text, ends, legacy && !s.basis.certain())
        } else if s.encoding.is_utf8() {
            // A record is UTF-8 only if each of its cells is: the joined text can be valid while
            // a cell ends on a lone lead byte and the next begins with its continuation byte.
            // Plain ASCII text, nearly every record, has no such cell.
            let utf8 = std::str::from_utf8(data)
                .ok()
                .filter(|t| plain || ends.iter().all(|&e| t.is_char_boundary(e)));
            match utf8 {
                Some(t) => (t, ends, false),
                None => {
                    // Not UTF-8: read this record in the fallback encoding, field by field.
                    *self.legacy_rows += 1;
                    self.first_legacy_line.get_or_insert(line);
                    self.decode(s.fallback, data, ends);
                    raw = Some(Raw {
                        bytes: data,
                        ends,
                        encoding: s.fallback,
                    });
                    (self.legacy_text.as_str(), self.legacy_ends.as_slice(), true)
                }
            }
        } else if plain || data.is_ascii() {
            // ASCII reads as itself in every encoding the parser reads the bytes of.
            (std::str::from_utf8(data).unwrap_or_default(), ends, false)
        } else {
            if !self.decode(s.encoding, data, ends) {
                *self.invalid_rows += 1;
                self.first_invalid_line.get_or_insert(line);
            }
            raw = Some(Raw {
                bytes: data,
                ends,
                encoding: s.encoding,
            });
            (
                self.legacy_text.as_str(),
                self.legacy_ends.as_slice(),
                !s.basis.certain(),
            )
        };
        let header_seen = self.header.is_some();
        if let Some(bytes) = cut {
            self.handler.cut(Cut {
                row: row_no,
                line,
                bytes,
                fields: ends.len(),
                header: !header_seen && !text.is_empty(),
            });
        }
        if !header_seen && !text.is_empty() {
            let names = (0..ends.len())
                .map(|i| {
                    let s = if i == 0 { 0 } else { ends[i - 1] };
                    text[s..ends[i]].to_string()
                })
                .collect();
            let mut header = Header::new(names, row_no, line);
            header.quote_problem = quote_problem;
            if let Some(raw) = raw {
                for (i, c) in header.columns.iter_mut().enumerate() {
                    c.bytes = Some(raw.cell(i).to_vec());
                }
            }
            self.handler.header(&header);
            if !self.book.current.is_empty() {
                self.handler
                    .sheet_findings(std::mem::take(&mut self.book.current));
            }
            *self.header = Some(header);
            return;
        }
        let record = if header_seen {
            *self.records += 1;
            *self.records - 1
        } else {
            u64::MAX
        };
        let row = Row {
            record,
            row: row_no,
            line,
            text,
            ends,
            legacy,
            raw,
            quote_problem,
            blank_line,
            plain,
            sheet: &self.book.current,
        };
        self.handler.row(self.header.as_ref(), &row);
    }

    /// Decodes a record's cells in `enc` into `legacy_text`/`legacy_ends`; `false` when some
    /// bytes were not valid in it.
    fn decode(&mut self, enc: Encoding, data: &[u8], ends: &[usize]) -> bool {
        self.legacy_text.clear();
        self.legacy_ends.clear();
        let mut start = 0;
        let mut valid = true;
        for &end in ends {
            valid &= decode_cell(enc, &data[start..end], self.legacy_text);
            self.legacy_ends.push(self.legacy_text.len());
            start = end;
        }
        valid
    }
}

/// The file's encoding as reported: a UTF-8 file with non-UTF-8 records reads as its fallback
/// (Windows-1252), a guess.
pub(crate) fn reported_encoding(s: &Sniffed, legacy_rows: u64) -> (Encoding, crate::input::Basis) {
    if s.encoding.is_utf8() && legacy_rows > 0 {
        (s.fallback, crate::input::Basis::Guessed)
    } else {
        (s.encoding, s.basis)
    }
}

/// The pipeline cut after each stage, for the benchmark's per-stage figures (not a stable API).
///
/// Each function streams `bytes` in 1 MiB chunks, as the CLI does, through the stages up to its
/// own and returns a count so the work cannot be optimised away. Subtracting one stage's time from
/// the next gives that stage's cost; the check pass minus [`rows`] is what the rules cost.
#[doc(hidden)]
pub mod stages {
    use super::{Handler, Header, Pipeline, Row};
    use crate::input::{Decoding, SNIFF_LEN, Sniffed, sniff};

    fn sniffed(bytes: &[u8]) -> Sniffed {
        let n = bytes.len().min(SNIFF_LEN);
        sniff(&bytes[..n], n == bytes.len(), None)
    }
    use crate::parse::{Event, Parser};

    const CHUNK: usize = 1 << 20;

    /// Sniffing and decoding: the bytes of UTF-8 text the parser would get.
    pub fn decode(bytes: &[u8]) -> u64 {
        let s = sniffed(bytes);
        if s.binary.is_some() {
            return 0;
        }
        let mut decoding = Decoding::new(&s);
        let mut scratch = String::new();
        let mut n = 0u64;
        for chunk in bytes.chunks(CHUNK) {
            decoding.feed(chunk, false, &mut scratch, &mut |t| n += t.len() as u64);
        }
        decoding.feed(&[], true, &mut scratch, &mut |t| n += t.len() as u64);
        n
    }

    /// Decoding and parsing: the records and blank lines the parser hands on.
    pub fn parse(bytes: &[u8]) -> u64 {
        let s = sniffed(bytes);
        if s.binary.is_some() {
            return 0;
        }
        let mut decoding = Decoding::new(&s);
        let mut parser = Parser::new(s.delimiter);
        let mut scratch = String::new();
        let mut n = 0u64;
        let mut count = |e: Event<'_>| {
            if let Event::Record(r) = e {
                n += r.ends.len() as u64;
            }
        };
        for chunk in bytes.chunks(CHUNK) {
            decoding.feed(chunk, false, &mut scratch, &mut |t| {
                parser.feed(t, &mut count)
            });
        }
        decoding.feed(&[], true, &mut scratch, &mut |t| parser.feed(t, &mut count));
        parser.feed(&[], &mut count);
        n
    }

    struct Count(u64);

    impl Handler for Count {
        fn sniffed(&mut self, _: &Sniffed, _: &[u8]) {}
        fn header(&mut self, h: &Header) {
            self.0 += h.columns.len() as u64;
        }
        fn row(&mut self, _: Option<&Header>, row: &Row<'_>) {
            self.0 += row.len() as u64;
        }
    }

    /// The whole pipeline up to the rules: rows split into UTF-8 cells, the header classified.
    pub fn rows(bytes: &[u8]) -> u64 {
        let mut p = Pipeline::new();
        let mut h = Count(0);
        for chunk in bytes.chunks(CHUNK) {
            p.push(chunk, &mut h);
        }
        p.finish(&mut h);
        h.0
    }
}

/// What a workbook's reader hands the pipeline (`crate::workbook::Sink`).
#[cfg(feature = "workbook")]
struct BookSink<'p, 'h> {
    p: &'p mut Pipeline,
    h: &'h mut dyn Handler,
    late: &'p mut Vec<crate::Finding>,
}

#[cfg(feature = "workbook")]
impl crate::workbook::Sink for BookSink<'_, '_> {
    fn begin(&mut self, begin: crate::workbook::Begin) {
        // The sheet's cells are Unicode text, written out as comma-separated UTF-8.
        let s = Sniffed::empty();
        self.p.sniffed = Some(s);
        self.p.decoding = Some(Decoding::new(&s));
        self.p.parser = Some(Parser::new(b','));
        self.p.book.offset = Some(begin.offset);
        self.p.book.info = Some(begin.info);
        let (file, header): (Vec<_>, Vec<_>) =
            begin.findings.into_iter().partition(|f| f.row.is_none());
        self.h.sheet_findings(file);
        if let Some(f) = header.first() {
            let row = f.row.unwrap_or(0);
            self.p.book.pending.entry(row).or_default().extend(header);
        }
    }

    fn row_findings(&mut self, row: u64, findings: Vec<crate::Finding>) {
        self.p.book.pending.entry(row).or_default().extend(findings);
    }

    fn csv(&mut self, bytes: &[u8]) {
        self.p.feed(bytes, false, self.h);
    }

    fn late(&mut self, finding: crate::Finding) {
        self.late.push(finding);
    }
}

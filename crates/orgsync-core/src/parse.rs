//! RFC 4180 parsing on top of `csv-core` (the push parser inside the `csv` crate), with what the
//! rules need that a plain reader hides: the raw bytes of each record (to find stray quotes and
//! line endings), the physical line where it starts, and the blank lines a reader would skip.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use std::cell::RefCell;

/// The most bytes of one record (a row) the parser keeps: its raw text, and its cells' text.
/// Excel's own limits (16,384 columns, 32,767 characters a cell) allow rows far longer than any
/// Org Sync row; 1 MiB holds 32 cells of Excel's maximum size in 3-byte characters. A longer
/// record, such as a 200 MB line with no line break or a quote that never closes, is cut: its
/// first 1 MiB is read as the row, the rest is skipped (its line breaks still counted), and the
/// row gets F014, so memory stays bounded whatever the file.
pub(crate) const MAX_RECORD_BYTES: usize = 1 << 20;

/// The most fields of one record the parser keeps: four times Excel's 16,384 columns, so a
/// header of more columns than Excel allows is still read whole enough to say so (F013).
pub(crate) const MAX_FIELDS: usize = 1 << 16;

/// Counts of each line-ending style seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LineEndings {
    pub crlf: u64,
    pub lf: u64,
    pub cr: u64,
}

impl LineEndings {
    pub(crate) fn dominant(&self) -> &'static str {
        if self.crlf == 0 && self.lf == 0 && self.cr == 0 {
            "none"
        } else if self.crlf >= self.lf && self.crlf >= self.cr {
            "crlf"
        } else if self.lf >= self.cr {
            "lf"
        } else {
            "cr"
        }
    }

    pub(crate) fn kinds(&self) -> usize {
        usize::from(self.crlf > 0) + usize::from(self.lf > 0) + usize::from(self.cr > 0)
    }
}

/// A parsed record, borrowed from the parser's buffers.
#[derive(Debug)]
pub(crate) struct RawRecord<'a> {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// The unescaped fields, concatenated; `ends` marks where each ends.
    pub data: &'a [u8],
    pub ends: &'a [usize],
    /// A quoting problem in the record's raw text, if any.
    pub quote_problem: Option<QuoteProblem>,
    /// The record was longer than [`MAX_RECORD_BYTES`] or had more than [`MAX_FIELDS`] fields and
    /// was cut: its length in bytes (of the file's text after decoding).
    pub cut: Option<u64>,
}

/// What was wrong with a record's quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuoteProblem {
    /// A quote inside a field that did not start with one (`ab"c`).
    StrayQuote { field: usize },
    /// Text right after a closing quote (`"ab"c`).
    TextAfterQuote { field: usize },
    /// A quoted field that never closes before the end of the file.
    Unterminated { field: usize },
}

impl QuoteProblem {
    /// The field where the problem is.
    pub(crate) fn field(self) -> usize {
        match self {
            QuoteProblem::StrayQuote { field }
            | QuoteProblem::TextAfterQuote { field }
            | QuoteProblem::Unterminated { field } => field,
        }
    }
}

/// What the parser hands on.
#[derive(Debug)]
pub(crate) enum Event<'a> {
    /// A line with nothing on it, which a CSV reader would skip but a spreadsheet shows as a row.
    BlankLine {
        line: u64,
    },
    Record(RawRecord<'a>),
}

#[derive(Debug)]
pub(crate) struct Parser {
    reader: PooledReader,
    delimiter: u8,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    raw: Vec<u8>,
    /// Lines completed before the current record's raw bytes begin.
    line: u64,
    /// The previous record ended on `\r`, so a leading `\n` belongs to it.
    after_cr: bool,
    pub endings: LineEndings,
    /// What `csv-core` writes once the record's cells or fields are over the limits (dropped).
    spill: Vec<u8>,
    spill_ends: Vec<usize>,
    /// Cells or fields of the current record were dropped.
    dropped: bool,
    /// The current record's raw bytes past [`MAX_RECORD_BYTES`], when it is cut across chunks.
    overflow: Option<Overflow>,
    /// Whether records [`split_line`] can read skip `csv-core` (always, but in the tests that
    /// compare the two).
    fast: bool,
}

/// What is left of a cut record's raw bytes past the kept part: their number, their line breaks
/// and the last two bytes (the terminator).
#[derive(Debug, Clone, Copy)]
struct Overflow {
    len: u64,
    breaks: u64,
    last: [u8; 2],
}

impl Overflow {
    /// Starts after the kept part, whose last bytes are `kept`.
    fn new(kept: &[u8]) -> Overflow {
        let n = kept.len();
        Overflow {
            len: 0,
            breaks: 0,
            last: [
                n.checked_sub(2).map_or(0, |i| kept[i]),
                n.checked_sub(1).map_or(0, |i| kept[i]),
            ],
        }
    }

    /// Counts line breaks as the parser does: `\r\n` once, a lone `\r` or `\n` once each.
    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.len += bytes.len() as u64;
        let mut i = 0;
        while let Some(p) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + p;
            let prev = if at == 0 { self.last[1] } else { bytes[at - 1] };
            if bytes[at] == b'\r' || prev != b'\r' {
                self.breaks += 1;
            }
            i = at + 1;
        }
        let n = bytes.len();
        self.last = if n >= 2 {
            [bytes[n - 2], bytes[n - 1]]
        } else {
            [self.last[1], bytes[0]]
        };
    }
}

/// The cell buffer's first size: a row of a few hundred bytes fits; a longer one doubles it
/// (in `csv-core`'s path, which the fast path then uses too) up to [`MAX_RECORD_BYTES`].
const INITIAL_OUT: usize = 4 * 1024;

/// `csv-core`'s reader for one delimiter, taken from a per-thread pool and given back to it
/// when the parser is dropped. Building a reader builds its transition table, about 140,000
/// instructions, more than the rest of checking a one-row file; and `csv-core`'s `Clone` for a
/// reader copies only part of that table (a clone never finds a record end: it loops), so a
/// built reader is reused instead, `reset` making it as new.
#[derive(Debug)]
struct PooledReader {
    delimiter: u8,
    reader: Reader,
}

/// Readers kept per thread: enough for a checker's and a fixer's parsers in a few delimiters.
const READER_POOL: usize = 8;

thread_local! {
    static READERS: RefCell<Vec<(u8, Reader)>> = const { RefCell::new(Vec::new()) };
}

impl PooledReader {
    fn new(delimiter: u8) -> PooledReader {
        let pooled = READERS
            .try_with(|pool| {
                let mut pool = pool.try_borrow_mut().ok()?;
                let i = pool.iter().position(|(d, _)| *d == delimiter)?;
                Some(pool.swap_remove(i).1)
            })
            .ok()
            .flatten();
        let reader = match pooled {
            Some(mut r) => {
                r.reset();
                r
            }
            None => ReaderBuilder::new().delimiter(delimiter).build(),
        };
        PooledReader { delimiter, reader }
    }
}

impl Drop for PooledReader {
    fn drop(&mut self) {
        // `Reader::default()` is a plain value: no table is built.
        let reader = std::mem::take(&mut self.reader);
        let delimiter = self.delimiter;
        let _ = READERS.try_with(|pool| {
            if let Ok(mut pool) = pool.try_borrow_mut()
                && pool.len() < READER_POOL
            {
                pool.push((delimiter, reader));
            }
        });
    }
}

impl Parser {
    /// A parser for `delimiter`. Cheap to make (see BENCHMARKS.md, "Set-up cost"): `csv-core`'s
    /// reader comes from a pool, and the buffers start small and grow with the records.
    pub(crate) fn new(delimiter: u8) -> Parser {
        Parser {
            reader: PooledReader::new(delimiter),
            delimiter,
            out: vec![0; INITIAL_OUT],
            out_len: 0,
            ends: vec![0; 256],
            ends_len: 0,
            raw: Vec::new(),
            line: 0,
            after_cr: false,
            endings: LineEndings::default(),
            spill: Vec::new(),
            spill_ends: Vec::new(),
            dropped: false,
            overflow: None,
            fast: true,
        }
    }

    /// Whether `csv-core` is between records, with nothing of the next one read yet.
    #[inline(always)]
    /// Whether the bytes fed so far end between two records, so that a second checker can take
    /// the bytes from here on (see `crate::split`): nothing of a next record read, but the
    /// `\n` of a `\r\n` whose `\r` ended the last one.
    pub(crate) fn at_boundary(&self) -> bool {
        self.overflow.is_none()
            && self.out_len == 0
            && self.ends_len == 0
            && !self.dropped
            && (self.raw.is_empty() || (self.after_cr && self.raw == b"\n"))
    }

    /// The line endings counted so far, with the last record's counted as what the bytes fed
    /// so far make it (`\r\n` when a pending `\n` followed its `\r`). At a boundary.
    pub(crate) fn settled_endings(&self) -> LineEndings {
        let mut e = self.endings;
        if self.after_cr {
            if self.raw.first() == Some(&b'\n') {
                e.crlf += 1;
            } else {
                e.cr += 1;
            }
        }
        e
    }

    /// Lines completed so far.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Takes a second checker's lines and line endings (see `crate::split`).
    pub(crate) fn add(&mut self, lines: u64, endings: LineEndings) {
        self.line += lines;
        self.endings.crlf += endings.crlf;
        self.endings.lf += endings.lf;
        self.endings.cr += endings.cr;
    }

    fn at_record_start(&self) -> bool {
        self.raw.is_empty()
            && self.overflow.is_none()
            && self.out_len == 0
            && self.ends_len == 0
            && !self.dropped
    }

    /// Reads the record at the start of `rest` with [`split_line`] when it can: a record that
    /// ends in this chunk, on one line, under the limits, with no quote or only quoted fields
    /// that hold no quote and no line break. Returns the bytes it read (the record's raw bytes,
    /// terminator included), or 0 to leave the record to `csv-core`, which then reads it as it
    /// would have anyway: `csv-core` is between records before and after such a record (it
    /// would skip the `\n` of a `\r\n` either way), and the rest of the bookkeeping is
    /// [`Parser::emit`]'s, as for any record: done here in the few steps such a record needs
    /// (no blank line before it, no quoting problem, one line break, its last byte).
    #[inline]
    fn split_fast(&mut self, rest: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> usize {
        // The `\n` of the previous record's `\r\n` starts this one's raw bytes.
        let lead = usize::from(self.after_cr && rest.first() == Some(&b'\n'));
        let Some((term, len, fields)) =
            split_line(&rest[lead..], self.delimiter, &mut self.out, &mut self.ends)
        else {
            return 0;
        };
        let n = lead + term + 1;
        if term + 1 > MAX_RECORD_BYTES {
            // Cut at the limit, as `emit` does for any record.
            self.out_len = len;
            self.ends_len = fields;
            self.emit(&rest[..n], None, false, true, sink);
            return n;
        }
        // What `emit_blanks` does before a record that starts with no line break.
        if self.after_cr {
            self.after_cr = false;
            if lead == 1 {
                self.endings.crlf += 1;
            } else {
                self.endings.cr += 1;
            }
        }
        let record_line = self.line + 1;
        // `split_line` ends the record at its line break: a `\r` tells its style with the next
        // record, an `\n` now.
        if rest.get(n - 1) == Some(&b'\r') {
            self.after_cr = true;
        } else {
            self.endings.lf += 1;
        }
        self.line += 1;
        sink(Event::Record(RawRecord {
            line: record_line,
            data: self.out.get(..len).unwrap_or_default(),
            ends: self.ends.get(..fields).unwrap_or_default(),
            quote_problem: None,
            cut: None,
        }));
        n
    }

    /// Keeps a piece of the current record's raw bytes (cut by the end of a chunk) for when the
    /// record completes. Blank lines before the record are handed on at once; past
    /// [`MAX_RECORD_BYTES`] only the bytes' line breaks and last bytes are kept.
    fn keep_raw(&mut self, mut piece: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        if self.raw.is_empty() && self.overflow.is_none() && !piece.is_empty() {
            piece = &piece[self.emit_blanks(piece, true, sink)..];
        }
        if let Some(o) = self.overflow.as_mut() {
            o.feed(piece);
            return;
        }
        let room = MAX_RECORD_BYTES - self.raw.len();
        if piece.len() <= room {
            self.raw.extend_from_slice(piece);
        } else {
            self.raw.extend_from_slice(&piece[..room]);
            let mut o = Overflow::new(&self.raw);
            o.feed(&piece[room..]);
            self.overflow = Some(o);
        }
    }

    /// Feeds text; `input` empty means the end of the file.
    ///
    /// A record's raw bytes are read straight from `input` when the record lies within it (the
    /// usual case); only a record cut by the end of a chunk is copied, into `raw`, to be completed
    /// by the next chunk.
    pub(crate) fn feed(&mut self, input: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        let at_end = input.is_empty();
        // Bytes of `input` consumed so far, and where the current record's bytes begin.
        let (mut pos, mut start) = (0usize, 0usize);
        loop {
            // The common record, whole in this chunk, is split here without `csv-core`.
            if self.fast && pos < input.len() && self.at_record_start() {
                let n = self.split_fast(&input[pos..], sink);
                if n > 0 {
                    pos += n;
                    start = pos;
                    continue;
                }
            }
            // `csv-core` reads empty input as the end of the file: only give it that at the end.
            if pos == input.len() && !at_end {
                self.keep_raw(&input[start..pos], sink);
                return;
            }
            // Past the limits, `csv-core` writes into the spill buffers, which are dropped.
            let out_full = self.out_len == self.out.len();
            let ends_full = self.ends_len == self.ends.len();
            let (res, nin, nout, nend) = self.reader.reader.read_record(
                &input[pos..],
                if out_full {
                    &mut self.spill
                } else {
                    &mut self.out[self.out_len..]
                },
                if ends_full {
                    &mut self.spill_ends
                } else {
                    &mut self.ends[self.ends_len..]
                },
            );
            pos += nin;
            // `csv-core` gives ends relative to the record's start across calls already.
            if !out_full {
                self.out_len += nout;
            }
            if !ends_full {
                self.ends_len += nend;
            }
            self.dropped |= (out_full && nout > 0) || (ends_full && nend > 0);
            match res {
                ReadRecordResult::InputEmpty => {
                    if at_end {
                        continue;
                    }
                    self.keep_raw(&input[start..pos], sink);
                    return;
                }
                ReadRecordResult::OutputFull => {
                    let n = self.out.len();
                    if n < MAX_RECORD_BYTES {
                        self.out.resize((n * 2).min(MAX_RECORD_BYTES), 0);
                    } else if self.spill.is_empty() {
                        self.spill = vec![0; 64 * 1024];
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len();
                    if n < MAX_FIELDS {
                        self.ends.resize((n * 2).min(MAX_FIELDS), 0);
                    } else if self.spill_ends.is_empty() {
                        self.spill_ends = vec![0; 4096];
                    }
                }
                ReadRecordResult::Record => {
                    if self.raw.is_empty() && self.overflow.is_none() {
                        self.emit(&input[start..pos], None, at_end, false, sink);
                    } else {
                        // The record began in an earlier chunk.
                        self.keep_raw(&input[start..pos], sink);
                        let raw = std::mem::take(&mut self.raw);
                        let overflow = self.overflow.take();
                        self.emit(&raw, overflow, at_end, false, sink);
                        self.raw = raw;
                        self.raw.clear();
                    }
                    start = pos;
                }
                ReadRecordResult::End => {
                    // Trailing blank lines after the last record.
                    let mut raw = std::mem::take(&mut self.raw);
                    raw.extend_from_slice(&input[start..pos]);
                    if !raw.is_empty() || self.after_cr {
                        self.emit_blanks(&raw, false, sink);
                    }
                    raw.clear();
                    self.raw = raw;
                    return;
                }
            }
        }
    }

    /// Hands on a record whose raw bytes (leading blank lines included) are `raw`, followed by
    /// `overflow` when the record was cut across chunks; `at_end` says the end of the file
    /// ended it. `simple` says [`split_line`] read it: its quotes, if any, are well formed and
    /// its only line break is its terminator.
    fn emit(
        &mut self,
        raw: &[u8],
        overflow: Option<Overflow>,
        at_end: bool,
        simple: bool,
        sink: &mut dyn FnMut(Event<'_>),
    ) {
        let start = self.emit_blanks(raw, false, sink);
        let raw = &raw[start..];
        let record_line = self.line + 1;
        // A record over the limit is cut the same way whether it came in one chunk or many:
        // the first MAX_RECORD_BYTES of its text are kept, the rest only counted.
        let overflow = overflow.or_else(|| {
            (raw.len() > MAX_RECORD_BYTES).then(|| {
                let mut o = Overflow::new(&raw[..MAX_RECORD_BYTES]);
                o.feed(&raw[MAX_RECORD_BYTES..]);
                o
            })
        });
        let raw = &raw[..raw.len().min(MAX_RECORD_BYTES)];
        if overflow.is_some() || self.dropped {
            self.emit_cut(raw, overflow, at_end, record_line, sink);
            return;
        }
        let quoted = !simple && has_quote(raw);
        let problem = if quoted {
            quote_problem(raw, self.delimiter)
        } else {
            None
        };
        // Count the record's line breaks (inside quotes too) for line numbers; only its
        // terminator, at the very end, tells the file's line-ending style: Excel writes LF inside
        // a multi-line cell and CRLF between rows, and that is not "mixed". Without a quote, the
        // only line break is the terminator, the record's last byte (`csv-core` ends a record
        // at its `\r`; an `\n` after it is seen with the next record).
        let n = raw.len();
        let mut i = if quoted { 0 } else { n };
        if !quoted {
            match raw.last() {
                Some(b'\r') => {
                    self.after_cr = true;
                    self.line += 1;
                }
                Some(b'\n') => {
                    self.endings.lf += 1;
                    self.line += 1;
                }
                _ => {}
            }
        }
        while i < n
            && let Some(p) = memchr::memchr2(b'\n', b'\r', &raw[i..])
        {
            let at = i + p;
            if raw[at] == b'\r' {
                if raw.get(at + 1) == Some(&b'\n') {
                    if at + 2 == n {
                        self.endings.crlf += 1;
                    }
                    i = at + 2;
                } else if at + 1 == n {
                    // A CR ending the record; whether an LF follows is seen with the next record.
                    self.after_cr = true;
                    self.line += 1;
                    i = at + 1;
                    continue;
                } else {
                    i = at + 1;
                }
            } else {
                if at + 1 == n {
                    self.endings.lf += 1;
                }
                i = at + 1;
            }
            self.line += 1;
        }
        sink(Event::Record(RawRecord {
            line: record_line,
            data: &self.out[..self.out_len],
            ends: &self.ends[..self.ends_len],
            quote_problem: problem,
            cut: None,
        }));
        self.out_len = 0;
        self.ends_len = 0;
    }

    /// Hands on a record that was over the limits: its kept text `raw` (at most
    /// [`MAX_RECORD_BYTES`]), what followed it, and its cells as far as they were kept.
    fn emit_cut(
        &mut self,
        raw: &[u8],
        overflow: Option<Overflow>,
        at_end: bool,
        record_line: u64,
        sink: &mut dyn FnMut(Event<'_>),
    ) {
        let mut counter = Overflow::new(&[]);
        counter.feed(raw);
        let (mut breaks, mut len, mut last) = (counter.breaks, raw.len() as u64, counter.last);
        if let Some(o) = overflow {
            // `o` started from the kept part's last bytes, so a `\r\n` split between the two
            // is counted once.
            breaks += o.breaks;
            len += o.len;
            if o.len > 0 {
                last = o.last;
            }
        }
        self.line += breaks;
        match last {
            [b'\r', b'\n'] => self.endings.crlf += 1,
            [_, b'\n'] => self.endings.lf += 1,
            [_, b'\r'] => self.after_cr = true,
            _ => {}
        }
        // Only the kept text is checked for quotes; a quote still open where it was cut is a
        // problem only when the end of the file closed the record.
        let problem = match quote_problem_reference(raw, self.delimiter) {
            Some(QuoteProblem::Unterminated { .. }) if !at_end => None,
            p => p,
        };
        // The cells' text is cut at a character boundary, and fields past it read as empty.
        let mut kept = self.out_len;
        if let Err(e) = std::str::from_utf8(&self.out[..kept])
            && e.error_len().is_none()
        {
            kept = e.valid_up_to();
        }
        for end in &mut self.ends[..self.ends_len] {
            *end = (*end).min(kept);
        }
        sink(Event::Record(RawRecord {
            line: record_line,
            data: &self.out[..kept],
            ends: &self.ends[..self.ends_len],
            quote_problem: problem,
            cut: Some(len),
        }));
        self.out_len = 0;
        self.ends_len = 0;
        self.dropped = false;
    }

    /// Emits the blank lines at the start of `raw`; returns where the record begins. With
    /// `partial`, `raw` is a piece cut by the end of a chunk: a `\r` ending it is a blank line
    /// whether or not a `\n` follows, which the next piece tells (as after a record's `\r`).
    fn emit_blanks(&mut self, raw: &[u8], partial: bool, sink: &mut dyn FnMut(Event<'_>)) -> usize {
        let mut i = 0;
        if self.after_cr {
            self.after_cr = false;
            if raw.first() == Some(&b'\n') {
                self.endings.crlf += 1;
                i = 1;
            } else {
                self.endings.cr += 1;
            }
        }
        while i < raw.len() {
            match raw[i] {
                b'\n' => {
                    self.endings.lf += 1;
                    i += 1;
                }
                b'\r' if raw.get(i + 1) == Some(&b'\n') => {
                    self.endings.crlf += 1;
                    i += 2;
                }
                b'\r' if partial && i + 1 == raw.len() => {
                    self.after_cr = true;
                    i += 1;
                }
                b'\r' => {
                    self.endings.cr += 1;
                    i += 1;
                }
                _ => break,
            }
            self.line += 1;
            sink(Event::BlankLine { line: self.line });
        }
        i
    }
}

/// Whether `raw` holds a `"`: eight bytes at a time for a short record (most are under 200
/// bytes, where `memchr`'s set-up costs more than the search), `memchr` for a long one.
#[inline]
fn has_quote(raw: &[u8]) -> bool {
    if raw.len() > 256 {
        return memchr::memchr(b'"', raw).is_some();
    }
    let mut words = raw.chunks_exact(8);
    let mut found = 0;
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().unwrap_or_default()) ^ (ONES * u64::from(b'"'));
        found |= zero_bytes(x);
    }
    found != 0 || words.remainder().contains(&b'"')
}

use crate::simd::word::{HIGH, ONES, unprintable, zero_bytes};

/// The 16 bytes at `p`, zero past the end of `b`.
#[inline(always)]
fn block_at(b: &[u8], p: usize) -> [u8; 16] {
    match b.get(p..p + 16) {
        Some(w) => w.try_into().unwrap_or_default(),
        None => {
            let mut w = [0u8; 16];
            let tail = b.get(p..).unwrap_or_default();
            w[..tail.len()].copy_from_slice(tail);
            w
        }
    }
}

/// Which of 16 bytes are the delimiter, quotes, and line breaks (`\r` or `\n`), as bitmasks
/// (bit `i`: byte `i`): vector compares where the target has 16-byte vectors, a word at a
/// time otherwise.
#[inline(always)]
fn block_masks(b: [u8; 16], delimiter: u8) -> [u32; 3] {
    if !crate::simd::VECTORS {
        return block_masks_by_words(b, delimiter);
    }
    let x = crate::simd::Block::new(b);
    [x.eq(delimiter), x.eq(b'"'), x.eq(b'\r') | x.eq(b'\n')]
}

/// [`block_masks`] eight bytes at a time in plain integers, for targets without 16-byte
/// vectors (the tests compare the two everywhere).
#[inline(always)]
fn block_masks_by_words(b: [u8; 16], delimiter: u8) -> [u32; 3] {
    // The high bit of each byte equal to `c`, exactly; then one bit a byte, gathered by a
    // multiply (every partial product lands on its own bit, so nothing carries).
    let equal = |x: u64, c: u8| {
        let y = x ^ (ONES * u64::from(c));
        !(((y & !HIGH) + !HIGH) | y) & HIGH
    };
    let gather = |m: u64| (((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56) as u32;
    let mut lo = [0u8; 8];
    let mut hi = [0u8; 8];
    lo.copy_from_slice(&b[..8]);
    hi.copy_from_slice(&b[8..]);
    let (lo, hi) = (u64::from_le_bytes(lo), u64::from_le_bytes(hi));
    let mask = |f: &dyn Fn(u64) -> u64| gather(f(lo)) | (gather(f(hi)) << 8);
    [
        mask(&|x| equal(x, delimiter)),
        mask(&|x| equal(x, b'"')),
        mask(&|x| equal(x, b'\r') | equal(x, b'\n')),
    ]
}

/// Whether every byte is printable ASCII or a space (0x20–0x7E): then the bytes are UTF-8, every
/// index is a character boundary, and no cell holds a byte that R012, R013 or R018 look for.
/// 16 bytes at a time (the last block overlapping the one before).
pub(crate) fn is_plain(b: &[u8]) -> bool {
    if !crate::simd::VECTORS {
        return is_plain_by_words(b);
    }
    use crate::simd::Block;
    let plain = |x: Block| x.within(0x20, 0x7E) == 0xFFFF;
    let n = b.len();
    if n < 16 {
        // Padded with spaces.
        let mut w = [b' '; 16];
        w[..n].copy_from_slice(b);
        return plain(Block::new(w));
    }
    let (blocks, _) = b.as_chunks::<16>();
    blocks.iter().all(|w| plain(Block::new(*w)))
        && plain(Block::new(b[n - 16..].try_into().unwrap_or([0; 16])))
}

/// [`is_plain`] eight bytes at a time in plain integers (the tests compare the two everywhere).
fn is_plain_by_words(b: &[u8]) -> bool {
    let bad = unprintable;
    let (words, tail) = b.as_chunks::<8>();
    let mut acc = 0;
    for w in words {
        acc |= bad(u64::from_le_bytes(*w));
    }
    let mut w = [b' '; 8];
    w[..tail.len()].copy_from_slice(tail);
    (acc | bad(u64::from_le_bytes(w))) == 0
}

/// Copies `src[from..to]` to `out[o..]` 16 bytes at a time, reading up to 15 bytes past `to`
/// and writing as many past the copy's end (which the next field overwrites or the record's
/// length leaves out); in one piece near the end of `src`. `false` when `out` is too short.
#[inline(always)]
fn copy_field(src: &[u8], from: usize, to: usize, out: &mut [u8], o: usize) -> bool {
    let len = to - from;
    // Most fields are shorter than 16 bytes: one block, two bounds checks.
    if len < 16
        && let (Some(s), Some(d)) = (src.get(from..from + 16), out.get_mut(o..o + 16))
    {
        d.copy_from_slice(s);
        return true;
    }
    let Some(dst) = out.get_mut(o..o + len + 16) else {
        return false;
    };
    match src.get(from..to + 16) {
        Some(s) => {
            let (d, _) = dst.as_chunks_mut::<16>();
            let (s, _) = s.as_chunks::<16>();
            for (d, s) in d.iter_mut().zip(s) {
                *d = *s;
            }
        }
        None => dst[..len].copy_from_slice(&src[from..to]),
    }
    true
}

/// Where the first quote or line break of `b` is, 16 bytes at a time (a quoted field is
/// usually short, where `memchr3`'s set-up costs more than the search); looks no further than
/// a record may reach.
#[inline(always)]
fn quote_or_break(b: &[u8], delimiter: u8) -> Option<usize> {
    let mut i = 0;
    while i < b.len().min(MAX_RECORD_BYTES + 16) {
        let [_, quotes, breaks] = block_masks(block_at(b, i), delimiter);
        // Past the end of `b` the block holds zeros, neither.
        let m = quotes | breaks;
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    None
}

/// Splits the record at the start of `rest` (the rest of a chunk, from where the record's line
/// begins) into `out` and `ends` as `csv-core` would, 16 bytes at a time, for the records that
/// make up nearly every file: one line, fields with no quote or quoted whole with no quote or
/// line break inside (`"Manager, Sales"`). Returns where the line's terminator is, the data's
/// length and the number of fields; or `None` for anything else (a doubled or stray quote,
/// text after a closing quote, a line break inside quotes, no line break in `rest`, more
/// fields than `ends` holds, a line longer than [`MAX_RECORD_BYTES`] or than `out`), which
/// `csv-core` then reads.
///
/// `csv-core` is the reference: a property test feeds both the same bytes in any chunks and
/// asks for the same events.
fn split_line(
    rest: &[u8],
    delimiter: u8,
    out: &mut [u8],
    ends: &mut [usize],
) -> Option<(usize, usize, usize)> {
    // `p`: the next byte to look at; `fs`: where the current field starts; `o`: the data
    // written so far; `f`: the fields ended so far.
    let (mut p, mut fs, mut o, mut f) = (0usize, 0usize, 0usize, 0usize);
    loop {
        // A field starting with a quote: read to the closing quote, which must end the field.
        if p == fs && rest.get(p) == Some(&b'"') {
            let close = p + 1 + quote_or_break(&rest[p + 1..], delimiter)?;
            if rest[close] != b'"' || !copy_field(rest, p + 1, close, out, o) {
                return None;
            }
            o += close - p - 1;
            *ends.get_mut(f)? = o;
            f += 1;
            match rest.get(close + 1) {
                _ if close >= MAX_RECORD_BYTES => return None,
                Some(b'\r' | b'\n') => return Some((close + 1, o, f)),
                Some(&c) if c == delimiter => {}
                _ => return None,
            }
            fs = close + 2;
            p = fs;
            continue;
        }
        if p > MAX_RECORD_BYTES || p >= rest.len() {
            return None;
        }
        let [mut delims, quotes, breaks] = block_masks(block_at(rest, p), delimiter);
        // Only what comes before the first quote or line break: the quote must open a field,
        // the line break ends the record.
        let stop = quotes | breaks;
        if stop != 0 {
            delims &= (1u32 << stop.trailing_zeros()) - 1;
        }
        while delims != 0 {
            let e = p + delims.trailing_zeros() as usize;
            if !copy_field(rest, fs, e, out, o) {
                return None;
            }
            o += e - fs;
            *ends.get_mut(f)? = o;
            f += 1;
            fs = e + 1;
            delims &= delims - 1;
        }
        if stop == 0 {
            p += 16;
            continue;
        }
        let q = p + stop.trailing_zeros() as usize;
        if quotes & stop & stop.wrapping_neg() != 0 {
            if fs != q {
                // A quote inside an unquoted field.
                return None;
            }
            p = q;
            continue;
        }
        // The line ends at `q`: so does its last field (empty if a delimiter ended it); a
        // blank line is not for here.
        if q == 0 || q > MAX_RECORD_BYTES || !copy_field(rest, fs, q, out, o) {
            return None;
        }
        o += q - fs;
        *ends.get_mut(f)? = o;
        return Some((q, o, f + 1));
    }
}

/// Re-reads a record's raw text with strict RFC 4180 rules to name what `csv-core` forgave.
///
/// `raw` is one record as `csv-core` cut it, so outside quotes the only line break is the
/// terminator at its end. A third of a typical file's records hold a quoted title, so the usual
/// answer, "no problem", is found by jumping from quote to quote; only a record that fails that
/// test is walked byte by byte to name its problem and the field it is in.
fn quote_problem(raw: &[u8], delimiter: u8) -> Option<QuoteProblem> {
    if quotes_well_formed(raw, delimiter) {
        #[cfg(debug_assertions)]
        debug_assert_eq!(
            quote_problem_reference(raw, delimiter),
            None,
            "the quick quote check passed a record its reference rejects: {:?}",
            String::from_utf8_lossy(raw)
        );
        None
    } else {
        quote_problem_reference(raw, delimiter)
    }
}

/// Whether every quote of the record opens a field (first byte, or right after a delimiter),
/// is doubled inside a quoted field, or closes one (followed by a delimiter, a line break or the
/// end), and every quoted field closes.
fn quotes_well_formed(raw: &[u8], delimiter: u8) -> bool {
    let mut p = 0;
    let mut inside = false;
    while let Some(k) = memchr::memchr(b'"', &raw[p..]) {
        let q = p + k;
        if inside {
            match raw.get(q + 1) {
                Some(b'"') => {
                    p = q + 2;
                    continue;
                }
                None | Some(b'\n' | b'\r') => return true,
                Some(&c) if c == delimiter => inside = false,
                Some(_) => return false,
            }
        } else {
            if q > 0 && raw[q - 1] != delimiter {
                return false;
            }
            inside = true;
        }
        p = q + 1;
    }
    !inside
}

/// The byte-by-byte check: the definition of a quoting problem, and the way to name it. The
/// quick test in [`quote_problem`] is asserted against it in debug builds, so every test run
/// checks the two agree.
fn quote_problem_reference(raw: &[u8], delimiter: u8) -> Option<QuoteProblem> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut s = S::Start;
    let mut field = 0;
    for &b in raw {
        s = match (s, b) {
            (S::Start, b'"') => S::Quoted,
            (S::Start | S::Unquoted, b'\n' | b'\r') => return None,
            (S::Start | S::Unquoted, d) if d == delimiter => {
                field += 1;
                S::Start
            }
            (S::Unquoted, b'"') => return Some(QuoteProblem::StrayQuote { field }),
            (S::Start | S::Unquoted, _) => S::Unquoted,
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (S::QuoteInQuoted, d) if d == delimiter => {
                field += 1;
                S::Start
            }
            (S::QuoteInQuoted, b'\n' | b'\r') => return None,
            (S::QuoteInQuoted, _) => return Some(QuoteProblem::TextAfterQuote { field }),
        };
    }
    (s == S::Quoted).then_some(QuoteProblem::Unterminated { field })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> (Vec<String>, LineEndings) {
        parse_with(chunks, b',', true)
    }

    /// Every event in a readable form, with the line-ending counts; `fast` false reads every
    /// record with `csv-core`, the reference the fast path must agree with.
    fn parse_with(chunks: &[&[u8]], delimiter: u8, fast: bool) -> (Vec<String>, LineEndings) {
        let mut p = Parser::new(delimiter);
        p.fast = fast;
        let mut out = Vec::new();
        let mut sink = |e: Event<'_>| match e {
            Event::BlankLine { line } => out.push(format!("{line}:<blank>")),
            Event::Record(r) => {
                let mut fields = Vec::new();
                let mut start = 0;
                for &end in r.ends {
                    fields.push(String::from_utf8_lossy(&r.data[start..end]).into_owned());
                    start = end;
                }
                out.push(format!(
                    "{}:{}{}{}",
                    r.line,
                    fields.join("|"),
                    match r.quote_problem {
                        Some(q) => format!(" !{q:?}"),
                        None => String::new(),
                    },
                    match r.cut {
                        Some(n) => format!(" cut {n}"),
                        None => String::new(),
                    }
                ));
            }
        };
        for c in chunks {
            p.feed(c, &mut sink);
        }
        p.feed(b"", &mut sink);
        let endings = p.endings;
        (out, endings)
    }

    #[test]
    fn lines_blanks_and_quotes_are_tracked() {
        let (recs, endings) = parse(&[b"a,b\r\n\r\n\"multi\r\nline\",c\r\nd,e\"f\r\n"]);
        assert_eq!(
            recs,
            [
                "1:a|b",
                "2:<blank>",
                "3:multi\r\nline|c",
                "5:d|e\"f !StrayQuote { field: 1 }"
            ]
        );
        // The CRLF inside the quoted cell is not a row ending.
        assert_eq!(endings.crlf, 4);
        assert_eq!(endings.kinds(), 1);
    }

    #[test]
    fn a_multi_line_cell_is_not_a_mixed_line_ending() {
        // Excel: LF inside the cell, CRLF between rows.
        let (recs, endings) = parse(&[b"a,b\r\n\"Manager,\nSales\",x\r\nc,d\r\n"]);
        assert_eq!(recs, ["1:a|b", "2:Manager,\nSales|x", "4:c|d"]);
        assert_eq!((endings.crlf, endings.lf, endings.cr), (3, 0, 0));
    }

    #[test]
    fn chunk_boundaries_do_not_change_the_result() {
        let whole: &[u8] = b"h1,h2\r\nx,\"y\"\"z\"\r\n\n1,2";
        let (a, ea) = parse(&[whole]);
        for cut in 1..whole.len() {
            let (b, eb) = parse(&[&whole[..cut], &whole[cut..]]);
            assert_eq!(a, b, "cut at {cut}");
            assert_eq!(ea, eb, "cut at {cut}");
        }
        assert_eq!(a, ["1:h1|h2", "2:x|y\"z", "3:<blank>", "4:1|2"]);
    }

    proptest::proptest! {
        /// Records full of quotes, delimiters and line breaks: in debug builds every quoted
        /// record is checked against the byte-by-byte reference of the quote check, and any
        /// chunking must give the same records.
        #[test]
        fn quote_check_matches_its_reference(
            text in "[a,\"\r\n]{0,60}",
            cut in 0usize..61,
        ) {
            let bytes = text.as_bytes();
            let cut = cut.min(bytes.len());
            let whole = parse(&[bytes]);
            let split = parse(&[&bytes[..cut], &bytes[cut..]]);
            proptest::prop_assert_eq!(whole, split);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The fast path reads every record exactly as `csv-core` does: the same fields, lines,
        /// blank lines, quoting problems and line endings, in any chunks, with either delimiter.
        #[test]
        fn fast_path_agrees_with_csv_core(
            text in "([ab;,\"\r\n]|\"[a,;]*\"|[ab]{8,20}){0,40}",
            cuts in proptest::collection::vec(0usize..400, 0..4),
            semicolon in proptest::bool::ANY,
        ) {
            let bytes = text.as_bytes();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            // An empty chunk means the end of the file: the pipeline never feeds one before.
            let mut chunks = Vec::new();
            let mut from = 0;
            for c in cuts.into_iter().chain([bytes.len()]) {
                if c > from {
                    chunks.push(&bytes[from..c]);
                    from = c;
                }
            }
            let delimiter = if semicolon { b';' } else { b',' };
            let fast = parse_with(&chunks, delimiter, true);
            let reference = parse_with(&[bytes], delimiter, false);
            proptest::prop_assert_eq!(fast, reference);
        }
    }

    proptest::proptest! {
        /// The word-at-a-time masks equal the vector ones (and the plain definition).
        #[test]
        fn block_masks_agree(
            b in proptest::array::uniform16(proptest::prop_oneof![
                proptest::strategy::Just(b'"'),
                proptest::strategy::Just(b','),
                proptest::strategy::Just(b'-'),
                proptest::strategy::Just(b'\r'),
                proptest::strategy::Just(b'\n'),
                proptest::num::u8::ANY,
            ]),
            d in proptest::prop_oneof![proptest::strategy::Just(b','), proptest::num::u8::ANY],
        ) {
            let mut plain = [0u32; 3];
            for (i, &c) in b.iter().enumerate() {
                plain[0] |= u32::from(c == d) << i;
                plain[1] |= u32::from(c == b'"') << i;
                plain[2] |= u32::from(c == b'\r' || c == b'\n') << i;
            }
            proptest::prop_assert_eq!(block_masks(b, d), plain);
            proptest::prop_assert_eq!(block_masks_by_words(b, d), plain);
        }
    }

    proptest::proptest! {
        /// Both ways of telling plain text agree with the definition, on any bytes and lengths.
        #[test]
        fn plain_text_is_told_exactly(
            b in proptest::collection::vec(proptest::prop_oneof![
                0x20u8..=0x7E,
                0x20u8..=0x7E,
                proptest::num::u8::ANY,
            ], 0..70),
        ) {
            let want = b.iter().all(|c| (0x20..=0x7E).contains(c));
            proptest::prop_assert_eq!(is_plain(&b), want);
            proptest::prop_assert_eq!(is_plain_by_words(&b), want);
        }
    }

    #[test]
    fn fast_path_cases() {
        let cases: &[&[u8]] = &[
            b"a,b,c\r\nd,e,f\r\n",
            b"a,b,\r\n,,\n,\r",
            b"\"Manager, Sales\",x\r\n\"\",\"\"\r\n\"a\"\"b\",c\r\n",
            b"abcdefgh,\"ijklmnop\",qrstuvwx,\"yz\"\r\n12345678\"9,0\r\nabcdefg,\"h\"i\n",
            b"olivia.kakaka.0@acme.com,Olivia,Kakaka,\"Analyst, Finance\",E0000000,Active,yes,,,London Office\r\n",
            b"\"open\r\nline\",b\r\n\"x\"\r\n\r\n\n\"",
            b"a,\"b\"",
            b"a,b",
        ];
        for case in cases {
            let reference = parse_with(&[case], b',', false);
            for cut in 1..case.len() {
                let fast = parse_with(&[&case[..cut], &case[cut..]], b',', true);
                assert_eq!(
                    fast,
                    reference,
                    "{:?} cut at {cut}",
                    String::from_utf8_lossy(case)
                );
            }
        }
    }

    /// Records over the limits are cut the same way whatever the chunking, and the lines after
    /// them keep their numbers.
    #[test]
    fn long_records_are_cut_the_same_in_any_chunks() {
        let mut long = b"h1,h2\r\n\r\nx,\"".to_vec();
        // A quoted cell over the limit, with CRLF, lone CR and LF line breaks inside.
        while long.len() < MAX_RECORD_BYTES + 5000 {
            long.extend_from_slice(b"ab\r\ncd\ref\n");
        }
        long.extend_from_slice(b"\"\r\n\r\n1,2\r\n");
        let (whole, ew) = parse(&[&long]);
        assert_eq!(whole.len(), 5, "{:?}", &whole[..1]);
        assert_eq!(whole[0], "1:h1|h2");
        assert_eq!(whole[1], "2:<blank>");
        assert!(whole[2].starts_with("3:x|ab\r\ncd"));
        // 3 breaks per 10 bytes inside the cell, then the blank line and the last record.
        let breaks = (long.len() - 22) / 10 * 3;
        assert_eq!(whole[3], format!("{}:<blank>", 4 + breaks));
        assert_eq!(whole[4], format!("{}:1|2", 5 + breaks));
        for cut in [
            1,
            9,
            12,
            MAX_RECORD_BYTES,
            MAX_RECORD_BYTES + 9,
            MAX_RECORD_BYTES + 10,
            MAX_RECORD_BYTES + 11,
            MAX_RECORD_BYTES + 12,
            long.len() - 9,
            long.len() - 5,
        ] {
            let (split, es) = parse(&[&long[..cut], &long[cut..]]);
            assert_eq!(whole, split, "cut at {cut}");
            assert_eq!(ew, es, "cut at {cut}");
        }
        let pieces: Vec<&[u8]> = long.chunks(4093).collect();
        assert_eq!(parse(&pieces), (whole, ew));
    }

    #[test]
    fn too_many_fields_are_cut() {
        let mut line = vec![b','; MAX_FIELDS + 10];
        line.extend_from_slice(b"\r\na,b\r\n");
        let mut p = Parser::new(b',');
        let mut seen = Vec::new();
        let mut sink = |e: Event<'_>| {
            if let Event::Record(r) = e {
                seen.push((r.line, r.ends.len(), r.cut.is_some()));
            }
        };
        for c in line.chunks(1000) {
            p.feed(c, &mut sink);
        }
        p.feed(b"", &mut sink);
        assert_eq!(seen, [(1, MAX_FIELDS, true), (2, 2, false)]);
    }

    #[test]
    fn unterminated_quote_is_named() {
        assert_eq!(
            quote_problem(b"a,\"open\n,b", b','),
            Some(QuoteProblem::Unterminated { field: 1 })
        );
        assert_eq!(
            quote_problem(b"\"ab\"c,d", b','),
            Some(QuoteProblem::TextAfterQuote { field: 0 })
        );
        assert_eq!(quote_problem(b"\"a\"\"b\",c\r\n", b','), None);
    }
}

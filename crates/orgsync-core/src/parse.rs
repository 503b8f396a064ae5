//! RFC 4180 parsing on top of `csv-core` (the push parser inside the `csv` crate), with what the
//! rules need that a plain reader hides: the raw bytes of each record (to find stray quotes and
//! line endings), the physical line where it starts, and the blank lines a reader would skip.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

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
    reader: Reader,
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
}

impl Parser {
    pub(crate) fn new(delimiter: u8) -> Parser {
        Parser {
            reader: ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            out: vec![0; 64 * 1024],
            out_len: 0,
            ends: vec![0; 256],
            ends_len: 0,
            raw: Vec::with_capacity(64 * 1024),
            line: 0,
            after_cr: false,
            endings: LineEndings::default(),
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
            // `csv-core` reads empty input as the end of the file: only give it that at the end.
            if pos == input.len() && !at_end {
                self.raw.extend_from_slice(&input[start..pos]);
                return;
            }
            let (res, nin, nout, nend) = self.reader.read_record(
                &input[pos..],
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            pos += nin;
            // `csv-core` gives ends relative to the record's start across calls already.
            self.out_len += nout;
            self.ends_len += nend;
            match res {
                ReadRecordResult::InputEmpty => {
                    if at_end {
                        continue;
                    }
                    self.raw.extend_from_slice(&input[start..pos]);
                    return;
                }
                ReadRecordResult::OutputFull => {
                    let n = self.out.len();
                    self.out.resize(n * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len();
                    self.ends.resize(n * 2, 0);
                }
                ReadRecordResult::Record => {
                    if self.raw.is_empty() {
                        self.emit(&input[start..pos], sink);
                    } else {
                        // The record began in an earlier chunk.
                        let mut raw = std::mem::take(&mut self.raw);
                        raw.extend_from_slice(&input[start..pos]);
                        self.emit(&raw, sink);
                        raw.clear();
                        self.raw = raw;
                    }
                    start = pos;
                }
                ReadRecordResult::End => {
                    // Trailing blank lines after the last record.
                    let mut raw = std::mem::take(&mut self.raw);
                    raw.extend_from_slice(&input[start..pos]);
                    if !raw.is_empty() || self.after_cr {
                        self.emit_leading_blanks(&raw, sink);
                    }
                    raw.clear();
                    self.raw = raw;
                    return;
                }
            }
        }
    }

    /// Hands on a record whose raw bytes (leading blank lines included) are `raw`.
    fn emit(&mut self, raw: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        let start = self.emit_leading_blanks(raw, sink);
        let raw = &raw[start..];
        let record_line = self.line + 1;
        let quoted = memchr::memchr(b'"', raw).is_some();
        let problem = if quoted {
            quote_problem(raw, self.delimiter)
        } else {
            None
        };
        // Count the record's line breaks (inside quotes too) for line numbers; only its
        // terminator, at the very end, tells the file's line-ending style: Excel writes LF inside
        // a multi-line cell and CRLF between rows, and that is not "mixed". Without a quote, the
        // only line break is the terminator, the record's last byte.
        let mut i = if quoted {
            0
        } else {
            raw.len().saturating_sub(1)
        };
        let n = raw.len();
        while let Some(p) = memchr::memchr2(b'\n', b'\r', &raw[i..]) {
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
        }));
        self.out_len = 0;
        self.ends_len = 0;
    }

    /// Emits the blank lines at the start of `raw`; returns where the record begins.
    fn emit_leading_blanks(&mut self, raw: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> usize {
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
        let mut p = Parser::new(b',');
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
                    "{}:{}{}",
                    r.line,
                    fields.join("|"),
                    if r.quote_problem.is_some() { " !" } else { "" }
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
            ["1:a|b", "2:<blank>", "3:multi\r\nline|c", "5:d|e\"f !"]
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

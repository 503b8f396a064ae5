//! A data row as every pass sees it: decoded to text, its cells borrowed from the parser's
//! buffer, with the facts of where it stands in the file and how it was decoded.

use crate::input::Encoding;
use crate::parse::QuoteProblem;

/// A data row, decoded to text. Cells past the row's end read as empty.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    /// 0-based index among the records after the header (blank rows included).
    pub record: u64,
    /// Spreadsheet row (header = 1).
    pub row: u64,
    /// 1-based physical line where the row starts.
    pub line: u64,
    pub text: &'a str,
    pub ends: &'a [usize],
    /// The record's text holds characters that exist only because its bytes were decoded in a
    /// guessed encoding: no safe fix may remove them (R012 offers its fix as a suggestion).
    pub legacy: bool,
    /// The record's own bytes, when its text was decoded from another encoding: the corrected
    /// file writes untouched cells back byte for byte when it keeps that encoding.
    pub raw: Option<Raw<'a>>,
    /// A quoting problem in the record, if any.
    pub quote_problem: Option<QuoteProblem>,
    /// The row was a blank line (no fields at all).
    pub blank_line: bool,
    /// Every byte of `text` is printable ASCII or a space (`parse::is_plain`): the row rules'
    /// fast path then need not look for unusual bytes cell by cell.
    pub plain: bool,
    /// A workbook's findings about this sheet row (`crate::workbook`); empty for a CSV.
    pub sheet: &'a [crate::Finding],
}

impl<'a> Row<'a> {
    /// Number of fields in the record.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The cell at `i`, or "" past the end. Also "" for a cell whose bounds split a character:
    /// a damaged file can hold a cell ending in a lone UTF-8 lead byte next to one starting
    /// with the continuation byte, which together read as one character of the row's text.
    pub(crate) fn cell(&self, i: usize) -> &'a str {
        match self.ends.get(i) {
            Some(&end) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                // Cell ends are character boundaries (the pipeline reads a record whose cells
                // are not each UTF-8 as Windows-1252); the fix pass's rebuilt rows are too.
                self.text.get(start..end).unwrap_or_default()
            }
            None => "",
        }
    }

    /// Every field of the record.
    pub(crate) fn cells(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.cell(i))
    }

    /// Whether every field is empty.
    pub(crate) fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    /// A finding positioned on this row (and column, when given).
    pub(crate) fn finding(
        &self,
        code: crate::Code,
        column: Option<usize>,
        message: impl Into<String>,
        tip: impl Into<String>,
    ) -> crate::Finding {
        let mut f = crate::Finding::new(code, message, tip);
        f.row = Some(self.row);
        f.line = Some(self.line);
        f.column = column;
        f.value = column.map(|c| self.cell(c).to_string());
        f
    }
}

/// A record's bytes and cell ends, and the encoding its text was decoded from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Raw<'a> {
    pub bytes: &'a [u8],
    pub ends: &'a [usize],
    pub encoding: Encoding,
}

impl<'a> Raw<'a> {
    /// The bytes of cell `i` ("" past the end).
    pub(crate) fn cell(&self, i: usize) -> &'a [u8] {
        match self.ends.get(i) {
            Some(&end) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                self.bytes.get(start..end).unwrap_or_default()
            }
            None => &[],
        }
    }
}

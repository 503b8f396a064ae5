//! Reading chosen rows back from a file, every cell as the engine decoded it: the page's grid of
//! rows with problems shows whole rows (whose row it is), not only the offending cells.
//!
//! The reader runs the file through the same pipeline as the check (same sniffing, decoding and
//! parsing), so a row's cells are exactly those the findings were about. It keeps only the rows
//! asked for, in one text arena.

use crate::engine::{Handler, Pipeline};
use crate::header::Header;
use crate::input::Sniffed;
use crate::row::Row;

/// Collects the cells of chosen rows (spreadsheet numbering, header = 1).
#[derive(Debug)]
pub struct RowReader {
    pipeline: Pipeline,
    keep: Keep,
}

#[derive(Debug, Default)]
struct Keep {
    /// The rows asked for, sorted, deduplicated.
    wanted: Vec<u64>,
    /// Index into `wanted` of the next row to find.
    next: usize,
    rows: Rows,
}

/// The cells of the rows read, in row order.
#[derive(Debug, Default, Clone)]
pub struct Rows {
    /// Each row found: its number and where its cells start in `ends`.
    index: Vec<(u64, u32)>,
    /// Every cell's end in `text`, row after row.
    ends: Vec<u32>,
    text: String,
}

impl Rows {
    /// The cells of `row`, if it was read.
    pub fn get(&self, row: u64) -> Option<Vec<&str>> {
        let at = self.index.binary_search_by_key(&row, |(r, _)| *r).ok()?;
        let from = self.index[at].1 as usize;
        let to = self
            .index
            .get(at + 1)
            .map_or(self.ends.len(), |(_, e)| *e as usize);
        let mut start = if from == 0 {
            0
        } else {
            self.ends[from - 1] as usize
        };
        let mut cells = Vec::with_capacity(to - from);
        for &end in &self.ends[from..to] {
            cells.push(&self.text[start..end as usize]);
            start = end as usize;
        }
        Some(cells)
    }

    /// How many rows were read.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether no row was read.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Bytes held (for callers that bound their memory).
    pub fn heap_bytes(&self) -> usize {
        self.text.len() + self.ends.len() * 4 + self.index.len() * 16
    }
}

impl RowReader {
    /// A reader of the rows `wanted` (spreadsheet numbers, in any order).
    pub fn new(mut wanted: Vec<u64>) -> RowReader {
        wanted.sort_unstable();
        wanted.dedup();
        RowReader {
            pipeline: Pipeline::new(),
            keep: Keep {
                wanted,
                ..Keep::default()
            },
        }
    }

    /// Feeds bytes; any chunking gives the same result.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pipeline.push(bytes, &mut self.keep);
    }

    /// Whether every row asked for has been passed: the caller may stop reading.
    pub fn done(&self) -> bool {
        self.keep.next >= self.keep.wanted.len()
    }

    /// Bytes held so far (callers bound their memory with it).
    pub fn held_bytes(&self) -> usize {
        self.keep.rows.heap_bytes()
    }

    /// Ends the input; the rows found.
    pub fn finish(mut self) -> Rows {
        if !self.done() {
            self.pipeline.finish(&mut self.keep);
        }
        self.keep.rows
    }
}

impl Handler for Keep {
    fn sniffed(&mut self, _sniffed: &Sniffed, _sample: &[u8]) {}

    fn header(&mut self, _header: &Header) {}

    fn row(&mut self, _header: Option<&Header>, row: &Row<'_>) {
        // Blank rows before the header have no number.
        if row.record == u64::MAX {
            return;
        }
        while self.wanted.get(self.next).is_some_and(|&w| w < row.row) {
            self.next += 1;
        }
        if self.wanted.get(self.next) != Some(&row.row) {
            return;
        }
        self.next += 1;
        // The arena's offsets are u32: a page never shows 4 GiB of rows.
        if self.rows.text.len() + row.text.len() > u32::MAX as usize {
            self.next = self.wanted.len();
            return;
        }
        self.rows.index.push((row.row, self.rows.ends.len() as u32));
        for cell in row.cells() {
            self.rows.text.push_str(cell);
            self.rows.ends.push(self.rows.text.len() as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rows_asked_for_whatever_the_chunking() {
        let file = "email,first,last\r\na@x.com, Sam ,Lee\r\nb@x.com,\"Ann, Jr\",Kay\r\n\r\nc@x.com,Bo\r\n";
        for chunk in [1, 3, 7, file.len()] {
            let mut r = RowReader::new(vec![5, 3, 2, 9]);
            for piece in file.as_bytes().chunks(chunk) {
                r.push(piece);
            }
            let rows = r.finish();
            assert_eq!(rows.len(), 3, "chunk {chunk}");
            assert_eq!(rows.get(2), Some(vec!["a@x.com", " Sam ", "Lee"]));
            assert_eq!(rows.get(3), Some(vec!["b@x.com", "Ann, Jr", "Kay"]));
            assert_eq!(rows.get(5), Some(vec!["c@x.com", "Bo"]));
            assert_eq!(rows.get(4), None, "not asked for");
            assert_eq!(rows.get(9), None, "past the end");
        }
    }

    #[test]
    fn numbers_rows_as_the_checker_does() {
        // A check's findings name rows; the reader must give those rows' cells.
        let file =
            "primary_email_address,preferred_first_name\nok@northwind.com,Ann\nbad email,Bob\n";
        let report = crate::check(file.as_bytes(), crate::Options::default());
        let row = report
            .findings
            .iter()
            .find(|f| f.value.as_deref() == Some("bad email"))
            .and_then(|f| f.row)
            .expect("a finding on the bad address");
        let mut r = RowReader::new(vec![row]);
        r.push(file.as_bytes());
        assert_eq!(r.finish().get(row), Some(vec!["bad email", "Bob"]));
    }

    #[test]
    fn legacy_bytes_are_decoded_as_the_check_decodes_them() {
        let mut file = b"email,name\r\nx@y.com,Ren".to_vec();
        file.push(0xE9); // é in Windows-1252
        file.extend_from_slice(b"e\r\n");
        let mut r = RowReader::new(vec![2]);
        r.push(&file);
        assert_eq!(r.finish().get(2), Some(vec!["x@y.com", "Renée"]));
    }
}

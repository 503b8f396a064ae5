//! The cell values the terminal report shows beside its findings.
//!
//! A [`orgsync_core::Report`] holds findings, not the file's cells (memory stays bounded by the
//! findings). To show a finding's cell, the CLI reads the file again through the engine's own
//! fix pass and takes the cells from its error report, which lists each row with problems and
//! its original cells under the same row numbers. So positions and decoding are exactly the
//! engine's; nothing here parses the input itself. It stops reading as soon as it has passed the
//! last row it needs, which for the first few findings of each rule is usually early in the file.

use crate::Result;
use crate::source::Source;
use csv_core::ReadRecordResult;
use orgsync_core::{FixOptions, Fixer, Report};
use std::collections::{BTreeMap, HashMap};

/// Wanted cells: spreadsheet row → 0-based columns.
pub(crate) type Wanted = BTreeMap<u64, Vec<usize>>;

/// Found cells, by (spreadsheet row, 0-based column).
pub(crate) type Cells = HashMap<(u64, usize), String>;

/// Reads the wanted cells from the source.
pub(crate) fn lookup(source: &mut Source, report: &Report, wanted: &Wanted) -> Result<Cells> {
    let mut cells = Cells::new();
    let Some(&last) = wanted.keys().next_back() else {
        return Ok(cells);
    };
    let mut fixer = Some(Fixer::new(report, &FixOptions::default()));
    let mut parser = RecordParser::new();
    let mut first = true;
    let mut on_record = |data: &[u8], ends: &[usize]| -> bool {
        if std::mem::take(&mut first) {
            // The error report's own header row.
            return true;
        }
        let field = |i: usize| -> Option<&[u8]> {
            let end = *ends.get(i)?;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            data.get(start..end)
        };
        let Some(row) = field(0)
            .and_then(|f| std::str::from_utf8(f).ok())
            .and_then(|s| s.parse::<u64>().ok())
        else {
            // The file-level line has no row number.
            return true;
        };
        if let Some(columns) = wanted.get(&row) {
            for &c in columns {
                if let Some(cell) = field(c + 1) {
                    let text = String::from_utf8_lossy(cell);
                    cells.insert((row, c), unneutralise(&text).to_string());
                }
            }
        }
        row < last
    };
    let mut done = false;
    source.read("Reading", &mut |chunk| {
        if done {
            return Ok(false);
        }
        if let Some(f) = fixer.as_mut() {
            f.push(chunk);
            let out = f.take_output();
            done = !parser.feed(&out.error_report, &mut on_record);
        }
        Ok(!done)
    })?;
    if !done && let Some(f) = fixer.take() {
        let out = f.finish();
        if parser.feed(&out.error_report, &mut on_record) {
            parser.feed(&[], &mut on_record);
        }
    }
    Ok(cells)
}

/// The error report guards cells against formula injection with a leading apostrophe; the
/// terminal shows the value as the file holds it.
fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) => rest,
        _ => cell,
    }
}

/// An incremental CSV record parser over chunks of the error report.
struct RecordParser {
    reader: csv_core::Reader,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
}

impl RecordParser {
    fn new() -> RecordParser {
        RecordParser {
            reader: csv_core::Reader::new(),
            out: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
        }
    }

    /// Parses `input` (empty input ends the data), calling `on_record` per complete record.
    /// Returns false as soon as `on_record` does.
    fn feed(
        &mut self,
        mut input: &[u8],
        on_record: &mut dyn FnMut(&[u8], &[usize]) -> bool,
    ) -> bool {
        let at_end = input.is_empty();
        loop {
            let (res, n_in, n_out, n_ends) = self.reader.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            input = &input[n_in..];
            self.out_len += n_out;
            self.ends_len += n_ends;
            match res {
                ReadRecordResult::InputEmpty => {
                    if input.is_empty() && !at_end {
                        return true;
                    }
                }
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    let keep = on_record(&self.out[..self.out_len], &self.ends[..self.ends_len]);
                    self.out_len = 0;
                    self.ends_len = 0;
                    if !keep {
                        return false;
                    }
                }
                ReadRecordResult::End => return true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_split_across_chunks_are_whole() {
        let text = b"row,a,messages\r\n,,\"file\nlevel\"\r\n2,\"x,y\",m\r\n3,'=SUM(A1),m\r\n";
        for split in 1..text.len() {
            let mut p = RecordParser::new();
            let mut got: Vec<Vec<String>> = Vec::new();
            let mut on = |data: &[u8], ends: &[usize]| {
                let mut start = 0;
                let mut rec = Vec::new();
                for &e in ends {
                    rec.push(String::from_utf8_lossy(&data[start..e]).to_string());
                    start = e;
                }
                got.push(rec);
                true
            };
            p.feed(&text[..split], &mut on);
            p.feed(&text[split..], &mut on);
            p.feed(&[], &mut on);
            assert_eq!(got.len(), 4, "split at {split}");
            assert_eq!(got[2][1], "x,y");
            assert_eq!(unneutralise(&got[3][1]), "=SUM(A1)");
        }
    }
}

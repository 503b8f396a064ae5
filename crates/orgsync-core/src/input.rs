//! Sniffing and decoding: from whatever bytes Excel wrote to UTF-8 text for the parser.
//!
//! The first bytes (up to [`SNIFF_LEN`]) are held back until the engine knows what the file is:
//! a workbook or other binary, which encoding, which delimiter. After that, bytes stream through.

use crate::codec::Utf16Decoder;
use serde::Serialize;

/// How many bytes are looked at before deciding encoding and delimiter.
pub(crate) const SNIFF_LEN: usize = 64 * 1024;

/// The encoding the file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    /// UTF-8 (ASCII included).
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-16, little-endian (Excel's "Unicode Text").
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16, big-endian.
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Bytes that are not UTF-8, read as Windows-1252 (Excel's plain "CSV" on Windows).
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Encoding {
    /// The label used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// A file that is not text at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    /// A zip container: an `.xlsx` workbook (or another zipped file).
    Zip,
    /// An OLE compound file: an `.xls` workbook.
    Ole,
    /// A PDF document.
    Pdf,
    /// A gzip-compressed file.
    Gzip,
    /// NUL bytes that are not UTF-16.
    Other,
}

impl Binary {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            // With workbook support, a zip or OLE file gets here only when it is no workbook
            // the engine can read.
            #[cfg(feature = "workbook")]
            Binary::Zip => {
                "a zip file that holds no workbook this tool can read (or a damaged one)"
            }
            #[cfg(feature = "workbook")]
            Binary::Ole => {
                "an OLE file (an older Office document) that holds no workbook this tool can read (or a damaged one)"
            }
            #[cfg(not(feature = "workbook"))]
            Binary::Zip => "an Excel workbook (.xlsx) or another zip file",
            #[cfg(not(feature = "workbook"))]
            Binary::Ole => "an Excel 97-2003 workbook (.xls)",
            Binary::Pdf => "a PDF document",
            Binary::Gzip => "a gzip-compressed file",
            Binary::Other => "a binary file (it contains NUL bytes)",
        }
    }
}

/// What sniffing decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sniffed {
    pub encoding: Encoding,
    pub bom: bool,
    pub binary: Option<Binary>,
    pub delimiter: u8,
}

/// Looks at the first bytes of a file. `complete` says the sample is the whole file.
pub(crate) fn sniff(sample: &[u8]) -> Sniffed {
    let mut s = Sniffed {
        encoding: Encoding::Utf8,
        bom: false,
        binary: None,
        delimiter: b',',
    };
    if sample.starts_with(b"PK\x03\x04") || sample.starts_with(b"PK\x05\x06") {
        s.binary = Some(Binary::Zip);
        return s;
    }
    if sample.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        s.binary = Some(Binary::Ole);
        return s;
    }
    if sample.starts_with(b"%PDF-") {
        s.binary = Some(Binary::Pdf);
        return s;
    }
    if sample.starts_with(&[0x1F, 0x8B]) {
        s.binary = Some(Binary::Gzip);
        return s;
    }
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        s.bom = true;
    } else if sample.starts_with(&[0xFF, 0xFE]) {
        s.bom = true;
        s.encoding = Encoding::Utf16Le;
    } else if sample.starts_with(&[0xFE, 0xFF]) {
        s.bom = true;
        s.encoding = Encoding::Utf16Be;
    } else if let Some(enc) = utf16_without_bom(sample) {
        s.encoding = enc;
    }
    if s.encoding == Encoding::Utf8 && memchr::memchr(0, sample).is_some() {
        s.binary = Some(Binary::Other);
        return s;
    }
    let text = match s.encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut text = String::new();
            Utf16Decoder::new(s.encoding == Encoding::Utf16Be).decode(sample, &mut text, true);
            text
        }
        _ => {
            let body = sample
                .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
                .unwrap_or(sample);
            // `from_utf8` is many times faster than the lossy walk; the lossy one is for samples
            // that are not UTF-8 (or end inside a character), and gives the same text.
            match std::str::from_utf8(body) {
                Ok(t) => t.to_string(),
                Err(_) => String::from_utf8_lossy(body).into_owned(),
            }
        }
    };
    s.delimiter = sniff_delimiter(&text);
    s
}

/// UTF-16 without a byte-order mark shows as a NUL in every other byte of ASCII text.
fn utf16_without_bom(sample: &[u8]) -> Option<Encoding> {
    let n = sample.len().min(4096) & !1;
    if n < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample[..n].chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let pairs = n / 2;
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(Encoding::Utf16Le)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Picks the delimiter that splits the header and the first records most consistently.
///
/// Each candidate is counted outside quotes on up to 20 lines; a candidate scores when the header
/// has at least one and most lines have the header's count. Comma wins ties: it is the standard.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let lines = logical_lines(text, 20);
    if lines.is_empty() {
        return b',';
    }
    let mut best = (b',', 0usize, 0usize);
    for &d in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let head = counts[0];
        if head == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == head).count();
        // More consistent lines first, then more fields.
        if (consistent, head) > (best.1, best.2) {
            best = (d, consistent, head);
        }
    }
    best.0
}

/// Splits text into records' lines, keeping quoted line breaks inside their line.
fn logical_lines(text: &str, max: usize) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0usize, false);
    let mut i = 0;
    while i < bytes.len() && out.len() < max {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => {
                if i > start {
                    out.push(&text[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if out.len() < max && start < bytes.len() && !quoted {
        out.push(&text[start..]);
    }
    out
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Turns the file's bytes into UTF-8 for the parser, chunk by chunk.
pub(crate) enum Decoding {
    /// UTF-8 or single-byte text passes through; a leading BOM is skipped once.
    Passthrough { skip_bom: bool },
    /// UTF-16 is transcoded.
    Utf16(Utf16Decoder),
}

impl std::fmt::Debug for Decoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decoding::Passthrough { .. } => f.write_str("Passthrough"),
            Decoding::Utf16(_) => f.write_str("Utf16"),
        }
    }
}

impl Decoding {
    pub(crate) fn new(s: &Sniffed) -> Decoding {
        match s.encoding {
            // The decoder removes a BOM itself.
            Encoding::Utf16Le => Decoding::Utf16(Utf16Decoder::new(false)),
            Encoding::Utf16Be => Decoding::Utf16(Utf16Decoder::new(true)),
            _ => Decoding::Passthrough { skip_bom: s.bom },
        }
    }

    /// Decodes one chunk and hands the text to `sink`. `last` flushes the decoder.
    pub(crate) fn feed(
        &mut self,
        mut bytes: &[u8],
        last: bool,
        scratch: &mut String,
        sink: &mut dyn FnMut(&[u8]),
    ) {
        match self {
            Decoding::Passthrough { skip_bom } => {
                if *skip_bom && !bytes.is_empty() {
                    bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
                    *skip_bom = false;
                }
                if !bytes.is_empty() {
                    sink(bytes);
                }
            }
            Decoding::Utf16(decoder) => {
                scratch.clear();
                scratch.reserve(decoder.max_utf8_len(bytes.len()));
                decoder.decode(bytes, scratch, last);
                if !scratch.is_empty() {
                    sink(scratch.as_bytes());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_file_is_sniffed_even_with_commas_in_cells() {
        let text = "primary_email_address;work_title\na@x.com;Doe, Jane\nb@x.com;Lead, Sales\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn comma_wins_for_a_single_column_file() {
        assert_eq!(sniff_delimiter("primary_email_address\na@x.com\n"), b',');
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let bytes: Vec<u8> = "primary_email_address\ta\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(sniff(&bytes).encoding, Encoding::Utf16Le);
        assert_eq!(sniff(&bytes).delimiter, b'\t');
    }

    #[test]
    fn workbooks_are_binary() {
        assert_eq!(sniff(b"PK\x03\x04rest").binary, Some(Binary::Zip));
        assert_eq!(sniff(b"%PDF-1.7").binary, Some(Binary::Pdf));
        assert_eq!(sniff(b"a,b\0c").binary, Some(Binary::Other));
    }
}

//! Workbooks written by the tests: `.xlsx` with `rust_xlsxwriter`, `.ods` by hand (a zip of
//! XML, as LibreOffice writes it), and an encrypted workbook (an OLE compound file holding an
//! `EncryptedPackage`, which is what Excel's "Encrypt with Password" makes of a `.xlsx`).

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::io::Write as _;

/// One cell of a sheet to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No cell.
    Empty,
    /// A text cell.
    Text(String),
    /// A number cell.
    Number(f64),
    /// A boolean cell.
    Bool(bool),
    /// A date cell (year, month, day), with a time (hour, minute, second) when given.
    Date(u16, u8, u8, Option<(u16, u8, u8)>),
    /// A formula and its cached result (`None`: no result stored).
    Formula(String, Option<String>),
    /// An error value as Excel shows it (`#N/A`), stored as a formula's cached error.
    Error(String),
}

/// Text cell.
pub fn t(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

/// A sheet: its name, rows of cells, and what else it holds.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// The rows, from row 1; each row from column A.
    pub rows: Vec<Vec<Cell>>,
    /// Merged regions (first row, first col, last row, last col), 0-based.
    pub merged: Vec<(u32, u16, u32, u16)>,
    /// Hidden rows (0-based).
    pub hidden_rows: Vec<u32>,
    /// Hidden columns (0-based).
    pub hidden_cols: Vec<u16>,
}

impl Sheet {
    /// A sheet of text cells read from CSV-like rows (`,`-separated, no quoting).
    pub fn from_csv(name: &str, csv: &str) -> Sheet {
        Sheet {
            name: name.to_string(),
            rows: csv.lines().map(|l| l.split(',').map(t).collect()).collect(),
            ..Sheet::default()
        }
    }

    /// The same sheet with its table moved down `rows` rows and right `cols` columns (the rows
    /// above and the cells to its left empty), as a table under a title often stands.
    pub fn at(mut self, rows: usize, cols: usize) -> Sheet {
        for row in &mut self.rows {
            row.splice(0..0, std::iter::repeat_n(Cell::Empty, cols));
        }
        self.rows
            .splice(0..0, std::iter::repeat_n(Vec::new(), rows));
        self
    }
}

/// A "Users" sheet of values the uploader needs as the cell shows them, not as stored: a long
/// number, a date and a date-time, a decimal, booleans, text with leading zeros, an error value,
/// a number past f64's exact integers, a formula with its cached result (the golden case
/// `workbook-values` and the workbook tests build on it).
pub fn values_sheet() -> Sheet {
    let head = [
        "primary_email_address",
        "unique_user_id",
        "attribute_start",
        "attribute_score",
        "reupload_user_profile",
        "attribute_code",
    ];
    Sheet {
        name: "Users".into(),
        rows: vec![
            head.iter().map(|h| t(h)).collect(),
            vec![
                t("a@example.com"),
                Cell::Number(123456789012.0),
                Cell::Date(2024, 1, 15, None),
                Cell::Number(0.1),
                Cell::Bool(true),
                t("00123"),
            ],
            vec![
                t("b@example.com"),
                Cell::Number(42.0),
                Cell::Date(2024, 1, 15, Some((9, 30, 0))),
                Cell::Number(-2.5),
                Cell::Bool(false),
                Cell::Error("#N/A".into()),
            ],
            vec![
                t("c@example.com"),
                Cell::Number(12345678901234567.0),
                Cell::Empty,
                Cell::Number(1e-7),
                Cell::Empty,
                Cell::Formula("1+1".into(), Some("2".into())),
            ],
        ],
        ..Sheet::default()
    }
}

/// Writes the sheets as a `.xlsx` workbook.
pub fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).expect("sheet name");
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(v) => {
                        ws.write_string(r, c, v).expect("write");
                    }
                    Cell::Number(v) => {
                        ws.write_number(r, c, *v).expect("write");
                    }
                    Cell::Bool(v) => {
                        ws.write_boolean(r, c, *v).expect("write");
                    }
                    Cell::Date(y, m, d, time) => {
                        let mut dt = ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
                        let f = match time {
                            Some((h, mi, se)) => {
                                dt = dt.and_hms(*h, *mi, *se).expect("time");
                                &datetime
                            }
                            None => &date,
                        };
                        ws.write_datetime_with_format(r, c, &dt, f).expect("write");
                    }
                    Cell::Formula(f, result) => {
                        let formula = Formula::new(f)
                            .set_result(result.clone().unwrap_or_else(|| NO_VALUE.into()));
                        ws.write_formula(r, c, formula).expect("write");
                    }
                    Cell::Error(e) => {
                        ws.write_formula(r, c, Formula::new("NA()").set_result(e))
                            .expect("write");
                    }
                }
            }
        }
        for &(r1, c1, r2, c2) in &s.merged {
            let first = s
                .rows
                .get(r1 as usize)
                .and_then(|row| row.get(c1 as usize))
                .and_then(|c| match c {
                    Cell::Text(v) => Some(v.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            ws.merge_range(r1, c1, r2, c2, &first, &Format::new())
                .expect("merge");
        }
        for &r in &s.hidden_rows {
            ws.set_row_hidden(r).expect("hide row");
        }
        for &c in &s.hidden_cols {
            ws.set_column_hidden(c).expect("hide column");
        }
    }
    let mut bytes = wb.save_to_buffer().expect("xlsx");
    if sheets.iter().any(|s| {
        s.rows
            .iter()
            .flatten()
            .any(|c| matches!(c, Cell::Formula(_, None)))
    }) {
        bytes = without_cached_values(&bytes);
    }
    bytes
}

/// The result written for a formula that is to store none, removed afterwards.
const NO_VALUE: &str = "__no_value__";

/// Rewrites a `.xlsx` so that formulas written without a result store none (their `<v>`
/// removed), as a program that never calculates writes them.
fn without_cached_values(bytes: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("name").to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut data).expect("read");
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(data).expect("xml");
            data = text.replace(&format!("<v>{NO_VALUE}</v>"), "").into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes the sheets as an OpenDocument spreadsheet (`.ods`), as LibreOffice does: typed cells
/// (`office:value-type`), each with the text it displays.
pub fn ods(sheets: &[Sheet]) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet>"#,
    );
    for s in sheets {
        content.push_str(&format!(
            r#"<table:table table:name="{}">"#,
            xml_escape(&s.name)
        ));
        for row in &s.rows {
            content.push_str("<table:table-row>");
            for cell in row {
                let (attrs, text) = match cell {
                    Cell::Empty => (String::new(), None),
                    Cell::Text(v) => (r#" office:value-type="string""#.to_string(), Some(v.clone())),
                    Cell::Number(v) => (
                        format!(r#" office:value-type="float" office:value="{v}""#),
                        Some(v.to_string()),
                    ),
                    Cell::Bool(v) => (
                        format!(r#" office:value-type="boolean" office:boolean-value="{v}""#),
                        Some(if *v { "TRUE" } else { "FALSE" }.to_string()),
                    ),
                    Cell::Date(y, m, d, time) => {
                        let iso = match time {
                            Some((h, mi, se)) => {
                                format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{se:02}")
                            }
                            None => format!("{y:04}-{m:02}-{d:02}"),
                        };
                        (
                            format!(r#" office:value-type="date" office:date-value="{iso}""#),
                            Some(iso),
                        )
                    }
                    Cell::Formula(f, result) => (
                        format!(
                            r#" table:formula="of:={}" office:value-type="string""#,
                            xml_escape(f)
                        ),
                        result.clone(),
                    ),
                    Cell::Error(e) => (
                        r#" table:formula="of:=NA()" office:value-type="string" office:string-value="""#
                            .to_string(),
                        Some(e.clone()),
                    ),
                };
                match text {
                    None if attrs.is_empty() => content.push_str("<table:table-cell/>"),
                    None => content.push_str(&format!("<table:table-cell{attrs}/>")),
                    Some(text) => content.push_str(&format!(
                        "<table:table-cell{attrs}><text:p>{}</text:p></table:table-cell>",
                        xml_escape(&text)
                    )),
                }
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).expect("entry");
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    let deflated = zip::write::SimpleFileOptions::default();
    out.start_file("content.xml", deflated).expect("entry");
    out.write_all(content.as_bytes()).expect("write");
    out.start_file("META-INF/manifest.xml", deflated)
        .expect("entry");
    out.write_all(manifest.as_bytes()).expect("write");
    out.finish().expect("zip").into_inner()
}

/// An encrypted workbook as Excel writes one: an OLE compound file with the `EncryptionInfo`
/// and `EncryptedPackage` streams (their content is opaque without the password).
pub fn encrypted() -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    let mut info = file.create_stream("/EncryptionInfo").expect("stream");
    info.write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0]).expect("write");
    drop(info);
    let mut package = file.create_stream("/EncryptedPackage").expect("stream");
    package.write_all(&[0x5A; 4096]).expect("write");
    drop(package);
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

//! Workbooks: `.xlsx`, `.xlsm`, `.xlsb`, `.ods` and `.xls` read with `calamine`, one sheet turned
//! into the engine's CSV in memory so that every rule and every output works on it as on a CSV.
//!
//! The pipeline (`engine.rs`) buffers a file whose first bytes are a zip or OLE container (a
//! workbook is read whole: its zip directory sits at its end), and at the end hands it to
//! [`convert`], which picks the sheet, writes its rows as CSV records (a `,`-separated, CRLF,
//! UTF-8 text with standard quoting) and feeds them to the parser as it goes. The CSV's rows are
//! the sheet's rows from its first non-empty one (the header) on, so a sheet row is the CSV row
//! plus a constant ([`Begin::offset`]); columns start at the header's first non-empty cell.
//!
//! Cell values are written as the uploader needs them (see [`write_value`]); what a CSV cannot
//! say — a number Excel already rounded, a formula never calculated, merged cells, a note below
//! the table — becomes findings positioned on the sheet's rows (F017–F024).

use crate::finding::Finding;
use crate::header::{ColumnKind, classify};
use crate::input::Binary;
use crate::registry::Code;
use calamine::{Data, DataRef, Reader, SheetVisible};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Cursor;

mod xlsx;

/// The largest workbook read, in bytes (F023 past it). A workbook is held whole in memory, and
/// the reader needs a few times its size again while it works (its shared strings and, for
/// `.ods` and `.xls`, every cell); Excel's own limit of 1,048,576 rows × 10 columns of Org Sync
/// data makes a `.xlsx` of about 40 MB (BENCHMARKS.md), well within it.
pub const MAX_WORKBOOK_BYTES: u64 = 256 << 20;

/// What the report says about a workbook that was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkbookInfo {
    /// `xlsx`, `xlsm`, `xlsb`, `ods` or `xls`.
    pub format: &'static str,
    /// Every sheet's name, in the workbook's order.
    pub sheets: Vec<String>,
    /// The sheet that was read.
    pub sheet: String,
    /// The sheet row of the header (1-based): the rows above it were empty.
    pub first_row: u64,
    /// The sheet column of the table's first column (`A`, `B`, …): the columns left of it were
    /// empty in the header row.
    pub first_column: String,
}

/// What the pipeline does with a workbook's rows.
pub(crate) trait Sink {
    /// The sheet is chosen and its header row found: `offset` is what to add to a CSV row number
    /// to give the sheet's row; `findings` are file-level (and header-row) findings.
    fn begin(&mut self, begin: Begin);
    /// Findings of the sheet row `row`, handed on before its CSV bytes.
    fn row_findings(&mut self, row: u64, findings: Vec<Finding>);
    /// The next CSV bytes.
    fn csv(&mut self, bytes: &[u8]);
    /// A file-level finding known only after the rows.
    fn late(&mut self, finding: Finding);
}

/// The start of a sheet's CSV.
#[derive(Debug)]
pub(crate) struct Begin {
    pub info: WorkbookInfo,
    pub offset: u64,
    pub findings: Vec<Finding>,
}

/// How the reading ended, when no CSV could be made.
#[derive(Debug)]
pub(crate) enum Failed {
    /// Not a workbook at all (a zip or OLE file of another kind): F003 as before.
    NotWorkbook,
    /// A workbook that gives no rows: its findings (F018, F019, F023).
    Findings(Vec<Finding>),
}

/// Reads the workbook in `bytes` and feeds the chosen sheet's CSV to `sink`.
pub(crate) fn convert(
    bytes: &[u8],
    container: Binary,
    sheet: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<(), Failed> {
    let mut book = open(bytes, container)?;
    let sheets = book.sheets();
    let names: Vec<String> = sheets.iter().map(|s| s.0.clone()).collect();
    let chosen = match sheet.map(str::trim).filter(|s| !s.is_empty()) {
        Some(wanted) => match find_sheet(&names, wanted) {
            Some(i) => i,
            None => {
                return Err(Failed::Findings(vec![Finding::new(
                    Code::F018,
                    format!(
                        "The workbook has no sheet \"{wanted}\"; its sheets are {}.",
                        list(&names)
                    ),
                    "Choose one of its sheets by name or by number (1 is the first).",
                )]));
            }
        },
        None => match book.default_sheet(&sheets) {
            Some(i) => i,
            None => {
                return Err(Failed::Findings(vec![Finding::new(
                    Code::F018,
                    if names.is_empty() {
                        "The workbook has no sheet.".to_string()
                    } else {
                        format!(
                            "No sheet of the workbook holds any data (sheets: {}).",
                            list(&names)
                        )
                    },
                    "Check you opened the right workbook, and that the users are on a worksheet (not a chart or a picture).",
                )]));
            }
        },
    };
    let format = book.format();
    let mut w = SheetWriter::new(format, names, chosen, sink);
    let extras = match &book {
        Book::Xlsx(..) => xlsx::extras(bytes, &w.names[chosen]),
        _ => xlsx::Extras {
            merged: book.merged(&w.names[chosen]),
            ..xlsx::Extras::default()
        },
    };
    w.merged = extras.merged;
    w.hidden_rows = extras.hidden_rows;
    w.hidden_cols = extras.hidden_cols;
    book.read(chosen, &mut w)?;
    w.finish()
}

/// Finds `wanted` among the sheets: its exact name, else the name in any case, else its number.
fn find_sheet(names: &[String], wanted: &str) -> Option<usize> {
    names
        .iter()
        .position(|n| n == wanted)
        .or_else(|| {
            names
                .iter()
                .position(|n| n.trim().eq_ignore_ascii_case(wanted))
        })
        .or_else(|| {
            wanted
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1 && n <= names.len())
                .map(|n| n - 1)
        })
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

type Src<'a> = Cursor<&'a [u8]>;

enum Book<'a> {
    Xlsx(calamine::Xlsx<Src<'a>>, bool),
    Xlsb(calamine::Xlsb<Src<'a>>),
    Ods(calamine::Ods<Src<'a>>),
    Xls(calamine::Xls<Src<'a>>),
}

fn encrypted() -> Failed {
    Failed::Findings(vec![Finding::new(
        Code::F019,
        "The workbook is protected by a password (encrypted); it cannot be read without it.",
        "Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it) and save, then try again. The file never leaves this machine.",
    )])
}

fn open(bytes: &[u8], container: Binary) -> Result<Book<'_>, Failed> {
    let src = || Cursor::new(bytes);
    match container {
        Binary::Ole => {
            match calamine::Xls::new(src()) {
                Ok(b) => return Ok(Book::Xls(b)),
                Err(calamine::XlsError::Password) => return Err(encrypted()),
                Err(_) => {}
            }
            // An encrypted .xlsx/.xlsb is an OLE file holding an `EncryptedPackage`.
            match calamine::Xlsx::new(src()) {
                Err(calamine::XlsxError::Password) => Err(encrypted()),
                _ => Err(Failed::NotWorkbook),
            }
        }
        Binary::Zip => {
            if let Ok(mut b) = calamine::Xlsx::new(src()) {
                let macros = matches!(b.vba_project(), Ok(Some(_)));
                return Ok(Book::Xlsx(b, macros));
            }
            if let Ok(b) = calamine::Xlsb::new(src()) {
                return Ok(Book::Xlsb(b));
            }
            match calamine::Ods::new(src()) {
                Ok(b) => Ok(Book::Ods(b)),
                Err(calamine::OdsError::Password) => Err(encrypted()),
                Err(_) => Err(Failed::NotWorkbook),
            }
        }
        _ => Err(Failed::NotWorkbook),
    }
}

fn unreadable(e: impl std::fmt::Display) -> Failed {
    Failed::Findings(vec![Finding::new(
        Code::F018,
        format!("The workbook could not be read: {e}."),
        "Open it in Excel or LibreOffice and save it again as .xlsx, then check the saved file.",
    )])
}

/// A cell's value as the reader gives it.
enum Value<'s> {
    Text(&'s str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(calamine::ExcelDateTime),
    Error(calamine::CellErrorType),
    /// A formula whose value was never calculated.
    Uncalculated,
}

impl<'a> Book<'a> {
    fn format(&self) -> &'static str {
        match self {
            Book::Xlsx(_, true) => "xlsm",
            Book::Xlsx(_, false) => "xlsx",
            Book::Xlsb(_) => "xlsb",
            Book::Ods(_) => "ods",
            Book::Xls(_) => "xls",
        }
    }

    /// Each sheet's name and whether it is visible.
    fn sheets(&self) -> Vec<(String, bool)> {
        let meta = match self {
            Book::Xlsx(b, _) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
        };
        meta.iter()
            .filter(|s| {
                matches!(
                    s.typ,
                    calamine::SheetType::WorkSheet | calamine::SheetType::MacroSheet
                )
            })
            .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
            .collect()
    }

    /// The first visible sheet whose first non-empty row holds an identifier header; else the
    /// first sheet with data (visible ones first). `None` when no sheet holds a value.
    fn default_sheet(&mut self, sheets: &[(String, bool)]) -> Option<usize> {
        let mut first_data: [Option<usize>; 2] = [None, None];
        for visible in [true, false] {
            for (i, (name, v)) in sheets.iter().enumerate() {
                if *v != visible {
                    continue;
                }
                let Some(head) = self.first_row(name) else {
                    continue;
                };
                if head.iter().any(|h| classify(h).is_identifier()) {
                    return Some(i);
                }
                first_data[usize::from(!visible)].get_or_insert(i);
            }
        }
        first_data[0].or(first_data[1])
    }

    /// The texts of a sheet's first non-empty row, or `None` for an empty sheet.
    fn first_row(&mut self, name: &str) -> Option<Vec<String>> {
        let mut row: Option<u32> = None;
        let mut out = Vec::new();
        let mut take = |r: u32, v: Value<'_>| -> bool {
            if *row.get_or_insert(r) != r {
                return false;
            }
            let mut s = String::new();
            write_value(&v, &mut s);
            out.push(s);
            true
        };
        match self {
            Book::Xlsx(b, _) => {
                let mut cells = b.worksheet_cells_reader(name).ok()?;
                while let Ok(Some(c)) = cells.next_cell() {
                    let (r, _) = c.get_position();
                    if let Some(v) = value_ref(c.get_value())
                        && !take(r, v)
                    {
                        break;
                    }
                }
            }
            Book::Xlsb(b) => {
                let mut cells = b.worksheet_cells_reader(name).ok()?;
                while let Ok(Some(c)) = cells.next_cell() {
                    let (r, _) = c.get_position();
                    if let Some(v) = value_ref(c.get_value())
                        && !take(r, v)
                    {
                        break;
                    }
                }
            }
            Book::Ods(_) | Book::Xls(_) => {
                let range = self.range(name).ok()?;
                let (r0, c0) = range.start()?;
                for (r, _, d) in range.used_cells() {
                    let _ = c0;
                    if let Some(v) = value(d)
                        && !take(r0 + r as u32, v)
                    {
                        break;
                    }
                }
            }
        }
        row.map(|_| out)
    }

    fn range(&mut self, name: &str) -> Result<calamine::Range<Data>, Failed> {
        match self {
            Book::Ods(b) => b.worksheet_range(name).map_err(unreadable),
            Book::Xls(b) => b.worksheet_range(name).map_err(unreadable),
            Book::Xlsx(b, _) => b.worksheet_range(name).map_err(unreadable),
            Book::Xlsb(b) => b.worksheet_range(name).map_err(unreadable),
        }
    }

    /// The merged regions of a sheet, as `(first row, first col, last row, last col)` (`.xls`;
    /// a `.xlsx`'s come from `xlsx::extras`; calamine gives none for `.xlsb` and `.ods`).
    fn merged(&mut self, name: &str) -> Vec<(u32, u32, u32, u32)> {
        let dims = match self {
            Book::Xls(b) => b.merge_cells_by_sheet_name(name).unwrap_or_default(),
            Book::Xlsx(..) | Book::Xlsb(_) | Book::Ods(_) => Vec::new(),
        };
        dims.iter()
            .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
            .collect()
    }

    /// Streams the sheet's cells, row by row, into `w`.
    fn read(&mut self, chosen: usize, w: &mut SheetWriter<'_>) -> Result<(), Failed> {
        let name = w.names[chosen].clone();
        match self {
            Book::Xlsx(b, _) => {
                let mut cells = b.worksheet_cells_reader(&name).map_err(unreadable)?;
                loop {
                    match cells.next_cell_with_formula_metadata() {
                        Ok(Some(c)) => {
                            let v = match value_ref(&c.value) {
                                Some(v) => v,
                                None if c.formula.is_some() => Value::Uncalculated,
                                None => continue,
                            };
                            w.cell(c.pos.0, c.pos.1, v);
                        }
                        Ok(None) => break,
                        Err(e) => {
                            w.damaged = Some(e.to_string());
                            break;
                        }
                    }
                }
            }
            Book::Xlsb(b) => {
                let mut cells = b.worksheet_cells_reader(&name).map_err(unreadable)?;
                loop {
                    match cells.next_cell() {
                        Ok(Some(c)) => {
                            let (r, col) = c.get_position();
                            if let Some(v) = value_ref(c.get_value()) {
                                w.cell(r, col, v);
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            w.damaged = Some(e.to_string());
                            break;
                        }
                    }
                }
            }
            Book::Ods(_) | Book::Xls(_) => {
                let range = self.range(&name)?;
                if let Some((r0, c0)) = range.start() {
                    for (r, c, d) in range.used_cells() {
                        if let Some(v) = value(d) {
                            w.cell(r0 + r as u32, c0 + c as u32, v);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn value_ref<'s>(d: &'s DataRef<'_>) -> Option<Value<'s>> {
    Some(match d {
        DataRef::Empty => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s),
        DataRef::SharedString(s) => Value::Text(s),
        DataRef::Int(i) => Value::Int(*i),
        DataRef::Float(f) => Value::Float(*f),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) => Value::Date(*d),
        DataRef::Error(e) => Value::Error(e.clone()),
    })
}

fn value(d: &Data) -> Option<Value<'_>> {
    Some(match d {
        Data::Empty => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s),
        Data::Int(i) => Value::Int(*i),
        Data::Float(f) => Value::Float(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => Value::Date(*d),
        Data::Error(e) => Value::Error(e.clone()),
    })
}

/// Writes a cell's value as the uploader needs it: text as stored; a whole number in full; any
/// other number in its shortest exact decimal form (never with an exponent); a date as ISO
/// `YYYY-MM-DD`, with `THH:MM:SS` when it has a time; a time alone as `HH:MM:SS`; a boolean as
/// Excel shows it (`TRUE`/`FALSE`); an error as Excel shows it (`#N/A`).
fn write_value(v: &Value<'_>, out: &mut String) {
    match v {
        Value::Text(s) => out.push_str(s),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => write_number(*f, out),
        Value::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Value::Error(e) => {
            let _ = write!(out, "{e}");
        }
        Value::Date(d) => write_date(d, out),
        Value::Uncalculated => {}
    }
}

/// A number in its shortest exact decimal form, without an exponent (`{}` of an `f64` in Rust
/// is the shortest text that reads back as the same number, and never uses an exponent).
fn write_number(f: f64, out: &mut String) {
    if !f.is_finite() {
        out.push_str("#NUM!");
    } else if f == 0.0 {
        out.push('0');
    } else {
        let _ = write!(out, "{f}");
    }
}

fn write_date(d: &calamine::ExcelDateTime, out: &mut String) {
    let serial = d.as_f64();
    if d.is_duration() || !(0.0..2_958_466.0).contains(&serial) {
        // A duration (`[h]:mm`) or a number no date can be: the number itself.
        write_number(serial, out);
        return;
    }
    let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    let has_time = h != 0 || mi != 0 || s != 0 || ms != 0;
    if serial < 1.0 && has_time {
        // A time alone.
        let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
    } else {
        let _ = write!(out, "{y:04}-{mo:02}-{day:02}");
        if has_time {
            let _ = write!(out, "T{h:02}:{mi:02}:{s:02}");
        }
    }
    if has_time && ms != 0 {
        let _ = write!(out, ".{ms:03}");
    }
}

/// A column letter, `A` for 0.
pub(crate) fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// How many CSV bytes are gathered before they are handed to the parser.
const FEED: usize = 1 << 20;

/// Turns a sheet's cells, row by row, into CSV records and findings.
struct SheetWriter<'s> {
    sink: &'s mut dyn Sink,
    format: &'static str,
    names: Vec<String>,
    chosen: usize,
    merged: Vec<(u32, u32, u32, u32)>,
    /// Hidden rows (ascending) and column ranges (`.xlsx`).
    hidden_rows: Vec<u32>,
    hidden_cols: Vec<(u32, u32)>,
    /// The row being gathered: its number and its cells (column, start and end in `text`,
    /// the cell was a number and a formula never calculated).
    row: Option<u32>,
    text: String,
    cells: Vec<Cell>,
    /// Set once the header row is written.
    table: Option<Table>,
    out: Vec<u8>,
    damaged: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Cell {
    col: u32,
    start: usize,
    end: usize,
    /// The cell held a number ≥ 10^15 (more digits than Excel keeps).
    big_number: bool,
    uncalculated: bool,
}

struct Table {
    /// Sheet row (0-based) of the header.
    head: u32,
    first_col: u32,
    width: usize,
    /// Per column: an id column (`unique_user_id`, `new_unique_user_id`, `unique_id`).
    id_column: Vec<bool>,
    headers: Vec<String>,
    last_row: u32,
    /// The last row written held data and an empty row followed it (or a note did).
    after_gap: bool,
    in_notes: bool,
    record: Vec<Option<usize>>,
}

impl<'s> SheetWriter<'s> {
    fn new(
        format: &'static str,
        names: Vec<String>,
        chosen: usize,
        sink: &'s mut dyn Sink,
    ) -> SheetWriter<'s> {
        SheetWriter {
            sink,
            format,
            names,
            chosen,
            merged: Vec::new(),
            hidden_rows: Vec::new(),
            hidden_cols: Vec::new(),
            row: None,
            text: String::new(),
            cells: Vec::new(),
            table: None,
            out: Vec::with_capacity(FEED + 4096),
            damaged: None,
        }
    }

    fn cell(&mut self, row: u32, col: u32, v: Value<'_>) {
        if self.row != Some(row) {
            self.flush();
            self.row = Some(row);
        }
        let start = self.text.len();
        write_value(&v, &mut self.text);
        let end = self.text.len();
        let uncalculated = matches!(v, Value::Uncalculated);
        if end == start && !uncalculated {
            return;
        }
        let big_number = match v {
            Value::Float(f) => f.abs() >= 1e15,
            Value::Int(i) => i.unsigned_abs() >= 1_000_000_000_000_000,
            _ => false,
        };
        self.cells.push(Cell {
            col,
            start,
            end,
            big_number,
            uncalculated,
        });
    }

    /// Writes the gathered row.
    fn flush(&mut self) {
        let Some(row) = self.row.take() else { return };
        if self.cells.is_empty() {
            self.text.clear();
            return;
        }
        if self.table.is_none() {
            self.header(row);
        } else {
            self.data(row);
        }
        self.text.clear();
        self.cells.clear();
        if self.out.len() >= FEED {
            self.sink.csv(&self.out);
            self.out.clear();
        }
    }

    fn header(&mut self, row: u32) {
        let first_col = self.cells.iter().map(|c| c.col).min().unwrap_or(0);
        let last_col = self.cells.iter().map(|c| c.col).max().unwrap_or(0);
        let width = (last_col - first_col + 1) as usize;
        let mut headers = vec![String::new(); width];
        for c in &self.cells {
            headers[(c.col - first_col) as usize] = self.text[c.start..c.end].to_string();
        }
        let id_column = headers
            .iter()
            .map(|h| {
                matches!(
                    classify(h),
                    ColumnKind::UniqueUserId | ColumnKind::NewUniqueUserId | ColumnKind::UniqueId
                )
            })
            .collect();
        let info = WorkbookInfo {
            format: self.format,
            sheets: self.names.clone(),
            sheet: self.names[self.chosen].clone(),
            first_row: u64::from(row) + 1,
            first_column: column_letter(first_col),
        };
        let mut findings = vec![read_finding(&info)];
        let sheet_row = u64::from(row) + 1;
        findings.extend(self.merged_findings(row, first_col, width, sheet_row));
        let last_col = first_col + width as u32 - 1;
        for col in first_col..=last_col {
            if self.hidden_cols.iter().any(|&(a, b)| a <= col && col <= b) {
                let i = (col - first_col) as usize;
                findings.push(at(
                    Code::F021,
                    sheet_row,
                    Some(i),
                    format!(
                        "Column {} (\"{}\") is hidden in the sheet: you do not see it, but the uploader reads it like any other.",
                        column_letter(col),
                        headers[i]
                    ),
                    "Unhide it (select the columns around it, right-click > Unhide) and check its values, or delete the column if it should not be uploaded.",
                ));
            }
        }
        if self.hidden_rows.binary_search(&row).is_ok() {
            findings.push(hidden_row(sheet_row));
        }
        for f in &mut findings {
            if f.row.is_some() {
                f.line = f.row;
            }
        }
        self.sink.begin(Begin {
            info,
            offset: u64::from(row),
            findings,
        });
        let t = Table {
            head: row,
            first_col,
            width,
            id_column,
            headers,
            last_row: row,
            after_gap: false,
            in_notes: false,
            record: vec![None; width],
        };
        self.table = Some(t);
        self.write_record(row);
    }

    /// Findings for merged regions whose first row is `row` and which cover more than one cell
    /// of the table.
    fn merged_findings(
        &self,
        row: u32,
        first_col: u32,
        width: usize,
        sheet_row: u64,
    ) -> Vec<Finding> {
        let last_col = first_col + width as u32 - 1;
        self.merged
            .iter()
            .filter(|m| m.0 == row && m.3 >= first_col && m.1 <= last_col)
            .filter(|m| m.0 != m.2 || m.1 != m.3)
            .map(|m| {
                let range = format!(
                    "{}{}:{}{}",
                    column_letter(m.1),
                    m.0 + 1,
                    column_letter(m.3),
                    m.2 + 1
                );
                at(
                    Code::F021,
                    sheet_row,
                    Some(m.1.saturating_sub(first_col) as usize),
                    format!(
                        "Cells {range} are merged: the value is kept in the first cell only and the other cells read as empty, for the uploader as in this check."
                    ),
                    "Unmerge the cells (Home > Merge & Center > Unmerge Cells) and fill in each row's own value.",
                )
            })
            .collect()
    }

    fn data(&mut self, row: u32) {
        let Some(t) = self.table.as_mut() else { return };
        // Empty rows between the last one and this: empty records, as Excel's CSV writes them.
        let gap = row.saturating_sub(t.last_row + 1);
        for _ in 0..gap {
            for _ in 1..t.width {
                self.out.push(b',');
            }
            self.out.extend_from_slice(b"\r\n");
        }
        if gap > 0 && t.last_row > t.head {
            t.after_gap = true;
        }
        t.last_row = row;
        let sheet_row = u64::from(row) + 1;
        let (first_col, width) = (t.first_col, t.width);
        let mut findings = self.merged_findings(row, first_col, width, sheet_row);
        if self.hidden_rows.binary_search(&row).is_ok() {
            findings.push(hidden_row(sheet_row));
        }
        let t = self.table.as_mut().expect("table");
        let mut left_of_table = Vec::new();
        for c in &self.cells {
            if c.col < t.first_col {
                left_of_table.push(*c);
                continue;
            }
            let i = (c.col - t.first_col) as usize;
            let here =
                |code, message: String, tip: &str| at(code, sheet_row, Some(i), message, tip);
            if c.uncalculated {
                findings.push(here(
                    Code::F024,
                    format!(
                        "Cell {}{} holds a formula that was never calculated: the workbook stores no value for it, so the cell reads as empty.",
                        column_letter(c.col),
                        sheet_row
                    ),
                    "Open the workbook in Excel, let it calculate (Formulas > Calculate Now), save it, and check it again; or paste the values over the formulas (Paste Special > Values).",
                ));
            }
            if c.big_number && t.id_column.get(i).copied().unwrap_or(false) {
                let mut f = here(
                    Code::F020,
                    format!(
                        "The id {} is a number of more than 15 digits: Excel keeps 15 significant digits, so the digits after them were lost when it was typed or pasted; the true id is not in the workbook.",
                        &self.text[c.start..c.end]
                    ),
                    "Format the column as Text (Home > Number > Text) before typing or pasting the ids, then enter them again from their source.",
                );
                f.value = Some(self.text[c.start..c.end].to_string());
                findings.push(f);
            }
        }
        if !left_of_table.is_empty() {
            let first = left_of_table[0];
            findings.push(at(
                Code::F022,
                sheet_row,
                None,
                format!(
                    "Cell {}{} holds \"{}\", left of the table's first column ({}): it belongs to no column and is not in the CSV.",
                    column_letter(first.col),
                    sheet_row,
                    &self.text[first.start..first.end],
                    column_letter(t.first_col),
                ),
                "Move the value into the table's columns, or delete it if it is a note.",
            ));
        }
        // A note below the table: after an empty row, at most two cells, no email address, and
        // words rather than a value.
        let filled = self.cells.iter().filter(|c| c.col >= t.first_col).count();
        let texts = || {
            self.cells
                .iter()
                .filter(|c| c.col >= t.first_col)
                .map(|c| &self.text[c.start..c.end])
        };
        let note_like = filled <= 2
            && texts().all(|s| !s.contains('@'))
            && texts().any(|s| s.trim().contains(' ') || s.contains(':'));
        if (t.after_gap || t.in_notes) && note_like {
            t.in_notes = true;
            let first = self.cells.iter().find(|c| c.col >= t.first_col);
            findings.push(at(
                Code::F022,
                sheet_row,
                first.map(|c| (c.col - t.first_col) as usize),
                format!(
                    "Row {sheet_row} sits below the table after an empty row and looks like a note (\"{}\"); the uploader would read it as a user.",
                    first.map_or("", |c| &self.text[c.start..c.end])
                ),
                "Delete the notes below the table, or move them to another sheet.",
            ));
        } else {
            t.in_notes = false;
            t.after_gap = false;
        }
        let _ = &t.headers;
        if !findings.is_empty() {
            for f in &mut findings {
                f.line = f.row;
                if f.value.is_none()
                    && let Some(c) = f.column
                {
                    f.value = self
                        .cells
                        .iter()
                        .find(|x| x.col >= first_col && (x.col - first_col) as usize == c)
                        .map(|x| self.text[x.start..x.end].to_string());
                }
            }
            self.sink.row_findings(sheet_row, findings);
        }
        self.write_record(row);
    }

    /// Writes the gathered cells as one CSV record of the table's width (longer when a cell lies
    /// right of the header's last column: F007 then says so).
    fn write_record(&mut self, _row: u32) {
        let Some(t) = self.table.as_mut() else { return };
        let first_col = t.first_col;
        let mut width = t.width;
        for c in &self.cells {
            if c.col >= first_col {
                width = width.max((c.col - first_col) as usize + 1);
            }
        }
        t.record.clear();
        t.record.resize(width, None);
        for (k, c) in self.cells.iter().enumerate() {
            if c.col >= first_col {
                t.record[(c.col - first_col) as usize] = Some(k);
            }
        }
        for (i, slot) in t.record.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            if let Some(k) = slot {
                let c = self.cells[*k];
                write_field(&mut self.out, &self.text.as_bytes()[c.start..c.end]);
            }
        }
        self.out.extend_from_slice(b"\r\n");
    }

    fn finish(mut self) -> Result<(), Failed> {
        self.flush();
        if self.table.is_none() {
            return Err(Failed::Findings(vec![Finding::new(
                Code::F018,
                format!(
                    "The sheet \"{}\" holds no data{}.",
                    self.names[self.chosen],
                    self.damaged
                        .as_deref()
                        .map(|e| format!(" that could be read ({e})"))
                        .unwrap_or_default()
                ),
                "Choose the sheet that holds the users (by name or number), or check you opened the right workbook.",
            )]));
        }
        if !self.out.is_empty() {
            self.sink.csv(&self.out);
        }
        if let Some(e) = self.damaged {
            // The rows read so far are checked; the rest could not be read.
            let row = self.table.as_ref().map_or(0, |t| u64::from(t.last_row) + 2);
            self.sink.late(Finding::new(
                Code::F018,
                format!("The sheet could not be read past row {}: {e}.", row.saturating_sub(1)),
                "Open the workbook in Excel or LibreOffice and save it again, then check the saved file.",
            ));
        }
        Ok(())
    }
}

/// F021 for a hidden row that holds data.
fn hidden_row(sheet_row: u64) -> Finding {
    at(
        Code::F021,
        sheet_row,
        None,
        format!(
            "Row {sheet_row} is hidden in the sheet: you do not see it, but the uploader reads it as a user like any other."
        ),
        "Unhide the rows (select the rows around it, right-click > Unhide) and check it, or delete it if it should not be uploaded.",
    )
}

/// A finding of the sheet at its row (as the sheet numbers it) and, where it is about one, the
/// table's column (0-based).
fn at(code: Code, sheet_row: u64, column: Option<usize>, message: String, tip: &str) -> Finding {
    let mut f = Finding::new(code, message, tip);
    f.row = Some(sheet_row);
    f.column = column;
    f
}

/// F023: a workbook past [`MAX_WORKBOOK_BYTES`].
pub(crate) fn too_large(bytes: u64) -> Finding {
    Finding::new(
        Code::F023,
        format!(
            "The workbook is {:.0} MB; workbooks up to {} MB are read (a workbook is read whole, in memory), so this one was not checked.",
            bytes as f64 / 1e6,
            MAX_WORKBOOK_BYTES >> 20
        ),
        "Save the sheet with the users as \"CSV UTF-8 (Comma delimited)\" and check the CSV (CSV files have no size limit), or split the workbook.",
    )
}

fn read_finding(info: &WorkbookInfo) -> Finding {
    let others = info.sheets.len().saturating_sub(1);
    let mut message = format!(
        "Read the sheet \"{}\" of this {} workbook{}.",
        info.sheet,
        match info.format {
            "xls" => "Excel 97-2003 (.xls)",
            "xlsb" => "Excel binary (.xlsb)",
            "xlsm" => "Excel macro-enabled (.xlsm)",
            "ods" => "OpenDocument (.ods)",
            _ => "Excel (.xlsx)",
        },
        if others == 0 {
            String::new()
        } else {
            format!(" (sheets: {})", list(&info.sheets))
        }
    );
    if info.first_row > 1 || info.first_column != "A" {
        let _ = write!(
            message,
            " The table starts at cell {}{}: the empty rows and columns before it were skipped.",
            info.first_column, info.first_row
        );
    }
    Finding::new(
        Code::F017,
        message,
        "Rows are numbered as in the sheet. The corrected file is a CSV UTF-8 file ready for upload; to read another sheet, choose it by name or number.",
    )
}

/// Writes a CSV field, quoted when it holds a comma, a quote or a line break.
fn write_field(out: &mut Vec<u8>, cell: &[u8]) {
    if cell
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push(b'"');
        for &b in cell {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(cell);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(f: f64) -> String {
        let mut s = String::new();
        write_number(f, &mut s);
        s
    }

    #[test]
    fn numbers_are_written_in_full() {
        assert_eq!(num(123456789012.0), "123456789012");
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(1e-7), "0.0000001");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(1e20), "100000000000000000000");
        assert_eq!(num(2.5), "2.5");
    }

    #[test]
    fn dates_are_iso() {
        let d = |v| {
            let mut s = String::new();
            write_date(
                &calamine::ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, false),
                &mut s,
            );
            s
        };
        assert_eq!(d(45306.0), "2024-01-15");
        assert_eq!(d(45306.5), "2024-01-15T12:00:00");
        assert_eq!(d(0.75), "18:00:00");
    }

    #[test]
    fn columns_have_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn sheets_are_found_by_name_or_number() {
        let names = vec!["Notes".to_string(), "Users".to_string()];
        assert_eq!(find_sheet(&names, "Users"), Some(1));
        assert_eq!(find_sheet(&names, "users"), Some(1));
        assert_eq!(find_sheet(&names, "1"), Some(0));
        assert_eq!(find_sheet(&names, "3"), None);
        assert_eq!(find_sheet(&names, "Other"), None);
    }
}

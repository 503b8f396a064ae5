//! F rules: the bytes and the shape of the records. The pipeline finds these; this module words
//! them and attaches their fixes.

use crate::engine::Cut;
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::header::Header;
use crate::input::{Binary, Encoding, Sniffed};
use crate::parse::{LineEndings, QuoteProblem};
use crate::registry::Code;
use crate::row::Row;
use crate::words::{delimiter_name, plural, thousands};

/// Findings about the file's form, known once it is sniffed: F001 (UTF-16), F002, F003, F004.
pub(crate) fn sniffed(s: &Sniffed, preview: &[String], sink: &mut dyn FnMut(Finding)) {
    #[cfg(not(feature = "legacy-encodings"))]
    if s.binary == Some(Binary::CodePage) {
        sink(code_page_unread());
        return;
    }
    if let Some(binary) = s.binary {
        sink(not_csv(binary));
        return;
    }
    if s.encoding.is_utf16() {
        sink(
            Finding::new(
                Code::F001,
                format!(
                    "The file is {} (Excel's \"Unicode Text\"), not UTF-8; the uploader reads UTF-8 only.",
                    if s.encoding == Encoding::UTF_16LE { "UTF-16 little-endian" } else { "UTF-16 big-endian" }
                ),
                "In Excel use File > Save As > \"CSV UTF-8 (Comma delimited)\"; the corrected file is already UTF-8.",
            )
            .fix(Fix::new(Applicability::Safe, Edit::FileForm, s.encoding.as_str(), "utf-8")),
        );
    } else if !s.encoding.is_utf8() {
        sink(legacy_file(s, preview));
    }
    if s.sep_line {
        let name = delimiter_name(s.delimiter);
        let mut f = Finding::new(
            Code::F015,
            format!(
                "The first line is `sep={}`, Excel's hint for which separator the file uses; the file was read with {name}s, and the line is not the header. The uploader would take it as the header.",
                match s.delimiter { b'\t' => "<tab>".to_string(), d => char::from(d).to_string() }
            ),
            "The corrected file drops the line. Excel writes it only when asked to; saving as \"CSV UTF-8 (Comma delimited)\" leaves it out.",
        )
        .fix(Fix::new(Applicability::Safe, Edit::FileForm, format!("sep={}", char::from(s.delimiter)), ""));
        f.row = Some(1);
        f.line = Some(1);
        sink(f);
    }
    if s.bom && s.encoding.is_utf8() {
        sink(Finding::new(
            Code::F002,
            "The file starts with a UTF-8 byte-order mark (Excel's \"CSV UTF-8\"). This is harmless.",
            "Nothing to do: the corrected file keeps the mark so Excel still opens it with the right characters.",
        ));
    }
    if s.delimiter != b',' {
        let name = delimiter_name(s.delimiter);
        sink(
            Finding::new(
                Code::F004,
                format!("The file is separated by {name}s, not commas; the uploader reads commas only."),
                "Excel writes semicolons when Windows' list separator is \";\" (many European locales). Save as \"CSV UTF-8 (Comma delimited)\" or use the corrected file.",
            )
            .fix(Fix::new(Applicability::Safe, Edit::FileForm, name, "comma")),
        );
    }
}

/// F001 in a build without the `legacy-encodings` feature (the JS API's default entry point),
/// for a file whose bytes are mostly not UTF-8: which code page it is in takes the detector this
/// build leaves out, so nothing is read rather than names garbled in a wrong guess.
#[cfg(not(feature = "legacy-encodings"))]
fn code_page_unread() -> Finding {
    Finding::new(
        Code::F001,
        "The file is not UTF-8 nor UTF-16: it is in a legacy code page (Excel's \"CSV (Comma delimited)\" outside Western Europe and America, or a Mac's), which this build does not detect or read; nothing else could be checked. The uploader reads UTF-8 only.",
        "Check it with the JavaScript package's `encodings` build (`scripts/build-js.sh --encodings`), the page or the `orgsync` command, which detect and read every code page; pass `encoding: \"windows-1252\"` if it is Western European; or save from Excel as \"CSV UTF-8 (Comma delimited)\".",
    )
}

fn not_csv(binary: Binary) -> Finding {
    Finding::new(
        Code::F003,
        format!(
            "This is {}, not a CSV file; nothing else could be checked.",
            binary.describe()
        ),
        "Open it in Excel and use File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\", then check the saved file.",
    )
}

/// Where Excel writes each legacy encoding: the admin's words for its origin.
fn origin(enc: Encoding) -> &'static str {
    match enc.as_str() {
        "shift_jis" => "Excel's \"CSV (Comma delimited)\" on Japanese Windows",
        "gbk" | "gb18030" => "Excel's \"CSV (Comma delimited)\" on Simplified Chinese Windows",
        "big5" => "Excel's \"CSV (Comma delimited)\" on Traditional Chinese Windows",
        "euc-kr" => "Excel's \"CSV (Comma delimited)\" on Korean Windows",
        "windows-1250" => {
            "Excel's \"CSV (Comma delimited)\" on Polish, Czech, Slovak, Hungarian, Croatian or Romanian Windows"
        }
        "windows-1251" => {
            "Excel's \"CSV (Comma delimited)\" on Russian, Ukrainian, Bulgarian or Serbian Windows"
        }
        "windows-1252" => {
            "Excel's \"CSV (Comma delimited)\" on Western European or American Windows"
        }
        "windows-1253" => "Excel's \"CSV (Comma delimited)\" on Greek Windows",
        "windows-1254" => "Excel's \"CSV (Comma delimited)\" on Turkish Windows",
        "windows-1255" => "Excel's \"CSV (Comma delimited)\" on Hebrew Windows",
        "windows-1256" => "Excel's \"CSV (Comma delimited)\" on Arabic Windows",
        "windows-1257" => {
            "Excel's \"CSV (Comma delimited)\" on Estonian, Latvian or Lithuanian Windows"
        }
        "windows-1258" => "Excel's \"CSV (Comma delimited)\" on Vietnamese Windows",
        "windows-874" => "Excel's \"CSV (Comma delimited)\" on Thai Windows",
        "macintosh" => "Mac Excel's \"CSV (Macintosh)\"",
        _ => "an older program or system",
    }
}

/// F001 for a file in a legacy encoding: converted to UTF-8 by its fix, safe when the encoding
/// is certain (the admin chose it), a suggestion for a guess.
fn legacy_file(s: &Sniffed, preview: &[String]) -> Finding {
    let enc = s.encoding;
    let guessed = !s.basis.certain();
    let how = if guessed {
        "guessed from its bytes"
    } else {
        "as you chose"
    };
    let names = if preview.is_empty() {
        String::new()
    } else {
        format!(" Read so, it holds: {}.", preview.join(", "))
    };
    let tip = if guessed {
        "If those names look wrong, choose the file's encoding (`--encoding`, or the page's \"Read as\" choice) and check again; if they look right, take the corrected file (converted to UTF-8) or save from Excel as \"CSV UTF-8 (Comma delimited)\" next time."
    } else {
        "The corrected file is converted to UTF-8. Next time save from Excel as \"CSV UTF-8 (Comma delimited)\"."
    };
    Finding::new(
        Code::F001,
        format!(
            "The file is in {} ({how}), {}, not UTF-8; the uploader reads UTF-8 only and would garble every name beyond plain English letters.{names}",
            enc.name(),
            origin(enc)
        ),
        tip,
    )
    .fix(Fix::new(
        if guessed { Applicability::Suggested } else { Applicability::Safe },
        Edit::FileForm,
        enc.as_str(),
        "utf-8",
    ))
}

/// F016: records with bytes that are not valid in the file's encoding.
pub(crate) fn invalid_bytes(s: &Sniffed, rows: u64, first_line: u64) -> Finding {
    let mut f = Finding::new(
        Code::F016,
        format!(
            "{} bytes that are not valid {} (first at line {first_line}); they read as \u{FFFD}, and converting the file to UTF-8 writes \u{FFFD} for them.",
            if rows == 1 {
                "1 row holds".to_string()
            } else {
                format!("{rows} rows hold")
            },
            s.encoding.name()
        ),
        "Look at that line: the file may be two files in different encodings pasted together, or in another encoding than the one it was read as. Choose the encoding (`--encoding`) or retype the damaged names.",
    );
    f.line = Some(first_line);
    f
}

/// F006 for the header record: its names are not what the admin meant, so none is fixed.
pub(crate) fn header_quoting(header: &Header, problem: QuoteProblem) -> Finding {
    let (column, what) = match problem {
        QuoteProblem::StrayQuote { field } => (
            field,
            "A quote mark sits inside a header name that is not quoted".to_string(),
        ),
        QuoteProblem::TextAfterQuote { field } => (
            field,
            "Text follows the closing quote of a quoted header name".to_string(),
        ),
        QuoteProblem::Unterminated { field } => {
            let swallowed = header.columns.get(field).map_or(0, |c| {
                let breaks = c.raw.matches('\n').count() + c.raw.matches('\r').count()
                    - c.raw.matches("\r\n").count();
                breaks - usize::from(c.raw.ends_with(['\n', '\r']) && breaks > 0)
            });
            (
                field,
                format!(
                    "A quote opens in header column {} and never closes, so {} after it {} read as part of the header",
                    field + 1,
                    plural(swallowed as u64, "line", "lines"),
                    if swallowed == 1 { "was" } else { "were" }
                ),
            )
        }
    };
    let mut f = Finding::new(
        Code::F006,
        format!(
            "{what}; the uploader cannot read the header right. No header fix is applied, and the corrected file keeps every byte of it."
        ),
        "Remove the stray quote from the header (or close it), then check the file again.",
    );
    f.row = Some(header.row);
    f.line = Some(header.line);
    f.column = Some(column);
    f.value = header
        .columns
        .get(column)
        .map(|c| c.raw.chars().take(200).collect());
    f
}

/// F001 for records that are not UTF-8 (read as Windows-1252).
pub(crate) fn legacy_encoding(rows: u64, first_line: u64) -> Finding {
    let mut f = Finding::new(
        Code::F001,
        format!(
            "{} not UTF-8 (first at line {first_line}); they were read as Windows-1252, Excel's plain \"CSV\" on Windows. The uploader would garble accented names.",
            if rows == 1 { "1 row is".to_string() } else { format!("{rows} rows are") }
        ),
        "Check a few accented names in the corrected file, then save from Excel as \"CSV UTF-8 (Comma delimited)\" next time.",
    )
    .fix(Fix::new(Applicability::Suggested, Edit::FileForm, "windows-1252", "utf-8"));
    f.line = Some(first_line);
    f
}

/// F005: no header, or no record after it.
pub(crate) fn empty(header: Option<&Header>, bytes: u64) -> Option<Finding> {
    let message = match header {
        None if bytes == 0 => "The file is empty.".to_string(),
        None => "The file holds no header row, only blank lines or separators.".to_string(),
        Some(_) => "The file has a header row but no user rows.".to_string(),
    };
    Some(Finding::new(
        Code::F005,
        message,
        "Add one row per user below the header (start from `orgsync template`), and check you exported the right sheet.",
    ))
}

/// F006 for a record with a quoting problem.
pub(crate) fn bad_quoting(row: &Row<'_>, problem: QuoteProblem) -> Finding {
    let (column, message) = match problem {
        QuoteProblem::StrayQuote { field } => (
            field,
            "A quote mark sits inside a cell that is not quoted; the uploader may split or merge cells here.",
        ),
        QuoteProblem::TextAfterQuote { field } => (
            field,
            "Text follows the closing quote of a quoted cell; the uploader may split or merge cells here.",
        ),
        QuoteProblem::Unterminated { field } => (
            field,
            "A quoted cell opens here and never closes: everything after it was read as one cell.",
        ),
    };
    row.finding(
        Code::F006,
        Some(column),
        message,
        "Put quotes around the whole cell and double every quote inside it (`\"\"`), or remove the stray quote; saving from Excel does this for you.",
    )
}

/// F007: a record whose field count differs from the header's.
pub(crate) fn ragged(row: &Row<'_>, header_len: usize) -> Option<Finding> {
    let n = row.len();
    if n == header_len || row.blank_line {
        return None;
    }
    if n > header_len {
        let extra_empty = (header_len..n).all(|i| row.cell(i).is_empty());
        let f = row.finding(
            Code::F007,
            Some(header_len),
            format!("This row has {} but the header has {header_len}.", plural(n as u64, "field", "fields")),
            if extra_empty {
                "The extra fields are empty (trailing separators, often left by Excel); the corrected file drops them."
            } else {
                "A value probably holds an unquoted comma, shifting the cells; quote it or remove the extra value."
            },
        );
        Some(if extra_empty {
            f.fix(Fix::new(
                Applicability::Safe,
                Edit::Reshape,
                format!("{n} fields"),
                format!("{header_len} fields"),
            ))
        } else {
            f
        })
    } else {
        Some(
            row.finding(
                Code::F007,
                Some(n.saturating_sub(1)),
                format!("This row has {} but the header has {header_len}.", plural(n as u64, "field", "fields")),
                "The last cells are missing; the corrected file adds them empty. Check the row's values sit under the right headers.",
            )
            .fix(Fix::new(Applicability::Safe, Edit::Reshape, format!("{n} fields"), format!("{header_len} fields"))),
        )
    }
}

/// F008: a row whose fields are all empty.
pub(crate) fn blank_row(row: &Row<'_>) -> Finding {
    row.finding(
        Code::F008,
        None,
        "This row is blank.",
        "Delete the row; the corrected file drops it.",
    )
    .fix(Fix::new(
        Applicability::Safe,
        Edit::DropRow,
        "blank row",
        "(dropped)",
    ))
}

/// F009: more than one line-ending style.
pub(crate) fn mixed_line_endings(e: &LineEndings) -> Option<Finding> {
    if e.kinds() < 2 {
        return None;
    }
    let mut parts = Vec::new();
    if e.crlf > 0 {
        parts.push(format!("{} CRLF", e.crlf));
    }
    if e.lf > 0 {
        parts.push(format!("{} LF", e.lf));
    }
    if e.cr > 0 {
        parts.push(format!("{} CR", e.cr));
    }
    Some(
        Finding::new(
            Code::F009,
            format!(
                "Line endings are mixed ({}), usually from pasting files together.",
                parts.join(", ")
            ),
            "Nothing to do by hand: the corrected file uses CRLF throughout.",
        )
        .fix(Fix::new(
            Applicability::Safe,
            Edit::FileForm,
            "mixed",
            "CRLF",
        )),
    )
}

/// F010: the file name does not end in `.csv`.
pub(crate) fn extension(name: &str) -> Option<Finding> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") || name.is_empty() || name == "-" {
        return None;
    }
    Some(Finding::new(
        Code::F010,
        format!(
            "The file name `{}` does not end in .csv; the uploader only accepts .csv files.",
            super::text::excerpt(name)
        ),
        "Rename the file to end in .csv (after saving it as \"CSV UTF-8\" if it came from Excel).",
    ))
}

/// Excel's most characters in a cell; a longer value cannot have come from a spreadsheet, and
/// Excel cuts it when it opens the file.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;

/// Excel's most columns (XFD).
pub(crate) const MAX_COLUMNS: usize = 16_384;

/// F012: cells longer than Excel's 32,767 characters. A row no longer than that in bytes cannot
/// hold one, so the usual row costs one comparison.
pub(crate) fn long_cells(row: &Row<'_>, sink: &mut dyn FnMut(Finding)) {
    if row.text.len() <= MAX_CELL_CHARS {
        return;
    }
    for (i, cell) in row.cells().enumerate() {
        if cell.len() <= MAX_CELL_CHARS {
            continue;
        }
        let chars = cell.chars().count();
        if chars > MAX_CELL_CHARS {
            sink(row.finding(
                Code::F012,
                Some(i),
                format!(
                    "This cell holds {} characters, starting `{}`; Excel holds at most 32,767 in a cell and cuts the rest when it opens the file.",
                    thousands(chars as u64),
                    super::text::excerpt(cell)
                ),
                "No Org Sync value is this long: a quote mark that never closes usually swallowed the rows after it. Look at this row in a text editor.",
            ));
        }
    }
}

/// F013: a header with more columns than Excel allows.
pub(crate) fn too_many_columns(header: &Header) -> Option<Finding> {
    let n = header.columns.len();
    if n <= MAX_COLUMNS {
        return None;
    }
    let mut f = Finding::new(
        Code::F013,
        format!(
            "The header has {} columns; Excel holds at most 16,384, and an Org Sync file needs a few dozen at most.",
            thousands(n as u64)
        ),
        "This is not the export you meant, or its rows were joined into one line. Open it in a text editor and check the first line is the header.",
    );
    f.row = Some(header.row);
    f.line = Some(header.line);
    Some(f)
}

/// F014: a record over the parser's limits (1 MiB of text, 65,536 fields), which was cut.
pub(crate) fn record_too_long(cut: Cut) -> Finding {
    let Cut {
        row,
        line,
        bytes,
        fields,
        ..
    } = cut;
    use crate::parse::{MAX_FIELDS, MAX_RECORD_BYTES};
    let message = if bytes > MAX_RECORD_BYTES as u64 {
        format!(
            "This row is {} bytes long, more than the 1 MiB (1,048,576 bytes) a row may have; only its first 1 MiB was read, and the corrected file and the reports hold only that part.",
            thousands(bytes)
        )
    } else {
        format!(
            "This row has more than {} fields; only the first {} were read, and the corrected file and the reports hold only those.",
            thousands(MAX_FIELDS as u64),
            thousands(fields as u64)
        )
    };
    let mut f = Finding::new(
        Code::F014,
        message,
        "Usually a quote mark opens a cell and never closes, or the file has no line breaks the uploader recognises. Open it in a text editor at this line and look for the stray quote or the missing line breaks.",
    );
    f.row = Some(row);
    f.line = Some(line);
    f
}

/// F011: the header is the user-deletion format.
pub(crate) fn deletion_file(header: &Header) -> Finding {
    let mut f = Finding::new(
        Code::F011,
        "This is a user-deletion file (primary_email_address + unique_id): the deletion rules apply.",
        "A deletion file takes at most 10,000 users and must stay under 15 MB; keep both headers even where a column is empty, and give one identifier per row.",
    );
    f.row = Some(header.row);
    f.line = Some(header.line);
    f
}

#[cfg(test)]
mod tests {
    use crate::finding::{Applicability, Edit};
    use crate::options::{FixOptions, Options};
    use crate::registry::{Code, Severity};
    use crate::rules::header::testing::{run, run_bytes};

    const HEAD: &str = "primary_email_address,preferred_first_name,preferred_last_name";

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    /// (file bytes, code, expected count, fix applicability of the first, corrected file or "")
    type Case = (Vec<u8>, Code, usize, Option<Applicability>, &'static str);

    fn cases() -> Vec<Case> {
        let clean = format!("{HEAD}\r\nana.silva@example.com,Ana,Silva\r\n");
        vec![
            // A clean file: none of the F rules fire.
            (clean.clone().into_bytes(), Code::F001, 0, None, ""),
            (clean.clone().into_bytes(), Code::F002, 0, None, ""),
            (clean.clone().into_bytes(), Code::F004, 0, None, ""),
            (clean.clone().into_bytes(), Code::F005, 0, None, ""),
            (clean.clone().into_bytes(), Code::F006, 0, None, ""),
            (clean.clone().into_bytes(), Code::F007, 0, None, ""),
            (clean.clone().into_bytes(), Code::F008, 0, None, ""),
            (clean.clone().into_bytes(), Code::F009, 0, None, ""),
            (clean.clone().into_bytes(), Code::F011, 0, None, ""),
            // F001: UTF-16 with a BOM (Excel's "Unicode Text", tab separated) becomes UTF-8, with
            // a UTF-8 mark so Excel still reads the accents right.
            (
                utf16le(&format!("{}\r\nzoë@example.com\tZoë\tMüller\r\n", HEAD.replace(',', "\t")), true),
                Code::F001,
                1,
                Some(Applicability::Safe),
                "\u{feff}primary_email_address,preferred_first_name,preferred_last_name\r\nzoë@example.com,Zoë,Müller\r\n",
            ),
            // F001: Windows-1252 bytes (é = 0xE9) are a suggestion, not applied by default.
            (
                [format!("{HEAD}\r\nrene@example.com,Ren").as_bytes(), &[0xE9], b",Dubois\r\n"].concat(),
                Code::F001,
                1,
                Some(Applicability::Suggested),
                "",
            ),
            // F002: the BOM is reported, harmless, and kept.
            (
                [&[0xEF, 0xBB, 0xBF][..], clean.as_bytes()].concat(),
                Code::F002,
                1,
                None,
                "\u{feff}primary_email_address,preferred_first_name,preferred_last_name\r\nana.silva@example.com,Ana,Silva\r\n",
            ),
            // F003: a workbook is not a CSV.
            (b"PK\x03\x04\x14\x00\x06\x00rest of an xlsx".to_vec(), Code::F003, 1, None, ""),
            (vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], Code::F003, 1, None, ""),
            // F004: semicolons (European Excel) become commas; commas inside cells get quoted.
            (
                "primary_email_address;work_title\r\nana@example.com;Lead, Sales\r\nbo@example.com;Analyst\r\n".into(),
                Code::F004,
                1,
                Some(Applicability::Safe),
                "primary_email_address,work_title\r\nana@example.com,\"Lead, Sales\"\r\nbo@example.com,Analyst\r\n",
            ),
            // F005: nothing, or a header alone.
            (Vec::new(), Code::F005, 1, None, ""),
            (format!("{HEAD}\r\n").into_bytes(), Code::F005, 1, None, ""),
            (b"\r\n\r\n".to_vec(), Code::F005, 1, None, ""),
            // F006: a stray quote.
            (
                format!("{HEAD}\r\nana@example.com,Ana \"AJ,Silva\r\n").into_bytes(),
                Code::F006,
                1,
                None,
                "",
            ),
            // F007: trailing empty fields are dropped; a short row is padded; a shifted row is not touched.
            (
                format!("{HEAD}\r\nana@example.com,Ana,Silva,,\r\n").into_bytes(),
                Code::F007,
                1,
                Some(Applicability::Safe),
                "primary_email_address,preferred_first_name,preferred_last_name\r\nana@example.com,Ana,Silva\r\n",
            ),
            (
                format!("{HEAD}\r\nana@example.com,Ana\r\n").into_bytes(),
                Code::F007,
                1,
                Some(Applicability::Safe),
                "primary_email_address,preferred_first_name,preferred_last_name\r\nana@example.com,Ana,\r\n",
            ),
            (
                format!("{HEAD}\r\nana@example.com,Silva,Ana,x\r\n").into_bytes(),
                Code::F007,
                1,
                None,
                "primary_email_address,preferred_first_name,preferred_last_name\r\nana@example.com,Silva,Ana,x\r\n",
            ),
            // F008: blank rows, and rows of empty fields, are dropped.
            (
                format!("{HEAD}\r\nana@example.com,Ana,Silva\r\n\r\n,,\r\nbo@example.com,Bo,Li\r\n").into_bytes(),
                Code::F008,
                2,
                Some(Applicability::Safe),
                "primary_email_address,preferred_first_name,preferred_last_name\r\nana@example.com,Ana,Silva\r\nbo@example.com,Bo,Li\r\n",
            ),
            // F009: mixed line endings become CRLF.
            (
                format!("{HEAD}\nana@example.com,Ana,Silva\r\nbo@example.com,Bo,Li\n").into_bytes(),
                Code::F009,
                1,
                Some(Applicability::Safe),
                "primary_email_address,preferred_first_name,preferred_last_name\r\nana@example.com,Ana,Silva\r\nbo@example.com,Bo,Li\r\n",
            ),
            // A file with LF only is not mixed.
            (format!("{HEAD}\nana@example.com,Ana,Silva\n").into_bytes(), Code::F009, 0, None, ""),
            // F011: the deletion format.
            (
                b"primary_email_address,unique_id\r\nana@example.com,\r\n,E1002\r\n".to_vec(),
                Code::F011,
                1,
                None,
                "",
            ),
            // Not deletion: an action column makes it a users file.
            (
                b"primary_email_address,unique_id,group:Sales\r\nana@example.com,E1,yes\r\n".to_vec(),
                Code::F011,
                0,
                None,
                "",
            ),
        ]
    }

    #[test]
    fn table() {
        for (i, (bytes, code, count, fix, corrected)) in cases().into_iter().enumerate() {
            let r = run_bytes(&bytes, Options::default(), &FixOptions::default());
            let found = r.of(code);
            assert_eq!(
                found.len(),
                count,
                "case {i} ({code}): {:#?}",
                r.report.findings
            );
            if let Some(f) = found.first() {
                assert_eq!(f.fix.as_ref().map(|x| x.applicability), fix, "case {i}");
                assert_eq!(f.severity, code.rule().severity, "case {i}");
            }
            if !corrected.is_empty() {
                assert_eq!(r.corrected, corrected, "case {i} ({code})");
            }
        }
    }

    /// Without `legacy-encodings`: UTF-8 with a stray Windows-1252 row, UTF-16 and a chosen
    /// Windows-1252 read as in the full build; a file mostly in a code page stops at F001, which
    /// names the entry point that reads it, and nothing is read in a wrong guess.
    #[cfg(not(feature = "legacy-encodings"))]
    #[test]
    fn without_legacy_encodings_a_code_page_stops_with_f001() {
        let none = FixOptions::default();
        let sjis = [
            HEAD.as_bytes(),
            b"\r\na@example.com,\x93\x63\x92\x86,\x91\xBE\x98\x59\r\n",
        ]
        .concat();
        let r = run_bytes(&sjis, Options::default(), &none);
        assert_eq!(r.report.findings.len(), 1, "{:?}", r.report.findings);
        let f = r.one(Code::F001);
        assert_eq!(f.severity, Severity::Error);
        assert!(f.fix.is_none());
        assert!(f.tip.contains("build-js.sh --encodings"), "{}", f.tip);
        let jis = format!("{HEAD}\r\na@example.com,\x1B$B%F%9%H\x1B(B,x\r\n");
        assert_eq!(
            run_bytes(jis.as_bytes(), Options::default(), &none)
                .report
                .findings
                .len(),
            1
        );
        // Chosen, Windows-1252 reads: René.
        let latin = [HEAD.as_bytes(), b"\r\na@example.com,Ren\xE9,Doe\r\n"].concat();
        let chosen = Options {
            encoding: crate::Encoding::for_label("latin1"),
            ..Options::default()
        };
        let r = run_bytes(&latin, chosen, &none);
        assert!(r.one(Code::F001).message.contains("Windows-1252"));
        assert!(r.report.findings.iter().all(|f| f.code != Code::F003));
        assert!(crate::Encoding::for_label("shift_jis").is_none());
    }

    #[test]
    fn positions_and_words() {
        // A UTF-8 file (Zoë, Ana) with one row from Windows-1252: that row is read so.
        let bytes = [
            "primary_email_address,preferred_first_name\r\na@example.com,Zoë Ana\r\nb@example.com,Ren"
                .as_bytes(),
            &[0xE9],
            b"\r\n",
        ]
        .concat();
        let r = run_bytes(&bytes, Options::default(), &FixOptions::default());
        let f = r.one(Code::F001);
        assert_eq!(f.line, Some(3));
        assert!(
            f.message.contains("1 row is not UTF-8 (first at line 3)"),
            "{}",
            f.message
        );
        assert_eq!(r.report.file.encoding, "windows-1252");

        let r = run("primary_email_address\r\n\"ana@example.com\r\n");
        let f = r.one(Code::F006);
        assert_eq!((f.row, f.column), (Some(2), Some(0)));
        assert!(f.message.contains("never closes"));

        let r = run("primary_email_address,work_title\r\na@x.com,Analyst,,\r\n");
        let f = r.one(Code::F007);
        assert_eq!((f.row, f.line, f.column), (Some(2), Some(2), Some(2)));
        assert_eq!(f.fix.as_ref().unwrap().edit, Edit::Reshape);
        assert!(f.message.contains("4 fields but the header has 2"));

        let r = run("primary_email_address;work_title\r\na@x.com;Analyst\r\n");
        assert!(r.one(Code::F004).message.contains("semicolon"));
    }

    #[test]
    fn file_name_extension() {
        let cases = [
            ("users.csv", false),
            ("USERS.CSV", false),
            ("users.xlsx", true),
            ("users.txt", true),
            ("users", true),
            ("-", false),
        ];
        for (name, fires) in cases {
            let options = Options {
                file_name: Some(name.to_string()),
                ..Options::default()
            };
            let r = run_bytes(
                b"primary_email_address\r\na@x.com\r\n",
                options,
                &FixOptions::default(),
            );
            assert_eq!(r.of(Code::F010).len(), usize::from(fires), "{name}");
        }
    }

    #[test]
    fn large_deletion_file_is_an_error() {
        let mut csv = String::from("primary_email_address,unique_id\r\n");
        for i in 0..10_001 {
            csv.push_str(&format!("user{i}@example.com,\r\n"));
        }
        let r = run(&csv);
        let mut sev: Vec<Severity> = r.of(Code::F011).iter().map(|f| f.severity).collect();
        sev.sort();
        assert_eq!(sev, [Severity::Error, Severity::Info]);
    }

    #[test]
    fn suggested_legacy_decoding_applies_when_asked() {
        let bytes = [
            b"primary_email_address,preferred_first_name\r\nrene@example.com,Ren".as_slice(),
            &[0xE9],
            b"\r\n",
        ]
        .concat();
        let all = FixOptions {
            suggested: crate::options::Suggested::All,
            ..FixOptions::default()
        };
        let r = run_bytes(&bytes, Options::default(), &all);
        // A file in Windows-1252 throughout, converted: UTF-8 with its mark, for Excel.
        assert_eq!(
            r.corrected,
            "\u{feff}primary_email_address,preferred_first_name\r\nrene@example.com,René\r\n"
        );
        assert_eq!(r.report.file.encoding, "windows-1252");
        assert_eq!(r.report.file.encoding_basis, "guessed");
        // Not asked: the file stays Windows-1252, byte for byte.
        let r = run_bytes(&bytes, Options::default(), &FixOptions::default());
        assert_eq!(r.corrected, String::from_utf8_lossy(&bytes));
    }
}

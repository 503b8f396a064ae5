//! F rules: the bytes and the shape of the records. The pipeline finds these; this module words
//! them and attaches their fixes.

use super::text::{delimiter_name, plural};
use crate::engine::{Header, Row};
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::input::{Binary, Encoding, Sniffed};
use crate::parse::{LineEndings, QuoteProblem};
use crate::registry::Code;

/// Findings about the file's form, known once it is sniffed: F001 (UTF-16), F002, F003, F004.
pub(crate) fn sniffed(s: &Sniffed, sink: &mut dyn FnMut(Finding)) {
    if let Some(binary) = s.binary {
        sink(not_csv(binary));
        return;
    }
    match s.encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => sink(
            Finding::new(
                Code::F001,
                format!(
                    "The file is {} (Excel's \"Unicode Text\"), not UTF-8; the uploader reads UTF-8 only.",
                    if s.encoding == Encoding::Utf16Le { "UTF-16 little-endian" } else { "UTF-16 big-endian" }
                ),
                "In Excel use File > Save As > \"CSV UTF-8 (Comma delimited)\"; the corrected file is already UTF-8.",
            )
            .fix(Fix::new(Applicability::Safe, Edit::FileForm, s.encoding.as_str(), "utf-8")),
        ),
        _ => {}
    }
    if s.bom && s.encoding == Encoding::Utf8 {
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
        "Quote the whole cell and double any quote inside it (\"\" ), or remove the stray quote; saving from Excel does this for you.",
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
            format!("This row has {} but the header has {header_len}.", plural(n as u64, "field")),
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
                format!("This row has {} but the header has {header_len}.", plural(n as u64, "field")),
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

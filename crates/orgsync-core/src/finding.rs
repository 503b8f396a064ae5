//! Findings and fixes: the data every output renders.

use crate::registry::{Code, Severity};
use serde::Serialize;

/// How sure a fix is. Safe fixes apply by default; suggested ones only when asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Certain, and changes no meaning.
    Safe,
    /// Likely; a person should confirm it.
    Suggested,
}

impl Applicability {
    /// `safe` or `suggested`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Suggested => "suggested",
        }
    }
}

/// What a fix does to the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Edit {
    /// Replace the finding's cell (or header cell, for header findings) with `after`.
    SetCell,
    /// Drop the finding's whole row.
    DropRow,
    /// Drop the finding's whole column.
    DropColumn,
    /// Pad a short row with empty fields up to the header's width, or drop its empty extra fields.
    Reshape,
    /// A change to the whole file's form (encoding, delimiter, line endings); the corrected file
    /// is written in the standard form when it is on.
    FileForm,
}

/// A correction carried by a finding: the before and after value make the report a change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Whether the fix is applied by default.
    pub applicability: Applicability,
    /// What is there now (a cell's value, or a description for row and file edits).
    pub before: String,
    /// What the corrected file holds instead.
    pub after: String,
    /// What the edit does.
    #[serde(skip)]
    pub edit: Edit,
}

impl Fix {
    /// A cell replacement.
    pub fn set_cell(
        applicability: Applicability,
        before: impl Into<String>,
        after: impl Into<String>,
    ) -> Fix {
        Fix::new(applicability, Edit::SetCell, before, after)
    }

    /// A fix of another kind.
    pub fn new(
        applicability: Applicability,
        edit: Edit,
        before: impl Into<String>,
        after: impl Into<String>,
    ) -> Fix {
        Fix {
            applicability,
            before: before.into(),
            after: after.into(),
            edit,
        }
    }
}

/// One problem (or fact) found in the file.
///
/// Positions: `row` is the row as a spreadsheet shows it (the header is row 1, the first record
/// row 2; a quoted field spanning lines is still one row); `line` is the 1-based physical line
/// where that row starts; `column` is the 0-based index into the header, rendered 1-based as
/// `column_index` in every output. File-level findings have no row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's code.
    pub code: Code,
    /// The severity of this finding (usually the rule's; a few rules grade some cases lower).
    pub severity: Severity,
    /// Spreadsheet row (1 = header), when the finding is about a row or the header.
    pub row: Option<u64>,
    /// Physical 1-based line where that row starts.
    pub line: Option<u64>,
    /// 0-based column index, when the finding is about a column or a cell.
    #[serde(skip)]
    pub column: Option<usize>,
    /// What is wrong, in the admin's words.
    pub message: String,
    /// How to fix it in Excel or a text editor.
    pub tip: String,
    /// The automatic correction, if any.
    pub fix: Option<Fix>,
    /// The cell's value as the file holds it, for findings about one cell of a row (not in the
    /// JSON report, whose messages echo no more of a cell than needed; the page's grid and the
    /// terminal show it).
    #[serde(skip)]
    pub value: Option<String>,
    /// Other rows involved (cross-row rules), as spreadsheet rows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_rows: Vec<u64>,
}

impl Finding {
    /// A finding with the rule's default severity and no position yet.
    pub fn new(code: Code, message: impl Into<String>, tip: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.rule().severity,
            row: None,
            line: None,
            column: None,
            message: message.into(),
            tip: tip.into(),
            fix: None,
            value: None,
            related_rows: Vec::new(),
        }
    }

    /// Sets the severity, for rules that grade some cases lower than their default.
    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Attaches a fix.
    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    /// Attaches a fix when there is one.
    pub fn maybe_fix(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix;
        self
    }

    /// Names the other rows a cross-row finding involves.
    pub fn related(mut self, rows: Vec<u64>) -> Finding {
        self.related_rows = rows;
        self
    }
}

/// Sorts findings by position, stably: file-level findings (no row) first, then by row; within a
/// row the row-wide ones (no column) first, then by column, then by code. The check pass, the
/// fix pass and the roster all sort with this one function: a `sort_by_key` with a closure of
/// its own at each place linked a copy of the standard library's sort for each (about 3 KB of
/// the JavaScript API's wasm apiece).
pub(crate) fn sort_by_position(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.row.unwrap_or(0), f.column.map_or(0, |c| c + 1), f.code));
}

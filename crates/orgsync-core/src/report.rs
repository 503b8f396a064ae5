//! The report of a check: file facts, counts, the action summary and the findings; plus the
//! plan the fix pass needs.

use crate::finding::Finding;
use crate::header::{FileKind, Header};
use crate::input::Sniffed;
use crate::registry::Code;
use crate::rules::cross;
use crate::summary::Actions;
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Facts about the file.
#[derive(Debug, Clone, Serialize)]
pub struct FileInfo {
    /// The file's name, when known.
    pub name: Option<String>,
    /// The encoding the file was read as: the Encoding Standard's name in lower case (`utf-8`,
    /// `utf-16le`, `shift_jis`, `windows-1250`, `macintosh`…).
    pub encoding: &'static str,
    /// Its name for admins: `Japanese (Shift_JIS)`.
    pub encoding_name: &'static str,
    /// What the encoding rests on: `bom`, `utf-16`, `utf-8` (every byte is UTF-8), `guessed`
    /// or `chosen` (by the admin).
    pub encoding_basis: &'static str,
    /// A few decoded values of a file in a legacy encoding, for a person to confirm the
    /// encoding (empty for UTF-8 and UTF-16).
    pub encoding_preview: Vec<String>,
    /// The delimiter: `,`, `;`, `\t` or `|`.
    pub delimiter: String,
    /// Whether the file starts with a byte-order mark.
    pub bom: bool,
    /// The dominant line ending: `crlf`, `lf`, `cr` or `none`.
    pub line_ending: &'static str,
    /// Records after the header (blank rows included).
    pub rows: u64,
    /// Columns in the header.
    pub columns: u64,
    /// `users`, `deletion`, `email-change` or `id-change`.
    pub kind: FileKind,
    /// Bytes read.
    pub bytes: u64,
    /// The header texts as written.
    #[serde(skip)]
    pub headers: Vec<String>,
    /// The header's spreadsheet row, when the file has a header: 1, unless blank lines or
    /// Excel's `sep=` line come first (a workbook: the sheet's row).
    #[serde(skip)]
    pub header_row: Option<u64>,
    /// For a workbook: its format, its sheets and the sheet read (absent for a CSV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workbook: Option<crate::workbook::WorkbookInfo>,
}

impl FileInfo {
    /// The facts of the file the pipeline has read to its end.
    pub(crate) fn read(
        name: Option<String>,
        p: &crate::engine::Pipeline,
        s: &Sniffed,
        header: Option<&Header>,
    ) -> FileInfo {
        FileInfo {
            name,
            encoding: crate::engine::reported_encoding(s, p.legacy_rows)
                .0
                .as_str(),
            encoding_name: crate::engine::reported_encoding(s, p.legacy_rows).0.name(),
            encoding_basis: crate::engine::reported_encoding(s, p.legacy_rows)
                .1
                .as_str(),
            encoding_preview: p.preview.clone(),
            delimiter: (s.delimiter as char).to_string(),
            bom: s.bom,
            line_ending: p.line_endings().dominant(),
            rows: p.records(),
            columns: header.map_or(0, |h| h.columns.len() as u64),
            kind: header.map_or(FileKind::Users, |h| h.kind),
            bytes: p.bytes,
            headers: header
                .map(|h| h.columns.iter().map(|c| c.raw.clone()).collect())
                .unwrap_or_default(),
            header_row: header.map(|h| h.row),
            workbook: p.book.info(),
        }
    }
}

/// How many findings of one code carry a fix, by applicability.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixCounts {
    /// Findings with a safe fix.
    pub safe: u64,
    /// Findings with a suggested fix.
    pub suggested: u64,
}

/// Counts over every finding (exact, even when the kept list is capped).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Error findings.
    pub errors: u64,
    /// Warning findings.
    pub warnings: u64,
    /// Info findings.
    pub infos: u64,
    /// Findings carrying a safe fix.
    pub safe_fixes: u64,
    /// Findings carrying a suggested fix.
    pub suggested_fixes: u64,
    /// Findings per code.
    pub by_code: BTreeMap<Code, u64>,
    /// Per code, how many findings carry a safe and a suggested fix (exact beyond the cap; not in
    /// the JSON report, which keeps the documented shape).
    pub fixes_by_code: BTreeMap<Code, FixCounts>,
    /// Findings dropped from the list because of `max_findings_per_code` (still counted).
    pub omitted: u64,
    /// What the file asks the uploader to do.
    pub actions: Actions,
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct ByCode<'a>(&'a BTreeMap<Code, u64>);
        impl Serialize for ByCode<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k.as_str(), v)?;
                }
                m.end()
            }
        }
        let mut st = s.serialize_struct("Summary", 8)?;
        st.serialize_field("errors", &self.errors)?;
        st.serialize_field("warnings", &self.warnings)?;
        st.serialize_field("infos", &self.infos)?;
        st.serialize_field("safe_fixes", &self.safe_fixes)?;
        st.serialize_field("suggested_fixes", &self.suggested_fixes)?;
        st.serialize_field("by_code", &ByCode(&self.by_code))?;
        st.serialize_field("omitted", &self.omitted)?;
        st.serialize_field("actions", &self.actions)?;
        st.end()
    }
}

impl Summary {
    /// Whether any finding is an error (the CLI's exit code 1).
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

/// What the fix pass needs from the check pass. Not part of the JSON report.
#[derive(Debug, Default)]
pub(crate) struct FixPlan {
    pub sniffed: Option<Sniffed>,
    /// The header as the check pass saw it; the fix pass reads its own, and the tests compare
    /// the passes through this one.
    #[cfg_attr(not(test), allow(dead_code))]
    pub header: Option<Header>,
    /// File-level, header and whole-column findings: few, kept in full whatever the cap.
    pub file_findings: Vec<Finding>,
    /// What the cross-row rules decided.
    pub cross: cross::CrossDecisions,
    /// Dominant line ending of the input.
    pub line_ending: &'static str,
    /// The options the check ran with; the fix pass re-runs the rules with the same.
    pub options: crate::options::Options,
    /// One bit per record (`Row::record`): the check pass's row rules found or counted
    /// something on it. The row rules give the same answer for the same row, so the fix pass
    /// skips them on a row whose bit is clear. `None` when not known (a merged part).
    pub row_rules_found: Option<Vec<u64>>,
}

impl FixPlan {
    /// Whether the row rules must run on this record in the fix pass: they found something
    /// there in the check pass, or that is not known.
    #[inline]
    pub(crate) fn row_rules_needed(&self, record: u64) -> bool {
        self.row_rules_found.as_ref().is_none_or(|bits| {
            bits.get((record / 64) as usize)
                .is_some_and(|w| w & (1 << (record % 64)) != 0)
        })
    }
}

/// The result of a check.
#[derive(Debug, Clone)]
pub struct Report {
    /// Facts about the file.
    pub file: FileInfo,
    /// Counts and the action summary.
    pub summary: Summary,
    /// The findings: file-level ones first, then by row. Capped per code when asked.
    pub findings: Vec<Finding>,
    /// The account's users the file was compared with (its own findings inside), when given.
    pub roster: Option<Arc<crate::roster::Roster>>,
    /// What the upload will do to the account's users, when a user export was given.
    pub preview: Option<crate::roster::Preview>,
    pub(crate) plan: Arc<FixPlan>,
}

impl Report {
    /// The header text of a column (0-based), as written in the file.
    pub fn column_name(&self, column: usize) -> Option<&str> {
        self.file.headers.get(column).map(String::as_str)
    }

    /// Writes the JSON report to `out` as it is serialised, without building it in memory first
    /// (a report with millions of findings would otherwise exist twice).
    pub fn write_json<W: std::io::Write>(&self, out: W, pretty: bool) -> std::io::Result<()> {
        let r = if pretty {
            serde_json::to_writer_pretty(out, self)
        } else {
            serde_json::to_writer(out, self)
        };
        r.map_err(std::io::Error::from)
    }

    /// The JSON report (the shape documented in the README), pretty or compact.
    pub fn to_json(&self, pretty: bool) -> String {
        let r = if pretty {
            serde_json::to_string_pretty(self)
        } else {
            serde_json::to_string(self)
        };
        // Not `expect`: formatting the error with `Debug` would link serde_json's and String's
        // `Debug` into the wasm for a case that cannot happen.
        r.unwrap_or_else(|_| unreachable!("a report always serializes"))
    }
}

/// A finding as the JSON report shows it, with the header texts of its file.
pub(crate) struct JsonFinding<'a>(pub &'a Finding, pub &'a [String]);

impl Serialize for JsonFinding<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (f, r) = (self.0, self.1);
        let mut st = s.serialize_struct("Finding", 11)?;
        st.serialize_field("code", f.code.as_str())?;
        st.serialize_field("rule", f.code.rule().name)?;
        st.serialize_field("severity", &f.severity)?;
        st.serialize_field("row", &f.row)?;
        st.serialize_field("line", &f.line)?;
        st.serialize_field("column", &f.column.and_then(|c| r.get(c)))?;
        st.serialize_field("column_index", &f.column.map(|c| c + 1))?;
        st.serialize_field("message", &f.message)?;
        st.serialize_field("tip", &f.tip)?;
        st.serialize_field("fix", &f.fix)?;
        if !f.related_rows.is_empty() {
            st.serialize_field("related_rows", &f.related_rows)?;
        }
        st.end()
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Findings<'a>(&'a Report);
        impl Serialize for Findings<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(
                    self.0
                        .findings
                        .iter()
                        .map(|f| JsonFinding(f, &self.0.file.headers)),
                )
            }
        }
        let mut st = s.serialize_struct("Report", 5)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("summary", &self.summary)?;
        st.serialize_field("findings", &Findings(self))?;
        if let Some(roster) = &self.roster {
            st.serialize_field("roster", &**roster)?;
            st.serialize_field("preview", &self.preview)?;
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, check};

    fn header_row(text: &str, cap: Option<usize>) -> Option<u64> {
        let options = Options::default().with_max_findings_per_code(cap);
        check(text.as_bytes(), options).file.header_row
    }

    /// The header's row is the pipeline's fact, not a count of the F008 findings a cap may
    /// have cut short.
    #[test]
    fn the_header_row_is_reported_whatever_the_cap() {
        let body = "primary_email_address\r\njane@acme.com\r\n";
        assert_eq!(header_row(body, None), Some(1));
        let blanks = format!("{}{body}", "\r\n".repeat(7));
        assert_eq!(header_row(&blanks, None), Some(8));
        assert_eq!(header_row(&blanks, Some(1)), Some(8));
        assert_eq!(header_row(&format!("sep=,\r\n{body}"), None), Some(2));
        assert_eq!(header_row("", None), None);
    }
}

//! The page's state as plain Rust types with ordinary methods, tested natively. Components hold
//! signals of these and render them; every decision worth testing lives here.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::view::{FindingGroup, FixKind, ProblemRow, ReportView, RuleCount, Sev};

/// Which rules' fixes go into the corrected file.
///
/// Safe fixes are on unless the user turned a rule off; suggested fixes are off unless the user
/// turned a rule on, or turned all of them on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixChoices {
    /// Rules whose safe fixes the user turned off.
    pub safe_off: BTreeSet<String>,
    /// Rules whose suggested fixes the user turned on.
    pub suggested_on: BTreeSet<String>,
    /// Every suggested fix on, whatever the rule (the page writes explicit lists instead, so the
    /// choice survives a re-check that finds new rules; other callers may set it).
    pub all_suggested: bool,
}

impl FixChoices {
    /// Whether the safe fixes of `code` are applied.
    pub fn safe(&self, code: &str) -> bool {
        !self.safe_off.contains(code)
    }

    /// Whether the suggested fixes of `code` are applied.
    pub fn suggested(&self, code: &str) -> bool {
        self.all_suggested || self.suggested_on.contains(code)
    }

    /// Turns the safe fixes of `code` on or off.
    pub fn set_safe(&mut self, code: &str, on: bool) {
        if on {
            self.safe_off.remove(code);
        } else {
            self.safe_off.insert(code.to_string());
        }
    }

    /// Turns the suggested fixes of `code` on or off.
    pub fn set_suggested(&mut self, code: &str, on: bool) {
        if on {
            self.suggested_on.insert(code.to_string());
        } else {
            // "All suggested" becomes an explicit list so turning one rule off keeps the others.
            self.all_suggested = false;
            self.suggested_on.remove(code);
        }
    }

    /// Turns every suggested fix on or off.
    pub fn set_all_suggested(&mut self, on: bool, rules: &[RuleCount]) {
        self.all_suggested = false;
        self.suggested_on.clear();
        if on {
            self.suggested_on.extend(
                rules
                    .iter()
                    .filter(|r| r.suggested > 0)
                    .map(|r| r.code.clone()),
            );
        }
    }

    /// Whether every rule with suggested fixes is on.
    pub fn every_suggested_on(&self, rules: &[RuleCount]) -> bool {
        let mut any = false;
        for r in rules.iter().filter(|r| r.suggested > 0) {
            any = true;
            if !self.suggested(&r.code) {
                return false;
            }
        }
        any
    }

    /// How many fixes the corrected file will receive with these choices: (safe, suggested).
    pub fn applied(&self, rules: &[RuleCount]) -> (u64, u64) {
        rules.iter().fold((0, 0), |(safe, suggested), r| {
            let count = |kind, n| if self.applies(&r.code, kind) { n } else { 0 };
            (
                safe + count(FixKind::Safe, r.safe),
                suggested + count(FixKind::Suggested, r.suggested),
            )
        })
    }

    /// Whether a fix of this kind on this rule is applied. The engine turns a rule's fixes off
    /// as a whole (`FixOptions::no_fix`), so turning a rule's safe fixes off also stops its
    /// suggested ones; the counts say so.
    pub fn applies(&self, code: &str, kind: FixKind) -> bool {
        match kind {
            FixKind::Safe => self.safe(code),
            FixKind::Suggested => self.suggested(code) && self.safe(code),
        }
    }
}

/// The findings filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Severities hidden by the user.
    pub hidden: BTreeSet<Sev>,
    /// Only this rule, if set.
    pub code: Option<String>,
    /// Only this column header, if set.
    pub column: Option<String>,
}

impl Filters {
    /// Whether a group passes the filters.
    pub fn keeps(&self, group: &FindingGroup) -> bool {
        !self.hidden.contains(&group.severity)
            && self.code.as_deref().is_none_or(|c| c == group.code)
            && self
                .column
                .as_deref()
                .is_none_or(|c| group.column.as_deref() == Some(c))
    }

    /// Whether a grid row passes the filters: it has at least one finding that does.
    pub fn keeps_row(&self, row: &ProblemRow, report: &ReportView) -> bool {
        let column_index = self
            .column
            .as_deref()
            .and_then(|c| report.file.headers.iter().position(|h| h == c));
        let severity_of = |code: &str| {
            report
                .rules
                .iter()
                .find(|r| r.code == code)
                .map(|r| r.severity)
        };
        let code_ok = |code: &str| {
            self.code.as_deref().is_none_or(|c| c == code)
                && severity_of(code).is_none_or(|s| !self.hidden.contains(&s))
        };
        let cells = row.cells.iter().any(|cell| {
            column_index.is_none_or(|i| i as u32 == cell.column)
                && cell.codes.iter().any(|c| code_ok(c))
        });
        let row_level = self.column.is_none() && row.codes.iter().any(|c| code_ok(c));
        cells || row_level
    }

    /// Shows or hides a severity.
    pub fn toggle(&mut self, sev: Sev) {
        if !self.hidden.remove(&sev) {
            self.hidden.insert(sev);
        }
    }

    /// Whether any filter is set.
    pub fn active(&self) -> bool {
        !self.hidden.is_empty() || self.code.is_some() || self.column.is_some()
    }
}

/// The columns that have findings, in header order, for the column filter.
pub fn columns_with_findings(report: &ReportView) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for g in &report.groups {
        if let Some(c) = &g.column
            && !seen.contains(c)
        {
            seen.push(c.clone());
        }
    }
    let order = |c: &String| {
        report
            .file
            .headers
            .iter()
            .position(|h| h == c)
            .unwrap_or(usize::MAX)
    };
    seen.sort_by_key(order);
    seen
}

/// Moves through a list of problem rows with the keyboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    /// The selected index, if any.
    pub at: Option<usize>,
}

impl Cursor {
    /// The next index in a list of `len` (stays on the last one).
    pub fn next(self, len: usize) -> Self {
        if len == 0 {
            return Cursor { at: None };
        }
        Cursor {
            at: Some(self.at.map_or(0, |i| (i + 1).min(len - 1))),
        }
    }

    /// The previous index (stays on the first one).
    pub fn prev(self, len: usize) -> Self {
        if len == 0 {
            return Cursor { at: None };
        }
        Cursor {
            at: Some(self.at.map_or(0, |i| i.saturating_sub(1).min(len - 1))),
        }
    }
}

/// The rows of a virtualised list that must exist in the DOM for a viewport.
///
/// Rows have a fixed height; `overscan` rows are added above and below so fast scrolling does not
/// show blank space.
pub fn visible_range(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    len: usize,
    overscan: usize,
) -> (usize, usize) {
    if len == 0 || row_height <= 0.0 {
        return (0, 0);
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let count = (viewport.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(len);
    let end = (first + count + overscan).min(len);
    (start, end)
}

/// The files the user can download after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Download {
    /// The corrected CSV.
    Corrected,
    /// The error report CSV (the uploader's style: rows with a Messages column).
    Report,
    /// Every finding as CSV.
    Findings,
    /// The preview of the changes to the account's users (only with a user export).
    Preview,
    /// The JSON report.
    Json,
}

impl Download {
    /// All downloads, in the order the worker attaches their blobs.
    pub const ALL: [Download; 5] = [
        Download::Corrected,
        Download::Report,
        Download::Findings,
        Download::Preview,
        Download::Json,
    ];

    /// The download's file name for an input named `name`: `staff.csv` gives
    /// `staff.corrected.csv`, `staff.errors.csv`, `staff.findings.csv`, `staff.preview.csv`,
    /// `staff.report.json`.
    pub fn file_name(self, name: &str) -> String {
        let stem = stem(name);
        match self {
            Download::Corrected => format!("{stem}.corrected.csv"),
            Download::Report => format!("{stem}.errors.csv"),
            Download::Findings => format!("{stem}.findings.csv"),
            Download::Preview => format!("{stem}.preview.csv"),
            Download::Json => format!("{stem}.report.json"),
        }
    }

    /// The MIME type of the blob.
    pub fn mime(self) -> &'static str {
        match self {
            Download::Json => "application/json",
            _ => "text/csv;charset=utf-8",
        }
    }

    /// The position of this download in [`Download::ALL`].
    pub fn index(self) -> usize {
        Download::ALL.iter().position(|d| *d == self).unwrap_or(0)
    }
}

/// A file name without its last extension (`export.csv` → `export`); an empty name is `orgsync`.
pub fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = match base.rfind('.') {
        Some(0) | None => base,
        Some(i) => &base[..i],
    };
    if stem.is_empty() { "orgsync" } else { stem }
}

/// A count with thousands separators: `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A byte size for people: `1536` → `1.5 KB`, `97000000` → `92.5 MB` (binary units, as Windows
/// Explorer shows them).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A duration for people: `850` ms → `850 ms`, `1234` → `1.2 s`.
pub fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{:.0} ms", ms.max(0.0))
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// "1 row" / "2 rows".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Percentage of `done` in `total`, 0–100, for the progress bar.
pub fn percent(done: u64, total: u64) -> f64 {
    if total == 0 {
        100.0
    } else {
        (done as f64 * 100.0 / total as f64).clamp(0.0, 100.0)
    }
}

/// A cell value with its invisible characters made visible, so "stray whitespace" findings show
/// what is wrong: leading and trailing spaces become `·`, tabs `→`, no-break spaces `⍽`, and
/// zero-width or control characters `¤` (anywhere in the value).
pub fn show_invisible(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let start = chars
        .iter()
        .position(|c| !c.is_whitespace())
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(start, |i| i + 1);
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let edge = i < start || i >= end;
            match c {
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => '¤',
                c if c.is_control() && c != '\t' => '¤',
                '\u{a0}' | '\u{202f}' => '⍽',
                '\t' if edge => '→',
                ' ' if edge => '·',
                c => c,
            }
        })
        .collect()
}

/// Splits the known-groups text box (one group per line, or comma separated) into names.
pub fn parse_groups(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in text
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let name = name
            .strip_prefix("group:")
            .unwrap_or(name)
            .trim()
            .to_string();
        if !name.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&name)) {
            out.push(name);
        }
    }
    out
}

/// Splits a text box of license headers or group names: one per line, or comma separated.
pub fn parse_list(text: &str) -> Vec<String> {
    text.split(['\n', '\r', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The progress of a check run by two workers, as the bar shows it: the sum of both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SplitProgress {
    /// The file's size.
    pub size: u64,
    /// The first worker's last progress: bytes (its offset), its end, records.
    pub main: (u64, u64, u64),
    /// The second worker's: bytes of its range read, records.
    pub part: (u64, u64),
}

impl SplitProgress {
    /// Bytes, total and records to show. While the first worker reads up to the cut, both
    /// workers' figures add up; once it reads to the end of the file (it checks the rest
    /// itself), its figures alone count.
    pub fn shown(&self) -> (u64, u64, u64) {
        let (bytes, end, rows) = self.main;
        if end >= self.size {
            (bytes, end, rows)
        } else {
            (bytes + self.part.0, self.size, rows + self.part.1)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn split_progress_adds_both_workers_until_the_first_reads_on() {
        let mut p = super::SplitProgress {
            size: 100,
            ..Default::default()
        };
        assert_eq!(p.shown(), (0, 100, 0));
        p.part = (10, 3);
        p.main = (20, 48, 7);
        assert_eq!(p.shown(), (30, 100, 10));
        p.main = (48, 48, 17);
        p.part = (52, 20);
        assert_eq!(p.shown(), (100, 100, 37));
        // The part could not be merged: the first worker reads from the cut to the end.
        p.main = (60, 100, 21);
        assert_eq!(p.shown(), (60, 100, 21));
    }

    use super::*;

    fn rule(code: &str, safe: u64, suggested: u64) -> RuleCount {
        RuleCount {
            code: code.into(),
            name: code.into(),
            severity: Sev::Warning,
            count: safe + suggested,
            safe,
            suggested,
        }
    }

    #[test]
    fn safe_fixes_are_on_and_suggested_off_by_default() {
        let rules = [rule("R012", 10, 0), rule("R004", 0, 3), rule("R005", 2, 5)];
        let mut c = FixChoices::default();
        assert_eq!(c.applied(&rules), (12, 0));
        c.set_safe("R012", false);
        assert_eq!(c.applied(&rules), (2, 0));
        c.set_suggested("R004", true);
        assert_eq!(c.applied(&rules), (2, 3));
        c.set_all_suggested(true, &rules);
        assert!(c.every_suggested_on(&rules));
        assert_eq!(c.applied(&rules), (2, 8));
        c.set_suggested("R005", false);
        assert!(!c.every_suggested_on(&rules));
        assert_eq!(c.applied(&rules), (2, 3));
        c.set_all_suggested(false, &rules);
        assert_eq!(c.applied(&rules), (2, 0));
        // A rule whose fixes are off applies none, suggested ones included (as the engine does).
        c.set_suggested("R005", true);
        assert_eq!(c.applied(&rules), (2, 5));
        c.set_safe("R005", false);
        assert_eq!(c.applied(&rules), (0, 0));
    }

    #[test]
    fn cursor_stays_in_bounds() {
        let c = Cursor::default().next(3);
        assert_eq!(c.at, Some(0));
        let c = c.next(3).next(3).next(3);
        assert_eq!(c.at, Some(2));
        let c = c.prev(3).prev(3).prev(3);
        assert_eq!(c.at, Some(0));
        assert_eq!(Cursor { at: Some(5) }.prev(2).at, Some(1));
        assert_eq!(Cursor::default().next(0).at, None);
    }

    #[test]
    fn visible_range_covers_viewport_with_overscan() {
        assert_eq!(visible_range(0.0, 300.0, 30.0, 1_000_000, 5), (0, 16));
        assert_eq!(
            visible_range(30_000.0, 300.0, 30.0, 1_000_000, 5),
            (995, 1016)
        );
        assert_eq!(visible_range(1e12, 300.0, 30.0, 100, 5), (100, 100));
        assert_eq!(visible_range(0.0, 300.0, 30.0, 0, 5), (0, 0));
    }

    #[test]
    fn download_names_follow_the_input() {
        assert_eq!(
            Download::Corrected.file_name("staff.csv"),
            "staff.corrected.csv"
        );
        assert_eq!(
            Download::Json.file_name("C:\\x\\a.b.csv"),
            "a.b.report.json"
        );
        assert_eq!(Download::Report.file_name(""), "orgsync.errors.csv");
        assert_eq!(
            Download::Findings.file_name(".hidden"),
            ".hidden.findings.csv"
        );
        assert_eq!(
            Download::Preview.file_name("staff.csv"),
            "staff.preview.csv"
        );
        assert_eq!(Download::ALL[Download::Preview.index()], Download::Preview);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(1536), "1.5 KB");
        assert_eq!(bytes(97_000_000), "92.5 MB");
        assert_eq!(plural(1, "row", "rows"), "1 row");
        assert_eq!(plural(1200, "row", "rows"), "1,200 rows");
        assert_eq!(percent(5, 0), 100.0);
        assert_eq!(percent(1, 4), 25.0);
        assert_eq!(duration(12.4), "12 ms");
        assert_eq!(duration(1234.0), "1.2 s");
    }

    #[test]
    fn invisible_characters_become_visible() {
        assert_eq!(show_invisible(" jane@example.com "), "·jane@example.com·");
        assert_eq!(show_invisible("Jane Doe"), "Jane Doe");
        assert_eq!(show_invisible("\tx\u{a0}"), "→x⍽");
        assert_eq!(show_invisible("a\u{200b}b"), "a¤b");
        assert_eq!(show_invisible("   "), "···");
    }

    #[test]
    fn group_lists_accept_lines_and_prefixes() {
        assert_eq!(
            parse_groups("Sales EMEA\n group:Engineering \n\nsales emea\r\n"),
            ["Sales EMEA", "Engineering"]
        );
        assert_eq!(
            parse_list("a_license_b_status, c_license_d_status\n"),
            ["a_license_b_status", "c_license_d_status"]
        );
    }
}

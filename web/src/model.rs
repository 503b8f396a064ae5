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
    /// Rows whose suggestion of a rule the user accepted one by one (rule off).
    #[serde(default)]
    pub row_on: BTreeSet<(String, u64)>,
    /// Rows whose suggestion of a rule the user rejected one by one (rule on).
    #[serde(default)]
    pub row_off: BTreeSet<(String, u64)>,
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

    /// Whether this row's suggestion of `code` is applied.
    pub fn row_suggested(&self, code: &str, row: u64) -> bool {
        let key = (code.to_string(), row);
        self.safe(code)
            && (self.row_on.contains(&key)
                || (!self.row_off.contains(&key) && self.suggested(code)))
    }

    /// Accepts or rejects one row's suggestion of `code`.
    pub fn set_row(&mut self, code: &str, row: u64, on: bool) {
        let key = (code.to_string(), row);
        self.row_on.remove(&key);
        self.row_off.remove(&key);
        if on != self.suggested(code) {
            if on {
                self.row_on.insert(key);
            } else {
                self.row_off.insert(key);
            }
        }
    }

    /// Per-row decisions as `(code, row, apply)`.
    pub fn row_decisions(&self) -> Vec<(String, u64, bool)> {
        self.row_on
            .iter()
            .map(|(c, r)| (c.clone(), *r, true))
            .chain(self.row_off.iter().map(|(c, r)| (c.clone(), *r, false)))
            .collect()
    }

    /// How many suggestions of `code` are applied, of `count`.
    fn suggested_applied(&self, code: &str, count: u64) -> u64 {
        if !self.safe(code) {
            return 0;
        }
        let of =
            |set: &BTreeSet<(String, u64)>| set.iter().filter(|(c, _)| c == code).count() as u64;
        if self.suggested(code) {
            count.saturating_sub(of(&self.row_off))
        } else {
            of(&self.row_on).min(count)
        }
    }

    /// Turns the suggested fixes of `code` on or off.
    pub fn set_suggested(&mut self, code: &str, on: bool) {
        // A decision for the whole rule replaces its rows' decisions.
        self.row_on.retain(|(c, _)| c != code);
        self.row_off.retain(|(c, _)| c != code);
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
        self.row_on.clear();
        self.row_off.clear();
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
                suggested + self.suggested_applied(&r.code, r.suggested),
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
        self.row_keeper(report)(row)
    }

    /// [`Filters::keeps_row`] for many rows: the column's index and the codes that pass are
    /// worked out once, not for every row of a grid of 200,000.
    pub fn row_keeper<'a>(&'a self, report: &ReportView) -> impl Fn(&ProblemRow) -> bool + 'a {
        let column_index = self
            .column
            .as_deref()
            .and_then(|c| report.file.headers.iter().position(|h| h == c))
            .map(|i| i as u32);
        // A rule the report does not name passes unless another rule is asked for.
        let refused: Vec<String> = report
            .rules
            .iter()
            .filter(|r| self.hidden.contains(&r.severity))
            .map(|r| r.code.clone())
            .collect();
        let column_set = self.column.is_some();
        move |row: &ProblemRow| {
            let code_ok = |code: &String| {
                self.code.as_deref().is_none_or(|c| c == code) && !refused.contains(code)
            };
            let cells = row.cells.iter().any(|cell| {
                column_index.is_none_or(|i| i == cell.column) && cell.codes.iter().any(code_ok)
            });
            cells || (!column_set && row.codes.iter().any(code_ok))
        }
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

    /// What the download is, in words ("corrected CSV").
    pub fn label(self) -> &'static str {
        match self {
            Download::Corrected => "corrected CSV",
            Download::Report => "error report",
            Download::Findings => "findings CSV",
            Download::Preview => "preview CSV",
            Download::Json => "JSON report",
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

pub use orgsync_core::words::{plural, thousands};

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

/// A rule's tip as the page gives it: the engine's tips are shared with the command line, and
/// where they name a command the page names its own tool instead.
pub fn page_tip(tip: &str) -> String {
    tip.replace(
        "(see `orgsync rules` for the names)",
        "(the Templates tool at the bottom of this page writes them)",
    )
    .replace(
        "`orgsync template`",
        "a template (Templates, at the bottom of this page)",
    )
    .replace("`orgsync rules`", "the rule's documentation on this page")
}

/// A rule's title in plain words, for an admin who does not know the codes (the engine's
/// registry holds them beside each rule's name). `column` (when the findings are about one
/// column) completes the titles of rules about a column's cells.
pub fn rule_title(code: &str, column: Option<&str>) -> String {
    code.parse::<orgsync_core::Code>()
        .map_or_else(|_| code.to_string(), |c| c.rule().title_in(column))
}

/// What a rule's findings are about (the engine's registry), for a code the report carries.
pub fn rule_scope(code: &str) -> Option<orgsync_core::Scope> {
    code.parse::<orgsync_core::Code>()
        .ok()
        .map(|c| c.rule().scope)
}

/// A one-line explanation of a line of "What this upload will do".
pub fn action_note(label: &str) -> &'static str {
    if label == "Users named" {
        "Rows that name a person (by email or unique_user_id): each is created or updated."
    } else if label.starts_with("Invitations:") {
        "People whose license is set to Active: new users get a welcome email."
    } else if label.starts_with("Revocations:") {
        "People whose license is set to Inactive: they lose access to it."
    } else if label.starts_with("Added to group") {
        "People this upload puts in the group."
    } else if label.starts_with("Removed from group") {
        "People this upload takes out of the group."
    } else if label.starts_with("Granted") {
        "Admin rights this upload gives."
    } else if label.starts_with("Removed") {
        "Admin rights this upload takes away."
    } else if label.starts_with("Email address changes") {
        "Rows that change a person's email address (new_primary_email_address)."
    } else if label.starts_with("User id changes") {
        "Rows that change a person's unique_user_id (new_unique_user_id)."
    } else if label.starts_with("Profiles re-uploaded") {
        "Rows that ask the uploader to overwrite the person's profile."
    } else {
        ""
    }
}

/// The column that says whose row it is: the email address, else `unique_user_id`, else the
/// first column. The grid pins it beside the row number.
pub fn identity_column(headers: &[String]) -> usize {
    let find = |names: &[&str]| {
        headers.iter().position(|h| {
            let h = h.trim().to_ascii_lowercase();
            names.iter().any(|n| h == *n)
        })
    };
    find(&["primary_email_address", "email", "email_address", "e-mail"])
        .or_else(|| find(&["unique_user_id", "user_id", "id"]))
        .unwrap_or(0)
}

/// The order of the problem grid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GridOrder {
    /// Errors first, then warnings, then notes; by row within each.
    #[default]
    Severity,
    /// File order.
    Row,
}

/// The grid's rows to show, as indexes into `rows`, in `order`. `keep` says which rows pass the
/// filters; rows with only notes show only when `notes` is set.
pub fn grid_rows(
    rows: &[ProblemRow],
    keep: impl Fn(&ProblemRow) -> bool,
    notes: bool,
    order: GridOrder,
) -> Vec<usize> {
    let mut out: Vec<usize> = (0..rows.len())
        .filter(|&i| (notes || rows[i].severity != Sev::Info) && keep(&rows[i]))
        .collect();
    if order == GridOrder::Severity {
        // Rows are in file order already: a stable sort keeps it within each severity.
        out.sort_by_key(|&i| rows[i].severity);
    }
    out
}

/// The order `n` and `p` walk the shown rows in: errors first, then warnings, then notes, by
/// row within each, whatever the grid's order. `shown` are indexes into `rows` in display
/// order; the result are display positions.
pub fn walk_order(rows: &[ProblemRow], shown: &[usize]) -> Vec<usize> {
    let mut walk: Vec<usize> = (0..shown.len()).collect();
    walk.sort_by_key(|&pos| (rows[shown[pos]].severity, rows[shown[pos]].row));
    walk
}

/// The display position `n` (forward) or `p` moves to from `at`, along `walk`; it stays at
/// either end.
pub fn walk_step(walk: &[usize], at: Option<usize>, forward: bool) -> Option<usize> {
    if walk.is_empty() {
        return None;
    }
    let Some(i) = at.and_then(|at| walk.iter().position(|&p| p == at)) else {
        return Some(if forward {
            walk[0]
        } else {
            walk[walk.len() - 1]
        });
    };
    let j = if forward {
        (i + 1).min(walk.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    Some(walk[j])
}

/// A piece of a finding's message, for the page to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Plain words.
    Text(String),
    /// A value or name the message quotes in backticks, shown as code.
    Code(String),
    /// A row number the message mentions ("also on row 14"): a link to the grid's row.
    Row(u64),
}

/// Splits a message into words, code spans (between backticks) and row numbers ("row 14",
/// "rows 3, 8 and 12").
pub fn message_parts(message: &str) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Part>| {
        if !text.is_empty() {
            out.push(Part::Text(std::mem::take(text)));
        }
    };
    let mut rest = message;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`')
            && let Some(end) = after.find('`')
        {
            flush(&mut text, &mut out);
            out.push(Part::Code(after[..end].to_string()));
            rest = &after[end + 1..];
            continue;
        }
        let word_start = text.chars().last().is_none_or(|c| !c.is_alphanumeric());
        let lead = ["rows ", "row ", "Rows ", "Row "]
            .into_iter()
            .find(|p| word_start && rest.starts_with(p));
        if let Some(lead) = lead {
            let (rows, used) = row_list(&rest[lead.len()..]);
            if !rows.is_empty() {
                text.push_str(lead);
                let mut pos = lead.len();
                for (k, (n, start, end)) in rows.iter().enumerate() {
                    text.push_str(&rest[pos..lead.len() + start]);
                    flush(&mut text, &mut out);
                    out.push(Part::Row(*n));
                    pos = lead.len() + end;
                    let _ = k;
                }
                rest = &rest[lead.len() + used..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut text, &mut out);
    out
}

/// The row numbers at the start of `s` ("3, 8 and 12"): each number with its byte range, and
/// the bytes used.
fn row_list(s: &str) -> (Vec<(u64, usize, usize)>, usize) {
    let mut rows = Vec::new();
    let mut at = 0;
    loop {
        let digits = s[at..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 12 {
            break;
        }
        let Ok(n) = s[at..at + digits].parse::<u64>() else {
            break;
        };
        rows.push((n, at, at + digits));
        at += digits;
        let sep = [", and ", " and ", ", ", " or "].into_iter().find(|sep| {
            s[at..].starts_with(sep)
                && s[at + sep.len()..]
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit())
        });
        match sep {
            Some(sep) => at += sep.len(),
            None => break,
        }
    }
    let used = rows.last().map_or(0, |r| r.2);
    (rows, used)
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

    #[test]
    fn identity_prefers_the_email_then_the_id() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            identity_column(&h(&["first", "unique_user_id", "Primary_Email_Address "])),
            2
        );
        assert_eq!(identity_column(&h(&["first", "unique_user_id"])), 1);
        assert_eq!(identity_column(&h(&["a", "b"])), 0);
    }

    fn prow(row: u64, severity: Sev) -> ProblemRow {
        ProblemRow {
            row,
            severity,
            codes: vec![],
            cells: vec![],
            header: false,
            shared: vec![],
        }
    }

    #[test]
    fn grid_filters_keep_rows_with_a_finding_that_passes() {
        use crate::view::{ProblemCell, RuleCount};
        let cell = |column: u32, code: &str, severity: Sev| ProblemCell {
            column,
            value: "v".into(),
            severity,
            codes: vec![code.into()],
        };
        let rule = |code: &str, severity: Sev| RuleCount {
            code: code.into(),
            name: "rule".into(),
            severity,
            count: 1,
            safe: 0,
            suggested: 0,
        };
        let mut report = ReportView::default();
        report.file.headers = vec!["email".into(), "first".into()];
        report.rules = vec![
            rule("R002", Sev::Error),
            rule("R012", Sev::Warning),
            rule("R016", Sev::Info),
        ];
        let a = ProblemRow {
            cells: vec![cell(0, "R002", Sev::Error)],
            ..prow(2, Sev::Error)
        };
        let b = ProblemRow {
            cells: vec![cell(1, "R012", Sev::Warning)],
            ..prow(3, Sev::Warning)
        };
        let c = ProblemRow {
            codes: vec!["R016".into()],
            ..prow(4, Sev::Info)
        };
        let kept = |f: &Filters| {
            let keep = f.row_keeper(&report);
            [&a, &b, &c]
                .into_iter()
                .filter(|r| keep(r))
                .map(|r| r.row)
                .collect::<Vec<_>>()
        };
        assert_eq!(kept(&Filters::default()), [2, 3, 4]);
        let code = Filters {
            code: Some("R012".into()),
            ..Filters::default()
        };
        assert_eq!(kept(&code), [3]);
        // A column: its cells' findings, not the row's own.
        let column = Filters {
            column: Some("first".into()),
            ..Filters::default()
        };
        assert_eq!(kept(&column), [3]);
        let mut hidden = Filters::default();
        hidden.toggle(Sev::Warning);
        assert_eq!(kept(&hidden), [2, 4]);
        hidden.toggle(Sev::Info);
        assert_eq!(kept(&hidden), [2]);
        assert!(hidden.keeps_row(&a, &report) && !hidden.keeps_row(&b, &report));
    }

    #[test]
    fn grid_hides_notes_by_default_and_orders_by_severity_or_row() {
        let rows = vec![
            prow(2, Sev::Warning),
            prow(3, Sev::Info),
            prow(4, Sev::Error),
            prow(5, Sev::Warning),
        ];
        assert_eq!(
            grid_rows(&rows, |_| true, false, GridOrder::Severity),
            vec![2, 0, 3]
        );
        assert_eq!(
            grid_rows(&rows, |_| true, false, GridOrder::Row),
            vec![0, 2, 3]
        );
        assert_eq!(
            grid_rows(&rows, |_| true, true, GridOrder::Row),
            vec![0, 1, 2, 3]
        );
        assert_eq!(
            grid_rows(&rows, |r| r.row != 4, true, GridOrder::Severity),
            vec![0, 3, 1]
        );
    }

    #[test]
    fn n_and_p_walk_errors_first_then_warnings_in_any_order() {
        let rows = vec![
            prow(2, Sev::Warning),
            prow(3, Sev::Info),
            prow(4, Sev::Error),
            prow(5, Sev::Warning),
        ];
        let shown = grid_rows(&rows, |_| true, true, GridOrder::Row); // rows 2, 3, 4, 5
        let walk = walk_order(&rows, &shown);
        assert_eq!(
            walk,
            vec![2, 0, 3, 1],
            "row 4 (error), 2, 5 (warnings), 3 (note)"
        );
        assert_eq!(walk_step(&walk, None, true), Some(2));
        assert_eq!(walk_step(&walk, Some(2), true), Some(0));
        assert_eq!(walk_step(&walk, Some(0), true), Some(3));
        assert_eq!(
            walk_step(&walk, Some(1), true),
            Some(1),
            "stays on the last"
        );
        assert_eq!(
            walk_step(&walk, Some(2), false),
            Some(2),
            "stays on the first"
        );
        assert_eq!(walk_step(&walk, None, false), Some(1));
        assert_eq!(walk_step(&[], None, true), None);
    }

    #[test]
    fn messages_split_into_code_spans_and_row_links() {
        use Part::*;
        assert_eq!(
            message_parts("`Patel ` has spaces."),
            vec![Code("Patel ".into()), Text(" has spaces.".into())]
        );
        assert_eq!(
            message_parts("The address is also on row 14: only the last stays."),
            vec![
                Text("The address is also on row ".into()),
                Row(14),
                Text(": only the last stays.".into())
            ]
        );
        assert_eq!(
            message_parts("Also on rows 3, 8 and 12."),
            vec![
                Text("Also on rows ".into()),
                Row(3),
                Text(", ".into()),
                Row(8),
                Text(" and ".into()),
                Row(12),
                Text(".".into())
            ]
        );
        assert_eq!(
            message_parts("narrow 5"),
            vec![Text("narrow 5".into())],
            "not a word ending in row"
        );
        assert_eq!(
            message_parts("a ` lone tick"),
            vec![Text("a ` lone tick".into())]
        );
    }

    #[test]
    fn tips_name_the_page_tools_not_commands() {
        for tip in [
            "Add one row per user below the header (start from `orgsync template`), and check you exported the right sheet.",
            "Check the spelling against a fresh user export or `orgsync template`; delete the column if it is not meant for the upload.",
            "Type the right header above the values (see `orgsync rules` for the names), or delete the column.",
        ] {
            let page = page_tip(tip);
            assert!(!page.contains("orgsync "), "{page}");
            assert!(page.contains("this page"), "{page}");
        }
        assert_eq!(page_tip("Write `yes`."), "Write `yes`.");
    }

    #[test]
    fn every_rule_has_a_title_in_plain_words() {
        for rule in orgsync_core::rules() {
            let title = rule_title(rule.code.as_str(), Some("group:Sales"));
            assert_ne!(
                title,
                rule.code.as_str(),
                "{} has no title",
                rule.code.as_str()
            );
            assert!(!title.contains(rule.name), "{title} is the slug");
        }
        assert_eq!(
            rule_title("R002", Some("primary_email_address")),
            "Invalid email address in primary_email_address"
        );
        assert_eq!(
            rule_title("R006", Some("group:Sales")),
            "Yes/no value not understood in group:Sales"
        );
        assert_eq!(
            rule_title("X003", Some("unique_user_id")),
            "Email and id name different people"
        );
    }

    #[test]
    fn one_rows_suggestion_accepted_or_rejected() {
        let rules = vec![RuleCount {
            code: "R004".into(),
            name: "email-domain-typo".into(),
            severity: Sev::Warning,
            count: 3,
            safe: 0,
            suggested: 3,
        }];
        let mut c = FixChoices::default();
        c.set_row("R004", 6, true);
        assert!(c.row_suggested("R004", 6) && !c.row_suggested("R004", 7));
        assert_eq!(c.applied(&rules), (0, 1));
        assert_eq!(c.row_decisions(), vec![("R004".to_string(), 6, true)]);
        c.set_suggested("R004", true);
        assert!(
            c.row_decisions().is_empty(),
            "the rule's decision replaces the rows'"
        );
        c.set_row("R004", 7, false);
        assert_eq!(c.applied(&rules), (0, 2));
        assert!(!c.row_suggested("R004", 7) && c.row_suggested("R004", 6));
        c.set_row("R004", 7, true);
        assert!(c.row_decisions().is_empty(), "back to the rule's choice");
        c.set_safe("R004", false);
        assert_eq!(
            c.applied(&rules),
            (0, 0),
            "a rule turned off applies nothing"
        );
    }
}

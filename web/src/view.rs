//! What the page shows of a report: a view model built in the worker from the engine's
//! [`orgsync_core::Report`] and sent to the page as JSON.
//!
//! It holds no judgement of its own: every count, message, tip and fix comes from the engine.
//! This module only groups findings (by rule and column), picks the rows for the grid, and caps
//! how many items travel to the page so a file with a million bad rows stays responsive.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How many items of one group travel to the page (the group's count stays exact).
pub const ITEMS_PER_GROUP: usize = 200;
/// How many rows the problem grid holds at most.
pub const GRID_ROWS: usize = 200_000;
/// The most rows of the grid in one message from the worker (~140 KB of JSON: the page decodes
/// a part in well under a frame).
pub const GRID_PART: usize = 1_000;

/// A finding's severity, as the page styles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sev {
    /// The uploader will reject the file or the row, or data will be lost.
    Error,
    /// Probably not what the admin meant.
    Warning,
    /// Worth knowing.
    Info,
}

impl Sev {
    /// The word shown to the user and used as a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Sev::Error => "error",
            Sev::Warning => "warning",
            Sev::Info => "info",
        }
    }
}

/// How certain a fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    /// Applied unless the user turns the rule's safe fixes off.
    Safe,
    /// Applied only when the user opts in.
    Suggested,
}

/// Facts about the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// The file name, where known.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// The encoding the engine found (its label: `shift_jis`).
    pub encoding: String,
    /// Its name for admins (`Japanese (Shift_JIS)`).
    #[serde(default)]
    pub encoding_name: String,
    /// What it rests on: `bom`, `utf-16`, `utf-8`, `guessed` or `chosen`.
    #[serde(default)]
    pub encoding_basis: String,
    /// A few decoded values, for the admin to confirm a guessed legacy encoding.
    #[serde(default)]
    pub encoding_preview: Vec<String>,
    /// The delimiter the engine found, as text.
    pub delimiter: String,
    /// Records, header excluded.
    pub rows: u64,
    /// Columns in the header.
    pub columns: u64,
    /// What kind of file the engine took it for (users, deletion, …).
    pub kind: String,
    /// The header row, for the grid's column titles.
    pub headers: Vec<String>,
    /// For a workbook: its sheets and the one read (the page's sheet choice).
    #[serde(default)]
    pub workbook: Option<crate::sheet::WorkbookFacts>,
}

/// The totals of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Error findings.
    pub errors: u64,
    /// Warning findings.
    pub warnings: u64,
    /// Info findings.
    pub infos: u64,
    /// Findings with a safe fix.
    pub safe_fixes: u64,
    /// Findings with a suggested fix.
    pub suggested_fixes: u64,
}

/// One line of "what this upload will do".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionLine {
    /// What, in the admin's words ("Invitations (license set to Active)").
    pub label: String,
    /// How many.
    pub count: u64,
}

/// Per-rule totals, for the filters and the fix toggles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCount {
    /// The rule's code (`R004`).
    pub code: String,
    /// The rule's name (`email-domain-typo`).
    pub name: String,
    /// The rule's severity.
    pub severity: Sev,
    /// Findings of this rule.
    pub count: u64,
    /// Of which carry a safe fix.
    pub safe: u64,
    /// Of which carry a suggested fix.
    pub suggested: u64,
}

/// A fix as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixView {
    /// Safe or suggested.
    pub kind: FixKind,
    /// The value after the fix (empty when the fix drops the row or column).
    pub after: String,
}

/// One finding inside a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The row as a spreadsheet numbers it (header = 1); `None` for file-level findings.
    pub row: Option<u64>,
    /// The cell's value, where the finding is about a cell.
    pub value: Option<String>,
    /// The finding's message.
    pub message: String,
    /// The fix, if any.
    pub fix: Option<FixView>,
}

/// Findings of one rule in one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingGroup {
    /// The rule's code.
    pub code: String,
    /// The rule's name.
    pub name: String,
    /// The rule's severity.
    pub severity: Sev,
    /// The column's header, or `None` for file-level and row-level findings.
    pub column: Option<String>,
    /// How many findings the group has (exact, even when `items` is capped and even when the
    /// engine kept fewer findings of the rule than it counted).
    pub count: u64,
    /// How many of them the engine kept: `messages` and `items` come from these. Less than
    /// `count` only on a file with more findings of a rule than the worker keeps.
    pub kept: u64,
    /// The most frequent messages with their counts ("412 rows: domain gmial.com"), among the
    /// `kept` findings.
    pub messages: Vec<(String, u64)>,
    /// The rule's tip.
    pub tip: String,
    /// The findings, at most [`ITEMS_PER_GROUP`].
    pub items: Vec<Item>,
}

/// A cell of the problem grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemCell {
    /// 0-based column index.
    pub column: u32,
    /// The cell's value as the engine quoted it.
    pub value: String,
    /// The worst severity of the findings on this cell.
    pub severity: Sev,
    /// The codes of the findings on this cell.
    pub codes: Vec<String>,
}

/// A row of the problem grid: a record with at least one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemRow {
    /// The row as a spreadsheet numbers it.
    pub row: u64,
    /// The worst severity on the row.
    pub severity: Sev,
    /// Codes of row-level findings (no particular cell).
    pub codes: Vec<String>,
    /// The offending cells, by column.
    pub cells: Vec<ProblemCell>,
    /// The row is the file's header (its findings are about the column names): the grid shows
    /// the header's cells, not a data row's.
    #[serde(default)]
    pub header: bool,
    /// What the row shares with other rows (X001, X002, X003, X005): the value and those rows.
    #[serde(default)]
    pub shared: Vec<Shared>,
}

/// A value a row shares with other rows (a duplicate or a clash), for the grid to name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    /// The rule (X001, X002, X003, X005).
    pub code: String,
    /// The column the value is in, and its header.
    pub column: Option<u32>,
    pub header: String,
    /// The value shared, as the row holds it.
    pub value: String,
    /// The other rows (the first few the engine names).
    pub rows: Vec<u64>,
}

impl Shared {
    /// What the rows share, in words, before the list of rows: "Same email as", "Same
    /// unique_user_id as", "Same name, another email, as".
    pub fn label(&self) -> String {
        match self.code.as_str() {
            "X001" => "Same email as".into(),
            "X002" => "Same unique_user_id as".into(),
            "X003" if self.header.contains("email") => {
                "Same email with another unique_user_id on".into()
            }
            "X003" => format!("Same {} with another email on", self.header),
            "X005" => "Same name with another email on".into(),
            _ => format!("Same {} as", self.header),
        }
    }
}

/// Whether a rule's findings name the other rows sharing a value (the grid links them).
pub fn shares_value(code: &str) -> bool {
    matches!(code, "X001" | "X002" | "X003" | "X005")
}

/// Everything the page shows of one check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    /// File facts.
    pub file: FileFacts,
    /// Totals.
    pub counts: Counts,
    /// What the upload will do.
    pub actions: Vec<ActionLine>,
    /// Per-rule totals, by code.
    pub rules: Vec<RuleCount>,
    /// Findings grouped by rule and column, worst first.
    pub groups: Vec<FindingGroup>,
    /// Rows with problems, in file order, at most [`GRID_ROWS`].
    pub grid: Vec<ProblemRow>,
    /// Rows with problems in all (the grid may hold fewer).
    pub grid_total: u64,
    /// Whether the engine kept fewer findings than it counted.
    pub truncated: bool,
    /// The user export the upload was compared with, if any.
    #[serde(default)]
    pub roster: Option<RosterView>,
    /// What the upload will change for the export's users, when compared with one.
    #[serde(default)]
    pub preview: Option<PreviewView>,
}

impl ReportView {
    /// Whether there is nothing to fix or look at: no error and no warning.
    pub fn all_good(&self) -> bool {
        self.counts.errors == 0 && self.counts.warnings == 0
    }
}

/// How many of the user export's own findings travel to the page (counts stay exact).
pub const ROSTER_FINDINGS: usize = 200;
/// Lines of the preview per page of the list.
pub const PREVIEW_PAGE: usize = 100;

/// The user export ("Download all users") as the page shows it: its facts and its own problems,
/// never mixed with the upload's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RosterView {
    /// File facts of the export.
    pub file: FileFacts,
    /// Users read from it.
    pub users: u64,
    /// Its findings' totals (no fix: the export is only read).
    pub counts: Counts,
    /// Whether it could be used (a CSV with an email or id column).
    pub usable: bool,
    /// Its findings, at most [`ROSTER_FINDINGS`].
    pub findings: Vec<RosterFinding>,
}

impl RosterView {
    /// Findings counted but not listed.
    pub fn more(&self) -> u64 {
        let c = &self.counts;
        (c.errors + c.warnings + c.infos).saturating_sub(self.findings.len() as u64)
    }

    /// "12,034 users, UTF-16, 2 problems".
    pub fn headline(&self) -> String {
        let c = &self.counts;
        let problems = c.errors + c.warnings + c.infos;
        format!(
            "{}, {}, {}",
            crate::model::plural(self.users, "user", "users"),
            self.file.encoding.to_uppercase(),
            if problems == 0 {
                "no problem".to_string()
            } else {
                crate::model::plural(problems, "problem", "problems")
            }
        )
    }
}

/// One of the user export's own findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterFinding {
    /// Rule code.
    pub code: String,
    /// Rule name.
    pub name: String,
    /// Severity.
    pub severity: Sev,
    /// The export's spreadsheet row, if any.
    pub row: Option<u64>,
    /// The export's column header, if any.
    pub column: Option<String>,
    /// Message.
    pub message: String,
}

/// Lines of one kind of change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// The kind's kebab-case name (`license-revoked`), as in the preview CSV.
    pub kind: String,
    /// Its label for people (`License revoked`).
    pub label: String,
    /// Lines of this kind (exact).
    pub count: u64,
    /// Of which the page can list (the rest are only in the preview CSV).
    pub listed: u64,
}

/// The preview's totals, as the page shows them; its lines come a page at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewView {
    /// Users in the export.
    pub export_users: u64,
    /// Upload rows naming a user.
    pub rows: u64,
    /// Rows creating a user.
    pub new_users: u64,
    /// Rows naming an existing user.
    pub existing_users: u64,
    /// Rows changing an existing user.
    pub changed: u64,
    /// Rows changing nothing for an existing user.
    pub unchanged: u64,
    /// Rows whose email and id name two users.
    pub conflicts: u64,
    /// Rows the uploader rejects: an error is left in the corrected file.
    #[serde(default)]
    pub rejected: u64,
    /// Users of the export no row names.
    pub untouched: u64,
    /// Lines per kind present, in display order.
    pub kinds: Vec<KindCount>,
    /// Lines counted but not listed (over the cap per kind).
    pub omitted: u64,
}

impl PreviewView {
    /// Lines in all kinds.
    pub fn lines(&self) -> u64 {
        self.kinds.iter().map(|k| k.count).sum()
    }

    /// Lines the page can list for a filter (`None`: every kind).
    pub fn listed(&self, kind: Option<&str>) -> u64 {
        self.kinds
            .iter()
            .filter(|k| kind.is_none_or(|w| k.kind == w))
            .map(|k| k.listed)
            .sum()
    }

    /// The label of a kind.
    pub fn label(&self, kind: &str) -> String {
        self.kinds
            .iter()
            .find(|k| k.kind == kind)
            .map_or_else(|| kind.to_string(), |k| k.label.clone())
    }

    /// The totals in a sentence, for screen readers.
    pub fn sentence(&self) -> String {
        use crate::model::{plural, thousands};
        format!(
            "{} new, {} changed, {} unchanged, {} rejected with no change, {} of the export's {} untouched.",
            plural(self.new_users, "user", "users"),
            thousands(self.changed),
            thousands(self.unchanged),
            plural(self.rejected + self.conflicts, "row", "rows"),
            thousands(self.untouched),
            plural(self.export_users, "user", "users"),
        )
    }
}

/// One line of the preview: a change to one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    /// The upload's spreadsheet row; `None` for an untouched user.
    pub row: Option<u64>,
    /// The user's email.
    pub email: String,
    /// The user's `unique_user_id`.
    pub id: String,
    /// The kind of change (`license-revoked`).
    pub kind: String,
    /// The upload's column behind the change.
    pub column: Option<String>,
    /// The export's value.
    pub before: String,
    /// The upload's value.
    pub after: String,
}

/// A finding reduced to what grouping and the grid need, borrowed from the engine's report by
/// the adapter: grouping a million-row report's findings copies only what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flat<'a> {
    /// Rule code.
    pub code: &'a str,
    /// Rule name.
    pub name: &'a str,
    /// Severity.
    pub severity: Sev,
    /// Row (spreadsheet numbering), if any.
    pub row: Option<u64>,
    /// 0-based column index, if any.
    pub column: Option<u32>,
    /// Column header, if any.
    pub header: Option<&'a str>,
    /// Cell value, if any.
    pub value: Option<&'a str>,
    /// Message.
    pub message: &'a str,
    /// Tip.
    pub tip: &'a str,
    /// Fix: safe or suggested, and the value after it.
    pub fix: Option<(FixKind, &'a str)>,
    /// The other rows a cross-row finding names (X001's duplicates…).
    pub related: &'a [u64],
}

/// Groups findings by (rule, column), worst severity first, then by code and column order.
pub fn group(findings: &[Flat<'_>]) -> Vec<FindingGroup> {
    type Key<'a> = (Sev, &'a str, Option<u32>);
    let mut groups: BTreeMap<Key<'_>, FindingGroup> = BTreeMap::new();
    let mut messages: BTreeMap<Key<'_>, BTreeMap<&str, u64>> = BTreeMap::new();
    for f in findings {
        let key = (f.severity, f.code, f.column);
        let g = groups.entry(key).or_insert_with(|| FindingGroup {
            code: f.code.to_string(),
            name: f.name.to_string(),
            severity: f.severity,
            column: f.header.map(str::to_string),
            count: 0,
            kept: 0,
            messages: Vec::new(),
            tip: crate::model::page_tip(f.tip),
            items: Vec::new(),
        });
        g.count += 1;
        g.kept += 1;
        if g.items.len() < ITEMS_PER_GROUP {
            g.items.push(Item {
                row: f.row,
                value: f.value.map(str::to_string),
                message: f.message.to_string(),
                fix: f.fix.map(|(kind, after)| FixView {
                    kind,
                    after: after.to_string(),
                }),
            });
        }
        *messages
            .entry(key)
            .or_default()
            .entry(f.message)
            .or_default() += 1;
    }
    groups
        .into_iter()
        .map(|(key, mut g)| {
            g.messages = top_messages(messages.remove(&key).unwrap_or_default());
            g
        })
        .collect()
}

/// Makes each group's count exact when the engine kept fewer findings of a rule than it counted
/// (`exact`: the engine's count per code). A rule in one group gets the rule's count; a rule
/// spread over several columns is merged into one group (no column) with the rule's count, since
/// how the findings left out split between the columns is not known. Items and messages stay
/// those of the kept findings (`kept` says how many).
pub fn exact_counts(groups: Vec<FindingGroup>, exact: &BTreeMap<String, u64>) -> Vec<FindingGroup> {
    let mut kept: BTreeMap<&str, u64> = BTreeMap::new();
    for g in &groups {
        *kept.entry(g.code.as_str()).or_default() += g.kept;
    }
    let capped: Vec<String> = kept
        .iter()
        .filter(|(code, n)| exact.get(**code).is_some_and(|e| e > n))
        .map(|(code, _)| code.to_string())
        .collect();
    if capped.is_empty() {
        return groups;
    }
    let mut out: Vec<FindingGroup> = Vec::with_capacity(groups.len());
    for g in groups {
        if !capped.contains(&g.code) {
            out.push(g);
            continue;
        }
        match out.iter_mut().find(|o| o.code == g.code) {
            None => {
                let count = exact[&g.code];
                out.push(FindingGroup { count, ..g });
            }
            Some(first) => {
                // A second column of a capped rule: fold it into the rule's one group.
                first.column = None;
                first.severity = first.severity.min(g.severity);
                first.kept += g.kept;
                let mut messages: BTreeMap<&str, u64> = BTreeMap::new();
                for (m, n) in first.messages.iter().chain(&g.messages) {
                    *messages.entry(m.as_str()).or_default() += n;
                }
                first.messages = top_messages(messages);
                first.items.extend(g.items);
                first.items.sort_by_key(|i| i.row);
                first.items.truncate(ITEMS_PER_GROUP);
            }
        }
    }
    out
}

/// The three most frequent messages; ties keep alphabetical order so the page is stable.
fn top_messages(messages: BTreeMap<&str, u64>) -> Vec<(String, u64)> {
    let mut top: Vec<(&str, u64)> = messages.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    top.truncate(3);
    top.into_iter().map(|(m, n)| (m.to_string(), n)).collect()
}

/// The rows with findings, in row order, each with its offending cells.
pub fn grid(findings: &[Flat<'_>]) -> (Vec<ProblemRow>, u64) {
    let mut rows: BTreeMap<u64, ProblemRow> = BTreeMap::new();
    for f in findings {
        let Some(row) = f.row else { continue };
        if !in_grid(f) {
            continue;
        }
        let r = rows.entry(row).or_insert_with(|| ProblemRow {
            row,
            severity: f.severity,
            codes: Vec::new(),
            cells: Vec::new(),
            header: false,
            shared: Vec::new(),
        });
        r.severity = r.severity.min(f.severity);
        if crate::model::rule_scope(f.code) == Some(orgsync_core::Scope::Header) {
            r.header = true;
        }
        if shares_value(f.code)
            && !f.related.is_empty()
            && !r
                .shared
                .iter()
                .any(|s| s.code == f.code && s.column == f.column)
        {
            r.shared.push(Shared {
                code: f.code.to_string(),
                column: f.column,
                header: f.header.unwrap_or_default().to_string(),
                value: f.value.unwrap_or_default().to_string(),
                rows: f.related.to_vec(),
            });
        }
        match f.column {
            Some(column) => match r.cells.iter_mut().find(|c| c.column == column) {
                Some(cell) => {
                    cell.severity = cell.severity.min(f.severity);
                    if !cell.codes.iter().any(|c| c == f.code) {
                        cell.codes.push(f.code.to_string());
                    }
                }
                None => r.cells.push(ProblemCell {
                    column,
                    value: f.value.unwrap_or_default().to_string(),
                    severity: f.severity,
                    codes: vec![f.code.to_string()],
                }),
            },
            None => {
                if !r.codes.iter().any(|c| c == f.code) {
                    r.codes.push(f.code.to_string());
                }
            }
        }
    }
    let total = rows.len() as u64;
    let mut out: Vec<ProblemRow> = rows.into_values().take(GRID_ROWS).collect();
    for r in &mut out {
        r.cells.sort_by_key(|c| c.column);
    }
    (out, total)
}

/// Whether a finding puts its row in the grid of rows with problems. The notes of the
/// comparison with a user export (P001 a new user, P005 no change) are facts about the account,
/// not problems of the row: with an export nearly every row has one, and the preview lists them.
fn in_grid(f: &Flat<'_>) -> bool {
    !(f.severity == Sev::Info
        && crate::model::rule_scope(f.code) == Some(orgsync_core::Scope::Roster))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat<'a>(
        code: &'a str,
        sev: Sev,
        row: u64,
        column: u32,
        value: &'a str,
        message: &'a str,
    ) -> Flat<'a> {
        Flat {
            code,
            name: "rule",
            severity: sev,
            row: Some(row),
            column: Some(column),
            header: Some(
                [
                    "col0", "col1", "col2", "col3", "col4", "col5", "col6", "col7",
                ][column as usize],
            ),
            value: Some(value),
            message,
            tip: "tip",
            fix: None,
            related: &[],
        }
    }

    #[test]
    fn groups_by_rule_and_column_worst_first_with_top_messages() {
        let findings = vec![
            flat("R012", Sev::Warning, 2, 1, " a", "spaces"),
            flat(
                "R004",
                Sev::Warning,
                3,
                0,
                "x@gmial.com",
                "domain gmial.com",
            ),
            flat(
                "R004",
                Sev::Warning,
                4,
                0,
                "y@gmial.com",
                "domain gmial.com",
            ),
            flat(
                "R004",
                Sev::Warning,
                5,
                0,
                "z@hotmial.com",
                "domain hotmial.com",
            ),
            flat("R005", Sev::Error, 2, 3, "ACTIVE", "not a status"),
        ];
        let groups = group(&findings);
        let keys: Vec<(&str, Option<&str>, u64)> = groups
            .iter()
            .map(|g| (g.code.as_str(), g.column.as_deref(), g.count))
            .collect();
        assert_eq!(
            keys,
            [
                ("R005", Some("col3"), 1),
                ("R004", Some("col0"), 3),
                ("R012", Some("col1"), 1)
            ]
        );
        assert_eq!(
            groups[1].messages,
            [
                ("domain gmial.com".to_string(), 2),
                ("domain hotmial.com".to_string(), 1)
            ]
        );
    }

    #[test]
    fn capped_rules_get_their_exact_count_and_one_group() {
        let findings = vec![
            flat("R002", Sev::Error, 2, 0, "x", "not an email"),
            flat("R002", Sev::Error, 3, 0, "y", "not an email"),
            flat("R006", Sev::Error, 2, 6, "Y", "not yes/no"),
            flat("R006", Sev::Error, 2, 7, "maybe", "not yes/no"),
            flat("R006", Sev::Error, 3, 6, "Y", "not yes/no"),
            flat("R012", Sev::Warning, 2, 1, " a", "spaces"),
        ];
        let exact: BTreeMap<String, u64> = [("R002", 1_000_000), ("R006", 2_000_000), ("R012", 1)]
            .into_iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
        let groups = exact_counts(group(&findings), &exact);
        let keys: Vec<(&str, Option<&str>, u64, u64)> = groups
            .iter()
            .map(|g| (g.code.as_str(), g.column.as_deref(), g.count, g.kept))
            .collect();
        assert_eq!(
            keys,
            [
                ("R002", Some("col0"), 1_000_000, 2),
                ("R006", None, 2_000_000, 3),
                ("R012", Some("col1"), 1, 1)
            ]
        );
        let r006 = &groups[1];
        assert_eq!(r006.messages, [("not yes/no".to_string(), 3)]);
        let rows: Vec<Option<u64>> = r006.items.iter().map(|i| i.row).collect();
        assert_eq!(rows, [Some(2), Some(2), Some(3)]);
        // Nothing capped: the groups are left as they are.
        let uncapped: BTreeMap<String, u64> = [("R002", 2), ("R006", 3), ("R012", 1)]
            .into_iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
        assert_eq!(exact_counts(group(&findings), &uncapped), group(&findings));
    }

    #[test]
    fn grid_merges_findings_per_row_and_cell() {
        let mut findings = vec![
            flat("R012", Sev::Warning, 7, 2, " a", "spaces"),
            flat("R005", Sev::Error, 7, 2, " a", "bad"),
            flat("R004", Sev::Warning, 3, 0, "x@gmial.com", "typo"),
        ];
        findings.push(Flat {
            column: None,
            header: None,
            value: None,
            ..flat("R016", Sev::Info, 3, 0, "", "no-op")
        });
        let (rows, total) = grid(&findings);
        assert_eq!(total, 2);
        assert_eq!(rows[0].row, 3);
        assert_eq!(rows[0].codes, ["R016"]);
        assert_eq!(rows[1].severity, Sev::Error);
        assert_eq!(rows[1].cells.len(), 1);
        assert_eq!(rows[1].cells[0].codes, ["R012", "R005"]);
        assert_eq!(rows[1].cells[0].severity, Sev::Error);
    }

    #[test]
    fn the_grid_names_what_rows_share_and_knows_the_header_row() {
        let findings = vec![
            Flat {
                related: &[7, 12],
                header: Some("primary_email_address"),
                ..flat("X001", Sev::Error, 3, 0, "ann@x.com", "dup")
            },
            Flat {
                related: &[3],
                header: Some("primary_email_address"),
                ..flat("X001", Sev::Error, 7, 0, "Ann@x.com", "dup")
            },
            // No rows named: nothing to link.
            flat("X005", Sev::Info, 9, 1, "Ann", "name"),
            flat("H005", Sev::Warning, 1, 4, "emial", "unknown header"),
        ];
        let (rows, _) = grid(&findings);
        assert!(rows[0].header && rows[0].row == 1);
        assert!(!rows[1].header);
        let s = &rows[1].shared;
        assert_eq!(s.len(), 1);
        assert_eq!(
            (
                s[0].label().as_str(),
                s[0].value.as_str(),
                s[0].rows.as_slice()
            ),
            ("Same email as", "ann@x.com", &[7u64, 12][..])
        );
        assert_eq!(rows[2].shared[0].rows, [3]);
        assert!(rows[3].shared.is_empty());
        let x003 = |header: &str| Shared {
            code: "X003".into(),
            column: Some(0),
            header: header.into(),
            value: String::new(),
            rows: vec![2],
        };
        assert_eq!(
            x003("primary_email_address").label(),
            "Same email with another unique_user_id on"
        );
        assert_eq!(
            x003("unique_user_id").label(),
            "Same unique_user_id with another email on"
        );
    }

    #[test]
    fn the_comparisons_notes_stay_out_of_the_grid() {
        let findings = vec![
            flat("P005", Sev::Info, 2, 0, "a@acme.com", "no change"),
            flat("P001", Sev::Info, 3, 0, "b@acme.com", "new user"),
            flat("P002", Sev::Warning, 4, 5, "Inactive", "revokes"),
            flat("R016", Sev::Info, 5, 0, "", "a note of the row itself"),
        ];
        let (rows, total) = grid(&findings);
        assert_eq!(total, 2);
        assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [4, 5]);
    }
}

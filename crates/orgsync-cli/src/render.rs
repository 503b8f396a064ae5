//! The terminal report, in the style of rustc and ruff diagnostics: findings grouped by rule with
//! counts, each with its position, the cell, the message, a `help:` tip and the fix; then the
//! file's facts, what the upload will do, and a one-line count.
//!
//! Colour is written unconditionally here; `anstream` strips it when the output is not a terminal
//! or `NO_COLOR` is set.

use crate::cells::{Cells, Wanted};
use orgsync_core::words::{delimiter_name, plural, thousands};
use orgsync_core::{Applicability, Code, Edit, Finding, Report, Severity, Tally};
use owo_colors::OwoColorize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// How many findings of each rule the report shows unless asked for all.
pub(crate) const SHOWN_PER_RULE: usize = 5;

/// Findings grouped by (severity, code), in report order within a group.
fn groups(report: &Report) -> BTreeMap<(Severity, Code), Vec<&Finding>> {
    let mut g: BTreeMap<(Severity, Code), Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        g.entry((f.severity, f.code)).or_default().push(f);
    }
    g
}

/// The header row's spreadsheet row number, when the file has one (the engine's: blank lines
/// and a `sep=` line before it count, whatever the findings cap kept of F008).
fn header_row(report: &Report) -> Option<u64> {
    report.file.header_row
}

/// The cells the shown findings need from the file: those a fix does not already quote, that
/// are not header cells, and that the finding does not carry itself (cross-row findings, made
/// at the end of the file, do not).
pub(crate) fn wanted(report: &Report, all: bool) -> Wanted {
    let header = header_row(report);
    let mut w = Wanted::new();
    for list in groups(report).values() {
        for f in shown(list, all) {
            let (Some(row), Some(col)) = (f.row, f.column) else {
                continue;
            };
            if Some(row) == header || quotes_cell(f) || f.value.is_some() {
                continue;
            }
            let cols = w.entry(row).or_default();
            if !cols.contains(&col) {
                cols.push(col);
            }
        }
    }
    w
}

fn shown<'a>(list: &'a [&'a Finding], all: bool) -> &'a [&'a Finding] {
    if all {
        list
    } else {
        &list[..list.len().min(SHOWN_PER_RULE)]
    }
}

/// Whether the finding's fix line already shows the cell's current value.
fn quotes_cell(f: &Finding) -> bool {
    f.fix.as_ref().is_some_and(|x| x.edit == Edit::SetCell)
}

/// A value as the terminal shows it: quoted, invisible characters spelled out, long values cut.
pub(crate) fn quoted(value: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::from("\"");
    for (n, c) in value.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters a terminal shows as nothing or as an ordinary space.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{a0}'
            | '\u{ad}'
            | '\u{2000}'..='\u{200f}'
            | '\u{2028}'..='\u{202f}'
            | '\u{205f}'..='\u{206f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// A header name as shown: plain when it is plain, quoted otherwise.
fn column_name(report: &Report, col: usize) -> String {
    match report.column_name(col) {
        Some(name)
            if !name.is_empty() && quoted(name) == format!("\"{name}\"") && !name.contains(' ') =>
        {
            name.to_string()
        }
        Some(name) => quoted(name),
        None => format!("{} (past the last header)", col + 1),
    }
}

pub(crate) fn severity_label(s: Severity) -> String {
    match s {
        Severity::Error => "error".red().bold().to_string(),
        Severity::Warning => "warning".yellow().bold().to_string(),
        Severity::Info => "info".cyan().bold().to_string(),
    }
}

/// Writes the whole human report.
pub(crate) fn human(
    out: &mut dyn Write,
    report: &Report,
    cells: &Cells,
    all: bool,
) -> io::Result<()> {
    let header = header_row(report);
    let groups = groups(report);
    for ((severity, code), list) in &groups {
        // Exact count from the summary when the whole code has one severity.
        let same_severity = report
            .findings
            .iter()
            .filter(|f| f.code == *code)
            .all(|f| f.severity == *severity);
        let count = if same_severity {
            report
                .summary
                .by_code
                .get(code)
                .copied()
                .unwrap_or(list.len() as u64)
        } else {
            list.len() as u64
        };
        let unit = if list.iter().all(|f| f.row.is_some() && f.row != header) {
            ("row", "rows")
        } else if list.iter().all(|f| f.column.is_some()) {
            ("column", "columns")
        } else {
            ("finding", "findings")
        };
        writeln!(
            out,
            "{}{} {}: {}",
            severity_label(*severity),
            format!("[{code}]").bold(),
            code.rule().name.bold(),
            plural(count, unit.0, unit.1)
        )?;
        let shown = shown(list, all);
        for f in shown {
            finding(out, report, cells, header, f)?;
        }
        let hidden = count.saturating_sub(shown.len() as u64);
        if hidden > 0 {
            let how = if all {
                "not kept (--max-findings-per-code all keeps every one; the findings CSV of \
                 `orgsync fix --findings` lists every one)"
            } else {
                "(all with --verbose, or in the findings CSV of `orgsync fix --findings`)"
            };
            writeln!(
                out,
                "  {} {}",
                format!("… and {} more", thousands(hidden)).dimmed(),
                how.dimmed()
            )?;
        }
        writeln!(out)?;
    }
    if all && report.summary.omitted > 0 {
        writeln!(
            out,
            "{}",
            format!(
                "{} not listed: the report keeps at most --max-findings-per-code of each rule (the counts are exact).",
                plural(report.summary.omitted, "finding", "findings")
            )
            .dimmed()
        )?;
    }
    summary(out, report)
}

fn finding(
    out: &mut dyn Write,
    report: &Report,
    cells: &Cells,
    header: Option<u64>,
    f: &Finding,
) -> io::Result<()> {
    let arrow = "-->".blue().bold().to_string();
    let bar = "=".blue().bold().to_string();
    let pipe = "|".blue().bold().to_string();
    let column = f.column.map(|c| column_name(report, c));
    let position = match (f.row, &column, f.line) {
        (Some(row), Some(col), Some(line)) if Some(row) == header => {
            format!("row {row} (header), column {col} (line {line})")
        }
        (Some(row), Some(col), Some(line)) => format!("row {row}, column {col} (line {line})"),
        (Some(row), Some(col), None) => format!("row {row}, column {col}"),
        (Some(row), None, Some(line)) => format!("row {row} (line {line})"),
        (Some(row), None, None) => format!("row {row}"),
        (None, Some(col), _) => format!("column {col}"),
        (None, None, Some(line)) => format!("file, line {line}"),
        (None, None, None) => "file".to_string(),
    };
    writeln!(out, "  {arrow} {position}")?;
    let value = match (f.row, f.column) {
        _ if quotes_cell(f) => None,
        (Some(row), Some(col)) if Some(row) == header => {
            report.column_name(col).map(str::to_string)
        }
        (Some(row), Some(col)) => f.value.clone().or_else(|| cells.get(&(row, col)).cloned()),
        _ => None,
    };
    if let Some(v) = value {
        writeln!(out, "   {pipe} {}", quoted(&v))?;
    }
    writeln!(out, "   {bar} {}", f.message)?;
    if !f.tip.is_empty() {
        writeln!(out, "   {bar} {} {}", "help:".bold(), f.tip)?;
    }
    if let Some(fix) = &f.fix {
        let kind = match fix.applicability {
            Applicability::Safe => "fix (safe)".green().to_string(),
            Applicability::Suggested => "fix (suggested)".yellow().to_string(),
        };
        let change = if fix.edit == Edit::SetCell {
            format!("{} → {}", quoted(&fix.before), quoted(&fix.after))
        } else {
            format!("{} → {}", fix.before, fix.after)
        };
        writeln!(out, "   {bar} {kind}: {change}")?;
    }
    if !f.related_rows.is_empty() {
        let rows: Vec<String> = f.related_rows.iter().take(10).map(u64::to_string).collect();
        let more = if f.related_rows.len() > 10 {
            format!(" and {} more", thousands(f.related_rows.len() as u64 - 10))
        } else {
            String::new()
        };
        writeln!(out, "   {bar} see also: rows {}{more}", rows.join(", "))?;
    }
    Ok(())
}

/// File facts, the action summary and the final count.
fn summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let file = &report.file;
    let name = file.name.as_deref().unwrap_or("<stdin>");
    writeln!(out, "{} {}", "File:".bold(), name)?;
    let delimiter = file
        .delimiter
        .chars()
        .next()
        .map_or("unknown", delimiter_name);
    let ending = match file.line_ending {
        "crlf" => "CRLF",
        "lf" => "LF",
        "cr" => "CR",
        _ => "no",
    };
    if file.columns > 0 {
        writeln!(
            out,
            "      {}{}, {delimiter} separated, {ending} line ends; {} × {}; {} file",
            file.encoding,
            if file.bom { " with BOM" } else { "" },
            plural(file.rows, "row", "rows"),
            plural(file.columns, "column", "columns"),
            file.kind.as_str()
        )?;
    }
    if !file.encoding.starts_with("utf-") || file.encoding_basis == "chosen" {
        // A legacy code page: what it was read as, and whether that was a guess.
        let basis = match file.encoding_basis {
            "guessed" => " — guessed (--encoding LABEL reads it in another)",
            "chosen" => " — as chosen",
            _ => "",
        };
        writeln!(out, "{} {}{basis}", "Read as:".bold(), file.encoding_name)?;
        if !file.encoding_preview.is_empty() {
            writeln!(out, "      e.g. {}", file.encoding_preview.join(", "))?;
        }
    }
    let actions = actions(report);
    if !actions.is_empty() {
        writeln!(out, "{} {}", "Upload:".bold(), actions.join(", "))?;
    }
    crate::roster::human(out, report)?;
    writeln!(out, "{}", last_line(&report.summary))
}

/// `Found 12 errors, 5 warnings, 3 infos (8 fixable with `orgsync fix`, 2 more with --suggested)`.
pub(crate) fn last_line(s: &orgsync_core::Summary) -> String {
    if s.errors + s.warnings + s.infos == 0 {
        return format!("{}", "All checks passed: no problems found.".green().bold());
    }
    let counts = format!(
        "Found {}, {}, {}",
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "infos")
    );
    let counts = if s.errors > 0 {
        counts.red().bold().to_string()
    } else if s.warnings > 0 {
        counts.yellow().bold().to_string()
    } else {
        counts.bold().to_string()
    };
    let mut fixes = Vec::new();
    if s.safe_fixes > 0 {
        fixes.push(format!("{} fixable with `orgsync fix`", s.safe_fixes));
    }
    if s.suggested_fixes > 0 {
        fixes.push(format!(
            "{} {} with --suggested",
            s.suggested_fixes,
            if s.safe_fixes > 0 { "more" } else { "fixable" }
        ));
    }
    if fixes.is_empty() {
        counts
    } else {
        format!("{counts} ({})", fixes.join(", "))
    }
}

/// The action summary in words: what the upload will do, one clause per kind of change.
pub(crate) fn actions(report: &Report) -> Vec<String> {
    let a = &report.summary.actions;
    let mut parts = Vec::new();
    if a.users() > 0 {
        parts.push(format!("names {}", plural(a.users(), "user", "users")));
    }
    // Each tally: one clause for its additions, one for its removals, when there are any.
    let mut tally =
        |t: Tally, add: &dyn Fn(String) -> String, remove: &dyn Fn(String) -> String| {
            if t.add > 0 {
                parts.push(add(plural(t.add, "user", "users")));
            }
            if t.remove > 0 {
                parts.push(remove(plural(t.remove, "user", "users")));
            }
        };
    for (h, t) in a.licenses() {
        tally(t, &|n| format!("assigns {h} to {n}"), &|n| {
            format!("revokes {h} from {n}")
        });
    }
    for (g, t) in a.groups() {
        tally(t, &|n| format!("adds {n} to group {g}"), &|n| {
            format!("removes {n} from group {g}")
        });
    }
    for (p, t) in a.permissions() {
        tally(t, &|n| format!("grants {p} to {n}"), &|n| {
            format!("removes {p} from {n}")
        });
    }
    if a.email_changes() > 0 {
        parts.push(format!(
            "changes {}",
            plural(a.email_changes(), "email address", "email addresses")
        ));
    }
    if a.id_changes() > 0 {
        parts.push(format!(
            "changes {}",
            plural(a.id_changes(), "unique_user_id", "unique_user_ids")
        ));
    }
    if a.reupload_profiles() > 0 {
        parts.push(format!(
            "forces {}",
            plural(
                a.reupload_profiles(),
                "profile creation",
                "profile creations"
            )
        ));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn values_show_their_invisible_characters() {
        let cases = [
            (" jane@x.com ", "\" jane@x.com \""),
            ("Okafor\u{a0}", "\"Okafor\\u{a0}\""),
            ("a\tb", "\"a\\tb\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("\u{200b}x", "\"\\u{200b}x\""),
            ("Zoë", "\"Zoë\""),
        ];
        for (input, expected) in cases {
            assert_eq!(quoted(input), expected, "{input:?}");
        }
        assert!(quoted(&"x".repeat(100)).ends_with("…\""));
    }
}

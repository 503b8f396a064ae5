//! The one module that reads the engine's types: it turns an [`orgsync_core::Report`] into the
//! page's [`ReportView`] and the page's [`FixChoices`] into [`orgsync_core::FixOptions`].

use orgsync_core::{
    Applicability, Change, ChangeKind, Code, FileInfo, FixOptions, Preview, Report, Roster,
    Severity, Suggested,
};

use crate::model::FixChoices;
use crate::view::{
    self, ActionLine, Counts, FileFacts, FixKind, Flat, KindCount, PreviewLine, PreviewView,
    ReportView, RosterFinding, RosterView, RuleCount, Sev,
};

/// The page's severity for the engine's.
pub fn sev(s: Severity) -> Sev {
    match s {
        Severity::Error => Sev::Error,
        Severity::Warning => Sev::Warning,
        Severity::Info => Sev::Info,
    }
}

/// "What this upload will do", in the admin's words, from the engine's action summary: every
/// count the engine makes, zero or not (the page hides the zeros).
fn action_lines(actions: &orgsync_core::Actions) -> Vec<ActionLine> {
    let line = |label: String, count: u64| ActionLine { label, count };
    let mut lines = vec![line("Users named".into(), actions.users())];
    for (header, t) in actions.licenses() {
        lines.push(line(format!("Invitations: {header} set to Active"), t.add));
        lines.push(line(
            format!("Revocations: {header} set to Inactive"),
            t.remove,
        ));
    }
    for (group, t) in actions.groups() {
        lines.push(line(format!("Added to group “{group}”"), t.add));
        lines.push(line(format!("Removed from group “{group}”"), t.remove));
    }
    for (permission, t) in actions.permissions() {
        lines.push(line(format!("Granted {permission}"), t.add));
        lines.push(line(format!("Removed {permission}"), t.remove));
    }
    lines.push(line(
        "Email address changes".into(),
        actions.email_changes(),
    ));
    lines.push(line("User id changes".into(), actions.id_changes()));
    lines.push(line(
        "Profiles re-uploaded (reupload_user_profile)".into(),
        actions.reupload_profiles(),
    ));
    lines
}

/// Builds what the page shows from a report.
pub fn report_view(report: &Report) -> ReportView {
    let flat = flatten(report);
    let (grid, grid_total) = view::grid(&flat);
    ReportView {
        grid,
        grid_total,
        ..summary_view(report, &flat)
    }
}

/// The report's kept findings, reduced to what grouping and the grid need.
pub fn flatten(report: &Report) -> Vec<Flat<'_>> {
    report
        .findings
        .iter()
        .map(|f| {
            let header = f.column.and_then(|c| report.column_name(c));
            Flat {
                code: f.code.as_str(),
                name: f.code.rule().name,
                severity: sev(f.severity),
                row: f.row,
                column: f.column.map(|c| c as u32),
                header,
                // A row finding carries its cell's value; a header finding is about the header
                // text itself.
                value: f.value.as_deref().or_else(|| {
                    header.filter(|_| f.code.rule().scope == orgsync_core::Scope::Header)
                }),
                message: &f.message,
                tip: &f.tip,
                fix: f.fix.as_ref().map(|fix| {
                    let kind = match fix.applicability {
                        Applicability::Safe => FixKind::Safe,
                        Applicability::Suggested => FixKind::Suggested,
                    };
                    (kind, fix.after.as_str())
                }),
                related: &f.related_rows,
            }
        })
        .collect()
}

/// The view without the grid of rows with problems (`grid` empty, `grid_total` 0): what the
/// page shows first. The worker sends the grid (`view::grid` of the same `flat`) after it.
pub fn summary_view(report: &Report, flat: &[Flat<'_>]) -> ReportView {
    let s = &report.summary;
    // Per-rule fix counts come from the engine's exact counts, whatever the cap.
    let rules = s
        .by_code
        .iter()
        .map(|(code, count)| {
            let fixes = s.fixes_by_code.get(code).copied().unwrap_or_default();
            RuleCount {
                code: code.as_str().to_string(),
                name: code.rule().name.to_string(),
                severity: sev(code.rule().severity),
                count: *count,
                safe: fixes.safe,
                suggested: fixes.suggested,
            }
        })
        .collect();
    ReportView {
        file: file_facts(&report.file),
        counts: Counts {
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            safe_fixes: s.safe_fixes,
            suggested_fixes: s.suggested_fixes,
        },
        actions: action_lines(&s.actions),
        rules,
        groups: view::exact_counts(
            view::group(flat),
            &s.by_code
                .iter()
                .map(|(code, n)| (code.as_str().to_string(), *n))
                .collect(),
        ),
        grid: Vec::new(),
        grid_total: 0,
        truncated: s.omitted > 0,
        roster: report.roster.as_deref().map(roster_view),
        preview: report.preview.as_ref().map(preview_view),
    }
}

fn file_facts(f: &FileInfo) -> FileFacts {
    FileFacts {
        name: f.name.clone().unwrap_or_default(),
        bytes: f.bytes,
        encoding: f.encoding.to_string(),
        encoding_name: f.encoding_name.to_string(),
        encoding_basis: f.encoding_basis.to_string(),
        encoding_preview: f.encoding_preview.clone(),
        delimiter: f.delimiter.clone(),
        rows: f.rows,
        columns: f.columns,
        kind: f.kind.as_str().to_string(),
        headers: f.headers.clone(),
        workbook: f.workbook.as_ref().map(crate::sheet::WorkbookFacts::from),
    }
}

/// What the page shows of a user export: its facts and its own findings (the first
/// [`view::ROSTER_FINDINGS`]; counts exact).
pub fn roster_view(roster: &Roster) -> RosterView {
    let c = roster.counts();
    let headers = &roster.file().headers;
    RosterView {
        file: file_facts(roster.file()),
        users: roster.users() as u64,
        counts: Counts {
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            safe_fixes: 0,
            suggested_fixes: 0,
        },
        usable: roster.usable(),
        findings: roster
            .findings()
            .iter()
            .take(view::ROSTER_FINDINGS)
            .map(|f| RosterFinding {
                code: f.code.as_str().to_string(),
                name: f.code.rule().name.to_string(),
                severity: sev(f.severity),
                row: f.row,
                column: f.column.and_then(|i| headers.get(i)).cloned(),
                message: f.message.clone(),
            })
            .collect(),
    }
}

/// The preview's totals for the page; the lines travel a page at a time ([`preview_page`]).
pub fn preview_view(p: &Preview) -> PreviewView {
    let t = &p.totals;
    let mut listed = std::collections::BTreeMap::<ChangeKind, u64>::new();
    for c in &p.changes {
        *listed.entry(c.change).or_default() += 1;
    }
    PreviewView {
        export_users: t.export_users,
        rows: t.rows,
        new_users: t.new_users,
        existing_users: t.existing_users,
        changed: t.changed,
        unchanged: t.unchanged,
        conflicts: t.conflicts,
        rejected: t.rejected,
        untouched: t.untouched,
        kinds: ChangeKind::ALL
            .iter()
            .filter_map(|k| {
                let count = t.by_kind.get(k).copied().unwrap_or(0);
                (count > 0).then(|| KindCount {
                    kind: k.as_str().to_string(),
                    label: k.label().to_string(),
                    count,
                    listed: listed.get(k).copied().unwrap_or(0),
                })
            })
            .collect(),
        omitted: p.omitted,
    }
}

/// The preview's lines of one kind (or all) from `offset`, at most `limit`.
pub fn preview_page(
    p: &Preview,
    kind: Option<&str>,
    offset: u64,
    limit: usize,
) -> Vec<PreviewLine> {
    let kind: Option<ChangeKind> = match kind {
        Some(k) => match k.parse() {
            Ok(k) => Some(k),
            Err(_) => return Vec::new(),
        },
        None => None,
    };
    p.changes
        .iter()
        .filter(|c| kind.is_none_or(|k| c.change == k))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(limit)
        .map(preview_line)
        .collect()
}

fn preview_line(c: &Change) -> PreviewLine {
    PreviewLine {
        row: c.row,
        email: c.email.clone(),
        id: c.unique_user_id.clone(),
        kind: c.change.as_str().to_string(),
        column: c.column.clone(),
        before: c.before.clone(),
        after: c.after.clone(),
    }
}

fn codes(list: &std::collections::BTreeSet<String>) -> Vec<Code> {
    list.iter().filter_map(|c| c.parse().ok()).collect()
}

/// The page's per-row decisions for [`orgsync_core::Fixer::decide`].
pub fn row_decisions(choices: &FixChoices) -> Vec<(orgsync_core::Code, u64, bool)> {
    choices
        .row_decisions()
        .into_iter()
        .filter_map(|(code, row, on)| code.parse().ok().map(|c| (c, row, on)))
        .collect()
}

/// The engine's fix options for the page's choices.
///
/// The engine turns a rule's fixes off as a whole (`no_fix`), so a rule whose safe fixes are off
/// applies none of its suggested ones either.
pub fn fix_options(choices: &FixChoices) -> FixOptions {
    FixOptions {
        no_fix: codes(&choices.safe_off),
        suggested: if choices.all_suggested {
            Suggested::All
        } else if choices.suggested_on.is_empty() {
            Suggested::None
        } else {
            Suggested::Only(codes(&choices.suggested_on))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_becomes_a_view_with_the_engines_counts() {
        let bytes = include_bytes!("../../samples/sample-with-mistakes.csv");
        let report = orgsync_core::check(
            bytes,
            orgsync_core::Options {
                file_name: Some("sample.csv".into()),
                ..Default::default()
            },
        );
        let view = report_view(&report);
        assert_eq!(view.counts.errors, report.summary.errors);
        assert_eq!(view.counts.warnings, report.summary.warnings);
        assert_eq!(view.file.rows, report.file.rows);
        assert_eq!(
            view.groups.iter().map(|g| g.count).sum::<u64>(),
            report.findings.len() as u64
        );
        assert_eq!(
            view.rules.iter().map(|r| r.count).sum::<u64>(),
            report.findings.len() as u64
        );
        assert!(!view.groups.is_empty(), "the sample has mistakes");
        assert!(!view.grid.is_empty());
        assert!(
            view.actions
                .iter()
                .any(|a| a.label == "Users named" && a.count > 0)
        );
    }

    #[test]
    fn a_roster_gives_its_own_view_and_a_preview() {
        let export = "invited_email_address,unique_user_id,acme_license_learning_status\r\n\
                      jane@acme.com,E1,Active\r\nomar@acme.com,E2,Active\r\nlee@acme.com,E3,Active\r\n\
                      lee@acme.com,E3,Active\r\n";
        let roster = std::sync::Arc::new(Roster::read(export.as_bytes(), Some("users.csv".into())));
        let rv = roster_view(&roster);
        assert_eq!(rv.users, 3);
        assert_eq!(rv.counts.warnings + rv.counts.errors + rv.counts.infos, 1);
        assert_eq!(rv.findings[0].row, Some(5));
        assert_eq!(rv.headline(), "3 users, UTF-8, 1 problem");
        let upload = "primary_email_address,acme_license_learning_status\r\n\
                      jane@acme.com,Inactive\r\nnew@acme.com,Active\r\nomar@acme.com,Active\r\n";
        let report = orgsync_core::check(
            upload.as_bytes(),
            orgsync_core::Options {
                roster: Some(roster),
                ..Default::default()
            },
        );
        let view = report_view(&report);
        let p = view.preview.expect("a preview");
        assert_eq!(
            (p.new_users, p.changed, p.unchanged, p.untouched),
            (1, 1, 1, 1)
        );
        let kinds: Vec<&str> = p.kinds.iter().map(|k| k.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "invited",
                "license-assigned",
                "license-revoked",
                "no-change",
                "untouched"
            ]
        );
        // The new user's line, its license, Jane's revocation, Omar unchanged, Lee untouched.
        assert_eq!(p.lines(), 5);
        assert!(view.roster.is_some());
        let preview = report.preview.as_ref().unwrap();
        let all = preview_page(preview, None, 0, 100);
        assert_eq!(all.len(), 5);
        assert_eq!(all[4].kind, "untouched");
        assert_eq!(all[4].email, "lee@acme.com");
        assert_eq!(preview_page(preview, None, 3, 100).len(), 2);
        let revoked = preview_page(preview, Some("license-revoked"), 0, 100);
        assert_eq!(revoked.len(), 1);
        assert_eq!(
            (revoked[0].before.as_str(), revoked[0].after.as_str()),
            ("Active", "Inactive")
        );
        assert!(preview_page(preview, Some("license-revoked"), 1, 100).is_empty());
        assert!(preview_page(preview, Some("nonsense"), 0, 100).is_empty());
    }

    #[test]
    fn fix_choices_map_to_engine_options() {
        let mut choices = FixChoices::default();
        assert_eq!(fix_options(&choices), FixOptions::default());
        choices.set_safe("R012", false);
        choices.set_suggested("R004", true);
        let options = fix_options(&choices);
        assert_eq!(options.no_fix, [Code::R012]);
        assert_eq!(options.suggested, Suggested::Only(vec![Code::R004]));
    }

    #[test]
    fn the_action_summary_reads_as_sentences() {
        let csv = "primary_email_address,acme_license_learning_status,group:Sales\r\n\
                   a@example.com,Active,yes\r\nb@example.com,Inactive,no\r\nc@example.com,Active,\r\n";
        let view = report_view(&orgsync_core::check(
            csv.as_bytes(),
            orgsync_core::Options::default(),
        ));
        let count = |label: &str| {
            view.actions
                .iter()
                .find(|a| a.label == label)
                .map(|a| a.count)
        };
        assert_eq!(count("Users named"), Some(3));
        assert_eq!(
            count("Invitations: acme_license_learning_status set to Active"),
            Some(2)
        );
        assert_eq!(
            count("Revocations: acme_license_learning_status set to Inactive"),
            Some(1)
        );
        assert_eq!(count("Added to group “Sales”"), Some(1));
        assert_eq!(count("Removed from group “Sales”"), Some(1));
    }
}

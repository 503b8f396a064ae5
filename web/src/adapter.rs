//! The one module that reads the engine's types: it turns an [`orgsync_core::Report`] into the
//! page's [`ReportView`] and the page's [`FixChoices`] into [`orgsync_core::FixOptions`].

use orgsync_core::{Applicability, Report, Severity};

use crate::model::FixChoices;
use crate::view::{self, ActionLine, Counts, FileFacts, FixKind, FixView, Flat, ReportView, RuleCount, Sev};

/// The page's severity for the engine's.
pub fn sev(s: Severity) -> Sev {
    match s {
        Severity::Error => Sev::Error,
        Severity::Warning => Sev::Warning,
        Severity::Info => Sev::Info,
    }
}

/// The name of a rule by code, from the engine's registry.
pub fn rule_name(code: &str) -> String {
    orgsync_core::rules().iter().find(|r| r.code == code).map(|r| r.name.to_string()).unwrap_or_default()
}

/// Builds what the page shows from a report.
pub fn report_view(report: &Report) -> ReportView {
    let flat: Vec<Flat> = report
        .findings
        .iter()
        .map(|f| Flat {
            code: f.code.to_string(),
            name: rule_name(f.code),
            severity: sev(f.severity),
            row: f.position.row,
            column: f.position.column.map(|c| c.saturating_sub(1) as u32),
            header: f.position.header.clone(),
            value: f.value.clone(),
            message: f.message.clone(),
            tip: f.tip.clone(),
            fix: f.fix.as_ref().map(|fix| FixView {
                kind: match fix.applicability {
                    Applicability::Safe => FixKind::Safe,
                    Applicability::Suggested => FixKind::Suggested,
                },
                after: fix.after.clone(),
            }),
        })
        .collect();
    let s = &report.summary;
    let rules = s
        .by_code
        .iter()
        .map(|(code, c)| RuleCount {
            code: code.clone(),
            name: rule_name(code),
            severity: c.severity.map(sev).unwrap_or(Sev::Info),
            count: c.count,
            safe: c.safe,
            suggested: c.suggested,
        })
        .collect();
    let a = &s.actions;
    let mut actions = vec![
        ActionLine { label: "Users named".into(), count: a.users },
        ActionLine { label: "Invitations (license set to Active)".into(), count: a.invitations },
        ActionLine { label: "Revocations (license set to Inactive)".into(), count: a.revocations },
    ];
    for (group, n) in &a.group_additions {
        actions.push(ActionLine { label: format!("Added to group “{group}”"), count: *n });
    }
    for (group, n) in &a.group_removals {
        actions.push(ActionLine { label: format!("Removed from group “{group}”"), count: *n });
    }
    for (perm, n) in &a.permission_grants {
        actions.push(ActionLine { label: format!("Granted {perm}"), count: *n });
    }
    for (perm, n) in &a.permission_removals {
        actions.push(ActionLine { label: format!("Removed {perm}"), count: *n });
    }
    if a.email_changes > 0 {
        actions.push(ActionLine { label: "Email changes".into(), count: a.email_changes });
    }
    if a.id_changes > 0 {
        actions.push(ActionLine { label: "User id changes".into(), count: a.id_changes });
    }
    let (grid, grid_total) = view::grid(&flat);
    let kept = report.findings.len() as u64;
    let f = &report.file;
    ReportView {
        file: FileFacts {
            name: f.name.clone().unwrap_or_default(),
            bytes: f.bytes,
            encoding: f.encoding.clone(),
            delimiter: f.delimiter.clone(),
            rows: f.rows,
            columns: f.columns as u64,
            kind: f.kind.clone(),
            headers: f.headers.clone(),
        },
        counts: Counts {
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            safe_fixes: s.safe_fixes,
            suggested_fixes: s.suggested_fixes,
        },
        actions,
        rules,
        groups: view::group(&flat),
        grid,
        grid_total,
        truncated: kept < s.errors + s.warnings + s.infos,
    }
}

/// The engine's fix options for the page's choices.
pub fn fix_options(choices: &FixChoices) -> orgsync_core::FixOptions {
    orgsync_core::FixOptions {
        safe_off: choices.safe_off.iter().cloned().collect(),
        suggested_on: choices.suggested_on.iter().cloned().collect(),
        all_suggested: choices.all_suggested,
    }
}

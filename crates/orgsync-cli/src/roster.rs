//! `--roster EXPORT.csv`: the account's current users, read from a user export, and the preview
//! of what the upload will do to them.

use crate::render::severity_label;
use crate::source::Source;
use crate::{Failure, Result};
use orgsync_core::words::{delimiter_name, plural};
use orgsync_core::{ChangeKind, Report, Roster, RosterReader};
use owo_colors::OwoColorize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `--roster` and `--preview` of `check` and `fix`: refuses a preview path that is an input,
/// then reads the export.
pub(crate) fn prepare(
    file: &Path,
    roster: Option<&PathBuf>,
    preview: Option<&PathBuf>,
) -> Result<Option<Arc<Roster>>> {
    check_paths(preview, &[file, roster.map_or(file, PathBuf::as_path)])?;
    load(roster)
}

/// Reads `--roster FILE` (any encoding or separator an input may have). An unreadable path is
/// a failure (exit 2); an export with problems is read as far as it goes, its problems reported
/// apart from the upload's.
fn load(path: Option<&PathBuf>) -> Result<Option<Arc<Roster>>> {
    let Some(path) = path else { return Ok(None) };
    if path.as_os_str() == "-" {
        return Err(Failure(
            "the user export cannot be standard input; give its path".to_string(),
        ));
    }
    let mut source = Source::new(path);
    let mut reader = RosterReader::new(Some(path.display().to_string()));
    source.read("Reading export", &mut |chunk| {
        reader.push(chunk);
        Ok(true)
    })?;
    Ok(Some(Arc::new(reader.finish())))
}

/// The export's own facts and problems, then the preview in words (human format).
pub(crate) fn human(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let Some(roster) = &report.roster else {
        return Ok(());
    };
    let file = roster.file();
    let name = file.name.as_deref().unwrap_or("the user export");
    let c = roster.counts();
    let problems = c.errors + c.warnings + c.infos;
    writeln!(
        out,
        "{} {name}: {}; {}{}, {} separated; {}",
        "Export:".bold(),
        plural(roster.users() as u64, "user", "users"),
        file.encoding,
        if file.bom { " with BOM" } else { "" },
        file.delimiter
            .chars()
            .next()
            .map_or("unknown", delimiter_name),
        if problems == 0 {
            "no problems".to_string()
        } else {
            plural(problems, "problem", "problems")
        }
    )?;
    for f in roster.findings().iter().take(10) {
        let sev = severity_label(f.severity);
        let at = f
            .row
            .map(|r| format!(" (export row {r})"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {sev}{} {}{at}: {}",
            format!("[{}]", f.code).bold(),
            f.code.rule().name.bold(),
            f.message
        )?;
    }
    if roster.findings().len() > 10 {
        writeln!(
            out,
            "  {}",
            format!("… and {} more", problems - 10).dimmed()
        )?;
    }
    let Some(p) = &report.preview else {
        if !roster.usable() {
            writeln!(
                out,
                "  {}",
                "The export could not be used: no comparison was made.".yellow()
            )?;
        }
        return Ok(());
    };
    let t = &p.totals;
    // Each kind of change in words, singular and plural, in display order.
    const WORDS: &[(ChangeKind, &str, &str)] = &[
        (ChangeKind::Invited, "new user invited", "new users invited"),
        (
            ChangeKind::Unassigned,
            "new user unassigned",
            "new users unassigned",
        ),
        (
            ChangeKind::LicenseAssigned,
            "license assigned",
            "licenses assigned",
        ),
        (
            ChangeKind::LicenseRevoked,
            "license revoked",
            "licenses revoked",
        ),
        (ChangeKind::GroupAdded, "group addition", "group additions"),
        (ChangeKind::GroupRemoved, "group removal", "group removals"),
        (
            ChangeKind::PermissionGranted,
            "permission granted",
            "permissions granted",
        ),
        (
            ChangeKind::PermissionRemoved,
            "permission removed",
            "permissions removed",
        ),
        (ChangeKind::EmailChanged, "email change", "email changes"),
        (ChangeKind::IdChanged, "id change", "id changes"),
        (
            ChangeKind::ProfileUpdated,
            "profile update",
            "profile updates",
        ),
        (ChangeKind::Deleted, "user deleted", "users deleted"),
        (
            ChangeKind::NotFound,
            "row naming nobody",
            "rows naming nobody",
        ),
        (
            ChangeKind::Conflict,
            "row naming two users",
            "rows naming two users",
        ),
        (ChangeKind::NoChange, "user unchanged", "users unchanged"),
        (ChangeKind::Untouched, "user untouched", "users untouched"),
    ];
    let parts: Vec<String> = WORDS
        .iter()
        .map(|&(kind, one, many)| (t.by_kind.get(&kind).copied().unwrap_or(0), one, many))
        .filter(|&(count, ..)| count > 0)
        .map(|(count, one, many)| plural(count, one, many))
        .collect();
    writeln!(
        out,
        "{} {}",
        "Preview:".bold(),
        if parts.is_empty() {
            "the upload changes nothing".to_string()
        } else {
            parts.join(", ")
        }
    )?;
    Ok(())
}

/// Refuses a `--preview` path that is the input or the export.
fn check_paths(preview: Option<&PathBuf>, others: &[&Path]) -> Result<()> {
    let Some(p) = preview else { return Ok(()) };
    for o in others {
        if let (Ok(a), Ok(b)) = (p.canonicalize(), o.canonicalize())
            && a == b
        {
            return Err(Failure(format!(
                "refusing to write {} over an input file; choose another preview name",
                p.display()
            )));
        }
    }
    Ok(())
}

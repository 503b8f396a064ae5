//! The preview: per user of the upload, the change it causes in the account; and the users the
//! upload leaves untouched.
//!
//! One line per change: a user whose row assigns a license and adds a group has two lines. The
//! check pass keeps the lines up to the findings cap per kind, with exact totals
//! ([`PreviewBuilder`]); the fix pass writes every line to the preview CSV ([`PreviewWriter`]).

use serde::Serialize;
use serde::ser::SerializeMap;
use std::collections::{BTreeMap, HashMap};

/// What an upload row does to one user (or what happens to a user the upload leaves out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A new user with an `Active` license: invited by email.
    Invited,
    /// A new user with no `Active` license: created as unassigned, no welcome email.
    Unassigned,
    /// A license the user does not have is assigned.
    LicenseAssigned,
    /// A license the user has is revoked (P002).
    LicenseRevoked,
    /// The user is added to a group.
    GroupAdded,
    /// The user is removed from a group.
    GroupRemoved,
    /// An admin permission is granted (or its groups change).
    PermissionGranted,
    /// An admin permission is removed.
    PermissionRemoved,
    /// The user's email address changes.
    EmailChanged,
    /// The user's `unique_user_id` changes.
    IdChanged,
    /// A name, title, custom attribute or profile value changes.
    ProfileUpdated,
    /// A deletion file removes the user.
    Deleted,
    /// A deletion, email-change or id-change row names nobody in the export: it does nothing.
    NotFound,
    /// The row's email and id are two different users (P004): the uploader cannot apply it.
    Conflict,
    /// The row still has an error in the corrected file: the uploader rejects it and changes
    /// nothing for its user (the fix pass's preview only).
    Rejected,
    /// An existing user the row changes in nothing (P005).
    NoChange,
    /// A user of the export no row names: the upload leaves them as they are.
    Untouched,
}

impl ChangeKind {
    /// Every kind, in display order.
    pub const ALL: &'static [ChangeKind] = &[
        ChangeKind::Invited,
        ChangeKind::Unassigned,
        ChangeKind::LicenseAssigned,
        ChangeKind::LicenseRevoked,
        ChangeKind::GroupAdded,
        ChangeKind::GroupRemoved,
        ChangeKind::PermissionGranted,
        ChangeKind::PermissionRemoved,
        ChangeKind::EmailChanged,
        ChangeKind::IdChanged,
        ChangeKind::ProfileUpdated,
        ChangeKind::Deleted,
        ChangeKind::NotFound,
        ChangeKind::Conflict,
        ChangeKind::Rejected,
        ChangeKind::NoChange,
        ChangeKind::Untouched,
    ];

    /// The kebab-case name used in every output (`license-revoked`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Invited => "invited",
            ChangeKind::Unassigned => "unassigned",
            ChangeKind::LicenseAssigned => "license-assigned",
            ChangeKind::LicenseRevoked => "license-revoked",
            ChangeKind::GroupAdded => "group-added",
            ChangeKind::GroupRemoved => "group-removed",
            ChangeKind::PermissionGranted => "permission-granted",
            ChangeKind::PermissionRemoved => "permission-removed",
            ChangeKind::EmailChanged => "email-changed",
            ChangeKind::IdChanged => "id-changed",
            ChangeKind::ProfileUpdated => "profile-updated",
            ChangeKind::Deleted => "deleted",
            ChangeKind::NotFound => "not-found",
            ChangeKind::Conflict => "conflict",
            ChangeKind::Rejected => "rejected",
            ChangeKind::NoChange => "no-change",
            ChangeKind::Untouched => "untouched",
        }
    }

    /// A short label for people (`License revoked`).
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Invited => "New user, invited",
            ChangeKind::Unassigned => "New user, unassigned",
            ChangeKind::LicenseAssigned => "License assigned",
            ChangeKind::LicenseRevoked => "License revoked",
            ChangeKind::GroupAdded => "Added to group",
            ChangeKind::GroupRemoved => "Removed from group",
            ChangeKind::PermissionGranted => "Permission granted",
            ChangeKind::PermissionRemoved => "Permission removed",
            ChangeKind::EmailChanged => "Email changed",
            ChangeKind::IdChanged => "Id changed",
            ChangeKind::ProfileUpdated => "Profile updated",
            ChangeKind::Deleted => "Deleted",
            ChangeKind::NotFound => "Not found",
            ChangeKind::Conflict => "Email and id disagree",
            ChangeKind::Rejected => "Rejected — no change",
            ChangeKind::NoChange => "No change",
            ChangeKind::Untouched => "Untouched",
        }
    }
}

impl std::str::FromStr for ChangeKind {
    type Err = String;

    fn from_str(s: &str) -> Result<ChangeKind, String> {
        ChangeKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| format!("`{s}` is not a kind of change"))
    }
}

/// One line of the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The upload's spreadsheet row; `None` for an untouched user of the export.
    pub row: Option<u64>,
    /// The user's email address (the row's, or the export's when the row names none).
    pub email: String,
    /// The user's `unique_user_id`, when known.
    pub unique_user_id: String,
    /// What changes.
    pub change: ChangeKind,
    /// The column of the upload behind the change (a license, a group, an attribute…).
    pub column: Option<String>,
    /// The value in the export (blank when the export has no such column).
    pub before: String,
    /// The value the upload sets.
    pub after: String,
}

/// Counts over the whole preview (exact, whatever the cap on listed lines).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviewTotals {
    /// Lines per kind of change.
    pub by_kind: BTreeMap<ChangeKind, u64>,
    /// Upload rows naming a user.
    pub rows: u64,
    /// Rows creating a user.
    pub new_users: u64,
    /// Rows naming an existing user.
    pub existing_users: u64,
    /// Rows changing an existing user in at least one way.
    pub changed: u64,
    /// Rows naming an existing user without changing anything.
    pub unchanged: u64,
    /// Rows whose email and id are two different users.
    pub conflicts: u64,
    /// Rows the uploader rejects: an error is left in the corrected file (the fix pass's
    /// preview only; the check pass's preview shows what each row asks for).
    pub rejected: u64,
    /// Users of the export no row names.
    pub untouched: u64,
    /// Users in the export.
    pub export_users: u64,
}

impl Serialize for PreviewTotals {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct ByKind<'a>(&'a BTreeMap<ChangeKind, u64>);
        impl Serialize for ByKind<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for k in ChangeKind::ALL {
                    if let Some(n) = self.0.get(k) {
                        m.serialize_entry(k.as_str(), n)?;
                    }
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(10))?;
        m.serialize_entry("export_users", &self.export_users)?;
        m.serialize_entry("rows", &self.rows)?;
        m.serialize_entry("new_users", &self.new_users)?;
        m.serialize_entry("existing_users", &self.existing_users)?;
        m.serialize_entry("changed", &self.changed)?;
        m.serialize_entry("unchanged", &self.unchanged)?;
        m.serialize_entry("conflicts", &self.conflicts)?;
        m.serialize_entry("rejected", &self.rejected)?;
        m.serialize_entry("untouched", &self.untouched)?;
        m.serialize_entry("by_kind", &ByKind(&self.by_kind))?;
        m.end()
    }
}

/// What the upload will do to the account's users, as the check pass found it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// Exact counts.
    pub totals: PreviewTotals,
    /// The lines, in row order then untouched users; capped per kind like findings.
    pub changes: Vec<Change>,
    /// Lines counted but not listed because of the cap.
    pub omitted: u64,
}

/// How a row's user was matched, for the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    New,
    Existing {
        changed: bool,
    },
    Conflict,
    NotFound,
    /// The row keeps an error: the uploader rejects it.
    Rejected,
}

/// A change as the comparison finds it, borrowing from the row and the export.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChangeRef<'a> {
    pub kind: ChangeKind,
    /// The upload's column (0-based).
    pub column: Option<usize>,
    pub before: &'a str,
    pub after: &'a str,
}

/// Who a row's changes are about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Who<'a> {
    pub row: Option<u64>,
    pub email: &'a str,
    pub id: &'a str,
}

/// Builds the [`Preview`] of the check pass.
#[derive(Debug, Default)]
pub(crate) struct PreviewBuilder {
    preview: Preview,
    headers: Vec<String>,
    kept: HashMap<ChangeKind, usize>,
    cap: Option<usize>,
}

impl PreviewBuilder {
    pub(crate) fn new(
        cap: Option<usize>,
        export_users: u64,
        headers: Vec<String>,
    ) -> PreviewBuilder {
        let mut b = PreviewBuilder {
            cap,
            headers,
            ..PreviewBuilder::default()
        };
        b.preview.totals.export_users = export_users;
        b
    }

    pub(crate) fn outcome(&mut self, o: Option<Outcome>) {
        let Some(o) = o else { return };
        let t = &mut self.preview.totals;
        t.rows += 1;
        match o {
            Outcome::New => t.new_users += 1,
            Outcome::Existing { changed } => {
                t.existing_users += 1;
                if changed {
                    t.changed += 1;
                } else {
                    t.unchanged += 1;
                }
            }
            Outcome::Conflict => t.conflicts += 1,
            Outcome::NotFound => {}
            Outcome::Rejected => t.rejected += 1,
        }
    }

    pub(crate) fn change(&mut self, who: Who<'_>, c: ChangeRef<'_>) {
        if c.kind == ChangeKind::Untouched {
            self.preview.totals.untouched += 1;
        }
        *self.preview.totals.by_kind.entry(c.kind).or_default() += 1;
        let kept = self.kept.entry(c.kind).or_default();
        if self.cap.is_some_and(|cap| *kept >= cap) {
            self.preview.omitted += 1;
            return;
        }
        *kept += 1;
        self.preview.changes.push(Change {
            row: who.row,
            email: who.email.to_string(),
            unique_user_id: who.id.to_string(),
            change: c.kind,
            column: c.column.and_then(|i| self.headers.get(i)).cloned(),
            before: c.before.to_string(),
            after: c.after.to_string(),
        });
    }

    pub(crate) fn finish(self) -> Preview {
        self.preview
    }
}

/// Writes the preview CSV of the fix pass: every line, cells guarded against formula injection.
#[derive(Debug, Default)]
pub(crate) struct PreviewWriter {
    started: bool,
    headers: Vec<String>,
}

impl PreviewWriter {
    pub(crate) fn new(headers: Vec<String>) -> PreviewWriter {
        PreviewWriter {
            started: false,
            headers,
        }
    }

    pub(crate) fn start(&mut self, out: &mut Vec<u8>) {
        if !self.started {
            self.started = true;
            crate::fixer::write_row(
                out,
                [
                    "row",
                    "email",
                    "unique_user_id",
                    "change",
                    "column",
                    "before",
                    "after",
                ],
            );
        }
    }

    pub(crate) fn change(&mut self, out: &mut Vec<u8>, who: Who<'_>, c: ChangeRef<'_>) {
        self.start(out);
        let row = who.row.map(|r| r.to_string()).unwrap_or_default();
        let column = c.column.and_then(|i| self.headers.get(i)).map_or("", |s| s);
        crate::fixer::write_row(
            out,
            [
                row.as_str(),
                who.email,
                who.id,
                c.kind.as_str(),
                column,
                c.before,
                c.after,
            ],
        );
    }
}

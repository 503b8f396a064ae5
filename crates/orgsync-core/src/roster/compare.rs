//! One upload row against the export: which user it names, rules P001–P005, and its changes.
//!
//! Matching follows the uploader: a row names the user with its email address (trimmed, any
//! case) or, where the upload has `unique_user_id`, with that id (trimmed, exact). When both
//! name users and they are two different users, the row is P004 and changes nothing. An
//! email-change file names users by `existing_email_address`; an id-change file by
//! `unique_user_id`; a deletion file by either of its columns.
//!
//! Values compare the way the uploader reads them: `Active`/`Inactive`, `yes`/`no` in any case;
//! a license counts as held in the export when its cell is `Active` (or `Activated`/`Invited`,
//! the statuses the admin center shows for a held license). A column the export does not have
//! cannot be compared: the row's value is taken as a change. Invalid values (`maybe`) are
//! findings of the R rules and change nothing here.
//!
//! Without the `roster` feature this module is compiled but unreachable (see `Compare::exists`).
#![cfg_attr(not(feature = "roster"), allow(dead_code, unused_imports))]

use super::preview::{ChangeKind, ChangeRef, Outcome, Who};
use super::{Key, Roster, trimmed};
use crate::finding::{Applicability, Fix};
use crate::header::{ColumnKind, EmailRole};
use crate::header::{FileKind, Header};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::Sink;
use crate::rules::cross::UPLOADER_TEXT;
use crate::summary::has_group_token;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    License,
    Group,
    Permission,
    GroupPermission,
    /// A profile value compared exactly (names, title, attributes, profile columns).
    Value,
    /// A value compared in any case (the manager's email).
    ValueCi,
}

/// The comparison set up for one upload header.
#[derive(Debug)]
pub(crate) struct Compare {
    roster: Arc<Roster>,
    kind: FileKind,
    /// Columns naming the user by email, in header order (the first non-blank counts).
    emails: Vec<usize>,
    id: Option<usize>,
    /// The new value of an email-change or id-change file.
    new_email: Option<usize>,
    new_id: Option<usize>,
    reupload: Option<usize>,
    /// Per action column of the upload: its action and the export's column, if any.
    actions: Vec<(usize, Action, Option<usize>)>,
    /// Users of the export some row named (a bit per user).
    touched: Vec<u64>,
    /// Without the `roster` feature no comparison exists (`Infallible` has no value): every
    /// `Option<Compare>` is then `None` as the compiler sees it, so it leaves the comparison and
    /// the preview out of the checker and the fixer (the JS API's default package).
    #[cfg(not(feature = "roster"))]
    #[allow(dead_code)]
    never: std::convert::Infallible,
}

/// Whom a row names.
#[derive(Debug, Clone, Copy)]
enum Status {
    /// No identifier (R001 says so): not compared.
    Skip,
    New,
    Existing(u32),
    Conflict {
        by_email: u32,
        by_id: u32,
    },
    NotFound,
}

#[derive(Debug)]
struct Resolved<'a> {
    status: Status,
    /// The column whose value named the user.
    column: Option<usize>,
    email: &'a str,
    id: &'a str,
}

impl Compare {
    /// Nothing: with the `roster` feature. Without it no `Compare` exists, and the methods that
    /// call this first are unreachable, which the compiler sees (it then drops them, and every
    /// path to them, from the checker and the fixer).
    #[inline(always)]
    fn exists(&self) {
        #[cfg(not(feature = "roster"))]
        match self.never {}
    }

    /// Never called without the `roster` feature: [`Roster::usable`] is then false.
    #[cfg(not(feature = "roster"))]
    pub(crate) fn new(_: Arc<Roster>, _: &Header) -> Compare {
        unreachable!("an export is never usable without the `roster` feature")
    }

    #[cfg(feature = "roster")]
    pub(crate) fn new(roster: Arc<Roster>, header: &Header) -> Compare {
        let kind = header.kind;
        let mut c = Compare {
            touched: vec![0; roster.users().div_ceil(64)],
            kind,
            emails: Vec::new(),
            id: None,
            new_email: None,
            new_id: None,
            reupload: None,
            actions: Vec::new(),
            roster,
        };
        for (i, col) in header.columns.iter().enumerate() {
            match &col.kind {
                ColumnKind::Email(EmailRole::Existing) if kind == FileKind::EmailChange => {
                    c.emails.push(i)
                }
                ColumnKind::Email(EmailRole::Invited) if kind == FileKind::EmailChange => {
                    c.new_email.get_or_insert(i);
                }
                ColumnKind::Email(EmailRole::Primary | EmailRole::Invited)
                    if kind != FileKind::EmailChange =>
                {
                    c.emails.push(i)
                }
                ColumnKind::UniqueUserId => {
                    c.id.get_or_insert(i);
                }
                ColumnKind::UniqueId if kind == FileKind::Deletion => {
                    c.id.get_or_insert(i);
                }
                ColumnKind::NewUniqueUserId => {
                    c.new_id.get_or_insert(i);
                }
                ColumnKind::Reupload => {
                    c.reupload.get_or_insert(i);
                }
                k => {
                    let action = match k {
                        ColumnKind::License { .. } => Action::License,
                        ColumnKind::Group { .. } => Action::Group,
                        ColumnKind::Permission(_) => Action::Permission,
                        ColumnKind::GroupPermission(_) => Action::GroupPermission,
                        ColumnKind::Email(EmailRole::Manager) => Action::ValueCi,
                        ColumnKind::FirstName
                        | ColumnKind::LastName
                        | ColumnKind::WorkTitle
                        | ColumnKind::Attribute { .. }
                        | ColumnKind::Profile(_) => Action::Value,
                        _ => continue,
                    };
                    let Some(key) = Key::of(&col.name, k) else {
                        continue;
                    };
                    // Two upload columns with one meaning (H004): the first one counts.
                    if c.actions.iter().any(|&(j, ..)| {
                        Key::of(&header.columns[j].name, &header.columns[j].kind).as_ref()
                            == Some(&key)
                    }) {
                        continue;
                    }
                    c.actions.push((i, action, c.roster.column(&key)));
                }
            }
        }
        c
    }

    /// Whom the row names.
    fn resolve<'a>(&self, row: &Row<'a>) -> Resolved<'a> {
        let r = &*self.roster;
        let (email_col, email) = self
            .emails
            .iter()
            .map(|&c| (Some(c), trimmed(row.cell(c))))
            .find(|(_, v)| !v.is_empty())
            .unwrap_or((None, ""));
        let id = self.id.map_or("", |c| trimmed(row.cell(c)));
        let mut res = Resolved {
            status: Status::Skip,
            column: email_col.or(self.id),
            email,
            id,
        };
        if email.is_empty() && id.is_empty() {
            return res;
        }
        let by_email = if email.is_empty() {
            None
        } else {
            r.by_email(&super::lowercase(email))
        };
        let by_id = if id.is_empty() { None } else { r.by_id(id) };
        res.status = match (by_email, by_id) {
            (Some(a), Some(b)) if a != b => {
                res.column = self.id;
                Status::Conflict {
                    by_email: a,
                    by_id: b,
                }
            }
            (Some(a), _) => Status::Existing(a),
            (None, Some(b)) => {
                res.column = self.id;
                Status::Existing(b)
            }
            (None, None) if self.kind == FileKind::Users => Status::New,
            (None, None) => Status::NotFound,
        };
        res
    }

    /// Whether the row's `reupload_user_profile` is `true`.
    fn reupload(&self, row: &Row<'_>) -> bool {
        self.reupload
            .is_some_and(|c| trimmed(row.cell(c)).eq_ignore_ascii_case("true"))
    }

    /// The row's changes to its user, `None` when it names no existing user.
    fn each_change<'a>(
        &'a self,
        row: &Row<'a>,
        res: &Resolved<'a>,
        f: &mut dyn FnMut(ChangeRef<'a>),
    ) {
        let r = &*self.roster;
        let user = match res.status {
            Status::Existing(u) => Some(u),
            Status::New => None,
            Status::Conflict { by_email, by_id } => {
                // The user the email names, and the user the id names.
                f(ChangeRef {
                    kind: ChangeKind::Conflict,
                    column: res.column,
                    before: r.email(by_email),
                    after: r.email(by_id),
                });
                return;
            }
            Status::NotFound => {
                f(ChangeRef {
                    kind: ChangeKind::NotFound,
                    column: res.column,
                    before: "",
                    after: "",
                });
                return;
            }
            Status::Skip => return,
        };
        if self.kind == FileKind::Deletion {
            f(ChangeRef {
                kind: ChangeKind::Deleted,
                column: res.column,
                before: user.map_or("", |u| r.email(u)),
                after: "",
            });
            return;
        }
        if user.is_none() {
            let invited = self.actions.iter().any(|&(c, a, _)| {
                a == Action::License && trimmed(row.cell(c)).eq_ignore_ascii_case("active")
            });
            f(ChangeRef {
                kind: if invited {
                    ChangeKind::Invited
                } else {
                    ChangeKind::Unassigned
                },
                column: res.column,
                before: "",
                after: if res.email.is_empty() {
                    res.id
                } else {
                    res.email
                },
            });
        }
        if let Some(u) = user {
            // The identifiers the row sets.
            let (new_email, email_col) = match self.kind {
                FileKind::EmailChange => (
                    self.new_email.map_or("", |c| trimmed(row.cell(c))),
                    self.new_email,
                ),
                _ => (res.email, self.emails.first().copied()),
            };
            let old_email = r.email(u);
            if !new_email.is_empty()
                && !old_email.is_empty()
                && !new_email.eq_ignore_ascii_case(old_email)
            {
                f(ChangeRef {
                    kind: ChangeKind::EmailChanged,
                    column: email_col,
                    before: old_email,
                    after: new_email,
                });
            }
            let (new_id, id_col) = match self.kind {
                FileKind::IdChange => (
                    self.new_id.map_or("", |c| trimmed(row.cell(c))),
                    self.new_id,
                ),
                _ => (res.id, self.id),
            };
            let old_id = r.id(u);
            if !new_id.is_empty()
                && new_id != old_id
                && (r.id_col.is_some() || self.kind == FileKind::IdChange)
            {
                f(ChangeRef {
                    kind: ChangeKind::IdChanged,
                    column: id_col,
                    before: old_id,
                    after: new_id,
                });
            }
        }
        for &(c, action, export_col) in &self.actions {
            let v = trimmed(row.cell(c));
            if v.is_empty() {
                continue;
            }
            let before = match (user, export_col) {
                (Some(u), Some(e)) => Some(r.cell(u, e)),
                // A new user has nothing yet.
                (None, _) => Some(""),
                // The export cannot tell: the row's value is the change.
                (Some(_), None) => None,
            };
            let b = before.unwrap_or("");
            let kind = match action {
                Action::License => {
                    let held = before.map(license_held);
                    if v.eq_ignore_ascii_case("active") && held != Some(true) {
                        ChangeKind::LicenseAssigned
                    } else if v.eq_ignore_ascii_case("inactive")
                        && held != Some(false)
                        && user.is_some()
                    {
                        ChangeKind::LicenseRevoked
                    } else {
                        continue;
                    }
                }
                Action::Group | Action::Permission => {
                    let has = before.map(|b| is_yes(b) || has_group_token(b));
                    let (add, remove) = if action == Action::Group {
                        (ChangeKind::GroupAdded, ChangeKind::GroupRemoved)
                    } else {
                        (ChangeKind::PermissionGranted, ChangeKind::PermissionRemoved)
                    };
                    if v.eq_ignore_ascii_case("yes") && has != Some(true) {
                        add
                    } else if v.eq_ignore_ascii_case("no") && has != Some(false) && user.is_some() {
                        remove
                    } else {
                        continue;
                    }
                }
                Action::GroupPermission => {
                    let has = before.map(|b| is_yes(b) || has_group_token(b));
                    if v.eq_ignore_ascii_case("no") {
                        if has != Some(false) && user.is_some() {
                            ChangeKind::PermissionRemoved
                        } else {
                            continue;
                        }
                    } else if v.eq_ignore_ascii_case("yes") || has_group_token(v) {
                        if before.is_some_and(|b| same_tokens(b, v)) {
                            continue;
                        }
                        ChangeKind::PermissionGranted
                    } else {
                        continue;
                    }
                }
                Action::Value | Action::ValueCi => {
                    if user.is_none() {
                        // A new user's profile values are part of creating them.
                        continue;
                    }
                    let same = before.is_some_and(|b| {
                        if action == Action::ValueCi {
                            b.eq_ignore_ascii_case(v)
                        } else {
                            b == v
                        }
                    });
                    if same {
                        continue;
                    }
                    ChangeKind::ProfileUpdated
                }
            };
            f(ChangeRef {
                kind,
                column: Some(c),
                before: b,
                after: v,
            });
        }
    }

    /// Rules P001–P005 on one row. Pure: the fix pass calls it again after applying fixes.
    pub(crate) fn findings(&self, row: &Row<'_>, sink: &mut Sink<'_>) {
        self.exists();
        if row.is_blank() {
            return;
        }
        let res = self.resolve(row);
        let mut changes = Vec::new();
        self.each_change(row, &res, &mut |c| changes.push(c));
        self.findings_of(row, &res, &changes, sink);
    }

    /// The P findings of a resolved row whose changes are known.
    fn findings_of(
        &self,
        row: &Row<'_>,
        res: &Resolved<'_>,
        changes: &[ChangeRef<'_>],
        sink: &mut Sink<'_>,
    ) {
        let r = &*self.roster;
        match res.status {
            Status::Skip | Status::NotFound => {}
            Status::Conflict { by_email, by_id } => {
                let who = |u: u32| {
                    let e = r.email(u);
                    let id = r.id(u);
                    let name = if e.is_empty() { id } else { e };
                    format!("{name} (row {} of the user export)", r.row(u))
                };
                sink(row.finding(
                    Code::P004,
                    res.column,
                    format!(
                        "The email address on this row belongs to {} but its unique_user_id belongs to {}: the uploader cannot tell which user this row is about.",
                        who(by_email),
                        who(by_id)
                    ),
                    "Find out which person the row means and correct the email address or the unique_user_id so both name that person.",
                ));
            }
            Status::New => {
                let mut revoking = false;
                let mut invited = false;
                for &(c, a, _) in &self.actions {
                    if a == Action::License {
                        let v = trimmed(row.cell(c));
                        invited |= v.eq_ignore_ascii_case("active");
                        revoking |= v.eq_ignore_ascii_case("inactive");
                    }
                }
                let how = if invited {
                    "invites them by email (a license is Active)"
                } else if revoking {
                    "creates them as Unassigned, with no welcome email (the license is Inactive)"
                } else {
                    "creates them as Unassigned, with no welcome email (no license is Active)"
                };
                let message = if res.email.is_empty() {
                    "No user in the export has this unique_user_id and the row has no email address: the upload adds a new user that cannot be sent an invitation.".to_string()
                } else {
                    format!(
                        "No user in the export has this email address: the upload adds a new user and {how}."
                    )
                };
                sink(row.finding(
                    Code::P001,
                    res.column,
                    message,
                    "If this person already has an account under another address, use that address instead (or change it with an email-change file first).",
                ));
                if !res.email.is_empty() && !self.reupload(row) {
                    self.duplicate_profile(row, res, sink);
                }
            }
            Status::Existing(u) => {
                if self.kind == FileKind::Deletion {
                    return;
                }
                let any = !changes.is_empty();
                let revoked = changes
                    .iter()
                    .filter(|c| c.kind == ChangeKind::LicenseRevoked)
                    .map(|c| (c.column.unwrap_or(0), c.before));
                let name = if r.email(u).is_empty() {
                    r.id(u)
                } else {
                    r.email(u)
                };
                for (c, before) in revoked {
                    let message = if before.is_empty() {
                        format!(
                            "This row sets the license to Inactive for {name}, an existing user; the export has no such license column, so they may hold it: the upload would revoke it."
                        )
                    } else {
                        format!(
                            "This row sets the license to Inactive for {name}, whose license is {before} in the user export: the upload revokes it and they lose access."
                        )
                    };
                    sink(row.finding(
                        Code::P002,
                        Some(c),
                        message,
                        "If they should keep the license, leave the cell blank (blank changes nothing) or write Active.",
                    ));
                }
                if !any {
                    let message = match self.kind {
                        FileKind::EmailChange => format!(
                            "{name} already has the email address this row gives, and everything else it sets: uploading it changes nothing for them."
                        ),
                        FileKind::IdChange => format!(
                            "{name} already has the unique_user_id this row gives, and everything else it sets: uploading it changes nothing for them."
                        ),
                        _ => format!(
                            "{name} already has every license, group, permission and value this row sets: uploading it changes nothing for them."
                        ),
                    };
                    sink(row.finding(
                        Code::P005,
                        res.column,
                        message,
                        "Nothing to fix. You may leave the row out to keep the upload small and its report short.",
                    ));
                }
            }
        }
    }

    /// P003: a new user's address looks like an existing user's.
    fn duplicate_profile(&self, row: &Row<'_>, res: &Resolved<'_>, sink: &mut Sink<'_>) {
        let r = &*self.roster;
        let lowered = super::lowercase(res.email);
        let Some((u, across)) = r.similar(&lowered) else {
            return;
        };
        let reason = if across {
            "the same name before the @ on two of your organisation's domains, ignoring dots, +tags and case"
        } else {
            "the same after ignoring dots, +tags and case"
        };
        let message = format!(
            "This new user's email address looks like {}, an existing user (row {} of the user export): {reason}. The uploader will refuse the row with \"Duplicate Profile Error: {UPLOADER_TEXT}\"",
            r.email(u),
            r.row(u)
        );
        let fixable = self.reupload.filter(|&c| trimmed(row.cell(c)).is_empty());
        let tip = match (fixable.is_some(), self.reupload.is_some()) {
            (true, _) => {
                "If this is the existing user, use their address; if they are different people, set reupload_user_profile to true on this row (the suggested fix does)."
            }
            (false, true) => {
                "If this is the existing user, use their address; if they are different people, set reupload_user_profile to true on this row."
            }
            (false, false) => {
                "If this is the existing user, use their address; if they are different people, add a column headed reupload_user_profile and set it to true on this row."
            }
        };
        let mut f = row.finding(Code::P003, res.column, message, tip);
        if let Some(c) = fixable {
            f = row.finding(Code::P003, Some(c), f.message, f.tip);
            f = f.fix(Fix::set_cell(Applicability::Suggested, row.cell(c), "true"));
        }
        sink(f);
    }

    /// The row's P findings and its changes for the preview, from one comparison; marks its
    /// user as named. Call once per row. Returns how the row's user was matched (`None`: the
    /// row names nobody).
    pub(crate) fn observe(
        &mut self,
        row: &Row<'_>,
        sink: &mut Sink<'_>,
        emit: &mut dyn FnMut(Who<'_>, ChangeRef<'_>),
    ) -> Option<Outcome> {
        self.exists();
        if row.is_blank() {
            return None;
        }
        let res = self.resolve(row);
        let named: [Option<u32>; 2] = match res.status {
            Status::Skip => return None,
            Status::Existing(u) => [Some(u), None],
            Status::Conflict { by_email, by_id } => [Some(by_email), Some(by_id)],
            _ => [None, None],
        };
        for u in named.into_iter().flatten() {
            if let Some(w) = self.touched.get_mut(u as usize / 64) {
                *w |= 1 << (u % 64);
            }
        }
        let this = &*self;
        let mut changes = Vec::new();
        this.each_change(row, &res, &mut |c| changes.push(c));
        this.findings_of(row, &res, &changes, sink);
        let who = Who {
            row: Some(row.row),
            email: res.email,
            id: res.id,
        };
        let any = !changes.is_empty();
        for c in changes {
            emit(who, c);
        }
        if !any && matches!(res.status, Status::Existing(_)) {
            emit(
                who,
                ChangeRef {
                    kind: ChangeKind::NoChange,
                    column: None,
                    before: "",
                    after: "",
                },
            );
        }
        Some(match res.status {
            Status::New => Outcome::New,
            Status::Existing(_) if this.kind == FileKind::Deletion => {
                Outcome::Existing { changed: true }
            }
            Status::Existing(_) => Outcome::Existing { changed: any },
            Status::Conflict { .. } => Outcome::Conflict,
            _ => Outcome::NotFound,
        })
    }

    /// The users no row named, for the preview's end.
    pub(crate) fn untouched(&self, emit: &mut dyn FnMut(Who<'_>, ChangeRef<'_>)) {
        self.exists();
        let r = &*self.roster;
        for u in 0..r.users() as u32 {
            let named = self
                .touched
                .get(u as usize / 64)
                .is_some_and(|w| w & (1 << (u % 64)) != 0);
            if named {
                continue;
            }
            emit(
                Who {
                    row: None,
                    email: r.email(u),
                    id: r.id(u),
                },
                ChangeRef {
                    kind: ChangeKind::Untouched,
                    column: None,
                    before: "",
                    after: "",
                },
            );
        }
    }
}

fn license_held(v: &str) -> bool {
    ["active", "activated", "invited"]
        .iter()
        .any(|s| v.eq_ignore_ascii_case(s))
}

fn is_yes(v: &str) -> bool {
    v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("true")
}

/// Whether two group-permission cells name the same groups (any order, case, separators).
fn same_tokens(a: &str, b: &str) -> bool {
    fn tokens(v: &str) -> Vec<String> {
        let lower = crate::case::lower(v);
        let mut t: Vec<String> = lower
            .split("group:")
            .map(|s| {
                s.trim_matches(|c: char| c.is_whitespace() || c == ';')
                    .to_string()
            })
            .filter(|s| !s.is_empty())
            .collect();
        t.sort();
        t.dedup();
        t
    }
    if is_yes(a) || is_yes(b) {
        return is_yes(a) && is_yes(b);
    }
    tokens(a) == tokens(b)
}

//! The action summary: what the file asks the uploader to do, counted per column — the "what
//! will this upload do" view.
//!
//! In the JSON report it is `summary.actions`:
//!
//! ```json
//! {
//!   "users": 120,
//!   "licenses": {"acme_license_learning_status": {"assign": 100, "revoke": 3}},
//!   "groups": {"Sales": {"add": 40, "remove": 2}},
//!   "permissions": {
//!     "permission_manage_custom_content": {"grant": 2, "remove": 0},
//!     "group_permission_view_reports": {"grant": 1, "remove": 0}
//!   },
//!   "email_changes": 0,
//!   "id_changes": 0,
//!   "reupload_profiles": 1
//! }
//! ```
//!
//! - `users`: rows naming a user (a non-blank `primary_email_address`, `invited_email_address`,
//!   `existing_email_address`, `unique_user_id`, or in a deletion file `unique_id`).
//! - `licenses`: per license column (its header as H001/H002 would correct it), rows that assign
//!   (`Active`) and revoke (`Inactive`) the license.
//! - `groups`: per `group:` column, keyed by the group's name, rows adding (`yes`) and removing
//!   (`no`) members.
//! - `permissions`: per `permission_*` and `group_permission_*` column, rows granting (`yes`, or
//!   one or more `group:<name>` tokens) and removing (`no`) the permission.
//! - `email_changes` / `id_changes`: rows of an email-change or id-change file whose new value
//!   differs from the current one.
//! - `reupload_profiles`: rows with `reupload_user_profile` = `true`.
//!
//! Values count the way the corrected file reads them: any case, surrounding spaces ignored
//! (`ACTIVE ` assigns). Other values (`y`, `maybe`) are findings, not actions, and are not
//! counted. Maps are sorted by key, so the JSON is stable; two columns with the same header add
//! up. Counting is a few byte comparisons per action cell; nothing is allocated per row.

use crate::header::ColumnKind;
use crate::header::FileKind;
use crate::row::Row;
use crate::rules::RuleInput;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// Rows adding and removing one thing (a license, a group membership, a permission).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rows that assign the license, add to the group, or grant the permission.
    pub add: u64,
    /// Rows that revoke the license, remove from the group, or remove the permission.
    pub remove: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    License,
    Group,
    Permission,
    GroupPermission,
}

/// What a column's cells count for.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// A non-blank cell names a user.
    Identifier,
    /// An action: the index of its tally in `slots`.
    Slot(u32),
}

#[derive(Debug, Clone)]
struct Slot {
    kind: Kind,
    name: String,
    tally: Tally,
}

/// A part checker's action counts, read back (see `crate::split`).
#[derive(Debug)]
pub(crate) struct PartActions {
    counts: [u64; 4],
    slots: Vec<Tally>,
}

/// What the file asks for. See the module documentation for the JSON shape.
#[derive(Debug, Clone, Default)]
pub struct Actions {
    users: u64,
    email_changes: u64,
    id_changes: u64,
    reupload: u64,
    /// Rows creating a user, when the file was compared with a user export.
    pub(crate) new_users: Option<u64>,
    ready: bool,
    slots: Vec<Slot>,
    /// The columns counted per row, ascending, with their part.
    cells: Vec<(usize, Part)>,
    change: Option<(usize, usize, bool)>,
    reupload_column: Option<usize>,
}

/// The cell without surrounding spaces; most cells have none, and that is checked first.
fn value(cell: &str) -> &str {
    let b = cell.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

impl Actions {
    fn prepare(&mut self, ctx: &RuleInput<'_>) {
        self.ready = true;
        let h = ctx.header;
        for (i, c) in h.columns.iter().enumerate() {
            let (kind, name) = match &c.kind {
                ColumnKind::License { .. } => (Kind::License, c.name.clone()),
                ColumnKind::Group { name } => (Kind::Group, name.clone()),
                ColumnKind::Permission(_) => (Kind::Permission, c.name.clone()),
                ColumnKind::GroupPermission(_) => (Kind::GroupPermission, c.name.clone()),
                ColumnKind::Reupload => {
                    self.reupload_column.get_or_insert(i);
                    continue;
                }
                k if k.is_identifier() => {
                    if h.kind == FileKind::Deletion || *k != ColumnKind::UniqueId {
                        self.cells.push((i, Part::Identifier));
                    }
                    continue;
                }
                _ => continue,
            };
            self.cells.push((i, Part::Slot(self.slots.len() as u32)));
            self.slots.push(Slot {
                kind,
                name,
                tally: Tally::default(),
            });
        }
        use crate::header::EmailRole;
        self.change = match h.kind {
            FileKind::EmailChange => h
                .find(&ColumnKind::Email(EmailRole::Existing))
                .zip(h.find(&ColumnKind::Email(EmailRole::Invited)))
                .map(|(a, b)| (a, b, true)),
            FileKind::IdChange => h
                .find(&ColumnKind::UniqueUserId)
                .zip(h.find(&ColumnKind::NewUniqueUserId))
                .map(|(a, b)| (a, b, false)),
            _ => None,
        };
    }

    /// Counts one data row: one pass over the columns that matter, each cell dispatched on its
    /// column's part in [`Actions::cells`]. `clean`: every cell took the row rules' fast path
    /// (see [`Actions::observe_clean`]).
    pub(crate) fn observe(&mut self, ctx: &RuleInput<'_>, row: &Row<'_>, clean: bool) {
        if !self.ready {
            self.prepare(ctx);
        }
        if row.is_blank() {
            return;
        }
        if clean && self.change.is_none() {
            self.observe_clean(row);
            return;
        }
        let text = row.text;
        let ends = row.ends;
        let mut identified = false;
        for &(column, part) in &self.cells {
            if identified && matches!(part, Part::Identifier) {
                continue;
            }
            let Some(&end) = ends.get(column) else {
                break;
            };
            // Column 0 starts at 0 (`get` of `usize::MAX` is `None`).
            let start = ends.get(column.wrapping_sub(1)).copied().unwrap_or(0);
            if start == end {
                continue;
            }
            let Some(bytes) = text.as_bytes().get(start..end) else {
                continue;
            };
            match part {
                // A cell that starts with a visible character is not blank.
                Part::Identifier => {
                    identified = identified
                        || bytes.first().is_some_and(u8::is_ascii_graphic)
                        || !value(text.get(start..end).unwrap_or_default()).is_empty();
                }
                Part::Slot(k) => {
                    let Some(slot) = self.slots.get_mut(k as usize) else {
                        continue;
                    };
                    // The exact spellings the row rules' fast path accepts were counted there
                    // (`rules::row::Memo::tally`, added up by `absorb`).
                    let license = slot.kind == Kind::License;
                    let yes_no = matches!(slot.kind, Kind::Group | Kind::Permission);
                    let (on, off) = match bytes.len() {
                        6 if license && exact(bytes, b"Active") => continue,
                        8 if license && exact(bytes, b"Inactive") => continue,
                        3 if yes_no && exact(bytes, b"yes") => continue,
                        2 if yes_no && exact(bytes, b"no") => continue,
                        _ => {
                            let kind = slot.kind;
                            let v = value(text.get(start..end).unwrap_or_default());
                            match kind {
                                Kind::License => (is(v, "Active"), is(v, "Inactive")),
                                Kind::Group | Kind::Permission => (is(v, "yes"), is(v, "no")),
                                Kind::GroupPermission => {
                                    (is(v, "yes") || has_group_token(v), is(v, "no"))
                                }
                            }
                        }
                    };
                    slot.tally.add += u64::from(on);
                    slot.tally.remove += u64::from(off);
                }
            }
        }
        self.users += u64::from(identified);
        if let Some((current, new, email)) = self.change {
            let (a, b) = (value(row.cell(current)), value(row.cell(new)));
            let differs = if email {
                !a.eq_ignore_ascii_case(b)
            } else {
                a != b
            };
            if !a.is_empty() && !b.is_empty() && differs {
                if email {
                    self.email_changes += 1;
                } else {
                    self.id_changes += 1;
                }
            }
        }
        if let Some(c) = self.reupload_column
            && value(row.cell(c)).eq_ignore_ascii_case("true")
        {
            self.reupload += 1;
        }
    }

    /// [`Actions::observe`] for a clean row: the row rules' fast path accepted every non-empty
    /// cell, so its license, group and permission cells were counted there (see
    /// [`Actions::absorb`]), the `group_permission_*` and `reupload_user_profile` cells (never
    /// on the fast path) are empty, and a non-empty identifier starts with a visible
    /// character: only whether the row names a user is left to count.
    fn observe_clean(&mut self, row: &Row<'_>) {
        let ends = row.ends;
        for &(column, part) in &self.cells {
            if !matches!(part, Part::Identifier) {
                continue;
            }
            let Some(&end) = ends.get(column) else {
                break;
            };
            let start = match column.checked_sub(1) {
                Some(p) => ends.get(p).copied().unwrap_or(0),
                None => 0,
            };
            if end != start {
                self.users += 1;
                return;
            }
        }
    }

    /// Adds the action cells the row rules' fast path counted, per column (`[0]` adds, `[1]`
    /// removes): every row's `Active`, `Inactive`, `yes` and `no` cells written exactly so,
    /// which [`Actions::observe`] skips.
    pub(crate) fn absorb(&mut self, tally: &[[u64; 2]]) {
        for &(column, part) in &self.cells {
            if let (Part::Slot(k), Some(t)) = (part, tally.get(column))
                && let Some(slot) = self.slots.get_mut(k as usize)
            {
                slot.tally.add += t[0];
                slot.tally.remove += t[1];
            }
        }
    }

    /// Writes a part checker's counts (see `crate::split`).
    pub(crate) fn write_part(&self, w: &mut crate::wire::Writer) {
        for v in [
            self.users,
            self.email_changes,
            self.id_changes,
            self.reupload,
        ] {
            w.u64(v);
        }
        w.usize(self.slots.len());
        for s in &self.slots {
            w.u64(s.tally.add);
            w.u64(s.tally.remove);
        }
    }

    /// Reads what [`Actions::write_part`] wrote.
    pub(crate) fn read_part(
        r: &mut crate::wire::Reader<'_>,
    ) -> Result<PartActions, crate::wire::Damaged> {
        let counts = [r.u64()?, r.u64()?, r.u64()?, r.u64()?];
        let mut slots = Vec::new();
        for _ in 0..r.usize()? {
            slots.push(Tally {
                add: r.u64()?,
                remove: r.u64()?,
            });
        }
        Ok(PartActions { counts, slots })
    }

    /// Whether a part's counts fit this file's action columns.
    pub(crate) fn fits(&mut self, ctx: &RuleInput<'_>, p: &PartActions) -> bool {
        if !self.ready {
            self.prepare(ctx);
        }
        p.slots.is_empty() || p.slots.len() == self.slots.len()
    }

    /// Adds a part's counts (after [`Actions::fits`]).
    pub(crate) fn add_part(&mut self, p: &PartActions) {
        let [users, email_changes, id_changes, reupload] = p.counts;
        self.users += users;
        self.email_changes += email_changes;
        self.id_changes += id_changes;
        self.reupload += reupload;
        for (s, t) in self.slots.iter_mut().zip(&p.slots) {
            s.tally.add += t.add;
            s.tally.remove += t.remove;
        }
    }

    /// Rows that name a user.
    pub fn users(&self) -> u64 {
        self.users
    }

    /// Rows changing a user's email address (email-change files).
    pub fn email_changes(&self) -> u64 {
        self.email_changes
    }

    /// Rows changing a user's `unique_user_id` (id-change files).
    pub fn id_changes(&self) -> u64 {
        self.id_changes
    }

    /// Rows with `reupload_user_profile` = `true`.
    pub fn reupload_profiles(&self) -> u64 {
        self.reupload
    }

    /// Rows creating a user, when the file was compared with a user export (`None` without).
    pub fn new_users(&self) -> Option<u64> {
        self.new_users
    }

    fn map(&self, kinds: &[Kind]) -> BTreeMap<String, Tally> {
        let mut m: BTreeMap<String, Tally> = BTreeMap::new();
        for s in self.slots.iter().filter(|s| kinds.contains(&s.kind)) {
            let t = m.entry(s.name.clone()).or_default();
            t.add += s.tally.add;
            t.remove += s.tally.remove;
        }
        m
    }

    /// Per license column (corrected header): rows assigning (`add`) and revoking (`remove`).
    pub fn licenses(&self) -> BTreeMap<String, Tally> {
        self.map(&[Kind::License])
    }

    /// Per group name: rows adding (`add`) and removing (`remove`) members.
    pub fn groups(&self) -> BTreeMap<String, Tally> {
        self.map(&[Kind::Group])
    }

    /// Per permission column: rows granting (`add`) and removing (`remove`) it.
    pub fn permissions(&self) -> BTreeMap<String, Tally> {
        self.map(&[Kind::Permission, Kind::GroupPermission])
    }
}

/// Whether `b` is `lit`, compared byte by byte (no call to `memcmp` for a few bytes).
#[inline(always)]
fn exact<const N: usize>(b: &[u8], lit: &[u8; N]) -> bool {
    b.len() == N && b.iter().zip(lit).all(|(x, y)| x == y)
}

/// Whether the value is `canonical` in any case; the exact spelling, by far the most common,
/// is compared first.
fn is(v: &str, canonical: &str) -> bool {
    v == canonical || v.eq_ignore_ascii_case(canonical)
}

/// Whether a `group_permission_*` cell names at least one group (`group:Sales`).
pub(crate) fn has_group_token(v: &str) -> bool {
    v.as_bytes()
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"group:"))
}

/// A tally under the words of its section.
struct Named(Tally, &'static str, &'static str);

impl Serialize for Named {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry(self.1, &self.0.add)?;
        m.serialize_entry(self.2, &self.0.remove)?;
        m.end()
    }
}

struct Section(BTreeMap<String, Tally>, &'static str, &'static str);

impl Serialize for Section {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, t) in &self.0 {
            m.serialize_entry(k, &Named(*t, self.1, self.2))?;
        }
        m.end()
    }
}

impl Serialize for Actions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("users", &self.users)?;
        m.serialize_entry("licenses", &Section(self.licenses(), "assign", "revoke"))?;
        m.serialize_entry("groups", &Section(self.groups(), "add", "remove"))?;
        m.serialize_entry(
            "permissions",
            &Section(self.permissions(), "grant", "remove"),
        )?;
        m.serialize_entry("email_changes", &self.email_changes)?;
        m.serialize_entry("id_changes", &self.id_changes)?;
        m.serialize_entry("reupload_profiles", &self.reupload)?;
        if let Some(n) = self.new_users {
            m.serialize_entry("new_users", &n)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, check};

    fn actions(csv: &str) -> serde_json::Value {
        let report = check(csv.as_bytes(), Options::default());
        let json: serde_json::Value = serde_json::from_str(&report.to_json(false)).unwrap();
        json["summary"]["actions"].clone()
    }

    #[test]
    fn counts_every_kind_of_action() {
        let a = actions(
            "primary_email_address,unique_user_id,acme_license_learning_status,group:Sales,group:Engineering,permission_manage_custom_content,group_permission_view_reports,reupload_user_profile\r\n\
             jane@acme.com,E1,Active,yes,no,yes,group:Sales group:Engineering,true\r\n\
             john@acme.com,,ACTIVE ,yes,,no,no,\r\n\
             ,E3,Inactive,,yes,,yes,\r\n\
             ,,Inactive,no,,,,\r\n\
             mary@acme.com,,maybe,y,,,,\r\n\
             ,,,,,,,\r\n",
        );
        assert_eq!(
            a,
            serde_json::json!({
                "users": 4,
                "licenses": {"acme_license_learning_status": {"assign": 2, "revoke": 2}},
                "groups": {"Engineering": {"add": 1, "remove": 1}, "Sales": {"add": 2, "remove": 1}},
                "permissions": {
                    "group_permission_view_reports": {"grant": 2, "remove": 1},
                    "permission_manage_custom_content": {"grant": 1, "remove": 1}
                },
                "email_changes": 0,
                "id_changes": 0,
                "reupload_profiles": 1
            })
        );
    }

    #[test]
    fn counts_changes() {
        let a = actions(
            "existing_email_address,invited_email_address\r\n\
             jane@old.com,jane@new.com\r\n\
             john@old.com,JOHN@old.com\r\n\
             mary@old.com,\r\n",
        );
        assert_eq!(a["email_changes"], 2 - 1);
        assert_eq!(a["users"], 3);
        let a = actions("unique_user_id,new_unique_user_id\r\nE1,N1\r\nE2,E2\r\nE3,N3\r\n");
        assert_eq!(a["id_changes"], 2);
    }

    #[test]
    fn empty_summary_for_a_file_without_actions() {
        let a = actions("primary_email_address\r\njane@acme.com\r\n");
        assert_eq!(
            a,
            serde_json::json!({"users": 1, "licenses": {}, "groups": {}, "permissions": {},
                "email_changes": 0, "id_changes": 0, "reupload_profiles": 0})
        );
    }
}

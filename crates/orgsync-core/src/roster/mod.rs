//! The account's current users, read from a user export (the admin center's "Download all
//! users"), and what an upload would do to them: rules P001–P005 and the preview.
//!
//! The export is read by the same pipeline as any input (BOM, UTF-16, Windows-1252, `;` or tab
//! separators, its own header forms such as `invited_email_address`); its problems are its own
//! findings, in [`Roster::findings`], never mixed with the upload's.
//!
//! Memory: per user, the export row's known cells in one text arena (unknown columns are not
//! kept) and four small indexes (email, id, and the two similarity keys of P003). A 200k-user
//! export takes a few tens of MiB.

mod compare;
mod preview;
#[cfg(test)]
mod tests;

pub(crate) use compare::Compare;
pub use preview::{Change, ChangeKind, Preview, PreviewTotals};
pub(crate) use preview::{ChangeRef, Outcome, PreviewBuilder, PreviewWriter, Who};

use crate::engine::{Cut, Handler, Pipeline};
use crate::finding::Finding;
use crate::header::{ColumnKind, EmailRole, GroupPermission, Permission, Profile};
use crate::header::{FileKind, Header};
use crate::input::Sniffed;
use crate::options::Options;
use crate::registry::{Code, Severity};
use crate::report::FileInfo;
use crate::row::Row;
use crate::rules::{self, RuleInput};
use serde::Serialize;
use serde::ser::SerializeStruct;
use std::collections::{BTreeMap, HashMap};

/// The indexes' hasher: the engine's wyhash over the key's bytes. SipHash, the standard map's
/// default, took a fifth of the time of reading a 200k-user export. The keys come from the
/// admin's own export, so hash flooding is not a threat worth SipHash's cost here.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = (self.0 ^ crate::hash::hash(bytes, false)).rotate_left(29);
    }

    fn write_u8(&mut self, i: u8) {
        // `str`'s terminator: the bytes' hash already covers the length.
        self.0 ^= u64::from(i);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Index = HashMap<Box<str>, u32, std::hash::BuildHasherDefault<KeyHasher>>;

/// Findings about the export kept per code; counts stay exact beyond it.
const MAX_FINDINGS_PER_CODE: usize = 1000;

/// What a column of the export or of the upload stands for, so the two can be paired whatever
/// the order, case or spacing of their headers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// `primary_email_address` or `invited_email_address`.
    Email,
    Id,
    FirstName,
    LastName,
    WorkTitle,
    ManagerEmail,
    /// The license header, lowercased (the account's names inside keep no case for matching).
    License(String),
    /// The group's name, trimmed and lowercased: the uploader compares group names so.
    Group(String),
    /// The attribute's corrected header.
    Attribute(String),
    Permission(Permission),
    GroupPermission(GroupPermission),
    Profile(Profile),
}

impl Key {
    pub(crate) fn of(name: &str, kind: &ColumnKind) -> Option<Key> {
        Some(match kind {
            ColumnKind::Email(EmailRole::Primary | EmailRole::Invited) => Key::Email,
            ColumnKind::Email(EmailRole::Manager) => Key::ManagerEmail,
            ColumnKind::UniqueUserId => Key::Id,
            ColumnKind::FirstName => Key::FirstName,
            ColumnKind::LastName => Key::LastName,
            ColumnKind::WorkTitle => Key::WorkTitle,
            ColumnKind::License { .. } => Key::License(crate::case::lower(name)),
            ColumnKind::Group { name } => Key::Group(crate::case::lower(name.trim())),
            ColumnKind::Attribute { .. } => Key::Attribute(name.to_string()),
            ColumnKind::Permission(p) => Key::Permission(*p),
            ColumnKind::GroupPermission(p) => Key::GroupPermission(*p),
            ColumnKind::Profile(p) => Key::Profile(*p),
            _ => return None,
        })
    }
}

/// Counts over the export's findings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RosterCounts {
    /// Error findings.
    pub errors: u64,
    /// Warning findings.
    pub warnings: u64,
    /// Info findings.
    pub infos: u64,
    /// Findings per code.
    #[serde(serialize_with = "by_code")]
    pub by_code: BTreeMap<Code, u64>,
    /// Findings counted but not kept (over 1,000 of one code).
    pub omitted: u64,
}

fn by_code<S: serde::Serializer>(m: &BTreeMap<Code, u64>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(k, v)| (k.as_str(), v)))
}

/// The account's current users, as a user export lists them.
///
/// ```
/// use orgsync_core::{Options, Roster, check};
/// use std::sync::Arc;
/// let roster = Roster::read(
///     b"invited_email_address,acme_license_learning_status\r\njane@acme.com,Active\r\n",
///     Some("users.csv".into()),
/// );
/// assert_eq!(roster.users(), 1);
/// let options = Options { roster: Some(Arc::new(roster)), ..Options::default() };
/// let report = check(
///     b"primary_email_address,acme_license_learning_status\r\njane@acme.com,Inactive\r\nnew@acme.com,Active\r\n",
///     options,
/// );
/// let codes: Vec<&str> = report.findings.iter()
///     .filter(|f| f.code.rule().scope == orgsync_core::Scope::Roster)
///     .map(|f| f.code.as_str()).collect();
/// assert_eq!(codes, ["P002", "P001"]); // row 2 revokes Jane's license; row 3 is a new user
/// let preview = report.preview.unwrap();
/// assert_eq!((preview.totals.new_users, preview.totals.existing_users), (1, 1));
/// ```
#[derive(Debug)]
pub struct Roster {
    info: FileInfo,
    findings: Vec<Finding>,
    counts: RosterCounts,
    /// The kept columns: their key and header text.
    columns: Vec<(Key, String)>,
    /// Cells of every user, `columns.len()` per user, in one arena.
    text: String,
    ends: Vec<u32>,
    /// The export's spreadsheet row of each user.
    rows: Vec<u32>,
    email_col: Option<usize>,
    id_col: Option<usize>,
    by_email: Index,
    by_id: Index,
    /// P003's same-domain key (`janedoe@acme.com`) → the first user with it.
    by_profile: Index,
    /// P003's cross-domain key: the local part's key of users on the org's domains.
    by_org_local: Index,
    org_domains: Vec<String>,
}

impl Roster {
    /// Reads a whole export held in memory.
    pub fn read(bytes: &[u8], file_name: Option<String>) -> Roster {
        let mut r = RosterReader::new(file_name);
        r.push(bytes);
        r.finish()
    }

    /// Users read (rows with an email or a `unique_user_id`; a repeated one counts once).
    pub fn users(&self) -> usize {
        self.rows.len()
    }

    /// Facts about the export file.
    pub fn file(&self) -> &FileInfo {
        &self.info
    }

    /// The export's own problems (capped at 1,000 per code; [`Roster::counts`] stays exact).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Counts over the export's findings.
    pub fn counts(&self) -> &RosterCounts {
        &self.counts
    }

    /// Whether the export could be used: it is a CSV with an email or id column, and the engine
    /// has the comparison (the `roster` feature; without it this is always false, which lets
    /// the compiler leave the comparison and the preview out of the checker and the fixer).
    pub fn usable(&self) -> bool {
        cfg!(feature = "roster") && (self.email_col.is_some() || self.id_col.is_some())
    }

    /// The account's group names: the export's `group:` columns, as written (R008's known
    /// groups when no other list is given).
    pub fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for h in &self.info.headers {
            if let ColumnKind::Group { name } = crate::header::classify(h) {
                let name = name.trim();
                if !name.is_empty() && !out.iter().any(|g| g.eq_ignore_ascii_case(name)) {
                    out.push(name.to_string());
                }
            }
        }
        out
    }

    /// The org's domains the export shows (P003's cross-domain test), lowercase.
    pub fn org_domains(&self) -> &[String] {
        &self.org_domains
    }

    /// The kept column with this key.
    #[cfg_attr(not(feature = "roster"), allow(dead_code))]
    pub(crate) fn column(&self, key: &Key) -> Option<usize> {
        self.columns.iter().position(|(k, _)| k == key)
    }

    /// A user's cell in a kept column, trimmed.
    pub(crate) fn cell(&self, user: u32, col: usize) -> &str {
        let w = self.columns.len();
        let i = user as usize * w + col;
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0) as usize
        };
        self.text.get(start..end).unwrap_or_default()
    }

    /// A user's email as the export writes it (trimmed).
    pub(crate) fn email(&self, user: u32) -> &str {
        self.email_col.map_or("", |c| self.cell(user, c))
    }

    /// A user's `unique_user_id` (trimmed).
    pub(crate) fn id(&self, user: u32) -> &str {
        self.id_col.map_or("", |c| self.cell(user, c))
    }

    /// The export's spreadsheet row of a user.
    pub(crate) fn row(&self, user: u32) -> u32 {
        self.rows.get(user as usize).copied().unwrap_or(0)
    }

    pub(crate) fn by_email(&self, lowered: &str) -> Option<u32> {
        self.by_email.get(lowered).copied()
    }

    pub(crate) fn by_id(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// An existing user whose email looks like `lowered` (X004's test: see
    /// [`crate::rules::cross`]'s `similar`), and whether the match spans two of the org's
    /// domains.
    pub(crate) fn similar(&self, lowered: &str) -> Option<(u32, bool)> {
        let (local, domain) = rules::cross::similar::split(lowered)?;
        let mut buf = String::new();
        let key = rules::cross::similar::local_key(local, &mut buf);
        let mut full = String::with_capacity(key.len() + 1 + domain.len());
        full.push_str(key);
        full.push('@');
        full.push_str(domain);
        if let Some(&u) = self.by_profile.get(full.as_str()) {
            return Some((u, false));
        }
        if self.org_domains.iter().any(|d| d == domain) {
            return self.by_org_local.get(key).map(|&u| (u, true));
        }
        None
    }
}

/// Reads a user export fed in chunks of any size.
#[derive(Debug)]
pub struct RosterReader {
    pipeline: Pipeline,
    st: Reader,
}

#[derive(Debug)]
struct Reader {
    roster: Roster,
    kept: HashMap<Code, usize>,
    /// Per kept column: the export column it comes from.
    kept_from: Vec<usize>,
    /// Scratch space for keys.
    buf: String,
    key: String,
    /// Export columns holding emails, in order (the first non-blank one is the user's).
    emails: Vec<usize>,
    id: Option<usize>,
    kind: FileKind,
}

impl RosterReader {
    /// A reader for an export with this file name (shown in its findings).
    pub fn new(file_name: Option<String>) -> RosterReader {
        RosterReader {
            pipeline: Pipeline::new(),
            st: Reader {
                roster: Roster {
                    info: FileInfo {
                        name: file_name,
                        encoding: "utf-8",
                        encoding_name: "Unicode (UTF-8)",
                        encoding_basis: "utf-8",
                        encoding_preview: Vec::new(),
                        delimiter: ",".into(),
                        bom: false,
                        line_ending: "none",
                        rows: 0,
                        columns: 0,
                        kind: FileKind::Users,
                        bytes: 0,
                        headers: Vec::new(),
                        header_row: None,
                        workbook: None,
                    },
                    findings: Vec::new(),
                    counts: RosterCounts::default(),
                    columns: Vec::new(),
                    text: String::new(),
                    ends: Vec::new(),
                    rows: Vec::new(),
                    email_col: None,
                    id_col: None,
                    by_email: Index::default(),
                    by_id: Index::default(),
                    by_profile: Index::default(),
                    by_org_local: Index::default(),
                    org_domains: Vec::new(),
                },
                kept: HashMap::new(),
                kept_from: Vec::new(),
                buf: String::new(),
                key: String::new(),
                emails: Vec::new(),
                id: None,
                kind: FileKind::Users,
            },
        }
    }

    /// Feeds the next bytes of the export.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pipeline.push(bytes, &mut self.st);
    }

    /// Bytes fed so far.
    pub fn bytes_read(&self) -> u64 {
        self.pipeline.bytes
    }

    /// Ends the export and returns the users it lists.
    pub fn finish(mut self) -> Roster {
        self.pipeline.finish(&mut self.st);
        let p = &mut self.pipeline;
        let st = &mut self.st;
        let s = p.sniffed().copied().unwrap_or(Sniffed::empty());
        if s.binary.is_none()
            && (p.header().is_none() || p.records() == 0)
            && let Some(mut f) = rules::file::empty(p.header(), p.bytes)
        {
            f.message = format!("The user export: {}", f.message);
            f.tip = "Download the users again from the admin center (People > Users > Download all users), then drop that file.".into();
            st.keep(f);
        }
        if p.header().is_some() && st.kind != FileKind::Users {
            st.keep(Finding::new(
                Code::H003,
                format!(
                    "This looks like {} file, not a user export: it cannot tell who the account's users are.",
                    match st.kind {
                        FileKind::Deletion => "a user-deletion",
                        FileKind::EmailChange => "an email-change",
                        _ => "an id-change",
                    }
                ),
                "Download the users from the admin center (People > Users > Download all users) and compare with that file.",
            ));
        }
        let header = p.take_header();
        let r = &mut st.roster;
        r.info = FileInfo::read(r.info.name.take(), p, &s, header.as_ref());
        r.org_domains = org_domains(r);
        if !r.org_domains.is_empty() {
            let mut buf = String::new();
            let mut org_local = Index::default();
            for (email, &u) in &r.by_email {
                let Some((local, domain)) = rules::cross::similar::split(email) else {
                    continue;
                };
                if r.org_domains.iter().any(|d| d == domain) {
                    let key = rules::cross::similar::local_key(local, &mut buf);
                    match org_local.get_mut(key) {
                        // The first user (lowest row) wins, whatever the map's order.
                        Some(v) if *v <= u => {}
                        Some(v) => *v = u,
                        None => {
                            org_local.insert(key.into(), u);
                        }
                    }
                }
            }
            r.by_org_local = org_local;
        }
        crate::finding::sort_by_position(&mut r.findings);
        std::mem::replace(&mut st.roster, RosterReader::new(None).st.roster)
    }
}

/// The org's domains in the export, by the same measure as X004 uses in an upload: non-public
/// domains holding at least two users and 5% of them, when there are two or more such.
fn org_domains(r: &Roster) -> Vec<String> {
    let mut counts: HashMap<&str, u64, std::hash::BuildHasherDefault<KeyHasher>> =
        HashMap::default();
    let mut total = 0u64;
    for email in r.by_email.keys() {
        if let Some((_, domain)) = rules::cross::similar::split(email) {
            *counts.entry(domain).or_default() += 1;
            total += 1;
        }
    }
    let mut org: Vec<String> = counts
        .into_iter()
        .filter(|(d, n)| *n >= 2 && n * 20 >= total && !rules::cross::is_public_domain(d))
        .map(|(d, _)| d.to_string())
        .collect();
    org.sort();
    if org.len() >= 2 { org } else { Vec::new() }
}

/// The value lowercased, borrowed when it has no capital.
pub(crate) fn lowercase(v: &str) -> std::borrow::Cow<'_, str> {
    if v.is_ascii() {
        if v.bytes().any(|b| b.is_ascii_uppercase()) {
            v.to_ascii_lowercase().into()
        } else {
            v.into()
        }
    } else {
        crate::case::lower(v).into()
    }
}

pub(crate) use crate::rules::cross::trimmed;

impl Reader {
    fn keep(&mut self, f: Finding) {
        let c = &mut self.roster.counts;
        match f.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.infos += 1,
        }
        *c.by_code.entry(f.code).or_default() += 1;
        let kept = self.kept.entry(f.code).or_default();
        if *kept >= MAX_FINDINGS_PER_CODE {
            c.omitted += 1;
            return;
        }
        *kept += 1;
        self.roster.findings.push(f);
    }
}

impl Handler for Reader {
    fn sniffed(&mut self, sniffed: &Sniffed, _sample: &[u8]) {
        // Encoding, BOM and separator are facts here, not problems: the export is only read.
        let mut out = Vec::new();
        rules::file::sniffed(sniffed, &[], &mut |f| {
            if f.code == Code::F003 {
                out.push(f);
            }
        });
        for mut f in out {
            f.message = format!("The user export: {}", f.message);
            f.tip = "Download the users from the admin center as CSV (People > Users > Download all users), then drop that file.".into();
            self.keep(f);
        }
    }

    fn cut(&mut self, cut: Cut) {
        self.keep(rules::file::record_too_long(cut));
    }

    fn header(&mut self, header: &Header) {
        self.kind = header.kind;
        let options = Options::default();
        let ctx = RuleInput {
            header,
            options: &options,
        };
        let mut out = Vec::new();
        rules::header::check(&ctx, &mut |f| {
            if matches!(f.code, Code::H003 | Code::H004) {
                out.push(f);
            }
        });
        for f in out {
            self.keep(f);
        }
        if header.kind != FileKind::Users {
            return;
        }
        let r = &mut self.roster;
        for (i, c) in header.columns.iter().enumerate() {
            let Some(key) = Key::of(&c.name, &c.kind) else {
                continue;
            };
            if key == Key::Email {
                self.emails.push(i);
            }
            // Two columns with one meaning (H004): the first one counts, as in the upload.
            if key == Key::Email && r.email_col.is_some() {
                continue;
            }
            if r.columns.iter().any(|(k, _)| *k == key) {
                continue;
            }
            match key {
                Key::Email => r.email_col = Some(r.columns.len()),
                Key::Id => {
                    r.id_col = Some(r.columns.len());
                    self.id = Some(i);
                }
                _ => {}
            }
            self.kept_from.push(i);
            r.columns.push((key, c.raw.clone()));
        }
    }

    fn row(&mut self, header: Option<&Header>, row: &Row<'_>) {
        let Some(header) = header else { return };
        if row.is_blank() || header.kind != FileKind::Users || !self.roster.usable() {
            return;
        }
        let mut out = Vec::new();
        if let Some(problem) = row.quote_problem {
            out.push(rules::file::bad_quoting(row, problem));
        }
        out.extend(rules::file::ragged(row, header.columns.len()));
        rules::file::long_cells(row, &mut |f| out.push(f));
        for mut f in out {
            f.fix = None;
            self.keep(f);
        }
        let email = self
            .emails
            .iter()
            .map(|&c| trimmed(row.cell(c)))
            .find(|v| !v.is_empty())
            .unwrap_or("");
        let id = self.id.map_or("", |c| trimmed(row.cell(c)));
        if email.is_empty() && id.is_empty() {
            let f = row.finding(
                Code::R001,
                None,
                "This row of the user export has neither an email address nor a unique_user_id, so no upload row can match it; it is left out of the comparison.",
                "Check the export is complete; download it again if rows look cut.",
            );
            self.keep(f);
            return;
        }
        let lowered = lowercase(email);
        let r = &mut self.roster;
        let user = r.rows.len() as u32;
        let mut earlier = None;
        if !lowered.is_empty()
            && let Some(&u) = r.by_email.get(&*lowered)
        {
            earlier = Some((Code::X001, "email address", u));
        }
        if earlier.is_none()
            && !id.is_empty()
            && let Some(&u) = r.by_id.get(id)
        {
            earlier = Some((Code::X002, "unique_user_id", u));
        }
        if let Some((code, what, u)) = earlier {
            let first = r.row(u);
            let column = if code == Code::X001 {
                self.emails.first().copied()
            } else {
                self.id
            };
            let f = row
                .finding(
                    code,
                    column,
                    format!(
                        "The user export lists this {what} already on row {first}; the comparison uses row {first}."
                    ),
                    "An export from the admin center lists each user once: check the file was not edited or joined from two downloads.",
                )
                .related(vec![u64::from(first)]);
            self.keep(f);
            return;
        }
        // The row's known cells, in kept-column order.
        for (k, &i) in self.kept_from.iter().enumerate() {
            let cell = if Some(k) == r.email_col {
                email
            } else {
                trimmed(row.cell(i))
            };
            r.text.push_str(cell);
            r.ends.push(u32::try_from(r.text.len()).unwrap_or(u32::MAX));
        }
        r.rows.push(u32::try_from(row.row).unwrap_or(u32::MAX));
        if let Some((local, domain)) = rules::cross::similar::split(&lowered) {
            let key = rules::cross::similar::local_key(local, &mut self.buf);
            let full = &mut self.key;
            full.clear();
            full.push_str(key);
            full.push('@');
            full.push_str(domain);
            if !r.by_profile.contains_key(full.as_str()) {
                r.by_profile.insert(full.as_str().into(), user);
            }
        }
        if !lowered.is_empty() {
            r.by_email.insert(lowered.into(), user);
        }
        if !id.is_empty() && !r.by_id.contains_key(id) {
            r.by_id.insert(id.into(), user);
        }
    }
}

impl Serialize for Roster {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Findings<'a>(&'a Roster);
        impl Serialize for Findings<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(
                    self.0
                        .findings
                        .iter()
                        .map(|f| crate::report::JsonFinding(f, &self.0.info.headers)),
                )
            }
        }
        let mut st = s.serialize_struct("Roster", 4)?;
        st.serialize_field("file", &self.info)?;
        st.serialize_field("users", &self.users())?;
        st.serialize_field("summary", &self.counts)?;
        st.serialize_field("findings", &Findings(self))?;
        st.end()
    }
}

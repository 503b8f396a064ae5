//! X rules and the file-wide parts of R004 and R020: what only several rows together show.
//!
//! # Memory design
//!
//! The check pass streams a file of any size, so these rules must not remember rows. While rows
//! pass, [`Cross::observe`] keeps, per record, a few 64-bit hashes in plain `Vec`s indexed by
//! the record (0-based index after the header): the normalised email, the `unique_user_id`,
//! the whole row, the email's normalised local part, its domain (as an index into a small
//! domain table), the first+last name and, in change files, the new value. That is about
//! 40 bytes a row for a file using every column, and nothing for absent columns: no `String`
//! per row, no hash map per key.
//!
//! At [`Cross::finish`] the top bits of each key vector are radix-sorted to find the values
//! held by two or more records; only those records are gathered, sorted by value and grouped. The resulting [`Plan`] keeps one small [`Entry`] per involved
//! (row, finding) and one [`Group`] per duplicated value, holding the group's size and its first
//! few rows only (the rows a message names). A million identical rows therefore cost a few
//! words each in the plan, and a clean file costs nothing.
//!
//! Hash collisions between different values (64-bit xxh3) are possible in principle; at a
//! million rows the chance of one is about one in fifty million per key.
//!
//! # The two passes agree
//!
//! [`Plan::findings`] (check pass) and [`Plan::row_findings`] (fix pass) produce the same
//! findings for the same row: X findings come from the same entries, looked up by record; R004
//! and R020 findings come from the plan's value maps, which only hold values whose every
//! occurrence was recorded during the check pass.

mod attribute_case_variants;
mod change_collision;
mod domain_typo;
mod duplicate_email;
mod duplicate_unique_id;
mod id_email_conflict;
mod possible_duplicate_profile;
mod same_name_different_email;
pub(crate) mod similar;

use super::text::is_invisible;
use super::{Ctx, Sink};
use crate::engine::{FileKind, Row};
use crate::finding::Finding;
use crate::header::{ColumnKind, EmailRole};
use crate::registry::Code;
use xxhash_rust::xxh3::xxh3_64;

/// How many other rows a cross-row finding names; the rest are counted ("and 12 more").
const MAX_RELATED: usize = 20;

/// The last record the rules track: records are kept as `u32`.
const MAX_RECORD: u64 = u32::MAX as u64 - 1;

/// Which columns the cross-row rules read.
#[derive(Debug, Default, Clone)]
struct Columns {
    /// The identifying email: `primary_email_address`, else `invited_email_address`; in an
    /// email-change file `existing_email_address`.
    email: Option<usize>,
    /// The second identifying email column, read when the first is blank on a row (a file with
    /// both `primary_email_address` and `invited_email_address`).
    email_alt: Option<usize>,
    /// `unique_user_id` (`unique_id` in a deletion file).
    id: Option<usize>,
    /// The new value of a change file: `invited_email_address` or `new_unique_user_id`.
    new: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
    reupload: Option<usize>,
}

impl Columns {
    fn new(ctx: &Ctx<'_>) -> Columns {
        let h = ctx.header;
        let find = |k: ColumnKind| h.find(&k);
        let primary = find(ColumnKind::Email(EmailRole::Primary));
        let invited = find(ColumnKind::Email(EmailRole::Invited));
        let existing = find(ColumnKind::Email(EmailRole::Existing));
        let uid = find(ColumnKind::UniqueUserId);
        let mut c = Columns {
            first: find(ColumnKind::FirstName),
            last: find(ColumnKind::LastName),
            reupload: find(ColumnKind::Reupload),
            ..Columns::default()
        };
        match h.kind {
            FileKind::EmailChange => {
                c.email = existing;
                c.new = invited;
                c.id = uid;
            }
            FileKind::IdChange => {
                c.email = primary.or(invited);
                c.email_alt = primary.and(invited);
                c.id = uid;
                c.new = find(ColumnKind::NewUniqueUserId);
            }
            FileKind::Deletion => {
                c.email = primary;
                c.id = find(ColumnKind::UniqueId);
            }
            FileKind::Users => {
                c.email = primary.or(invited);
                c.email_alt = primary.and(invited);
                c.id = uid;
            }
        }
        c
    }
}

/// A growable bit per record.
#[derive(Debug, Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn set(&mut self, i: usize) {
        let w = i / 64;
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        self.0[w] |= 1 << (i % 64);
    }

    fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The physical line of each record, kept sparsely: records follow each other one line apart
/// except after a quoted field spanning lines, so only the records where that pattern breaks
/// are stored.
#[derive(Debug, Default)]
struct Lines(Vec<(u32, u64)>);

impl Lines {
    fn note(&mut self, record: u32, line: u64) {
        if let Some(&(r, l)) = self.0.last()
            && l + u64::from(record - r) == line
        {
            return;
        }
        self.0.push((record, line));
    }

    fn line(&self, record: u32) -> u64 {
        let i = self.0.partition_point(|&(r, _)| r <= record);
        match i.checked_sub(1).and_then(|i| self.0.get(i)) {
            Some(&(r, l)) => l + u64::from(record - r),
            None => 0,
        }
    }
}

/// What the cross-row rules remember while rows stream past.
#[derive(Debug, Default)]
pub(crate) struct Cross {
    cols: Columns,
    kind: Option<FileKind>,
    header_row: u64,
    /// Per record: hash of the trimmed, lowercased identifying email (0 = none).
    email: Vec<u64>,
    /// Records whose email came from `cols.email_alt`.
    email_alt: Bits,
    /// Per record: hash of the trimmed `unique_user_id` (0 = none).
    id: Vec<u64>,
    /// Per record: hash of the whole row's cells.
    row: Vec<u64>,
    /// Per record: hash of the email's local part without dots and `+tag` (0 = none).
    local: Vec<u64>,
    /// Per record: the email's domain in the domain table (`domain_typo::NONE` = none).
    domain: Vec<u32>,
    /// Per record: hash of first and last name (0 = none).
    name: Vec<u64>,
    /// Per record: hash of the new value of a change file (0 = none).
    new: Vec<u64>,
    /// Records whose `reupload_user_profile` is `true`, and records where it is blank.
    reupload_true: Bits,
    reupload_blank: Bits,
    lines: Lines,
    domains: domain_typo::Domains,
    attributes: attribute_case_variants::Attributes,
    buf: String,
    bytes: Vec<u8>,
    /// Per column: whether its values ignore case (`folds_case`).
    fold: Vec<bool>,
}

/// A hash that is never 0 (0 means "no value").
#[inline]
fn key(bytes: &[u8]) -> u64 {
    xxh3_64(bytes).max(1)
}

fn is_trim(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// The cell without surrounding whitespace or invisible characters.
#[inline]
pub(super) fn trimmed(cell: &str) -> &str {
    let b = cell.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) {
        return cell;
    }
    cell.trim_matches(is_trim)
}

/// The cell trimmed and lowercased, in `buf`.
#[inline]
pub(super) fn lowered<'a>(cell: &'a str, buf: &'a mut String) -> &'a str {
    let t = trimmed(cell);
    buf.clear();
    if t.is_ascii() {
        // A copy and a vectorised lowercase beat looking for capitals first.
        buf.push_str(t);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(t.chars().flat_map(char::to_lowercase));
    }
    buf
}

/// Appends `s` lowercased.
#[inline]
fn push_lower(out: &mut Vec<u8>, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.extend_from_slice(s.as_bytes());
        out[start..].make_ascii_lowercase();
    } else {
        let mut tmp = [0u8; 4];
        for c in s.chars().flat_map(char::to_lowercase) {
            out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
    }
}

/// A hash of the row as the corrected file will hold it, so that rows the safe fixes make
/// equal count as copies in the first run (fixing twice then changes nothing more): each cell
/// trimmed (R012), cells whose values ignore case (emails, licences, `yes`/`no`, `true`)
/// lowercased (R005, R006, R011), and missing or empty trailing cells ignored (F007).
fn row_hash(row: &Row<'_>, fold: &[bool], buf: &mut Vec<u8>) -> u64 {
    buf.clear();
    for i in 0..row.len() {
        let cell = trimmed(row.cell(i)).as_bytes();
        let start = buf.len();
        buf.extend_from_slice(cell);
        if fold.get(i).copied().unwrap_or(false) {
            buf[start..].make_ascii_lowercase();
        }
        buf.push(0x1f);
    }
    while buf.last() == Some(&0x1f) {
        buf.pop();
    }
    key(buf)
}

/// Whether a column's values ignore case (see `row_hash`).
fn folds_case(kind: &ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::Email(_)
            | ColumnKind::License { .. }
            | ColumnKind::Group { .. }
            | ColumnKind::Permission(_)
            | ColumnKind::Reupload
    )
}

fn push_at<T: Copy>(v: &mut Vec<T>, record: usize, value: T, empty: T) {
    if v.len() < record {
        v.resize(record, empty);
    }
    v.push(value);
}

impl Cross {
    pub(crate) fn new(ctx: &Ctx<'_>) -> Cross {
        Cross {
            cols: Columns::new(ctx),
            fold: ctx
                .header
                .columns
                .iter()
                .map(|c| folds_case(&c.kind))
                .collect(),
            kind: Some(ctx.header.kind),
            header_row: ctx.header.row,
            domains: domain_typo::Domains::new(ctx),
            attributes: attribute_case_variants::Attributes::new(ctx),
            ..Cross::default()
        }
    }

    /// Remembers what the rules need of one data row. Blank rows are skipped.
    pub(crate) fn observe(&mut self, ctx: &Ctx<'_>, row: &Row<'_>) {
        if row.is_blank() || row.record > MAX_RECORD {
            return;
        }
        let record = row.record as u32;
        let r = record as usize;
        self.lines.note(record, row.line);
        let cols = &self.cols;
        let users = ctx.header.kind == FileKind::Users;

        // The identifying email, with the parts X004 needs.
        let mut email_col = cols.email;
        let mut cell = cols.email.map_or("", |c| row.cell(c));
        if trimmed(cell).is_empty()
            && let Some(alt) = cols.email_alt
        {
            cell = row.cell(alt);
            email_col = Some(alt);
            if !trimmed(cell).is_empty() {
                self.email_alt.set(r);
            }
        }
        if let Some(col) = email_col {
            let lower = lowered(cell, &mut self.buf);
            let h = if lower.is_empty() {
                0
            } else {
                key(lower.as_bytes())
            };
            push_at(&mut self.email, r, h, 0);
            let (local, domain) = match similar::split(lower) {
                Some((local, domain)) => {
                    let d = self.domains.intern(domain);
                    self.domains.count(d, record, col, cell);
                    let local = if users {
                        key(similar::local_key_bytes(local, &mut self.bytes))
                    } else {
                        0
                    };
                    (local, d)
                }
                None => (0, domain_typo::NONE),
            };
            if users {
                push_at(&mut self.local, r, local, 0);
                push_at(&mut self.domain, r, domain, domain_typo::NONE);
            }
        }
        // R004 counts the domains of every email column.
        self.domains.observe(record, row, email_col, &mut self.buf);

        if let Some(c) = cols.id {
            let t = trimmed(row.cell(c));
            let h = if t.is_empty() { 0 } else { key(t.as_bytes()) };
            push_at(&mut self.id, r, h, 0);
        }
        if let Some(c) = cols.new {
            let v = row.cell(c);
            let h = if ctx.header.kind == FileKind::EmailChange {
                let lower = lowered(v, &mut self.buf);
                if lower.is_empty() {
                    0
                } else {
                    key(lower.as_bytes())
                }
            } else {
                let t = trimmed(v);
                if t.is_empty() { 0 } else { key(t.as_bytes()) }
            };
            push_at(&mut self.new, r, h, 0);
        }
        if let (Some(f), Some(l), true) = (cols.first, cols.last, users) {
            let first = trimmed(row.cell(f));
            let last = trimmed(row.cell(l));
            let h = if first.is_empty() || last.is_empty() {
                0
            } else {
                let b = &mut self.bytes;
                b.clear();
                push_lower(b, first);
                b.push(0x1f);
                push_lower(b, last);
                key(b)
            };
            push_at(&mut self.name, r, h, 0);
        }
        if let Some(c) = cols.reupload {
            let v = row.cell(c);
            if v.is_empty() {
                self.reupload_blank.set(r);
            } else if trimmed(v).eq_ignore_ascii_case("true") {
                self.reupload_true.set(r);
            }
        }
        if cols.email.is_some() || cols.id.is_some() {
            let h = row_hash(row, &self.fold, &mut self.bytes);
            push_at(&mut self.row, r, h, 0);
        }
        self.attributes.observe(record, row);
    }

    /// Decides every cross-row finding.
    pub(crate) fn finish(self, ctx: &Ctx<'_>) -> Plan {
        let mut b = Builder {
            plan: Plan {
                header_row: self.header_row,
                cols: self.cols.clone(),
                ..Plan::default()
            },
            cross: &self,
            email_shared: shared(&self.email),
            id_shared: shared(&self.id),
        };
        let kind = self.kind.unwrap_or(ctx.header.kind);
        duplicate_email::finish(&mut b);
        duplicate_unique_id::finish(&mut b);
        id_email_conflict::finish(&mut b);
        // The pairs can be large (a file of identical rows): free them before the next rules.
        b.email_shared = Vec::new();
        b.id_shared = Vec::new();
        if kind == FileKind::Users {
            let org = self.domains.org_domains();
            let profiles = possible_duplicate_profile::keys(&self, &org);
            possible_duplicate_profile::finish(&mut b, &profiles);
            same_name_different_email::finish(&mut b, &profiles);
        }
        if matches!(kind, FileKind::EmailChange | FileKind::IdChange) {
            change_collision::finish(&mut b, kind);
        }
        let mut plan = b.plan;
        plan.entries.sort_unstable_by_key(|e| (e.record, e.group));
        plan.entries.shrink_to_fit();
        plan.domains = self.domains.finish();
        plan.attributes = self.attributes.finish();
        plan.lines = self.lines;
        plan
    }
}

/// Builds the plan from the remembered keys.
struct Builder<'a> {
    plan: Plan,
    cross: &'a Cross,
    /// `shared` of the emails and of the ids, which several rules read.
    email_shared: Vec<u32>,
    id_shared: Vec<u32>,
}

impl Builder<'_> {
    /// Starts a group of rows sharing a value; `records` ascending.
    fn group(&mut self, code: Code, column: Option<usize>, records: &[u32]) -> u32 {
        let id = self.plan.groups.len() as u32;
        // One entry per record follows. For a large group reserve exactly: doubling a large
        // plan's entries would briefly hold twice their memory.
        if records.len() >= 4096 {
            self.plan.entries.reserve_exact(records.len());
        }
        self.plan.groups.push(Group {
            code,
            column,
            sample: records.iter().copied().take(MAX_RELATED + 1).collect(),
            len: records.len() as u64,
        });
        id
    }

    fn entry(&mut self, record: u32, group: u32, flags: u32, other: u32) {
        self.plan.entries.push(Entry {
            record,
            group,
            flags,
            other,
        });
    }
}

/// The values held by two or more records, ascending (0, "no value", excluded).
///
/// This runs over every record once per key, so it is the costliest step of `finish`. Keys are
/// uniform hashes, so their top 32 bits are sorted first (a three-pass radix sort on 4 bytes a
/// record, half the memory traffic of sorting the keys themselves); equal top bits are rare
/// (about a hundred pairs in a million distinct keys) and only keys sharing them are then
/// compared in full.
fn duplicated(keys: &[u64]) -> Vec<u64> {
    let mut tops: Vec<u32> = keys
        .iter()
        .filter(|&&k| k != 0)
        .map(|&k| (k >> 32) as u32)
        .collect();
    radix_sort(&mut tops);
    let mut shared_tops: Vec<u32> = Vec::new();
    for w in tops.windows(2) {
        if w[0] == w[1] && shared_tops.last() != Some(&w[0]) {
            shared_tops.push(w[0]);
        }
    }
    drop(tops);
    if shared_tops.is_empty() {
        return Vec::new();
    }
    let mut candidates: Vec<u64> = keys
        .iter()
        .copied()
        .filter(|&k| k != 0 && shared_tops.binary_search(&((k >> 32) as u32)).is_ok())
        .collect();
    candidates.sort_unstable();
    let mut d: Vec<u64> = Vec::new();
    for w in candidates.windows(2) {
        if w[0] == w[1] && d.last() != Some(&w[0]) {
            d.push(w[0]);
        }
    }
    d
}

/// Sorts `u32`s: three counting passes of 11 bits (a pass is skipped when every value falls
/// in one bucket, as for a file of identical rows).
fn radix_sort(v: &mut Vec<u32>) {
    let mut tmp = vec![0u32; v.len()];
    for shift in [0u32, 11, 22] {
        let mut counts = [0usize; 2048];
        for &x in v.iter() {
            counts[((x >> shift) & 0x7FF) as usize] += 1;
        }
        if counts.contains(&v.len()) {
            continue;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &x in v.iter() {
            let b = ((x >> shift) & 0x7FF) as usize;
            if let Some(slot) = tmp.get_mut(counts[b]) {
                *slot = x;
            }
            counts[b] += 1;
        }
        std::mem::swap(v, &mut tmp);
    }
}

/// Every record whose value two or more records hold, sorted by value then record (4 bytes a
/// record: a file of a million identical rows costs 4 MB here). Empty, and cheap, for a file
/// without duplicates.
fn shared(keys: &[u64]) -> Vec<u32> {
    let dups = duplicated(keys);
    if dups.is_empty() {
        return Vec::new();
    }
    let mut records: Vec<u32> = keys
        .iter()
        .enumerate()
        .filter(|&(_, &k)| k != 0 && dups.binary_search(&k).is_ok())
        .map(|(r, _)| r as u32)
        .collect();
    // Stable: records are already ascending within each value.
    records.sort_by_key(|&r| keys[r as usize]);
    records
}

/// The groups of `shared` records: runs holding one value, records ascending.
fn runs<'a>(records: &'a [u32], keys: &'a [u64]) -> impl Iterator<Item = &'a [u32]> + 'a {
    records.chunk_by(move |&a, &b| keys[a as usize] == keys[b as usize])
}

/// Rows sharing a value (a group of a cross-row finding).
#[derive(Debug)]
struct Group {
    code: Code,
    /// The column the findings point at (each entry may override it).
    column: Option<usize>,
    /// The group's first records, ascending: the rows messages name.
    sample: Vec<u32>,
    /// How many records the group has.
    len: u64,
}

/// One row's part in a group: one finding.
#[derive(Debug, Clone, Copy)]
struct Entry {
    record: u32,
    group: u32,
    /// Rule-specific facts about the row (see each rule's flag constants).
    flags: u32,
    /// Rule-specific: the record a copy repeats (X001, X002), a column (X007).
    other: u32,
}

/// What one finding knows of its row and group, for the rule to word it.
struct Mention<'a> {
    ctx: &'a Ctx<'a>,
    cols: &'a Columns,
    group: &'a Group,
    flags: u32,
    /// The entry's `other`, and read as a record, its spreadsheet row.
    other: u32,
    other_row: u64,
    /// The other rows named, as spreadsheet rows (at most [`MAX_RELATED`]).
    others: Vec<u64>,
    /// How many more rows the group has beyond those named.
    more: u64,
    /// The row's current cells, when the fix pass asks (fixes read them).
    row: Option<&'a Row<'a>>,
}

impl Mention<'_> {
    /// "row 5", "rows 5 and 9", "rows 5, 9 and 12", "rows 5, 9, … and 1,234 more".
    fn rows(&self) -> String {
        rows_phrase(&self.others, self.more)
    }

    fn column_name(&self, col: Option<usize>) -> &str {
        col.and_then(|c| self.ctx.header.columns.get(c))
            .map_or("", |c| c.raw.as_str())
    }
}

pub(super) fn rows_phrase(others: &[u64], more: u64) -> String {
    let list: Vec<String> = others.iter().map(u64::to_string).collect();
    let word = if others.len() + more as usize > 1 {
        "rows"
    } else {
        "row"
    };
    let body = match (list.len(), more) {
        (0, _) => String::new(),
        (1, 0) => list[0].clone(),
        (n, 0) => format!("{} and {}", list[..n - 1].join(", "), list[n - 1]),
        (_, m) => format!("{} and {} more", list.join(", "), thousands(m)),
    };
    format!("{word} {body}")
}

/// 1234567 → "1,234,567".
pub(super) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the cross-row rules decided, for both passes.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    header_row: u64,
    cols: Columns,
    lines: Lines,
    /// One per (row, finding), sorted by record.
    entries: Vec<Entry>,
    groups: Vec<Group>,
    domains: domain_typo::Plan,
    attributes: attribute_case_variants::Plan,
}

impl Plan {
    /// Every cross-row finding, positioned (the check pass).
    pub(crate) fn findings(&self, ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
        for e in &self.entries {
            let row = self.header_row + 1 + u64::from(e.record);
            let line = self.lines.line(e.record);
            sink(self.entry_finding(ctx, e, row, line, None));
        }
        self.domains.findings(ctx, self, sink);
        self.attributes.findings(ctx, self, sink);
    }

    /// The cross-row findings of one row (the fix pass), identical to those `findings` gives.
    pub(crate) fn row_findings(&self, ctx: &Ctx<'_>, row: &Row<'_>, sink: &mut Sink<'_>) {
        if row.record <= MAX_RECORD && !row.is_blank() {
            let record = row.record as u32;
            let start = self.entries.partition_point(|e| e.record < record);
            for e in self.entries[start..]
                .iter()
                .take_while(|e| e.record == record)
            {
                sink(self.entry_finding(ctx, e, row.row, row.line, Some(row)));
            }
        }
        if row.is_blank() {
            return;
        }
        self.domains.row_findings(ctx, row, sink);
        self.attributes.row_findings(row, sink);
    }

    /// Spreadsheet row and line of a record.
    fn position(&self, record: u32) -> (u64, u64) {
        (
            self.header_row + 1 + u64::from(record),
            self.lines.line(record),
        )
    }

    fn entry_finding(
        &self,
        ctx: &Ctx<'_>,
        e: &Entry,
        row: u64,
        line: u64,
        current: Option<&Row<'_>>,
    ) -> Finding {
        let g = &self.groups[e.group as usize];
        let to_row = |r: u32| self.header_row + 1 + u64::from(r);
        let others: Vec<u64> = g
            .sample
            .iter()
            .filter(|&&r| r != e.record)
            .take(MAX_RELATED)
            .map(|&r| to_row(r))
            .collect();
        let more = g.len.saturating_sub(1 + others.len() as u64);
        let m = Mention {
            ctx,
            cols: &self.cols,
            group: g,
            flags: e.flags,
            other: e.other,
            other_row: to_row(e.other),
            others,
            more,
            row: current,
        };
        let mut f = match g.code {
            Code::X001 => duplicate_email::finding(&m),
            Code::X002 => duplicate_unique_id::finding(&m),
            Code::X003 => id_email_conflict::finding(&m),
            Code::X004 => possible_duplicate_profile::finding(&m),
            Code::X005 => same_name_different_email::finding(&m),
            _ => change_collision::finding(&m),
        };
        f.row = Some(row);
        f.line = Some(line);
        f.related_rows = m.others;
        f
    }
}

#[cfg(test)]
pub(crate) mod tests;

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
//! Keys are [`hash`]es (wyhash's construction, ASCII case folded on the fly, so no lowercase
//! copy of a cell is ever written). A clean row — every cell took the row rules' fast path — is
//! handled by [`Cross::observe_keyed`]: its cells are known trimmed printable ASCII, so each key
//! is one hash of the cell as it stands, computed by the row rules' fast path while it checks
//! the cell ([`key_roles`] tells it which cells give which key; the email's local-part key is
//! hashed inside the address check's own loop), and the whole-row hash is one hash of the row's
//! text and cell ends. Other rows take the general path, which trims, lowercases Unicode and
//! writes the row out in corrected form first; both paths give the same key for the same value.
//!
//! At [`Cross::finish`] the top bits of each key vector mark a bit table to find the values
//! held by two or more records; only those records are gathered, sorted by value and grouped. The resulting [`CrossDecisions`] keeps one small [`Entry`] per involved
//! (row, finding) and one [`Group`] per duplicated value, holding the group's size and its first
//! few rows only (the rows a message names). A million identical rows therefore cost a few
//! words each in the plan, and a clean file costs nothing.
//!
//! Hash collisions between different values are possible in principle (see [`hash`]): at a
//! million rows the chance of one is about one in thirty million per key, and a collision can
//! only make two rows look like duplicates.
//!
//! # The two passes agree
//!
//! [`CrossDecisions::findings`] (check pass) and [`CrossDecisions::row_findings`] (fix pass) produce the same
//! findings for the same row: X findings come from the same entries, looked up by record; R004
//! and R020 findings come from the plan's value maps, which only hold values whose every
//! occurrence was recorded during the check pass.

mod part;
mod r004_domain_typo;
mod r020_attribute_case_variants;
pub(crate) mod similar;
mod x001_duplicate_email;
mod x002_duplicate_unique_id;
mod x003_id_email_conflict;
mod x004_possible_duplicate_profile;
mod x005_same_name_different_email;
mod x007_change_collision;

use r004_domain_typo as domain_typo;
use r020_attribute_case_variants as attribute_case_variants;
use x001_duplicate_email as duplicate_email;
use x002_duplicate_unique_id as duplicate_unique_id;
use x003_id_email_conflict as id_email_conflict;
use x004_possible_duplicate_profile as possible_duplicate_profile;
use x005_same_name_different_email as same_name_different_email;
use x007_change_collision as change_collision;

pub(crate) use domain_typo::is_public as is_public_domain;
pub(crate) use possible_duplicate_profile::UPLOADER_TEXT;

use super::text::is_invisible;
use super::{RuleInput, Sink};
use crate::finding::{Applicability, Finding};
use crate::hash;
use crate::header::FileKind;
use crate::header::{ColumnKind, EmailRole};
use crate::registry::{Code, Severity};
use crate::row::Row;
use crate::rules::row::{KeyRole, Keys};
use crate::words::{push_decimal, thousands};

/// How many other rows a cross-row finding names; the rest are counted ("and 12 more").
const MAX_RELATED: usize = 20;

/// How many other rows a cross-row finding names (the rest are counted: "rows 5, 9, 12 and 40
/// more"), in every output: the findings CSV, the error report and `related_rows`.
pub(super) const NAMED: usize = 3;

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
    fn new(ctx: &RuleInput<'_>) -> Columns {
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

/// How a column's cells enter the row hash (see [`Cross::row_key`]): the form the corrected
/// file would hold them in, up to case where the value ignores case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Canon {
    /// Trimmed.
    Raw,
    /// Trimmed and lowercased (emails, `yes`/`no`, `true`).
    Lower,
    /// A license cell: `Active` or `Inactive` in any case, as written here; else lowercased.
    License,
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
    ends: Vec<usize>,
    /// Per column: how its cells enter the row hash.
    canon: Vec<Canon>,
    /// Every email column (their cells must be lowercase for a row to hash as written).
    email_cols: Vec<usize>,
    /// Whether the file's keys need a row hash, a name hash, X004's parts.
    rows_hashed: bool,
    users: bool,
}

fn is_trim(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// The cell without surrounding whitespace or invisible characters.
#[inline]
pub(crate) fn trimmed(cell: &str) -> &str {
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
        buf.extend(t.chars().flat_map(crate::case::lower_char));
    }
    buf
}

/// The hash of a trimmed value lowercased (0 for an empty one): ASCII is folded while hashed,
/// other text is lowercased into `buf` first.
#[inline]
fn lower_key(t: &str, buf: &mut String) -> u64 {
    if t.is_empty() {
        0
    } else if t.is_ascii() {
        hash::hash(t.as_bytes(), true)
    } else {
        buf.clear();
        buf.extend(t.chars().flat_map(crate::case::lower_char));
        hash::hash(buf.as_bytes(), false)
    }
}

/// The hash of a trimmed value as it is (0 for an empty one).
#[inline]
fn exact_key(t: &str) -> u64 {
    if t.is_empty() {
        0
    } else {
        hash::hash(t.as_bytes(), false)
    }
}

/// How a column's cells enter the row hash.
fn canon(kind: &ColumnKind) -> Canon {
    match kind {
        ColumnKind::License { .. } => Canon::License,
        ColumnKind::Email(_)
        | ColumnKind::Group { .. }
        | ColumnKind::Permission(_)
        | ColumnKind::Reupload => Canon::Lower,
        _ => Canon::Raw,
    }
}

/// Whether the cross-row rules see column `col`'s cell the same whether it holds `old` or
/// `new` (a cell the fix pass changed): every key they take from it (the whole-row hash of
/// copies, emails, local parts, domains, ids, names) and whether it is empty are the same. Only
/// changes of blanks around the value, and of ASCII case where the value ignores case, are such;
/// an attribute or `reupload_user_profile` cell, or text beyond ASCII, never is (answered
/// `false`, which only costs the caller a full check).
pub(crate) fn neutral_cell(
    header: &crate::header::Header,
    col: usize,
    old: &str,
    new: &str,
) -> bool {
    if old == new {
        return true;
    }
    if old.is_empty() != new.is_empty() || !old.is_ascii() || !new.is_ascii() {
        return false;
    }
    // Past the header's columns: in the row hash only (trimmed, as written).
    let kind = header.columns.get(col).map(|c| &c.kind);
    if matches!(
        kind,
        Some(ColumnKind::Attribute { .. } | ColumnKind::Reupload)
    ) {
        return false;
    }
    let (a, b) = (trimmed(old), trimmed(new));
    if a == b {
        return true;
    }
    a.eq_ignore_ascii_case(b)
        && kind.is_some_and(|k| matches!(canon(k), Canon::Lower | Canon::License))
}

/// Where the first `@` is, a word at a time.
#[inline(always)]
fn find_at(b: &[u8]) -> Option<usize> {
    use crate::simd::word::{ONES, zero_bytes};
    let mut i = 0;
    while let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        // The lowest flagged byte is exact (only bytes above a match can be flagged wrongly).
        let z = zero_bytes(u64::from_le_bytes(w) ^ (ONES * u64::from(b'@')));
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|&c| c == b'@').map(|k| i + k)
}

/// An ASCII address split as [`similar::split`] splits its lowercase form: at the last `@`,
/// both sides non-empty, no whitespace in the domain.
#[inline]
fn split_ascii(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut k = b.len();
    while k > 0 {
        k -= 1;
        match b[k] {
            b'@' => {
                let (local, domain) = (&b[..k], &b[k + 1..]);
                return (!local.is_empty() && !domain.is_empty()).then_some((local, domain));
            }
            b'\t'..=b'\r' | b' ' => return None,
            _ => {}
        }
    }
    None
}

fn push_at<T: Copy>(v: &mut Vec<T>, record: usize, value: T, empty: T) {
    if v.len() < record {
        v.resize(record, empty);
    }
    v.push(value);
}

/// Which key each column's cells give the cross-row rules, for the row rules' fast path to
/// compute while it checks them (see `row::Keys` and [`Cross::observe_keyed`]).
pub(crate) fn key_roles(ctx: &RuleInput<'_>) -> Vec<KeyRole> {
    let cols = Columns::new(ctx);
    let users = ctx.header.kind == FileKind::Users;
    ctx.header
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let i = Some(i);
            if i == cols.email {
                KeyRole::Email
            } else if matches!(c.kind, ColumnKind::Email(_)) {
                KeyRole::OtherEmail
            } else if i == cols.id {
                KeyRole::Id
            } else if users && cols.last.is_some() && i == cols.first {
                KeyRole::First
            } else if users && cols.first.is_some() && i == cols.last {
                KeyRole::Last
            } else {
                KeyRole::None
            }
        })
        .collect()
}

impl Cross {
    pub(crate) fn new(ctx: &RuleInput<'_>) -> Cross {
        let cols = Columns::new(ctx);
        let domains = domain_typo::Domains::new(ctx, cols.email);
        let users = ctx.header.kind == FileKind::Users;
        Cross {
            rows_hashed: cols.email.is_some() || cols.id.is_some(),
            users,
            cols,
            canon: ctx.header.columns.iter().map(|c| canon(&c.kind)).collect(),
            email_cols: ctx
                .header
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| matches!(c.kind, ColumnKind::Email(_)))
                .map(|(i, _)| i)
                .collect(),
            kind: Some(ctx.header.kind),
            header_row: ctx.header.row,
            domains,
            attributes: attribute_case_variants::Attributes::new(ctx),
            ..Cross::default()
        }
    }

    /// Remembers what the rules need of one data row. Blank rows are skipped. `clean`: the row
    /// rules took their fast path on every cell (see [`Cross::row_key`]); `keys`: the keys
    /// their fast path computed on such a row (`row::Memo::keys`; `None` takes the general
    /// path); `fixed`: the row as the safe fixes write it, when they change it
    /// ([`super::safe_fixed`]), which gives the keys that decide copies (see
    /// [`Cross::copy_keys`]).
    // Kept out of line: the profile then shows what the cross-row rules cost.
    #[inline(never)]
    pub(crate) fn observe(
        &mut self,
        ctx: &RuleInput<'_>,
        row: &Row<'_>,
        clean: bool,
        keys: Option<&Keys>,
        fixed: Option<&Row<'_>>,
    ) {
        if row.is_blank() || row.record > MAX_RECORD {
            return;
        }
        let record = row.record as u32;
        if clean
            && fixed.is_none()
            && let Some(keys) = keys
            && self.observe_keyed(ctx, row, record, keys)
        {
            return;
        }
        let r = record as usize;
        self.lines.note(record, row.line);
        let cols = &self.cols;
        let users = self.users;

        // The identifying email, with the parts X004 needs.
        let mut email_col = cols.email;
        let mut cell = cols.email.map_or("", |c| row.cell(c));
        let mut t = trimmed(cell);
        if t.is_empty()
            && let Some(alt) = cols.email_alt
        {
            cell = row.cell(alt);
            email_col = Some(alt);
            t = trimmed(cell);
            if !t.is_empty() {
                self.email_alt.set(r);
            }
        }
        if let Some(col) = email_col {
            // A clean row's address passed the row rules' fast path: trimmed ASCII, one `@`,
            // nothing but letters, digits, `-` and dots in the domain.
            let parts = if clean {
                find_at(t.as_bytes()).map(|at| t.as_bytes().split_at(at))
            } else {
                None
            };
            let (h, local, domain) = if let Some((local, at_domain)) = parts
                && let Some(domain) = at_domain.get(1..)
            {
                let h = hash::hash(t.as_bytes(), true);
                let d = self.domains.intern_ascii(domain, &mut self.buf);
                self.domains.count(d, record, col, cell);
                let local = if users {
                    similar::local_key_hash(local)
                } else {
                    0
                };
                (h, local, d)
            } else if t.is_ascii() {
                let h = lower_key(t, &mut self.buf);
                match split_ascii(t.as_bytes()) {
                    Some((local, domain)) => {
                        let d = self.domains.intern_ascii(domain, &mut self.buf);
                        self.domains.count(d, record, col, cell);
                        let local = if users {
                            similar::local_key_hash(local)
                        } else {
                            0
                        };
                        (h, local, d)
                    }
                    None => (h, 0, domain_typo::NONE),
                }
            } else {
                let lower = lowered(cell, &mut self.buf);
                let h = exact_key(lower);
                match similar::split(lower) {
                    Some((local, domain)) => {
                        let d = self.domains.intern(domain);
                        self.domains.count(d, record, col, cell);
                        let local = if users {
                            similar::local_key_hash(local.as_bytes())
                        } else {
                            0
                        };
                        (h, local, d)
                    }
                    None => (h, 0, domain_typo::NONE),
                }
            };
            push_at(&mut self.email, r, h, 0);
            if users {
                push_at(&mut self.local, r, local, 0);
                push_at(&mut self.domain, r, domain, domain_typo::NONE);
            }
        }
        // R004 counts the domains of every email column.
        self.domains.observe(record, row, email_col, &mut self.buf);

        if let Some(c) = cols.id {
            push_at(&mut self.id, r, exact_key(trimmed(row.cell(c))), 0);
        }
        if let Some(c) = cols.new {
            let t = trimmed(row.cell(c));
            let h = if ctx.header.kind == FileKind::EmailChange {
                lower_key(t, &mut self.buf)
            } else {
                exact_key(t)
            };
            push_at(&mut self.new, r, h, 0);
        }
        if let (Some(f), Some(l), true) = (cols.first, cols.last, users) {
            let first = trimmed(row.cell(f));
            let last = trimmed(row.cell(l));
            let h = if first.is_empty() || last.is_empty() {
                0
            } else if clean {
                // Printable ASCII: the fast path checked.
                hash::chain(
                    hash::hash(first.as_bytes(), true),
                    hash::hash(last.as_bytes(), true),
                )
            } else {
                let a = lower_key(first, &mut self.buf);
                hash::chain(a, lower_key(last, &mut self.buf))
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
        if self.rows_hashed {
            let h = if fixed.is_some() {
                0
            } else {
                self.row_key(row, clean)
            };
            push_at(&mut self.row, r, h, 0);
        }
        if let Some(fixed) = fixed {
            self.copy_keys(r, fixed);
        }
        self.attributes.observe(record, row);
    }

    /// Keys record `r`'s email, id and whole row from `fixed`, the row as the safe fixes write
    /// it, replacing the keys of the row as written: copies (X001, X002) are rows equal in the
    /// corrected file, and rows share an address or an id when the corrected file gives them
    /// the same one (`mailto:jane@acme.com` is `jane@acme.com` there). The other keys (names,
    /// local parts, domains, attribute values) stay those of the row as written, which is
    /// what R004's and R020's fixes and X004's hints name.
    fn copy_keys(&mut self, r: usize, fixed: &Row<'_>) {
        let cols = &self.cols;
        let mut email = cols.email.map_or("", |c| trimmed(fixed.cell(c)));
        if email.is_empty()
            && let Some(alt) = cols.email_alt
        {
            email = trimmed(fixed.cell(alt));
        }
        // Each is pushed for `r` by `observe` when its column exists.
        if let Some(h) = self.email.get_mut(r) {
            *h = lower_key(email, &mut self.buf);
        }
        if let (Some(c), Some(h)) = (cols.id, self.id.get_mut(r)) {
            *h = exact_key(trimmed(fixed.cell(c)));
        }
        if self.rows_hashed {
            let key = self.row_key(fixed, false);
            if let Some(h) = self.row.get_mut(r) {
                *h = key;
            }
        }
    }

    /// [`Cross::observe`] for the common row: clean (every cell took the row rules' fast path,
    /// so is trimmed printable ASCII, and an address is valid) with an identifying email. The
    /// row rules computed the email, local-part, id and name keys from the cells they accepted,
    /// in the same pass (`row::Keys`); what is left here is the domain, the row hash and the
    /// attribute values. The same keys as the general path. Returns `false`, having done
    /// nothing, for any other row.
    fn observe_keyed(&mut self, ctx: &RuleInput<'_>, row: &Row<'_>, record: u32, k: &Keys) -> bool {
        let Some(col) = self.cols.email else {
            return false;
        };
        // A blank identifying email (`k.email` 0) may take the other column's: the general path.
        if k.email == 0 {
            return false;
        }
        let text = row.text.as_bytes();
        let ends = row.ends;
        let start = match col.checked_sub(1) {
            Some(p) => ends.get(p).copied().unwrap_or(0),
            None => 0,
        };
        let end = ends.get(col).copied().unwrap_or(0);
        let Some(domain) = text.get(start + k.at + 1..end) else {
            return false;
        };
        let r = record as usize;
        self.lines.note(record, row.line);
        push_at(&mut self.email, r, k.email, 0);
        let d = self.domains.intern_ascii(domain, &mut self.buf);
        self.domains.count_with(d, record, col, || row.cell(col));
        if self.users {
            push_at(&mut self.local, r, k.local, 0);
            push_at(&mut self.domain, r, d, domain_typo::NONE);
        }
        if self.domains.has_others() {
            self.domains.observe(record, row, Some(col), &mut self.buf);
        }
        let cols = &self.cols;
        if cols.id.is_some() {
            push_at(&mut self.id, r, k.id, 0);
        }
        if let Some(c) = cols.new {
            let b = row.cell(c).as_bytes();
            let lower = ctx.header.kind == FileKind::EmailChange;
            let h = if b.is_empty() {
                0
            } else {
                hash::hash(b, lower)
            };
            push_at(&mut self.new, r, h, 0);
        }
        if let (Some(_), Some(_), true) = (cols.first, cols.last, self.users) {
            let h = if k.first == 0 || k.last == 0 {
                0
            } else {
                hash::chain(k.first, k.last)
            };
            push_at(&mut self.name, r, h, 0);
        }
        // A non-empty `reupload_user_profile` cell never takes the fast path.
        if cols.reupload.is_some() {
            self.reupload_blank.set(r);
        }
        let h = if k.capital {
            self.row_key(row, false)
        } else {
            let mut n = ends.len();
            // Trailing empty cells.
            while n > 0 && ends[n - 1] == if n >= 2 { ends[n - 2] } else { 0 } {
                n -= 1;
            }
            let ends = &ends[..n];
            let end = ends.last().copied().unwrap_or(0);
            hash::row(text.get(..end).unwrap_or_default(), ends)
        };
        push_at(&mut self.row, r, h, 0);
        self.attributes.observe(record, row);
        true
    }

    /// A hash of the row as the corrected file will hold it, so that rows the safe fixes make
    /// equal count as copies in the first run (fixing twice then changes nothing more). A row
    /// a safe fix changes comes here as the fix pass writes it (`rules::safe_fixed`, the fix
    /// pass's own procedure, via [`Cross::copy_keys`]); on top of that each cell is trimmed,
    /// cells whose values ignore case (emails, licences, `yes`/`no`, `true`) are put in one
    /// case, and missing or empty trailing cells are ignored (F007).
    ///
    /// A clean row (every cell took the row rules' fast path, so is trimmed and, in license,
    /// group and permission columns, exactly `Active`, `Inactive`, `yes` or `no`) whose email
    /// cells hold no capital already is in that form: its text and cell ends are hashed as
    /// they are. Other rows are written out in that form first. Cells are told apart by their
    /// ends, not by a separator byte, so a cell holding that byte cannot pass for two cells.
    fn row_key(&mut self, row: &Row<'_>, clean: bool) -> u64 {
        let text = row.text.as_bytes();
        let as_is = clean
            && self
                .email_cols
                .iter()
                .all(|&c| !hash::has_capital(row.cell(c).as_bytes()));
        if as_is {
            let mut n = row.ends.len();
            // Trailing empty cells.
            while n > 0 && row.ends[n - 1] == if n >= 2 { row.ends[n - 2] } else { 0 } {
                n -= 1;
            }
            let ends = &row.ends[..n];
            let end = ends.last().copied().unwrap_or(0);
            return hash::row(text.get(..end).unwrap_or_default(), ends);
        }
        let (b, ends) = (&mut self.bytes, &mut self.ends);
        b.clear();
        ends.clear();
        for i in 0..row.len() {
            let t = trimmed(row.cell(i));
            let start = b.len();
            match self.canon.get(i).copied().unwrap_or(Canon::Raw) {
                Canon::Raw => b.extend_from_slice(t.as_bytes()),
                Canon::License if t.eq_ignore_ascii_case("active") => {
                    b.extend_from_slice(b"Active");
                }
                Canon::License if t.eq_ignore_ascii_case("inactive") => {
                    b.extend_from_slice(b"Inactive");
                }
                Canon::Lower | Canon::License => {
                    b.extend_from_slice(t.as_bytes());
                    b[start..].make_ascii_lowercase();
                }
            }
            ends.push(b.len());
        }
        while ends.len() >= 2 && ends[ends.len() - 1] == ends[ends.len() - 2] {
            ends.pop();
        }
        if ends.first() == Some(&0) && ends.len() == 1 {
            ends.pop();
        }
        hash::row(b, ends)
    }

    /// Decides every cross-row finding.
    pub(crate) fn finish(mut self, ctx: &RuleInput<'_>) -> CrossDecisions {
        // X004's local-part keys become its profile keys in place (a million rows would
        // otherwise need 8 MB more, briefly).
        let mut profiles = std::mem::take(&mut self.local);
        let mut b = Builder {
            plan: CrossDecisions {
                header_row: self.header_row,
                cols: self.cols.clone(),
                ..CrossDecisions::default()
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
            // X005 compares the local parts themselves, which X004's keys then replace.
            let namesakes = same_name_different_email::gather(&self, &profiles);
            possible_duplicate_profile::keys(&mut profiles, &self.domain, &org);
            possible_duplicate_profile::finish(&mut b, &profiles);
            same_name_different_email::finish(&mut b, &profiles, namesakes);
        }
        if matches!(kind, FileKind::EmailChange | FileKind::IdChange) {
            change_collision::finish(&mut b, kind);
        }
        TABLE.with_borrow_mut(|t| *t = Vec::new());
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
    plan: CrossDecisions,
    cross: &'a Cross,
    /// `shared` of the emails and of the ids, which several rules read.
    email_shared: Vec<u32>,
    id_shared: Vec<u32>,
}

impl Builder<'_> {
    /// Starts a group of rows sharing a value; `records` ascending.
    fn group(&mut self, code: GroupRule, column: Option<usize>, records: &[u32]) -> u32 {
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
/// This runs over every record once per key, so it is the costliest step of `finish`: the
/// records whose value's bit [`with_twice`] saw twice (the duplicates and about one in sixteen
/// others) are sorted to tell them apart.
fn duplicated(keys: &[u64]) -> Vec<u64> {
    // Widened to u128 for the integer sort the cross-row rules share (a sort of u64 would link
    // a sort of its own).
    let mut candidates: Vec<u128> = with_twice(keys, |twice| {
        keys.iter()
            .copied()
            .filter(|&k| twice.holds(k))
            .map(u128::from)
            .collect()
    });
    candidates.sort_unstable();
    let mut d: Vec<u64> = Vec::new();
    for w in candidates.windows(2) {
        if w[0] == w[1] && d.last() != Some(&(w[0] as u64)) {
            d.push(w[0] as u64);
        }
    }
    d
}

thread_local! {
    /// [`with_twice`]'s table, kept from one call to the next within `Cross::finish` (which
    /// lets it go at its end): fresh memory costs a page fault per 4 KB at first touch, and a
    /// million keys need a 4 MB table for each of the four or five keys.
    static TABLE: std::cell::RefCell<Vec<[u64; 2]>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Which keys may be held twice: keys are uniform hashes, so their top bits pick a bit in a
/// table 16 times larger than the number of keys; one pass over the keys marks the bits seen
/// once and those seen twice. A key whose bit was seen twice is held by two or more records, or
/// shares its bit with another value (about one in sixteen). A clean file of a million rows costs
/// a pass and 4 MB of bits here, briefly.
struct Twice<'a> {
    /// Per word of the table: the bits seen once (`[0]`) and twice (`[1]`), side by side so one
    /// look-up serves both; a power of two words, so masking keeps every index in range.
    bits: &'a [[u64; 2]],
    log: u32,
    /// Words in the table, less one.
    mask: usize,
}

impl Twice<'_> {
    #[inline]
    fn slot(log: u32, mask: usize, k: u64) -> (usize, u64) {
        let b = (k >> (64 - log)) as usize;
        ((b >> 6) & mask, 1u64 << (b & 63))
    }

    /// Whether `k` is a value (not 0) whose bit was seen twice.
    #[inline]
    fn holds(&self, k: u64) -> bool {
        let (w, bit) = Self::slot(self.log, self.mask, k);
        k != 0 && self.bits.get(w).is_some_and(|e| e[1] & bit != 0)
    }
}

/// Marks `keys` in the table and hands it to `f` ([`Twice`]); nothing for fewer than two keys.
fn with_twice<R: Default>(keys: &[u64], f: impl FnOnce(&Twice<'_>) -> R) -> R {
    let n = keys.len();
    if n < 2 {
        return R::default();
    }
    // At least 64 bits, at most 2^31.
    let log = ((n * 16).next_power_of_two().trailing_zeros()).clamp(6, 31);
    let words = 1usize << (log - 6);
    TABLE.with_borrow_mut(|bits| {
        bits.clear();
        bits.resize(words, [0u64; 2]);
        for &k in keys {
            let (w, bit) = Twice::slot(log, words - 1, k);
            // A key of 0 ("no value") marks nothing.
            let bit = bit & 0u64.wrapping_sub(u64::from(k != 0));
            if let Some(e) = bits.get_mut(w) {
                e[1] |= e[0] & bit;
                e[0] |= bit;
            }
        }
        f(&Twice {
            bits,
            log,
            mask: words - 1,
        })
    })
}

/// Every record whose value two or more records hold, sorted by value then record (4 bytes a
/// record: a file of a million identical rows costs 4 MB here, and 16 MB briefly). Empty, and
/// cheap, for a file without duplicates.
///
/// [`with_twice`] picks the candidates (the duplicates and about one in sixteen others); they
/// are sorted as (value, record) pairs and the values held once dropped. No look-up per record:
/// with many shared values (a name column in a large organisation) a binary search over them
/// per record cost more than the rest of the step.
fn shared(keys: &[u64]) -> Vec<u32> {
    // (value, record) packed into one integer, high to low: sorting them is the integer sort
    // the cross-row rules share (a sort of tuples would link a sort of its own).
    let mut pairs: Vec<u128> = with_twice(keys, |twice| {
        keys.iter()
            .enumerate()
            .filter(|&(_, &k)| twice.holds(k))
            .map(|(r, &k)| (u128::from(k) << 32) | r as u128)
            .collect()
    });
    if pairs.is_empty() {
        return Vec::new();
    }
    pairs.sort_unstable();
    let mut records = Vec::new();
    for run in pairs.chunk_by(|a, b| a >> 32 == b >> 32) {
        if run.len() >= 2 {
            records.extend(run.iter().map(|&p| p as u32));
        }
    }
    records
}

/// The groups of `shared` records: runs holding one value, records ascending.
fn runs<'a>(records: &'a [u32], keys: &'a [u64]) -> impl Iterator<Item = &'a [u32]> + 'a {
    records.chunk_by(move |&a, &b| keys[a as usize] == keys[b as usize])
}

/// The cross-row rules that report rows in groups: a rule added here must be worded in
/// [`CrossDecisions::finding`]'s match, which names every one (no catch-all arm to fall into).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupRule {
    X001,
    X002,
    X003,
    X004,
    X005,
    X007,
}

impl GroupRule {
    /// The rule's code.
    pub(super) const fn code(self) -> Code {
        match self {
            GroupRule::X001 => Code::X001,
            GroupRule::X002 => Code::X002,
            GroupRule::X003 => Code::X003,
            GroupRule::X004 => Code::X004,
            GroupRule::X005 => Code::X005,
            GroupRule::X007 => Code::X007,
        }
    }
}

/// Rows sharing a value (a group of a cross-row finding).
#[derive(Debug)]
struct Group {
    code: GroupRule,
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
    ctx: &'a RuleInput<'a>,
    cols: &'a Columns,
    group: &'a Group,
    flags: u32,
    /// The entry's `other`, and read as a record, its spreadsheet row.
    other: u32,
    other_row: u64,
    /// The other rows named, as spreadsheet rows (at most [`NAMED`]).
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
    // Written straight into one string: the fix pass words it for every row of a group (X005
    // on each namesake), where a `Vec<String>`, a `join` and two `format!`s cost ~1,700
    // instructions a time.
    let mut out = String::with_capacity(24 + 8 * others.len());
    out.push_str(if others.len() + more as usize > 1 {
        "rows "
    } else {
        "row "
    });
    let n = others.len();
    for (i, &r) in others.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == n && more == 0 {
                " and "
            } else {
                ", "
            });
        }
        push_decimal(&mut out, r);
    }
    if n > 0 && more > 0 {
        out.push_str(" and ");
        out.push_str(&thousands(more));
        out.push_str(" more");
    }
    out
}

#[cfg(test)]
mod phrase_tests {
    /// The plain way to word it, which `rows_phrase` writes without its allocations.
    fn plain(others: &[u64], more: u64) -> String {
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
            (_, m) => format!(
                "{} and {} more",
                list.join(", "),
                crate::words::thousands(m)
            ),
        };
        format!("{word} {body}")
    }

    #[test]
    fn rows_are_worded_as_the_plain_way_words_them() {
        let rows = [2, 9, 10, 99, 1_234, 1_000_000, u64::MAX];
        for n in 0..=4 {
            for more in [0, 1, 2, 999, 1_000, 1_234_567] {
                let others = &rows[..n];
                assert_eq!(
                    super::rows_phrase(others, more),
                    plain(others, more),
                    "{others:?} {more}"
                );
            }
        }
        assert_eq!(
            super::rows_phrase(&[5, 9], 1_234),
            "rows 5, 9 and 1,234 more"
        );
    }
}

/// What the cross-row rules decided, for both passes.
#[derive(Debug, Default)]
pub(crate) struct CrossDecisions {
    header_row: u64,
    cols: Columns,
    lines: Lines,
    /// One per (row, finding), sorted by record.
    entries: Vec<Entry>,
    groups: Vec<Group>,
    domains: domain_typo::DomainTypoDecisions,
    attributes: attribute_case_variants::CaseVariantDecisions,
    /// X005: the names held by more rows than a duplicate person makes, and those rows.
    common_names: same_name_different_email::Common,
}

impl CrossDecisions {
    /// Every cross-row finding, positioned.
    #[cfg(test)]
    pub(crate) fn findings(&self, ctx: &RuleInput<'_>, sink: &mut Sink<'_>) {
        self.keep_findings(ctx, &mut super::KeepAll(sink));
    }

    /// Every cross-row finding, positioned (the check pass): those `keeper` keeps are built;
    /// the others are only counted, with no message formatted and nothing allocated. A finding's
    /// severity and fix kind depend only on its code and its entry's flags, so the first
    /// finding of each such class not kept is built once to learn them.
    pub(crate) fn keep_findings(&self, ctx: &RuleInput<'_>, keeper: &mut dyn super::Keeper) {
        type Class = (Code, u32, Severity, Option<Applicability>);
        let mut classes: Vec<Class> = Vec::new();
        for e in &self.entries {
            let code = self.groups[e.group as usize].code.code();
            let row = self.header_row + 1 + u64::from(e.record);
            if keeper.keeps(code) {
                let line = self.lines.line(e.record);
                keeper.keep(self.entry_finding(ctx, e, row, line, None));
                continue;
            }
            let class = match classes.iter().find(|c| c.0 == code && c.1 == e.flags) {
                Some(&c) => c,
                None => {
                    let f = self.entry_finding(ctx, e, row, 0, None);
                    let c = (code, e.flags, f.severity, f.fix.map(|x| x.applicability));
                    classes.push(c);
                    c
                }
            };
            keeper.counted(class.0, class.2, class.3);
        }
        self.domains.findings(ctx, self, &mut |f| keeper.keep(f));
        self.attributes.findings(ctx, self, &mut |f| keeper.keep(f));
    }

    /// The file-level notes of the cross-row rules (X005's count of common names): file-level
    /// findings, in the report whatever the cap, and in the fix pass's reports with the
    /// report's other file-level findings.
    pub(crate) fn notes(&self) -> Option<Finding> {
        same_name_different_email::note(self.common_names)
    }

    /// The records an X001 or X002 group leaves alone once its copies are dropped (every other
    /// row of the group repeats this one: `duplicate_email`'s safe fix), with the group's code.
    /// Sorted. The fix pass's preview counts such a row as accepted when the drop is on.
    pub(crate) fn alone_once_copies_dropped(&self) -> Vec<(u32, Code)> {
        let mut copies = vec![0u64; self.groups.len()];
        for e in &self.entries {
            if e.flags & duplicate_email::COPY != 0 {
                copies[e.group as usize] += 1;
            }
        }
        let mut alone: Vec<(u32, Code)> = self
            .entries
            .iter()
            .filter(|e| {
                let g = &self.groups[e.group as usize];
                matches!(g.code, GroupRule::X001 | GroupRule::X002)
                    && e.flags & duplicate_email::COPY == 0
                    && g.len == copies[e.group as usize] + 1
            })
            .map(|e| (e.record, self.groups[e.group as usize].code.code()))
            .collect();
        alone.sort_unstable();
        alone
    }

    /// The cross-row findings of one row (the fix pass), identical to those `findings` gives.
    pub(crate) fn row_findings(&self, ctx: &RuleInput<'_>, row: &Row<'_>, sink: &mut Sink<'_>) {
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
        ctx: &RuleInput<'_>,
        e: &Entry,
        row: u64,
        line: u64,
        current: Option<&Row<'_>>,
    ) -> Finding {
        let g = &self.groups[e.group as usize];
        let to_row = |r: u32| self.header_row + 1 + u64::from(r);
        // The lists stay short: a group of a few rows names them all, a larger one names
        // `NAMED` and counts the rest (each of its rows would repeat a long list otherwise).
        let others: Vec<u64> = g
            .sample
            .iter()
            .filter(|&&r| r != e.record)
            .take(NAMED)
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
            GroupRule::X001 => duplicate_email::finding(&m),
            GroupRule::X002 => duplicate_unique_id::finding(&m),
            GroupRule::X003 => id_email_conflict::finding(&m),
            GroupRule::X004 => possible_duplicate_profile::finding(&m),
            GroupRule::X005 => same_name_different_email::finding(&m),
            GroupRule::X007 => change_collision::finding(&m),
        };
        f.row = Some(row);
        f.line = Some(line);
        f.related_rows = m.others;
        f
    }
}

#[cfg(test)]
pub(crate) mod tests;

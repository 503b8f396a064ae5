//! R rules: one row's cells (R001–R019; the file-wide halves of R004 and R020 are cross-row).
//!
//! [`check`] walks the row's cells once, dispatching each non-empty cell on its column's kind,
//! and gathers a few facts (is there an identifier, an admin grant, an `Active` license, any
//! action) in plain booleans for the row-level rules at the end. Nothing is allocated for a
//! clean cell: every rule first compares the value against what is right, and only builds
//! strings when it reports.
//!
//! In the check pass the fast path also computes the cross-row keys of the cells it accepts
//! (the identifying email's hash and X004 local-part key, the id's and the names' hashes: see
//! [`Keys`]), while the cell is in hand, so the cross-row rules never read a clean row's cells a
//! second time; which cell gives which key is decided by `cross::key_roles`.
//!
//! Rules that look at the same cell agree on who reports what:
//! - R010 (Excel damage) silences every other rule on the cell: the value is lost, so whether it
//!   is a valid email or license value no longer matters.
//! - In email columns R003 owns surrounding blanks, so R012 stays quiet when R003 fires.
//! - Value rules judge the value without its surrounding blanks (R012 reports those); their fix
//!   still replaces the whole cell, so one fix settles both.

use super::{RuleInput, Sink};
use crate::finding::Applicability;
use crate::header::FileKind;
use crate::header::{ColumnKind, EmailRole, Profile};
use crate::registry::Severity;
use crate::row::Row;

pub(crate) mod email;
mod fast;
mod r001_missing_identifier;
mod r002_invalid_email;
mod r003_email_cleanup;
mod r004_email_domain_typo;
mod r005_license_value;
mod r006_yes_no_value;
mod r007_group_permission_value;
mod r008_unknown_group;
mod r009_unique_id;
mod r010_excel_damage;
mod r011_reupload_value;
mod r012_stray_whitespace;
mod r013_mojibake;
mod r014_formula_like;
mod r015_admin_without_license;
mod r016_no_op_row;
mod r017_inactive_user;
mod r018_attribute_value;
mod r019_swapped_columns;

use r001_missing_identifier as missing_identifier;
use r002_invalid_email as invalid_email;
use r003_email_cleanup as email_cleanup;
use r004_email_domain_typo as email_domain_typo;
use r005_license_value as license_value;
use r006_yes_no_value as yes_no_value;
use r007_group_permission_value as group_permission_value;
use r008_unknown_group as unknown_group;
use r009_unique_id as unique_id;
use r010_excel_damage as excel_damage;
use r011_reupload_value as reupload_value;
use r012_stray_whitespace as stray_whitespace;
use r013_mojibake as mojibake;
use r014_formula_like as formula_like;
use r015_admin_without_license as admin_without_license;
use r016_no_op_row as no_op_row;
use r017_inactive_user as inactive_user;
use r018_attribute_value as attribute_value;
use r019_swapped_columns as swapped_columns;

pub(crate) use fast::RowPlan;
use fast::{ColumnPlan, fast_cell};

/// What the row-level rules (R001, R015, R016, R017) need to know about the row, gathered while
/// its cells are checked.
#[derive(Debug, Default)]
struct Facts {
    /// The header has an identifier column (else H003 has said so and R001 stays quiet).
    identifier_column: Option<usize>,
    /// The row has a value in an identifier column.
    identified: bool,
    /// The header has columns that ask for something.
    action_columns: bool,
    /// The row has a value in a column that asks for something.
    acts: bool,
    /// The first cell granting an admin permission.
    admin: Option<usize>,
    /// The header has license columns.
    license_columns: bool,
    /// A license cell says (or means) `Active`.
    active: bool,
    /// The first license cell saying (or meaning) `Inactive`.
    inactive: Option<usize>,
}

/// Which cross-row key a column's cells give (see [`Keys`]); decided by the cross-row rules
/// (`cross::key_roles`), which read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRole {
    None,
    /// The identifying email: its lowercase hash, its `@`, X004's local-part key; and whether
    /// it holds a capital.
    Email,
    /// Another email column: whether it holds a capital.
    OtherEmail,
    /// The user id: its hash as written.
    Id,
    /// First and last name: their lowercase hashes.
    First,
    Last,
}

/// The cross-row keys of the row just checked, computed by the fast path from the cells it
/// accepted, while it had them in hand (the check pass only). Valid when the row was clean
/// (see [`Memo::keys`]); a key is 0 when its cell is empty.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Keys {
    /// `crate::hash::hash(email, true)`.
    pub(crate) email: u64,
    /// Where the identifying email's `@` is, in the cell.
    pub(crate) at: usize,
    /// `cross::local_key` of the email's local part.
    pub(crate) local: u64,
    /// Some email column's cell holds an ASCII capital.
    pub(crate) capital: bool,
    /// `crate::hash::hash(id, false)`.
    pub(crate) id: u64,
    /// `crate::hash::hash(name, true)` of the first and last names.
    pub(crate) first: u64,
    pub(crate) last: u64,
}

/// What the fast path remembers from row to row of one file: per email column, the last domain
/// it accepted. Keyed on content only, so a pass may keep one or not: the findings are the same.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    domains: Vec<Vec<u8>>,
    /// Per column, the key its accepted cells give (the check pass; empty in the fix pass).
    roles: Vec<KeyRole>,
    /// This row's keys, and whether they are complete (the row was clean and keyed).
    keys: Keys,
    keyed: bool,
    /// Whether to count the actions the fast path accepts (the check pass's summary does).
    counting: bool,
    /// Per column, when `counting`: the cells the fast path accepted as exactly `Active` / `yes`
    /// (`[0]`) and `Inactive` / `no` (`[1]`). The action summary adds these up instead of
    /// reading those cells again (see `summary::Actions::absorb`).
    pub(crate) tally: Vec<[u64; 2]>,
    /// The findings only counted (see [`Counter`]).
    pub(crate) count: Counter,
}

/// Per code (`Code as usize`), whether the check pass keeps no more findings of it, and the
/// findings only counted. Apart from the rest of the memo, so that the per-cell rules' general
/// path, which it goes to, takes nothing else of the memo the fast path's loop works with.
#[derive(Debug, Default)]
pub(crate) struct Counter {
    /// Per code (`Code as usize`), when the check pass keeps no more findings of it (the
    /// per-code cap is reached): the row rules then only count theirs in `counted`, without
    /// building them (no message formatted, no cell copied, nothing allocated): the row-level
    /// ones (R001, R015, R016, R017, which fire on whole classes of rows: every revocation,
    /// every admin without a license) here, the per-cell ones through [`Out::report`]. The
    /// summary needs only the counts.
    full: Vec<bool>,
    /// Per code: findings only counted, and of them those with a safe (always 0: a finding with
    /// a safe fix is built) and a suggested fix, in the checker's per-code layout.
    pub(crate) counted: Vec<[u64; 3]>,
    /// The findings only counted, per severity (error, warning, info).
    pub(crate) severity: [u64; 3],
    /// Set when a finding was only counted (the checker clears it before each row).
    pub(crate) any: bool,
}

impl Counter {
    /// Whether a finding of `code` is only counted (its code is full and it has no safe fix);
    /// then it is counted, with its severity and its fix's applicability.
    #[inline(always)]
    fn counts_only(
        &mut self,
        code: crate::Code,
        severity: Severity,
        fix: Option<Applicability>,
    ) -> bool {
        let i = code as usize;
        // A safe fix is always built: the check pass applies the safe fixes to key the row as
        // the corrected file writes it (`rules::safe_fixed`), so copies they make are found in
        // the first run past the cap too; the checker's cap then counts it.
        if fix == Some(Applicability::Safe) || !self.full.get(i).copied().unwrap_or(false) {
            return false;
        }
        if let Some(c) = self.counted.get_mut(i) {
            c[0] += 1;
            if fix == Some(Applicability::Suggested) {
                c[2] += 1;
            }
        }
        self.severity[match severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        }] += 1;
        self.any = true;
        true
    }
}

impl Memo {
    /// A memo that also counts the actions the fast path accepts and computes the cross-row
    /// keys of clean rows (the check pass).
    pub(crate) fn counting() -> Memo {
        Memo {
            counting: true,
            ..Memo::default()
        }
    }

    /// From now on the row rules only count their findings of `code` (see [`Counter`]).
    pub(crate) fn only_count(&mut self, code: crate::Code) {
        let c = &mut self.count;
        let i = code as usize;
        if c.full.len() <= i {
            c.full.resize(crate::Code::ALL.len().max(i + 1), false);
            c.counted.resize(c.full.len(), [0; 3]);
        }
        c.full[i] = true;
    }

    /// Whether a finding of `code` with the rule's severity and no fix is only counted; then it
    /// is counted.
    #[inline(always)]
    fn counts_only(&mut self, code: crate::Code) -> bool {
        self.count.counts_only(code, code.rule().severity, None)
    }

    /// The cross-row keys of the row just checked, when it was clean and the memo computes
    /// them.
    pub(crate) fn keys(&self) -> Option<&Keys> {
        self.keyed.then_some(&self.keys)
    }
}

/// Where the per-cell rules report: the pass's sink, and the counter that says which codes the
/// check pass keeps no more of ([`Memo::only_count`]).
pub(crate) struct Out<'a, 'b> {
    sink: &'a mut Sink<'b>,
    count: &'a mut Counter,
}

impl Out<'_, '_> {
    /// Reports the finding `build` makes: of `code`, with `severity` (`None`: the rule's) and
    /// a fix of applicability `fix` (`None`: no fix). When the check pass keeps no more findings
    /// of `code` it is only counted, and nothing is built: a counter increment, no formatting,
    /// no allocation. (In debug builds it is built anyway, to check that it is what was said.)
    #[inline(always)]
    pub(crate) fn report(
        &mut self,
        code: crate::Code,
        severity: Option<Severity>,
        fix: Option<Applicability>,
        build: impl FnOnce() -> crate::Finding,
    ) {
        let severity = severity.unwrap_or(code.rule().severity);
        if self.count.counts_only(code, severity, fix) {
            #[cfg(debug_assertions)]
            {
                let f = build();
                assert!(
                    f.code == code
                        && f.severity == severity
                        && f.fix.as_ref().map(|x| x.applicability) == fix,
                    "{f:?} counted as {code} {severity:?} {fix:?}"
                );
            }
            return;
        }
        (self.sink)(build());
    }
}

/// Computes the key a cell the fast path accepted gives (the email's own is computed by
/// [`fast_cell`], in its check's loop).
#[inline(always)]
fn key_cell(role: KeyRole, b: &[u8], keys: &mut Keys) {
    use crate::hash;
    match role {
        KeyRole::None | KeyRole::Email => {}
        KeyRole::OtherEmail => keys.capital |= hash::has_capital(b),
        KeyRole::Id => keys.id = hash::hash(b, false),
        KeyRole::First => keys.first = hash::hash(b, true),
        KeyRole::Last => keys.last = hash::hash(b, true),
    }
}

/// Runs every per-row rule on one (non-blank) row, remembering what the fast path learnt in
/// `memo`. Returns whether the row is clean: no more cells than the header has columns and every
/// non-empty cell accepted by the fast path (so trimmed, and in license, group and permission
/// columns exactly `Active`, `Inactive`, `yes` or `no`).
// Inlined into the passes' row handlers: with the sink and the memo known there, the loop over
// the cells compiles to noticeably less work per cell (~6 M instructions on 50k rows).
#[inline(always)]
pub(crate) fn check_with(
    ctx: &RuleInput<'_>,
    plan: &RowPlan,
    row: &Row<'_>,
    sink: &mut Sink<'_>,
    memo: &mut Memo,
) -> bool {
    if memo.domains.len() < plan.columns.len() {
        memo.domains.resize(plan.columns.len(), Vec::new());
        if memo.counting {
            memo.tally.resize(plan.columns.len(), [0; 2]);
            memo.roles = crate::rules::cross::key_roles(ctx);
        }
    }
    memo.keys = Keys::default();
    memo.keyed = false;
    let mut facts = Facts {
        identifier_column: plan.identifier_column,
        action_columns: plan.action_columns,
        license_columns: plan.license_columns,
        ..Facts::default()
    };
    let file = ctx.header.kind;
    // Cells past the header's columns belong to no rule here; cells past the row's end are
    // empty, and an empty cell says nothing.
    let text = row.text.as_bytes();
    let mut start = 0;
    let mut clean = row.ends.len() <= plan.columns.len();
    for (i, (col, &end)) in plan.columns.iter().zip(row.ends).enumerate() {
        let cell = text.get(start..end).unwrap_or_default();
        let cell_start = start;
        start = end;
        if cell.is_empty() {
            continue;
        }
        if fast_cell(col.fast, cell, i, row, cell_start, &mut facts, memo) {
            // The fast path accepts only values without surrounding blanks.
            facts.identified |= col.identifier;
            facts.acts |= col.action;
            if let Some(&role) = memo.roles.get(i) {
                key_cell(role, cell, &mut memo.keys);
            }
            continue;
        }
        clean = false;
        if let Some(value) = row.text.get(cell_start..end) {
            let kind = &ctx.header.columns[i].kind;
            general_cell(
                ctx,
                row,
                i,
                kind,
                col,
                value,
                &mut facts,
                &mut Out {
                    sink,
                    count: &mut memo.count,
                },
            );
        }
    }
    use crate::Code;
    // The row-level rules: each finding is built only when the check pass would keep it.
    if !facts.identified && facts.identifier_column.is_some() && !memo.counts_only(Code::R001) {
        missing_identifier::check(ctx, row, facts.identifier_column, facts.identified, sink);
    }
    if facts.identified {
        if let Some(col) = facts.admin
            && !facts.active
            && !memo.counts_only(Code::R015)
        {
            admin_without_license::check(row, col, facts.license_columns, facts.active, sink);
        }
        if file != FileKind::Deletion
            && facts.action_columns
            && !facts.acts
            && !memo.counts_only(Code::R016)
        {
            no_op_row::check(row, facts.identifier_column, file, sink);
        }
    }
    if let Some(col) = facts.inactive
        && !memo.counts_only(Code::R017)
    {
        inactive_user::check(row, col, sink);
    }
    memo.keyed = clean && !memo.roles.is_empty();
    clean
}

/// The general path for one non-empty cell: every rule that applies to its column, in turn.
#[allow(clippy::too_many_arguments)]
fn general_cell(
    ctx: &RuleInput<'_>,
    row: &Row<'_>,
    i: usize,
    kind: &ColumnKind,
    col: &ColumnPlan,
    value: &str,
    facts: &mut Facts,
    sink: &mut Out<'_, '_>,
) {
    let t = trimmed(value);
    facts.identified |= col.identifier && !t.is_empty();
    facts.acts |= col.action && !t.is_empty();

    // R010 and R014 look only at cells starting with one of a few characters.
    let first = t.as_bytes().first().copied().unwrap_or(b' ');
    if matches!(first, b'#' | b'=' | b'\'' | b'0'..=b'9')
        && excel_damage::check(row, i, kind, t, sink)
    {
        return;
    }
    if matches!(first, b'=' | b'+' | b'-' | b'@') {
        formula_like::check(row, i, t, sink);
    }
    let scan = Scan::of(value);
    let mut cleaned_email = false;
    if let ColumnKind::Email(role) = kind {
        cleaned_email = email_cell(ctx, row, i, *role, value, t, sink);
    }
    if !cleaned_email && (scan.unusual() || t.len() != value.len()) {
        stray_whitespace::check(row, i, value, sink);
    }
    if scan.non_ascii() {
        mojibake::check(row, i, value, sink);
    }
    if t.is_empty() {
        return;
    }
    match kind {
        ColumnKind::License { .. } => match license_value::check(row, i, value, t, sink) {
            Some(license_value::License::Active) => facts.active = true,
            Some(license_value::License::Inactive) => {
                facts.inactive.get_or_insert(i);
            }
            None => {}
        },
        ColumnKind::Group { .. } => {
            yes_no_value::check(row, i, value, t, sink);
        }
        ColumnKind::Permission(_) => {
            let grants = yes_no_value::check(row, i, value, t, sink) == Some(true);
            if grants {
                facts.admin.get_or_insert(i);
            }
        }
        ColumnKind::GroupPermission(_) => {
            let grants = group_permission_value::check(ctx, row, i, value, t, sink);
            if grants {
                facts.admin.get_or_insert(i);
            }
        }
        ColumnKind::UniqueUserId | ColumnKind::NewUniqueUserId | ColumnKind::UniqueId => {
            unique_id::check(row, i, t, sink);
        }
        ColumnKind::Reupload => reupload_value::check(row, i, value, t, sink),
        ColumnKind::Profile(p) => attribute_value::check(row, i, *p, t, sink),
        ColumnKind::FirstName | ColumnKind::LastName | ColumnKind::WorkTitle if scan.at => {
            swapped_columns::name_holds_email(row, i, t, sink);
        }
        _ => {}
    }
}

/// The email rules of one cell. Returns whether R003 reported it (and so owns its blanks).
#[allow(clippy::too_many_arguments)]
fn email_cell(
    ctx: &RuleInput<'_>,
    row: &Row<'_>,
    i: usize,
    role: EmailRole,
    value: &str,
    t: &str,
    sink: &mut Out<'_, '_>,
) -> bool {
    if email::is_valid(value) {
        email_domain_typo::check(ctx, row, i, value, value, sink);
        return false;
    }
    if let Some(clean) = email::cleanup(value) {
        email_domain_typo::check(ctx, row, i, value, &clean, sink);
        email_cleanup::check(row, i, value, clean, sink);
        return true;
    }
    if t.is_empty() {
        return false;
    }
    let problem = email::validate(t).err();
    match role {
        EmailRole::Manager => attribute_value::manager_email(row, i, t, problem, sink),
        _ => invalid_email::check(row, i, t, problem, sink),
    }
    swapped_columns::email_holds_name(row, i, t, sink);
    false
}

/// What one pass over a cell's bytes shows, so the rules that care only about unusual bytes
/// (R012, R013) or an `@` (R019) skip the common clean cell without looking at it again.
#[derive(Debug, Clone, Copy)]
struct Scan {
    /// Only printable ASCII and spaces.
    plain: bool,
    non_ascii: bool,
    at: bool,
}

impl Scan {
    fn of(value: &str) -> Scan {
        let bytes = value.as_bytes();
        let (plain, at) = scan_plain(bytes);
        Scan {
            plain,
            non_ascii: !plain && !value.is_ascii(),
            at,
        }
    }
    fn non_ascii(self) -> bool {
        self.non_ascii
    }
    fn unusual(self) -> bool {
        !self.plain
    }
}

/// Whether every byte is printable ASCII or a space (0x20–0x7E), and whether one is `@`;
/// eight bytes at a time.
fn scan_plain(bytes: &[u8]) -> (bool, bool) {
    use crate::simd::word::{ONES, unprintable as bad, zero_bytes};
    let at = |x: u64| zero_bytes(x ^ (ONES * u64::from(b'@')));
    let word = |i: usize| {
        bytes
            .get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let half = |i: usize| {
        bytes
            .get(i..i + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
    };
    let n = bytes.len();
    let (mut b, mut a) = (0u64, 0u64);
    if n >= 8 {
        let mut i = 0;
        while i + 8 <= n {
            let x = word(i);
            b |= bad(x);
            a |= at(x);
            i += 8;
        }
        // The last bytes: one more word overlapping the ones before (the tests are per byte,
        // so seeing a byte twice changes nothing).
        if i < n {
            let x = word(n - 8);
            b |= bad(x);
            a |= at(x);
        }
    } else if n >= 4 {
        // Two overlapping halves.
        let x = half(0) | (half(n - 4) << 32);
        b = bad(x);
        a = at(x);
    } else {
        // Padded with spaces, which are plain and not `@`.
        let x = bytes
            .iter()
            .rev()
            .fold(ONES * 0x20, |w, &c| (w << 8) | u64::from(c));
        b = bad(x);
        a = at(x);
    }
    (b == 0, a != 0)
}

/// Whether a character is a blank R012 removes from the ends of a value.
pub(super) fn is_stray(c: char) -> bool {
    c.is_whitespace() || crate::rules::text::is_invisible(c) || c.is_control()
}

/// The value without surrounding blanks; a slice of it, with a fast path for the common case.
pub(super) fn trimmed(value: &str) -> &str {
    let b = value.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => value,
        (None, _) | (_, None) => value,
        _ => value.trim_matches(is_stray),
    }
}

/// Whether `value` equals one of `words`, ignoring ASCII case.
pub(super) fn one_of(value: &str, words: &[&str]) -> bool {
    words.iter().any(|w| value.eq_ignore_ascii_case(w))
}

/// Case-insensitive comparison of any text, without allocating.
pub(super) fn eq_fold(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(crate::case::lower_char)
        .eq(b.chars().flat_map(crate::case::lower_char))
}

/// Comparison ignoring case, spaces and punctuation (`Sales-Team` = `sales team`).
pub(super) fn eq_loose(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(crate::case::lower_char)
            .collect::<Vec<_>>()
    };
    let (ka, kb) = (key(a), key(b));
    !ka.is_empty() && ka == kb
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Runs small CSV texts through the real check and fix passes.

    use crate::{Applicability, Code, Finding, FixOptions, Fixer, Options, Report, Suggested};

    /// Checks `csv` with these known groups.
    pub(crate) fn report(csv: &str, groups: &[&str]) -> Report {
        let options = Options {
            known_groups: groups.iter().map(|g| g.to_string()).collect(),
            ..Options::default()
        };
        crate::check(csv.as_bytes(), options)
    }

    /// The findings of a check about one row (R codes).
    pub(crate) fn row_findings(csv: &str, groups: &[&str]) -> Vec<Finding> {
        report(csv, groups)
            .findings
            .into_iter()
            .filter(|f| f.code.rule().scope == crate::Scope::Row)
            .collect()
    }

    /// The corrected file's text.
    pub(crate) fn fixed(csv: &str, groups: &[&str], options: &FixOptions) -> String {
        let report = report(csv, groups);
        let mut fixer = Fixer::new(&report, options);
        fixer.push(csv.as_bytes());
        String::from_utf8(fixer.finish().corrected).unwrap_or_default()
    }

    /// Splits one CSV line (quoted fields allowed, no line breaks inside).
    pub(crate) fn fields(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => out.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            }
        }
        out.push(cur);
        out
    }

    /// What happened to one cell: the codes reported on it (with the fix's applicability), and
    /// the cell in the corrected file with safe fixes only and with every fix.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) struct Outcome {
        pub codes: Vec<(Code, Option<Applicability>)>,
        pub safe: String,
        pub all: String,
    }

    fn quote(v: &str) -> String {
        format!("\"{}\"", v.replace('"', "\"\""))
    }

    /// Checks one cell under `header`, in a row that also has an identifier (column 0).
    pub(crate) fn cell(header: &str, value: &str, groups: &[&str]) -> Outcome {
        let id = if header == "unique_user_id" {
            "primary_email_address,"
        } else {
            "unique_user_id,"
        };
        let id_value = if header == "unique_user_id" {
            "jane.doe@example.com"
        } else {
            "E1001"
        };
        let csv = format!("{id}{header}\r\n{id_value},{}\r\n", quote(value));
        let codes = row_findings(&csv, groups)
            .into_iter()
            .filter(|f| f.column == Some(1))
            .map(|f| (f.code, f.fix.map(|x| x.applicability)))
            .collect();
        let second = |text: String| {
            let line = text.split("\r\n").nth(1).unwrap_or("").to_string();
            fields(&line).get(1).cloned().unwrap_or_default()
        };
        let safe = second(fixed(&csv, groups, &FixOptions::default()));
        let all = second(fixed(
            &csv,
            groups,
            &FixOptions {
                suggested: Suggested::All,
                ..FixOptions::default()
            },
        ));
        Outcome { codes, safe, all }
    }

    /// Shorthands for the tables.
    pub(crate) const SAFE: Option<Applicability> = Some(Applicability::Safe);
    pub(crate) const SUGG: Option<Applicability> = Some(Applicability::Suggested);
    pub(crate) const NONE: Option<Applicability> = None;

    /// One table row: the cell, the codes expected on it, the cell fixed with safe fixes, and
    /// with every fix.
    pub(crate) type Case<'a> = (
        &'a str,
        &'a [(Code, Option<Applicability>)],
        &'a str,
        &'a str,
    );

    /// Runs a table of `(cell, expected codes, fixed with safe fixes, fixed with all fixes)`.
    pub(crate) fn table(header: &str, groups: &[&str], cases: &[Case<'_>]) {
        for (value, codes, safe, all) in cases {
            let got = cell(header, value, groups);
            let want = Outcome {
                codes: codes.to_vec(),
                safe: safe.to_string(),
                all: all.to_string(),
            };
            assert_eq!(got, want, "{header} = {value:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use crate::{Applicability, Code, FixOptions, Suggested};

    /// A file where most rules fire, some cells more than once.
    const MESSY: &str = "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,acme_license_learning_status,group:Sales Team,permission_curate_content,group_permission_view_reports,reupload_user_profile,worker_status,start_date\r\n\
        \" <Jane.Doe@gmial.com>;\",Jane,DOE ,Account Executive,E1001,ACTIVE ,Yes,no,Group:sales team,TRUE,Active,2024-03-15\r\n\
        amy.chen@example.con,Amy,ChÃ©n,=1+2,E-1002,yes,y,Yes,support,yes,retired,3/15/2024\r\n\
        raj@example.com,,,,1.23457E+11,inactive,,,,false,,\r\n\
        ,Ola,Nordmann,Engineer,,Active,no,,,,,\r\n\
        Kim Lee,kim.lee@example.com,Lee,,E1005,,,,,,,\r\n";

    fn all() -> FixOptions {
        FixOptions {
            suggested: Suggested::All,
            ..FixOptions::default()
        }
    }

    #[test]
    fn fixing_twice_equals_fixing_once() {
        for options in [FixOptions::default(), all()] {
            let once = fixed(MESSY, &["Support"], &options);
            let twice = fixed(&once, &["Support"], &options);
            assert_eq!(once, twice);
        }
    }

    #[test]
    fn the_corrected_file_rechecks_without_safe_fixes() {
        for options in [FixOptions::default(), all()] {
            let once = fixed(MESSY, &["Support"], &options);
            let left: Vec<Code> = row_findings(&once, &["Support"])
                .into_iter()
                .filter(|f| {
                    f.fix
                        .as_ref()
                        .is_some_and(|x| x.applicability == Applicability::Safe)
                })
                .map(|f| f.code)
                .collect();
            assert_eq!(left, Vec::<Code>::new(), "{once}");
        }
    }

    #[test]
    fn every_suggestion_applied() {
        let out = fixed(MESSY, &["Support"], &all());
        let rows: Vec<Vec<String>> = out.split("\r\n").skip(1).map(fields).collect();
        assert_eq!(rows[0][0], "Jane.Doe@gmail.com");
        assert_eq!(rows[0][2], "DOE");
        assert_eq!(rows[0][5], "Active");
        assert_eq!(rows[0][6], "yes");
        assert_eq!(rows[0][8], "group:sales team");
        assert_eq!(rows[0][9], "true");
        assert_eq!(rows[1][0], "amy.chen@example.com");
        assert_eq!(rows[1][2], "Chén");
        assert_eq!(rows[1][5], "Active");
        assert_eq!(rows[1][8], "group:Support");
        assert_eq!(rows[2][5], "Inactive");
        // Nothing to fix by machine: kept as written.
        assert_eq!(rows[1][3], "=1+2");
        assert_eq!(rows[2][4], "1.23457E+11");
        assert_eq!(rows[4][0], "Kim Lee");
    }

    #[test]
    fn plain_bytes() {
        for (s, want) in [
            ("", true),
            ("jane.doe@example.com", true),
            ("Director, Sales & Marketing ~ EMEA", true),
            ("abcdefgh\tij", false),
            ("abcdefg\x7f", false),
            ("abcdefghijklmnop\u{a0}", false),
            ("Zoë", false),
            ("\x1f", false),
            ("~~~~~~~~ ~~~~~~~~", true),
        ] {
            let at = s.contains('@');
            assert_eq!(super::scan_plain(s.as_bytes()).1, at, "{s:?}");
            assert_eq!(super::scan_plain(s.as_bytes()).0, want, "{s:?}");
        }
    }

    #[test]
    fn clean_rows_say_nothing() {
        let csv = "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,acme_license_learning_status,group:Sales Team,permission_curate_content,group_permission_view_reports,worker_status,country_code,work_phone_number,start_date,manager_primary_email_address\r\n\
            jane.doe@example.com,Jane,Doe,\"Director, Sales\",E1001,Active,yes,yes,group:Sales Team,active,US,+1 (555) 010-9999,2024-03-15,boss@example.com\r\n\
            zoe.muller@example.de,Zoë,Müller,Engineer,E1002,Active,no,,,inactive,DE,+49 30 1234567,15.03.2024,\r\n";
        assert_eq!(row_findings(csv, &[]), vec![]);
    }
}

#[cfg(test)]
mod properties {
    use super::test_support::*;
    use crate::{FixOptions, Suggested};
    use proptest::prelude::*;

    /// A header with one column of every kind the row rules dispatch on.
    const HEADER: &str = "primary_email_address,manager_primary_email_address,preferred_first_name,work_title,unique_user_id,acme_license_learning_status,group:Sales Team,permission_curate_content,group_permission_view_reports,reupload_user_profile,worker_status,country_code,work_phone_number,start_date,attribute_Office";

    /// Cell text mixing what the rules look for: Excel leftovers, mojibake, group tokens,
    /// blanks, separators, non-ASCII.
    fn cell() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a",
            "Z",
            "é",
            "Ã",
            "©",
            "â€™",
            "\u{FFFD}",
            " ",
            "\u{a0}",
            "\u{200B}",
            "\t",
            "@",
            ".",
            ",",
            ";",
            "<",
            ">",
            "'",
            "\"",
            "=",
            "+",
            "-",
            "#",
            "!",
            "|",
            "(",
            ")",
            "1",
            "E+",
            "group:",
            "Group:",
            "yes",
            "TRUE",
            "Active",
            "mailto:",
            "gmial.com",
            ".con",
            "example.com",
            "Sales Team",
            "東",
        ]);
        prop::collection::vec(atoms, 0..8).prop_map(|v| v.concat())
    }

    fn quote(v: &str) -> String {
        format!("\"{}\"", v.replace('"', "\"\""))
    }

    /// Runs one cell through the fast path and, separately, the general path: the facts each
    /// gathered and the general path's findings.
    fn both_paths(
        column: usize,
        value: &str,
    ) -> (bool, super::Facts, super::Facts, Vec<crate::Finding>) {
        use crate::header::Header;
        use crate::row::Row;
        let names: Vec<String> = HEADER.split(',').map(str::to_string).collect();
        let header = Header::new(names, 1, 1);
        let options = crate::Options {
            known_groups: vec!["Sales Team".to_string()],
            ..crate::Options::default()
        };
        let ctx = crate::rules::RuleInput {
            header: &header,
            options: &options,
        };
        // A second cell after it, so that the fast path may read 16 bytes from the cell's
        // start (and must not take the `@` in it for the cell's own).
        let text = format!("{value}@@@@@@@@@@@@@@@@");
        let ends = [value.len(), text.len()];
        let row = Row {
            record: 0,
            row: 2,
            line: 2,
            text: &text,
            ends: &ends,
            legacy: false,
            raw: None,
            quote_problem: None,
            blank_line: false,
            plain: crate::parse::is_plain(text.as_bytes()),
            sheet: &[],
        };
        let col = super::RowPlan::new(&header.columns, header.kind).columns[column];
        let mut fast = super::Facts::default();
        let accepted = super::fast_cell(
            col.fast,
            value.as_bytes(),
            0,
            &row,
            0,
            &mut fast,
            &mut super::Memo::default(),
        );
        if accepted {
            fast.identified |= col.identifier;
            fast.acts |= col.action;
        }
        let mut general = super::Facts::default();
        let mut found = Vec::new();
        if !value.is_empty() {
            let kind = &header.columns[column].kind;
            let mut memo = super::Memo::default();
            let sink = &mut |f| found.push(f);
            let out = &mut super::Out {
                sink,
                count: &mut memo.count,
            };
            super::general_cell(&ctx, &row, 0, kind, &col, value, &mut general, out);
        }
        (accepted, fast, general, found)
    }

    /// Values the fast paths accept, and near misses.
    fn value() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "Active",
            "Inactive",
            "active",
            "yes",
            "no",
            "Yes",
            "y",
            "E1001",
            "0",
            "1.2E+11",
            "jane",
            ".",
            "@",
            "@acme.com",
            "@gmial.com",
            "@acme.con",
            " ",
            "\u{a0}",
            "é",
            "Ã©",
            "'",
            "=",
            "+",
            "-",
            "#",
            "#N/A",
            "Manager, Sales",
            "group:",
            "Sales Team",
            "\t",
            "x",
        ]);
        prop::collection::vec(atoms, 0..5).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whatever the fast path accepts, the general path finds nothing on, gathering the
        /// same facts: the fast path changes the speed only.
        #[test]
        fn fast_path_agrees_with_general(column in 0usize..15, v in value()) {
            let (accepted, fast, general, found) = both_paths(column, &v);
            if accepted {
                prop_assert!(found.is_empty(), "{:?} in column {}: {:?}", v, column, found);
                prop_assert_eq!(format!("{fast:?}"), format!("{general:?}"));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn any_cells_check_and_fix_stably(cells in prop::collection::vec(cell(), 15)) {
            let row: Vec<String> = cells.iter().map(|c| quote(c)).collect();
            let csv = format!("{HEADER}\r\n{}\r\n", row.join(","));
            let all = FixOptions { suggested: Suggested::All, ..FixOptions::default() };
            for options in [FixOptions::default(), all] {
                let once = fixed(&csv, &["Sales Team"], &options);
                let twice = fixed(&once, &["Sales Team"], &options);
                prop_assert_eq!(&once, &twice);
            }
        }
    }
}

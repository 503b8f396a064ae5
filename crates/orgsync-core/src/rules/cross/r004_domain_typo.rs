//! R004 email-domain-typo, the file-wide half: a domain used by a few rows that is one or two
//! edits away from the domain most of the file's addresses use (`acme.con`, `acme.cmo`,
//! `acmee.com` beside a file full of `acme.com`). The other half, known misspellings (`gmial.com`,
//! a `.con` ending), is a per-row rule; domains it knows are left to it, so a cell gets one R004.
//!
//! Definitions, counted over every email column (identifying emails, `existing_email_address`,
//! `manager_primary_email_address`):
//! - the *main* domain carries more than half of the addresses, and at least 5 of them, and is
//!   not a public mail domain (a misspelt `gmail.com` is the per-row half's business);
//! - a *rare* domain carries at most 2 addresses, or at most 5% as many as the main one;
//! - a rare domain is reported when it is shaped like a domain (letters, digits, `-` and dots,
//!   with a dot) and is 1 edit away from the main domain, or 2 when the main domain has at
//!   least 6 characters (Damerau–Levenshtein: a swap of two letters is one edit).
//!
//! Bounds: at most 10,000 distinct domains are counted (later new ones are ignored), and each
//! domain's occurrences are remembered only up to 1,000 (100,000 in all); a domain whose
//! occurrences were not all remembered is never reported, so both passes agree.
//!
//! This module also names the *org's domains* for X004: domains carrying at least 5% of the
//! addresses and at least 2, public mail domains excepted, when there are two or more of them.
//! With 60 `acme.com`, 30 `acme.co.uk` and 10 `gmail.com` addresses the org's domains are
//! `acme.com` and `acme.co.uk`; with 95 `acme.com`, 4 `acme.de` and 1 `acme.fr` they are
//! `acme.com` and `acme.de`; a file with one domain has none (X004 then compares within a
//! domain only).

use super::{RuleInput, Sink, lowered, similar};
use crate::finding::{Applicability, Finding, Fix};
use crate::header::ColumnKind;
use crate::registry::Code;
use crate::row::Row;
use crate::rules::row::email;
use crate::wire::{Damaged, Reader, Writer};
use crate::words::thousands;
use std::collections::HashMap;

/// "No domain" in the per-record domain vector.
pub(super) const NONE: u32 = u32::MAX;
const MAX_DOMAINS: usize = 10_000;
const MAX_OCCURRENCES_PER_DOMAIN: usize = 1_000;
const MAX_OCCURRENCES: usize = 100_000;

/// Public mail domains: never the org's, never a "main" domain here.
const PUBLIC: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "gmx.de",
    "web.de",
    "mail.com",
    "yandex.ru",
    "qq.com",
    "163.com",
];

pub(crate) fn is_public(domain: &str) -> bool {
    PUBLIC.contains(&domain)
}

fn domain_shaped(d: &str) -> bool {
    d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && d.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[derive(Debug)]
struct Occurrence {
    record: u32,
    column: u32,
    value: Box<str>,
}

#[derive(Debug)]
struct Stat {
    name: Box<str>,
    count: u64,
    /// Every occurrence so far, until there are too many (then `None`).
    seen: Option<Vec<Occurrence>>,
}

/// Domain counts while rows stream past.
#[derive(Debug, Default)]
pub(super) struct Domains {
    columns: Vec<usize>,
    /// `columns` but the identifying one, which the caller counts.
    others: Vec<usize>,
    index: HashMap<Box<str>, u32>,
    stats: Vec<Stat>,
    /// Addresses counted (including those of domains past the cap).
    total: u64,
    remembered: usize,
    /// The last domain interned: files mostly repeat one domain.
    last: Option<u32>,
    /// The last domain `intern_ascii` was given, as written (any case): it interns as `last`.
    last_raw: Vec<u8>,
    /// In a part checker (see `crate::split`): what the rows asked of the table, kept for the
    /// first checker to replay in order; the table itself then stays empty.
    log: Option<Box<Log>>,
}

impl Log {
    pub(super) fn write(&self, w: &mut Writer) {
        w.usize(self.names.len());
        for n in &self.names {
            w.str(n);
        }
        let flat: Vec<u32> = self
            .runs
            .iter()
            .flat_map(|&(a, b, c, d)| [a, b, c, d])
            .collect();
        w.u32s(&flat);
        w.str(&self.texts);
        w.u32s(&self.ends);
    }

    pub(super) fn read(r: &mut Reader<'_>) -> Result<Log, Damaged> {
        let n = r.usize()?;
        let mut names = Vec::new();
        for _ in 0..n {
            names.push(Box::from(r.str()?));
        }
        let flat = r.u32s()?;
        let texts = r.str()?.to_string();
        let ends = r.u32s()?;
        let runs: Vec<(u32, u32, u32, u32)> = flat
            .chunks_exact(4)
            .map(|c| (c[0], c[1], c[2], c[3]))
            .collect();
        let ordered = ends.windows(2).all(|w| w[0] <= w[1])
            && ends.last().is_none_or(|&e| e as usize <= texts.len());
        // Each name's first addresses carry a cell: as many cells as that makes.
        let mut seen = vec![0u64; names.len()];
        let mut cells = 0u64;
        for &(name, _, record, count) in &runs {
            let Some(s) = seen.get_mut(name as usize) else {
                return Err(Damaged);
            };
            let cap = MAX_OCCURRENCES_PER_DOMAIN as u64;
            cells += (*s + u64::from(count)).min(cap) - (*s).min(cap);
            *s += u64::from(count);
            if count == 0 || record.checked_add(count).is_none() {
                return Err(Damaged);
            }
        }
        if flat.len() % 4 != 0 || !ordered || ends.len() as u64 != cells {
            return Err(Damaged);
        }
        Ok(Log {
            names,
            runs,
            texts,
            ends,
            ..Log::default()
        })
    }
}

/// A part checker's domain counts, as a log: which domain (an index into `names`, its own
/// numbering) each counted address had, in the order the rows asked, as runs (most files give
/// one domain to row after row).
#[derive(Debug, Default)]
pub(super) struct Log {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    /// Per name: addresses so far.
    seen: Vec<u32>,
    /// Runs of addresses of one name in one column on consecutive records:
    /// (name, column, first record, addresses).
    runs: Vec<(u32, u32, u32, u32)>,
    /// The cells of each name's first `MAX_OCCURRENCES_PER_DOMAIN` addresses (only those can be
    /// remembered by the merged table), in the order counted: `texts[ends[k-1]..ends[k]]`.
    texts: String,
    ends: Vec<u32>,
}

impl Domains {
    /// `identifying`: the column whose addresses the caller counts itself (with `count`) when
    /// they are not blank.
    pub(super) fn new(ctx: &RuleInput<'_>, identifying: Option<usize>) -> Domains {
        let columns = email_columns(ctx);
        Domains {
            // A blank identifying cell holds no domain: `observe` never needs that column.
            others: columns
                .iter()
                .copied()
                .filter(|&c| Some(c) != identifying)
                .collect(),
            columns,
            ..Domains::default()
        }
    }

    /// A table that logs instead of counting (a part checker's, see `crate::split`).
    pub(super) fn logging(mut self) -> Domains {
        self.log = Some(Box::default());
        self
    }

    fn name(&self, i: u32) -> &str {
        match &self.log {
            Some(log) => &log.names[i as usize],
            None => &self.stats[i as usize].name,
        }
    }

    /// The domain's index in the table, adding it while there is room.
    pub(super) fn intern(&mut self, domain: &str) -> u32 {
        if let Some(i) = self.last
            && *self.name(i) == *domain
        {
            return i;
        }
        if let Some(log) = self.log.as_mut() {
            let i = match log.index.get(domain) {
                Some(&i) => i,
                None => {
                    let i = log.names.len() as u32;
                    log.names.push(domain.into());
                    log.seen.push(0);
                    log.index.insert(domain.into(), i);
                    i
                }
            };
            if self.last != Some(i) {
                self.last_raw.clear();
            }
            self.last = Some(i);
            return i;
        }
        let i = match self.index.get(domain) {
            Some(&i) => i,
            None if self.stats.len() < MAX_DOMAINS => {
                let i = self.stats.len() as u32;
                self.stats.push(Stat {
                    name: domain.into(),
                    count: 0,
                    seen: Some(Vec::new()),
                });
                self.index.insert(domain.into(), i);
                i
            }
            None => return NONE,
        };
        if self.last != Some(i) {
            self.last_raw.clear();
        }
        self.last = Some(i);
        i
    }

    /// [`Domains::intern`] for the domain of an ASCII address, in any case: compared with the
    /// last domain without lowercasing it first, which is what most rows need.
    #[inline]
    pub(super) fn intern_ascii(&mut self, domain: &[u8], buf: &mut String) -> u32 {
        if let Some(i) = self.last
            && crate::hash::same(domain, &self.last_raw)
        {
            return i;
        }
        buf.clear();
        buf.extend(domain.iter().map(|&b| char::from(b.to_ascii_lowercase())));
        let i = self.intern(buf);
        // `intern` set `last` to `i` unless the table is full.
        if self.last == Some(i) {
            self.last_raw.clear();
            self.last_raw.extend_from_slice(domain);
        }
        i
    }

    /// Counts the addresses of every email column but `done`, whose address the caller
    /// already counted.
    /// Whether some email column besides the identifying one needs `observe`.
    pub(super) fn has_others(&self) -> bool {
        !self.others.is_empty()
    }

    pub(super) fn observe(
        &mut self,
        record: u32,
        row: &Row<'_>,
        done: Option<usize>,
        buf: &mut String,
    ) {
        for k in 0..self.others.len() {
            let column = self.others[k];
            let value = row.cell(column);
            if value.is_empty() || Some(column) == done {
                continue;
            }
            let t = super::trimmed(value);
            let i = if t.is_ascii() {
                let Some((_, domain)) = super::split_ascii(t.as_bytes()) else {
                    continue;
                };
                self.intern_ascii(domain, buf)
            } else {
                let lower = lowered(value, buf);
                let Some((_, domain)) = similar::split(lower) else {
                    continue;
                };
                self.intern(domain)
            };
            self.count(i, record, column, value);
        }
    }

    /// Counts one address of domain `i` (from `intern`), found in `value`.
    pub(super) fn count(&mut self, i: u32, record: u32, column: usize, value: &str) {
        self.count_with(i, record, column, || value);
    }

    /// [`Domains::count`], asking for the cell only when its occurrence is remembered.
    #[inline]
    pub(super) fn count_with<'v>(
        &mut self,
        i: u32,
        record: u32,
        column: usize,
        value: impl FnOnce() -> &'v str,
    ) {
        if let Some(log) = self.log.as_mut() {
            let column = column as u32;
            match log.runs.last_mut() {
                Some((n, c, first, count))
                    if *n == i && *c == column && *first + *count == record =>
                {
                    *count += 1;
                }
                _ => log.runs.push((i, column, record, 1)),
            }
            if let Some(n) = log.seen.get_mut(i as usize) {
                *n += 1;
                if (*n as usize) <= MAX_OCCURRENCES_PER_DOMAIN {
                    log.texts.push_str(value());
                    log.ends.push(log.texts.len() as u32);
                }
            }
            return;
        }
        self.total += 1;
        let Some(stat) = self.stats.get_mut(i as usize) else {
            return;
        };
        stat.count += 1;
        if let Some(seen) = stat.seen.as_mut() {
            if seen.len() < MAX_OCCURRENCES_PER_DOMAIN && self.remembered < MAX_OCCURRENCES {
                self.remembered += 1;
                seen.push(Occurrence {
                    record,
                    column: column as u32,
                    value: value().into(),
                });
            } else {
                self.remembered -= seen.len();
                stat.seen = None;
            }
        }
    }

    /// Takes a part checker's log (see `crate::split`): counts its addresses, records moved on
    /// by `records`, in the order its rows gave them, exactly as if this table had seen those
    /// rows. Returns, per name of the log, its index in this table (`NONE` past the cap), for
    /// the part's per-record domains.
    pub(super) fn replay(&mut self, log: &Log, records: u32) -> Vec<u32> {
        let mut map = vec![None; log.names.len()];
        // Per name of the log: its addresses replayed so far.
        let mut done = vec![0usize; log.names.len()];
        let mut cells = log.ends.iter().scan(0usize, |start, &end| {
            let cell = log.texts.get(*start..end as usize).unwrap_or_default();
            *start = end as usize;
            Some(cell)
        });
        for &(name, column, first, count) in &log.runs {
            let k = name as usize;
            let i = *map[k].get_or_insert_with(|| self.intern(&log.names[k]));
            // The log's first addresses of the name have their cell; the table can only
            // remember those (it forgets a domain's addresses past that many).
            let with_cell = MAX_OCCURRENCES_PER_DOMAIN
                .saturating_sub(done[k])
                .min(count as usize);
            done[k] += count as usize;
            let column = column as usize;
            let first = first + records;
            for r in 0..with_cell as u32 {
                let cell = cells.next().unwrap_or_default();
                self.count(i, first + r, column, cell);
            }
            let rest = count - with_cell as u32;
            if rest > 0 {
                self.count_many(i, rest);
            }
        }
        map.into_iter().map(|m| m.unwrap_or(NONE)).collect()
    }

    /// `n` more addresses of domain `i` past the first `MAX_OCCURRENCES_PER_DOMAIN`: counted,
    /// never remembered.
    fn count_many(&mut self, i: u32, n: u32) {
        self.total += u64::from(n);
        let Some(stat) = self.stats.get_mut(i as usize) else {
            return;
        };
        stat.count += u64::from(n);
        if let Some(seen) = stat.seen.take() {
            self.remembered -= seen.len();
        }
    }

    /// The log of a part checker's table.
    pub(super) fn take_log(&mut self) -> Option<Box<Log>> {
        self.log.take()
    }

    /// The org's domains (see the module docs), as table indexes, ascending.
    pub(super) fn org_domains(&self) -> Vec<u32> {
        let org: Vec<u32> = (0..self.stats.len() as u32)
            .filter(|&i| {
                let s = &self.stats[i as usize];
                s.count >= 2 && s.count * 20 >= self.total && !is_public(&s.name)
            })
            .collect();
        if org.len() >= 2 { org } else { Vec::new() }
    }

    pub(super) fn finish(self) -> DomainTypoDecisions {
        let mut plan = DomainTypoDecisions {
            columns: self.columns,
            ..DomainTypoDecisions::default()
        };
        let Some(main) = self
            .stats
            .iter()
            .enumerate()
            .max_by_key(|(i, s)| (s.count, std::cmp::Reverse(*i)))
            .map(|(_, s)| s)
        else {
            return plan;
        };
        if main.count * 2 <= self.total || main.count < 5 || is_public(&main.name) {
            return plan;
        }
        let max_edits = if main.name.chars().count() >= 6 { 2 } else { 1 };
        for s in &self.stats {
            let Some(seen) = s.seen.as_ref() else {
                continue;
            };
            let rare = s.count <= 2 || s.count * 20 <= main.count;
            // A known misspelling (`acme.con`) is the per-row half's: reported once, there.
            if !rare || !domain_shaped(&s.name) || email::domain_typo(&s.name).is_some() {
                continue;
            }
            let edits = strsim::damerau_levenshtein(&s.name, &main.name);
            if edits == 0 || edits > max_edits {
                continue;
            }
            plan.typos.insert(s.name.clone(), (s.count, edits));
            plan.occurrences
                .extend(seen.iter().map(|o| (o.record, o.column, o.value.clone())));
        }
        // By record, then column: (record, column, index) packed into one integer, so that
        // sorting is the integer sort the cross-row rules share (sorting the tuples would link
        // a sort of its own). A cell is one occurrence at most, so the value never decides.
        let mut order: Vec<u128> = plan
            .occurrences
            .iter()
            .enumerate()
            .map(|(i, &(r, c, _))| (u128::from(r) << 64) | (u128::from(c) << 32) | i as u128)
            .collect();
        order.sort_unstable();
        debug_assert!(order.windows(2).all(|w| w[0] >> 32 != w[1] >> 32));
        plan.order = order.into_iter().map(|p| p as u32).collect();
        plan.share = main.count * 100 / self.total.max(1);
        plan.main = main.name.clone();
        plan
    }
}

/// Every email column R004 reads.
fn email_columns(ctx: &RuleInput<'_>) -> Vec<usize> {
    ctx.header
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.kind, ColumnKind::Email(_)))
        .map(|(i, _)| i)
        .collect()
}

/// What R004's file-wide half decided.
#[derive(Debug, Default)]
pub(super) struct DomainTypoDecisions {
    columns: Vec<usize>,
    main: Box<str>,
    /// Percent of the file's addresses on the main domain.
    share: u64,
    /// Rare domain → (addresses, edits away from the main domain).
    typos: HashMap<Box<str>, (u64, usize)>,
    /// Every occurrence of a reported domain: (record, column, cell).
    occurrences: Vec<(u32, u32, Box<str>)>,
    /// Indexes into `occurrences`, by record then column.
    order: Vec<u32>,
}

impl DomainTypoDecisions {
    pub(super) fn findings(
        &self,
        _ctx: &RuleInput<'_>,
        plan: &super::CrossDecisions,
        sink: &mut Sink<'_>,
    ) {
        for &i in &self.order {
            let (record, column, value) = &self.occurrences[i as usize];
            let mut buf = String::new();
            let lower = lowered(value, &mut buf);
            let Some((_, domain)) = similar::split(lower) else {
                continue;
            };
            let Some(&(count, edits)) = self.typos.get(domain) else {
                continue;
            };
            let (row, line) = plan.position(*record);
            let mut f = self.finding(value, domain, count, edits, *column as usize);
            f.row = Some(row);
            f.line = Some(line);
            sink(f);
        }
    }

    pub(super) fn row_findings(&self, _ctx: &RuleInput<'_>, row: &Row<'_>, sink: &mut Sink<'_>) {
        if self.typos.is_empty() {
            return;
        }
        let mut buf = String::new();
        for &column in &self.columns {
            let value = row.cell(column);
            if value.is_empty() {
                continue;
            }
            let lower = lowered(value, &mut buf);
            let Some((_, domain)) = similar::split(lower) else {
                continue;
            };
            let Some(&(count, edits)) = self.typos.get(domain) else {
                continue;
            };
            let mut f = self.finding(value, domain, count, edits, column);
            f.row = Some(row.row);
            f.line = Some(row.line);
            sink(f);
        }
    }

    fn finding(
        &self,
        value: &str,
        domain: &str,
        count: u64,
        edits: usize,
        column: usize,
    ) -> Finding {
        let mut f = Finding::new(
            Code::R004,
            format!(
                "The domain `{}` ({} in this file) is {} away from `{}`, which {}% of the file's addresses use: probably a typo.",
                super::super::text::excerpt(domain),
                if count == 1 {
                    "1 address".to_string()
                } else {
                    format!("{} addresses", thousands(count))
                },
                if edits == 1 {
                    "one keystroke"
                } else {
                    "two keystrokes"
                },
                self.main,
                self.share
            ),
            "Correct the domain in this cell (the suggested fix does); if it is right after all, leave it.",
        );
        f.column = Some(column);
        if let Some(after) = replace_domain(value, &self.main) {
            f = f.fix(Fix::set_cell(Applicability::Suggested, value, after));
        }
        f
    }
}

/// The cell with the part after its last `@` (surrounding spaces kept) replaced by `domain`.
fn replace_domain(value: &str, domain: &str) -> Option<String> {
    let at = value.rfind('@')?;
    let rest = &value[at + 1..];
    let tail = &rest[rest.trim_end().len()..];
    Some(format!("{}{domain}{tail}", &value[..at + 1]))
}

#[cfg(test)]
mod tests {
    use super::replace_domain;

    #[test]
    fn domain_replacement_keeps_the_rest() {
        assert_eq!(
            replace_domain("Jane.Doe@Acme.con", "acme.com").as_deref(),
            Some("Jane.Doe@acme.com")
        );
        assert_eq!(
            replace_domain(" jane@acme.cmo  ", "acme.com").as_deref(),
            Some(" jane@acme.com  ")
        );
        assert_eq!(replace_domain("jane", "acme.com"), None);
    }
}

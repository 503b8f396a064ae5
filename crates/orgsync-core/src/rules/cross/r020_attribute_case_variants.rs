//! R020 attribute-case-variants: a custom `attribute_*` column holds values that differ only by
//! case or spacing (`Sydney Office`, `Sydney office`, `Sydney  Office`); the uploader keeps
//! them as different values. Each less frequent spelling is reported on every row holding it,
//! with a suggested fix to the column's most frequent spelling (the first one seen on a tie).
//!
//! "Spacing" means runs of spaces inside the value. A spelling that equals the most frequent
//! one once trimmed is left to R012 (stray whitespace), which fixes it safely.
//!
//! Bounds: per column at most 5,000 distinct values are tracked; a column with more is taken as
//! free text (names, ids, descriptions) and R020 gives up on it. A spelling is remembered on at
//! most 1,000 rows (200,000 in all); a spelling used on more rows is taken as deliberate and
//! never reported, so both passes agree.

use super::{Sink, lowered, trimmed};
use crate::finding::{Applicability, Finding, Fix};
use crate::header::ColumnKind;
use crate::registry::Code;
use crate::row::Row;
use crate::rules::RuleInput;
use crate::wire::{Damaged, Reader, Writer};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const MAX_VALUES: usize = 5_000;
const MAX_ROWS_PER_VALUE: usize = 1_000;
const MAX_ROWS: usize = 200_000;
/// How many recent distinct values a column compares a cell with before hashing it.
const RECENT: usize = 8;

/// A hasher for keys that already are hashes.
#[derive(Debug, Default, Clone, Copy)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A cheap fingerprint of a value: its length and first and last eight bytes. Equal values have
/// equal tags; different values rarely do, and are then told apart by comparing their bytes.
#[inline(always)]
fn tag(b: &[u8]) -> u64 {
    let n = b.len();
    let word = |i: usize| {
        b.get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let x = if n >= 8 {
        word(0) ^ word(n - 8).rotate_left(29)
    } else {
        b.iter().fold(0u64, |w, &c| (w << 8) | u64::from(c))
    };
    x ^ ((n as u64) << 56)
}

#[derive(Debug)]
struct Value {
    text: Box<str>,
    count: u64,
    /// Every row holding this spelling, until there are too many (then `None`).
    records: Option<Vec<u32>>,
}

#[derive(Debug)]
struct Column {
    index: usize,
    values: Vec<Value>,
    by_hash: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
    /// The last few distinct values seen (indexes into `values`), compared before hashing.
    recent: Vec<u32>,
    /// Each recent value's [`tag`], compared first: one word per value, no slicing.
    recent_tags: Vec<u64>,
    /// Where the next value goes in `recent` once it is full.
    next_recent: usize,
    gave_up: bool,
}

/// Distinct values per attribute column while rows stream past.
#[derive(Debug, Default)]
pub(super) struct Attributes {
    columns: Vec<Column>,
    remembered: usize,
    /// In a part checker (see `crate::split`): the cells, kept for the first checker to replay.
    log: Option<Box<Log>>,
}

impl Attributes {
    pub(super) fn new(ctx: &RuleInput<'_>) -> Attributes {
        Attributes {
            columns: ctx
                .header
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| matches!(c.kind, ColumnKind::Attribute { .. }))
                .map(|(index, _)| Column {
                    index,
                    values: Vec::new(),
                    by_hash: HashMap::default(),
                    recent: Vec::new(),
                    recent_tags: Vec::new(),
                    next_recent: 0,
                    gave_up: false,
                })
                .collect(),
            remembered: 0,
            log: None,
        }
    }

    // Inlined into `Cross::observe`: out of line, as the compiler chose after unrelated changes,
    // the check pass cost ~3 M instructions more on 50k rows.
    #[inline(always)]
    pub(super) fn observe(&mut self, record: u32, row: &Row<'_>) {
        if let Some(log) = self.log.as_mut() {
            log.observe(&self.columns, record, row);
            return;
        }
        for col in &mut self.columns {
            let cell = row.cell(col.index);
            if cell.is_empty() || col.gave_up {
                continue;
            }
            observe_cell(col, &mut self.remembered, record, cell);
        }
    }

    /// A table that logs instead of counting (a part checker's, see `crate::split`).
    pub(super) fn logging(mut self) -> Attributes {
        self.log = Some(Box::new(Log {
            columns: self.columns.iter().map(|_| LogColumn::default()).collect(),
            events: Vec::new(),
        }));
        self
    }

    /// The log of a part checker's table.
    pub(super) fn take_log(&mut self) -> Option<Box<Log>> {
        self.log.take()
    }

    /// Takes a part checker's log: its cells, records moved on by `records`, in its rows'
    /// order, exactly as if this table had seen those rows.
    pub(super) fn replay(&mut self, log: &Log, records: u32) {
        for &(record, k, value) in &log.events {
            let (Some(col), Some(values)) = (
                self.columns.get_mut(k as usize),
                log.columns.get(k as usize),
            ) else {
                continue;
            };
            if col.gave_up {
                continue;
            }
            observe_cell(
                col,
                &mut self.remembered,
                record + records,
                &values.values[value as usize],
            );
        }
    }

    pub(super) fn finish(self) -> CaseVariantDecisions {
        let mut plan = CaseVariantDecisions::default();
        for col in self.columns {
            if col.gave_up {
                continue;
            }
            let k = plan.columns.len() as u32;
            // The values grouped by spelling key, groups in the order their first value was
            // seen: as no two groups share a value, that is the order sorting them would give,
            // without a sort of its own in the wasm.
            let mut group_of: HashMap<String, usize> = HashMap::new();
            let mut groups: Vec<Vec<usize>> = Vec::new();
            for (i, v) in col.values.iter().enumerate() {
                let next = groups.len();
                let g = *group_of.entry(spelling_key(&v.text)).or_insert(next);
                if g == next {
                    groups.push(Vec::new());
                }
                groups[g].push(i);
            }
            let mut column = ColumnPlan {
                index: col.index,
                variants: Vec::new(),
                lookup: HashMap::new(),
            };
            for group in groups.iter().filter(|g| g.len() > 1) {
                // The most frequent spelling; the first seen on a tie.
                let Some(&target) = group
                    .iter()
                    .max_by_key(|&&i| (col.values[i].count, std::cmp::Reverse(i)))
                else {
                    continue;
                };
                let t = &col.values[target];
                for &i in group {
                    let v = &col.values[i];
                    let Some(records) = v.records.as_ref() else {
                        continue;
                    };
                    if i == target || trimmed(&v.text) == &*t.text {
                        continue;
                    }
                    let id = column.variants.len() as u32;
                    column.lookup.insert(v.text.clone(), id);
                    column.variants.push(Variant {
                        text: v.text.clone(),
                        target: t.text.clone(),
                        target_count: t.count,
                        count: v.count,
                    });
                    plan.occurrences.extend(
                        records.iter().map(|&r| {
                            (u128::from(r) << 64) | (u128::from(k) << 32) | u128::from(id)
                        }),
                    );
                }
            }
            if !column.variants.is_empty() {
                plan.columns.push(column);
            }
        }
        plan.occurrences.sort_unstable();
        plan
    }
}

/// Values meet under this key when they differ only by case or spacing.
fn spelling_key(value: &str) -> String {
    let mut buf = String::new();
    let lower = lowered(value, &mut buf);
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One non-empty cell of a column R020 still tracks.
#[inline(always)]
fn observe_cell(col: &mut Column, remembered: &mut usize, record: u32, cell: &str) {
    // Columns mostly repeat a few values: compare with the last few before hashing, by
    // their tags first (equal values have equal tags).
    let t = tag(cell.as_bytes());
    let recent = col
        .recent_tags
        .iter()
        .zip(&col.recent)
        .filter(|&(&rt, _)| rt == t)
        .map(|(_, &k)| k)
        .find(|&k| {
            col.values
                .get(k as usize)
                .is_some_and(|v| crate::hash::same(v.text.as_bytes(), cell.as_bytes()))
        });
    let i = if let Some(k) = recent {
        k as usize
    } else {
        let h = crate::hash::hash(cell.as_bytes(), false);
        let i = match col.by_hash.get(&h) {
            // A different value with the same hash (vanishingly rare) is not tracked.
            Some(&i) if *col.values[i as usize].text != *cell => return,
            Some(&i) => i as usize,
            None if col.values.len() < MAX_VALUES => {
                col.values.push(Value {
                    text: cell.into(),
                    count: 0,
                    records: Some(Vec::new()),
                });
                col.by_hash.insert(h, (col.values.len() - 1) as u32);
                col.values.len() - 1
            }
            None => {
                col.gave_up = true;
                *remembered -= col
                    .values
                    .iter()
                    .filter_map(|v| v.records.as_ref().map(Vec::len))
                    .sum::<usize>();
                col.values = Vec::new();
                col.by_hash = HashMap::default();
                col.recent = Vec::new();
                col.recent_tags = Vec::new();
                return;
            }
        };
        if col.recent.len() < RECENT {
            col.recent.push(i as u32);
            col.recent_tags.push(t);
        } else {
            col.recent[col.next_recent] = i as u32;
            col.recent_tags[col.next_recent] = t;
            col.next_recent = (col.next_recent + 1) % RECENT;
        }
        i
    };
    let v = &mut col.values[i];
    v.count += 1;
    if let Some(records) = v.records.as_mut() {
        if records.len() < MAX_ROWS_PER_VALUE && *remembered < MAX_ROWS {
            records.push(record);
            *remembered += 1;
        } else {
            *remembered -= records.len();
            v.records = None;
        }
    }
}

/// A part checker's attribute values, as a log: per column its distinct values (its own
/// numbering), and per non-empty cell (record, column, value), in the rows' order.
#[derive(Debug, Default)]
pub(super) struct Log {
    columns: Vec<LogColumn>,
    events: Vec<(u32, u32, u32)>,
}

#[derive(Debug, Default)]
struct LogColumn {
    values: Vec<Box<str>>,
    /// The values by their [`crate::hash::hash`] (a value whose hash another value has is
    /// looked for in `values`).
    index: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
    last: Option<u32>,
    /// More distinct values than R020 tracks: the merged table gives up on the column by the
    /// time its log ends, so the rest is not logged.
    gave_up: bool,
}

impl Log {
    pub(super) fn write(&self, w: &mut Writer) {
        w.usize(self.columns.len());
        for c in &self.columns {
            w.usize(c.values.len());
            for v in &c.values {
                w.str(v);
            }
        }
        w.triples(&self.events);
    }

    pub(super) fn read(r: &mut Reader<'_>) -> Result<Log, Damaged> {
        let n = r.usize()?;
        let mut columns = Vec::new();
        for _ in 0..n.min(1 << 16) {
            let m = r.usize()?;
            let mut values = Vec::new();
            for _ in 0..m {
                values.push(Box::from(r.str()?));
            }
            columns.push(LogColumn {
                values,
                ..LogColumn::default()
            });
        }
        let events = r.triples()?;
        let fits = |&(_, k, v): &(u32, u32, u32)| {
            columns
                .get(k as usize)
                .is_some_and(|c: &LogColumn| (v as usize) < c.values.len())
        };
        if columns.len() != n || !events.iter().all(fits) {
            return Err(Damaged);
        }
        Ok(Log { columns, events })
    }

    #[inline]
    fn observe(&mut self, columns: &[Column], record: u32, row: &Row<'_>) {
        for (k, (col, log)) in columns.iter().zip(&mut self.columns).enumerate() {
            let cell = row.cell(col.index);
            if cell.is_empty() || log.gave_up {
                continue;
            }
            let value = match log.last {
                Some(v) if *log.values[v as usize] == *cell => v,
                _ => {
                    let h = crate::hash::hash(cell.as_bytes(), false);
                    match log.index.get(&h) {
                        Some(&v) if *log.values[v as usize] == *cell => v,
                        found => {
                            let v = match found {
                                // Another value with this hash (vanishingly rare): looked for.
                                Some(_) => log.values.iter().position(|x| **x == *cell),
                                None => None,
                            };
                            v.map_or_else(
                                || {
                                    let v = log.values.len() as u32;
                                    log.values.push(cell.into());
                                    log.index.entry(h).or_insert(v);
                                    // The merged table has seen every one of these values
                                    // by now.
                                    log.gave_up = log.values.len() > MAX_VALUES;
                                    v
                                },
                                |v| v as u32,
                            )
                        }
                    }
                }
            };
            log.last = Some(value);
            self.events.push((record, k as u32, value));
        }
    }
}

#[derive(Debug)]
struct Variant {
    text: Box<str>,
    target: Box<str>,
    target_count: u64,
    count: u64,
}

#[derive(Debug)]
struct ColumnPlan {
    index: usize,
    variants: Vec<Variant>,
    /// Spelling → variant.
    lookup: HashMap<Box<str>, u32>,
}

/// What R020 decided.
#[derive(Debug, Default)]
pub(super) struct CaseVariantDecisions {
    columns: Vec<ColumnPlan>,
    /// (record, column in `columns`, variant) packed high to low into one integer, by record:
    /// sorting them is the integer sort the cross-row rules share (a sort of tuples would link
    /// a sort of its own).
    occurrences: Vec<u128>,
}

impl CaseVariantDecisions {
    pub(super) fn findings(
        &self,
        _ctx: &RuleInput<'_>,
        plan: &super::CrossDecisions,
        sink: &mut Sink<'_>,
    ) {
        for &p in &self.occurrences {
            let (record, k, id) = ((p >> 64) as u32, (p >> 32) as u32, p as u32);
            let column = &self.columns[k as usize];
            let v = &column.variants[id as usize];
            let (row, line) = plan.position(record);
            let mut f = finding(&v.text, v, column.index);
            f.row = Some(row);
            f.line = Some(line);
            sink(f);
        }
    }

    pub(super) fn row_findings(&self, row: &Row<'_>, sink: &mut Sink<'_>) {
        for column in &self.columns {
            let cell = row.cell(column.index);
            if let Some(&id) = column.lookup.get(cell) {
                let mut f = finding(cell, &column.variants[id as usize], column.index);
                f.row = Some(row.row);
                f.line = Some(row.line);
                sink(f);
            }
        }
    }
}

fn finding(value: &str, v: &Variant, column: usize) -> Finding {
    let excerpt = super::super::text::excerpt;
    let mut f = Finding::new(
        Code::R020,
        format!(
            "`{}` ({} in this column) differs only by case or spacing from `{}` ({}); the uploader keeps them as two different values.",
            excerpt(value),
            rows(v.count),
            excerpt(&v.target),
            rows(v.target_count),
        ),
        "Use one spelling throughout the column (the suggested fix writes the most frequent one); Excel's Find & Replace with \"Match case\" does it by hand.",
    )
    .fix(Fix::set_cell(Applicability::Suggested, value, &*v.target));
    f.column = Some(column);
    f
}

fn rows(n: u64) -> String {
    if n == 1 {
        "1 row".to_string()
    } else {
        format!("{} rows", crate::words::thousands(n))
    }
}

//! A part checker's cross-row state (see `crate::split`): written after its rows, read and
//! merged by the first checker. The per-record keys are concatenated; the domain and attribute
//! tables, whose caps make them depend on the order rows come in, are replayed from the part's
//! logs, so the merged state is the one a single pass would have built.

use super::{Bits, Cross, MAX_RECORD, attribute_case_variants, domain_typo};
use crate::wire::{Damaged, Reader, Writer, u32s_of, u64s_of};

/// A part's cross-row state, read back; the per-record vectors stay in the part's bytes until
/// they are appended (one copy, not two).
#[derive(Debug)]
pub(crate) struct CrossPart<'a> {
    email: &'a [u8],
    email_alt: Vec<u64>,
    id: &'a [u8],
    row: &'a [u8],
    local: &'a [u8],
    domain: &'a [u8],
    name: &'a [u8],
    new: &'a [u8],
    reupload_true: Vec<u64>,
    reupload_blank: Vec<u64>,
    lines: Vec<(u32, u64)>,
    domains: domain_typo::Log,
    attributes: attribute_case_variants::Log,
}

impl Cross {
    /// The cross-row state of a part checker: its domain and attribute tables log.
    pub(crate) fn logging(mut self) -> Cross {
        self.domains = std::mem::take(&mut self.domains).logging();
        self.attributes = std::mem::take(&mut self.attributes).logging();
        self
    }

    /// About how many bytes [`Cross::write_part`] writes: its per-record vectors exactly (the
    /// bulk of a part), the tables' logs not counted.
    pub(crate) fn part_len(&self) -> usize {
        let words = self.email.len()
            + self.email_alt.0.len()
            + self.id.len()
            + self.row.len()
            + self.local.len()
            + self.name.len()
            + self.new.len()
            + self.reupload_true.0.len()
            + self.reupload_blank.0.len();
        words * 8 + self.domain.len() * 4 + self.lines.0.len() * 12 + 16 * 8
    }

    /// Makes room for `records` records in all in the per-record vectors this file uses (those
    /// its rows so far have filled), so that a merge appends in place instead of moving each
    /// vector: on a 1M-row file in the browser, ~50 MB less fresh memory to touch.
    pub(crate) fn reserve_records(&mut self, records: usize) {
        fn room<T>(v: &mut Vec<T>, records: usize) {
            if !v.is_empty() {
                v.reserve_exact(records.saturating_sub(v.len()));
            }
        }
        room(&mut self.email, records);
        room(&mut self.id, records);
        room(&mut self.row, records);
        room(&mut self.local, records);
        room(&mut self.domain, records);
        room(&mut self.name, records);
        room(&mut self.new, records);
    }

    /// Writes what a part checker's rows left here (after the last row).
    pub(crate) fn write_part(&mut self, w: &mut Writer) {
        w.u64s(&self.email);
        w.u64s(&self.email_alt.0);
        w.u64s(&self.id);
        w.u64s(&self.row);
        w.u64s(&self.local);
        w.u32s(&self.domain);
        w.u64s(&self.name);
        w.u64s(&self.new);
        w.u64s(&self.reupload_true.0);
        w.u64s(&self.reupload_blank.0);
        let (records, lines): (Vec<u32>, Vec<u64>) = self.lines.0.iter().copied().unzip();
        w.u32s(&records);
        w.u64s(&lines);
        self.domains.take_log().unwrap_or_default().write(w);
        self.attributes.take_log().unwrap_or_default().write(w);
    }

    /// Reads what [`Cross::write_part`] wrote.
    pub(crate) fn read_part<'a>(r: &mut Reader<'a>) -> Result<CrossPart<'a>, Damaged> {
        let mut p = CrossPart {
            email: r.u64s_raw()?,
            email_alt: r.u64s()?,
            id: r.u64s_raw()?,
            row: r.u64s_raw()?,
            local: r.u64s_raw()?,
            domain: r.u32s_raw()?,
            name: r.u64s_raw()?,
            new: r.u64s_raw()?,
            reupload_true: r.u64s()?,
            reupload_blank: r.u64s()?,
            lines: Vec::new(),
            domains: domain_typo::Log::default(),
            attributes: attribute_case_variants::Log::default(),
        };
        let records = r.u32s()?;
        let lines = r.u64s()?;
        if records.len() != lines.len() {
            return Err(Damaged);
        }
        p.lines = records.into_iter().zip(lines).collect();
        p.domains = domain_typo::Log::read(r)?;
        p.attributes = attribute_case_variants::Log::read(r)?;
        Ok(p)
    }

    /// Whether a part of `records` records can follow this checker's `before` records.
    pub(crate) fn fits(before: u64, records: u64) -> bool {
        before.saturating_add(records) <= MAX_RECORD
    }

    /// Takes a part's state: its records follow this checker's first `records` records, its
    /// lines are `lines` further on (see [`Cross::fits`]).
    pub(crate) fn merge_part(&mut self, p: CrossPart<'_>, records: u64, lines: i64) {
        let off = records as usize;
        let concat = |a: &mut Vec<u64>, b: &[u8]| {
            if !b.is_empty() {
                let b = u64s_of(b);
                a.reserve_exact(off + b.len() - a.len().min(off));
                a.resize(off, 0);
                a.extend(b);
            }
        };
        concat(&mut self.email, p.email);
        concat(&mut self.id, p.id);
        concat(&mut self.row, p.row);
        concat(&mut self.local, p.local);
        concat(&mut self.name, p.name);
        concat(&mut self.new, p.new);
        let or_bits = |a: &mut Bits, b: &[u64]| {
            for (w, &word) in b.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let bit = word.trailing_zeros() as usize;
                    a.set(off + w * 64 + bit);
                    word &= word - 1;
                }
            }
        };
        or_bits(&mut self.email_alt, &p.email_alt);
        or_bits(&mut self.reupload_true, &p.reupload_true);
        or_bits(&mut self.reupload_blank, &p.reupload_blank);
        for (record, line) in p.lines {
            let line = (line as i64 + lines).max(0) as u64;
            self.lines.note(record + records as u32, line);
        }
        let map = self.domains.replay(&p.domains, records as u32);
        if !p.domain.is_empty() {
            self.domain.resize(off, domain_typo::NONE);
            self.domain.reserve_exact(p.domain.len() / 4);
            self.domain.extend(u32s_of(p.domain).map(|d| {
                if d == domain_typo::NONE {
                    d
                } else {
                    map.get(d as usize).copied().unwrap_or(domain_typo::NONE)
                }
            }));
        }
        self.attributes.replay(&p.attributes, records as u32);
    }
}

//! A part checker's cross-row state (see `crate::split`): written after its rows, read and
//! merged by the first checker. The per-record keys are concatenated; the domain and attribute
//! tables, whose caps make them depend on the order rows come in, are replayed from the part's
//! logs, so the merged state is the one a single pass would have built.

use super::{Bits, Cross, MAX_RECORD, attribute_case_variants, domain_typo};
use crate::wire::{Damaged, Reader, Writer};

/// A part's cross-row state, read back.
#[derive(Debug)]
pub(crate) struct CrossPart {
    email: Vec<u64>,
    email_alt: Vec<u64>,
    id: Vec<u64>,
    row: Vec<u64>,
    local: Vec<u64>,
    domain: Vec<u32>,
    name: Vec<u64>,
    new: Vec<u64>,
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
    pub(crate) fn read_part(r: &mut Reader<'_>) -> Result<CrossPart, Damaged> {
        let mut p = CrossPart {
            email: r.u64s()?,
            email_alt: r.u64s()?,
            id: r.u64s()?,
            row: r.u64s()?,
            local: r.u64s()?,
            domain: r.u32s()?,
            name: r.u64s()?,
            new: r.u64s()?,
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
    pub(crate) fn merge_part(&mut self, p: CrossPart, records: u64, lines: i64) {
        let off = records as usize;
        let concat = |a: &mut Vec<u64>, b: Vec<u64>| {
            if !b.is_empty() {
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
            self.domain.extend(p.domain.into_iter().map(|d| {
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

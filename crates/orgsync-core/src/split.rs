//! One file checked by two checkers at once: the first checks the bytes before a cut, the second
//! (a [`Checker::part`]) the bytes from the cut on, at the same time (another thread, another
//! Web Worker); the second's [`Part`] is then merged into the first, and the report is the one a
//! single checker would have given: the same findings, counts, actions and fixes.
//!
//! # How the part is made and merged
//!
//! The part checker reads the file's first bytes to sniff the format exactly as the first
//! checker does and to read the header, then takes the bytes from the cut on as the rest of the
//! file: its rows are numbered from the header, and the merge moves them on by the first
//! checker's rows, records and lines. Its header and file-level findings are the first
//! checker's business and are not kept.
//!
//! What the rows leave behind merges in one of two ways:
//! - counts add up (the summary, the action summary, non-empty cells per column, line endings);
//! - per-record keys of the cross-row rules are concatenated; the part's row findings are
//!   appended in order and capped as one checker would have capped them;
//! - the domain (R004) and attribute (R020) tables have caps that make them depend on the
//!   order rows come in, so the part keeps a log of what its rows asked of them, and the merge
//!   replays it into the first checker's tables.
//!
//! `merge` refuses (changing nothing) when the cut did not fall between two records — a quoted
//! cell spanning lines — or the two checkers disagree on the format or the header: the caller
//! then pushes the bytes from the cut on itself. The tests check every cut of many files against
//! the single checker.

use crate::checker::Checker;
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::input::SNIFF_LEN;
use crate::options::Options;
use crate::registry::{Code, Severity};
use crate::report::{FixCounts, Summary};
use crate::wire::{Damaged, Reader, Writer};

/// How many of the file's first bytes [`Checker::part`] needs: what the format is sniffed from.
/// The header must end within them.
pub const PART_HEAD: usize = SNIFF_LEN;

/// Where a second checker can start in `window`, bytes read from inside the file: just after its
/// first line feed. `None` when there is none.
pub fn cut_point(window: &[u8]) -> Option<usize> {
    window.iter().position(|&b| b == b'\n').map(|i| i + 1)
}

/// Files of at least this many bytes are worth checking in two parts: below it, starting the
/// second checker costs more than it saves. The page (two Web Workers) and the CLI (two threads)
/// both split from this size.
pub const SPLIT_MIN_BYTES: u64 = 8 << 20;

/// The share of the file (in percent) the first checker checks: a little over half, because the
/// second also writes its part, which the first must wait for (1M rows in Chromium: the first
/// worker waited 111-221 ms for a part cut at the middle).
pub const CUT_AT: u64 = 52;

/// How many bytes from [`CUT_AT`] on are searched for the cut.
pub const CUT_WINDOW: u64 = 64 << 10;

/// Where the window [`cut_from`] looks at starts, and where it ends, in a file of `size` bytes.
pub fn cut_window(size: u64) -> (u64, u64) {
    let start = size / 100 * CUT_AT + size % 100 * CUT_AT / 100;
    (start, (start + CUT_WINDOW).min(size))
}

/// Where a split check cuts a file of `size` bytes, given the bytes of its [`cut_window`]: just
/// after the window's first line feed (both checkers compute it from the same bytes). `None`:
/// check with one checker.
pub fn cut_from(size: u64, window: &[u8]) -> Option<u64> {
    let cut = cut_window(size).0 + cut_point(window)? as u64;
    (cut < size).then_some(cut)
}

/// What a [`Checker::part`] learnt from its bytes, for [`Checker::merge`]; travels as bytes
/// between threads or workers.
#[derive(Debug)]
pub struct Part {
    pub(crate) bytes: Vec<u8>,
}

/// Why [`Checker::merge`] did not take a part: the caller then pushes the part's bytes itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmerged(pub &'static str);

impl std::fmt::Display for Unmerged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Unmerged {}

impl From<Damaged> for Unmerged {
    fn from(_: Damaged) -> Unmerged {
        Unmerged("the part is damaged")
    }
}

pub(crate) const MAGIC: &[u8; 8] = b"OSPPART1";

impl Part {
    /// The part as bytes, to send to the first checker's thread or worker.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// A part from [`Part::into_bytes`] (copied). Only the header is checked here; [`Checker::merge`]
    /// checks the rest.
    pub fn from_bytes(bytes: &[u8]) -> Result<Part, Unmerged> {
        Part::from_vec(bytes.to_vec())
    }

    /// [`Part::from_bytes`] without a copy.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Part, Unmerged> {
        if bytes.starts_with(MAGIC) {
            Ok(Part { bytes })
        } else {
            Err(Unmerged("not a part of this version of the engine"))
        }
    }

    /// The part's size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the part is empty (never: it holds at least its header).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl Checker {
    /// A checker for the bytes of a file from a cut on (see [`cut_point`]). `head`: the file's
    /// first [`PART_HEAD`] bytes or more. `None` when the file cannot be checked in parts (it
    /// is shorter than that, UTF-16 or a workbook, its header does not end in `head`, or a user
    /// export is given): check it with one checker.
    pub fn part(options: Options, head: &[u8]) -> Option<Checker> {
        if options.roster.is_some() {
            return None;
        }
        Checker::new_part(options, head)
    }
}

/// At least the number of bytes [`write_finding`] writes for `f` (fixed fields counted at
/// their widest), so that a part's buffer can be sized before it is written.
pub(crate) fn finding_len(f: &Finding) -> usize {
    let fix = f.fix.as_ref().map_or(0, |x| x.before.len() + x.after.len());
    128 + f.code.as_str().len()
        + f.message.len()
        + f.tip.len()
        + f.value.as_ref().map_or(0, String::len)
        + fix
        + 8 * f.related_rows.len()
}

pub(crate) fn write_finding(w: &mut Writer, f: &Finding) {
    w.str(f.code.as_str());
    w.u8(match f.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    });
    w.opt_u64(f.row);
    w.opt_u64(f.line);
    w.opt_u64(f.column.map(|c| c as u64));
    w.str(&f.message);
    w.str(&f.tip);
    w.bool(f.fix.is_some());
    if let Some(x) = &f.fix {
        w.u8(match x.applicability {
            Applicability::Safe => 0,
            Applicability::Suggested => 1,
        });
        w.u8(match x.edit {
            Edit::SetCell => 0,
            Edit::DropRow => 1,
            Edit::DropColumn => 2,
            Edit::Reshape => 3,
            Edit::FileForm => 4,
        });
        w.str(&x.before);
        w.str(&x.after);
    }
    w.opt_str(f.value.as_deref());
    w.u64s(&f.related_rows);
}

fn read_code(r: &mut Reader<'_>) -> Result<Code, Damaged> {
    r.str()?.parse().map_err(|_| Damaged)
}

pub(crate) fn read_finding(r: &mut Reader<'_>) -> Result<Finding, Damaged> {
    let code = read_code(r)?;
    let severity = match r.u8()? {
        0 => Severity::Error,
        1 => Severity::Warning,
        2 => Severity::Info,
        _ => return Err(Damaged),
    };
    let row = r.opt_u64()?;
    let line = r.opt_u64()?;
    let column = r.opt_u64()?.map(|c| c as usize);
    let message = r.str()?.to_string();
    let tip = r.str()?.to_string();
    let fix = if r.bool()? {
        let applicability = match r.u8()? {
            0 => Applicability::Safe,
            1 => Applicability::Suggested,
            _ => return Err(Damaged),
        };
        let edit = match r.u8()? {
            0 => Edit::SetCell,
            1 => Edit::DropRow,
            2 => Edit::DropColumn,
            3 => Edit::Reshape,
            4 => Edit::FileForm,
            _ => return Err(Damaged),
        };
        let before = r.str()?.to_string();
        let after = r.str()?.to_string();
        Some(Fix::new(applicability, edit, before, after))
    } else {
        None
    };
    let value = r.opt_str()?.map(str::to_string);
    let related_rows = r.u64s()?;
    Ok(Finding {
        code,
        severity,
        row,
        line,
        column,
        message,
        tip,
        fix,
        value,
        related_rows,
    })
}

/// The summary's counts (not its actions, which travel on their own).
pub(crate) fn write_summary(w: &mut Writer, s: &Summary) {
    for v in [
        s.errors,
        s.warnings,
        s.infos,
        s.safe_fixes,
        s.suggested_fixes,
        s.omitted,
    ] {
        w.u64(v);
    }
    w.usize(s.by_code.len());
    for (code, n) in &s.by_code {
        w.str(code.as_str());
        w.u64(*n);
    }
    w.usize(s.fixes_by_code.len());
    for (code, n) in &s.fixes_by_code {
        w.str(code.as_str());
        w.u64(n.safe);
        w.u64(n.suggested);
    }
}

pub(crate) fn read_summary(r: &mut Reader<'_>) -> Result<Summary, Damaged> {
    let mut s = Summary {
        errors: r.u64()?,
        warnings: r.u64()?,
        infos: r.u64()?,
        safe_fixes: r.u64()?,
        suggested_fixes: r.u64()?,
        omitted: r.u64()?,
        ..Summary::default()
    };
    for _ in 0..r.usize()? {
        let code = read_code(r)?;
        s.by_code.insert(code, r.u64()?);
    }
    for _ in 0..r.usize()? {
        let code = read_code(r)?;
        let safe = r.u64()?;
        let suggested = r.u64()?;
        s.fixes_by_code.insert(code, FixCounts { safe, suggested });
    }
    Ok(s)
}

/// Adds a part's summary counts to the first checker's.
pub(crate) fn add_summary(s: &mut Summary, p: &Summary) {
    s.errors += p.errors;
    s.warnings += p.warnings;
    s.infos += p.infos;
    s.safe_fixes += p.safe_fixes;
    s.suggested_fixes += p.suggested_fixes;
    s.omitted += p.omitted;
    for (code, n) in &p.by_code {
        *s.by_code.entry(*code).or_default() += n;
    }
    for (code, n) in &p.fixes_by_code {
        let e = s.fixes_by_code.entry(*code).or_default();
        e.safe += n.safe;
        e.suggested += n.suggested;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_is_after_the_first_line_feed_from_the_middle() {
        assert_eq!(cut_window(100), (52, 100));
        assert_eq!(cut_window(1 << 30), (558_345_748, 558_345_748 + CUT_WINDOW));
        assert_eq!(cut_from(100, b"abc\ndef"), Some(56));
        assert_eq!(cut_from(100, b"no line feed"), None);
        // A line feed that is the file's last byte leaves nothing for a second checker.
        assert_eq!(cut_from(8, b"abc\n"), None);
    }

    #[test]
    fn finding_len_is_never_less_than_what_write_finding_writes() {
        // Row findings with fixes, a header finding, duplicates with related rows.
        let csv = "primary_email_address,preferred_first_name,preferred_last_name,unique_user_id,Work Title\r\n\
                   Ana.Souza@Example.com ,Ana,Souza,1.23457E+11,\"Director, Sales\"\r\n\
                   ana.souza@example.com,Ana,Souza,7,  Engineer\r\n\
                   sam@gmial.com,Sam,Rivera,8,Designer\r\n\
                   sam@gmial.com,Sam,Rivera,8,Designer\r\n";
        let mut checker = crate::Checker::new(crate::Options::default());
        checker.push(csv.as_bytes());
        let report = checker.finish();
        assert!(report.findings.len() >= 5, "{:?}", report.findings);
        assert!(report.findings.iter().any(|f| f.fix.is_some()));
        assert!(report.findings.iter().any(|f| !f.related_rows.is_empty()));
        for f in &report.findings {
            let mut w = Writer::default();
            write_finding(&mut w, f);
            assert!(
                w.0.len() <= finding_len(f),
                "{} > {} for {f:?}",
                w.0.len(),
                finding_len(f)
            );
        }
    }
}

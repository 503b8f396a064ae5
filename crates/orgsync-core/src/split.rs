//! One file checked by two checkers at once: the first checks the bytes before a cut, the second
//! (a [`Checker::part`]) the bytes from the cut on; the second's [`Part`] is then merged into the
//! first, and the report is the one a single checker would have given.
//!
//! STUB (branch `split`): the part only holds its bytes and `merge` pushes them; the real part
//! carries the second checker's state.

use crate::checker::Checker;
use crate::input::SNIFF_LEN;
use crate::options::Options;

/// How many of the file's first bytes [`Checker::part`] wants: the sniffed sample. The header
/// must end within them.
pub const PART_HEAD: usize = SNIFF_LEN;

/// Where a second checker can start in `window`, bytes read from inside the file: just after its
/// first line feed. `None` when there is none.
pub fn cut_point(window: &[u8]) -> Option<usize> {
    window.iter().position(|&b| b == b'\n').map(|i| i + 1)
}

/// What a [`Checker::part`] learnt from its bytes, for [`Checker::merge`].
#[derive(Debug)]
pub struct Part {
    bytes: Vec<u8>,
}

/// Why [`Checker::merge`] could not take a part: the caller then pushes the part's bytes itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmerged(pub &'static str);

impl std::fmt::Display for Unmerged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

const MAGIC: &[u8; 8] = b"OSPPART0";

impl Part {
    /// The part as bytes, to send to the first checker's thread or worker.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&self.bytes);
        out
    }

    /// A part from [`Part::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Part, Unmerged> {
        match bytes.strip_prefix(MAGIC) {
            Some(b) => Ok(Part { bytes: b.to_vec() }),
            None => Err(Unmerged("not a part")),
        }
    }
}

impl Checker {
    /// A checker for the bytes of a file from a cut on (see [`cut_point`]). `head`: the file's
    /// first [`PART_HEAD`] bytes (fewer if the file is shorter). `None` when the file cannot be
    /// checked in parts (its header does not end in `head`, it is not UTF-8, a user export is
    /// given): check it with one checker.
    pub fn part(options: Options, head: &[u8]) -> Option<Checker> {
        if options.roster.is_some() || !head.contains(&b'\n') {
            return None;
        }
        let mut c = Checker::new(options);
        c.part_bytes = Some(Vec::new());
        Some(c)
    }

    /// Ends a [`Checker::part`]'s bytes.
    pub fn into_part(self) -> Part {
        Part {
            bytes: self.part_bytes.unwrap_or_default(),
        }
    }

    /// Takes a [`Part`] whose cut is where this checker's bytes end. `Err` (nothing changed) when
    /// it cannot: the cut fell inside a record, or the two disagree on the file's format; push
    /// the bytes from the cut on instead.
    pub fn merge(&mut self, part: Part) -> Result<(), Unmerged> {
        self.push(&part.bytes);
        Ok(())
    }
}

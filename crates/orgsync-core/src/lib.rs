//! The Org Sync Preflight engine.
//!
//! It reads the bytes of a LinkedIn Learning "Org Sync" bulk-user CSV, whatever Excel made of
//! them, and reports every problem with its position, an explanation, a tip and, where it can, a
//! fix; then it writes the corrected file and the reports. It does no I/O of its own: callers
//! push bytes in chunks and take bytes out, so the CLI, the web page and the JavaScript API all
//! give the same answers.
//!
//! Two passes over the same bytes: [`Checker`] gives a [`Report`]; [`Fixer`], built from that
//! report, writes the corrected CSV, the error report and the findings CSV.
//!
//! Bad data never makes the engine fail: it becomes findings.
#![deny(missing_docs)]

mod case;
mod checker;
// The small codec builds without `legacy-encodings` read with (tested against `encoding_rs`).
#[cfg(any(test, not(feature = "legacy-encodings")))]
mod codec;
mod engine;
mod finding;
mod fixer;
mod groups;
mod hash;
mod header;
mod input;
mod options;
mod parse;
mod registry;
mod report;
mod roster;
mod row;
mod rows;
mod rules;
mod simd;
pub mod split;
mod summary;
mod template;
mod wire;
pub mod words;
#[cfg(feature = "workbook")]
mod workbook;
#[cfg(not(feature = "workbook"))]
mod workbook {
    //! Without the `workbook` feature a workbook is F003, as any other binary file.
    /// What the report says about a workbook that was read (never, in this build).
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
    pub struct WorkbookInfo {}
}

pub use checker::Checker;
#[doc(hidden)]
pub use engine::stages;
pub use finding::{Applicability, Edit, Finding, Fix};
pub use fixer::{FixChunk, Fixer, Left};
pub use groups::groups_from_export;
pub use header::FileKind;
pub use input::Encoding;
pub use options::{DEFAULT_MAX_FINDINGS_PER_CODE, FixOptions, Options, Suggested};
pub use registry::{Code, FixKind, Rule, Scope, Severity, Stop, UnknownCode, rules};
pub use report::{FileInfo, FixCounts, Report, Summary};
pub use roster::{Change, ChangeKind, Preview, PreviewTotals, Roster, RosterCounts, RosterReader};
pub use rows::{RowReader, Rows};
pub use summary::{Actions, Tally};
pub use template::{TemplateError, TemplateOptions, template};
#[cfg(feature = "workbook")]
pub use workbook::MAX_WORKBOOK_BYTES;
pub use workbook::WorkbookInfo;

/// Checks a whole file held in memory.
pub fn check(bytes: &[u8], options: Options) -> Report {
    let mut c = Checker::new(options);
    c.push(bytes);
    c.finish()
}

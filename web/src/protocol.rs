//! The messages between the page and its Web Worker.
//!
//! Each message is a small JSON text (so it crosses `postMessage` as one string, not as thousands
//! of JavaScript objects) plus, where needed, one attachment that the browser structured-clones:
//! the `File` the user chose (going in) or the `Blob`s of the downloads (coming out). A `File` is
//! only a handle, so the worker reads the bytes itself, slice by slice, and the page never holds
//! the file's contents.
//!
//! A big upload without a user export is checked by two workers at once ([`SPLIT_MIN_BYTES`]):
//! the page sends [`Request::Check`] with `split` to the first and [`Request::CheckPart`] to a
//! second instance of the same worker; both find the same cut from the same bytes
//! ([`orgsync_core::split::cut_point`] on a window at the file's middle). The second checks from the cut
//! to the end and answers [`Reply::Part`] with the engine's `Part` as a transferred
//! `ArrayBuffer`; the page hands it on to the first as [`Request::Part`] (transferred again),
//! which merges it, or checks the rest itself when it cannot.

use serde::{Deserialize, Serialize};

use crate::model::{Download, FixChoices};
use crate::view::{PreviewLine, ProblemRow, ReportView, RosterView};

/// A job number chosen by the page; replies carry it so a late reply to a cancelled or replaced
/// job can be ignored.
pub type JobId = u32;

/// A number the page gives each user export the admin chooses; the worker keeps the export it
/// read under this number, so checking another upload against it needs no second read.
pub type RosterId = u32;

/// Uploads of at least this many bytes (and no user export) are checked by two workers at
/// once; where the cut falls is the engine's (`orgsync_core::split`), the same for the CLI's
/// two threads.
pub use orgsync_core::split::{SPLIT_MIN_BYTES, cut_from, cut_window};

/// What the second worker of a split check did, in milliseconds and bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PartTiming {
    /// Reading its slices.
    pub read_ms: f64,
    /// The engine: `push` of its bytes and `into_part`.
    pub engine_ms: f64,
    /// `Part::into_bytes` and the copy into the `ArrayBuffer` sent.
    pub encode_ms: f64,
    /// From its request to its reply.
    pub total_ms: f64,
    /// The part's size in bytes.
    pub part_bytes: u64,
    /// Records it read.
    pub rows: u64,
}

/// Where a check's time went in the worker, in milliseconds (shown on the page and read by the
/// browser benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Reading the file's slices (FileReaderSync and the copy into wasm memory).
    pub read_ms: f64,
    /// The engine: `push` and `finish`.
    pub engine_ms: f64,
    /// `Checker::finish`, included in `engine_ms` (the cross-row rules over the whole file: the
    /// part of the engine a split check does not share out).
    #[serde(default)]
    pub finish_ms: f64,
    /// Building the page's view of the report.
    pub view_ms: f64,
    /// Between slices: progress messages and yields to the event loop.
    #[serde(default)]
    pub between_ms: f64,
    /// From the request to the reply, yields to the event loop included.
    pub total_ms: f64,
    /// Encoding the reply as JSON text (after `total_ms`).
    #[serde(default)]
    pub encode_ms: f64,
    /// When the check started and when its reply was posted, in the worker (`Date.now()`).
    #[serde(default)]
    pub started_at: f64,
    /// See `started_at`.
    #[serde(default)]
    pub posted_at: f64,
    /// When the page received the reply (`Date.now()`), set by the page.
    #[serde(default)]
    pub received_at: f64,
    /// Decoding the report in the page, set by the page.
    #[serde(default)]
    pub parse_ms: f64,
    /// Workers whose checking went into the report: 2 when a second worker checked the bytes
    /// from the cut on and its part came back, else 1.
    #[serde(default)]
    pub workers: u32,
    /// Where the file was cut (0: not cut).
    #[serde(default)]
    pub cut: u64,
    /// Whether the second worker's part was merged (else the first checked the rest itself).
    #[serde(default)]
    pub merged: bool,
    /// The first worker waiting for the part after its own half.
    #[serde(default)]
    pub wait_ms: f64,
    /// The first worker taking the part: the copy into wasm memory, `Part::from_vec` and
    /// `Checker::merge`.
    #[serde(default)]
    pub merge_ms: f64,
    /// What the second worker did.
    #[serde(default)]
    pub part: PartTiming,
}

/// What the page asks the worker to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Check the attached `File`. The known groups feed rule R008.
    ///
    /// With `roster`, the attachment is an array `[upload, export]` and the upload is compared
    /// with that user export (read first, unless the worker already holds it under this number).
    Check {
        /// The job number.
        job: JobId,
        /// Group names the admin supplied (from a user export or typed).
        known_groups: Vec<String>,
        /// The user export to compare with, if any.
        #[serde(default)]
        roster: Option<RosterId>,
        /// Check only up to the cut and wait for [`Request::Part`] (a second worker checks the
        /// rest). Never with `roster`.
        #[serde(default)]
        split: bool,
        /// The encoding the admin chose (an Encoding Standard label); `None` guesses it.
        #[serde(default)]
        encoding: Option<String>,
        /// For a workbook: the sheet to read (name); `None` lets the engine choose.
        #[serde(default)]
        sheet: Option<String>,
    },
    /// Check the attached `File` from the cut on with [`orgsync_core::Checker::part`] and answer
    /// [`Reply::Part`] (the second worker of a split check; same job number as the first's).
    CheckPart {
        /// The job number.
        job: JobId,
        /// As in [`Request::Check`]: both halves are checked with the same options.
        known_groups: Vec<String>,
        /// As in [`Request::Check`].
        #[serde(default)]
        encoding: Option<String>,
    },
    /// The second worker's answer to a split check, handed on by the page: the attachment is the
    /// part's bytes (a transferred `ArrayBuffer`), or nothing when there is no part (the second
    /// worker could not split or failed): then the first checks the rest itself.
    Part {
        /// The job number.
        job: JobId,
        /// The cut the second worker started at (`None`: no part).
        cut: Option<u64>,
        /// What the second worker did.
        #[serde(default)]
        timing: PartTiming,
    },
    /// Read the attached user export and keep it under this number (no upload yet).
    Roster {
        /// The job number.
        job: JobId,
        /// The export's number.
        roster: RosterId,
    },
    /// Forget the user export the worker holds (the admin removed it).
    ForgetRoster,
    /// A page of the last check's preview lines, of one kind or of all.
    Preview {
        /// The job number.
        job: JobId,
        /// A kind of change (`license-revoked`), or `None` for every kind.
        kind: Option<String>,
        /// The first line wanted (0-based, among the lines of that kind).
        offset: u64,
    },
    /// Re-read the attached `File` (the one last checked) and produce one download (the
    /// corrected CSV, the error report, the findings CSV or the JSON report) with these fix
    /// choices. One at a time: on a file where every row is wrong, the reports are gigabytes.
    Fix {
        /// The job number.
        job: JobId,
        /// Which rules' fixes to apply.
        choices: FixChoices,
        /// Which download to make.
        want: Download,
    },
    /// Read the group names from the attached user export.
    Glossary {
        /// The job number.
        job: JobId,
    },
    /// The whole cells of these rows of the last check's grid (spreadsheet numbers), answered
    /// by [`Reply::Rows`] once the worker has read them ([`Reply::Whole`]).
    Rows {
        /// The job number.
        job: JobId,
        /// The rows wanted.
        rows: Vec<u64>,
    },
    /// What the corrected file with these choices would still have: the worker writes it (the
    /// attached `File` through the fixer) and checks what it writes, answering [`Reply::Left`].
    Left {
        /// The job number.
        job: JobId,
        /// The fix choices.
        choices: FixChoices,
    },
    /// Stop the job with this number at the next slice.
    Cancel {
        /// The job number.
        job: JobId,
    },
    /// Warm the engine up while the page waits for a file (see `warm.rs`): answered by
    /// [`Reply::Warm`], or by nothing when another request stops it first.
    WarmUp,
    /// Stop warming up: the admin has started something (sent to the worker warming up when
    /// the page asks the other for work, so the two do not share the machine).
    StopWarmUp,
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// The worker's wasm has loaded and it takes requests.
    Ready,
    /// The warm-up ([`Request::WarmUp`]) is done.
    Warm {
        /// How long it took, in milliseconds.
        ms: f64,
        /// How many made-up rows it checked.
        rows: u64,
    },
    /// How far a job has read.
    Progress {
        /// The job number.
        job: JobId,
        /// Bytes read so far.
        bytes: u64,
        /// The file's size in bytes.
        total: u64,
        /// Records read so far.
        rows: u64,
        /// Whether the file being read is the user export (not the upload).
        #[serde(default)]
        export: bool,
        /// From the second worker of a split check: `bytes` and `total` are of its range.
        #[serde(default)]
        part: bool,
    },
    /// A user export was read.
    Roster {
        /// The job number.
        job: JobId,
        /// The export's number.
        roster: RosterId,
        /// What the page shows of it.
        view: Box<RosterView>,
    },
    /// A page of preview lines.
    Preview {
        /// The job number.
        job: JobId,
        /// The kind asked for.
        kind: Option<String>,
        /// The first line's position.
        offset: u64,
        /// The lines, at most [`crate::view::PREVIEW_PAGE`].
        lines: Vec<PreviewLine>,
    },
    /// A check finished.
    Checked {
        /// The job number.
        job: JobId,
        /// What the page shows first: everything but the grid of rows with problems
        /// (`grid` empty), which follows in [`Reply::Grid`]. It travels beside the message's
        /// text as its own JSON bytes ([`Reply::payload_json`], [`Reply::with_payload`]):
        /// decoding it as a field of this internally tagged enum would first buffer it whole
        /// as a generic tree.
        #[serde(skip)]
        report: Box<ReportView>,
        /// Where the worker's time went.
        timing: Timing,
    },
    /// The grid of rows with problems of a check, sent right after [`Reply::Checked`]: on a
    /// big file it is most of the view (40,000 rows, 5 MB of JSON for a million rows with 1%
    /// mistakes), so the summary does not wait for it. It comes in parts of at most
    /// [`crate::view::GRID_PART`] rows, each its own message (the page decodes each in a task
    /// of its own instead of one long task for up to 200,000 rows).
    Grid {
        /// The job number of the check.
        job: JobId,
        /// The rows, at most [`crate::view::GRID_ROWS`]; beside the text, as
        /// [`Reply::Checked`]'s report.
        #[serde(skip)]
        rows: Vec<ProblemRow>,
        /// Rows with problems in all (`rows` may hold fewer).
        total: u64,
        /// More parts of the grid follow.
        #[serde(default)]
        more: bool,
    },
    /// The worker has read the whole cells of the grid's rows (a second read of the file after
    /// [`Reply::Grid`], in the check's job): the page may ask for them ([`Request::Rows`]).
    Whole {
        /// The job number of the check.
        job: JobId,
        /// How many of the grid's rows it holds (fewer than the grid when their cells would not
        /// fit the worker's budget).
        rows: u64,
    },
    /// The whole cells of rows asked for ([`Request::Rows`]): every cell as the file holds it.
    Rows {
        /// The job number.
        job: JobId,
        /// Each row held: its number and its cells.
        rows: Vec<(u64, Vec<String>)>,
    },
    /// The errors and warnings a re-check of the corrected file finds ([`Request::Left`]).
    Left {
        /// The job number.
        job: JobId,
        /// Errors left.
        errors: u64,
        /// Warnings left.
        warnings: u64,
        /// Each rule with errors or warnings left, and how many, worst first.
        rules: Vec<(String, u64)>,
        /// With a user export: what uploading the corrected file does (the fix pass's preview,
        /// rows left with an error rejected); its lines come from [`Request::Preview`].
        preview: Option<crate::view::PreviewView>,
    },
    /// The second worker checked its range ([`Request::CheckPart`]): the attachment is the
    /// part's bytes as an `ArrayBuffer`, transferred, not copied; none when `cut` is `None`
    /// (the file cannot be checked in parts).
    Part {
        /// The job number.
        job: JobId,
        /// Where its range started.
        cut: Option<u64>,
        /// What it did.
        timing: PartTiming,
    },
    /// The download is ready; the attachment is its `Blob`.
    Fixed {
        /// The job number.
        job: JobId,
    },
    /// The group names of a user export.
    Glossary {
        /// The job number.
        job: JobId,
        /// Group names, in the export's column order.
        groups: Vec<String>,
    },
    /// The job stopped because the page cancelled it.
    Cancelled {
        /// The job number.
        job: JobId,
    },
    /// The job could not run (the file could not be read, or the engine refused it).
    Failed {
        /// The job number.
        job: JobId,
        /// What to tell the user.
        message: String,
    },
}

impl Request {
    /// Encodes the message for `postMessage`.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a request always serializes")
    }

    /// Decodes a message received by the worker.
    pub fn from_text(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl Reply {
    /// Encodes the message for `postMessage`.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a reply always serializes")
    }

    /// Decodes a message received by the page.
    pub fn from_text(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The big part of a reply (the report of a [`Reply::Checked`], the rows of a
    /// [`Reply::Grid`]) as JSON text, to send beside the message's text.
    pub fn payload_json(&self) -> Option<String> {
        let json = match self {
            Reply::Checked { report, .. } => serde_json::to_string(&**report),
            Reply::Grid { rows, .. } => serde_json::to_string(rows),
            _ => return None,
        };
        Some(json.expect("a view always serializes"))
    }

    /// Puts back the part that came beside the text.
    pub fn with_payload(mut self, json: &str) -> Result<Self, serde_json::Error> {
        match &mut self {
            Reply::Checked { report, .. } => **report = serde_json::from_str(json)?,
            Reply::Grid { rows, .. } => *rows = serde_json::from_str(json)?,
            _ => {}
        }
        Ok(self)
    }

    /// The job a reply belongs to (`None` for [`Reply::Ready`] and [`Reply::Warm`]).
    pub fn job(&self) -> Option<JobId> {
        match self {
            Reply::Ready | Reply::Warm { .. } => None,
            Reply::Progress { job, .. }
            | Reply::Roster { job, .. }
            | Reply::Preview { job, .. }
            | Reply::Checked { job, .. }
            | Reply::Grid { job, .. }
            | Reply::Whole { job, .. }
            | Reply::Left { job, .. }
            | Reply::Rows { job, .. }
            | Reply::Part { job, .. }
            | Reply::Fixed { job, .. }
            | Reply::Glossary { job, .. }
            | Reply::Cancelled { job }
            | Reply::Failed { job, .. } => Some(*job),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_as_json_text() {
        let mut choices = FixChoices::default();
        choices.set_suggested("R004", true);
        let requests = [
            Request::Check {
                job: 1,
                known_groups: vec!["Sales EMEA".into()],
                roster: None,
                split: false,
                encoding: Some("shift_jis".into()),
                sheet: None,
            },
            Request::Check {
                job: 4,
                known_groups: Vec::new(),
                roster: Some(2),
                split: false,
                encoding: None,
                sheet: Some("Users 2026".into()),
            },
            Request::Check {
                job: 9,
                known_groups: Vec::new(),
                roster: None,
                split: true,
                encoding: None,
                sheet: None,
            },
            Request::CheckPart {
                job: 9,
                known_groups: vec!["Sales".into()],
                encoding: Some("windows-1250".into()),
            },
            Request::Rows {
                job: 10,
                rows: vec![4, 14],
            },
            Request::Part {
                job: 9,
                cut: Some(4_000_000),
                timing: PartTiming {
                    part_bytes: 12,
                    ..PartTiming::default()
                },
            },
            Request::Part {
                job: 9,
                cut: None,
                timing: PartTiming::default(),
            },
            Request::Roster { job: 5, roster: 2 },
            Request::ForgetRoster,
            Request::Preview {
                job: 6,
                kind: Some("license-revoked".into()),
                offset: 100,
            },
            Request::Fix {
                job: 2,
                choices,
                want: Download::Findings,
            },
            Request::Glossary { job: 3 },
            Request::Cancel { job: 1 },
        ];
        for request in requests {
            assert_eq!(Request::from_text(&request.to_text()).unwrap(), request);
        }
    }

    #[test]
    fn replies_name_their_job() {
        let reply = Reply::Progress {
            job: 7,
            bytes: 10,
            total: 20,
            rows: 1,
            export: false,
            part: false,
        };
        let back = Reply::from_text(&reply.to_text()).unwrap();
        assert_eq!(back.job(), Some(7));
        assert_eq!(Reply::Ready.job(), None);
        let mut report = ReportView::default();
        report.counts.errors = 3;
        report.file.name = "users.csv".into();
        let checked = Reply::Checked {
            job: 8,
            report: Box::new(report),
            timing: Timing::default(),
        };
        let grid = Reply::Grid {
            job: 8,
            rows: vec![ProblemRow {
                row: 19,
                severity: crate::view::Sev::Warning,
                codes: Vec::new(),
                cells: Vec::new(),
                header: false,
                shared: Vec::new(),
            }],
            total: 40,
            more: true,
        };
        for big in [checked, grid] {
            let json = big.payload_json().unwrap();
            let back = Reply::from_text(&big.to_text())
                .unwrap()
                .with_payload(&json)
                .unwrap();
            assert_eq!(back, big);
        }
        assert_eq!(reply.payload_json(), None);
        let part = Reply::Part {
            job: 9,
            cut: Some(5),
            timing: PartTiming::default(),
        };
        assert_eq!(Reply::from_text(&part.to_text()).unwrap(), part);
        assert_eq!(part.job(), Some(9));
        let rows = Reply::Rows {
            job: 11,
            rows: vec![(4, vec!["a@b.com".into(), " Patel ".into()])],
        };
        assert_eq!(Reply::from_text(&rows.to_text()).unwrap(), rows);
        let whole = Reply::Whole { job: 3, rows: 2 };
        assert_eq!(Reply::from_text(&whole.to_text()).unwrap().job(), Some(3));
        // A reply from a worker built before the export existed still reads.
        let old = r#"{"type":"progress","job":3,"bytes":1,"total":2,"rows":0}"#;
        assert_eq!(Reply::from_text(old).unwrap().job(), Some(3));
    }

    #[test]
    fn old_requests_still_read() {
        // Old requests (no `split`) still read.
        let old = r#"{"type":"check","job":1,"known_groups":[]}"#;
        assert!(matches!(
            Request::from_text(old).unwrap(),
            Request::Check { split: false, .. }
        ));
    }
}

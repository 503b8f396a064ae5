//! The page's controller as a plain type: what the page is doing, what it waits for from its two
//! workers, and what to do next.
//!
//! [`Session`] takes the user's actions ([`Session::on_action`]) and the workers' replies
//! ([`Session::on_reply`], [`Session::on_helper_reply`]) and returns the [`Effect`]s the page
//! performs: requests to a worker (with which of the page's files attached), downloads handed to
//! the browser, announcements, a scroll. It holds no browser type (no Leptos, no `web-sys`): the
//! files and blobs stay with the page, which the effects name by role ([`Attach`]) or by the job
//! that made them, so the controller is tested natively (`cargo test -p web`), as [`crate::model`]
//! is. `app.rs` keeps the signals the components read and copies the session's state into them
//! after each call.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::model::{Download, FixChoices, SplitProgress};
use crate::protocol::{JobId, PartTiming, Reply, Request, RosterId, SPLIT_MIN_BYTES, Timing};
use crate::view::{FindingGroup, PreviewLine, PreviewView, ProblemRow, ReportView, RosterView};

/// Where the page is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Waiting for a file.
    Idle,
    /// A check is running.
    Checking {
        name: String,
        bytes: u64,
        total: u64,
        rows: u64,
        /// The user export's name while it is being read (before the upload).
        export: Option<String>,
    },
    /// A report is shown.
    Done,
    /// The check could not run.
    Failed(String),
}

/// A download in preparation or ready.
#[derive(Debug, Clone, PartialEq)]
pub enum Downloads {
    /// Nothing prepared for the current choices.
    None,
    /// The worker is producing one; the user asked for it with these choices (the choices at
    /// the click, whatever the toggles do meanwhile).
    Preparing {
        job: JobId,
        want: Download,
        choices: FixChoices,
        bytes: u64,
        total: u64,
        /// Downloads clicked meanwhile, made next.
        queued: usize,
    },
    /// Failed.
    Failed(String),
}

/// What the corrected file with the current choices still has (a re-check in the worker).
#[derive(Debug, Clone, PartialEq)]
pub enum Left {
    /// Being counted.
    Counting,
    /// Counted: errors, warnings, and each rule with what it has left.
    Ready {
        errors: u64,
        warnings: u64,
        rules: Vec<(String, u64)>,
    },
    /// Could not be counted.
    Failed(String),
}

/// The user export ("Compare with your current users").
#[derive(Debug, Clone, PartialEq)]
pub enum RosterState {
    /// None chosen.
    None,
    /// Being read.
    Reading {
        name: String,
        bytes: u64,
        total: u64,
    },
    /// Read.
    Ready(Arc<RosterView>),
    /// Could not be read.
    Failed(String),
}

/// The second worker, which checks the second half of big files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Helper {
    /// Loading.
    Starting,
    /// Takes requests.
    Ready,
    /// Could not start, or failed: checks use the first worker alone.
    Gone,
}

/// A check run by two workers.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Split {
    job: JobId,
    /// The first worker still waits for the second's part (or word that there is none).
    awaiting: bool,
    progress: SplitProgress,
}

/// The grid of rows with problems of the report shown.
#[derive(Debug, PartialEq)]
pub struct GridRows {
    pub rows: Vec<ProblemRow>,
    /// Rows with problems in all (`rows` may hold fewer).
    pub total: u64,
}

/// The preview list's page: which kind, from where, and the lines once they arrive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreviewPage {
    pub kind: Option<String>,
    pub offset: u64,
    pub lines: Option<Vec<PreviewLine>>,
}

/// A file the admin chose, as the session knows it (the page keeps the `File` itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub name: String,
    pub size: u64,
}

/// Which worker a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The checker.
    Checker,
    /// The second worker, which checks the second half of big files.
    Helper,
}

/// What goes with a request, named by its role: the page holds the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    Nothing,
    /// The upload (the file of the last [`Action::Check`]).
    Upload,
    /// The user export.
    Export,
    /// The upload and the user export, in that order.
    UploadAndExport,
    /// The file the action came with ([`Action::ReadGlossary`]).
    Given,
    /// The reply's attachment (the second worker's part, an `ArrayBuffer`), transferred; sent
    /// without it when it is none.
    ReplyBuffer,
}

/// What the page does for the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send {
        to: To,
        request: Request,
        attach: Attach,
    },
    /// Clears what the page keeps of the last report outside the session (filters, cursor, fix
    /// choices, the grid's whole cells, the last download saved).
    ResetView,
    /// Hands the download the worker made for job `blob` to the browser under `name`.
    Deliver { blob: JobId, name: String },
    /// Tells a screen reader.
    Announce(String),
    /// Brings the results into view on a small screen.
    ScrollToResults,
    /// Tells an embedding host that a check completed.
    PostChecked(Arc<ReportView>),
    /// The worker holds the grid rows' whole cells and answers for them.
    WholeReady,
    /// Whole cells of grid rows, as asked for.
    Rows(Vec<(u64, Vec<String>)>),
}

/// What the admin (or the page around them) does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Check this upload, cancelling any check in flight. `same_file`: it is the upload checked
    /// last (a sheet chosen is kept).
    Check {
        file: Chosen,
        same_file: bool,
        known_groups: Vec<String>,
        encoding: Option<String>,
    },
    /// Check the current upload again (the known groups, the encoding or the sheet changed).
    Recheck {
        known_groups: Vec<String>,
        encoding: Option<String>,
    },
    /// Choose a workbook's sheet and check again.
    PickSheet {
        name: String,
        known_groups: Vec<String>,
        encoding: Option<String>,
    },
    /// Set or remove the user export; `upload`: a new upload to check with it (otherwise the
    /// current one, if any).
    SetExport {
        export: Option<Chosen>,
        upload: Option<(Chosen, bool)>,
        known_groups: Vec<String>,
        encoding: Option<String>,
    },
    /// The Cancel button of a check.
    Cancel,
    /// A download with these choices.
    Download { want: Download, choices: FixChoices },
    /// Count what the corrected file with these choices still has.
    CountLeft { choices: FixChoices },
    /// Show a page of the preview's lines.
    ShowPreview { kind: Option<String>, offset: u64 },
    /// Ask the worker for the whole cells of these grid rows.
    AskRows(Vec<u64>),
    /// Read the groups of a user export (the file given with the action).
    ReadGlossary,
    /// The checker failed outside any job.
    CheckerCrashed(String),
    /// The checker could not start.
    NoChecker,
    /// The second worker failed outside a reply, or could not start.
    HelperGone,
}

/// The page's controller state.
#[derive(Debug)]
pub struct Session {
    pub phase: Phase,
    pub report: Option<Arc<ReportView>>,
    /// The grid of the report's rows with problems and their total: it comes from the worker
    /// right after the report.
    pub grid: Option<Arc<GridRows>>,
    /// The check whose grid is awaited.
    grid_job: Option<JobId>,
    /// The parts of that grid received so far (it comes in several messages).
    grid_parts: Vec<ProblemRow>,
    /// The check whose grid rows' whole cells the worker is reading.
    whole_job: Option<JobId>,
    /// What the corrected file still has, and the job counting it.
    pub left: Left,
    left_job: Option<JobId>,
    pub downloads: Downloads,
    /// Downloads clicked while another was being made, each with the choices at its click: the
    /// worker makes one at a time, and no click is dropped.
    queue: VecDeque<(FixChoices, Download)>,
    /// The downloads made so far for the current file, each with the choices it was made with
    /// and the job that made it (the page keeps the blob under that job).
    made: Vec<(FixChoices, Download, JobId)>,
    pub glossary: Option<Result<Vec<String>, String>>,
    glossary_job: Option<JobId>,
    /// The checker has loaded.
    pub ready: bool,
    /// Where the last check's time went.
    pub timing: Option<Timing>,
    /// The check in flight.
    pub job: Option<JobId>,
    next_job: JobId,
    pub helper: Helper,
    /// How long the engine's warm-up took (milliseconds), once it is done.
    pub warm: Option<f64>,
    /// The second worker is warming up (asked, not yet done or stopped).
    warming: bool,
    /// The check in flight, when two workers run it.
    split: Option<Split>,
    file: Option<Chosen>,
    /// The user export to compare with, its number for the worker, and its state.
    export: Option<Chosen>,
    roster_id: RosterId,
    pub roster: RosterState,
    /// A read of the export alone (no upload yet).
    roster_job: Option<JobId>,
    pub preview_page: PreviewPage,
    /// The preview of the corrected file with the choices last counted ([`Reply::Left`]).
    pub fix_preview: Option<Arc<PreviewView>>,
    preview_job: Option<JobId>,
    /// For a workbook: the sheet the admin chose (`None`: the engine's choice).
    pub sheet: Option<String>,
    out: Vec<Effect>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            phase: Phase::Idle,
            report: None,
            grid: None,
            grid_job: None,
            grid_parts: Vec::new(),
            whole_job: None,
            left: Left::Counting,
            left_job: None,
            downloads: Downloads::None,
            queue: VecDeque::new(),
            made: Vec::new(),
            glossary: None,
            glossary_job: None,
            ready: false,
            timing: None,
            job: None,
            next_job: 1,
            helper: Helper::Starting,
            warm: None,
            warming: false,
            split: None,
            file: None,
            export: None,
            roster_id: 0,
            roster: RosterState::None,
            roster_job: None,
            preview_page: PreviewPage::default(),
            fix_preview: None,
            preview_job: None,
            sheet: None,
            out: Vec::new(),
        }
    }
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// An upload has been checked or is being checked.
    pub fn has_file(&self) -> bool {
        self.file.is_some()
    }

    /// Whether the page still needs the blob made by job `job` (a download of the current
    /// file with the choices of the last one made).
    pub fn holds_blob(&self, job: JobId) -> bool {
        self.made.iter().any(|(_, _, j)| *j == job)
    }

    /// The user's actions.
    pub fn on_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Check {
                file,
                same_file,
                known_groups,
                encoding,
            } => self.check(file, same_file, known_groups, encoding),
            Action::Recheck {
                known_groups,
                encoding,
            } => self.recheck(known_groups, encoding),
            Action::PickSheet {
                name,
                known_groups,
                encoding,
            } => {
                self.sheet = Some(name);
                self.recheck(known_groups, encoding);
            }
            Action::SetExport {
                export,
                upload,
                known_groups,
                encoding,
            } => self.set_export(export, upload, known_groups, encoding),
            Action::Cancel => {
                self.cancel();
                self.phase = Phase::Idle;
            }
            Action::Download { want, choices } => self.download_with(choices, want),
            Action::CountLeft { choices } => self.count_left(choices),
            Action::ShowPreview { kind, offset } => self.show_preview(kind, offset),
            Action::AskRows(rows) => {
                let job = self.new_job();
                self.send(Request::Rows { job, rows }, Attach::Nothing);
            }
            Action::ReadGlossary => {
                let job = self.new_job();
                self.glossary_job = Some(job);
                self.glossary = None;
                self.send(Request::Glossary { job }, Attach::Given);
            }
            Action::CheckerCrashed(message) => {
                self.job = None;
                self.roster_job = None;
                if matches!(self.roster, RosterState::Reading { .. }) {
                    self.roster = RosterState::Failed(format!("the checker stopped: {message}"));
                }
                self.phase = Phase::Failed(format!("The checker stopped: {message}"));
            }
            Action::NoChecker => {
                self.phase = Phase::Failed(
                    "This browser cannot start the checker (Web Workers are off).".into(),
                )
            }
            Action::HelperGone => {
                self.helper = Helper::Gone;
                if let Some(split) = self.split {
                    self.hand_on_part(split.job, None, PartTiming::default(), false);
                }
            }
        }
        std::mem::take(&mut self.out)
    }

    fn new_job(&mut self) -> JobId {
        let job = self.next_job;
        self.next_job = job.wrapping_add(1);
        job
    }

    fn send(&mut self, request: Request, attach: Attach) {
        // The admin's work comes first: a warm-up still running in the second worker stops.
        if self.warming {
            self.warming = false;
            self.send_helper(Request::StopWarmUp, Attach::Nothing);
        }
        self.out.push(Effect::Send {
            to: To::Checker,
            request,
            attach,
        });
    }

    fn send_helper(&mut self, request: Request, attach: Attach) {
        self.out.push(Effect::Send {
            to: To::Helper,
            request,
            attach,
        });
    }

    /// Starts checking a file, cancelling any check in flight. With a user export chosen, the
    /// worker compares the file with it (reading it first unless it holds it already).
    fn check(
        &mut self,
        file: Chosen,
        same_file: bool,
        known_groups: Vec<String>,
        encoding: Option<String>,
    ) {
        self.cancel();
        // A sheet chosen for one workbook means nothing for another file.
        if !same_file {
            self.sheet = None;
        }
        let job = self.new_job();
        self.phase = Phase::Checking {
            name: file.name.clone(),
            bytes: 0,
            total: file.size,
            rows: 0,
            export: None,
        };
        self.report = None;
        self.out.push(Effect::Announce(String::new()));
        self.grid = None;
        self.grid_job = None;
        self.grid_parts = Vec::new();
        self.out.push(Effect::ResetView);
        self.downloads = Downloads::None;
        self.queue.clear();
        self.made.clear();
        self.preview_page = PreviewPage::default();
        self.preview_job = None;
        self.fix_preview = None;
        self.job = Some(job);
        let roster = self.export.as_ref().map(|_| self.roster_id);
        // A big upload without an export: the second worker checks from the middle on at the
        // same time (a comparison with an export stays with one worker).
        let size = file.size;
        let split =
            self.export.is_none() && size >= SPLIT_MIN_BYTES && self.helper == Helper::Ready;
        self.split = split.then_some(Split {
            job,
            awaiting: true,
            progress: SplitProgress {
                size,
                ..SplitProgress::default()
            },
        });
        if split {
            self.send_helper(
                Request::CheckPart {
                    job,
                    known_groups: known_groups.clone(),
                    encoding: encoding.clone(),
                },
                Attach::Upload,
            );
        }
        let request = Request::Check {
            job,
            known_groups,
            roster,
            split,
            encoding,
            sheet: self.sheet.clone(),
        };
        match self.export.clone() {
            Some(export) => {
                if !matches!(self.roster, RosterState::Ready(_)) {
                    self.roster = RosterState::Reading {
                        name: export.name,
                        bytes: 0,
                        total: export.size,
                    };
                }
                self.send(request, Attach::UploadAndExport);
            }
            None => self.send(request, Attach::Upload),
        }
        self.file = Some(file);
    }

    /// Checks the current file again.
    fn recheck(&mut self, known_groups: Vec<String>, encoding: Option<String>) {
        if let Some(file) = self.file.clone() {
            self.check(file, true, known_groups, encoding);
        }
    }

    /// Sets or removes the user export to compare with. `upload` (or else the current upload,
    /// if any) is checked again with it; without an upload the worker reads the export alone,
    /// so its summary shows at once.
    fn set_export(
        &mut self,
        export: Option<Chosen>,
        upload: Option<(Chosen, bool)>,
        known_groups: Vec<String>,
        encoding: Option<String>,
    ) {
        let id = self.roster_id.wrapping_add(1);
        self.roster_id = id;
        if let Some(job) = self.roster_job.take() {
            self.send(Request::Cancel { job }, Attach::Nothing);
        }
        self.roster = match &export {
            Some(f) => RosterState::Reading {
                name: f.name.clone(),
                bytes: 0,
                total: f.size,
            },
            None => RosterState::None,
        };
        self.export = export.clone();
        if let Some((upload, same)) = upload.or_else(|| self.file.clone().map(|f| (f, true))) {
            self.check(upload, same, known_groups, encoding);
            return;
        }
        match export {
            Some(_) => {
                let job = self.new_job();
                self.roster_job = Some(job);
                self.send(Request::Roster { job, roster: id }, Attach::Export);
            }
            None => self.send(Request::ForgetRoster, Attach::Nothing),
        }
    }

    /// Asks the worker for a page of the preview's lines; the page shown changes when they
    /// arrive (a few milliseconds), so the range, the filter and the lines always agree.
    fn show_preview(&mut self, kind: Option<String>, offset: u64) {
        let job = self.new_job();
        self.preview_job = Some(job);
        self.send(Request::Preview { job, kind, offset }, Attach::Nothing);
    }

    /// Stops the second worker's half of a split check, if one runs.
    fn drop_split(&mut self) {
        if let Some(split) = self.split.take() {
            self.send_helper(Request::Cancel { job: split.job }, Attach::Nothing);
        }
    }

    fn cancel(&mut self) {
        // A check reads the export itself when it needs it.
        if let Some(job) = self.roster_job.take() {
            self.send(Request::Cancel { job }, Attach::Nothing);
        }
        if let Some(job) = self.job.take() {
            self.send(Request::Cancel { job }, Attach::Nothing);
        }
        self.drop_split();
        if let Some(job) = self.whole_job.take() {
            self.send(Request::Cancel { job }, Attach::Nothing);
        }
        self.queue.clear();
        self.stop_left();
        if let Downloads::Preparing { job, .. } = self.downloads {
            self.send(Request::Cancel { job }, Attach::Nothing);
            self.downloads = Downloads::None;
        }
    }

    /// Asks for a download with these choices: served at once when the blob for them exists,
    /// otherwise made by the worker (which re-reads the file through the engine's fixer); a
    /// click while another download is being made is queued, never dropped.
    fn download_with(&mut self, choices: FixChoices, want: Download) {
        let ready = self
            .made
            .iter()
            .find(|(made_with, made, _)| *made_with == choices && *made == want)
            .map(|(_, _, job)| *job);
        if let Some(blob) = ready {
            self.deliver(blob, want);
            return;
        }
        match &mut self.downloads {
            Downloads::Preparing {
                want: w,
                choices: c,
                queued,
                ..
            } => {
                // The same file is on its way already; another is made next.
                let same = *w == want && *c == choices;
                let in_queue = self.queue.iter().any(|(c, w)| *c == choices && *w == want);
                if !same && !in_queue {
                    self.queue.push_back((choices, want));
                    *queued = self.queue.len();
                }
                return;
            }
            Downloads::None | Downloads::Failed(_) => {}
        }
        let Some(file) = &self.file else {
            self.downloads = Downloads::Failed(
                "There is no checked file to download from: check a file first.".into(),
            );
            return;
        };
        let total = file.size;
        let job = self.new_job();
        self.downloads = Downloads::Preparing {
            job,
            want,
            choices: choices.clone(),
            bytes: 0,
            total,
            queued: self.queue.len(),
        };
        self.send(Request::Fix { job, choices, want }, Attach::Upload);
    }

    /// Hands a download to the browser (the page says so, with a way to save it again).
    fn deliver(&mut self, blob: JobId, want: Download) {
        let name = want.file_name(&self.file_name());
        self.out.push(Effect::Deliver { blob, name });
    }

    /// Counts again what the corrected file with these choices still has: the worker writes
    /// it and re-checks it (the count in flight, if any, is dropped).
    fn count_left(&mut self, choices: FixChoices) {
        self.stop_left();
        if self.file.is_none() {
            return;
        }
        let job = self.new_job();
        self.left_job = Some(job);
        self.left = Left::Counting;
        self.send(Request::Left { job, choices }, Attach::Upload);
    }

    fn stop_left(&mut self) {
        if let Some(job) = self.left_job.take() {
            self.send(Request::Cancel { job }, Attach::Nothing);
        }
    }

    /// The checked file's name, for the downloads' names.
    fn file_name(&self) -> String {
        self.report
            .as_ref()
            .map(|r| r.file.name.clone())
            .unwrap_or_default()
    }

    /// Makes the next queued download, if any.
    fn next_download(&mut self) {
        if let Some((choices, want)) = self.queue.pop_front() {
            self.download_with(choices, want);
        }
    }

    /// A reply from the checker. `blob`: a `Blob` came with it (a download, [`Reply::Fixed`]);
    /// the page keeps it under the reply's job while [`Session::holds_blob`] says so.
    pub fn on_reply(&mut self, reply: Reply, blob: bool) -> Vec<Effect> {
        self.reply(reply, blob);
        std::mem::take(&mut self.out)
    }

    fn reply(&mut self, reply: Reply, blob: bool) {
        let current = self.job;
        match reply {
            Reply::Ready => self.ready = true,
            Reply::Warm { ms, .. } => self.warm = Some(ms),
            Reply::Progress {
                job,
                bytes,
                total,
                rows,
                export,
                part: _,
            } => {
                // Checked by two workers: the bar shows the sum of both.
                let (bytes, total, rows) = match &mut self.split {
                    Some(split) if split.job == job && !export => {
                        split.progress.main = (bytes, total, rows);
                        split.progress.shown()
                    }
                    _ => (bytes, total, rows),
                };
                if export
                    && (Some(job) == current || Some(job) == self.roster_job)
                    && let RosterState::Reading {
                        bytes: b, total: t, ..
                    } = &mut self.roster
                {
                    (*b, *t) = (bytes, total);
                }
                if Some(job) == current {
                    let export_name = export
                        .then(|| self.export.as_ref().map(|e| e.name.clone()))
                        .flatten();
                    if let Phase::Checking {
                        bytes: b,
                        total: t,
                        rows: r,
                        export: e,
                        ..
                    } = &mut self.phase
                    {
                        (*b, *t, *r, *e) = (bytes, total, rows, export_name);
                    }
                } else if let Downloads::Preparing {
                    job: j,
                    bytes: b,
                    total: t,
                    ..
                } = &mut self.downloads
                    && *j == job
                {
                    (*b, *t) = (bytes, total);
                }
            }
            Reply::Checked {
                job,
                report,
                timing,
            } => {
                if Some(job) == current {
                    let report: Arc<ReportView> = Arc::from(report);
                    if let Some(roster) = &report.roster {
                        self.roster = RosterState::Ready(Arc::new(roster.clone()));
                    }
                    if report.preview.is_some() {
                        self.show_preview(None, 0);
                    }
                    self.out.push(Effect::PostChecked(report.clone()));
                    self.job = None;
                    self.split = None;
                    self.grid_job = Some(job);
                    self.grid_parts = Vec::new();
                    self.whole_job = Some(job);
                    self.timing = Some(timing);
                    let announce = match blocking(&report) {
                        Some(_) => "Checked: the file cannot be checked.".to_string(),
                        None => format!(
                            "Checked: {}, {} and {}.",
                            crate::model::plural(report.counts.errors, "error", "errors"),
                            crate::model::plural(report.counts.warnings, "warning", "warnings"),
                            crate::model::plural(report.counts.infos, "note", "notes"),
                        ),
                    };
                    self.report = Some(report);
                    self.phase = Phase::Done;
                    self.out.push(Effect::Announce(announce));
                    // On a phone the results are below the fold: they come into view.
                    self.out.push(Effect::ScrollToResults);
                }
            }
            Reply::Grid {
                job,
                rows,
                total,
                more,
            } => {
                if self.grid_job == Some(job) {
                    if self.grid_parts.is_empty() {
                        self.grid_parts = rows;
                    } else {
                        self.grid_parts.extend(rows);
                    }
                    if !more {
                        self.grid_job = None;
                        let rows = std::mem::take(&mut self.grid_parts);
                        self.grid = Some(Arc::new(GridRows { rows, total }));
                    }
                }
            }
            Reply::Whole { job, .. } => {
                if self.whole_job == Some(job) {
                    self.whole_job = None;
                    self.out.push(Effect::WholeReady);
                }
            }
            Reply::Rows { rows, .. } => {
                if !rows.is_empty() {
                    self.out.push(Effect::Rows(rows));
                }
            }
            Reply::Left {
                job,
                errors,
                warnings,
                rules,
                preview,
            } => {
                if self.left_job == Some(job) {
                    self.left_job = None;
                    if let Some(p) = preview {
                        // The list keeps its kind while the new preview has it.
                        let kind = self
                            .preview_page
                            .kind
                            .clone()
                            .filter(|k| p.kinds.iter().any(|c| &c.kind == k));
                        self.fix_preview = Some(Arc::new(p));
                        self.show_preview(kind, 0);
                    }
                    self.left = Left::Ready {
                        errors,
                        warnings,
                        rules,
                    };
                }
            }
            Reply::Fixed { job } => {
                let Downloads::Preparing {
                    job: j,
                    want,
                    ref choices,
                    ..
                } = self.downloads
                else {
                    return;
                };
                if j != job {
                    return;
                }
                let choices = choices.clone();
                self.downloads = Downloads::None;
                if blob {
                    self.deliver(job, want);
                    // Keep the downloads of the choices this one was made with only (the
                    // choices of the click, not of the toggles since): a blob of a big file
                    // is big.
                    self.made.retain(|(made_with, _, _)| *made_with == choices);
                    self.made.push((choices, want, job));
                } else {
                    self.downloads = Downloads::Failed(
                        "The download could not be made: the checker sent no file. Try again."
                            .into(),
                    );
                }
                self.next_download();
            }
            Reply::Glossary { job, groups } => {
                if Some(job) == self.glossary_job {
                    self.glossary = Some(Ok(groups));
                }
            }
            Reply::Roster { job, roster, view } => {
                if roster == self.roster_id {
                    self.roster = RosterState::Ready(Arc::from(view));
                }
                if Some(job) == self.roster_job {
                    self.roster_job = None;
                }
            }
            Reply::Preview {
                job,
                kind,
                offset,
                lines,
            } => {
                if Some(job) == self.preview_job {
                    self.preview_page = PreviewPage {
                        kind,
                        offset,
                        lines: Some(lines),
                    };
                }
            }
            Reply::Cancelled { job } => {
                // A download the page did not cancel (the worker stopped it): said, not silent.
                if matches!(self.downloads, Downloads::Preparing { job: j, .. } if j == job) {
                    self.downloads = Downloads::Failed(
                        "The download was stopped before it was ready. Try again.".into(),
                    );
                    self.next_download();
                }
            }
            Reply::Part { .. } => {}
            Reply::Failed { job, message } => {
                if Some(job) == self.roster_job {
                    self.roster_job = None;
                    self.roster = RosterState::Failed(message);
                } else if Some(job) == current {
                    if matches!(self.roster, RosterState::Reading { .. }) {
                        self.roster = RosterState::Failed(message.clone());
                    }
                    self.job = None;
                    self.drop_split();
                    self.phase = Phase::Failed(message);
                } else if Some(job) == self.glossary_job {
                    self.glossary = Some(Err(message));
                } else if self.left_job == Some(job) {
                    self.left_job = None;
                    self.left = Left::Failed(message);
                } else if matches!(self.downloads, Downloads::Preparing { job: j, .. } if j == job)
                {
                    self.downloads =
                        Downloads::Failed(format!("The download could not be made: {message}"));
                    self.next_download();
                }
            }
        }
    }

    /// A reply from the second worker. `buffer`: an `ArrayBuffer` came with it (its part of a
    /// split check, handed on to the checker as [`Attach::ReplyBuffer`]).
    pub fn on_helper_reply(&mut self, reply: Reply, buffer: bool) -> Vec<Effect> {
        match reply {
            Reply::Ready => {
                self.helper = Helper::Ready;
                // The second worker is idle until a big file comes: it warms the engine up
                // meanwhile (a request stops it at once).
                self.send_helper(Request::WarmUp, Attach::Nothing);
                self.warming = true;
            }
            Reply::Warm { ms, .. } => {
                self.warming = false;
                self.warm = Some(ms);
            }
            Reply::Progress {
                job, bytes, rows, ..
            } => {
                if let Some(split) = self.split.as_mut().filter(|s| s.job == job) {
                    split.progress.part = (bytes, rows);
                    let (bytes, total, rows) = split.progress.shown();
                    if let Phase::Checking {
                        bytes: b,
                        total: t,
                        rows: r,
                        ..
                    } = &mut self.phase
                    {
                        (*b, *t, *r) = (bytes, total, rows);
                    }
                }
            }
            Reply::Part { job, cut, timing } => self.hand_on_part(job, cut, timing, buffer),
            // The first worker checks the rest itself.
            Reply::Failed { job, .. } => self.hand_on_part(job, None, PartTiming::default(), false),
            _ => {}
        }
        std::mem::take(&mut self.out)
    }

    /// Gives the first worker the second's part of the check in flight, transferred (or tells
    /// it there is none, so it checks the rest itself).
    fn hand_on_part(&mut self, job: JobId, cut: Option<u64>, timing: PartTiming, buffer: bool) {
        let current = self.job;
        let Some(split) = self
            .split
            .as_mut()
            .filter(|s| s.job == job && s.awaiting && current == Some(job))
        else {
            return;
        };
        split.awaiting = false;
        // Sent straight to the checker: a warm-up in the second worker ended with its part.
        self.out.push(Effect::Send {
            to: To::Checker,
            request: Request::Part { job, cut, timing },
            attach: if buffer {
                Attach::ReplyBuffer
            } else {
                Attach::Nothing
            },
        });
    }
}

/// The finding that makes a file impossible to check, as the engine's registry says
/// (`Rule::stops`): one that makes it unreadable (`F003` not text, `F019` an encrypted workbook,
/// `F023` a workbook too large to read), else one that finds it empty (`F005`: empty, or a
/// header with no user rows).
pub fn blocking(report: &ReportView) -> Option<&FindingGroup> {
    use orgsync_core::{Code, Stop};
    let stops = |g: &&FindingGroup, stop| {
        g.code.parse::<Code>().ok().and_then(|c| c.rule().stops) == Some(stop)
    };
    let groups = || report.groups.iter();
    groups()
        .find(|g| stops(g, Stop::Unreadable))
        .or_else(|| groups().find(|g| stops(g, Stop::Empty)))
}

#[cfg(test)]
mod tests;

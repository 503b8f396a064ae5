//! The Web Worker: reads the user's `File` in slices, feeds the engine, and answers the page.
//! The file's bytes are only ever in the worker, one slice at a time.
//!
//! The worker keeps the last [`orgsync_core::Report`] so that the downloads, which re-read the
//! file through the engine's `Fixer`, need no second check, and the pages of the preview come
//! from it. It keeps the user export it read last ([`orgsync_core::Roster`]) under the page's
//! number for it, so a new upload is compared without reading the export again. It yields to
//! its event loop between slices, so a `Cancel` message from the page is seen within one slice.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, File, MessageChannel, MessageEvent,
};

use crate::adapter;
use crate::model::{Download, FixChoices};
use crate::protocol::{JobId, Reply, Request, RosterId, Timing};
use crate::view::PREVIEW_PAGE;

/// Bytes read per slice: big enough that per-slice overhead is negligible, small enough that
/// progress moves and Cancel answers within a few milliseconds.
const SLICE: u64 = 2 << 20;
/// Slices being read ahead while the engine works on the current one: memory stays a few MiB.
/// (With 2, the engine waited ~170 ms for bytes over a 94 MB file.)
const READ_AHEAD: usize = 4;
/// The engine keeps at most this many findings per rule for the page; counts stay exact. The
/// CLI's default (`orgsync check --format json`, `fix --json`), so the JSON download is the file
/// the CLI writes, and a file where every row is wrong stays within a few hundred MiB.
pub const MAX_FINDINGS_PER_CODE: usize = 10_000;
/// A download is gathered in wasm memory this many bytes at a time, then handed to JavaScript.
const DOWNLOAD_BUFFER: usize = 1 << 20;
/// The fix pass gets a slice this much at a time: its outputs for one piece are at most ~30
/// times the piece (a row where every cell is wrong makes two report lines a finding), and
/// wasm memory keeps its high-water mark, so small pieces keep the worker small.
const FIX_PIECE: usize = 128 << 10;
/// Handed-over pieces are folded into the download's `Blob` once they reach this many bytes, so
/// the browser, not the worker, holds a big download (Chromium keeps large blobs on disk).
const DOWNLOAD_BATCH: usize = 16 << 20;
/// A user export's group names are in its header, so a glossary reads at most this much.
const GLOSSARY_BYTES: u64 = 16 << 20;
/// Progress messages are sent at most this often (milliseconds).
const PROGRESS_EVERY_MS: f64 = 50.0;
/// The worker lets its event loop run (to see a Cancel) at least this often (milliseconds).
const YIELD_EVERY_MS: f64 = 30.0;

thread_local! {
    static LAST_REPORT: RefCell<Option<Rc<orgsync_core::Report>>> = const { RefCell::new(None) };
    /// The user export read last, under the page's number for it.
    static ROSTER: RefCell<Option<(RosterId, Arc<orgsync_core::Roster>)>> = const { RefCell::new(None) };
    /// Jobs the page cancelled. Several jobs can be in flight (a cancelled one stops at its
    /// next slice), so this is a list, not the last one.
    static CANCELLED: RefCell<Vec<JobId>> = const { RefCell::new(Vec::new()) };
    static YIELDER: Yielder = Yielder::new();
}

/// Starts the worker: installs the message handler and tells the page it is ready.
pub fn run() {
    console_error_panic_hook::set_once();
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| on_message(event));
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&Reply::Ready, None);
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Sends a reply, with an optional attachment (blobs) that the browser clones.
fn post(reply: &Reply, attachment: Option<&JsValue>) {
    post_with(&reply.to_text(), None, attachment);
}

/// Sends a reply's text, its payload's JSON ([`Reply::payload_json`]) and an attachment.
fn post_with(text: &str, payload: Option<&str>, attachment: Option<&JsValue>) {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"text".into(), &text.into());
    if let Some(attachment) = attachment {
        let _ = js_sys::Reflect::set(&message, &"attachment".into(), attachment);
    }
    if let Some(payload) = payload {
        let _ = js_sys::Reflect::set(&message, &"payload".into(), &payload.into());
    }
    if let Err(error) = scope().post_message(&message) {
        web_sys::console::error_2(&"orgsync worker: cannot post a reply".into(), &error);
    }
}

/// Sends a reply with its payload.
fn post_big(reply: &Reply) {
    post_with(&reply.to_text(), reply.payload_json().as_deref(), None);
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    let text = js_sys::Reflect::get(&data, &"text".into())
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    let attachment =
        js_sys::Reflect::get(&data, &"attachment".into()).unwrap_or(JsValue::UNDEFINED);
    let request = match Request::from_text(&text) {
        Ok(request) => request,
        Err(error) => {
            web_sys::console::error_1(
                &format!("orgsync worker: unreadable request: {error}").into(),
            );
            return;
        }
    };
    // A check against a user export comes with two files: `[upload, export]`.
    let (file, export) = if Array::is_array(&attachment) {
        let files = Array::from(&attachment);
        (
            files.get(0).dyn_into::<File>().ok(),
            files.get(1).dyn_into::<File>().ok(),
        )
    } else {
        (attachment.dyn_into::<File>().ok(), None)
    };
    match (request, file) {
        (Request::Cancel { job }, _) => CANCELLED.with(|c| {
            let mut c = c.borrow_mut();
            // Only the last few matter: a cancelled job stops at its next slice.
            if c.len() >= 64 {
                c.remove(0);
            }
            c.push(job);
        }),
        (Request::ForgetRoster, _) => ROSTER.with(|r| *r.borrow_mut() = None),
        (Request::Preview { job, kind, offset }, _) => preview(job, kind, offset),
        (
            Request::Check {
                job,
                known_groups,
                roster,
            },
            Some(file),
        ) => {
            let export = match (roster, export) {
                (Some(id), Some(export)) => Some((id, export)),
                _ => None,
            };
            wasm_bindgen_futures::spawn_local(async move {
                finish(job, check(job, file, export, known_groups).await)
            })
        }
        (Request::Roster { job, roster }, Some(file)) => {
            wasm_bindgen_futures::spawn_local(async move {
                finish(job, read_roster(job, file, roster).await.map(|_| ()))
            })
        }
        (Request::Fix { job, choices, want }, Some(file)) => {
            wasm_bindgen_futures::spawn_local(async move {
                finish(job, fix(job, file, choices, want).await)
            })
        }
        (Request::Glossary { job }, Some(file)) => {
            wasm_bindgen_futures::spawn_local(async move { finish(job, glossary(job, file).await) })
        }
        (request, None) => post(
            &Reply::Failed {
                job: request_job(&request),
                message: "No file came with the request.".into(),
            },
            None,
        ),
    }
}

fn request_job(request: &Request) -> JobId {
    match request {
        Request::Check { job, .. }
        | Request::Fix { job, .. }
        | Request::Roster { job, .. }
        | Request::Preview { job, .. }
        | Request::Glossary { job }
        | Request::Cancel { job } => *job,
        Request::ForgetRoster => 0,
    }
}

/// Why a job ended early.
enum Stop {
    Cancelled,
    Failed(String),
}

fn finish(job: JobId, outcome: Result<(), Stop>) {
    match outcome {
        Ok(()) => {}
        Err(Stop::Cancelled) => post(&Reply::Cancelled { job }, None),
        Err(Stop::Failed(message)) => post(&Reply::Failed { job, message }, None),
    }
}

fn js_error(context: &str, error: JsValue) -> Stop {
    let detail = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_default();
    Stop::Failed(format!("{context}: {detail}"))
}

/// Reads a `File` slice by slice into a reused buffer, reporting progress and honouring Cancel.
///
/// The next slices are requested (`Blob.arrayBuffer()`) before the current one goes to the
/// engine, so the browser reads the disk while the engine works; [`READ_AHEAD`] slices at most
/// are in flight.
struct SliceReader {
    job: JobId,
    file: File,
    /// Reads already started, in file order, with where each slice ends.
    pending: VecDeque<(JsFuture, u64)>,
    /// Where the next read to start begins.
    next: u64,
    offset: u64,
    total: u64,
    buffer: Vec<u8>,
    last_progress: f64,
    last_yield: f64,
    /// Whether this is the user export (progress says so).
    export: bool,
}

impl SliceReader {
    fn new(job: JobId, file: File, limit: Option<u64>) -> Result<Self, Stop> {
        let size = file.size() as u64;
        let total = limit.map_or(size, |l| l.min(size));
        let mut reader = SliceReader {
            job,
            file,
            pending: VecDeque::new(),
            next: 0,
            offset: 0,
            total,
            buffer: Vec::new(),
            last_progress: 0.0,
            last_yield: 0.0,
            export: false,
        };
        reader.prefetch()?;
        Ok(reader)
    }

    /// Starts reads until [`READ_AHEAD`] slices are in flight or the file is all requested.
    fn prefetch(&mut self) -> Result<(), Stop> {
        while self.pending.len() < READ_AHEAD && self.next < self.total {
            let end = (self.next + SLICE).min(self.total);
            let blob = self
                .file
                .slice_with_f64_and_f64(self.next as f64, end as f64)
                .map_err(|e| js_error("The file could not be sliced", e))?;
            self.pending
                .push_back((JsFuture::from(blob.array_buffer()), end));
            self.next = end;
        }
        Ok(())
    }

    /// The next slice, or `None` at the end of the file.
    async fn next_slice(&mut self) -> Result<Option<&[u8]>, Stop> {
        let Some((read, end)) = self.pending.pop_front() else {
            return Ok(None);
        };
        let array_buffer = read
            .await
            .map_err(|e| js_error("The file could not be read (was it moved or changed?)", e))?;
        let bytes = Uint8Array::new(&array_buffer);
        self.buffer.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.buffer);
        self.offset = end;
        self.prefetch()?;
        Ok(Some(&self.buffer))
    }

    /// Tells the page how far we are (throttled, always at the end), then lets the worker's event
    /// loop run so a Cancel can arrive.
    async fn progress(&mut self, rows: u64) -> Result<(), Stop> {
        let now = js_sys::Date::now();
        if now - self.last_progress >= PROGRESS_EVERY_MS || self.offset >= self.total {
            self.last_progress = now;
            post(
                &Reply::Progress {
                    job: self.job,
                    bytes: self.offset,
                    total: self.total,
                    rows,
                    export: self.export,
                },
                None,
            );
        }
        // Yielding costs a trip through the event loop; every few slices is enough for Cancel.
        if now - self.last_yield >= YIELD_EVERY_MS {
            yield_now().await;
            self.last_yield = js_sys::Date::now();
        }
        if CANCELLED.with(|c| c.borrow().contains(&self.job)) {
            Err(Stop::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// The user export with this number: the one held, or read now from `file` (then held, and its
/// view sent to the page at once).
async fn read_roster(
    job: JobId,
    file: File,
    id: RosterId,
) -> Result<Arc<orgsync_core::Roster>, Stop> {
    let held = ROSTER.with(|r| {
        r.borrow()
            .as_ref()
            .filter(|(held, _)| *held == id)
            .map(|(_, roster)| Arc::clone(roster))
    });
    if let Some(roster) = held {
        return Ok(roster);
    }
    // The previous export is freed before this one is read.
    ROSTER.with(|r| *r.borrow_mut() = None);
    let mut reader = orgsync_core::RosterReader::new(Some(file.name()));
    let mut slices = SliceReader::new(job, file, None)?;
    slices.export = true;
    while let Some(slice) = slices.next_slice().await? {
        reader.push(slice);
        slices.progress(0).await?;
    }
    let roster = Arc::new(reader.finish());
    post(
        &Reply::Roster {
            job,
            roster: id,
            view: Box::new(adapter::roster_view(&roster)),
        },
        None,
    );
    ROSTER.with(|r| *r.borrow_mut() = Some((id, Arc::clone(&roster))));
    Ok(roster)
}

async fn check(
    job: JobId,
    file: File,
    export: Option<(RosterId, File)>,
    known_groups: Vec<String>,
) -> Result<(), Stop> {
    let now = || js_sys::Date::now();
    let start = now();
    let mut timing = Timing {
        started_at: start,
        ..Timing::default()
    };
    // The page has let the last report go; so does the worker, before holding a second one
    // (with an export, a report holds its roster too).
    LAST_REPORT.with(|last| *last.borrow_mut() = None);
    let roster = match export {
        Some((id, export)) => Some(read_roster(job, export, id).await?),
        None => {
            ROSTER.with(|r| *r.borrow_mut() = None);
            None
        }
    };
    let mut checker = orgsync_core::Checker::new(orgsync_core::Options {
        file_name: Some(file.name()),
        known_groups,
        max_findings_per_code: Some(MAX_FINDINGS_PER_CODE),
        roster,
    });
    let mut slices = SliceReader::new(job, file, None)?;
    loop {
        let t = now();
        let Some(slice) = slices.next_slice().await? else {
            break;
        };
        let t_read = now();
        checker.push(slice);
        let t_engine = now();
        timing.read_ms += t_read - t;
        timing.engine_ms += t_engine - t_read;
        slices.progress(checker.rows_read()).await?;
        timing.between_ms += now() - t_engine;
    }
    let t = now();
    let report = checker.finish();
    let t_view = now();
    timing.engine_ms += t_view - t;
    // The summary first; the grid of rows with problems, most of the view on a big file, next.
    let flat = adapter::flatten(&report);
    let view = adapter::summary_view(&report, &flat);
    timing.view_ms = now() - t_view;
    LAST_REPORT.with(|last| *last.borrow_mut() = Some(Rc::new(report)));
    timing.total_ms = now() - start;
    let mut reply = Reply::Checked {
        job,
        report: Box::new(view),
        timing,
    };
    let payload = reply.payload_json();
    if let Reply::Checked { timing, .. } = &mut reply {
        timing.posted_at = now();
        timing.encode_ms = timing.posted_at - start - timing.total_ms;
    }
    post_with(&reply.to_text(), payload.as_deref(), None);
    let (rows, total) = crate::view::grid(&flat);
    drop(flat);
    post_big(&Reply::Grid { job, rows, total });
    Ok(())
}

async fn fix(job: JobId, file: File, choices: FixChoices, want: Download) -> Result<(), Stop> {
    // Shared, not taken: the preview's pages still come from it while the fixer runs.
    let Some(report) = LAST_REPORT.with(|last| last.borrow().clone()) else {
        return Err(Stop::Failed("Check the file before downloading.".into()));
    };
    fix_with(job, file, &report, &choices, want).await
}

/// A page of the last check's preview lines.
fn preview(job: JobId, kind: Option<String>, offset: u64) {
    let lines = LAST_REPORT.with(|last| {
        last.borrow()
            .as_ref()
            .and_then(|r| r.preview.as_ref())
            .map(|p| adapter::preview_page(p, kind.as_deref(), offset, PREVIEW_PAGE))
            .unwrap_or_default()
    });
    post(
        &Reply::Preview {
            job,
            kind,
            offset,
            lines,
        },
        None,
    );
}

/// Makes one download: the JSON report straight from the report, the others from a fix pass
/// over the file, keeping only the output asked for.
async fn fix_with(
    job: JobId,
    file: File,
    report: &orgsync_core::Report,
    choices: &FixChoices,
    want: Download,
) -> Result<(), Stop> {
    let mut sink = BlobSink::new(want.mime());
    if want == Download::Json {
        // The same JSON the CLI writes (`Report::write_json`), written a piece at a time.
        report
            .write_json(&mut sink, true)
            .map_err(|e| Stop::Failed(format!("The JSON report could not be written: {e}")))?;
        sink.write_bytes(b"\n")?;
    } else {
        let mut fixer = orgsync_core::Fixer::new(report, &adapter::fix_options(choices));
        let pick = |chunk: orgsync_core::FixChunk| match want {
            Download::Corrected => chunk.corrected,
            Download::Report => chunk.error_report,
            Download::Findings => chunk.findings,
            Download::Preview => chunk.preview,
            Download::Json => Vec::new(),
        };
        let mut slices = SliceReader::new(job, file, None)?;
        while let Some(slice) = slices.next_slice().await? {
            for piece in slice.chunks(FIX_PIECE) {
                fixer.push(piece);
                sink.write_bytes(&pick(fixer.take_output()))?;
            }
            slices.progress(0).await?;
        }
        sink.write_bytes(&pick(fixer.finish()))?;
    }
    let blob = sink.finish()?;
    post(&Reply::Fixed { job }, Some(&blob));
    Ok(())
}

/// A download being written: bytes gather in a small buffer, go to JavaScript a MiB at a time,
/// and are folded into one `Blob` every [`DOWNLOAD_BATCH`] bytes, so neither the worker's wasm
/// memory nor its JavaScript heap ever holds more than a batch of a download of any size.
struct BlobSink {
    mime: &'static str,
    buffer: Vec<u8>,
    parts: Array,
    parts_bytes: usize,
    blob: Option<Blob>,
    failed: Option<String>,
}

impl BlobSink {
    fn new(mime: &'static str) -> Self {
        BlobSink {
            mime,
            buffer: Vec::with_capacity(DOWNLOAD_BUFFER),
            parts: Array::new(),
            parts_bytes: 0,
            blob: None,
            failed: None,
        }
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= DOWNLOAD_BUFFER {
            self.hand_over()?;
        }
        Ok(())
    }

    /// Moves the buffer into a JavaScript `Uint8Array`; folds the pieces when a batch is full.
    fn hand_over(&mut self) -> Result<(), Stop> {
        if !self.buffer.is_empty() {
            self.parts.push(&Uint8Array::from(self.buffer.as_slice()));
            self.parts_bytes += self.buffer.len();
            self.buffer.clear();
        }
        if self.parts_bytes >= DOWNLOAD_BATCH {
            self.fold()?;
        }
        Ok(())
    }

    /// The blob so far and the pieces since, as one new blob (the browser joins them without
    /// copying the old blob's bytes back into the worker).
    fn fold(&mut self) -> Result<(), Stop> {
        let sequence = Array::new();
        if let Some(blob) = self.blob.take() {
            sequence.push(&blob);
        }
        for part in self.parts.iter() {
            sequence.push(&part);
        }
        let options = BlobPropertyBag::new();
        options.set_type(self.mime);
        let blob = Blob::new_with_u8_array_sequence_and_options(&sequence, &options)
            .map_err(|e| js_error("The download could not be assembled", e))?;
        self.blob = Some(blob);
        self.parts = Array::new();
        self.parts_bytes = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<Blob, Stop> {
        if let Some(message) = self.failed.take() {
            return Err(Stop::Failed(message));
        }
        self.hand_over()?;
        self.fold()?;
        self.blob
            .take()
            .ok_or_else(|| Stop::Failed("The download could not be assembled.".into()))
    }
}

impl std::io::Write for BlobSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.write_bytes(bytes) {
            Ok(()) => Ok(bytes.len()),
            Err(stop) => {
                let message = match stop {
                    Stop::Failed(m) => m,
                    Stop::Cancelled => "cancelled".into(),
                };
                self.failed = Some(message.clone());
                Err(std::io::Error::other(message))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn glossary(job: JobId, file: File) -> Result<(), Stop> {
    let mut slices = SliceReader::new(job, file, Some(GLOSSARY_BYTES))?;
    let mut bytes = Vec::new();
    while let Some(slice) = slices.next_slice().await? {
        bytes.extend_from_slice(slice);
    }
    let groups = orgsync_core::groups_from_export(&bytes);
    post(&Reply::Glossary { job, groups }, None);
    Ok(())
}

/// Yields to the worker's event loop through a `MessageChannel`: unlike `setTimeout(0)`, it is
/// not clamped to 4 ms, so yielding after every slice costs almost nothing.
struct Yielder {
    channel: Option<MessageChannel>,
    waiting: std::rc::Rc<RefCell<VecDeque<js_sys::Function>>>,
}

impl Yielder {
    fn new() -> Self {
        let waiting: std::rc::Rc<RefCell<VecDeque<js_sys::Function>>> = Default::default();
        let channel = MessageChannel::new().ok();
        if let Some(channel) = &channel {
            let queue = waiting.clone();
            let wake = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
                if let Some(resolve) = queue.borrow_mut().pop_front() {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            });
            channel
                .port1()
                .set_onmessage(Some(wake.as_ref().unchecked_ref()));
            wake.forget();
        }
        Yielder { channel, waiting }
    }
}

async fn yield_now() {
    let promise = YIELDER.with(|y| {
        let channel = y.channel.as_ref()?;
        let waiting = y.waiting.clone();
        let port = channel.port2();
        Some(js_sys::Promise::new(&mut move |resolve, _reject| {
            waiting.borrow_mut().push_back(resolve);
            let _ = port.post_message(&JsValue::UNDEFINED);
        }))
    });
    if let Some(promise) = promise {
        let _ = JsFuture::from(promise).await;
    }
}

//! The Web Worker: reads the user's `File` in slices, feeds the engine, and answers the page.
//! The file's bytes are only ever in the worker, one slice at a time.
//!
//! The worker keeps the last [`orgsync_core::Report`] so that the downloads, which re-read the
//! file through the engine's `Fixer`, need no second check, and the pages of the preview come
//! from it. It keeps the user export it read last ([`orgsync_core::Roster`]) under the page's
//! number for it, so a new upload is compared without reading the export again. It yields to
//! its event loop between slices, so a `Cancel` message from the page is seen within one slice.
//!
//! The page runs two instances of this worker. For a big upload it asks the first for a split
//! check ([`Request::Check`] with `split`: check up to the cut, then wait for the part) and the
//! second for the rest ([`Request::CheckPart`]); the part comes back through the page
//! ([`Request::Part`]) and is merged, or, when it cannot be, the first checks the rest itself.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, File, MessageChannel, MessageEvent,
    ReadableStreamByobReader, ReadableStreamDefaultReader,
};

use crate::adapter;
use crate::model::{Download, FixChoices};
use crate::protocol::{self, JobId, PartTiming, Reply, Request, RosterId, Timing};
use crate::view::PREVIEW_PAGE;
use crate::warm;

#[cfg(not(feature = "workbook"))]
mod book;

/// Bytes read per slice: big enough that per-slice overhead is negligible, small enough that
/// progress moves and Cancel answers within a few milliseconds.
const SLICE: u64 = 2 << 20;
/// What a failed read says (a file moved or changed after it was picked cannot be read).
const UNREADABLE: &str = "The file could not be read (was it moved or changed?)";
/// The engine keeps at most this many findings per rule for the page; counts stay exact. The
/// engine's default, the CLI's and the JS API's (`orgsync check --format json`, `fix --json`), so
/// the JSON download is the file the CLI writes.
pub const MAX_FINDINGS_PER_CODE: usize = orgsync_core::DEFAULT_MAX_FINDINGS_PER_CODE;
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
    /// Parts handed on by the page for split checks, or the checks waiting for them.
    static PARTS: RefCell<Vec<(JobId, PartSlot)>> = const { RefCell::new(Vec::new()) };
    /// The options of the last check, for re-checking a corrected file.
    static LAST_OPTIONS: RefCell<Option<orgsync_core::Options>> = const { RefCell::new(None) };
    /// The preview of the corrected file with the last choices counted ([`Request::Left`]): the
    /// preview pages come from it once it is there.
    static FIX_PREVIEW: RefCell<Option<orgsync_core::Preview>> = const { RefCell::new(None) };
    /// The whole cells of the last check's grid rows, under the check's job number.
    static WHOLE: RefCell<Option<(JobId, orgsync_core::Rows)>> = const { RefCell::new(None) };
    /// Set by every request but a warm-up: a warm-up in progress stops at its next piece.
    static WARM_STOP: Cell<bool> = const { Cell::new(false) };
}

/// A split check's part, by job: arrived (the cut, what the second worker did, the bytes), or
/// awaited (the function that wakes the waiting check).
enum PartSlot {
    Arrived(Option<u64>, PartTiming, JsValue),
    Waiting(js_sys::Function),
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

pub(crate) fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Sends a reply, with an optional attachment (blobs) that the browser clones.
pub(crate) fn post(reply: &Reply, attachment: Option<&JsValue>) {
    post_with(&reply.to_text(), None, attachment);
}

/// Sends a reply with an `ArrayBuffer` that is transferred to the page, not copied.
fn post_transfer(reply: &Reply, buffer: &JsValue) {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"text".into(), &reply.to_text().into());
    let _ = js_sys::Reflect::set(&message, &"attachment".into(), buffer);
    if let Err(error) = scope().post_message_with_transfer(&message, &Array::of1(buffer)) {
        web_sys::console::error_2(&"orgsync worker: cannot post a reply".into(), &error);
    }
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
    // Real work comes first: a warm-up yields to it for good.
    WARM_STOP.with(|stop| stop.set(request != Request::WarmUp));
    match request {
        Request::WarmUp => return wasm_bindgen_futures::spawn_local(warm_up()),
        Request::StopWarmUp => return,
        _ => {}
    }
    // Workbooks are read by the workbook worker (a build of this one with the engine's reader).
    #[cfg(not(feature = "workbook"))]
    if book::route_message(&request, &data, &attachment) {
        return;
    }
    dispatch(request, attachment);
}

/// Runs a request here.
fn dispatch(request: Request, attachment: JsValue) {
    if let Request::Part { job, cut, timing } = request {
        part_arrived(job, PartSlot::Arrived(cut, timing, attachment));
        return;
    }
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
        (Request::Cancel { job }, _) => {
            CANCELLED.with(|c| {
                let mut c = c.borrow_mut();
                // Only the last few matter: a cancelled job stops at its next slice.
                if c.len() >= 64 {
                    c.remove(0);
                }
                c.push(job);
            });
            // A check waiting for its part wakes up to see it is cancelled.
            forget_part(job);
        }
        (Request::Part { .. } | Request::WarmUp | Request::StopWarmUp, _) => {}
        (Request::ForgetRoster, _) => ROSTER.with(|r| *r.borrow_mut() = None),
        (Request::Preview { job, kind, offset }, _) => preview(job, kind, offset),
        (Request::Rows { job, rows }, _) => whole_rows(job, &rows),
        (
            Request::Check {
                job,
                known_groups,
                roster,
                split,
                encoding,
                sheet,
            },
            Some(file),
        ) => {
            let export = match (roster, export) {
                (Some(id), Some(export)) => Some((id, export)),
                _ => None,
            };
            let split = split && export.is_none();
            wasm_bindgen_futures::spawn_local(async move {
                finish(
                    job,
                    check(job, file, export, (known_groups, sheet), split, encoding).await,
                )
            })
        }
        (
            Request::CheckPart {
                job,
                known_groups,
                encoding,
            },
            Some(file),
        ) => wasm_bindgen_futures::spawn_local(async move {
            finish(job, check_part(job, file, known_groups, encoding).await)
        }),
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
        (Request::Left { job, choices }, Some(file)) => wasm_bindgen_futures::spawn_local(
            async move { finish(job, left(job, file, choices).await) },
        ),
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

pub(crate) fn request_job(request: &Request) -> JobId {
    match request {
        Request::Check { job, .. }
        | Request::CheckPart { job, .. }
        | Request::Part { job, .. }
        | Request::Fix { job, .. }
        | Request::Roster { job, .. }
        | Request::Preview { job, .. }
        | Request::Rows { job, .. }
        | Request::Left { job, .. }
        | Request::Glossary { job }
        | Request::Cancel { job } => *job,
        Request::ForgetRoster | Request::WarmUp | Request::StopWarmUp => 0,
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
/// The bytes come from the file's stream (`Blob.stream()`): the browser reads the disk into the
/// stream's pipe while the engine works, and the worker gathers what arrives into slices of
/// [`SLICE`] bytes (see [`Source`]). On a 94 MB file in Chromium this cost the browser ~100 ms
/// less CPU than a `Blob.arrayBuffer()` per slice, read ahead (BENCHMARKS.md).
struct SliceReader {
    job: JobId,
    /// The stream of the bytes to read (the file, or the range of it asked for).
    source: Source,
    offset: u64,
    total: u64,
    buffer: Vec<u8>,
    last_progress: f64,
    last_yield: f64,
    /// Whether this is the user export (progress says so).
    export: bool,
    /// Where the reading starts.
    start: u64,
    /// Whether this is the second worker's range of a split check: progress then counts from
    /// `start` and says so.
    part: bool,
}

/// How a [`SliceReader`] reads its stream.
enum Source {
    /// Into one `ArrayBuffer` of its own, handed to the stream and back for each read (a
    /// "bring your own buffer" reader): no new memory per chunk. A million-row file then took
    /// ~22,000 fewer page faults in the workers, and the second worker waited 51-61 ms for bytes
    /// instead of 134-142 ms. The buffer is `None` once the stream has ended.
    Own(ReadableStreamByobReader, Option<ArrayBuffer>),
    /// Chunk by chunk, each in new memory: for browsers whose file streams are not byte streams.
    Chunks(ReadableStreamDefaultReader),
}

/// Whether a `read()` result says the stream has ended, and its value.
fn read_result(result: &JsValue) -> (bool, Option<Uint8Array>) {
    let done = js_sys::Reflect::get(result, &"done".into())
        .ok()
        .and_then(|d| d.as_bool())
        .unwrap_or(true);
    let value = js_sys::Reflect::get(result, &"value".into())
        .ok()
        .and_then(|v| v.dyn_into::<Uint8Array>().ok());
    (done, value)
}

impl SliceReader {
    fn new(job: JobId, file: File, limit: Option<u64>) -> Result<Self, Stop> {
        let size = file.size() as u64;
        Self::range(job, file, 0, limit.map_or(size, |l| l.min(size)))
    }

    /// Reads the bytes `[start, end)` of the file.
    fn range(job: JobId, file: File, start: u64, end: u64) -> Result<Self, Stop> {
        let stream = file
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|e| js_error("The file could not be sliced", e))?
            .stream();
        let source = match ReadableStreamByobReader::new(&stream) {
            Ok(reader) => Source::Own(reader, Some(ArrayBuffer::new(SLICE as u32))),
            Err(_) => Source::Chunks(stream.get_reader().unchecked_into()),
        };
        Ok(SliceReader {
            job,
            source,
            offset: start,
            total: end,
            buffer: Vec::new(),
            last_progress: 0.0,
            last_yield: 0.0,
            export: false,
            start,
            part: false,
        })
    }

    /// The next slice, or `None` at the end of the file.
    async fn next_slice(&mut self) -> Result<Option<&[u8]>, Stop> {
        self.buffer.clear();
        match &mut self.source {
            Source::Own(reader, own) => {
                let Some(mut buffer) = own.take() else {
                    return Ok(None);
                };
                let (size, mut filled, mut ended) = (buffer.byte_length(), 0, false);
                while filled < size && !ended {
                    let view =
                        Uint8Array::new_with_byte_offset_and_length(&buffer, filled, size - filled);
                    let result = JsFuture::from(reader.read_with_array_buffer_view(&view))
                        .await
                        .map_err(|e| js_error(UNREADABLE, e))?;
                    let (done, value) = read_result(&result);
                    // The read gives the buffer back in a view over what it filled (empty at
                    // the end); no view means the stream was cancelled, which this reader never
                    // does: a failure, not the end of the file.
                    let Some(value) = value else {
                        return Err(Stop::Failed(format!(
                            "{UNREADABLE}: the read was cancelled"
                        )));
                    };
                    buffer = value.buffer();
                    filled += value.byte_length();
                    ended = done;
                }
                self.buffer.resize(filled as usize, 0);
                Uint8Array::new_with_byte_offset_and_length(&buffer, 0, filled)
                    .copy_to(&mut self.buffer);
                if !ended {
                    *own = Some(buffer);
                }
            }
            Source::Chunks(reader) => {
                while (self.buffer.len() as u64) < SLICE {
                    let result = JsFuture::from(reader.read())
                        .await
                        .map_err(|e| js_error(UNREADABLE, e))?;
                    let (done, value) = read_result(&result);
                    let Some(bytes) = value.filter(|_| !done) else {
                        break;
                    };
                    let at = self.buffer.len();
                    self.buffer.resize(at + bytes.length() as usize, 0);
                    bytes.copy_to(&mut self.buffer[at..]);
                }
            }
        }
        if self.buffer.is_empty() {
            return Ok(None);
        }
        self.offset += self.buffer.len() as u64;
        Ok(Some(&self.buffer))
    }

    /// Lets the worker's event loop run (so a Cancel and the page's other requests are seen)
    /// without telling the page how far it is: for reads the page shows no progress of.
    async fn quiet_yield(&mut self) -> Result<(), Stop> {
        let now = js_sys::Date::now();
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

    /// Tells the page how far we are (throttled, always at the end), then lets the worker's event
    /// loop run so a Cancel can arrive.
    async fn progress(&mut self, rows: u64) -> Result<(), Stop> {
        let now = js_sys::Date::now();
        if now - self.last_progress >= PROGRESS_EVERY_MS || self.offset >= self.total {
            self.last_progress = now;
            let base = if self.part { self.start } else { 0 };
            post(
                &Reply::Progress {
                    job: self.job,
                    bytes: self.offset - base,
                    total: self.total - base,
                    rows,
                    export: self.export,
                    part: self.part,
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

/// Starts reading the bytes `[start, end)` of a file: the future gives an `ArrayBuffer`.
fn start_read(file: &File, start: u64, end: u64) -> Result<JsFuture, Stop> {
    let blob = file
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|e| js_error("The file could not be sliced", e))?;
    Ok(JsFuture::from(blob.array_buffer()))
}

/// What a read from [`start_read`] gave, or why it failed.
async fn finish_read(read: JsFuture) -> Result<JsValue, Stop> {
    read.await.map_err(|e| js_error(UNREADABLE, e))
}

/// Reads the bytes `[start, end)` of a file at once (a window, not the file).
async fn read_range(file: &File, start: u64, end: u64) -> Result<Vec<u8>, Stop> {
    let buffer = finish_read(start_read(file, start, end)?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Where a split check cuts the file; both workers find the same cut from the same bytes.
async fn find_cut(file: &File) -> Result<Option<u64>, Stop> {
    let size = file.size() as u64;
    let (start, end) = protocol::cut_window(size);
    let window = read_range(file, start, end).await?;
    Ok(protocol::cut_from(size, &window))
}

/// A split check's part came from the page: kept for the check, which is woken if it waits.
fn part_arrived(job: JobId, arrived: PartSlot) {
    if CANCELLED.with(|c| c.borrow().contains(&job)) {
        return;
    }
    forget_part(job);
    PARTS.with(|parts| parts.borrow_mut().push((job, arrived)));
}

/// Drops a job's part, waking its check if it waits (it then looks again: a cancelled check
/// stops, an arrived part is taken).
fn forget_part(job: JobId) {
    let slot = PARTS.with(|parts| {
        let mut parts = parts.borrow_mut();
        let i = parts.iter().position(|(j, _)| *j == job)?;
        Some(parts.remove(i).1)
    });
    if let Some(PartSlot::Waiting(wake)) = slot {
        let _ = wake.call0(&JsValue::UNDEFINED);
    }
}

/// Waits for the part of a split check: the cut the second worker used, what it did, and the
/// part's bytes (an `ArrayBuffer`, or `undefined` when it has none).
async fn await_part(job: JobId) -> Result<(Option<u64>, PartTiming, JsValue), Stop> {
    loop {
        if CANCELLED.with(|c| c.borrow().contains(&job)) {
            return Err(Stop::Cancelled);
        }
        let arrived = PARTS.with(|parts| {
            let mut parts = parts.borrow_mut();
            let i = parts
                .iter()
                .position(|(j, slot)| *j == job && matches!(slot, PartSlot::Arrived(..)))?;
            match parts.remove(i).1 {
                PartSlot::Arrived(cut, timing, bytes) => Some((cut, timing, bytes)),
                PartSlot::Waiting(_) => None,
            }
        });
        if let Some(arrived) = arrived {
            return Ok(arrived);
        }
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            PARTS.with(|parts| parts.borrow_mut().push((job, PartSlot::Waiting(resolve))));
        });
        let _ = JsFuture::from(promise).await;
    }
}

/// Feeds a checker the rest of a reader's bytes, adding up where the time went.
/// Pushes the slices into the checker. `expect`: the file's size, for the first checker of a
/// split check (see [`orgsync_core::Checker::expect_bytes`]), told after the first slice.
async fn feed(
    checker: &mut orgsync_core::Checker,
    slices: &mut SliceReader,
    mut expect: Option<u64>,
    read_ms: &mut f64,
    engine_ms: &mut f64,
    between_ms: &mut f64,
) -> Result<(), Stop> {
    let now = || js_sys::Date::now();
    loop {
        let t = now();
        let Some(slice) = slices.next_slice().await? else {
            return Ok(());
        };
        let t_read = now();
        checker.push(slice);
        if let Some(bytes) = expect.take() {
            checker.expect_bytes(bytes);
        }
        let t_engine = now();
        *read_ms += t_read - t;
        *engine_ms += t_engine - t_read;
        slices.progress(checker.rows_read()).await?;
        *between_ms += now() - t_engine;
    }
}

/// The second worker of a split check: checks the file from the cut on and sends the page the
/// part, transferred; or says there is none (no cut, or the engine cannot check this file in
/// parts), and the first worker checks the whole file.
async fn check_part(
    job: JobId,
    file: File,
    known_groups: Vec<String>,
    encoding: Option<String>,
) -> Result<(), Stop> {
    let now = || js_sys::Date::now();
    let start = now();
    let mut timing = PartTiming::default();
    let size = file.size() as u64;
    let cut = find_cut(&file).await?;
    let head = read_range(&file, 0, (orgsync_core::split::PART_HEAD as u64).min(size)).await?;
    let options = orgsync_core::Options {
        file_name: Some(file.name()),
        encoding: encoding
            .as_deref()
            .and_then(orgsync_core::Encoding::for_label),
        ..orgsync_core::Options::new()
    }
    .with_known_groups(known_groups);
    let checker = cut.and_then(|_| orgsync_core::Checker::part(options, &head));
    drop(head);
    let (Some(cut), Some(mut checker)) = (cut, checker) else {
        timing.total_ms = now() - start;
        post(
            &Reply::Part {
                job,
                cut: None,
                timing,
            },
            None,
        );
        return Ok(());
    };
    let mut slices = SliceReader::range(job, file, cut, size)?;
    slices.part = true;
    let mut between_ms = 0.0;
    feed(
        &mut checker,
        &mut slices,
        None,
        &mut timing.read_ms,
        &mut timing.engine_ms,
        &mut between_ms,
    )
    .await?;
    drop(slices);
    let t = now();
    timing.rows = checker.rows_read();
    let part = checker.into_part();
    let t_encode = now();
    timing.engine_ms += t_encode - t;
    let bytes = part.into_bytes();
    let buffer = Uint8Array::from(bytes.as_slice()).buffer();
    timing.part_bytes = bytes.len() as u64;
    drop(bytes);
    timing.encode_ms = now() - t_encode;
    timing.total_ms = now() - start;
    post_transfer(
        &Reply::Part {
            job,
            cut: Some(cut),
            timing,
        },
        &buffer,
    );
    Ok(())
}

/// Takes the part a second worker made from `cut` on: true when it was merged.
fn merge_part(
    checker: &mut orgsync_core::Checker,
    cut: u64,
    part_cut: Option<u64>,
    buffer: &JsValue,
) -> bool {
    if part_cut != Some(cut) || !buffer.is_instance_of::<js_sys::ArrayBuffer>() {
        return false;
    }
    let bytes = Uint8Array::new(buffer).to_vec();
    orgsync_core::split::Part::from_vec(bytes).is_ok_and(|part| checker.merge(part).is_ok())
}

async fn check(
    job: JobId,
    file: File,
    export: Option<(RosterId, File)>,
    (known_groups, sheet): (Vec<String>, Option<String>),
    split: bool,
    encoding: Option<String>,
) -> Result<(), Stop> {
    let now = || js_sys::Date::now();
    let start = now();
    let mut timing = Timing {
        started_at: start,
        workers: 1,
        ..Timing::default()
    };
    // Parts left over from checks that ended some other way.
    PARTS.with(|parts| {
        parts
            .borrow_mut()
            .retain(|(j, slot)| *j == job || matches!(slot, PartSlot::Waiting(_)))
    });
    // The page has let the last report go; so does the worker, before holding a second one
    // (with an export, a report holds its roster too).
    LAST_REPORT.with(|last| *last.borrow_mut() = None);
    FIX_PREVIEW.with(|p| *p.borrow_mut() = None);
    WHOLE.with(|w| *w.borrow_mut() = None);
    let whole_file = file.clone();
    let roster = match export {
        Some((id, export)) => Some(read_roster(job, export, id).await?),
        None => {
            ROSTER.with(|r| *r.borrow_mut() = None);
            None
        }
    };
    // With no glossary typed, the export's `group:` columns are R008's (the engine's rule, as
    // the CLI's `--roster`).
    let options = orgsync_core::Options {
        file_name: Some(file.name()),
        encoding: encoding
            .as_deref()
            .and_then(orgsync_core::Encoding::for_label),
        sheet,
        ..orgsync_core::Options::new()
    }
    .with_known_groups(known_groups)
    .with_roster(roster);
    LAST_OPTIONS.with(|o| *o.borrow_mut() = Some(options.clone()));
    let mut checker = orgsync_core::Checker::new(options);
    let size = file.size() as u64;
    // A split check stops at the cut; a second worker checks the rest at the same time.
    let cut = if split { find_cut(&file).await? } else { None };
    let mut slices = SliceReader::range(job, file.clone(), 0, cut.unwrap_or(size))?;
    feed(
        &mut checker,
        &mut slices,
        // The second worker's records are merged into this checker's.
        cut.map(|_| size),
        &mut timing.read_ms,
        &mut timing.engine_ms,
        &mut timing.between_ms,
    )
    .await?;
    drop(slices);
    if let Some(cut) = cut {
        // The page always hands on the second worker's answer: a part, or none (it found no
        // cut, the engine cannot check this file in parts, or it failed).
        let t = now();
        let (part_cut, part_timing, buffer) = await_part(job).await?;
        let t_merge = now();
        timing.wait_ms = t_merge - t;
        timing.cut = cut;
        if part_cut.is_some() {
            timing.workers = 2;
            timing.part = part_timing;
        }
        timing.merged = merge_part(&mut checker, cut, part_cut, &buffer);
        drop(buffer);
        timing.merge_ms = now() - t_merge;
        if !timing.merged {
            // No part, or one the engine cannot take: the rest is read here.
            let mut rest = SliceReader::range(job, file, cut, size)?;
            feed(
                &mut checker,
                &mut rest,
                None,
                &mut timing.read_ms,
                &mut timing.engine_ms,
                &mut timing.between_ms,
            )
            .await?;
        }
    }
    let t = now();
    let report = Rc::new(checker.finish());
    let t_view = now();
    timing.finish_ms = t_view - t;
    timing.engine_ms += timing.finish_ms;
    LAST_REPORT.with(|last| *last.borrow_mut() = Some(Rc::clone(&report)));
    // The summary first; the grid of rows with problems, most of the view on a big file, next.
    let flat = adapter::flatten(&report);
    let view = adapter::summary_view(&report, &flat);
    timing.view_ms = now() - t_view;
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
    let wanted: Vec<u64> = rows.iter().map(|r| r.row).collect();
    post_big(&Reply::Grid { job, rows, total });
    drop(report);
    // Whose row it is: the grid shows every cell of its rows, read again from the file.
    if !wanted.is_empty() {
        read_whole(job, whole_file, wanted).await?;
    }
    Ok(())
}

/// The most bytes of whole rows the worker holds for the grid; rows past it show their
/// offending cells only.
const WHOLE_BYTES: usize = 48 << 20;

/// Reads the cells of the grid's rows from the file (the same pipeline as the check, so the
/// same cells), keeps them, and tells the page.
async fn read_whole(job: JobId, file: File, wanted: Vec<u64>) -> Result<(), Stop> {
    let mut reader = orgsync_core::RowReader::new(wanted);
    let mut slices = SliceReader::new(job, file, None)?;
    while let Some(slice) = slices.next_slice().await? {
        for piece in slice.chunks(FIX_PIECE) {
            reader.push(piece);
        }
        if reader.done() || reader.held_bytes() > WHOLE_BYTES {
            break;
        }
        slices.quiet_yield().await?;
    }
    let rows = reader.finish();
    let held = rows.len() as u64;
    WHOLE.with(|w| *w.borrow_mut() = Some((job, rows)));
    post(&Reply::Whole { job, rows: held }, None);
    Ok(())
}

/// The whole cells of the rows asked for, from the last check's grid rows held.
fn whole_rows(job: JobId, wanted: &[u64]) {
    let rows = WHOLE.with(|w| {
        w.borrow()
            .as_ref()
            .map(|(_, rows)| {
                wanted
                    .iter()
                    .filter_map(|&r| {
                        rows.get(r)
                            .map(|cells| (r, cells.into_iter().map(str::to_string).collect()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    post(&Reply::Rows { job, rows }, None);
}

async fn fix(job: JobId, file: File, choices: FixChoices, want: Download) -> Result<(), Stop> {
    // Shared, not taken: the preview's pages still come from it while the fixer runs.
    let Some(report) = LAST_REPORT.with(|last| last.borrow().clone()) else {
        return Err(Stop::Failed("Check the file before downloading.".into()));
    };
    fix_with(job, file, &report, &choices, want).await
}

/// What the corrected file with `choices` still has: it is written by the fixer and checked
/// as it is written, with the last check's options; nothing is kept.
async fn left(job: JobId, file: File, choices: FixChoices) -> Result<(), Stop> {
    let (Some(report), Some(mut options)) = (
        LAST_REPORT.with(|last| last.borrow().clone()),
        LAST_OPTIONS.with(|o| o.borrow().clone()),
    ) else {
        return Err(Stop::Failed("Check the file first.".into()));
    };
    // Only the counts are wanted.
    options.max_findings_per_code = Some(0);
    let mut fixer = orgsync_core::Fixer::new(&report, &adapter::fix_options(&choices))
        .decide(adapter::row_decisions(&choices));
    let mut checker = orgsync_core::Checker::new(options);
    let mut slices = SliceReader::new(job, file, None)?;
    while let Some(slice) = slices.next_slice().await? {
        for piece in slice.chunks(FIX_PIECE) {
            fixer.push(piece);
            checker.push(&fixer.take_output().corrected);
        }
        slices.quiet_yield().await?;
    }
    let (rest, preview) = fixer.finish_with_preview();
    checker.push(&rest.corrected);
    let again = checker.finish();
    let preview_view = preview.as_ref().map(adapter::preview_view);
    FIX_PREVIEW.with(|p| *p.borrow_mut() = preview);
    let severity = |code: orgsync_core::Code| {
        orgsync_core::rules()
            .iter()
            .find(|r| r.code == code)
            .map(|r| adapter::sev(r.severity))
    };
    let mut rules: Vec<(crate::view::Sev, String, u64)> = again
        .summary
        .by_code
        .iter()
        .filter_map(|(code, n)| {
            severity(*code)
                .filter(|s| *s != crate::view::Sev::Info)
                .map(|s| (s, code.as_str().to_string(), *n))
        })
        .collect();
    rules.sort();
    post(
        &Reply::Left {
            job,
            errors: again.summary.errors,
            warnings: again.summary.warnings,
            rules: rules.into_iter().map(|(_, c, n)| (c, n)).collect(),
            preview: preview_view,
        },
        None,
    );
    Ok(())
}

/// A page of the preview's lines: of the corrected file's (the last counted choices), or
/// until there is one, of the last check's.
fn preview(job: JobId, kind: Option<String>, offset: u64) {
    let page =
        |p: &orgsync_core::Preview| adapter::preview_page(p, kind.as_deref(), offset, PREVIEW_PAGE);
    let lines = FIX_PREVIEW
        .with(|fixed| fixed.borrow().as_ref().map(page))
        .or_else(|| {
            LAST_REPORT.with(|last| {
                last.borrow()
                    .as_ref()
                    .and_then(|r| r.preview.as_ref())
                    .map(page)
            })
        })
        .unwrap_or_default();
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
        let mut fixer = orgsync_core::Fixer::new(report, &adapter::fix_options(choices))
            .decide(adapter::row_decisions(choices));
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

/// Checks the made-up file of [`warm`] a few times, as a split check does (two checkers, the
/// part merged, the finish, the page's views), then tells the page ([`Reply::Warm`]). Yields
/// after every piece and stops for good as soon as another request arrives ([`WARM_STOP`]):
/// a check dropped meanwhile waits at most one piece.
async fn warm_up() {
    let start = js_sys::Date::now();
    let stopped = || async {
        yield_now().await;
        WARM_STOP.with(Cell::get)
    };
    let bytes = warm::file(warm::ROWS);
    let mid = bytes.len() / 2;
    let Some(cut) = orgsync_core::split::cut_point(&bytes[mid..]).map(|c| mid + c) else {
        return;
    };
    let head = &bytes[..orgsync_core::split::PART_HEAD.min(bytes.len())];
    let options = orgsync_core::Options::new;
    let mut rows = 0;
    for _ in 0..warm::ROUNDS {
        let mut first = orgsync_core::Checker::new(options());
        for piece in bytes[..cut].chunks(warm::PIECE) {
            first.push(piece);
            if stopped().await {
                return;
            }
        }
        let Some(mut second) = orgsync_core::Checker::part(options(), head) else {
            return;
        };
        for piece in bytes[cut..].chunks(warm::PIECE) {
            second.push(piece);
            if stopped().await {
                return;
            }
        }
        let merged = orgsync_core::split::Part::from_vec(second.into_part().into_bytes())
            .is_ok_and(|part| first.merge(part).is_ok());
        if !merged {
            return;
        }
        let report = first.finish();
        let flat = adapter::flatten(&report);
        let view = adapter::summary_view(&report, &flat);
        let _ = serde_json::to_string(&view);
        let _ = crate::view::grid(&flat);
        rows += report.file.rows;
        if stopped().await {
            return;
        }
    }
    post(
        &Reply::Warm {
            ms: js_sys::Date::now() - start,
            rows,
        },
        None,
    );
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

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
use crate::envelope::Envelope;
use crate::model::{Download, FixChoices};
use crate::protocol::{self, JobId, PartTiming, Reply, Request, RosterId, Timing};
use crate::view::PREVIEW_PAGE;
use crate::warm;

#[cfg(not(feature = "workbook"))]
mod book;
mod jobs;
mod read;
mod sink;
mod split;

use jobs::*;
use read::*;
use sink::*;
use split::*;

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
    /// The whole cells of the last check's grid rows, under the check's job number.
    /// The preview of the corrected file with the last choices counted ([`Request::Left`]): the
    /// preview pages come from it once it is there.
    pub(super) static FIX_PREVIEW: RefCell<Option<orgsync_core::Preview>> = const { RefCell::new(None) };
    static WHOLE: RefCell<Option<(JobId, orgsync_core::Rows)>> = const { RefCell::new(None) };
    /// Set by every request but a warm-up: a warm-up in progress stops at its next piece.
    static WARM_STOP: Cell<bool> = const { Cell::new(false) };
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
    let message = Envelope::new(reply.to_text()).with_attachment(Some(buffer));
    if let Err(error) = scope().post_message_with_transfer(&message.to_js(), &Array::of1(buffer)) {
        web_sys::console::error_2(&"orgsync worker: cannot post a reply".into(), &error);
    }
}

/// Sends a reply's text, its payload's JSON ([`Reply::payload_json`]) and an attachment.
fn post_with(text: &str, payload: Option<&str>, attachment: Option<&JsValue>) {
    let message = Envelope::new(text.to_string())
        .with_payload(payload.map(str::to_string))
        .with_attachment(attachment);
    if let Err(error) = scope().post_message(&message.to_js()) {
        web_sys::console::error_2(&"orgsync worker: cannot post a reply".into(), &error);
    }
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    let Envelope {
        text, attachment, ..
    } = Envelope::read(&data);
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

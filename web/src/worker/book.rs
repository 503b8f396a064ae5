//! The workbook worker: a third worker, this one built with the engine's `workbook` feature
//! (calamine, zip, its XML reader: ~400 KB gzip of wasm), started the first time a workbook
//! comes and handed every request about it. The checker worker stays small, and a page that is
//! never given a workbook never loads the reader (the service worker precaches it with the rest
//! of the build, so it loads offline and from no other place).
//!
//! A check whose upload or user export starts as a workbook does (a zip or OLE file: what the
//! engine's sniffing calls one) goes there whole, with its attachment, and so do the requests
//! about that check (preview, rows, downloads) until a check of a CSV file comes. A user export
//! read alone ([`Request::Roster`]) or for its group names ([`Request::Glossary`]) goes there
//! when it is a workbook. Its replies come back here and go on to the page unchanged, except its
//! `Ready`, which only releases the requests queued while it started.

use std::cell::{Cell, RefCell};

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, MessageEvent, Worker};

use crate::envelope::{self, Envelope};
use crate::protocol::{JobId, Reply, Request};

/// Trunk writes this loader for the `workbook_worker` binary (index.html), beside this
/// worker's own.
const LOADER: &str = "./workbook_worker_loader.js";

/// How many bytes tell a workbook: the OLE signature is the longest.
const MAGIC_LEN: usize = 8;

/// Whether a file starting with `head` is one the engine reads as a workbook (or reports as an
/// unreadable zip or OLE file, which only the reader's build words alike): the same signatures
/// as `orgsync_core`'s sniffing.
pub(crate) fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Which requests go to the workbook worker, and which this worker decides after looking at
/// the files' first bytes. Pure, so it is tested natively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Run here.
    Here,
    /// Hand it over.
    There,
    /// Hand it over and run it here too (a cancel, forgetting the export).
    Both,
    /// Look at the attached files first: a workbook among them sends it there.
    Sniff,
}

/// Where `request` goes, given whether the current check is the workbook worker's (`active`)
/// and whether the request's job was handed over (`handed`).
pub(crate) fn route(request: &Request, active: bool, handed: bool, started: bool) -> Route {
    match request {
        Request::Check { .. } | Request::Roster { .. } | Request::Glossary { .. } => Route::Sniff,
        Request::Preview { .. }
        | Request::Rows { .. }
        | Request::Fix { .. }
        | Request::Left { .. } => {
            if active {
                Route::There
            } else {
                Route::Here
            }
        }
        Request::Part { .. } if handed => Route::There,
        Request::Cancel { .. } if handed => Route::Both,
        Request::ForgetRoster if started => Route::Both,
        _ => Route::Here,
    }
}

/// The workbook worker, once started.
struct Book {
    worker: Worker,
    /// Messages (and what they transfer) held until it says it is ready.
    queue: Option<Vec<(JsValue, Array)>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static BOOK: RefCell<Option<Book>> = const { RefCell::new(None) };
    /// The last check went to the workbook worker: its follow-up requests go there too.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    /// Jobs handed over (the last few), for their parts and cancels.
    static HANDED: RefCell<Vec<JobId>> = const { RefCell::new(Vec::new()) };
}

/// Takes `request` (`data` is the page's message, `attachment` its files) when it belongs to the
/// workbook worker, or may: true when this worker must do nothing more with it.
pub(super) fn route_message(request: &Request, data: &JsValue, attachment: &JsValue) -> bool {
    let job = super::request_job(request);
    let handed = HANDED.with(|h| h.borrow().contains(&job));
    let started = BOOK.with(|b| b.borrow().is_some());
    match route(request, ACTIVE.with(Cell::get), handed, started) {
        Route::Here => false,
        Route::There => {
            hand_over(job, data, attachment);
            true
        }
        Route::Both => {
            hand_over(job, data, attachment);
            false
        }
        Route::Sniff => {
            let request = request.clone();
            let data = data.clone();
            let attachment = attachment.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let book = any_workbook(&attachment).await;
                if matches!(request, Request::Check { .. }) {
                    ACTIVE.with(|a| a.set(book));
                }
                if book {
                    hand_over(job, &data, &attachment);
                } else {
                    super::dispatch(request, attachment);
                }
            });
            true
        }
    }
}

/// Whether one of the attached files (a `File`, or `[upload, export]`) starts as a workbook.
async fn any_workbook(attachment: &JsValue) -> bool {
    let files: Vec<File> = if Array::is_array(attachment) {
        Array::from(attachment)
            .iter()
            .filter_map(|f| f.dyn_into::<File>().ok())
            .collect()
    } else {
        attachment.clone().dyn_into::<File>().into_iter().collect()
    };
    for file in files {
        if head(&file).await.is_some_and(|h| is_workbook(&h)) {
            return true;
        }
    }
    false
}

/// The file's first bytes (`None` when they cannot be read: the check here says so).
async fn head(file: &Blob) -> Option<Vec<u8>> {
    let slice = file.slice_with_i32_and_i32(0, MAGIC_LEN as i32).ok()?;
    let buffer = JsFuture::from(slice.array_buffer()).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}

/// Sends the page's message on to the workbook worker, starting it first if need be.
fn hand_over(job: JobId, data: &JsValue, attachment: &JsValue) {
    HANDED.with(|h| {
        let mut h = h.borrow_mut();
        if job != 0 && !h.contains(&job) {
            if h.len() >= 64 {
                h.remove(0);
            }
            h.push(job);
        }
    });
    // A part's bytes move on without a copy.
    let transfer = envelope::transfer_of(attachment);
    BOOK.with(|b| {
        let mut b = b.borrow_mut();
        if b.is_none() {
            match start() {
                Ok(book) => *b = Some(book),
                Err(error) => {
                    drop(b);
                    return failed(job, &format!("{error:?}"));
                }
            }
        }
        let Some(book) = b.as_mut() else { return };
        match &mut book.queue {
            Some(queue) => queue.push((data.clone(), transfer)),
            None => send(&book.worker, data, &transfer),
        }
    });
}

fn send(worker: &Worker, data: &JsValue, transfer: &Array) {
    if let Err(error) = worker.post_message_with_transfer(data, transfer) {
        web_sys::console::error_2(
            &"orgsync worker: cannot reach the workbook worker".into(),
            &error,
        );
    }
}

fn failed(job: JobId, why: &str) {
    super::post(
        &Reply::Failed {
            job,
            message: format!("The workbook reader could not start ({why})."),
        },
        None,
    );
}

/// Starts the workbook worker: its replies go on to the page.
fn start() -> Result<Book, JsValue> {
    let worker = Worker::new(LOADER)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let text = Envelope::read(&data).text;
        if matches!(Reply::from_text(&text), Ok(Reply::Ready)) {
            // Ready: what waited goes now. (The page has its own Ready from this worker.)
            BOOK.with(|b| {
                if let Some(book) = b.borrow_mut().as_mut() {
                    for (data, transfer) in book.queue.take().unwrap_or_default() {
                        send(&book.worker, &data, &transfer);
                    }
                }
            });
            return;
        }
        let transfer = envelope::transfer_of(&envelope::attachment(&data));
        if let Err(error) = super::scope().post_message_with_transfer(&data, &transfer) {
            web_sys::console::error_2(&"orgsync worker: cannot post a reply".into(), &error);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let message = event
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .unwrap_or_else(|| "it stopped unexpectedly".into());
        // Every job it holds fails with that; the next workbook starts it again.
        let jobs = HANDED.with(|h| std::mem::take(&mut *h.borrow_mut()));
        ACTIVE.with(|a| a.set(false));
        BOOK.with(|b| {
            if let Some(book) = b.borrow_mut().take() {
                book.worker.terminate();
            }
        });
        for job in jobs {
            failed(job, &message);
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Book {
        worker,
        queue: Some(Vec::new()),
        _on_message: on_message,
        _on_error: on_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Download, FixChoices};

    #[test]
    fn workbooks_are_told_by_the_engines_signatures() {
        assert!(is_workbook(b"PK\x03\x04\x14\0\x06\0"));
        assert!(is_workbook(b"PK\x05\x06\0\0\0\0"));
        assert!(is_workbook(&[
            0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1
        ]));
        assert!(!is_workbook(b"primary_"));
        assert!(!is_workbook(b"PK"));
        assert!(!is_workbook(&[0xD0, 0xCF, 0x11, 0xE0]));
        assert!(!is_workbook(b"%PDF-1.7"));
    }

    #[test]
    fn a_workbook_check_takes_its_follow_ups_along() {
        let check = Request::Check {
            job: 1,
            known_groups: Vec::new(),
            roster: None,
            split: false,
            encoding: None,
            sheet: None,
        };
        assert_eq!(route(&check, false, false, false), Route::Sniff);
        assert_eq!(route(&check, true, false, true), Route::Sniff);
        assert_eq!(
            route(&Request::Glossary { job: 2 }, false, false, false),
            Route::Sniff
        );
        let fix = Request::Fix {
            job: 3,
            choices: FixChoices::default(),
            want: Download::Corrected,
        };
        assert_eq!(route(&fix, true, false, true), Route::There);
        assert_eq!(route(&fix, false, false, true), Route::Here);
        let rows = Request::Rows {
            job: 4,
            rows: vec![1],
        };
        assert_eq!(route(&rows, true, false, true), Route::There);
        assert_eq!(route(&rows, false, false, false), Route::Here);
    }

    #[test]
    fn parts_and_cancels_follow_their_job() {
        let cancel = Request::Cancel { job: 5 };
        assert_eq!(route(&cancel, true, true, true), Route::Both);
        assert_eq!(route(&cancel, true, false, true), Route::Here);
        let part = Request::Part {
            job: 5,
            cut: None,
            timing: Default::default(),
        };
        assert_eq!(route(&part, false, true, true), Route::There);
        assert_eq!(route(&part, true, false, true), Route::Here);
        assert_eq!(
            route(&Request::ForgetRoster, false, false, true),
            Route::Both
        );
        assert_eq!(
            route(&Request::ForgetRoster, false, false, false),
            Route::Here
        );
        assert_eq!(route(&Request::WarmUp, true, true, true), Route::Here);
    }
}

//! The page's side of a worker: spawns it, sends requests with their attachment, and hands
//! each reply to a callback. The page runs two: the checker, and a second instance of the same
//! worker that checks the second half of big files.

use std::cell::Cell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

use crate::envelope::Envelope;
use crate::protocol::{JobId, Reply, Request};

/// Trunk writes this loader next to the page (`data-loader-shim`); it runs the worker's
/// wasm-bindgen glue as a classic script, which works in every browser.
const LOADER: &str = "./worker_loader.js";

/// A running worker.
#[derive(Debug)]
pub struct Client {
    worker: Worker,
    next_job: Cell<JobId>,
    // Kept so the handlers live as long as the worker.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Client {
    /// Spawns the worker. `on_reply` receives each reply and its attachment (`undefined` when
    /// there is none); `on_crash` is told when the worker fails outside any job.
    pub fn spawn(
        on_reply: impl Fn(Reply, JsValue) + 'static,
        on_crash: impl Fn(String) + 'static,
    ) -> Result<Self, JsValue> {
        let worker = Worker::new(LOADER)?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Envelope {
                text,
                payload,
                attachment,
            } = Envelope::read(&event.data());
            let received_at = js_sys::Date::now();
            let reply = Reply::from_text(&text).and_then(|reply| match payload {
                Some(payload) => reply.with_payload(&payload),
                None => Ok(reply),
            });
            match reply {
                Ok(mut reply) => {
                    if let Reply::Checked { timing, .. } = &mut reply {
                        timing.received_at = received_at;
                        timing.parse_ms = js_sys::Date::now() - received_at;
                    }
                    on_reply(reply, attachment)
                }
                Err(error) => web_sys::console::error_1(
                    &format!("orgsync: unreadable worker reply: {error}").into(),
                ),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let message = event
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .unwrap_or_else(|| "the checker stopped unexpectedly".into());
            on_crash(message);
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Client {
            worker,
            next_job: Cell::new(1),
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// A new job number.
    pub fn job(&self) -> JobId {
        let job = self.next_job.get();
        self.next_job.set(job.wrapping_add(1));
        job
    }

    /// Sends a request with an optional attachment (the `File`).
    pub fn send(&self, request: &Request, attachment: Option<&JsValue>) {
        let message = Envelope::new(request.to_text()).with_attachment(attachment);
        if let Err(error) = self.worker.post_message(&message.to_js()) {
            web_sys::console::error_2(&"orgsync: cannot reach the worker".into(), &error);
        }
    }
}

impl Client {
    /// Sends a request whose attachment, an `ArrayBuffer`, is transferred to the worker: it
    /// moves without a copy and is unusable here afterwards.
    pub fn send_transfer(&self, request: &Request, buffer: &JsValue) {
        let message = Envelope::new(request.to_text()).with_attachment(Some(buffer));
        let transfer = js_sys::Array::of1(buffer);
        if let Err(error) = self
            .worker
            .post_message_with_transfer(&message.to_js(), &transfer)
        {
            web_sys::console::error_2(&"orgsync: cannot reach the worker".into(), &error);
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

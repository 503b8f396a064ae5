//! One message between the page and a worker as it crosses `postMessage`, written and read in
//! one place for both ends (the page's [`crate::client`], the worker, and the checker worker's
//! hand-over to the workbook worker).
//!
//! A message is a plain object: `text`, the request's or reply's JSON ([`crate::protocol`]);
//! `payload`, a finished check's view as its own JSON ([`crate::protocol::Reply::payload_json`]),
//! when there is one; `attachment`, at most one `File`, `Blob` or `ArrayBuffer`. An
//! `ArrayBuffer` attachment is transferred, never copied.

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use wasm_bindgen::prelude::*;

const TEXT: &str = "text";
const PAYLOAD: &str = "payload";
const ATTACHMENT: &str = "attachment";

/// A message's parts, read from or written into the object `postMessage` carries.
#[derive(Debug)]
pub struct Envelope {
    pub text: String,
    pub payload: Option<String>,
    /// `undefined` when there is none.
    pub attachment: JsValue,
}

impl Envelope {
    /// A message of `text` alone.
    pub fn new(text: String) -> Self {
        Envelope {
            text,
            payload: None,
            attachment: JsValue::UNDEFINED,
        }
    }

    /// The same message with a payload.
    pub fn with_payload(mut self, payload: Option<String>) -> Self {
        self.payload = payload;
        self
    }

    /// The same message with an attachment (`None`: none).
    pub fn with_attachment(mut self, attachment: Option<&JsValue>) -> Self {
        self.attachment = attachment.cloned().unwrap_or(JsValue::UNDEFINED);
        self
    }

    /// Reads a message event's data; a missing part is empty.
    pub fn read(data: &JsValue) -> Self {
        let string = |key: &str| {
            Reflect::get(data, &key.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        Envelope {
            text: string(TEXT).unwrap_or_default(),
            payload: string(PAYLOAD),
            attachment: attachment(data),
        }
    }

    /// The object to post.
    pub fn to_js(&self) -> JsValue {
        let message = Object::new();
        let _ = Reflect::set(&message, &TEXT.into(), &self.text.as_str().into());
        if let Some(payload) = &self.payload {
            let _ = Reflect::set(&message, &PAYLOAD.into(), &payload.as_str().into());
        }
        if !self.attachment.is_undefined() {
            let _ = Reflect::set(&message, &ATTACHMENT.into(), &self.attachment);
        }
        message.into()
    }

    /// What `postMessage` transfers with it: the attachment when it is an `ArrayBuffer`.
    pub fn transfer(&self) -> Array {
        transfer_of(&self.attachment)
    }
}

/// A posted message's attachment, read without the rest (to pass a message on unchanged).
pub fn attachment(data: &JsValue) -> JsValue {
    Reflect::get(data, &ATTACHMENT.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The transfer list for an attachment: itself when it is an `ArrayBuffer`, else nothing.
pub fn transfer_of(attachment: &JsValue) -> Array {
    if attachment.is_instance_of::<ArrayBuffer>() {
        Array::of1(attachment)
    } else {
        Array::new()
    }
}

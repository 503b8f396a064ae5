//! The Org Sync Preflight web page.
//!
//! Two binaries share this library: `web` (the page, a Leptos client-side app) and `worker` (the
//! Web Worker that reads the file and runs the engine). The page never reads a file's bytes and
//! holds no validation logic: it sends the `File` handle to the worker and renders the
//! [`view::ReportView`] that comes back.
//!
//! - [`model`]: the page's state as plain types (fix choices, filters, keyboard cursor, virtual
//!   list maths, formatting), tested natively.
//! - [`view`]: the view model of a report and the adapter from the engine's report.
//! - [`session`]: the page's controller (the worker's replies and the user's actions in, the
//!   effects to perform out), tested natively.
//! - [`protocol`]: the messages between page and worker.
//! - [`embed`]: the options a host passes in the URL fragment and the summary posted to it.
//! - [`warm`]: the made-up file a worker checks to warm the engine up before a file comes.
//! - `app` and `client` (page), `worker` (worker) and [`envelope`] (a message as it crosses
//!   `postMessage`, for both ends): the browser-only parts.

pub mod adapter;
pub mod embed;
pub mod encoding;
pub mod model;
pub mod protocol;
pub mod session;
pub mod sheet;
pub mod view;
pub mod warm;

pub mod app;
pub mod client;
pub mod envelope;
pub mod worker;

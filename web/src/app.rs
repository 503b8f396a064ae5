//! The page's components. They hold signals and markup; the controller's decisions live in
//! [`crate::session`], the view's in [`crate::model`], and the judgement in the engine (through
//! the worker).

use std::sync::Arc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, File};

mod grid;
mod preview;
mod text;
mod unreadable;

use self::grid::{Grid, WholeRows};
use self::preview::PreviewPanel;
use crate::client::Client;
use crate::embed::{self, EmbedOptions};
use crate::model::{self, Cursor, Download, Filters, FixChoices};
use crate::protocol::{JobId, Reply, Request, Timing};
use crate::session::{
    Action, Attach, Chosen, Downloads, Effect as Do, GridRows, Helper, Left, Phase, PreviewPage,
    RosterState, Session, To,
};
use crate::view::{FindingGroup, FixKind, PreviewView, ReportView, Sev};

/// The bundled sample, with the mistakes admins typically make.
const SAMPLE: &[u8] = include_bytes!("../../samples/sample-with-mistakes.csv");
const SAMPLE_NAME: &str = "sample-with-mistakes.csv";
/// A user export of the sample's account, to compare the sample with.
const SAMPLE_EXPORT: &[u8] = include_bytes!("../../samples/sample-export.csv");
const SAMPLE_EXPORT_NAME: &str = "sample-export.csv";

/// The page's state, shared by context. Every field is a `Copy` handle. The controller's state
/// and decisions are the [`Session`]'s; the signals below hold copies of its state for the
/// components to read ([`Ctx::publish`]), beside the state that is the components' own (filters,
/// cursor, fix choices, the texts typed) and the browser's objects (workers, files, blobs).
#[derive(Clone, Copy)]
struct Ctx {
    session: StoredValue<Session>,
    phase: RwSignal<Phase>,
    report: RwSignal<Option<Arc<ReportView>>>,
    /// The grid of the report's rows with problems and their total: it comes from the worker
    /// right after the report.
    grid: RwSignal<Option<Arc<GridRows>>>,
    /// The whole cells of the grid's rows, as far as the page holds them.
    whole: RwSignal<WholeRows>,
    /// Rows whose whole cells were asked for.
    asked: StoredValue<std::collections::HashSet<u64>>,
    /// A row number clicked elsewhere on the page, for the grid to show.
    jump: RwSignal<Option<u64>>,
    /// What a screen reader is told when a check ends.
    announce: RwSignal<String>,
    /// What the corrected file still has.
    left: RwSignal<Left>,
    /// The last download handed to the browser: its name and size, and the blob.
    saved: RwSignal<Option<(String, u64)>>,
    saved_blob: StoredValue<Option<(Blob, String)>, LocalStorage>,
    choices: RwSignal<FixChoices>,
    filters: RwSignal<Filters>,
    cursor: RwSignal<Cursor>,
    downloads: RwSignal<Downloads>,
    known_groups: RwSignal<String>,
    /// The encoding the admin chose for the upload (a label); `None` lets the engine guess.
    encoding: RwSignal<Option<String>>,
    glossary: RwSignal<Option<Result<Vec<String>, String>>>,
    ready: RwSignal<bool>,
    /// Where the last check's time went.
    timing: RwSignal<Option<Timing>>,
    client: StoredValue<Option<Client>, LocalStorage>,
    /// The second worker (same script, second instance), started with the page and kept.
    helper: StoredValue<Option<Client>, LocalStorage>,
    helper_state: RwSignal<Helper>,
    /// How long the engine's warm-up took (milliseconds), once it is done.
    warm: RwSignal<Option<f64>>,
    /// The upload last checked.
    file: StoredValue<Option<File>, LocalStorage>,
    /// The downloads the session still names ([`Session::holds_blob`]), by the job that made
    /// them.
    blobs: StoredValue<Vec<(JobId, Blob)>, LocalStorage>,
    /// What an embedding host asked for in the URL fragment (read once, at start).
    embed: StoredValue<EmbedOptions>,
    /// The user export to compare with.
    export: StoredValue<Option<File>, LocalStorage>,
    roster: RwSignal<RosterState>,
    preview_page: RwSignal<PreviewPage>,
    /// The preview of the corrected file with the choices last counted ([`Reply::Left`]).
    fix_preview: RwSignal<Option<Arc<PreviewView>>>,
}

/// Sets a signal to `value` when it differs.
fn put<T: PartialEq + Clone + Send + Sync + 'static>(signal: RwSignal<T>, value: &T) {
    if signal.with_untracked(|now| now != value) {
        signal.set(value.clone());
    }
}

/// Sets a signal holding a shared value when it holds another.
fn put_arc<T: Send + Sync + 'static>(signal: RwSignal<Option<Arc<T>>>, value: &Option<Arc<T>>) {
    let same = signal.with_untracked(|now| match (now, value) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    });
    if !same {
        signal.set(value.clone());
    }
}

impl Ctx {
    /// Hands the session an action and performs what it returns. `given`: the file the action
    /// came with ([`Attach::Given`]).
    fn act(&self, action: Action, given: Option<&File>) {
        let effects = self
            .session
            .try_update_value(|s| s.on_action(action))
            .unwrap_or_default();
        self.perform(effects, given, &JsValue::UNDEFINED);
    }

    /// What the engine's R008 and the encoding choice ask of a check, as the admin set them.
    fn inputs(&self) -> (Vec<String>, Option<String>) {
        (
            model::parse_groups(&self.known_groups.get_untracked()),
            self.encoding.get_untracked(),
        )
    }

    /// Starts checking a file, cancelling any check in flight.
    fn check(&self, file: File) {
        let same_file = self
            .file
            .with_value(|f| f.as_ref().is_some_and(|f| js_sys::Object::is(f, &file)));
        let chosen = Chosen {
            name: file.name(),
            size: file.size() as u64,
        };
        self.file.set_value(Some(file));
        let (known_groups, encoding) = self.inputs();
        self.act(
            Action::Check {
                file: chosen,
                same_file,
                known_groups,
                encoding,
            },
            None,
        );
    }

    /// Sets or removes the user export to compare with (see [`Action::SetExport`]).
    fn set_export(&self, export: Option<File>, upload: Option<File>) {
        let upload = upload.map(|upload| {
            let same = self
                .file
                .with_value(|f| f.as_ref().is_some_and(|f| js_sys::Object::is(f, &upload)));
            let chosen = Chosen {
                name: upload.name(),
                size: upload.size() as u64,
            };
            self.file.set_value(Some(upload));
            (chosen, same)
        });
        let chosen = export.as_ref().map(|f| Chosen {
            name: f.name(),
            size: f.size() as u64,
        });
        self.export.set_value(export);
        let (known_groups, encoding) = self.inputs();
        self.act(
            Action::SetExport {
                export: chosen,
                upload,
                known_groups,
                encoding,
            },
            None,
        );
    }

    /// Asks the worker for a page of the preview's lines.
    fn show_preview(&self, kind: Option<String>, offset: u64) {
        self.act(Action::ShowPreview { kind, offset }, None);
    }

    /// Checks the current file again (after the known groups changed).
    fn recheck(&self) {
        let (known_groups, encoding) = self.inputs();
        self.act(
            Action::Recheck {
                known_groups,
                encoding,
            },
            None,
        );
    }

    /// Checks the current workbook again with the sheet the admin chose.
    fn pick_sheet(&self, name: String) {
        let (known_groups, encoding) = self.inputs();
        self.act(
            Action::PickSheet {
                name,
                known_groups,
                encoding,
            },
            None,
        );
    }

    /// Asks for a download with the current choices.
    fn download(&self, want: Download) {
        let choices = self.choices.get_untracked();
        self.act(Action::Download { want, choices }, None);
    }

    /// Counts again what the corrected file with the current choices still has.
    fn count_left(&self) {
        let choices = self.choices.get_untracked();
        self.act(Action::CountLeft { choices }, None);
    }

    /// A reply from the checker.
    fn on_reply(&self, reply: Reply, attachment: JsValue) {
        let mut blob = false;
        if let Reply::Fixed { job } = &reply
            && let Some(made) = attachment.dyn_ref::<Blob>()
        {
            blob = true;
            self.blobs.update_value(|b| b.push((*job, made.clone())));
        }
        let effects = self
            .session
            .try_update_value(|s| s.on_reply(reply, blob))
            .unwrap_or_default();
        self.perform(effects, None, &JsValue::UNDEFINED);
    }

    /// A reply from the second worker.
    fn on_helper_reply(&self, reply: Reply, attachment: JsValue) {
        let buffer = attachment.is_instance_of::<js_sys::ArrayBuffer>();
        let effects = self
            .session
            .try_update_value(|s| s.on_helper_reply(reply, buffer))
            .unwrap_or_default();
        self.perform(effects, None, &attachment);
    }

    /// Does what the session asked, then shows its state.
    fn perform(&self, effects: Vec<Do>, given: Option<&File>, reply_attachment: &JsValue) {
        for effect in effects {
            match effect {
                Do::Send {
                    to,
                    request,
                    attach,
                } => self.send(to, &request, attach, given, reply_attachment),
                Do::ResetView => {
                    self.whole.set(WholeRows::default());
                    self.asked.set_value(Default::default());
                    self.filters.set(Filters::default());
                    self.cursor.set(Cursor::default());
                    self.choices.set(FixChoices::default());
                    self.saved.set(None);
                    self.saved_blob.set_value(None);
                }
                Do::Deliver { blob, name } => {
                    let blob = self.blobs.with_value(|b| {
                        b.iter()
                            .find(|(job, _)| *job == blob)
                            .map(|(_, b)| b.clone())
                    });
                    if let Some(blob) = blob {
                        self.deliver(&blob, name);
                    }
                }
                Do::Announce(text) => self.announce.set(text),
                Do::ScrollToResults => {
                    if window()
                        .inner_width()
                        .ok()
                        .and_then(|w| w.as_f64())
                        .is_some_and(|w| w < 700.0)
                    {
                        request_animation_frame(|| {
                            if let Some(el) = document().get_element_by_id("results") {
                                el.scroll_into_view();
                            }
                        });
                    }
                }
                Do::PostChecked(report) => self.post_checked(&report),
                Do::WholeReady => self.whole.update(|w| w.ready = true),
                Do::Rows(rows) => self.got_rows(rows),
            }
        }
        // A blob of a big file is big: the page keeps only those the session still names.
        self.session.with_value(|s| {
            self.blobs
                .update_value(|b| b.retain(|(job, _)| s.holds_blob(*job)))
        });
        self.publish();
    }

    /// Copies the session's state into the signals the components read (those that changed).
    fn publish(&self) {
        self.session.with_value(|s| {
            put(self.phase, &s.phase);
            put_arc(self.report, &s.report);
            put_arc(self.grid, &s.grid);
            put(self.left, &s.left);
            put(self.downloads, &s.downloads);
            put(self.glossary, &s.glossary);
            put(self.ready, &s.ready);
            put(self.timing, &s.timing);
            put(self.helper_state, &s.helper);
            put(self.warm, &s.warm);
            // A roster read once is one `Arc`: no need to compare its contents.
            let same_roster = self.roster.with_untracked(|now| match (now, &s.roster) {
                (RosterState::Ready(a), RosterState::Ready(b)) => Arc::ptr_eq(a, b),
                (now, new) => now == new,
            });
            if !same_roster {
                self.roster.set(s.roster.clone());
            }
            put(self.preview_page, &s.preview_page);
            put_arc(self.fix_preview, &s.fix_preview);
        });
    }

    /// Sends a request to a worker with what the session said goes with it.
    fn send(
        &self,
        to: To,
        request: &Request,
        attach: Attach,
        given: Option<&File>,
        reply_attachment: &JsValue,
    ) {
        let worker = match to {
            To::Checker => self.client,
            To::Helper => self.helper,
        };
        let upload = || self.file.get_value();
        let export = || self.export.get_value();
        let attachment: Option<JsValue> = match attach {
            Attach::Nothing => None,
            Attach::Upload => upload().map(JsValue::from),
            Attach::Export => export().map(JsValue::from),
            Attach::UploadAndExport => match (upload(), export()) {
                (Some(u), Some(e)) => Some(js_sys::Array::of2(u.as_ref(), e.as_ref()).into()),
                _ => None,
            },
            Attach::Given => given.map(JsValue::from),
            Attach::ReplyBuffer => {
                worker.with_value(|c| {
                    if let Some(c) = c {
                        if reply_attachment.is_instance_of::<js_sys::ArrayBuffer>() {
                            c.send_transfer(request, reply_attachment)
                        } else {
                            c.send(request, None)
                        }
                    }
                });
                return;
            }
        };
        worker.with_value(|c| {
            if let Some(c) = c {
                c.send(request, attachment.as_ref())
            }
        });
    }

    /// Hands a download to the browser and says so on the page, with a way to save it again
    /// (a browser may still block a download, or the admin may have lost it).
    fn deliver(&self, blob: &Blob, name: String) {
        save(blob, &name);
        self.saved_blob
            .set_value(Some((blob.clone(), name.clone())));
        self.saved.set(Some((name, blob.size() as u64)));
    }

    /// Tells an embedding host that a check completed: counts only, to the exact origin the
    /// fragment's `parent=` named, and only when the page really is in a frame (see
    /// [`embed::post_target`]).
    fn post_checked(&self, report: &ReportView) {
        let Some(parent) = self.embed.with_value(|e| e.parent.clone()) else {
            return;
        };
        let window = window();
        let Ok(Some(up)) = window.parent() else {
            return;
        };
        let framed = !js_sys::Object::is(up.as_ref(), window.as_ref());
        // Chromium and Safari say who the parent is; elsewhere the browser's targetOrigin check
        // is the only (and sufficient) guard.
        let ancestor = js_sys::Reflect::get(window.location().as_ref(), &"ancestorOrigins".into())
            .ok()
            .filter(|list| list.is_object())
            .and_then(|list| js_sys::Reflect::get(&list, &"0".into()).ok())
            .and_then(|origin| origin.as_string());
        let Some(target) = embed::post_target(Some(&parent), framed, ancestor.as_deref()) else {
            return;
        };
        if let Ok(message) = js_sys::JSON::parse(&embed::Checked::of(report).to_json()) {
            let _ = up.post_message(&message, target);
        }
    }
}

/// The least time between two downloads the page starts. Browsers block a page that starts many
/// downloads in a burst: Chromium drops the 11th of eleven started within about a second
/// (measured: 30 downloads started 100 ms apart lose one, 150 ms apart lose none), so a quick
/// toggle-and-click after a few downloads was silently lost. The page spaces its own downloads
/// instead; a person's clicks are further apart than this anyway.
const SAVE_SPACING_MS: f64 = 350.0;

thread_local! {
    /// When the page's last download started (or is scheduled to start).
    static LAST_SAVE: std::cell::Cell<f64> = const { std::cell::Cell::new(f64::NEG_INFINITY) };
}

/// Hands a blob to the browser as a download, at once or, right after another, a moment later
/// (see [`SAVE_SPACING_MS`]).
fn save(blob: &Blob, name: &str) {
    let now = js_sys::Date::now();
    let at = LAST_SAVE.with(|last| {
        let at = now.max(last.get() + SAVE_SPACING_MS);
        last.set(at);
        at
    });
    if at <= now {
        save_now(blob, name);
        return;
    }
    let (blob, name) = (blob.clone(), name.to_string());
    let later = Closure::once_into_js(move || save_now(&blob, &name));
    let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
        later.unchecked_ref(),
        (at - now).ceil() as i32,
    );
}

fn save_now(blob: &Blob, name: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    let document = document();
    if let Ok(anchor) = document.create_element("a") {
        let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.set_hidden(true);
        if let Some(body) = document.body() {
            let _ = body.append_child(&anchor);
            anchor.click();
            let _ = body.remove_child(&anchor);
        }
    }
    // The browser has taken its own reference by now; revoking later keeps memory bounded
    // without racing the download's start.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
}

/// Offers a text as a download.
fn save_text(text: &str, name: &str, mime: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) {
        save(&blob, name);
    }
}

fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// A bundled sample as a `File`, as if the admin had chosen it.
fn bundled(bytes: &[u8], name: &str) -> Option<File> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::FilePropertyBag::new();
    options.set_type("text/csv");
    File::new_with_u8_array_sequence_and_options(&parts, name, &options).ok()
}

/// The first file of a file input's or a drop's list.
fn first_file(files: Option<web_sys::FileList>) -> Option<File> {
    files.and_then(|f| f.get(0))
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    // An embedding host's options: known groups, license headers, theme, parent origin.
    let options = embed::parse_fragment(&window().location().hash().unwrap_or_default());
    if let (Some(theme), Some(root)) = (options.theme, document().document_element()) {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
    let ctx = Ctx {
        session: StoredValue::new(Session::new()),
        phase: RwSignal::new(Phase::Idle),
        report: RwSignal::new(None),
        grid: RwSignal::new(None),
        whole: RwSignal::new(WholeRows::default()),
        asked: StoredValue::new(Default::default()),
        jump: RwSignal::new(None),
        announce: RwSignal::new(String::new()),
        left: RwSignal::new(Left::Counting),
        saved: RwSignal::new(None),
        saved_blob: StoredValue::new_local(None),
        choices: RwSignal::new(FixChoices::default()),
        filters: RwSignal::new(Filters::default()),
        cursor: RwSignal::new(Cursor::default()),
        downloads: RwSignal::new(Downloads::None),
        known_groups: RwSignal::new(options.groups.join("\n")),
        encoding: RwSignal::new(options.encoding.clone()),
        glossary: RwSignal::new(None),
        ready: RwSignal::new(false),
        timing: RwSignal::new(None),
        client: StoredValue::new_local(None),
        helper: StoredValue::new_local(None),
        helper_state: RwSignal::new(Helper::Starting),
        warm: RwSignal::new(None),
        file: StoredValue::new_local(None),
        blobs: StoredValue::new_local(Vec::new()),
        embed: StoredValue::new(options),
        export: StoredValue::new_local(None),
        roster: RwSignal::new(RosterState::None),
        preview_page: RwSignal::new(PreviewPage::default()),
        fix_preview: RwSignal::new(None),
    };
    provide_context(ctx);
    match Client::spawn(
        move |reply, attachment| ctx.on_reply(reply, attachment),
        move |message| ctx.act(Action::CheckerCrashed(message), None),
    ) {
        Ok(client) => ctx.client.set_value(Some(client)),
        Err(_) => ctx.act(Action::NoChecker, None),
    }
    // The second worker starts with the page, so that it loads with the page's files: nothing
    // is fetched after load.
    match Client::spawn(
        move |reply, attachment| ctx.on_helper_reply(reply, attachment),
        move |_| ctx.act(Action::HelperGone, None),
    ) {
        Ok(helper) => ctx.helper.set_value(Some(helper)),
        Err(_) => ctx.act(Action::HelperGone, None),
    }
    // The body says when the checker is ready (both workers loaded, or the second gone), so
    // tests and portals know when the page is live, how many workers it has, and when the
    // engine has warmed up.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let helper = ctx.helper_state.get();
            let ready = ctx.ready.get() && helper != Helper::Starting;
            let _ = body.set_attribute("data-ready", if ready { "true" } else { "false" });
            let workers = if helper == Helper::Ready { "2" } else { "1" };
            let _ = body.set_attribute("data-workers", workers);
            // Once the engine's warm-up is done: how long it took.
            if let Some(ms) = ctx.warm.get() {
                let _ = body.set_attribute("data-warm-ms", &format!("{ms:.0}"));
            }
        }
    });

    view! {
        <a class="skip" href="#main">"Skip to the checker"</a>
        <header class="top">
            <div class="wrap top-inner">
                <span class="brand" aria-hidden="true">"✓"</span>
                <span class="brand-name">"Org Sync Preflight"</span>
                <span class="badge-local" title="Nothing is uploaded: the file is read by this page, on this computer.">
                    "Runs on your computer"
                </span>
            </div>
        </header>
        <main id="main" class="wrap">
            <Intro/>
            <DropZone/>
            <RosterZone/>
            <Status/>
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="announce">{move || ctx.announce.get()}</p>
            <div id="results"><Results/></div>
            <Tools/>
        </main>
        <footer class="wrap foot">
            <p>
                "Org Sync Preflight checks LinkedIn Learning bulk-user CSV files (Org Sync, “Add users by CSV”). "
                "It is not made by LinkedIn. The page works offline once loaded; its security policy forbids it to contact any other site."
            </p>
        </footer>
    }
}

#[component]
fn Intro() -> impl IntoView {
    let ctx = ctx();
    view! {
        // Once a file is checked the explanation steps aside; the privacy promise stays.
        <section class="intro" class:compact=move || ctx.phase.get() != Phase::Idle aria-labelledby="intro-title">
            <h1 id="intro-title">"Check your user CSV before you upload it"</h1>
            <p class="lead">
                "Drop the file you are about to upload to LinkedIn Learning. In seconds you see what the uploader would reject, "
                "what the upload will do (invitations, revocations, groups, admin rights), and you can download a corrected file and an error report."
            </p>
            <p class="privacy">
                <svg class="lock" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
                    <path fill="currentColor" d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 3.5a2 2 0 1 1 4 0V7H6V4.5Z"/>
                </svg>
                <strong>"Your file stays on this computer."</strong>
                " It is read by this page in your browser. Nothing is uploaded, stored or sent anywhere — not even to us."
            </p>
        </section>
    }
}

#[component]
fn DropZone() -> impl IntoView {
    let ctx = ctx();
    let over = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let on_pick = move |_| {
        if let Some(input) = input.get() {
            if let Some(file) = first_file(input.files()) {
                ctx.check(file);
            }
            // Clearing lets the same file be chosen again after an edit.
            input.set_value("");
        }
    };
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(file) = first_file(ev.data_transfer().and_then(|d| d.files())) {
            ctx.check(file);
        }
    };
    let on_sample = move |_| {
        if let Some(file) = bundled(SAMPLE, SAMPLE_NAME) {
            ctx.check(file);
        }
    };
    // A file dropped anywhere on the page is checked (the browser would otherwise open it and
    // lose the results); the drop zones handle their own drops first.
    let dragging = RwSignal::new(false);
    let has_files = |ev: &web_sys::DragEvent| {
        ev.data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    let h1 = window_event_listener(ev::dragover, move |ev: web_sys::DragEvent| {
        if has_files(&ev) {
            ev.prevent_default();
            dragging.set(true);
        }
    });
    let h2 = window_event_listener(ev::dragleave, move |ev: web_sys::DragEvent| {
        // Leaving the window (no element entered next).
        if ev.related_target().is_none() {
            dragging.set(false);
        }
    });
    let h3 = window_event_listener(ev::drop, move |ev: web_sys::DragEvent| {
        dragging.set(false);
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        if let Some(file) = first_file(ev.data_transfer().and_then(|d| d.files())) {
            ctx.check(file);
        }
    });
    on_cleanup(move || {
        h1.remove();
        h2.remove();
        h3.remove();
    });
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body
                .class_list()
                .toggle_with_force("dragging", dragging.get());
        }
    });
    view! {
        <div class="drop-veil" aria-hidden="true" class:on=move || dragging.get()>
            <p>"Drop the file anywhere to check it"</p>
        </div>
        <section
            class="drop"
            class:over=move || over.get()
            class:compact=move || ctx.phase.get() != Phase::Idle
            aria-label="Choose a file to check"
            on:dragover=move |ev: ev::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <div class="drop-icon" aria-hidden="true">"⇪"</div>
            <p class="drop-title">{move || if ctx.phase.get() == Phase::Idle { "Drop your Org Sync CSV or workbook here" } else { "Drop another file to check it" }}</p>
            <p class="drop-sub">"CSV, semicolon or tab separated, UTF-8, UTF-16 or any code page Excel writes (Shift_JIS, GBK, Windows-1250…) — any size; or the workbook itself (.xlsx, .xlsm, .xlsb, .ods, .xls, up to 256 MB): its true values, before Save as CSV damages them."</p>
            <div class="drop-actions">
                <label class="button primary">
                    "Choose a file…"
                    <input
                        class="visually-hidden"
                        type="file"
                        accept=crate::sheet::ACCEPT
                        data-testid="file-input"
                        node_ref=input
                        on:change=on_pick
                    />
                </label>
                <button type="button" class="button" data-testid="sample-button" on:click=on_sample>
                    "Try a sample file"
                </button>
            </div>
        </section>
    }
}

/// What the status card shows: which check runs (not how far it is), or why it failed.
#[derive(Debug, Clone, PartialEq)]
enum StatusCard {
    None,
    Checking {
        name: String,
        export: Option<String>,
    },
    Failed(String),
}

/// Progress while checking, or the reason a check failed. The card is built once per check;
/// a progress message then changes only the bar and the counts, not the card (a million-row
/// check sends ~30 of them, and the page shares the machine with the workers).
#[component]
fn Status() -> impl IntoView {
    let ctx = ctx();
    let card = Memo::new(move |_| match ctx.phase.get() {
        Phase::Checking { name, export, .. } => StatusCard::Checking { name, export },
        Phase::Failed(message) => StatusCard::Failed(message),
        Phase::Idle | Phase::Done => StatusCard::None,
    });
    let counts = Memo::new(move |_| match ctx.phase.get() {
        Phase::Checking {
            bytes, total, rows, ..
        } => (bytes, total, rows),
        _ => (0, 0, 0),
    });
    let pct = move || {
        let (bytes, total, _) = counts.get();
        model::percent(bytes, total)
    };
    move || match card.get() {
        StatusCard::Checking { name, export } => {
            let (doing, name) = match export {
                Some(export) => ("Reading your user export ", export),
                None => ("Checking ", name),
            };
            view! {
                <section class="card progress" data-testid="progress" aria-live="polite">
                    <div class="progress-head">
                        <span>{doing} <strong>{name}</strong></span>
                        <button type="button" class="button small" on:click=move |_| ctx.act(Action::Cancel, None)>"Cancel"</button>
                    </div>
                    <div
                        class="bar"
                        role="progressbar"
                        aria-label="Checking progress"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=move || format!("{:.0}", pct())
                    >
                        <div class="bar-fill" style:transform=move || format!("scaleX({:.3})", pct() / 100.0)></div>
                    </div>
                    <p class="muted">
                        {move || {
                            let (bytes, total, rows) = counts.get();
                            format!("{} of {} · {} read", model::bytes(bytes), model::bytes(total), model::plural(rows, "row", "rows"))
                        }}
                    </p>
                </section>
            }
            .into_any()
        }
        StatusCard::Failed(message) => view! {
            <section class="card failed" role="alert">
                <h2>"The file could not be checked"</h2>
                <p>{message}</p>
            </section>
        }
        .into_any(),
        StatusCard::None => ().into_any(),
    }
}

/// The second input: the account's current users, to compare the upload with.
#[component]
fn RosterZone() -> impl IntoView {
    let ctx = ctx();
    let over = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let on_pick = move |_| {
        if let Some(input) = input.get() {
            if let Some(file) = first_file(input.files()) {
                ctx.set_export(Some(file), None);
            }
            input.set_value("");
        }
    };
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(file) = first_file(ev.data_transfer().and_then(|d| d.files())) {
            ctx.set_export(Some(file), None);
        }
    };
    // The sample export describes the sample file's account: with no upload yet, the sample
    // file is checked against it too.
    let on_sample = move |_| {
        let upload = ctx
            .file
            .with_value(Option::is_none)
            .then(|| bundled(SAMPLE, SAMPLE_NAME))
            .flatten();
        if let Some(export) = bundled(SAMPLE_EXPORT, SAMPLE_EXPORT_NAME) {
            ctx.set_export(Some(export), upload);
        }
    };
    let has_export = move || !matches!(ctx.roster.get(), RosterState::None);
    view! {
        <section
            class="card roster-zone"
            class:over=move || over.get()
            aria-labelledby="roster-title"
            on:dragover=move |ev: ev::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <div class="roster-head">
                <div class="roster-text">
                    <h2 id="roster-title">"Compare with your current users" <span class="muted optional">"optional"</span></h2>
                    <p class="muted small" id="roster-help">
                        "Drop the CSV the admin center gives you under People > Users > Download all users, and see what this upload changes for each person; "
                        "like your upload, it is read by this page and never leaves your computer."
                    </p>
                </div>
                <div class="drop-actions">
                    <label class="button">
                        {move || if has_export() { "Choose another export…" } else { "Choose your user export…" }}
                        <input
                            class="visually-hidden"
                            type="file"
                            accept=".csv,.txt,.tsv,text/csv,text/plain"
                            data-testid="roster-input"
                            aria-describedby="roster-help"
                            node_ref=input
                            on:change=on_pick
                        />
                    </label>
                    <button type="button" class="button" data-testid="roster-sample-button" on:click=on_sample
                        title="A user export of the sample file's account (the sample file is checked too when no file is chosen)">
                        "Try with a sample export"
                    </button>
                    {move || has_export().then(|| view! {
                        <button type="button" class="button" data-testid="roster-clear" on:click=move |_| ctx.set_export(None, None)>
                            "Remove"
                        </button>
                    })}
                </div>
            </div>
            <RosterSummary/>
        </section>
    }
}

/// The user export's own facts and problems, apart from the upload's.
#[component]
fn RosterSummary() -> impl IntoView {
    let ctx = ctx();
    move || match ctx.roster.get() {
        RosterState::None => ().into_any(),
        RosterState::Reading { name, bytes, total } => {
            let pct = model::percent(bytes, total);
            view! {
                <div class="roster-summary reading" aria-live="polite">
                    <p>"Reading your user export " <strong>{name}</strong> {format!(" … {pct:.0}%")}</p>
                    <div class="bar" role="progressbar" aria-label="Reading the user export" aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{pct:.0}")>
                        <div class="bar-fill" style:transform=format!("scaleX({:.3})", pct / 100.0)></div>
                    </div>
                </div>
            }
            .into_any()
        }
        RosterState::Failed(message) => view! {
            <p class="error-text" role="alert">"The user export could not be read: " {message}</p>
        }
        .into_any(),
        RosterState::Ready(r) => {
            let c = r.counts;
            let f = &r.file;
            let facts = format!(
                "{} · {} · {} · {}",
                f.name,
                delimiter_name(&f.delimiter),
                model::plural(f.rows, "row", "rows"),
                model::bytes(f.bytes)
            );
            let more = r.more();
            let findings = r.findings.clone();
            let problems = c.errors + c.warnings + c.infos;
            let bad = c.errors > 0 || !r.usable;
            view! {
                <div
                    class="roster-summary"
                    class:bad=bad
                    data-testid="roster-summary"
                    data-users=r.users.to_string()
                    data-errors=c.errors.to_string()
                    data-warnings=c.warnings.to_string()
                    data-infos=c.infos.to_string()
                    aria-live="polite"
                >
                    <p class="roster-line"><strong>"Your user export: "</strong>{r.headline()}</p>
                    <p class="muted small roster-facts">{facts}</p>
                    {(!r.usable).then(|| view! {
                        <p class="error-text">"This file has no email address or unique_user_id column, so it cannot tell who your users are: nothing is compared."</p>
                    })}
                    {(problems > 0).then(|| view! {
                        <details class="roster-findings" data-testid="roster-findings">
                            <summary>{format!("Problems in the export itself ({})", model::thousands(problems))}</summary>
                            <ul>
                                {findings.into_iter().map(|f| view! {
                                    <li>
                                        <span class=format!("sev {}", f.severity.as_str())>{f.code.clone()}</span>
                                        " "
                                        <span class="muted">{match (f.row, &f.column) {
                                            (Some(row), _) => format!("row {} · ", model::thousands(row)),
                                            (None, Some(col)) => format!("{col} · "),
                                            _ => "file · ".into(),
                                        }}</span>
                                        {text::message_plain(&f.message)}
                                    </li>
                                }).collect_view()}
                            </ul>
                            {(more > 0).then(|| view! { <p class="muted small">{format!("…and {} more.", model::thousands(more))}</p> })}
                        </details>
                    })}
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn Results() -> impl IntoView {
    let ctx = ctx();
    move || {
        ctx.report.get().map(|report| {
            if unreadable::blocking(&report).is_some() {
                return view! { <unreadable::Unreadable report=report.clone()/> }.into_any();
            }
            let pick = Callback::new(move |name: String| ctx.pick_sheet(name));
            view! {
                {report.file.workbook.clone().map(|w| view! { <crate::sheet::SheetChoice workbook=w on_pick=pick/> })}
                <Summary report=report.clone()/>
                {report.preview.clone().map(|checked| {
                    // What the corrected file does, once the worker has worked it out with the
                    // current choices; what the rows ask for only if it could not.
                    let checked = Arc::new(checked);
                    move || match ctx.fix_preview.get() {
                        Some(p) => view! { <PreviewPanel preview=p/> }.into_any(),
                        None if ctx.left.with(|l| matches!(l, Left::Failed(_))) => {
                            view! { <PreviewPanel preview=checked.clone()/> }.into_any()
                        }
                        None => view! {
                            <section class="card preview" data-testid="preview-pending" aria-busy="true">
                                <h2>"What this upload changes for your users"</h2>
                                <p class="muted">"Working out what the corrected file does to your users…"</p>
                            </section>
                        }.into_any(),
                    }
                })}
                <div class="pair">
                    <Actions report=report.clone()/>
                    <Fixes report=report.clone()/>
                </div>
                <Findings report=report.clone()/>
                {move || match ctx.grid.get() {
                    Some(grid) => view! { <Grid report=report.clone() grid=grid/> }.into_any(),
                    None => view! {
                        <section class="card" aria-labelledby="grid-title" aria-busy="true">
                            <h2 id="grid-title">"Rows with problems"</h2>
                            <p class="muted">"Gathering the rows with problems…"</p>
                        </section>
                    }.into_any(),
                }}
            }
            .into_any()
        })
    }
}

#[component]
fn Summary(report: Arc<ReportView>) -> impl IntoView {
    let c = report.counts;
    let f = &report.file;
    let kind_note = match f.kind.as_str() {
        "users" => "A Users file: it adds and updates people, their licenses and groups.",
        "users-and-admins" | "users and admins" => {
            "A Users-and-admins file: it also grants and removes admin rights."
        }
        "deletion" => "A deletion file: it removes the people it lists.",
        _ => "What the uploader will take this file for, from its header.",
    };
    let facts = [
        (
            "Encoding",
            f.encoding.clone(),
            "How the file's characters are stored; the uploader reads UTF-8.",
        ),
        (
            "Delimiter",
            delimiter_name(&f.delimiter),
            "The character between fields; the uploader reads commas.",
        ),
        (
            "Rows",
            model::thousands(f.rows),
            "Rows after the header, as a spreadsheet counts them.",
        ),
        (
            "Columns",
            model::thousands(f.columns),
            "Columns in the header row.",
        ),
        ("Kind", f.kind.clone(), kind_note),
        ("Size", model::bytes(f.bytes), "The file's size on disk."),
    ];
    let ctx = ctx();
    let timing = ctx.timing.get_untracked();
    let all_good = report.all_good();
    let headline = if all_good {
        "Ready to upload: nothing to fix.".to_string()
    } else {
        format!(
            "{} and {} found.",
            model::plural(c.errors, "error", "errors"),
            model::plural(c.warnings, "warning", "warnings")
        )
    };
    view! {
        <section
            class="card summary"
            class:good=all_good
            data-testid="summary"
            data-errors=c.errors.to_string()
            data-warnings=c.warnings.to_string()
            data-infos=c.infos.to_string()
            data-rows=f.rows.to_string()
            data-check-ms=timing.map(|t| format!("{:.0}", t.total_ms)).unwrap_or_default()
            data-engine-ms=timing.map(|t| format!("{:.0}", t.engine_ms)).unwrap_or_default()
            data-read-ms=timing.map(|t| format!("{:.0}", t.read_ms)).unwrap_or_default()
            data-view-ms=timing.map(|t| format!("{:.0}", t.view_ms)).unwrap_or_default()
            data-workers=timing.map(|t| t.workers.max(1).to_string()).unwrap_or_default()
            data-timing=timing.map(|t| serde_json::to_string(&t).unwrap_or_default()).unwrap_or_default()
            aria-labelledby="summary-title"
        >
            <div class="summary-head">
                <div>
                    <p class="eyebrow">"Checked " <strong>{f.name.clone()}</strong></p>
                    <h2 id="summary-title">{headline}</h2>
                    {all_good.then(|| view! {
                        <p class="good-note" data-testid="all-good">
                            "The uploader should accept every row. "
                            {if c.infos > 0 { "The notes below are for your information only." } else { "" }}
                        </p>
                    })}
                </div>
                <ul class="counts" aria-label="Findings by severity">
                    <li class="count error"><span class="n">{model::thousands(c.errors)}</span>" "<span class="l">{if c.errors == 1 { "error" } else { "errors" }}</span></li>
                    <li class="count warning"><span class="n">{model::thousands(c.warnings)}</span>" "<span class="l">{if c.warnings == 1 { "warning" } else { "warnings" }}</span></li>
                    <li class="count info"><span class="n">{model::thousands(c.infos)}</span>" "<span class="l">{if c.infos == 1 { "note" } else { "notes" }}</span></li>
                </ul>
            </div>
            <dl class="facts">
                {facts.into_iter().map(|(k, v, note)| view! { <div title=note><dt>{k}</dt><dd>{v}</dd><dd class="fact-note">{note}</dd></div> }).collect_view()}
                {timing.map(|t| view! { <div><dt>"Checked in"</dt><dd>{model::duration(t.total_ms)}</dd></div> })}
            </dl>
            <crate::encoding::EncodingChoice
                facts=f.clone()
                chosen=ctx.encoding.get_untracked()
                on_choose=Callback::new(move |label| {
                    ctx.encoding.set(label);
                    if let Some(file) = ctx.file.get_value() {
                        ctx.check(file);
                    }
                })
            />
        </section>
    }
}

/// The engine's name of the delimiter, with the character beside it (`comma (,)`; `tab`).
fn delimiter_name(d: &str) -> String {
    match d {
        "\t" | "\\t" | "tab" => "tab".into(),
        _ => match d.chars().next().map(orgsync_core::words::delimiter_name) {
            Some(name) if name != "unknown" && d.chars().count() == 1 => format!("{name} ({d})"),
            _ => d.to_string(),
        },
    }
}

#[component]
fn Actions(report: Arc<ReportView>) -> impl IntoView {
    let lines: Vec<_> = report
        .actions
        .iter()
        .filter(|a| a.count > 0)
        .cloned()
        .collect();
    view! {
        <section class="card" aria-labelledby="actions-title">
            <h2 id="actions-title">"What this upload will do"</h2>
            {if lines.is_empty() {
                view! { <p class="muted">"The file asks for no change."</p> }.into_any()
            } else {
                view! {
                    <table class="actions" aria-labelledby="actions-title">
                        <tbody>
                            {lines.into_iter().map(|a| view! {
                                <tr><th scope="row">{a.label.clone()}<span class="fact-note">{model::action_note(&a.label)}</span></th><td class="num">{model::thousands(a.count)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Fixes(report: Arc<ReportView>) -> impl IntoView {
    let ctx = ctx();
    let rules: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.safe + r.suggested > 0)
        .cloned()
        .collect();
    let rules_all = StoredValue::new(report.rules.clone());
    let applied =
        Memo::new(move |_| rules_all.with_value(|rules| ctx.choices.get().applied(rules)));
    let any_suggested = rules.iter().any(|r| r.suggested > 0);
    let all_on = Memo::new(move |_| {
        rules_all.with_value(|rules| ctx.choices.get().every_suggested_on(rules))
    });
    let has_fixes = !rules.is_empty();
    // What is left follows the choices: re-counted by the worker at each change.
    Effect::new(move |_| {
        ctx.choices.track();
        ctx.count_left();
    });
    view! {
        <section class="card" aria-labelledby="fixes-title">
            <h2 id="fixes-title">"Fixes and downloads"</h2>
            {has_fixes.then(|| view! {
                <p class="fix-total" aria-live="polite">
                    {move || {
                        let (safe, suggested) = applied.get();
                        format!(
                            "The corrected file will receive {} and {}.",
                            model::plural(safe, "safe fix", "safe fixes"),
                            model::plural(suggested, "suggested fix", "suggested fixes"),
                        )
                    }}
                </p>
            })}
            {any_suggested.then(|| view! {
                <label class="check all">
                    <input
                        type="checkbox"
                        data-testid="all-suggested"
                        prop:checked=move || all_on.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            rules_all.with_value(|rules| ctx.choices.update(|c| c.set_all_suggested(on, rules)));
                        }
                    />
                    " Apply every suggested fix (review them first)"
                </label>
            })}
            {has_fixes.then(|| view! {
                <table class="fix-table" aria-label="Fixes by rule">
                    <thead><tr><th scope="col">"Rule"</th><th scope="col">"Safe fixes"</th><th scope="col">"Suggested fixes"</th></tr></thead>
                    <tbody>
                        {rules.into_iter().map(|r| {
                            let code = r.code.clone();
                            let code2 = r.code.clone();
                            let code3 = r.code.clone();
                            let code4 = r.code.clone();
                            view! {
                                <tr data-testid="fix-rule" data-code=r.code.clone()>
                                    <th scope="row">{model::rule_title(&r.code, None)}" "<span class="code-chip">{r.code.clone()}</span></th>
                                    <td>
                                        {(r.safe > 0).then(|| view! {
                                            <label class="check">
                                                <input type="checkbox" data-testid="fix-safe"
                                                    aria-label=format!("Apply the {} of {} ({})", model::plural(r.safe, "safe fix", "safe fixes"), model::rule_title(&r.code, None), r.code)
                                                    prop:checked=move || ctx.choices.get().safe(&code)
                                                    on:change=move |ev| { let on = event_target_checked(&ev); ctx.choices.update(|c| c.set_safe(&code2, on)); }
                                                />
                                                {format!(" {}", model::thousands(r.safe))}
                                            </label>
                                        })}
                                    </td>
                                    <td>
                                        {(r.suggested > 0).then(|| view! {
                                            <label class="check">
                                                <input type="checkbox" data-testid="fix-suggested"
                                                    aria-label=format!("Apply the {} of {} ({})", model::plural(r.suggested, "suggested fix", "suggested fixes"), model::rule_title(&r.code, None), r.code)
                                                    prop:checked=move || ctx.choices.get().suggested(&code3)
                                                    on:change=move |ev| { let on = event_target_checked(&ev); ctx.choices.update(|c| c.set_suggested(&code4, on)); }
                                                />
                                                {format!(" {}", model::thousands(r.suggested))}
                                            </label>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p class="left" data-testid="left" aria-live="polite">{move || match ctx.left.get() {
                Left::Counting => view! { <span class="muted" data-testid="left-counting">"Counting what the corrected file still has…"</span> }.into_any(),
                Left::Failed(message) => view! { <span class="error-text">{format!("What is left could not be counted: {message}")}</span> }.into_any(),
                Left::Ready { errors: 0, warnings: 0, .. } => view! {
                    <strong class="ready" data-errors="0" data-warnings="0">"Ready to upload: the corrected file has no error or warning left."</strong>
                }.into_any(),
                Left::Ready { errors, warnings, rules } => {
                    let total = rules.len();
                    view! {
                        <span data-errors=errors.to_string() data-warnings=warnings.to_string()>
                            {format!("The corrected file still has {} and {} that need you: ", model::plural(errors, "error", "errors"), model::plural(warnings, "warning", "warnings"))}
                            {rules.into_iter().enumerate().map(|(i, (code, n))| {
                                let c = code.clone();
                                let sev = rules_all.with_value(|rules| rules.iter().find(|r| r.code == code).map(|r| r.severity.as_str()).unwrap_or("warning"));
                                view! {
                                    <button type="button" class=format!("linkish left-{sev}") data-code=code.clone()
                                        on:click=move |_| text::open_group(&c)>
                                        {format!("{} ({})", model::rule_title(&code, None), model::thousands(n))}
                                    </button>
                                    {if i + 1 < total { ", " } else { "." }}
                                }
                            }).collect_view()}
                        </span>
                    }.into_any()
                }
            }}</p>
            <div class="downloads">
                <DownloadButton what=Download::Corrected label="Corrected CSV" testid="download-corrected" primary=true/>
                <DownloadButton what=Download::Report label="Error report" testid="download-report" primary=false/>
                <DownloadButton what=Download::Findings label="Findings CSV" testid="download-findings" primary=false/>
                <DownloadButton what=Download::Json label="JSON report" testid="download-json" primary=false/>
            </div>
            {move || match ctx.downloads.get() {
                Downloads::Preparing { bytes, total, want, queued, .. } => view! {
                    <p class="muted" aria-live="polite" data-testid="download-status">{format!(
                        "Preparing the {}… {:.0}%{}",
                        want.label(),
                        model::percent(bytes, total),
                        if queued > 0 { format!(" (then {} more)", queued) } else { String::new() },
                    )}</p>
                }.into_any(),
                Downloads::Failed(message) => view! { <p class="error-text" role="alert">{message}</p> }.into_any(),
                Downloads::None => ().into_any(),
            }}
            {move || ctx.saved.get().map(|(name, size)| view! {
                <p class="muted small saved" role="status" data-testid="download-saved">
                    "Saved " <strong>{name}</strong> {format!(" ({}) to your downloads. ", model::bytes(size))}
                    "Not there? "
                    <button type="button" class="linkish" data-testid="save-again" on:click=move |_| {
                        if let Some((blob, name)) = ctx.saved_blob.get_value() {
                            save(&blob, &name);
                        }
                    }>"Save it again"</button>
                </p>
            })}
        </section>
    }
}

#[component]
fn DownloadButton(
    what: Download,
    label: &'static str,
    testid: &'static str,
    primary: bool,
) -> impl IntoView {
    let ctx = ctx();
    view! {
        <button
            type="button"
            class="button"
            class:primary=primary
            data-testid=testid
            aria-busy=move || matches!(ctx.downloads.get(), Downloads::Preparing { want, .. } if want == what).to_string()
            on:click=move |_| ctx.download(what)
        >
            <span aria-hidden="true">"↓ "</span>{label}
        </button>
    }
}

#[component]
fn Findings(report: Arc<ReportView>) -> impl IntoView {
    let ctx = ctx();
    let stored = StoredValue::new(report.clone());
    let columns = model::columns_with_findings(&report);
    let rules: Vec<_> = report.rules.clone();
    let visible = Memo::new(move |_| {
        let filters = ctx.filters.get();
        stored.with_value(|r| {
            r.groups
                .iter()
                .enumerate()
                .filter(|(_, g)| filters.keeps(g))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
    });
    let sev_toggle = move |sev: Sev, count: u64| {
        view! {
            <label class=format!("chip {}", sev.as_str())>
                <input type="checkbox"
                    prop:checked=move || !ctx.filters.get().hidden.contains(&sev)
                    on:change=move |_| ctx.filters.update(|f| f.toggle(sev))
                />
                {format!(" {}", match sev {
                    Sev::Error => model::plural(count, "error", "errors"),
                    Sev::Warning => model::plural(count, "warning", "warnings"),
                    Sev::Info => model::plural(count, "note", "notes"),
                })}
            </label>
        }
    };
    let c = report.counts;
    let truncated = report.truncated;
    view! {
        <section class="card" aria-labelledby="findings-title">
            <h2 id="findings-title">"Findings"</h2>
            {(report.groups.is_empty()).then(|| view! { <p class="muted">"No findings."</p> })}
            {(!report.groups.is_empty()).then(|| view! {
                <div class="filters" role="group" aria-label="Filter findings">
                    {sev_toggle(Sev::Error, c.errors)}
                    {sev_toggle(Sev::Warning, c.warnings)}
                    {sev_toggle(Sev::Info, c.infos)}
                    <label class="select">
                        <span>"Rule"</span>
                        <select data-testid="filter-rule" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            ctx.filters.update(|f| f.code = (!v.is_empty()).then_some(v));
                        }>
                            <option value="">"All rules"</option>
                            {rules.into_iter().map(|r| view! { <option value=r.code.clone()>{format!("{} — {} ({})", model::rule_title(&r.code, None), r.code, model::thousands(r.count))}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="select">
                        <span>"Column"</span>
                        <select data-testid="filter-column" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            ctx.filters.update(|f| f.column = (!v.is_empty()).then_some(v));
                        }>
                            <option value="">"All columns"</option>
                            {columns.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
            })}
            {truncated.then(|| view! {
                <p class="muted">"This file has very many findings; the page lists the first ones of each rule. The counts are exact, and the findings CSV lists every finding."</p>
            })}
            <ul class="groups">
                <For each=move || visible.get() key=|i| *i let(i)>
                    {stored.with_value(|r| view! { <Group group=r.groups[i].clone()/> })}
                </For>
            </ul>
        </section>
    }
}

#[component]
fn Group(group: FindingGroup) -> impl IntoView {
    let ctx = ctx();
    let code = group.code.clone();
    let where_ = group
        .column
        .clone()
        .map(|c| format!(" in {c}"))
        .unwrap_or_default();
    let shown = group.items.len() as u64;
    let more = group.count.saturating_sub(shown);
    // A group's rows are built only while it is open: a big file has thousands per group.
    let open = RwSignal::new(false);
    let details = NodeRef::<html::Details>::new();
    let items = StoredValue::new(group.items);
    let rows = move || {
        open.get().then(|| {
            items.with_value(|items| {
                items
                    .iter()
                    .cloned()
                    .map(|item| {
                        let code = code.clone();
                        let fix = item.fix.map(|fix| {
                            let kind = fix.kind;
                            let label = match kind {
                                FixKind::Safe => "safe",
                                FixKind::Suggested => "suggested",
                            };
                            let row = item.row;
                            let code2 = code.clone();
                            let code3 = code.clone();
                            let on = move || match (kind, row) {
                                (FixKind::Suggested, Some(row)) => ctx.choices.get().row_suggested(&code, row),
                                _ => ctx.choices.get().applies(&code, kind),
                            };
                            let after = if fix.after.is_empty() { "(removed)".to_string() } else { model::show_invisible(&fix.after) };
                            let decide = (kind == FixKind::Suggested).then_some(row).flatten().map(|row| view! {
                                <label class="check row-decision">
                                    <input type="checkbox" data-testid="fix-row" data-code=code2.clone() data-row=row.to_string()
                                        aria-label=format!("Apply the suggestion {} on row {}", after.clone(), row)
                                        prop:checked=move || ctx.choices.get().row_suggested(&code2, row)
                                        on:change=move |ev| { let on = event_target_checked(&ev); ctx.choices.update(|c| c.set_row(&code3, row, on)); }/>
                                    " apply"
                                </label>
                            });
                            view! {
                                <span class="fix" class:off=move || !on()>
                                    <span class="arrow" aria-hidden="true">"→ "</span>
                                    <code>{after.clone()}</code>
                                    <span class="fix-kind">{label}</span>
                                    {decide}
                                </span>
                            }
                        });
                        view! {
                            <tr>
                                <td class="num">{match item.row {
                                    Some(row) if row > 1 => text::row_link(ctx, row).into_any(),
                                    Some(row) => model::thousands(row).into_any(),
                                    None => "file".into_any(),
                                }}</td>
                                <td>{item.value.as_deref().filter(|v| !v.is_empty()).map(|v| view! { <code class="value">{model::show_invisible(v)}</code> })}</td>
                                <td>{fix}</td>
                                <td>{text::message(&item.message)}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <li class=format!("group {}", group.severity.as_str()) data-testid="finding-group" data-code=group.code.clone() data-count=group.count.to_string()>
            <details node_ref=details on:toggle=move |_| {
                if let Some(d) = details.get_untracked() {
                    open.set(d.open());
                }
            }>
                <summary>
                    <span class=format!("sev {}", group.severity.as_str())>{match group.severity { Sev::Error => "error", Sev::Warning => "warning", Sev::Info => "note" }}</span>
                    <span class="group-title" data-testid="group-title">{model::rule_title(&group.code, group.column.as_deref())}</span>
                    <span class="code-chip" title=format!("Rule {} ({}){}", group.code, group.name, where_)>{group.code.clone()}</span>
                    <span class="group-count">{model::plural(group.count, "row", "rows")}</span>
                    <span class="visually-hidden">{format!(", {}", group.severity.as_str())}</span>
                </summary>
                <div class="group-body">
                    <ul class="messages">
                        {group.messages.iter().map(|(m, n)| view! { <li><strong>{model::plural(*n, "row", "rows")}</strong>": "{text::message(m)}</li> }).collect_view()}
                    </ul>
                    {(group.kept < group.count).then(|| view! { <p class="muted">{format!("The messages and rows here are from the first {} findings of this rule, which the page keeps; the count is exact.", model::thousands(group.kept))}</p> })}
                    {(!group.tip.is_empty()).then(|| view! { <p class="tip"><strong>"Tip: "</strong>{text::message_plain(&group.tip)}</p> })}
                    <text::RuleDoc code=group.code.clone()/>
                    <table class="items" aria-label=format!("Rows of {}", model::rule_title(&group.code, group.column.as_deref()))>
                        <thead><tr><th scope="col">"Row"</th><th scope="col">"Value"</th><th scope="col">"Fix"</th><th scope="col">"Message"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    {(more > 0).then(|| view! { <p class="muted">{format!("…and {} more: download the findings CSV for the full list.", model::thousands(more))}</p> })}
                </div>
            </details>
        </li>
    }
}

/// Templates and the group glossary: tools that work without a checked file.
#[component]
fn Tools() -> impl IntoView {
    let ctx = ctx();
    let admins = RwSignal::new(false);
    let licenses = RwSignal::new(ctx.embed.with_value(|e| e.licenses.join("\n")));
    let groups = RwSignal::new(String::new());
    let template_error = RwSignal::new(None::<String>);
    let export_input = NodeRef::<html::Input>::new();
    let on_template = move |_| {
        let options = orgsync_core::TemplateOptions {
            admins: admins.get_untracked(),
            licenses: model::parse_list(&licenses.get_untracked()),
            groups: model::parse_list(&groups.get_untracked()),
        };
        let name = if options.admins {
            "orgsync-users-and-admins-template.csv"
        } else {
            "orgsync-users-template.csv"
        };
        // The engine validates the license headers, as for the CLI and the JS API.
        match orgsync_core::template(&options) {
            Ok(text) => {
                template_error.set(None);
                save_text(&text, name, "text/csv;charset=utf-8");
            }
            Err(e) => template_error.set(Some(e.to_string())),
        }
    };
    let on_export = move |_| {
        let Some(input) = export_input.get() else {
            return;
        };
        if let Some(file) = first_file(input.files()) {
            ctx.act(Action::ReadGlossary, Some(&file));
        }
        input.set_value("");
    };
    let use_glossary = move |_| {
        if let Some(Ok(list)) = ctx.glossary.get_untracked() {
            ctx.known_groups.set(list.join("\n"));
        }
    };
    view! {
        <section class="tools" aria-label="Tools">
            <details class="card">
                <summary><h2>"Known groups"</h2><span class="muted">" — for rule R008, from a user export or typed"</span></summary>
                <div class="tool-grid">
                    <div>
                        <p>"Drop nothing: choose a " <strong>"user export"</strong> " (Admin Center → People → Download all users). Its " <code>"group:"</code> " columns are your account's group names."</p>
                        <label class="button">
                            "Read groups from a user export…"
                            <input class="visually-hidden" type="file" accept=".csv,text/csv" data-testid="export-input" node_ref=export_input on:change=on_export/>
                        </label>
                        {move || match ctx.glossary.get() {
                            Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"That export has no group: columns."</p> }.into_any(),
                            Some(Ok(list)) => view! {
                                <div>
                                    <p>{model::plural(list.len() as u64, "group", "groups")} ":"</p>
                                    <ul class="glossary" data-testid="glossary">{list.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul>
                                    <button type="button" class="button small" on:click=use_glossary>"Use as known groups"</button>
                                </div>
                            }.into_any(),
                            Some(Err(message)) => view! { <p class="error-text" role="alert">{message}</p> }.into_any(),
                            None => ().into_any(),
                        }}
                    </div>
                    <div>
                        <label class="field">
                            <span>"Known group names, one per line"</span>
                            <textarea rows="6" data-testid="known-groups"
                                prop:value=move || ctx.known_groups.get()
                                on:input=move |ev| ctx.known_groups.set(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <button type="button" class="button small" on:click=move |_| ctx.recheck()
                            disabled=move || ctx.report.get().is_none()>"Check again with these groups"</button>
                    </div>
                </div>
            </details>
            <details class="card" id="tool-templates">
                <summary><h2>"Templates"</h2><span class="muted">" — an empty file with the right headers"</span></summary>
                <div class="tool-grid">
                    <fieldset>
                        <legend>"Template"</legend>
                        <label class="check"><input type="radio" name="tpl" prop:checked=move || !admins.get() on:change=move |_| admins.set(false)/>" Users"</label>
                        <label class="check"><input type="radio" name="tpl" prop:checked=move || admins.get() on:change=move |_| admins.set(true)/>" Users and admins"</label>
                    </fieldset>
                    <label class="field">
                        <span>"License headers (copy them from a user export), one per line"</span>
                        <textarea rows="3" placeholder="Sales_license_LinkedIn Learning_status" data-testid="template-licenses"
                            prop:value=move || licenses.get()
                            on:input=move |ev| licenses.set(event_target_value(&ev))></textarea>
                    </label>
                    <label class="field">
                        <span>"Group names, one per line"</span>
                        <textarea rows="3" placeholder="Sales EMEA" on:input=move |ev| groups.set(event_target_value(&ev))></textarea>
                    </label>
                </div>
                {move || template_error.get().map(|message| view! { <p class="error-text" role="alert" data-testid="template-error">{message}</p> })}
                <button type="button" class="button primary" data-testid="download-template" on:click=on_template>"↓ Download template"</button>
            </details>
        </section>
    }
}

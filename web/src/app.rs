//! The page's components. They hold signals and markup; the controller's decisions live in
//! [`crate::session`], the view's in [`crate::model`], and the judgement in the engine (through
//! the worker).

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, File};

mod grid;
mod intake;
mod preview;
mod results;
mod text;
mod tools;
mod unreadable;

use self::grid::WholeRows;
use self::intake::{DropZone, Intro, RosterZone, Status};
use self::results::{DownloadButton, Results};
use self::tools::Tools;
use crate::client::Client;
use crate::embed::{self, EmbedOptions};
use crate::model::{self, Cursor, Download, Filters, FixChoices};
use crate::protocol::{JobId, Reply, Request, Timing};
use crate::session::{
    Action, Attach, Chosen, Downloads, Effect as Do, GridRows, Helper, Left, Phase, PreviewPage,
    RosterState, Session, To,
};
use crate::view::{PreviewView, ReportView};

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

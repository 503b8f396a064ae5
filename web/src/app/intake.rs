//! The page's inputs: the introduction, the drop zone for the upload, the check's progress,
//! and the user export to compare with and its own summary.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use web_sys::File;

use super::{ctx, delimiter_name, first_file, text};
use crate::model;
use crate::session::{Action, Phase, RosterState};

/// The bundled sample, with the mistakes admins typically make.
const SAMPLE: &[u8] = include_bytes!("../../../samples/sample-with-mistakes.csv");
const SAMPLE_NAME: &str = "sample-with-mistakes.csv";
/// A user export of the sample's account, to compare the sample with.
const SAMPLE_EXPORT: &[u8] = include_bytes!("../../../samples/sample-export.csv");
const SAMPLE_EXPORT_NAME: &str = "sample-export.csv";

/// A bundled sample as a `File`, as if the admin had chosen it.
fn bundled(bytes: &[u8], name: &str) -> Option<File> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::FilePropertyBag::new();
    options.set_type("text/csv");
    File::new_with_u8_array_sequence_and_options(&parts, name, &options).ok()
}

/// A zone that takes one file, from its picker or dropped on it: `over` while a file is dragged
/// over it. The upload's drop zone and the user export's zone differ only in what they do with
/// the file.
#[derive(Clone, Copy)]
struct FileZone {
    over: RwSignal<bool>,
    input: NodeRef<html::Input>,
}

impl FileZone {
    fn new() -> Self {
        Self {
            over: RwSignal::new(false),
            input: NodeRef::new(),
        }
    }

    /// The picker's `change`: takes the chosen file, then clears the picker so the same file can
    /// be chosen again after an edit.
    fn on_pick(self, take: impl Fn(File) + 'static) -> impl Fn(ev::Event) + 'static {
        move |_| {
            if let Some(input) = self.input.get() {
                if let Some(file) = first_file(input.files()) {
                    take(file);
                }
                input.set_value("");
            }
        }
    }

    /// The zone's `drop`: takes the dropped file (handled here, so the page's own drop does not
    /// take it too).
    fn on_drop(self, take: impl Fn(File) + 'static) -> impl Fn(ev::DragEvent) + 'static {
        move |ev: ev::DragEvent| {
            ev.prevent_default();
            self.over.set(false);
            if let Some(file) = first_file(ev.data_transfer().and_then(|d| d.files())) {
                take(file);
            }
        }
    }

    /// The zone's `dragover`: accepts the drag and shows it is over the zone.
    fn on_dragover(self) -> impl Fn(ev::DragEvent) + 'static {
        move |ev: ev::DragEvent| {
            ev.prevent_default();
            self.over.set(true);
        }
    }

    fn on_dragleave(self) -> impl Fn(ev::DragEvent) + 'static {
        move |_| self.over.set(false)
    }
}

#[component]
pub(super) fn Intro() -> impl IntoView {
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
pub(super) fn DropZone() -> impl IntoView {
    let ctx = ctx();
    let zone = FileZone::new();
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
            class:over=move || zone.over.get()
            class:compact=move || ctx.phase.get() != Phase::Idle
            aria-label="Choose a file to check"
            on:dragover=zone.on_dragover()
            on:dragleave=zone.on_dragleave()
            on:drop=zone.on_drop(move |file| ctx.check(file))
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
                        node_ref=zone.input
                        on:change=zone.on_pick(move |file| ctx.check(file))
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
pub(super) fn Status() -> impl IntoView {
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
pub(super) fn RosterZone() -> impl IntoView {
    let ctx = ctx();
    let zone = FileZone::new();
    let take = move |file| ctx.set_export(Some(file), None);
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
            class:over=move || zone.over.get()
            aria-labelledby="roster-title"
            on:dragover=zone.on_dragover()
            on:dragleave=zone.on_dragleave()
            on:drop=zone.on_drop(take)
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
                            node_ref=zone.input
                            on:change=zone.on_pick(take)
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

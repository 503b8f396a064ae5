//! The state of a file that could not be checked at all (empty, a PDF, a workbook, other bytes
//! that are not text): what the file is, why it cannot be checked and what to do, without file
//! facts that do not apply or downloads that would be empty.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::text;
use crate::model;
use crate::view::{FindingGroup, ReportView};

pub(super) use crate::session::blocking;

/// Opens one of the page's tools (a `<details>` at the bottom) and scrolls to it.
pub(super) fn open_tool(id: &str) {
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    if let Ok(details) = el.clone().dyn_into::<web_sys::HtmlDetailsElement>() {
        details.set_open(true);
    }
    el.scroll_into_view();
}

#[component]
pub(super) fn Unreadable(report: Arc<ReportView>) -> impl IntoView {
    let group = blocking(&report).cloned().unwrap_or_else(|| FindingGroup {
        code: String::new(),
        name: String::new(),
        severity: crate::view::Sev::Error,
        column: None,
        count: 0,
        kept: 0,
        messages: Vec::new(),
        tip: String::new(),
        items: Vec::new(),
    });
    let f = &report.file;
    let message = group
        .items
        .first()
        .map(|i| i.message.clone())
        .or_else(|| group.messages.first().map(|(m, _)| m.clone()))
        .unwrap_or_default();
    let empty = group.code == "F005";
    // An encrypted workbook (F019) or one too large to read (F023): a workbook all the same.
    let workbook = matches!(group.code.as_str(), "F019" | "F023");
    let what = if workbook {
        format!("a workbook of {}", model::bytes(f.bytes))
    } else if f.bytes == 0 {
        "an empty file (0 bytes)".to_string()
    } else if empty {
        format!("a text file of {} with no user rows", model::bytes(f.bytes))
    } else {
        format!("a file of {} that is not text", model::bytes(f.bytes))
    };
    // Other findings that still say something (the file's name, for example).
    let others: Vec<FindingGroup> = report
        .groups
        .iter()
        .filter(|g| g.code != group.code)
        .cloned()
        .collect();
    view! {
        <section class="card failed unreadable" data-testid="unreadable" data-code=group.code.clone() role="alert" aria-labelledby="unreadable-title">
            <p class="eyebrow">"Checked " <strong>{f.name.clone()}</strong> {format!(" — {what}")}</p>
            <h2 id="unreadable-title">{if empty { "This file has no users to check" } else if workbook { "This workbook cannot be read" } else { "This file cannot be checked" }}</h2>
            <p data-testid="unreadable-why">{text::message_plain(&message)} <span class="code-chip" title="The rule's code">{group.code.clone()}</span></p>
            {(!group.tip.is_empty()).then(|| view! {
                <p class="tip"><strong>"What to do: "</strong>{text::message_plain(&group.tip)}</p>
            })}
            <div class="drop-actions">
                {empty.then(|| view! {
                    <button type="button" class="button" data-testid="open-templates" on:click=move |_| open_tool("tool-templates")>
                        "Get a template with the right headers"
                    </button>
                })}
                <button type="button" class="button" on:click=move |_| {
                    if let Some(input) = document().query_selector("[data-testid=\"file-input\"]").ok().flatten()
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                        input.click();
                    }
                }>"Choose another file…"</button>
            </div>
            {(!others.is_empty()).then(|| view! {
                <ul class="messages">
                    {others.into_iter().map(|g| view! {
                        <li><span class=format!("sev {}", g.severity.as_str())>{g.code.clone()}</span>" "
                            {g.items.first().map(|i| text::message_plain(&i.message))}</li>
                    }).collect_view()}
                </ul>
            })}
            <p class="muted small">"Nothing can be corrected or downloaded for this file: there is no row to check."</p>
        </section>
    }
}

//! Finding messages as the page renders them: code spans as code (not backticks), row numbers as
//! links to the grid's row.

use leptos::prelude::*;

use super::{Ctx, ctx};
use crate::model::{self, Part};

/// A message of the upload's findings, with its code spans and row links.
pub(super) fn message(text: &str) -> impl IntoView + use<> {
    render(text, true)
}

/// A message about another file (the user export): code spans, no row links.
pub(super) fn message_plain(text: &str) -> impl IntoView + use<> {
    render(text, false)
}

fn render(text: &str, links: bool) -> impl IntoView + use<> {
    let ctx = ctx();
    model::message_parts(text)
        .into_iter()
        .map(|part| match part {
            Part::Text(t) => t.into_any(),
            Part::Code(c) => {
                view! { <code class="quoted">{model::show_invisible(&c)}</code> }.into_any()
            }
            Part::Row(n) if links => row_link(ctx, n).into_any(),
            Part::Row(n) => model::thousands(n).into_any(),
        })
        .collect_view()
}

/// A row number that shows the row in the grid.
pub(super) fn row_link(ctx: Ctx, row: u64) -> impl IntoView {
    view! {
        <button type="button" class="rowlink" data-testid="row-link" data-row=row.to_string()
            title="Show this row in the grid of rows with problems"
            on:click=move |_| ctx.jump.set(Some(row))>{model::thousands(row)}</button>
    }
}

/// Opens a finding group of this rule (the first, if it has several) and scrolls to it.
pub(super) fn open_group(code: &str) {
    let selector = format!("[data-testid=\"finding-group\"][data-code=\"{code}\"] details");
    if let Some(details) = document()
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDetailsElement>(e).ok())
    {
        details.set_open(true);
        details.scroll_into_view();
    }
}

/// A rule's full documentation (the text `orgsync rules CODE` prints), bundled with the page:
/// built only when opened.
#[component]
pub(super) fn RuleDoc(code: String) -> impl IntoView {
    let doc = orgsync_core::rules()
        .iter()
        .find(|r| r.code.as_str() == code)
        .map(|r| r.doc);
    let open = RwSignal::new(false);
    let details = NodeRef::<leptos::html::Details>::new();
    doc.map(|doc| {
        view! {
            <details class="rule-doc" data-testid="rule-doc" node_ref=details on:toggle=move |_| {
                if let Some(d) = details.get_untracked() {
                    open.set(d.open());
                }
            }>
                <summary>{format!("About this rule ({code})")}</summary>
                {move || open.get().then(|| markdown(doc))}
            </details>
        }
    })
}

/// The rule docs' Markdown: `#`/`##` headings, paragraphs, `-` lists, fenced code blocks and
/// code spans (the subset the docs use).
fn markdown(doc: &str) -> impl IntoView + use<> {
    enum Block {
        Heading(String),
        Para(String),
        List(Vec<String>),
        Code(String),
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut lines = doc.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_end();
        if t.starts_with("```") {
            let mut code = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                code.push_str(l);
                code.push('\n');
            }
            blocks.push(Block::Code(code));
        } else if let Some(h) = t.strip_prefix("## ").or_else(|| t.strip_prefix("# ")) {
            // The first heading repeats the code and name the group shows already.
            if !t.starts_with("# ") {
                blocks.push(Block::Heading(h.to_string()));
            }
        } else if let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            match blocks.last_mut() {
                Some(Block::List(items)) => items.push(item.to_string()),
                _ => blocks.push(Block::List(vec![item.to_string()])),
            }
        } else if t.is_empty() {
            blocks.push(Block::Para(String::new()));
        } else if t.starts_with("  ") && matches!(blocks.last(), Some(Block::List(_))) {
            if let Some(Block::List(items)) = blocks.last_mut()
                && let Some(last) = items.last_mut()
            {
                last.push(' ');
                last.push_str(t.trim());
            }
        } else {
            match blocks.last_mut() {
                Some(Block::Para(p)) => {
                    if !p.is_empty() {
                        p.push(' ');
                    }
                    p.push_str(t);
                }
                _ => blocks.push(Block::Para(t.to_string())),
            }
        }
    }
    blocks
        .into_iter()
        .map(|b| match b {
            Block::Heading(h) => view! { <h4>{h}</h4> }.into_any(),
            Block::Para(p) if p.is_empty() => ().into_any(),
            Block::Para(p) => view! { <p>{message_plain(&p)}</p> }.into_any(),
            Block::List(items) => view! {
                <ul>{items.into_iter().map(|i| view! { <li>{message_plain(&i)}</li> }).collect_view()}</ul>
            }
            .into_any(),
            Block::Code(c) => view! { <pre><code>{c}</code></pre> }.into_any(),
        })
        .collect_view()
}

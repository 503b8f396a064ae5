//! The preview against a user export: what uploading the corrected file changes for each user
//! of the export, its totals, a filter per kind, the lines a page at a time (from the worker) and
//! the preview CSV.

use std::sync::Arc;

use leptos::prelude::*;

use super::{DownloadButton, ctx};
use crate::model::{self, Download};
use crate::view::{PREVIEW_PAGE, PreviewView};

/// What the upload will change for each user of the export: totals, a filter per kind, the
/// lines a page at a time (from the worker), and the preview CSV.
#[component]
pub(super) fn PreviewPanel(preview: Arc<PreviewView>) -> impl IntoView {
    let ctx = ctx();
    let p = preview.clone();
    let stored = StoredValue::new(preview.clone());
    let totals = [
        ("New users", p.new_users, "new"),
        ("Changed", p.changed, "changed"),
        ("No change", p.unchanged, "unchanged"),
        ("Rejected — no change", p.rejected + p.conflicts, "rejected"),
        ("Untouched", p.untouched, "untouched"),
    ];
    let page = move || ctx.preview_page.get();
    let kind = move || ctx.preview_page.with(|p| p.kind.clone());
    let listed = move || stored.with_value(|p| p.listed(kind().as_deref()));
    let counted = move || {
        let kind = kind();
        stored.with_value(|p| {
            p.kinds
                .iter()
                .filter(|k| kind.as_deref().is_none_or(|w| k.kind == w))
                .map(|k| k.count)
                .sum::<u64>()
        })
    };
    let select = move |k: Option<String>| ctx.show_preview(k, 0);
    let range_text = move || {
        let pg = page();
        let total = listed();
        let shown = pg.lines.as_ref().map_or(0, Vec::len) as u64;
        let what = pg
            .kind
            .as_deref()
            .map(|k| stored.with_value(|p| p.label(k)))
            .unwrap_or_else(|| "every kind".into());
        if total == 0 {
            format!("No line ({what}).")
        } else if pg.lines.is_none() {
            "Loading…".to_string()
        } else if total < counted() {
            format!(
                "Lines {}–{} of the first {} listed ({what}: {} in all; the preview CSV has every line)",
                model::thousands(pg.offset + 1),
                model::thousands(pg.offset + shown),
                model::thousands(total),
                model::thousands(counted())
            )
        } else {
            format!(
                "Lines {}–{} of {} ({what})",
                model::thousands(pg.offset + 1),
                model::thousands(pg.offset + shown),
                model::thousands(total)
            )
        }
    };
    let step = PREVIEW_PAGE as u64;
    let has_prev = move || page().offset > 0;
    let has_next = move || page().offset + step < listed();
    let omitted = p.omitted;
    view! {
        <section
            class="card preview"
            data-testid="preview"
            data-new=p.new_users.to_string()
            data-changed=p.changed.to_string()
            data-unchanged=p.unchanged.to_string()
            data-untouched=p.untouched.to_string()
            data-conflicts=p.conflicts.to_string()
            data-rejected=p.rejected.to_string()
            data-rows=p.rows.to_string()
            aria-labelledby="preview-title"
        >
            <div class="preview-head">
                <div>
                    <h2 id="preview-title">"What this upload changes for your users"</h2>
                    <p class="muted small">{format!(
                        "Uploading the corrected file, with the fixes chosen, compared with your user export ({}). A row still with an error is rejected by the uploader and changes nothing. Users the file leaves out stay as they are: an upload never removes anyone by omission.",
                        model::plural(p.export_users, "user", "users")
                    )}</p>
                </div>
                <DownloadButton what=Download::Preview label="Download preview CSV" testid="download-preview" primary=false/>
            </div>
            <p class="visually-hidden">{p.sentence()}</p>
            <ul class="preview-totals" aria-hidden="true">
                {totals.into_iter().map(|(label, n, class)| view! {
                    <li class=format!("total {class}")><span class="n">{model::thousands(n)}</span>" "<span class="l">{label}</span></li>
                }).collect_view()}
            </ul>
            <div class="kinds" role="group" aria-label="Show one kind of change">
                <button type="button" class="chip kind" aria-pressed=move || kind().is_none().to_string()
                    data-testid="preview-all" on:click=move |_| select(None)>
                    {format!("All ({})", model::thousands(p.lines()))}
                </button>
                {p.kinds.iter().map(|k| {
                    let name = k.kind.clone();
                    let name2 = k.kind.clone();
                    view! {
                        <button type="button" class=format!("chip kind k-{}", k.kind)
                            data-testid="preview-kind" data-kind=k.kind.clone() data-count=k.count.to_string()
                            aria-pressed=move || (kind().as_deref() == Some(name.as_str())).to_string()
                            on:click=move |_| select(Some(name2.clone()))>
                            {format!("{} ({})", k.label, model::thousands(k.count))}
                        </button>
                    }
                }).collect_view()}
            </div>
            <div class="pager">
                <span class="muted" aria-live="polite" data-testid="preview-range">{range_text}</span>
                <span class="pager-buttons">
                    <button type="button" class="button small" data-testid="preview-prev" disabled=move || !has_prev()
                        on:click=move |_| { let pg = page(); ctx.show_preview(pg.kind, pg.offset.saturating_sub(step)); }>"← Previous"</button>
                    <button type="button" class="button small" data-testid="preview-next" disabled=move || !has_next()
                        on:click=move |_| { let pg = page(); ctx.show_preview(pg.kind, pg.offset + step); }>"Next →"</button>
                </span>
            </div>
            <div class="changes-wrap">
                <table class="changes" data-testid="preview-lines" aria-label="Changes for your users">
                    <thead><tr>
                        <th scope="col">"Row"</th><th scope="col">"User"</th><th scope="col">"Change"</th>
                        <th scope="col">"Column"</th><th scope="col">"Before → after"</th>
                    </tr></thead>
                    <tbody>
                        {move || page().lines.unwrap_or_default().into_iter().map(|l| {
                            let label = stored.with_value(|p| p.label(&l.kind));
                            let user = if l.email.is_empty() { l.id.clone() } else { l.email.clone() };
                            let id = (!l.email.is_empty() && !l.id.is_empty()).then(|| l.id.clone());
                            let conflict = l.kind == "conflict";
                            let rejected = l.kind == "rejected";
                            let values = (!l.before.is_empty() || !l.after.is_empty()).then(|| if rejected {
                                // The errors the corrected file still has on this row.
                                let column = l.column.clone();
                                view! {
                                    <span class="muted small">"Error left: "</span>
                                    {l.after.split(' ').map(|code| view! {
                                        <span class="rejected-code" data-code=code.to_string()>
                                            {model::rule_title(code, column.as_deref())}" "
                                            <code class="small">{code.to_string()}</code>
                                        </span>
                                    }).collect_view()}
                                }.into_any()
                            } else if conflict {
                                // The row's email and its id, which name two different users.
                                view! {
                                    <code class="before">{model::show_invisible(&l.before)}</code>
                                    " and "
                                    <code class="before">{model::show_invisible(&l.after)}</code>
                                    " are two users"
                                }.into_any()
                            } else { view! {
                                <code class="before">{if l.before.is_empty() { "(blank)".to_string() } else { model::show_invisible(&l.before) }}</code>
                                <span aria-hidden="true">" → "</span><span class="visually-hidden">" becomes "</span>
                                <code class="after">{if l.after.is_empty() { "(blank)".to_string() } else { model::show_invisible(&l.after) }}</code>
                            }.into_any() });
                            view! {
                                <tr data-kind=l.kind.clone()>
                                    <td class="num">{l.row.map(model::thousands).unwrap_or_else(|| "—".into())}</td>
                                    <td class="user">{user}{id.map(|id| view! { <span class="muted small">" · "{id}</span> })}</td>
                                    <td><span class=format!("change k-{}", l.kind)>{label}</span></td>
                                    <td class="col">{l.column.clone().unwrap_or_default()}</td>
                                    <td class="values">{values}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(omitted > 0).then(|| view! {
                <p class="muted small">{format!(
                    "The list shows the first {} lines of each kind; {} more are counted above and listed in the preview CSV.",
                    model::thousands(crate::worker::MAX_FINDINGS_PER_CODE as u64),
                    model::thousands(omitted)
                )}</p>
            })}
        </section>
    }
}

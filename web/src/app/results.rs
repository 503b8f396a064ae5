//! The report of a check: the file's facts, what the upload does, the fixes and downloads,
//! and the findings by rule (the grid and the preview are `grid.rs` and `preview.rs`).

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use super::grid::Grid;
use super::preview::PreviewPanel;
use super::{Ctx, ctx, delimiter_name, save, text, unreadable};
use crate::model::{self, Download};
use crate::session::{Downloads, Left};
use crate::view::{FindingGroup, FixKind, ReportView, Sev};

#[component]
pub(super) fn Results() -> impl IntoView {
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
                        {rules.into_iter().map(|r| view! {
                            <tr data-testid="fix-rule" data-code=r.code.clone()>
                                <th scope="row">{model::rule_title(&r.code, None)}" "<span class="code-chip">{r.code.clone()}</span></th>
                                <td>{fix_box(&r.code, r.safe, FixKind::Safe)}</td>
                                <td>{fix_box(&r.code, r.suggested, FixKind::Suggested)}</td>
                            </tr>
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

/// A rule's safe or suggested fixes in the fix table: how many, with the box that applies them
/// (nothing when the rule has none of that kind).
fn fix_box(code: &str, count: u64, kind: FixKind) -> impl IntoView + use<> {
    let ctx = ctx();
    let (testid, one, many) = match kind {
        FixKind::Safe => ("fix-safe", "safe fix", "safe fixes"),
        FixKind::Suggested => ("fix-suggested", "suggested fix", "suggested fixes"),
    };
    let label = format!(
        "Apply the {} of {} ({code})",
        model::plural(count, one, many),
        model::rule_title(code, None)
    );
    let (shown, chosen) = (code.to_string(), code.to_string());
    (count > 0).then(|| {
        view! {
            <label class="check">
                <input type="checkbox" data-testid=testid aria-label=label
                    prop:checked=move || ctx.choices.with(|c| match kind {
                        FixKind::Safe => c.safe(&shown),
                        FixKind::Suggested => c.suggested(&shown),
                    })
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctx.choices.update(|c| match kind {
                            FixKind::Safe => c.set_safe(&chosen, on),
                            FixKind::Suggested => c.set_suggested(&chosen, on),
                        });
                    }
                />
                {format!(" {}", model::thousands(count))}
            </label>
        }
    })
}

#[component]
pub(super) fn DownloadButton(
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
                    on:change=move |_| refilter(ctx, |f| f.toggle(sev))
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
                            refilter(ctx, move |f| f.code = (!v.is_empty()).then_some(v));
                        }>
                            <option value="">"All rules"</option>
                            {rules.into_iter().map(|r| view! { <option value=r.code.clone()>{format!("{} — {} ({})", model::rule_title(&r.code, None), r.code, model::thousands(r.count))}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="select">
                        <span>"Column"</span>
                        <select data-testid="filter-column" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            refilter(ctx, move |f| f.column = (!v.is_empty()).then_some(v));
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

/// Changes the findings filters. The grid's rows are then others, so its selected position no
/// longer names a row ("5 of 0" after a filter that leaves none): the selection goes.
fn refilter(ctx: Ctx, change: impl FnOnce(&mut model::Filters)) {
    ctx.filters.update(change);
    ctx.cursor.set(model::Cursor::default());
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

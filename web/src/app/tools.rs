//! The tools that work without a checked file: known groups, templates, the group glossary.

use leptos::html;
use leptos::prelude::*;

use super::{ctx, first_file, save_text};
use crate::model;
use crate::session::Action;

/// Templates and the group glossary: tools that work without a checked file.
#[component]
pub(super) fn Tools() -> impl IntoView {
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

//! The file's encoding on the page: what the engine read the file as, whether that was a guess,
//! a few values as they read, and a choice of encodings that checks the file again in the one
//! chosen (the engine's `Options::encoding`, as the CLI's `--encoding`).

use crate::view::FileFacts;
use leptos::prelude::*;

/// The words for what the encoding rests on.
pub fn basis_words(basis: &str) -> &'static str {
    match basis {
        "guessed" => "guessed",
        "chosen" => "as you chose",
        _ => "certain",
    }
}

/// "Read as: Japanese (Shift_JIS) — guessed", the names as they read, and the choice.
/// `on_choose` gets the label chosen, or `None` for "detect automatically".
#[component]
pub fn EncodingChoice(
    facts: FileFacts,
    chosen: Option<String>,
    on_choose: Callback<Option<String>>,
) -> impl IntoView {
    let name = if facts.encoding_name.is_empty() {
        facts.encoding.clone()
    } else {
        facts.encoding_name.clone()
    };
    let basis = basis_words(&facts.encoding_basis);
    let guessed = facts.encoding_basis == "guessed";
    let options = orgsync_core::Encoding::all()
        .map(|e| {
            let selected = chosen.as_deref() == Some(e.as_str());
            view! { <option value=e.as_str() selected=selected>{e.name()}</option> }
        })
        .collect_view();
    let preview = facts.encoding_preview.join(", ");
    view! {
        <div
            class="encoding"
            class:guessed=guessed
            data-testid="encoding"
            data-encoding=facts.encoding.clone()
            data-basis=facts.encoding_basis.clone()
        >
            <p>
                <strong>"Read as: "</strong>
                <span data-testid="encoding-name">{name}</span>
                " — "
                <span data-testid="encoding-basis">{basis}</span>
            </p>
            {(!preview.is_empty()).then(|| view! {
                <p class="encoding-preview">
                    "Names as read: "
                    <span lang="" data-testid="encoding-preview">{preview}</span>
                    {guessed.then_some(" — if they look wrong, choose the file's encoding.")}
                </p>
            })}
            <label class="encoding-choice">
                "Read the file as "
                <select
                    data-testid="encoding-choice"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        on_choose.run((!v.is_empty()).then_some(v));
                    }
                >
                    <option value="" selected=chosen.is_none()>"Detect automatically"</option>
                    {options}
                </select>
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::basis_words;

    #[test]
    fn bases_read_as_words() {
        assert_eq!(basis_words("guessed"), "guessed");
        assert_eq!(basis_words("chosen"), "as you chose");
        assert_eq!(basis_words("bom"), "certain");
        assert_eq!(basis_words("utf-8"), "certain");
    }
}

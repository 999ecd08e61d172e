//! A file picker styled as the app's buttons, saying what it picks ("Choose a folder" where a
//! folder is meant); the browser's own input stays underneath for the keyboard and screen
//! readers.

use leptos::ev;
use leptos::prelude::*;

#[component]
pub fn FilePick(
    /// The button's words: "Choose files", "Choose a folder"…
    action: &'static str,
    /// What may be picked, after the button: "(.loam)".
    #[prop(optional)]
    hint: &'static str,
    /// File types offered, as the input's `accept`.
    #[prop(optional)]
    accept: &'static str,
    #[prop(optional)] multiple: bool,
    /// Picks a whole folder (its files, with their paths).
    #[prop(optional)]
    folder: bool,
    #[prop(into)] on_change: Callback<ev::Event>,
) -> impl IntoView {
    view! {
        <label class="file-pick">
            <input type="file" class="file-input" accept=accept multiple=multiple
                prop:webkitdirectory=folder on:change=move |e| on_change.run(e) />
            <span class="file-button">{action}</span>
            {(!hint.is_empty()).then(|| view! { " " <span class="file-hint">{hint}</span> })}
        </label>
    }
}

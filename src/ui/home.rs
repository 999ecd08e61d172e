//! The start page, and the page that opens a note by title (the target of a missing link).

use leptos::prelude::*;

use crate::app::AppState;
use crate::core::route::Route;

#[component]
pub fn Home() -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = move || state.library.with(|l| l.len());
    view! {
        <section class="home">
            <h1>"Welcome to Loam"</h1>
            <p class="lede">
                "Write notes in Markdown, link them with " <code>"[[Title]]"</code>
                ", and everything stays in this browser."
            </p>
            <Show
                when=move || state.loaded.get()
                fallback=|| view! { <p class="muted">"Opening your library…"</p> }
            >
                <p class="muted">
                    {move || match count() {
                        0 => "You have no notes yet.".to_string(),
                        1 => "You have 1 note.".to_string(),
                        n => format!("You have {n} notes."),
                    }}
                </p>
                <button class="primary" on:click=move |_| state.start_new_note()>"Write a note"</button>
            </Show>
        </section>
    }
}

/// Opens the note with this title, creating it first; the history entry is replaced so Back
/// returns to the page that had the link.
#[component]
pub fn OpenByTitle(title: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if !state.loaded.get() {
            return;
        }
        let existing = state
            .library
            .with_untracked(|lib| lib.by_title(&title).map(|n| n.id.clone()));
        let id = match existing {
            Some(id) => id,
            None => match state.create_note(Some(&title)) {
                Ok(id) => {
                    state.editing.set(Some(id.clone()));
                    id
                }
                Err(message) => {
                    error.set(Some(message));
                    return;
                }
            },
        };
        state.replace_route(&Route::Note { id, heading: None });
    });
    view! {
        <section class="home">
            {move || match error.get() {
                Some(message) => view! {
                    <h1>"Cannot create this note"</h1>
                    <p role="alert">{message}</p>
                }.into_any(),
                None => view! { <p class="muted">"Opening…"</p> }.into_any(),
            }}
        </section>
    }
}

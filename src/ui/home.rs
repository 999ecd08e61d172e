//! The start page, and the page that opens a note by title (the target of a missing link).

use leptos::prelude::*;

use super::{dynamic, Show};

use crate::app::AppState;
use crate::core::route::Route;

#[component]
pub fn Home() -> impl IntoView {
    let state = expect_context::<AppState>();
    let recent = move || {
        state.data.library.with(|lib| {
            lib.recent(8)
                .into_iter()
                .map(|n| (n.id.clone(), n.title.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="home">
            <h1>"Welcome to Loam"</h1>
            <p class="lede">
                "Notes in Markdown, linked with " <code>"[[Title]]"</code>
                ". Everything stays in this browser."
            </p>
            <Show
                when=move || state.data.loaded.get()
                fallback=|| view! { <p class="muted">"Opening your library…"</p> }
            >
                <Show
                    when=move || state.data.library.with(|l| !l.is_empty())
                    fallback=move || view! {
                        <p class="muted">"You have no notes yet."</p>
                        <button class="primary" on:click=move |_| state.start_new_note()>
                            "Write your first note"
                        </button>
                    }
                >
                    <Show when=move || state.data.courses.with(|c| !c.is_empty())>
                        <h2>"Your courses"</h2>
                        <ul class="recent">
                            {dynamic(move || state.data.courses.get().into_iter().map(|course| {
                                let href = Route::Course { id: course.id }.to_fragment();
                                view! { <li><a href=href>{course.title}</a></li> }
                            }).collect_view())}
                        </ul>
                    </Show>
                    <h2>"Recently edited"</h2>
                    <ul class="recent">
                        {dynamic(move || recent().into_iter().map(|(id, title)| {
                            let href = Route::Note { id, heading: None }.to_fragment();
                            view! { <li><a href=href>{title}</a></li> }
                        }).collect_view())}
                    </ul>
                </Show>
            </Show>
            <h2>"Writing"</h2>
            <dl class="cheatsheet">
                <dt><code>"[[Title]]"</code></dt>
                <dd>"links to a note; a missing one is created when you follow the link"</dd>
                <dt><code>"[[Title|shown text]]"</code></dt>
                <dd>"shows other words for the link"</dd>
                <dt><code>"[[Title#Heading]]"</code></dt>
                <dd>"goes straight to a heading"</dd>
                <dt><kbd>"Ctrl"</kbd> "+" <kbd>"E"</kbd></dt>
                <dd>"switches a note between reading and editing"</dd>
            </dl>
            <p class="muted">
                "Renaming a note rewrites every link to it. Edits save as you type."
            </p>
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
        if !state.data.loaded.get() {
            return;
        }
        let existing = state
            .data
            .library
            .with_untracked(|lib| lib.by_title(&title).map(|n| n.id.clone()));
        let id = match existing {
            Some(id) => id,
            None => match state.create_note(Some(&title)) {
                Ok(id) => {
                    state.view.editing.set(Some(id.clone()));
                    id
                }
                Err(problem) => {
                    error.set(Some(problem.to_string()));
                    return;
                }
            },
        };
        state.replace_route(&Route::Note { id, heading: None });
    });
    view! {
        <section class="home">
            {dynamic(move || match error.get() {
                Some(message) => view! {
                    <h1>"Cannot create this note"</h1>
                    <p role="alert">{message}</p>
                }.into_any(),
                None => view! { <p class="muted">"Opening…"</p> }.into_any(),
            })}
        </section>
    }
}

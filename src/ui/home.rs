//! The start page, and the page that opens a note by title (the target of a missing link).

use leptos::prelude::*;

use super::{dynamic, Show};

use crate::app::AppState;
use crate::core::note::tree::recent_on_start;
use crate::core::note::NoteId;
use crate::core::route::Route;

#[component]
pub fn Home() -> impl IntoView {
    let state = expect_context::<AppState>();
    let loaded = move || state.data.loaded.get();
    // Until the library is read, the lists the last visit left, where this browser kept them.
    let kept = move || !loaded() && state.view.first_screen.with(Option::is_some);
    let has_notes = move || {
        if loaded() {
            state.data.library.with(|lib| !lib.is_empty())
        } else {
            state
                .view
                .first_screen
                .with(|first| first.as_ref().is_some_and(|f| f.total > 0))
        }
    };
    let recent = move || -> Vec<(NoteId, String)> {
        if loaded() {
            state.data.library.with(recent_on_start)
        } else {
            state
                .view
                .first_screen
                .with(|first| first.as_ref().map(|f| f.recent.clone()).unwrap_or_default())
        }
    };
    // Each course with whether its author published a newer version (known once read).
    let courses = move || -> Vec<(String, String, bool)> {
        if loaded() {
            state.data.courses.with(|courses| {
                courses
                    .iter()
                    .map(|c| {
                        let update = state.view.updates.with(|u| u.contains(&c.id));
                        (c.id.clone(), c.title.clone(), update)
                    })
                    .collect()
            })
        } else {
            state.view.first_screen.with(|first| {
                first
                    .iter()
                    .flat_map(|f| f.courses.iter())
                    .map(|(id, title)| (id.clone(), title.clone(), false))
                    .collect()
            })
        }
    };
    view! {
        // index.html paints this heading and first paragraph before the module arrives: keep
        // the two alike.
        <section class="home">
            <h1>"Welcome to Loam"</h1>
            <p class="lede">
                "Notes in Markdown, linked with " <code>"[[Title]]"</code>
                ". Everything stays in this browser."
            </p>
            <Show
                when=move || loaded() || kept()
                fallback=|| view! { <p class="muted">"Opening your library…"</p> }
            >
                <Show
                    when=has_notes
                    fallback=move || view! {
                        <p class="muted">"You have no notes yet."</p>
                        <button class="primary" on:click=move |_| state.ask_new_note()>
                            "Write your first note"
                        </button>
                    }
                >
                    <Show when=move || !courses().is_empty()>
                        <h2 id="courses-heading">"Your courses"</h2>
                        <ul class="recent" aria-labelledby="courses-heading">
                            {dynamic(move || courses().into_iter().map(|(id, title, update)| {
                                let href = Route::Course { id }.to_fragment();
                                view! {
                                    <li>
                                        <a href=href>{title}</a>
                                        {update.then(|| view! { <span class="muted">" · update published"</span> })}
                                    </li>
                                }
                            }).collect_view())}
                        </ul>
                    </Show>
                    <h2>"Recently edited"</h2>
                    <ul class="recent">
                        {dynamic(move || recent().into_iter().map(|(id, title)| {
                            let href = Route::Note { id: id.to_string(), heading: None }.to_fragment();
                            view! { <li><a href=href>{title}</a></li> }
                        }).collect_view())}
                    </ul>
                </Show>
                <Show when=move || !loaded()>
                    <p class="muted">"Opening your library…"</p>
                </Show>
            </Show>
            // The help comes with the library: the lines above change height as it opens, and
            // nothing below them then moves.
            <Show when=move || state.data.loaded.get()>
                <h2>"Writing"</h2>
                <dl class="cheatsheet">
                    <dt><code>"[[Title]]"</code></dt>
                    <dd>"links to a note; a missing one is created when you follow the link"</dd>
                    <dt><code>"[[Title|shown text]]"</code></dt>
                    <dd>"shows other words for the link"</dd>
                    <dt><code>"[[Title#Heading]]"</code></dt>
                    <dd>"goes straight to a heading"</dd>
                    <dt><code>"#tag"</code></dt>
                    <dd>"tags a note; a tag lists every note that carries it"</dd>
                    <dt><code>"$x^2$"</code> " " <code>"$$…$$"</code></dt>
                    <dd>"maths, inline or as a block"</dd>
                </dl>
                <h2>"Cards"</h2>
                <p>"Write cards anywhere in a note; they join your reviews."</p>
                <dl class="cheatsheet">
                    <dt><code>"Question :: Answer"</code></dt>
                    <dd>"a card (spaces around the separator)"</dd>
                    <dt><code>"Word ::: Meaning"</code></dt>
                    <dd>"a card asked both ways"</dd>
                    <dt><code>"?"</code></dt>
                    <dd>"alone on a line, between question lines and answer lines: a card of several lines, ended by a blank line"</dd>
                    <dt><code>"Paris is the capital of {{c1::France}}"</code></dt>
                    <dd>"a cloze: the hidden part is asked"</dd>
                    <dt><code>"The ==mitochondria== make energy"</code></dt>
                    <dd>"a highlight is asked as a cloze too"</dd>
                    <dt><code>"Question :: Answer ^name"</code></dt>
                    <dd>"names a card, so " <code>"[[Title#^name]]"</code> " links to it"</dd>
                    <dt><code>"#flashcards"</code></dt>
                    <dd>"in a note, lets " <code>"Question::Answer"</code> " go without spaces"</dd>
                </dl>
                <h2>"Keys"</h2>
                <dl class="cheatsheet">
                    <dt><kbd>"Ctrl"</kbd> "+" <kbd>"K"</kbd></dt>
                    <dd>"finds a note by title (" <kbd>"⌘"</kbd> "+" <kbd>"K"</kbd> " on a Mac)"</dd>
                    <dt><kbd>"Ctrl"</kbd> "+" <kbd>"E"</kbd></dt>
                    <dd>"switches a note between reading and editing"</dd>
                    <dt><kbd>"Space"</kbd> ", then " <kbd>"1"</kbd> "–" <kbd>"4"</kbd></dt>
                    <dd>"in review: shows the answer, then rates it (Again, Hard, Good, Easy)"</dd>
                </dl>
                <p class="muted">
                    "Renaming a note rewrites every link to it. Edits save as you type."
                </p>
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
        state.replace_route(&Route::Note {
            id: id.to_string(),
            heading: None,
        });
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

//! The list of notes, most recently edited first, with the "New note" button.

use leptos::prelude::*;

use super::{dynamic, Show};

use crate::app::AppState;
use crate::core::route::Route;

/// Notes listed before "Show more"; search and the quick switcher reach every note.
const SHOWN_AT_FIRST: usize = 200;

#[component]
pub fn Sidebar() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Read in place, never cloned: an import's address carries the whole bundle.
    let current_id = Memo::new(move |_| {
        state.view.route.with(|route| match route {
            Route::Note { id, .. } => Some(id.clone()),
            _ => None,
        })
    });
    let at = move |page: Route| state.view.route.with(|route| *route == page);
    // Cards waiting now; refreshed whenever the deck or the page changes.
    let due_count = move || {
        state.view.route.track();
        state.waiting(crate::app::now())
    };
    // A large library lists its most recent notes first and the rest on request: thousands of
    // links would make every edit re-order and every layout walk them all.
    let shown = RwSignal::new(SHOWN_AT_FIRST);
    let entries = Memo::new(move |_| {
        state.data.library.with(|lib| {
            lib.recent(shown.get())
                .into_iter()
                .map(|n| (n.id.clone(), n.title.clone()))
                .collect::<Vec<_>>()
        })
    });
    let hidden = move || {
        state
            .data
            .library
            .with(|lib| lib.len())
            .saturating_sub(shown.get())
    };

    view! {
        <aside class="sidebar" id="sidebar">
            <a class="brand sidebar-brand" href="#/">"Loam"</a>
            <crate::ui::search::SearchBox />
            <nav aria-label="Study" class="study-nav">
                <a href="#/review" class:current=move || state.view.route.with(|r| matches!(r, Route::Review(_)))>
                    "Review"
                    {dynamic(move || match due_count() {
                        0 => None,
                        n => Some(view! {
                            <span
                                class="due-count"
                                aria-label=if n == 1 { "1 card to review".to_string() } else { format!("{n} cards to review") }
                            >
                                {n}
                            </span>
                        }),
                    })}
                </a>
                <a href="#/stats" class:current=move || at(Route::Stats)>"Statistics"</a>
                <a href="#/settings" class:current=move || at(Route::Settings)>"Settings"</a>
                <a href="#/import" class:current=move || at(Route::Import { payload: String::new() })>
                    "Open a shared file"
                </a>
                <a href="#/import-export" class:current=move || at(Route::ImportExport)>
                    "Import and export"
                </a>
            </nav>
            <nav aria-label="Notes">
                // Until the library is read, a new note would be lost when it arrives.
                <button
                    class="new-note"
                    disabled=move || !state.data.loaded.get()
                    on:click=move |_| state.start_new_note()
                >
                    "New note"
                </button>
                <ul class="note-list">
                    <For
                        each=move || entries.get()
                        key=|entry| entry.clone()
                        children=move |(id, title)| {
                            let href = Route::Note { id: id.to_string(), heading: None }.to_fragment();
                            let current = {
                                let id = id.clone();
                                move || current_id.with(|c| c.as_deref() == Some(id.as_str()))
                            };
                            view! {
                                <li>
                                    <a
                                        href=href
                                        class:current=current.clone()
                                        aria-current=move || current().then_some("page")
                                    >
                                        {title}
                                    </a>
                                </li>
                            }
                        }
                    />
                </ul>
                <Show when=move || hidden() != 0>
                    <button class="show-more" on:click=move |_| shown.update(|n| *n += SHOWN_AT_FIRST)>
                        {move || format!("Show more ({} not listed)", hidden())}
                    </button>
                </Show>
                <Show when=move || state.data.loaded.get() && state.data.library.with(|l| l.is_empty())>
                    <p class="sidebar-empty">"No notes yet."</p>
                </Show>
            </nav>
        </aside>
    }
}

//! Full-text search: the box in the sidebar with the top results as you type, and the search
//! page with every result. Matches are highlighted; Enter in the box opens the page.

use std::ops::Range;

use leptos::ev;
use leptos::prelude::*;

use super::{dynamic, Show};

use crate::app::AppState;
use crate::core::highlight::segments;
use crate::core::route::Route;
use crate::core::search::Hit;

/// Results shown under the sidebar box.
const QUICK_RESULTS: usize = 8;
/// Results on the search page.
const PAGE_RESULTS: usize = 100;

/// Text with its highlighted ranges in `<mark>`.
pub fn marked(text: &str, ranges: &[Range<usize>]) -> impl IntoView {
    segments(text, ranges)
        .into_iter()
        .map(|(piece, hit)| {
            let piece = piece.to_string();
            if hit {
                view! { <mark>{piece}</mark> }.into_any()
            } else {
                piece.into_any()
            }
        })
        .collect_view()
}

/// One result: the title (a link) and the snippet, both highlighted.
fn result_item(hit: Hit, title: String) -> impl IntoView {
    let href = Route::Note {
        id: hit.note_id,
        heading: None,
    }
    .to_fragment();
    view! {
        <li class="search-hit">
            <a href=href class="search-title">{marked(&title, &hit.title_ranges)}</a>
            {(!hit.snippet.text.is_empty()).then(|| view! {
                <p class="search-snippet">{marked(&hit.snippet.text, &hit.snippet.ranges)}</p>
            })}
        </li>
    }
}

fn titled(state: AppState, hits: Vec<Hit>) -> Vec<(Hit, String)> {
    state.library.with_untracked(|lib| {
        hits.into_iter()
            .filter_map(|hit| {
                let title = lib.get(&hit.note_id)?.title.clone();
                Some((hit, title))
            })
            .collect()
    })
}

/// The sidebar's search box.
#[component]
pub fn SearchBox() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = RwSignal::new(String::new());
    let results = Memo::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        state.library.track();
        titled(state, state.search(&q, QUICK_RESULTS))
            .into_iter()
            .map(|(hit, title)| (hit.note_id.clone(), hit, title))
            .collect::<Vec<_>>()
    });
    // Following a result (or any navigation) clears the box.
    Effect::new(move |previous: Option<()>| {
        state.route.track();
        if previous.is_some() {
            query.set(String::new());
        }
    });
    let on_key = move |e: ev::KeyboardEvent| match e.key().as_str() {
        "Enter" => {
            e.prevent_default();
            let q = query.get_untracked();
            if !q.trim().is_empty() {
                state.navigate(&Route::Search { query: q });
            }
        }
        "Escape" => query.set(String::new()),
        _ => {}
    };
    view! {
        <div class="search-box" role="search">
            <input
                type="search"
                aria-label="Search notes"
                placeholder="Search"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |e| query.set(event_target_value(&e))
                on:keydown=on_key
            />
            <Show when=move || !query.with(|q| q.trim().is_empty())>
                <div class="search-quick" aria-live="polite">
                    {dynamic(move || {
                        let hits = results.get();
                        if hits.is_empty() {
                            return view! { <p class="muted">"No notes match."</p> }.into_any();
                        }
                        view! {
                            <ul class="search-results" aria-label="Search results">
                                {hits.into_iter().map(|(_, hit, title)| result_item(hit, title)).collect_view()}
                            </ul>
                            <a class="search-all" href=move || Route::Search { query: query.get() }.to_fragment()>
                                "All results"
                            </a>
                        }.into_any()
                    })}
                </div>
            </Show>
        </div>
    }
}

/// The search page: every result for the query in the address.
#[component]
pub fn SearchPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let typed = RwSignal::new(match state.route.get_untracked() {
        Route::Search { query } => query,
        _ => String::new(),
    });
    // A search started elsewhere (the sidebar box) while this page is open takes over.
    Effect::new(move |_| {
        if let Route::Search { query } = state.route.get() {
            if query != typed.get_untracked() {
                typed.set(query);
            }
        }
    });
    let hits = Memo::new(move |_| {
        let q = typed.get();
        state.library.track();
        titled(state, state.search(&q, PAGE_RESULTS))
            .into_iter()
            .map(|(hit, title)| (hit.note_id.clone(), hit, title))
            .collect::<Vec<_>>()
    });
    // Keep the address in step with the query without adding history entries per keystroke.
    Effect::new(move |_| {
        let q = typed.get();
        state.replace_route(&Route::Search { query: q });
    });
    view! {
        <section class="search-page" aria-labelledby="search-heading">
            <h1 id="search-heading">"Search"</h1>
            <input
                class="search-page-input"
                type="search"
                aria-label="Search all notes"
                autocomplete="off"
                prop:value=move || typed.get()
                on:input=move |e| typed.set(event_target_value(&e))
            />
            <p class="muted" aria-live="polite">
                {dynamic(move || {
                    let n = hits.with(Vec::len);
                    match (typed.with(|q| q.trim().is_empty()), n) {
                        (true, _) => "Type words to search titles and text.".to_string(),
                        (false, 0) => "No notes match.".to_string(),
                        (false, 1) => "1 note".to_string(),
                        (false, n) if n >= PAGE_RESULTS => format!("The best {n} notes"),
                        (false, n) => format!("{n} notes"),
                    }
                })}
            </p>
            <ul class="search-results" aria-label="Search results">
                {dynamic(move || hits.get().into_iter().map(|(_, hit, title)| result_item(hit, title)).collect_view())}
            </ul>
        </section>
    }
}

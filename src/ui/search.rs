//! Full-text search: the box in the sidebar with the top results as you type, and the search
//! page with every result. Matches are highlighted; Enter in the box opens the page.

use std::ops::Range;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use super::dynamic;

use crate::app::AppState;
use crate::core::route::Route;
use crate::core::search::highlight::{hits_html, segments};
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

/// The sidebar's search box. Its results are drawn straight from the input event as one piece
/// of HTML: a signal, effects and a view per result took longer than the search itself.
#[component]
pub fn SearchBox() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = NodeRef::<html::Input>::new();
    let quick = NodeRef::<html::Div>::new();
    let query = move || input.get_untracked().map(|i| i.value()).unwrap_or_default();
    // The best results for what the box holds, or nothing while it is blank.
    let show = move || {
        let Some(quick) = quick.get_untracked() else {
            return;
        };
        let q = query();
        let blank = q.trim().is_empty();
        quick.set_hidden(blank);
        quick.set_inner_html(&if blank {
            String::new()
        } else {
            quick_results_html(&q, &state.search(&q, QUICK_RESULTS))
        });
    };
    let clear = move || {
        if let Some(input) = input.get_untracked() {
            input.set_value("");
        }
        show();
    };
    // A note saved, renamed or deleted: show what the box finds now.
    Effect::new(move |_| {
        state.view.search_version.track();
        show();
    });
    // Following a result (or any navigation) clears the box.
    Effect::new(move |previous: Option<()>| {
        state.view.route.track();
        if previous.is_some() {
            clear();
        }
    });
    let on_key = move |e: ev::KeyboardEvent| match e.key().as_str() {
        "Enter" => {
            e.prevent_default();
            let q = query();
            if !q.trim().is_empty() {
                state.navigate(&Route::Search { query: q });
            }
        }
        "Escape" => clear(),
        // Down from the box goes into the results.
        "ArrowDown" => {
            if let Some(quick) = quick.get_untracked() {
                if focus_link(&quick, 0) {
                    e.prevent_default();
                }
            }
        }
        _ => {}
    };
    // Up and down move through the results; up from the first, or Escape, returns to the box.
    let on_results_key = move |e: ev::KeyboardEvent| {
        let (Some(quick), Some(input)) = (quick.get_untracked(), input.get_untracked()) else {
            return;
        };
        let at = focused_link(&quick);
        match (e.key().as_str(), at) {
            ("ArrowDown", Some(i)) => {
                e.prevent_default();
                focus_link(&quick, i + 1);
            }
            ("ArrowUp", Some(0)) => {
                e.prevent_default();
                let _ = input.focus();
            }
            ("ArrowUp", Some(i)) => {
                e.prevent_default();
                focus_link(&quick, i - 1);
            }
            ("Escape", _) => {
                let _ = input.focus();
                clear();
            }
            _ => {}
        }
    };
    view! {
        <div class="search-box" role="search">
            <input
                node_ref=input
                type="search"
                aria-label="Search notes"
                placeholder="Search"
                autocomplete="off"
                on:input=move |_| show()
                on:keydown=on_key
            />
            <div class="search-quick" aria-live="polite" hidden node_ref=quick on:keydown=on_results_key></div>
        </div>
    }
}

/// The links among the box's results (each note, then "All results").
fn result_links(quick: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let links = quick.get_elements_by_tag_name("a");
    (0..links.length())
        .filter_map(|i| links.item(i)?.dyn_into().ok())
        .collect()
}

/// Focuses the `index`th result link; whether there is one.
fn focus_link(quick: &web_sys::HtmlElement, index: usize) -> bool {
    result_links(quick)
        .get(index)
        .is_some_and(|link| link.focus().is_ok())
}

/// Which result link has the focus, if one does.
fn focused_link(quick: &web_sys::HtmlElement) -> Option<usize> {
    let active = document().active_element()?;
    result_links(quick)
        .iter()
        .position(|link| link.is_same_node(Some(&active)))
}

/// The box's results and a link to all of them on the search page, or a line saying none match.
fn quick_results_html(query: &str, hits: &[Hit]) -> String {
    if hits.is_empty() {
        return r#"<p class="muted">No notes match.</p>"#.to_string();
    }
    // The address is percent-encoded, so it is safe in an attribute as it is.
    let all = Route::Search {
        query: query.to_string(),
    }
    .to_fragment();
    format!(
        r#"<ul class="search-results" aria-label="Search results">{}</ul><a class="search-all" href="{all}">All results</a>"#,
        hits_html(hits)
    )
}

/// The search page: every result for the query in the address.
#[component]
pub fn SearchPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let typed = RwSignal::new(match state.view.route.get_untracked() {
        Route::Search { query } => query,
        _ => String::new(),
    });
    // A search started elsewhere (the sidebar box) while this page is open takes over.
    Effect::new(move |_| {
        let query = state.view.route.with(|route| match route {
            Route::Search { query } => Some(query.clone()),
            _ => None,
        });
        if let Some(query) = query {
            if query != typed.get_untracked() {
                typed.set(query);
            }
        }
    });
    // How many notes match, and the results list's HTML.
    let results = Memo::new(move |_| {
        let q = typed.get();
        state.data.library.track();
        let hits = state.search(&q, PAGE_RESULTS);
        (hits.len(), hits_html(&hits))
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
                    let n = results.with(|(n, _)| *n);
                    match (typed.with(|q| q.trim().is_empty()), n) {
                        (true, _) => "Type words to search titles and text.".to_string(),
                        (false, 0) => "No notes match.".to_string(),
                        (false, 1) => "1 note".to_string(),
                        (false, n) if n >= PAGE_RESULTS => format!("The best {n} notes"),
                        (false, n) => format!("{n} notes"),
                    }
                })}
            </p>
            <ul
                class="search-results"
                aria-label="Search results"
                inner_html=move || results.with(|(_, html)| html.clone())
            ></ul>
        </section>
    }
}

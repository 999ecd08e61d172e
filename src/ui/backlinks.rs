//! Linked mentions: the other notes that link here, each with the lines that do.

use leptos::prelude::*;

use super::{dynamic, Show};

use crate::app::AppState;
use crate::core::route::Route;

#[component]
pub fn Backlinks(id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let backlinks = Memo::new(move |_| state.data.library.with(|lib| lib.backlinks(&id)));
    // Just after start the notes' links may still be being read.
    let ready = Memo::new(move |_| state.data.library.with(|lib| lib.links_ready()));
    view! {
        <section class="backlinks" aria-labelledby="backlinks-heading">
            <h2 id="backlinks-heading">"Linked mentions"</h2>
            <Show
                when=move || backlinks.with(|b| !b.is_empty())
                fallback=move || {
                    view! {
                        <p class="muted">
                            {move || if ready.get() {
                                "No other notes link here yet."
                            } else {
                                "Looking for notes that link here…"
                            }}
                        </p>
                    }
                }
            >
                <ul>
                    {dynamic(move || backlinks.get().into_iter().map(|b| {
                        let href = Route::Note { id: b.source.to_string(), heading: None }.to_fragment();
                        view! {
                            <li>
                                <a href=href>{b.title}</a>
                                {b.contexts.into_iter().map(|line| view! { <p class="context">{line}</p> }).collect_view()}
                            </li>
                        }
                    }).collect_view())}
                </ul>
            </Show>
        </section>
    }
}

//! The quick switcher (Ctrl/Cmd+K): type part of a title, move with the arrow keys, Enter opens
//! the note; when nothing matches, Enter creates a note with that title. A combobox with a
//! listbox, so screen readers follow the active option.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use super::dynamic;

use crate::app::AppState;
use crate::core::route::Route;
use crate::ui::search::marked;

const SUGGESTIONS: usize = 12;

#[component]
pub fn Switcher(on_close: Callback<()>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<html::Input>::new();
    let suggestions = Memo::new(move |_| state.switcher_suggestions(&query.get(), SUGGESTIONS));
    // The last option creates a note when the query names no existing one exactly.
    let offers_create = move || {
        let q = query.get();
        let q = q.trim();
        !q.is_empty() && state.data.library.with(|lib| lib.by_title(q).is_none())
    };
    let option_count = move || suggestions.with(Vec::len) + usize::from(offers_create());
    // Closing without choosing gives the focus back to where it was, as a dialog should.
    let before = document()
        .active_element()
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
    let chosen = Arc::new(AtomicBool::new(false));
    let closed_by_choice = chosen.clone();
    let chosen = StoredValue::new(chosen);
    on_cleanup(move || {
        if !closed_by_choice.load(Ordering::Relaxed) {
            if let Some(el) = &before {
                let _ = el.focus();
            }
        }
    });
    request_animation_frame(move || {
        if let Some(el) = input.try_get_untracked().flatten() {
            let _ = el.focus();
        }
    });

    let choose = move |index: usize| {
        let list = suggestions.get_untracked();
        chosen.with_value(|flag| flag.store(true, Ordering::Relaxed));
        if let Some(s) = list.get(index) {
            state.navigate(&Route::Note {
                id: s.id.clone(),
                heading: None,
            });
            on_close.run(());
        } else if untrack(offers_create) {
            let title = query.get_untracked().trim().to_string();
            state.navigate(&Route::NewNote { title });
            on_close.run(());
        }
    };
    let on_key = move |e: ev::KeyboardEvent| {
        let count = option_count();
        match e.key().as_str() {
            "ArrowDown" if count > 0 => {
                e.prevent_default();
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                e.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" => {
                e.prevent_default();
                choose(active.get_untracked());
            }
            "Escape" => {
                e.prevent_default();
                on_close.run(());
            }
            _ => {}
        }
    };

    view! {
        <div class="backdrop" on:click=move |_| on_close.run(())></div>
        <div class="dialog switcher" role="dialog" aria-modal="true" aria-label="Quick switcher">
            <input
                node_ref=input
                type="text"
                role="combobox"
                aria-label="Go to note"
                aria-expanded=move || (option_count() > 0).to_string()
                aria-controls="switcher-options"
                aria-autocomplete="list"
                aria-activedescendant=move || (option_count() > 0).then(|| format!("switcher-option-{}", active.get()))
                placeholder="Go to a note…"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |e| {
                    query.set(event_target_value(&e));
                    active.set(0);
                }
                on:keydown=on_key
            />
            <ul id="switcher-options" role="listbox" aria-label="Notes">
                {dynamic(move || {
                    let list = suggestions.get();
                    let count = list.len();
                    let mut items = list
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            view! {
                                <li
                                    id=format!("switcher-option-{i}")
                                    role="option"
                                    aria-selected=move || (active.get() == i).to_string()
                                    class:active=move || active.get() == i
                                    on:mousedown=move |e| {
                                        e.prevent_default();
                                        choose(i);
                                    }
                                >
                                    {marked(&s.title, &s.ranges)}
                                </li>
                            }
                            .into_any()
                        })
                        .collect::<Vec<_>>();
                    if offers_create() {
                        let title = query.get().trim().to_string();
                        items.push(
                            view! {
                                <li
                                    id=format!("switcher-option-{count}")
                                    role="option"
                                    class="create"
                                    aria-selected=move || (active.get() == count).to_string()
                                    class:active=move || active.get() == count
                                    on:mousedown=move |e| {
                                        e.prevent_default();
                                        choose(count);
                                    }
                                >
                                    {format!("Create note “{title}”")}
                                </li>
                            }
                            .into_any(),
                        );
                    }
                    items
                })}
            </ul>
            <p class="hint">
                <kbd>"↑"</kbd> <kbd>"↓"</kbd> " choose · " <kbd>"Enter"</kbd> " open · "
                <kbd>"Esc"</kbd> " close"
            </p>
        </div>
    }
}

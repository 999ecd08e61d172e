//! The editor: the title field (renames on Enter or leaving it) and the Markdown text.

use std::rc::Rc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use super::text;

use crate::app::AppState;

#[component]
pub fn Editor(id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    // Handlers can still fire while the editor is being removed (blur, a pending frame), when
    // reactive values owned by it are gone: they hold a plain id and use the `try_` accessors.
    let id: Rc<str> = Rc::from(id);
    let note = {
        let id = id.clone();
        move || {
            state
                .data
                .library
                .with_untracked(|lib| lib.get(&id).map(|n| (n.title.clone(), n.body.clone())))
        }
    };
    let (initial_title, initial_body) = note().unwrap_or_default();
    let text_area = NodeRef::<html::Textarea>::new();
    // Text that changed from elsewhere (another tab, a rename's link rewrite) replaces what is
    // shown; what the user types is already in the library, so it never differs for that.
    Effect::new({
        let id = id.clone();
        move |_| {
            let body = state
                .data
                .library
                .with(|lib| lib.get(&id).map(|n| n.body.clone()));
            if let (Some(body), Some(area)) = (body, text_area.try_get_untracked().flatten()) {
                if area.value() != body {
                    area.set_value(&body);
                }
            }
        }
    });
    let title_input = NodeRef::<html::Input>::new();
    let title_error = RwSignal::new(None::<String>);

    let commit_title = {
        let id = id.clone();
        let note = note.clone();
        move || {
            let Some(input) = title_input.try_get_untracked().flatten() else {
                return;
            };
            let typed = input.value();
            let Some((current, _)) = note() else {
                return;
            };
            if current == typed.trim() {
                title_error.set(None);
                return;
            }
            match state.rename(&id, &typed) {
                Ok(()) => {
                    title_error.set(None);
                    // The rename may have rewritten links to itself in this very text.
                    if let Some((title, body)) = note() {
                        input.set_value(&title);
                        if let Some(area) = text_area.try_get_untracked().flatten() {
                            if area.value() != body {
                                area.set_value(&body);
                            }
                        }
                    }
                }
                Err(problem) => title_error.set(Some(problem.to_string())),
            }
        }
    };
    let on_title_key = {
        let commit_title = commit_title.clone();
        move |e: ev::KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                commit_title();
                if title_error.try_get_untracked().flatten().is_none() {
                    if let Some(area) = text_area.try_get_untracked().flatten() {
                        let _ = area.focus();
                    }
                }
            }
            "Escape" => {
                if let (Some(input), Some((title, _))) =
                    (title_input.try_get_untracked().flatten(), note())
                {
                    input.set_value(&title);
                    title_error.set(None);
                }
            }
            _ => {}
        }
    };
    let on_text_input = {
        let id = id.clone();
        move |e: ev::Event| state.edit_body(&id, &event_target_value(&e))
    };

    // Put the cursor where the user will type: the title of a new note, else the text.
    let focus_title = state.view.focus_title.get_untracked();
    state.view.focus_title.set(false);
    request_animation_frame(move || {
        // Someone already typing in a field keeps their place.
        let busy = document()
            .active_element()
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if busy {
            return;
        }
        if focus_title {
            if let Some(input) = title_input.try_get_untracked().flatten() {
                let _ = input.focus();
                input.select();
            }
        } else if let Some(area) = text_area.try_get_untracked().flatten() {
            let _ = area.focus();
        }
    });

    view! {
        <div class="editor">
            <label class="visually-hidden" for="note-title">"Title"</label>
            <input
                id="note-title"
                class="title-input"
                node_ref=title_input
                type="text"
                autocomplete="off"
                spellcheck="false"
                prop:value=initial_title
                aria-invalid=move || title_error.get().is_some().to_string()
                aria-describedby="title-error"
                on:keydown=on_title_key
                on:change=move |_| commit_title()
            />
            <p id="title-error" class="field-error" role="alert">
                {text(move || title_error.get().unwrap_or_default())}
            </p>
            <label class="visually-hidden" for="note-text">"Note text"</label>
            <textarea
                id="note-text"
                class="text-input"
                node_ref=text_area
                spellcheck="true"
                placeholder="Write in Markdown. Link other notes with [[Title]]."
                prop:value=initial_body
                on:input=on_text_input
                on:blur=move |_| state.flush()
            ></textarea>
            <p class="hint">
                "Markdown with tables, task lists and ~~strikethrough~~. "
                <kbd>"Ctrl"</kbd> "+" <kbd>"E"</kbd> " switches between editing and reading."
            </p>
        </div>
    }
}

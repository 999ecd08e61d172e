//! The editor: the title field (renames on Enter or leaving it) and the Markdown text, which
//! suggests titles, headings, card anchors and tags while a link or tag is being written.

use std::rc::Rc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use super::caret::below_caret;
use super::colours::Colours;
use super::file_pick::FilePick;
use super::text;

use crate::app::AppState;
use crate::core::editor::suggest::{pick, suggestion_at, Suggesting};
use crate::core::editor::{byte_at_utf16, utf16_at_byte, with_embeds};

/// Suggestions shown at once.
const SUGGESTIONS: usize = 8;

/// The open suggestion list: where it applies, what it offers, which one is chosen, and where
/// it is drawn (left, top) inside the editor.
#[derive(Clone)]
struct Offer {
    at: Suggesting,
    choices: Vec<String>,
    active: usize,
    place: (f64, f64),
}

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
    let colours = Colours::new();
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
                let shown = area.value();
                if shown != body {
                    // While the learner writes, the caret keeps its place in the text around
                    // the change; otherwise the browser puts it at the end, as when opened.
                    let focused = document().active_element().is_some_and(|e| {
                        let area: &web_sys::Element = area.as_ref();
                        e == *area
                    });
                    let caret = focused
                        .then(|| area.selection_start().ok().flatten())
                        .flatten();
                    area.set_value(&body);
                    if let Some(caret) = caret {
                        let caret = crate::core::editor::caret_through(&shown, &body, caret);
                        let _ = area.set_selection_range(caret, caret);
                    }
                }
                colours.show(&body);
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
    let offer = RwSignal::new(None::<Offer>);
    // The library's tags, read when a tag is first being typed and kept while the list is open.
    let tags = StoredValue::new(None::<Vec<String>>);
    // Reads what the caret is writing in `value` and offers what fits, or closes the list.
    let refresh_offer = move |value: &str| {
        let Some(area) = text_area.try_get_untracked().flatten() else {
            return;
        };
        let caret = area.selection_start().ok().flatten().unwrap_or(0);
        let at = (area.selection_end().ok().flatten() == Some(caret))
            .then(|| suggestion_at(value, byte_at_utf16(value, caret)))
            .flatten();
        let next = at.and_then(|at| {
            let mut cached = tags.try_get_value().flatten();
            let choices = state.editor_suggestions(&at, SUGGESTIONS, &mut cached);
            tags.try_set_value(cached);
            if choices.is_empty() {
                return None;
            }
            let start = utf16_at_byte(value, at.replace.start.saturating_sub(1));
            let (left, top) = below_caret(&area, start).unwrap_or((0.0, 0.0));
            Some(Offer {
                at,
                choices,
                active: 0,
                place: (
                    // Kept inside the text box on a narrow screen (the list is about 15rem).
                    left.min(f64::from(area.client_width()) - 240.0).max(0.0)
                        + f64::from(area.offset_left()),
                    top + f64::from(area.offset_top()),
                ),
            })
        });
        if next.is_none() {
            tags.try_set_value(None);
        }
        offer.try_set(next);
    };
    // Held as a plain stored string so the list's views, which must be `Send`, can pick.
    let note_id = StoredValue::new(id.to_string());
    let take_offer = move |index: usize| {
        let (Some(area), Some(Some(open)), Some(id)) = (
            text_area.try_get_untracked().flatten(),
            offer.try_get_untracked(),
            note_id.try_get_value(),
        ) else {
            return;
        };
        let Some(choice) = open.choices.get(index) else {
            return;
        };
        let value = area.value();
        let (text, caret) = pick(&value, &open.at, choice);
        area.set_value(&text);
        let caret = utf16_at_byte(&text, caret);
        let _ = area.set_selection_range(caret, caret);
        offer.try_set(None);
        state.edit_body(&id, &text);
    };
    let on_text_input = {
        let id = id.clone();
        move |e: ev::Event| {
            let value = event_target_value(&e);
            state.edit_body(&id, &value);
            colours.show(&value);
            refresh_offer(&value);
        }
    };
    let on_text_key = {
        move |e: ev::KeyboardEvent| {
            let Some(Some(open)) = offer.try_get_untracked() else {
                return;
            };
            let count = open.choices.len();
            let step = |by: usize| {
                offer.update(|o| {
                    if let Some(o) = o {
                        o.active = (o.active + by) % count;
                    }
                })
            };
            match e.key().as_str() {
                "ArrowDown" => step(1),
                "ArrowUp" => step(count - 1),
                "Enter" | "Tab" => take_offer(open.active),
                "Escape" => offer.set(None),
                _ => return,
            }
            e.prevent_default();
        }
    };

    // Files pasted, dropped or picked are stored, then embedded where the caret is.
    let attach_status = RwSignal::new(None::<String>);
    let attach_files = move |picked: Vec<web_sys::File>, pasted: bool| {
        let Some(id) = note_id.try_get_value() else {
            return;
        };
        if picked.is_empty() {
            return;
        }
        attach_status.set(Some("Attaching…".to_string()));
        leptos::task::spawn_local(async move {
            let said = match state.attach(picked, pasted).await {
                Ok(attached) => {
                    if let (false, Some(area)) = (
                        attached.names.is_empty(),
                        text_area.try_get_untracked().flatten(),
                    ) {
                        let value = area.value();
                        let caret = |at: Option<u32>| byte_at_utf16(&value, at.unwrap_or(0));
                        let start = caret(area.selection_start().ok().flatten());
                        let end = caret(area.selection_end().ok().flatten());
                        let (text, at) = with_embeds(&value, start, end, &attached.names);
                        area.set_value(&text);
                        let at = utf16_at_byte(&text, at);
                        let _ = area.set_selection_range(at, at);
                        state.edit_body(&id, &text);
                        colours.show(&text);
                    }
                    let mut said = match attached.names.len() {
                        0 => Vec::new(),
                        1 => vec![format!("Attached {}.", attached.names[0])],
                        n => vec![format!("Attached {n} files.")],
                    };
                    said.extend(attached.refused);
                    said.join(" ")
                }
                Err(problem) => format!("Not attached: {problem}"),
            };
            attach_status.try_set(Some(said));
        });
    };
    let files_of = |list: Option<web_sys::FileList>| -> Vec<web_sys::File> {
        list.map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default()
    };
    let on_paste = move |e: ev::ClipboardEvent| {
        let picked = files_of(e.clipboard_data().and_then(|d| d.files()));
        if !picked.is_empty() {
            e.prevent_default();
            attach_files(picked, true);
        }
    };
    let carries_files = |e: &ev::DragEvent| {
        e.data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    let on_drop = move |e: ev::DragEvent| {
        if carries_files(&e) {
            e.prevent_default();
            attach_files(files_of(e.data_transfer().and_then(|d| d.files())), false);
        }
    };

    // Put the cursor where the user will type: the title of a new note, else the text.
    let focus_title = state.view.focus_title.get_untracked();
    state.view.focus_title.set(false);
    request_animation_frame(move || {
        // Someone already typing in a field keeps their place.
        if super::typing_in_field() {
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
            <div class="text-frame">
            <div class="text-colours" aria-hidden="true" node_ref=colours.layer></div>
            <textarea
                id="note-text"
                class="text-input"
                node_ref=text_area
                spellcheck="true"
                placeholder="Write in Markdown. Link other notes with [[Title]]."
                aria-autocomplete="list"
                aria-controls="note-suggestions"
                aria-activedescendant=move || {
                    offer.get().map(|o| format!("suggestion-{}", o.active))
                }
                prop:value=initial_body
                on:input=on_text_input
                on:keydown=on_text_key
                on:paste=on_paste
                on:dragover=move |e: ev::DragEvent| {
                    if carries_files(&e) {
                        e.prevent_default();
                    }
                }
                on:drop=on_drop
                on:scroll=move |_| {
                    if let Some(area) = text_area.try_get_untracked().flatten() {
                        colours.follow(&area);
                    }
                }
                on:click=move |_| {
                    if let Some(area) = text_area.try_get_untracked().flatten() {
                        refresh_offer(&area.value());
                    }
                }
                on:blur=move |_| {
                    offer.try_set(None);
                    state.flush();
                }
            ></textarea>
            <ul
                id="note-suggestions"
                class="suggestions"
                role="listbox"
                aria-label="Suggestions"
                hidden=move || offer.with(Option::is_none)
                style:left=move || offer.with(|o| o.as_ref().map(|o| format!("{}px", o.place.0)))
                style:top=move || offer.with(|o| o.as_ref().map(|o| format!("{}px", o.place.1)))
            >
                {move || offer.get().map(|open| {
                    open.choices.into_iter().enumerate().map(|(i, choice)| {
                        view! {
                            <li
                                id=format!("suggestion-{i}")
                                role="option"
                                aria-selected=(i == open.active).to_string()
                                // Picking must not take the focus from the text first.
                                on:mousedown=move |e| {
                                    e.prevent_default();
                                    take_offer(i);
                                }
                            >
                                {choice}
                            </li>
                        }
                    }).collect_view()
                })}
            </ul>
            </div>
            <p class="visually-hidden" aria-live="polite">
                {text(move || offer.with(|o| o.as_ref().map(|o| match o.choices.len() {
                    1 => "1 suggestion".to_string(),
                    n => format!("{n} suggestions"),
                }).unwrap_or_default()))}
            </p>
            <div class="attach-row">
                <FilePick
                    action="Attach a file"
                    multiple=true
                    on_change=move |e: ev::Event| {
                        let input: web_sys::HtmlInputElement = event_target(&e);
                        attach_files(files_of(input.files()), false);
                        input.set_value("");
                    }
                />
                <p class="attach-status muted" aria-live="polite">
                    {text(move || attach_status.get().unwrap_or_default())}
                </p>
            </div>
            <p class="hint">
                "Cards: " <code>"Q :: A"</code> ", " <code>"Q ::: A"</code> " (both ways), "
                <code>"?"</code> " on a line between question and answer, "
                <code>"{{c1::cloze}}"</code> ", " <code>"==highlight=="</code> ", "
                <code>"^name"</code> " at a card's end. Type " <code>"[["</code> " or "
                <code>"#"</code> " for suggestions. " <kbd>"Ctrl"</kbd> "+" <kbd>"E"</kbd>
                " reads, " <kbd>"Ctrl"</kbd> "+" <kbd>"K"</kbd> " finds a note. Paste or drop images, audio and other files to attach them."
            </p>
        </div>
    }
}

//! One note: its title, the rendered text or the editor, and its linked mentions.

use leptos::prelude::*;

use super::{dynamic, text, Show};

use super::study::StudyLink;
use crate::app::{AppState, SaveState};
use crate::core::markdown;
use crate::core::note::front_matter::folder_of;
use crate::core::note::title_key;
use crate::core::plural;
use crate::core::review::Recall;
use crate::core::route::Route;
use crate::core::study::Scope;
use crate::ui::backlinks::Backlinks;
use crate::ui::dialog::ConfirmDialog;
use crate::ui::editor::Editor;
use crate::ui::note_cards::{LinkedCards, NoteCards};
use crate::ui::share::ShareDialog;

#[component]
pub fn NotePage(id: String, heading: Option<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let note_id = StoredValue::new(id);
    let heading = StoredValue::new(heading);
    let exists = move || {
        state
            .data
            .library
            .with(|lib| note_id.with_value(|id| lib.get(id).is_some()))
    };

    view! {
        <Show
            when=move || state.data.loaded.get()
            fallback=|| view! { <p class="muted">"Opening your library…"</p> }
        >
            <Show
                when=exists
                fallback=|| view! {
                    <section class="home">
                        <h1>"This note does not exist"</h1>
                        <p>"It may have been deleted. " <a href="#/">"Back to the start page"</a></p>
                    </section>
                }
            >
                <NoteShown id=note_id.get_value() heading=heading.get_value() />
            </Show>
        </Show>
    }
}

#[component]
fn NoteShown(id: String, heading: Option<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    let title = Memo::new(move |_| {
        state.data.library.with(|lib| {
            id.with_value(|id| lib.get(id).map(|n| n.title.clone()).unwrap_or_default())
        })
    });
    let confirming_delete = RwSignal::new(false);
    let sharing = RwSignal::new(false);
    let course = move || {
        let course_id = state.data.library.with(|lib| {
            id.with_value(|id| lib.get(id).and_then(|n| n.origin.as_ref()?.course.clone()))
        })?;
        state.data.courses.with(|cs| {
            cs.iter()
                .find(|c| c.id == course_id)
                .map(|c| (c.id.clone(), c.title.clone()))
        })
    };
    // What goes with the note, said before it goes.
    let delete_message = move || {
        let cards = state.data.deck.with_untracked(|deck| {
            id.with_value(|id| deck.cards_of_note(id).iter().filter(|c| !c.retired).count())
        });
        if cards == 0 {
            "The note goes to the Trash, where it can be restored for 30 days. Links to it will show as missing.".to_string()
        } else {
            format!(
                "The note and its {} go to the Trash with their review history; restore them there within 30 days. Links to it will show as missing.",
                plural(cards, "card")
            )
        }
    };
    let delete = move || {
        confirming_delete.set(false);
        state.delete(&id.get_value());
        state.navigate(&Route::Home);
    };
    let editing = move || {
        state
            .view
            .editing
            .with(|e| id.with_value(|id| e.as_deref() == Some(id)))
    };
    let toggle_mode = move |_| state.toggle_editing(&id.get_value());

    view! {
        <div class="note">
            <header class="note-header">
                <div class="note-toolbar">
                    <SaveIndicator />
                    {move || state.view.back_to_review.get().map(|review| view! {
                        <a class="button primary" href=review.to_fragment()
                            on:click=move |_| state.view.back_to_review.set(None)>
                            "Back to review"
                        </a>
                    })}
                    <button class="primary" on:click=toggle_mode>
                        {text(move || if editing() { "Done" } else { "Edit" }.to_string())}
                    </button>
                    <button on:click=move |_| sharing.set(true)>"Share"</button>
                    <button class="danger" on:click=move |_| confirming_delete.set(true)>
                        "Delete note"
                    </button>
                </div>
            </header>
            {dynamic(move || course().map(|(course_id, course_title)| {
                let href = Route::Course { id: course_id }.to_fragment();
                view! {
                    <p class="note-course">"From the course " <a href=href>{course_title}</a></p>
                }
            }))}
            <Show
                when=editing
                fallback=move || view! { <NoteView id=id.get_value() heading=heading.clone() title=title /> }
            >
                <Editor id=id.get_value() />
            </Show>
            <NoteCards id=id.get_value() />
            <LinkedCards id=id.get_value() />
            <Backlinks id=id.get_value() />
        </div>
        <Show when=move || sharing.get()>
            <ShareDialog id=id.get_value() on_close=Callback::new(move |_| sharing.set(false)) />
        </Show>
        <Show when=move || confirming_delete.get()>
            <ConfirmDialog
                title=Signal::derive(move || format!("Delete “{}”?", title.get()))
                message=delete_message()
                confirm_label="Delete"
                on_confirm=Callback::new(move |_| delete())
                on_cancel=Callback::new(move |_| confirming_delete.set(false))
            />
        </Show>
    }
}

/// The note rendered from Markdown.
#[component]
fn NoteView(id: String, heading: Option<String>, title: Memo<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    // Images on other sites in a note from someone else, once the reader allows them.
    let allowed = RwSignal::new(false);
    let html = Memo::new(move |_| {
        state.data.library.with(|lib| {
            let body = id.with_value(|id| lib.get(id).map(|n| n.body.clone()).unwrap_or_default());
            let scheduler = state.scheduler();
            let now = crate::app::now();
            state.data.deck.with(|deck| {
                state.data.elsewhere.with(|elsewhere| {
                    let info = markdown::LinkInfo {
                        recall: &|note_id, anchor| {
                            let card = deck.by_anchor(note_id, anchor);
                            // An anchor on a line that is no card names a block (Logseq's
                            // references): no recall to show.
                            let block = card.is_none()
                                && lib
                                    .get(note_id)
                                    .is_some_and(|n| n.body.contains(&format!("^{anchor}")));
                            (!block).then(|| Recall::of(card, &scheduler, now).to_string())
                        },
                        course_of: &|title| {
                            let key = title_key(title);
                            elsewhere
                                .iter()
                                .find(|e| title_key(&e.title) == key)
                                .map(|e| e.course.clone())
                        },
                    };
                    let own = id.with_value(|id| lib.get(id).is_none_or(|n| n.origin.is_none()));
                    state.data.files.with(|files| {
                        markdown::render_note(
                            &body,
                            &|target| lib.resolve(target).map(str::to_string),
                            &info,
                            markdown::Media {
                                files,
                                remote: own || allowed.get(),
                            },
                        )
                    })
                })
            })
        })
    });
    // A link to a heading scrolls to it once the text is in the page.
    if let Some(anchor) = heading {
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id(&anchor) {
                el.scroll_into_view();
            }
        });
    }
    // Where an imported note lived in its vault.
    let folder = Memo::new(move |_| {
        state
            .data
            .library
            .with(|lib| id.with_value(|id| lib.get(id).and_then(|n| folder_of(&n.body))))
    });
    view! {
        {dynamic(move || folder.get().map(|f| view! {
            <p class="note-folder muted">
                <span>{format!("In the folder {f}")}</span> " "
                <StudyLink scope=Scope::Folder(f.clone()) label="Study this folder".to_string() />
            </p>
        }))}
        <h1 class="note-title">{text(move || title.get())}</h1>
        <article
            class="note-body"
            aria-label="Note"
            inner_html=move || html.get()
            on:click=move |e| {
                let remote = e
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|t| t.closest("button.remote-image").ok().flatten().is_some());
                if remote {
                    allowed.set(true);
                }
            }
        ></article>
        <Show when=move || state.data.library.with(|lib| id.with_value(|id| lib.get(id).map(|n| n.body.trim().is_empty())).unwrap_or(false))>
            <p class="muted">"This note is empty. Press Edit (or Ctrl+E) to write."</p>
        </Show>
    }
}

/// Says whether the latest edit is stored.
#[component]
fn SaveIndicator() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = move || match state.saving.save_state.get() {
        SaveState::Idle => String::new(),
        SaveState::Pending => "Saving…".to_string(),
        SaveState::Saved => "Saved".to_string(),
        SaveState::Failed(message) => format!("Not saved: {message}"),
    };
    let failed = move || matches!(state.saving.save_state.get(), SaveState::Failed(_));
    view! { <p class="save-state" class:failed=failed role="status">{text}</p> }
}

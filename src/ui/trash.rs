//! The Trash: deleted notes with when they were deleted and how long they stay, each restorable
//! with its cards and their history; emptying asks first.

use leptos::prelude::*;

use super::dialog::ConfirmDialog;
use super::Show;

use crate::app::{local_date, AppState};
use crate::core::note::trash::KEPT_FOR;
use crate::core::note::NoteId;
use crate::core::plural;

#[component]
pub fn TrashPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let confirming = RwSignal::new(false);
    let rows = move || {
        state.data.trash.with(|trash| {
            let mut rows: Vec<(NoteId, String, String)> = trash
                .iter()
                .map(|t| {
                    let when = format!(
                        "Deleted {} · kept until {}",
                        local_date(t.deleted),
                        local_date(t.expires())
                    );
                    (t.note.id.clone(), t.note.title.clone(), when)
                })
                .collect();
            rows.reverse();
            rows
        })
    };
    let count = move || state.data.trash.with(Vec::len);
    let empty = move || {
        confirming.set(false);
        let ids = state
            .data
            .trash
            .with_untracked(|t| t.iter().map(|t| t.note.id.clone()).collect());
        state.empty_trash(ids);
    };
    view! {
        <section class="home trash-page" aria-labelledby="trash-heading">
            <h1 id="trash-heading">"Trash"</h1>
            <p class="muted">{format!(
                "Deleted notes stay here for {} days with their cards and review history, then go for good.",
                KEPT_FOR.whole_days()
            )}</p>
            <Show
                when=move || { count() > 0 }
                fallback=|| view! { <p>"The Trash is empty."</p> }
            >
                <ul class="trash-list">
                    {move || rows().into_iter().map(|(id, title, when)| {
                        let restore = {
                            let id = id.clone();
                            move |_| state.restore_note(&id)
                        };
                        view! {
                            <li>
                                <span class="trash-title">{title.clone()}</span>
                                <span class="muted trash-when">{when}</span>
                                <button on:click=restore aria-label=format!("Restore “{title}”")>"Restore"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button class="danger" on:click=move |_| confirming.set(true)>"Empty the Trash"</button>
            </Show>
            <Show when=move || confirming.get()>
                <ConfirmDialog
                    title=Signal::derive(move || format!("Empty the Trash of {}?", plural(count(), "note")))
                    message="They are removed for good and cannot be restored. Their answers stay in your statistics."
                    confirm_label="Empty the Trash"
                    on_confirm=Callback::new(move |_| empty())
                    on_cancel=Callback::new(move |_| confirming.set(false))
                />
            </Show>
        </section>
    }
}

//! The backup part of Settings: download everything as one file, and restore a backup after a
//! preview of what it would add and change.

use super::file_pick::FilePick;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::app::AppState;
use crate::core::exchange::backup::{Backup, RestorePlan};
use crate::core::exchange::merge::Change;
use crate::core::plural;
use crate::ui::import::{conflict_rows, ConflictChoices};

#[component]
pub fn BackupSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let message = RwSignal::new(None::<Result<String, String>>);
    let pending = RwSignal::new(None::<(RestorePlan, Backup)>);
    let download = move |_| {
        spawn_local(async move {
            let made = state
                .download_backup()
                .await
                .map(|name| format!("Backup saved as “{name}”."))
                .map_err(|e| e.to_string());
            message.set(Some(made));
        });
    };
    let on_file = move |e: leptos::ev::Event| {
        let input = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(file) = input
            .as_ref()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        if let Some(input) = input {
            // Choosing the same file again must fire another change.
            input.set_value("");
        }
        message.set(None);
        pending.set(None);
        spawn_local(async move {
            match state.open_backup_file(file).await {
                Ok(planned) => pending.set(Some(planned)),
                Err(problem) => message.set(Some(Err(problem.to_string()))),
            }
        });
    };
    view! {
        <section aria-labelledby="backup-heading">
            <h2 id="backup-heading">"Backup"</h2>
            <p class="help">
                "One file with everything: notes, cards with their history, the review log, settings, courses and attached files. Keep it somewhere safe; restoring it into an empty browser gives back exactly this library."
            </p>
            <p><button on:click=download>"Download a backup"</button></p>
            <FilePick action="Restore from a backup file" hint="(.loambackup)"
                accept=".loambackup,application/octet-stream" on_change=on_file />
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="form-ok" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
            {move || pending.get().map(|(plan, backup)| view! {
                <RestorePreview plan=plan backup=backup pending=pending message=message />
            })}
        </section>
    }
}

/// What a restore would do, and the button that does it.
#[component]
fn RestorePreview(
    plan: RestorePlan,
    backup: Backup,
    pending: RwSignal<Option<(RestorePlan, Backup)>>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (conflicts, choices) = conflict_rows(&plan.conflicts());
    let mut lines = vec![
        format!("{} new", plural(plan.count(Change::New), "note")),
        format!(
            "{} already here",
            plural(plan.count(Change::Unchanged), "note")
        ),
    ];
    if !conflicts.is_empty() {
        lines.push(format!("{} that differ", plural(conflicts.len(), "note")));
    }
    lines.push(format!(
        "{} new, {} with more history",
        plural(plan.new_cards, "card"),
        plan.updated_cards
    ));
    lines.push(format!(
        "{} in the review log",
        plural(plan.new_reviews(), "new answer")
    ));
    if !backup.files.is_empty() {
        let new = state.data.files.with_untracked(|files| {
            backup
                .files
                .iter()
                .filter(|f| files.get(&f.name).is_none_or(|h| h.hash != f.hash))
                .count()
        });
        lines.push(format!(
            "{} ({} new)",
            plural(backup.files.len(), "attached file"),
            new
        ));
    }
    let busy = RwSignal::new(false);
    let plan = StoredValue::new(plan);
    let backup = StoredValue::new(backup);
    let restore = move |_| {
        busy.set(true);
        let (plan, backup) = (plan.get_value(), backup.get_value());
        let choices = choices.get_untracked();
        spawn_local(async move {
            let result = state.restore(plan, backup, choices).await;
            pending.set(None);
            message.set(Some(
                result
                    .map(|()| "The backup is restored.".to_string())
                    .map_err(|e| e.to_string()),
            ));
        });
    };
    view! {
        <div class="restore-preview">
            <h3>"Restore this backup?"</h3>
            <ul aria-label="What the restore would do">
                {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
            <ConflictChoices conflicts=conflicts choices=choices />
            <div class="import-actions">
                <button class="primary" disabled=move || busy.get() on:click=restore>"Restore"</button>
                <button on:click=move |_| {
                    // The files' contents were kept for this restore only.
                    backup.with_value(|b| state.let_go_of(&b.files));
                    pending.set(None);
                }>"Cancel"</button>
            </div>
        </div>
    }
}

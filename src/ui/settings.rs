//! Settings: review settings (desired retention, maximum interval, new cards per day, learning
//! and relearning steps, checked by the scheduler before they are stored), scheduling fitted to
//! the learner, sync with the learner's other devices, and the storage the browser gives Loam.

use leptos::ev;
use leptos::prelude::*;

use super::Show;

use crate::app::{storage_usage, AppState};
use crate::core::review::{Field, SettingsForm as Form};
use crate::ui::backup::BackupSection;
use crate::ui::files::FilesSection;
use crate::ui::optimize::OptimizeSection;
use crate::ui::sync::SyncSection;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The form starts from the stored settings, so it waits until they are read.
    view! {
        <Show
            when=move || state.data.loaded.get()
            fallback=|| view! { <p class="muted">"Opening your settings…"</p> }
        >
            <section class="settings" aria-labelledby="settings-heading">
                <h1 id="settings-heading">"Settings"</h1>
                <SettingsForm />
                <OptimizeSection />
                <SyncSection />
                <StorageInfo />
                <FilesSection />
                <BackupSection />
            </section>
        </Show>
    }
}

#[component]
fn SettingsForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let form = Form::from_settings(&state.data.settings.get_untracked());
    let retention = RwSignal::new(form.desired_retention);
    let maximum = RwSignal::new(form.maximum_interval_days);
    let new_per_day = RwSignal::new(form.new_per_day);
    let learning = RwSignal::new(form.learning_steps);
    let relearning = RwSignal::new(form.relearning_steps);
    let saved = RwSignal::new(false);
    // What is wrong with each field (every one, not only the first), from the last save.
    let problems = RwSignal::new(Vec::<(Option<Field>, String)>::new());
    // Settings can change from elsewhere (a restored backup, another tab): the fields follow.
    Effect::new(move |_| {
        let form = Form::from_settings(&state.data.settings.get());
        retention.set(form.desired_retention);
        maximum.set(form.maximum_interval_days);
        new_per_day.set(form.new_per_day);
        learning.set(form.learning_steps);
        relearning.set(form.relearning_steps);
    });

    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let form = Form {
            desired_retention: retention.get_untracked(),
            maximum_interval_days: maximum.get_untracked(),
            new_per_day: new_per_day.get_untracked(),
            learning_steps: learning.get_untracked(),
            relearning_steps: relearning.get_untracked(),
        };
        match form.check(&state.data.settings.get_untracked()) {
            Ok(settings) => {
                state.save_review_settings(settings);
                problems.set(Vec::new());
                saved.set(true);
            }
            Err(found) => {
                saved.set(false);
                // The first wrong field comes into view with the focus.
                if let Some(first) = found.iter().find_map(|(field, _)| *field) {
                    if let Some(input) = document().get_element_by_id(field_id(first)) {
                        if let Ok(input) =
                            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(input)
                        {
                            let _ = input.focus();
                        }
                    }
                }
                problems.set(found);
            }
        }
    };

    // `keyboard`: the on-screen keyboard a phone opens (steps like "1m 10m" need letters).
    let field = move |which: Field,
                      label: &'static str,
                      help: &'static str,
                      keyboard: &'static str,
                      value: RwSignal<String>| {
        let id = field_id(which);
        let error = move || {
            problems.with(|p| {
                p.iter()
                    .find(|(field, _)| *field == Some(which))
                    .map(|(_, message)| message.clone())
            })
        };
        view! {
            <div class="field" class:invalid=move || error().is_some()>
                <label for=id>{label}</label>
                <input
                    id=id
                    type="text"
                    inputmode=keyboard
                    prop:value=move || value.get()
                    on:input=move |e| value.set(event_target_value(&e))
                    aria-invalid=move || error().map(|_| "true")
                    aria-describedby=move || match error() {
                        Some(_) => format!("{id}-error {id}-help"),
                        None => format!("{id}-help"),
                    }
                />
                {move || error().map(|message| view! { <p class="field-error" id=format!("{id}-error")>{message}</p> })}
                <p class="help" id=format!("{id}-help")>{help}</p>
            </div>
        }
    };

    view! {
            <form on:submit=save>
                <h2>"Review"</h2>
                {field(Field::DesiredRetention, "Desired retention", "How likely you should be to recall a card when it comes due: 0.70 to 0.99. Higher means more reviews.", "decimal", retention)}
                {field(Field::MaximumInterval, "Maximum interval (days)", "The longest wait before a card comes back.", "numeric", maximum)}
                {field(Field::NewPerDay, "New cards per day", "How many cards you meet for the first time each day.", "numeric", new_per_day)}
                {field(Field::LearningSteps, "Learning steps", "Waits between answers while learning a new card, such as 1m 10m.", "text", learning)}
                {field(Field::RelearningSteps, "Relearning steps", "Waits after forgetting a card, such as 10m.", "text", relearning)}
                <button type="submit" class="primary">"Save settings"</button>
                <Show when=move || saved.get()>
                    <p class="form-ok" role="status">"Settings saved."</p>
                </Show>
                // Beside the button pressed, whatever the scroll: what is wrong, all of it.
                {move || problems.with(|p| (!p.is_empty()).then(|| {
                    let lead = match p.iter().filter(|(f, _)| f.is_some()).count() {
                        0 | 1 => String::new(),
                        n => format!("{n} fields need a fix: "),
                    };
                    let all: Vec<&str> = p.iter().map(|(_, m)| m.as_str()).collect();
                    view! { <p class="field-error" role="alert">{lead}{all.join(" ")}</p> }
                }))}
            </form>
    }
}

/// How much the browser stores for Loam, out of how much it allows, and whether it has promised
/// not to clear it (Loam asks for that at start).
#[component]
fn StorageInfo() -> impl IntoView {
    let usage = LocalResource::new(storage_usage);
    view! {
        <section class="storage" aria-labelledby="storage-heading">
            <h2 id="storage-heading">"Storage"</h2>
            {move || match usage.get() {
                None => view! { <p class="muted">"Measuring…"</p> }.into_any(),
                Some(None) => {
                    view! {
                        <p class="muted">"This browser does not say how much space Loam uses."</p>
                    }
                        .into_any()
                }
                Some(Some(usage)) => {
                    let persistent = if usage.persistent {
                        "Yes: the browser will not clear your notes to free space."
                    } else {
                        "No: the browser may clear your notes when space runs short. Installing Loam makes that less likely."
                    };
                    view! {
                        <dl class="storage-figures">
                            <dt>"Space used"</dt>
                            <dd>{usage.summary()}</dd>
                            <dt>"Persistent"</dt>
                            <dd>{persistent}</dd>
                        </dl>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The id of a field's input.
fn field_id(field: Field) -> &'static str {
    match field {
        Field::DesiredRetention => "retention",
        Field::MaximumInterval => "maximum",
        Field::NewPerDay => "new-per-day",
        Field::LearningSteps => "learning-steps",
        Field::RelearningSteps => "relearning-steps",
    }
}

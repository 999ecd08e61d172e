//! Settings: review settings (desired retention, maximum interval, new cards per day, learning
//! and relearning steps, checked by the scheduler before they are stored), scheduling fitted to
//! the learner, and the storage the browser gives Loam.

use leptos::ev;
use leptos::prelude::*;

use super::{dynamic, Show};

use crate::app::{storage_usage, AppState};
use crate::core::review::SettingsForm as Form;
use crate::ui::backup::BackupSection;
use crate::ui::optimize::OptimizeSection;

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
                <StorageInfo />
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
    let message = RwSignal::new(None::<Result<String, String>>);
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
        match form.read(&state.data.settings.get_untracked()) {
            Ok(settings) => {
                state.save_review_settings(settings);
                message.set(Some(Ok("Settings saved.".to_string())));
            }
            Err(problem) => message.set(Some(Err(problem))),
        }
    };

    // `keyboard`: the on-screen keyboard a phone opens (steps like "1m 10m" need letters).
    let field = move |id: &'static str,
                      label: &'static str,
                      help: &'static str,
                      keyboard: &'static str,
                      value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="text"
                    inputmode=keyboard
                    prop:value=move || value.get()
                    on:input=move |e| value.set(event_target_value(&e))
                    aria-describedby=format!("{id}-help")
                />
                <p class="help" id=format!("{id}-help")>{help}</p>
            </div>
        }
    };

    view! {
            <form on:submit=save>
                <h2>"Review"</h2>
                {field("retention", "Desired retention", "How likely you should be to recall a card when it comes due: 0.70 to 0.99. Higher means more reviews.", "decimal", retention)}
                {field("maximum", "Maximum interval (days)", "The longest wait before a card comes back.", "numeric", maximum)}
                {field("new-per-day", "New cards per day", "How many cards you meet for the first time each day.", "numeric", new_per_day)}
                {field("learning-steps", "Learning steps", "Waits between answers while learning a new card, such as 1m 10m.", "text", learning)}
                {field("relearning-steps", "Relearning steps", "Waits after forgetting a card, such as 10m.", "text", relearning)}
                <button type="submit" class="primary">"Save settings"</button>
                {dynamic(move || message.get().map(|m| match m {
                    Ok(text) => view! { <p class="form-ok" role="status">{text}</p> }.into_any(),
                    Err(text) => view! { <p class="field-error" role="alert">{text}</p> }.into_any(),
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

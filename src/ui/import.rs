//! Opening a bundle (from a link, a file, or an encrypted hosted file): a preview of what would
//! change, conflict choices, and nothing stored until the learner agrees.

use super::file_pick::FilePick;
use std::collections::HashMap;

use leptos::prelude::*;

use super::{dynamic, Details, Show};
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::app::{local_date, AppState};
use crate::core::exchange::bundle::Bundle;
use crate::core::exchange::merge::{Change, Choice, ImportPlan, PlanItem};
use crate::core::exchange::Place;
use crate::core::note::NoteId;
use crate::core::plural;
use crate::core::route::Route;
use crate::core::time::Time;

/// Where the bundle on the preview page comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Link(String),
    File,
    Hosted { url: String, key: String },
}

#[component]
pub fn ImportPage(source: Source) -> impl IntoView {
    let state = expect_context::<AppState>();
    // Ok(None) while a hosted file is on its way or no file is chosen yet.
    let bundle = RwSignal::new(Ok::<Option<Bundle>, String>(None));
    match source.clone() {
        Source::Link(payload) => spawn_local(async move {
            bundle.set(
                state
                    .open_link(&payload)
                    .await
                    .map(Some)
                    .map_err(|e| e.to_string()),
            );
        }),
        Source::File => bundle.set(Ok(state.view.opened_bundle.get_untracked())),
        Source::Hosted { url, key } => spawn_local(async move {
            bundle.set(
                state
                    .open_hosted(&url, &key)
                    .await
                    .map(Some)
                    .map_err(|e| e.to_string()),
            );
        }),
    }
    let waiting = source != Source::File;
    let source = StoredValue::new(source);
    view! {
        <section class="import-page">
            <Show when=move || state.data.loaded.get() fallback=|| view! { <p class="muted">"Opening your library…"</p> }>
                {dynamic(move || match bundle.get() {
                    Err(message) => view! {
                        <h1>"This cannot be imported"</h1>
                        <p class="error" role="alert">{message}</p>
                        <p>"Nothing was imported; your notes are as they were. " <a href="#/">"Back to the start page"</a></p>
                    }.into_any(),
                    Ok(None) if waiting => view! {
                        <h1>"Opening the shared course…"</h1>
                        <p class="muted" role="status">"Downloading and decrypting the file."</p>
                    }.into_any(),
                    Ok(None) => view! { <OpenFile bundle=bundle /> }.into_any(),
                    Ok(Some(b)) => match source.get_value() {
                        // A course opened from where its author published it is followed from there.
                        Source::Hosted { url, key } => view! {
                            <Preview plan=state.plan_import(b) published=Place { course: String::new(), url, key } />
                        }.into_any(),
                        _ => view! { <Preview plan=state.plan_import(b) /> }.into_any(),
                    },
                })}
            </Show>
        </section>
    }
}

/// Choosing a bundle file.
#[component]
fn OpenFile(bundle: RwSignal<Result<Option<Bundle>, String>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let error = RwSignal::new(None::<String>);
    let on_change = move |e: leptos::ev::Event| {
        let file = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        spawn_local(async move {
            match state.open_bundle_file(file).await {
                Ok(b) => {
                    error.set(None);
                    bundle.set(Ok(Some(b)));
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
        });
    };
    view! {
        <h1>"Open a shared file"</h1>
        <p>"Open a Loam bundle (.loam) that someone sent you. You will see what it holds before anything is added."</p>
        <FilePick action="Choose a bundle file" hint="(.loam)"
            accept=".loam,application/octet-stream" on_change=on_change />
        {dynamic(move || error.get().map(|m| view! {
            <p class="error" role="alert">{m} " Nothing was imported."</p>
        }))}
    }
}

/// What importing would do, and the button that does it. `own`: the learner's material from
/// another tool, whose cards go straight into reviews (a course's wait until chosen).
#[component]
pub fn Preview(
    plan: ImportPlan,
    #[prop(optional)] own: bool,
    /// What Cancel does instead of going to the start page.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
    /// The published file the bundle was read from (its course left blank): a course imported
    /// from it is followed from there.
    #[prop(optional)]
    published: Option<Place>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (conflicts, choices) = conflict_rows(&plan.conflicts());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let heading = match &plan.course {
        Some(course) => format!("Import the course “{}”", course.title),
        None => format!("Import {}", plural(plan.items.len(), "note")),
    };
    let byline = plan.course.as_ref().map(|course| {
        let when = local_date(Time::from_ms(course.version as f64));
        if course.author.is_empty() {
            format!("Version of {when}")
        } else {
            format!("By {} · version of {when}", course.author)
        }
    });
    let summary: Vec<String> = [
        (Change::New, "new"),
        (Change::Update, "updated"),
        (Change::Unchanged, "unchanged"),
        (Change::KeptLocal, "with your edits kept"),
        (Change::Conflict, "edited by you and by the author"),
    ]
    .into_iter()
    .filter_map(|(change, words)| {
        let n = plan.count(change);
        (n > 0).then(|| format!("{} {words}", plural(n, "note")))
    })
    .collect();
    let nothing_to_do = plan
        .items
        .iter()
        .all(|i| matches!(i.change, Change::Unchanged | Change::KeptLocal));
    let cards = plan.card_count();
    let files = plan.files.len();
    let arriving = StoredValue::new(plan.files.clone());
    let renames: Vec<(String, String)> = plan
        .items
        .iter()
        .filter_map(|i| i.renamed_from.clone().map(|from| (from, i.title.clone())))
        .collect();
    // Each note says how many cards it makes, so a surprise shows before anything is stored.
    let rows: Vec<(String, &'static str, String)> = plan
        .items
        .iter()
        .map(|i| {
            (
                i.title.clone(),
                change_label(i.change),
                plural(i.cards, "card"),
            )
        })
        .collect();
    let rows = StoredValue::new(rows);
    // Shared, not copied, with the import: a large bundle's plan holds all its notes.
    let plan = StoredValue::new(std::sync::Arc::new(plan));
    let import = move |_| {
        busy.set(true);
        let plan = plan.get_value();
        let choices = choices.get_untracked();
        let published = published.clone();
        spawn_local(async move {
            let course = plan.course.as_ref().map(|c| c.id.clone());
            match state.import(plan, choices, own).await {
                Ok(route) => {
                    if let (Some(course), Some(place)) = (course, published) {
                        state.follow(&course, &place.url, &place.key);
                    }
                    state.view.opened_bundle.set(None);
                    // Replacing the address drops the bundle from it: a reload does not offer it again.
                    state.replace_route(&route);
                }
                Err(problem) => {
                    failure.set(Some(problem.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    let cancel = move |_| {
        // The files' contents were kept for this import only.
        arriving.with_value(|files| state.let_go_of(files));
        match on_cancel {
            Some(callback) => callback.run(()),
            None => {
                state.view.opened_bundle.set(None);
                state.replace_route(&Route::Home);
            }
        }
    };
    view! {
        <h1>{heading}</h1>
        {byline.map(|b| view! { <p class="muted">{b}</p> })}
        <ul class="import-summary" aria-label="What would change">
            {summary.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            <li>{plural(cards, "card")} " in these notes"</li>
            {(files > 0).then(|| view! { <li>{plural(files, "attached file")}</li> })}
        </ul>
        <p class="muted">
            {if own {
                "The cards in these notes go into your reviews. Notes you already imported from the same place are updated; your review history is never replaced."
            } else {
                // index.html's shell shows these words while a shared link opens: keep them alike.
                "Cards are not added to your reviews until you choose: all at once from the course page, or one by one on each note. Your review history is never replaced."
            }}
        </p>
        {(!renames.is_empty()).then(|| view! {
            <div class="import-renames">
                <h2>"Titles you already use"</h2>
                <ul>
                    {renames.into_iter().map(|(from, to)| view! {
                        <li>{format!("You already have a note called “{from}”: the imported one will be “{to}”.")}</li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <ConflictChoices conflicts=conflicts choices=choices />
        <Details
            class="import-notes"
            summary=(if own { "Notes to import" } else { "Notes in this bundle" }).to_string()
        >
            <ul>
                {rows.get_value().into_iter().map(|(title, label, cards)| view! {
                    <li>
                        <span>{title}</span> " " <span class="import-cards">{cards}</span>
                        " " <span class="import-change">{label}</span>
                    </li>
                }).collect_view()}
            </ul>
        </Details>
        {dynamic(move || failure.get().map(|m| view! { <p class="error" role="alert">{m}</p> }))}
        {dynamic(move || busy.get().then(|| view! { <p class="muted" role="status">"Importing…"</p> }))}
        <div class="import-actions">
            <button class="primary" disabled=move || busy.get() on:click=import>
                {if nothing_to_do { "Open it" } else { "Import" }}
            </button>
            <button on:click=cancel>"Cancel"</button>
        </div>
    }
}

fn change_label(change: Change) -> &'static str {
    match change {
        Change::New => "new",
        Change::Update => "update",
        Change::Unchanged => "unchanged",
        Change::KeptLocal => "your edits kept",
        Change::Conflict => "conflict",
    }
}

/// The learner's choice for each note edited on both sides.
pub type Choices = RwSignal<HashMap<NoteId, Choice>>;

/// The notes edited on both sides, as (id, the learner's title), and their choices, each
/// starting at "keep both" so nothing is lost by a hasty click.
pub fn conflict_rows(items: &[&PlanItem]) -> (Vec<(NoteId, String)>, Choices) {
    let rows: Vec<(NoteId, String)> = items
        .iter()
        .map(|i| {
            (
                i.id.clone(),
                i.local_title.clone().unwrap_or_else(|| i.title.clone()),
            )
        })
        .collect();
    let choices = rows
        .iter()
        .map(|(id, _)| (id.clone(), Choice::KeepBoth))
        .collect();
    (rows, RwSignal::new(choices))
}

/// One choice per note edited on both sides: keep mine, take theirs, or keep both.
#[component]
pub fn ConflictChoices(conflicts: Vec<(NoteId, String)>, choices: Choices) -> impl IntoView {
    (!conflicts.is_empty()).then(|| view! {
        <div class="import-conflicts">
            <h2>"Edited on both sides"</h2>
            <p>"These notes differ between your library and what you are opening. Choose for each:"</p>
            {conflicts.into_iter().map(|(id, title)| {
                let id = StoredValue::new(id);
                let option = move |choice: Choice, label: &'static str| {
                    view! {
                        <label>
                            <input type="radio" name=format!("conflict-{}", id.get_value())
                                prop:checked=move || choices.with(|c| id.with_value(|id| c.get(id) == Some(&choice)))
                                on:change=move |_| choices.update(|c| { c.insert(id.get_value(), choice); }) />
                            {label}
                        </label>
                    }
                };
                view! {
                    <fieldset class="conflict">
                        <legend>{format!("“{title}”")}</legend>
                        {option(Choice::KeepMine, "Keep mine")}
                        {option(Choice::TakeTheirs, "Take theirs")}
                        {option(Choice::KeepBoth, "Keep both (theirs as a copy)")}
                    </fieldset>
                }
            }).collect_view()}
        </div>
    })
}

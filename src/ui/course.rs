//! A course the learner imported: who made it, its notes, and the learner's progress and
//! recall over its cards, with the button that adds them to reviews.

use leptos::prelude::*;

use super::{dynamic, text, Show};

use super::study::StudyLink;
use crate::app::{local_date, AppError, AppState};
use crate::core::exchange::hosting::NoUpdate;
use crate::core::plural;
use crate::core::route::Route;
use crate::core::study::Scope;
use leptos::task::spawn_local;

#[component]
pub fn CoursePage(id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    let course = move || {
        state
            .data
            .courses
            .with(|cs| id.with_value(|id| cs.iter().find(|c| &c.id == id).cloned()))
    };
    let progress = Memo::new(move |_| id.with_value(|id| state.course_progress(id)));
    let waiting = Memo::new(move |_| id.with_value(|id| state.course_cards_waiting(id)));
    let notes = move || {
        state.data.library.with(|lib| {
            let mut notes: Vec<(String, String)> = lib
                .iter()
                .filter(|n| {
                    id.with_value(|id| {
                        n.origin.as_ref().and_then(|o| o.course.as_deref()) == Some(id.as_str())
                    })
                })
                .map(|n| (n.id.to_string(), n.title.clone()))
                .collect();
            crate::core::sort_by_key(&mut notes, |(_, title)| title.to_lowercase());
            notes
        })
    };
    view! {
        <Show when=move || state.data.loaded.get() fallback=|| view! { <p class="muted">"Opening your library…"</p> }>
            {dynamic(move || match course() {
                None => view! {
                    <section class="home">
                        <h1>"This course is not in your library"</h1>
                        <p><a href="#/">"Back to the start page"</a></p>
                    </section>
                }.into_any(),
                Some(course) => {
                    let start = Route::Note { id: course.root.to_string(), heading: None }.to_fragment();
                    view! {
                        <section class="course-page">
                            <p class="eyebrow">"Course"</p>
                            <h1>{course.title.clone()}</h1>
                            {(!course.author.is_empty()).then(|| view! { <p class="muted">"By " {course.author.clone()}</p> })}
                            <p class="course-actions">
                                <a class="button primary" href=start>"Start reading"</a>
                                <StudyLink scope=Scope::Course(course.id.clone()) label="Study this course".to_string() />
                            </p>
                            <dl class="course-progress" aria-label="Your progress">
                                <div><dt>"Cards"</dt><dd>{text(move || progress.get().cards.to_string())}</dd></div>
                                <div><dt>"In your reviews"</dt><dd>{text(move || progress.get().in_reviews.to_string())}</dd></div>
                                <div><dt>"Studied"</dt><dd>{text(move || progress.get().studied.to_string())}</dd></div>
                                <div>
                                    <dt>"Average recall"</dt>
                                    <dd>{text(move || progress.get().average_recall.map(|p| format!("{p}%")).unwrap_or_else(|| "not studied".to_string()))}</dd>
                                </div>
                            </dl>
                            <Show when=move || !waiting.get().is_empty()>
                                <button class="primary" on:click=move |_| state.add_to_reviews(&waiting.get_untracked())>
                                    {text(move || format!("Add {} to my reviews", plural(waiting.get().len(), "card")))}
                                </button>
                            </Show>
                            <Following id=id />
                            <h2>"Notes"</h2>
                            <ul class="course-notes">
                                {dynamic(move || notes().into_iter().map(|(id, title)| {
                                    let href = Route::Note { id, heading: None }.to_fragment();
                                    view! { <li><a href=href>{title}</a></li> }
                                }).collect_view())}
                            </ul>
                        </section>
                    }.into_any()
                }
            })}
        </Show>
    }
}

/// Where a followed course comes from, when it was last checked, and checking it now.
#[component]
fn Following(id: StoredValue<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let place = move || id.with_value(|id| state.followed_from(id));
    let checked = RwSignal::new(id.with_value(|id| state.last_checked(id)));
    let checking = RwSignal::new(false);
    // What the last check found, and whether it is a problem.
    let found = RwSignal::new(None::<(String, bool)>);
    let ready = move || id.with_value(|id| state.view.updates.with(|u| u.contains(id)));
    let check = move |_| {
        checking.set(true);
        found.set(None);
        spawn_local(async move {
            let course = id.get_value();
            let result = state.check_for_update(&course).await;
            checked.set(state.last_checked(&course));
            checking.set(false);
            match result {
                Ok(()) => state.navigate(&Route::Import {
                    payload: String::new(),
                }),
                Err(AppError::NoUpdate(NoUpdate::Same)) => {
                    found.set(Some((NoUpdate::Same.to_string(), false)))
                }
                Err(problem) => found.set(Some((format!("{problem} Nothing was changed."), true))),
            }
        });
    };
    let stop = move |_| id.with_value(|id| state.stop_following(id));
    move || {
        place().map(|place| {
            view! {
                <section class="course-source" aria-labelledby="course-source-heading">
                    <h2 id="course-source-heading">"Updates"</h2>
                    <p>"Followed from " <span class="course-address">{place.url}</span></p>
                    <p class="muted">{move || match checked.get() {
                        Some(when) => format!("Last checked {}.", local_date(when)),
                        None => "Not checked yet.".to_string(),
                    }}</p>
                    <Show when=ready>
                        <p class="form-ok">"A newer version of this course is published."</p>
                    </Show>
                    <div class="course-source-actions">
                        <button class="primary" on:click=check disabled=move || checking.get()>
                            {move || match (checking.get(), ready()) {
                                (true, _) => "Checking…",
                                (false, true) => "See the update",
                                (false, false) => "Check for updates",
                            }}
                        </button>
                        <button on:click=stop>"Stop following"</button>
                    </div>
                    <p role="status" class:error=move || found.with(|f| f.as_ref().is_some_and(|(_, bad)| *bad))>
                        {move || found.get().map(|(message, _)| message)}
                    </p>
                </section>
            }
        })
    }
}

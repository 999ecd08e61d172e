//! A course the learner imported: who made it, its notes, and the learner's progress and
//! recall over its cards, with the button that adds them to reviews.

use leptos::prelude::*;

use super::{dynamic, text, Show};

use crate::app::AppState;
use crate::core::plural;
use crate::core::route::Route;

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
                            <p><a class="button primary" href=start>"Start reading"</a></p>
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

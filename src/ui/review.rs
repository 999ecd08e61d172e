//! The review page: one due card at a time, Show answer, then Again/Hard/Good/Easy with the next
//! interval on each button; the card's note can be edited, the card suspended or buried until
//! tomorrow. Keys: Space or Enter shows the answer, 1–4 rate, E edits, S suspends, B buries,
//! Ctrl/Cmd+Z undoes any of them.

use leptos::ev;
use leptos::prelude::*;

use super::{dynamic, text, Show};

use crate::app::AppState;
use std::collections::HashSet;

use crate::core::note::NoteId;
use crate::core::review::deck::Card;
use crate::core::review::schedule::Rating;
use crate::core::review::{format_interval, fuzz_draw};
use crate::core::route::Route;
use crate::core::study::{covers, Scope};
use crate::core::time::Time;

#[component]
pub fn ReviewPage(scope: Scope) -> impl IntoView {
    let state = expect_context::<AppState>();
    let label = scope_label(&state, &scope);
    let here = Route::Review(scope.clone());
    // Back in review: the way back from a note opened here is no longer needed.
    state.view.back_to_review.set(None);
    // The notes studied follow the library (a note added to the tag joins the session).
    let scope = StoredValue::new(scope);
    let notes = Memo::new(move |_| scope.with_value(|s| state.scope_notes(s)));
    // The time the queue was last looked at; moved on by answers and a slow tick, so learning
    // steps come due while the page is open.
    let clock = RwSignal::new(crate::app::now());
    let shown = RwSignal::new(false);
    let tick = set_interval_with_handle(
        move || clock.set(crate::app::now()),
        std::time::Duration::from_secs(15),
    )
    .ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });

    let queue = Memo::new(move |_| notes.with(|notes| state.queue(clock.get(), notes.as_ref())));
    let current = Memo::new(move |_| {
        let id = queue.with(|q| q.next().cloned())?;
        state.data.deck.with(|deck| deck.get(&id).cloned())
    });
    let next_card = move || {
        shown.set(false);
        clock.set(crate::app::now());
    };
    let rate = move |rating: Rating| {
        let Some(card) = current.get_untracked() else {
            return;
        };
        if !shown.get_untracked() {
            return;
        }
        state.answer(&card.id, rating);
        next_card();
    };
    let undo = move || {
        if state.can_undo() {
            state.undo();
            next_card();
        }
    };
    let here = StoredValue::new(here);
    let edit_note = move || {
        if let Some(card) = current.get_untracked() {
            state.edit_from_review(&card.note_id, here.get_value());
        }
    };
    let suspend = move || {
        if let Some(card) = current.get_untracked() {
            state.suspend_in_review(&card.id);
            next_card();
        }
    };
    let bury = move || {
        if let Some(card) = current.get_untracked() {
            state.bury(&card.id);
            next_card();
        }
    };

    let keys = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
        let typing = document()
            .active_element()
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || e.alt_key() {
            return;
        }
        let command = e.ctrl_key() || e.meta_key();
        let key = e.key();
        if command {
            if key.eq_ignore_ascii_case("z") {
                e.prevent_default();
                undo();
            }
            return;
        }
        if current.get_untracked().is_none() {
            return;
        }
        match key.as_str() {
            " " | "Enter" if !shown.get_untracked() => {
                e.prevent_default();
                shown.set(true);
            }
            // Space on the answer side means "I got it", as in Anki.
            " " => {
                e.prevent_default();
                rate(Rating::Good);
            }
            "1" | "2" | "3" | "4" => {
                if let Some(rating) = key.parse().ok().and_then(Rating::from_number) {
                    e.prevent_default();
                    rate(rating);
                }
            }
            "e" | "E" => {
                e.prevent_default();
                edit_note();
            }
            "s" | "S" => {
                e.prevent_default();
                suspend();
            }
            "b" | "B" => {
                e.prevent_default();
                bury();
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let render = move |text: &str, note: &str| untrack(|| state.render_part(text, note));
    let counts = move || queue.with(|q| (q.due.len(), q.new.len(), q.ahead.len()));

    view! {
        <section class="review" aria-labelledby="review-heading">
            <header class="review-header">
                <div class="review-title">
                    <h1 id="review-heading">"Review"</h1>
                    {label.map(|label| view! {
                        <p class="review-scope">{label} " · " <a href="#/review">"Review everything"</a></p>
                    })}
                </div>
                <p class="review-counts" aria-live="polite">
                    <span class="count-due">{text(move || format!("{} due", counts().0))}</span>
                    " · "
                    <span class="count-new">{text(move || format!("{} new", counts().1))}</span>
                    {dynamic(move || match counts().2 {
                        0 => None,
                        n => Some(view! { " · " <span class="count-learning">{format!("{n} learning")}</span> }),
                    })}
                </p>
                <button
                    class="undo"
                    aria-keyshortcuts="Control+Z"
                    disabled=move || !state.can_undo()
                    on:click=move |_| undo()
                >
                    "Undo"
                </button>
            </header>
            {dynamic(move || match current.get() {
                None => view! { <ReviewDone notes=notes /> }.into_any(),
                Some(card) => {
                    let note_title = state
                        .data.library
                        .with(|lib| lib.get(&card.note_id).map(|n| n.title.clone()))
                        .unwrap_or_default();
                    let note_href = Route::Note { id: card.note_id.to_string(), heading: None }
                        .to_fragment();
                    let front = render(&card.front, &card.note_id);
                    let back = render(&card.back, &card.note_id);
                    let schedule = card.schedule.clone();
                    // The draw the answer will use, so the buttons show what it gives.
                    let draw = fuzz_draw(&card.id, schedule.last_review);
                    let intervals = move || {
                        let now = crate::app::now();
                        state
                            .scheduler()
                            .preview(&schedule, now, || draw)
                            .map(|(rating, next)| (rating, format_interval(next.due - now)))
                    };
                    view! {
                        <article class="flashcard" aria-label="Card">
                            <p class="card-source">
                                "From " <a href=note_href>{note_title}</a>
                                {card.schedule.is_new().then(|| view! { <span class="badge">"new"</span> })}
                            </p>
                            <div class="card-front" inner_html=front></div>
                            <Show when=move || shown.get()>
                                <hr class="card-divider" />
                                <div class="card-back" aria-label="Answer" role="region" inner_html=back.clone()></div>
                            </Show>
                        </article>
                        <Show
                            when=move || shown.get()
                            fallback=move || view! {
                                <div class="answer-bar">
                                    <button
                                        class="primary show-answer"
                                        aria-keyshortcuts="Space"
                                        on:click=move |_| shown.set(true)
                                    >
                                        "Show answer"
                                    </button>
                                </div>
                            }
                        >
                            <div class="answer-bar rating" role="group" aria-label="How well did you recall it?">
                                {intervals().into_iter().map(|(rating, interval)| {
                                    let (label, class) = match rating {
                                        Rating::Again => ("Again", "again"),
                                        Rating::Hard => ("Hard", "hard"),
                                        Rating::Good => ("Good", "good"),
                                        Rating::Easy => ("Easy", "easy"),
                                    };
                                    view! {
                                        <button
                                            class=format!("rate {class}")
                                            aria-keyshortcuts=rating.number().to_string()
                                            on:click=move |_| rate(rating)
                                        >
                                            <span class="rate-label">{label}</span>
                                            " "
                                            <span class="interval">{interval}</span>
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        </Show>
                        <div class="card-tools" role="group" aria-label="This card">
                            <button aria-keyshortcuts="E" on:click=move |_| edit_note()>"Edit note"</button>
                            <button aria-keyshortcuts="S" on:click=move |_| suspend()>"Suspend"</button>
                            <button aria-keyshortcuts="B" on:click=move |_| bury()>"Bury until tomorrow"</button>
                        </div>
                        <p class="hint">
                            <kbd>"Space"</kbd> " shows the answer · " <kbd>"1"</kbd> "–" <kbd>"4"</kbd>
                            " rate it · " <kbd>"E"</kbd> " edits the note · " <kbd>"S"</kbd> " suspends · "
                            <kbd>"B"</kbd> " buries · " <kbd>"Ctrl"</kbd> "+" <kbd>"Z"</kbd> " undoes"
                        </p>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// What a scoped session studies, for its heading.
fn scope_label(state: &AppState, scope: &Scope) -> Option<String> {
    let title = |id: &str| {
        state
            .data
            .library
            .with_untracked(|lib| lib.get(id).map(|n| n.title.clone()))
            .unwrap_or_else(|| id.to_string())
    };
    Some(match scope {
        Scope::All => return None,
        Scope::Course(id) => {
            let course = state
                .data
                .courses
                .with_untracked(|cs| cs.iter().find(|c| &c.id == id).map(|c| c.title.clone()));
            format!("The course “{}”", course.unwrap_or_else(|| id.clone()))
        }
        Scope::Note(id) => format!("“{}” and the notes it links to", title(id)),
        Scope::Folder(folder) => format!("The folder “{folder}”"),
        Scope::Tag(tag) => format!("Notes tagged #{tag}"),
    })
}

/// Nothing is due: say so, and when the next card comes.
#[component]
fn ReviewDone(notes: Memo<Option<HashSet<NoteId>>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let in_scope =
        move |card: &&Card| card.in_review() && notes.with(|n| covers(n.as_ref(), &card.note_id));
    let next_due = move || {
        state.data.deck.with(|deck| {
            deck.cards()
                .filter(in_scope)
                .filter(|c| !c.schedule.is_new())
                .map(|c| c.schedule.due)
                .min_by(Time::total_cmp)
        })
    };
    let total = move || {
        state
            .data
            .deck
            .with(|deck| deck.cards().filter(in_scope).count())
    };
    let scoped = move || notes.with(Option::is_some);
    let elsewhere = move || {
        if scoped() {
            state.waiting(crate::app::now())
        } else {
            0
        }
    };
    view! {
        <div class="review-done">
            <h2>"All done for now"</h2>
            {dynamic(move || match (total(), next_due()) {
                (0, _) if scoped() => view! {
                    <p>"No cards here are in your reviews."</p>
                }.into_any(),
                (0, _) => view! {
                    <p>
                        "You have no cards yet. Write one in any note: "
                        <code>"Question :: Answer"</code> ", or " <code>"{{c1::cloze}}"</code> "."
                    </p>
                }.into_any(),
                (_, Some(due)) => view! {
                    <p>{format!("The next card is due in {}.", format_interval(due - crate::app::now()))}</p>
                }.into_any(),
                (_, None) => view! {
                    <p>"New cards wait for tomorrow's limit."</p>
                }.into_any(),
            })}
            {dynamic(move || match elsewhere() {
                0 => None,
                n => Some(view! {
                    <p><a class="button primary" href="#/review">{format!("Review everything ({n} waiting)")}</a></p>
                }),
            })}
            <p><a href="#/stats">"See your statistics"</a></p>
        </div>
    }
}

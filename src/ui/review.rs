//! The review page: one due card at a time, Show answer, then Again/Hard/Good/Easy with the next
//! interval on each button. Keys: Space or Enter shows the answer, 1–4 rate, Ctrl/Cmd+Z undoes.

use leptos::ev;
use leptos::prelude::*;

use super::{dynamic, text, Show};

use crate::app::AppState;
use crate::core::markdown;
use crate::core::review::format_interval;
use crate::core::review::schedule::Rating;
use crate::core::route::Route;
use crate::core::time::Time;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The time the queue was last looked at; moved on by answers and a slow tick, so learning
    // steps come due while the page is open.
    let clock = RwSignal::new(crate::app::now());
    let shown = RwSignal::new(false);
    // One random draw per card, used both for the intervals on the buttons and the answer.
    let draw = RwSignal::new(crate::app::draw());
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

    let queue = Memo::new(move |_| state.queue(clock.get()));
    let current = Memo::new(move |_| {
        let id = queue.with(|q| q.next().cloned())?;
        state.data.deck.with(|deck| deck.get(&id).cloned())
    });
    let next_card = move || {
        shown.set(false);
        draw.set(crate::app::draw());
        clock.set(crate::app::now());
    };
    let rate = move |rating: Rating| {
        let Some(card) = current.get_untracked() else {
            return;
        };
        if !shown.get_untracked() {
            return;
        }
        state.answer(&card.id, rating, draw.get_untracked());
        next_card();
    };
    let undo = move || {
        if state.can_undo() {
            state.undo();
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
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let render = move |text: String| {
        state.data.library.with_untracked(|lib| {
            markdown::render(&text, &|target| lib.resolve(target).map(str::to_string))
        })
    };
    let counts = move || queue.with(|q| (q.due.len(), q.new.len(), q.ahead.len()));

    view! {
        <section class="review" aria-labelledby="review-heading">
            <header class="review-header">
                <h1 id="review-heading">"Review"</h1>
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
                None => view! { <ReviewDone /> }.into_any(),
                Some(card) => {
                    let note_title = state
                        .data.library
                        .with(|lib| lib.get(&card.note_id).map(|n| n.title.clone()))
                        .unwrap_or_default();
                    let note_href = Route::Note { id: card.note_id.to_string(), heading: None }
                        .to_fragment();
                    let front = render(card.front.clone());
                    let back = render(card.back.clone());
                    let schedule = card.schedule.clone();
                    let intervals = move || {
                        let now = crate::app::now();
                        state
                            .scheduler()
                            .preview(&schedule, now, || draw.get())
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
                        <p class="hint">
                            <kbd>"Space"</kbd> " shows the answer · " <kbd>"1"</kbd> "–" <kbd>"4"</kbd>
                            " rate it · " <kbd>"Ctrl"</kbd> "+" <kbd>"Z"</kbd> " undoes"
                        </p>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// Nothing is due: say so, and when the next card comes.
#[component]
fn ReviewDone() -> impl IntoView {
    let state = expect_context::<AppState>();
    let next_due = move || {
        state.data.deck.with(|deck| {
            deck.cards()
                .filter(|c| c.in_review() && !c.schedule.is_new())
                .map(|c| c.schedule.due)
                .min_by(Time::total_cmp)
        })
    };
    let total = move || {
        state
            .data
            .deck
            .with(|deck| deck.cards().filter(|c| c.in_review()).count())
    };
    view! {
        <div class="review-done">
            <h2>"All done for now"</h2>
            {dynamic(move || match (total(), next_due()) {
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
            <p><a href="#/stats">"See your statistics"</a></p>
        </div>
    }
}

//! The cards written in a note, each with where it stands and Suspend/Reset, and the cards of
//! other notes that this note links to, with the learner's recall of each.

use leptos::prelude::*;

use super::{dynamic, Show};

use super::study::StudyLink;
use crate::app::AppState;
use crate::core::id::CardId;
use crate::core::review::linked::linked_cards;
use crate::core::review::{average_recall, card_status};
use crate::core::study::Scope;

/// One card of the note, as its row shows it.
#[derive(Debug, Clone, PartialEq)]
struct CardRow {
    id: CardId,
    /// The front, rendered from Markdown.
    front: String,
    kind: String,
    /// Where the card stands ("new", "due in 3 days"…).
    status: String,
    suspended: bool,
    retired: bool,
    in_deck: bool,
}

#[component]
pub fn NoteCards(id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    // A memo: typing changes the library on every key, and an unchanged list must cost no DOM work.
    let rows = Memo::new(move |_| {
        let now = crate::app::now();
        let scheduler = state.scheduler();
        state.data.deck.with(|deck| {
            id.with_value(|id| {
                deck.cards_of_note(id)
                    .into_iter()
                    .map(|c| CardRow {
                        id: c.id.clone(),
                        front: state.render_part(&c.front, id),
                        kind: c.kind.clone(),
                        status: card_status(c, &scheduler, now),
                        suspended: c.suspended,
                        retired: c.retired,
                        in_deck: c.in_deck,
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        <Show when=move || rows.with(|r| !r.is_empty())>
            <section class="note-cards" aria-labelledby="cards-heading">
                <div class="cards-heading">
                    <h2 id="cards-heading">"Cards"</h2>
                    <StudyLink scope=Scope::Note(id.get_value().into()) label="Study this note and its links".to_string() />
                </div>
                <ul>
                    {dynamic(move || rows.get().into_iter().map(|row| {
                        let CardRow { id: card_id, front, kind, status, suspended, retired, in_deck } = row;
                        let suspend_id = card_id.clone();
                        let reset_id = card_id.clone();
                        let add_id = card_id.clone();
                        view! {
                            <li class="card-row" class:retired=retired>
                                <span class="card-front-text" inner_html=front></span>
                                <span class="card-kind">{kind}</span>
                                <span class="card-status">{status}</span>
                                <Show when=move || !retired && !in_deck>
                                    <span class="card-actions">
                                        <button class="primary" on:click={
                                            let id = add_id.clone();
                                            move |_| state.add_to_reviews(std::slice::from_ref(&id))
                                        }>"Add to reviews"</button>
                                    </span>
                                </Show>
                                <Show when=move || !retired && in_deck>
                                    <span class="card-actions">
                                        <button on:click={
                                            let id = suspend_id.clone();
                                            move |_| state.set_suspended(&id, !suspended)
                                        }>
                                            {if suspended { "Resume" } else { "Suspend" }}
                                        </button>
                                        <button on:click={
                                            let id = reset_id.clone();
                                            move |_| state.reset_card(&id)
                                        }>"Reset"</button>
                                    </span>
                                </Show>
                            </li>
                        }
                    }).collect_view())}
                </ul>
            </section>
        </Show>
    }
}

/// Cards that this note links to with `[[Note#^anchor]]`, with the learner's recall of each and
/// their average: how a course page shows what the learner remembers of what it refers to.
#[component]
pub fn LinkedCards(id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    let linked = Memo::new(move |_| {
        let now = crate::app::now();
        let scheduler = state.scheduler();
        state.data.library.with(|lib| {
            state.data.deck.with(|deck| {
                let body = id.with_value(|id| lib.get(id).map(|n| n.body.clone()))?;
                let cards = linked_cards(&body, lib, deck, &scheduler, now);
                (!cards.is_empty()).then_some(cards)
            })
        })
    });
    view! {
        {dynamic(move || linked.get().map(|rows| {
            let average = average_recall(&rows.iter().map(|r| r.recall).collect::<Vec<_>>());
            view! {
                <section class="linked-cards" aria-labelledby="linked-cards-heading">
                    <h2 id="linked-cards-heading">"Linked cards"</h2>
                    <p class="muted">
                        {match average {
                            Some(avg) => format!("Your average recall of the studied ones: {avg}%"),
                            None => "You have not studied any of these yet.".to_string(),
                        }}
                    </p>
                    <ul>
                        {rows.into_iter().map(|card| view! {
                            <li>
                                <a href=card.href>{card.label}</a>
                                <span class="muted">{format!(" in {}", card.note)}</span>
                                <span class="recall-badge">{card.recall.to_string()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        }))}
    }
}

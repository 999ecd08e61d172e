//! Cards a note links to with `[[Note#^anchor]]`, resolved to the card the anchor names and the
//! learner's recall of it: what a course page shows of what it refers to.

use std::collections::HashSet;

use crate::core::note::library::Library;
use crate::core::note::link;
use crate::core::review::deck::Deck;
use crate::core::review::schedule::Scheduler;

use crate::core::review::Recall;
use crate::core::route::Route;
use crate::core::time::Time;

/// One card a note links to.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedCard {
    /// Where the link leads: the card's place in its note, or the page that creates a note
    /// that does not exist yet.
    pub href: String,
    /// The card's front, or the link's target and anchor when no card has that anchor.
    pub label: String,
    /// The note title the link names, as written.
    pub note: String,
    pub recall: Recall,
}

/// The cards `body` links to, in text order, each once (the same title in any case and
/// anchor counts as the same link).
pub fn linked_cards(
    body: &str,
    library: &Library,
    deck: &Deck,
    scheduler: &Scheduler,
    now: Time,
) -> Vec<LinkedCard> {
    let mut seen = HashSet::new();
    link::parse_links(body)
        .into_iter()
        .filter_map(|l| {
            let anchor = l.block?;
            if !seen.insert((l.target.to_lowercase(), anchor.to_string())) {
                return None;
            }
            let note_id = library.resolve(l.target).map(str::to_string);
            let card = note_id.as_deref().and_then(|n| deck.by_anchor(n, anchor));
            let href = match note_id {
                Some(id) => Route::Note {
                    id,
                    heading: Some(format!("block-{anchor}")),
                },
                None => Route::NewNote {
                    title: l.target.to_string(),
                },
            }
            .to_fragment();
            let label = card
                .map(|c| c.front.clone())
                .unwrap_or_else(|| format!("{} › ^{anchor}", l.target));
            Some(LinkedCard {
                href,
                label,
                note: l.target.to_string(),
                recall: Recall::of(card, scheduler, now),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::note::Note;

    fn note(id: &str, title: &str, body: &str) -> Note {
        Note {
            id: id.into(),
            title: title.to_string(),
            body: body.to_string(),
            created: Time::from_ms(0.0),
            updated: Time::from_ms(0.0),
            origin: None,
        }
    }

    fn library_and_deck(notes: Vec<Note>) -> (Library, Deck) {
        let mut deck = Deck::default();
        for n in &notes {
            deck.sync_note(&n.id, &n.body, Time::from_ms(0.0));
        }
        (Library::from_notes(notes), deck)
    }

    #[test]
    fn a_link_to_an_anchored_card_shows_its_front_and_recall() {
        let (library, deck) = library_and_deck(vec![
            note("f", "France", "Capital of France :: Paris ^capital"),
            note("c", "Course", "Remember [[France#^capital]]."),
        ]);
        let linked = linked_cards(
            "Remember [[France#^capital]].",
            &library,
            &deck,
            &Scheduler::default(),
            Time::from_ms(0.0),
        );
        assert_eq!(linked.len(), 1);
        let card = &linked[0];
        assert_eq!(card.label, "Capital of France");
        assert_eq!(card.note, "France");
        assert_eq!(
            card.href,
            Route::Note {
                id: "f".into(),
                heading: Some("block-capital".into())
            }
            .to_fragment()
        );
        // The learner's own card, never answered.
        assert_eq!(card.recall, Recall::New);
    }

    #[test]
    fn a_missing_note_or_anchor_is_named_and_not_studied() {
        let (library, deck) = library_and_deck(vec![note("f", "France", "No cards here.")]);
        let linked = linked_cards(
            "[[France#^nothing]] and [[Spain#^capital]]",
            &library,
            &deck,
            &Scheduler::default(),
            Time::from_ms(0.0),
        );
        let labels: Vec<&str> = linked.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["France › ^nothing", "Spain › ^capital"]);
        assert!(linked.iter().all(|c| c.recall == Recall::NotInDeck));
        assert_eq!(
            linked[1].href,
            Route::NewNote {
                title: "Spain".into()
            }
            .to_fragment()
        );
    }

    #[test]
    fn each_link_counts_once_and_plain_links_are_left_out() {
        let (library, deck) = library_and_deck(vec![note("f", "France", "Q :: A ^a")]);
        let linked = linked_cards(
            "[[France#^a]] [[france#^a]] [[France]] [[France#Heading]]",
            &library,
            &deck,
            &Scheduler::default(),
            Time::from_ms(0.0),
        );
        assert_eq!(linked.len(), 1);
    }
}

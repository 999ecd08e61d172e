//! The learner's cards: each card written in a note, with its schedule and status, kept apart
//! from the note text. Indexed by note so a note can list its cards and links can find them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::core::card::{self, CardRecord, ParsedCard, Written};
use crate::core::note::NoteId;
use crate::core::review::schedule::Schedule;

use crate::core::time::Time;

pub use crate::core::id::CardId;

fn yes() -> bool {
    true
}

/// A card as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub id: CardId,
    pub note_id: NoteId,
    /// The card's identity within its note (its anchor, or its normalised front).
    pub key: String,
    /// "basic", "reverse", "cloze" or "highlight".
    pub kind: String,
    /// Markdown shown as the question.
    pub front: String,
    /// Markdown shown as the answer.
    pub back: String,
    /// The `^anchor` that names the card, if any.
    #[serde(default)]
    pub anchor: Option<String>,
    /// Order within the note.
    #[serde(default)]
    pub position: u32,
    pub created: Time,
    /// Its text left the note: out of review, history kept, back if the text returns.
    #[serde(default)]
    pub retired: bool,
    /// Taken out of review by the learner.
    #[serde(default)]
    pub suspended: bool,
    /// In the learner's reviews. Cards of an imported course wait until the learner adds them.
    #[serde(default = "yes")]
    pub in_deck: bool,
    pub schedule: Schedule,
    /// When the card was first answered.
    #[serde(default)]
    pub introduced: Option<Time>,
    /// Buried by the learner until then (the start of their next day): out of reviews till then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buried_until: Option<Time>,
}

impl Card {
    /// Whether the card takes part in reviews.
    pub fn in_review(&self) -> bool {
        self.in_deck && !self.retired && !self.suspended
    }
}

/// All cards, by id and by note.
#[derive(Debug, Clone, Default)]
pub struct Deck {
    cards: HashMap<CardId, Card>,
    by_note: HashMap<NoteId, Vec<CardId>>,
}

impl Deck {
    pub fn from_cards(cards: impl IntoIterator<Item = Card>) -> Deck {
        let cards = cards.into_iter();
        // Sized once: a stored deck of 20,000 cards would otherwise be re-hashed a dozen times.
        let mut deck = Deck {
            cards: HashMap::with_capacity(cards.size_hint().0),
            by_note: HashMap::new(),
        };
        for card in cards {
            deck.put(card);
        }
        deck
    }

    pub fn len(&self) -> usize {
        self.cards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Card> {
        self.cards.get(id)
    }

    /// Every card, retired ones included, in no particular order.
    pub fn cards(&self) -> impl Iterator<Item = &Card> {
        self.cards.values()
    }

    /// Stores a card, replacing the one with the same id.
    pub fn put(&mut self, card: Card) {
        let ids = self.by_note.entry(card.note_id.clone()).or_default();
        if !ids.contains(&card.id) {
            ids.push(card.id.clone());
        }
        self.cards.insert(card.id.clone(), card);
    }

    /// The cards of a note, retired ones included, in their order in the note.
    pub fn cards_of_note(&self, note_id: &str) -> Vec<&Card> {
        let mut cards: Vec<&Card> = self
            .by_note
            .get(note_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.cards.get(id))
            .collect();
        crate::core::sort_by(&mut cards, |a, b| {
            a.retired
                .cmp(&b.retired)
                .then(a.position.cmp(&b.position))
                .then_with(|| a.id.cmp(&b.id))
        });
        cards
    }

    /// Brings a note's cards in line with its text: new cards are created (due now), cards still
    /// there take their new text and position, cards whose text left are retired and ones whose
    /// text came back are revived, with their history. Returns the cards that changed.
    pub fn sync_note(&mut self, note_id: &str, body: &str, now: Time) -> Vec<Card> {
        self.sync(note_id, body, now, true)
    }

    /// As [`Deck::sync_note`], for a note written by an import: the cards it creates wait out of
    /// reviews until the learner adds them; existing cards keep their place and history.
    pub fn sync_imported_note(&mut self, note_id: &str, body: &str, now: Time) -> Vec<Card> {
        self.sync(note_id, body, now, false)
    }

    /// As [`Deck::sync_imported_note`], with the cards already parsed from the note's text
    /// (the import preview parsed them).
    pub fn sync_imported_cards(
        &mut self,
        note_id: &str,
        parsed: &[ParsedCard],
        now: Time,
    ) -> Vec<Card> {
        self.sync_parsed(note_id, parsed, now, false)
    }

    /// Puts these cards in the learner's reviews; returns the ones that were not yet.
    pub fn add_to_reviews(&mut self, ids: &[CardId]) -> Vec<Card> {
        let mut changed = Vec::new();
        for id in ids {
            if let Some(card) = self.cards.get_mut(id) {
                if !card.in_deck {
                    card.in_deck = true;
                    changed.push(card.clone());
                }
            }
        }
        changed
    }

    fn sync(&mut self, note_id: &str, body: &str, now: Time, in_deck: bool) -> Vec<Card> {
        self.sync_parsed(note_id, &card::parse_cards(body), now, in_deck)
    }

    fn sync_parsed(
        &mut self,
        note_id: &str,
        parsed: &[ParsedCard],
        now: Time,
        in_deck: bool,
    ) -> Vec<Card> {
        let existing: Vec<CardRecord> = self
            .cards_of_note(note_id)
            .into_iter()
            .map(|c| CardRecord {
                id: c.id.clone(),
                note_id: c.note_id.clone(),
                key: c.key.clone(),
                retired: c.retired,
                written: Written {
                    kind: c.kind.clone(),
                    front: c.front.clone(),
                    back: c.back.clone(),
                    position: c.position as usize,
                },
                state: (),
            })
            .collect();
        if parsed.is_empty() && existing.iter().all(|c| c.retired) {
            return Vec::new();
        }
        let plan = card::reconcile(&existing, parsed, note_id);
        let mut changed = Vec::new();
        for placed in plan.insert {
            let mut card = Card {
                id: placed.id.clone(),
                note_id: NoteId::from(note_id),
                key: String::new(),
                kind: String::new(),
                front: String::new(),
                back: String::new(),
                anchor: None,
                position: 0,
                created: now,
                retired: false,
                suspended: false,
                in_deck,
                schedule: Schedule::new(now),
                introduced: None,
                buried_until: None,
            };
            take_text(&mut card, placed.card, placed.position);
            changed.push(card);
        }
        for placed in plan.update.into_iter().chain(plan.revive) {
            if let Some(stored) = self.cards.get(&placed.id) {
                let mut card = stored.clone();
                card.retired = false;
                take_text(&mut card, placed.card, placed.position);
                if &card != stored {
                    changed.push(card);
                }
            }
        }
        for id in plan.retire {
            if let Some(stored) = self.cards.get(&id) {
                let mut card = stored.clone();
                card.retired = true;
                changed.push(card);
            }
        }
        for card in &changed {
            self.put(card.clone());
        }
        changed
    }

    /// Retires every card of a deleted note (history kept); returns the cards that changed.
    pub fn retire_note(&mut self, note_id: &str) -> Vec<Card> {
        let ids = self.by_note.get(note_id).cloned().unwrap_or_default();
        let mut changed = Vec::new();
        for id in ids {
            if let Some(card) = self.cards.get_mut(&id) {
                if !card.retired {
                    card.retired = true;
                    changed.push(card.clone());
                }
            }
        }
        changed
    }

    /// The live card a `[[Note#^anchor]]` link points at.
    pub fn by_anchor(&self, note_id: &str, anchor: &str) -> Option<&Card> {
        self.by_note
            .get(note_id)?
            .iter()
            .filter_map(|id| self.cards.get(id))
            .find(|c| !c.retired && c.anchor.as_deref() == Some(anchor))
    }
}

/// Copies what the note now says about a card into the stored card.
fn take_text(card: &mut Card, parsed: &ParsedCard, position: usize) {
    card.key = parsed.key.clone();
    card.kind = parsed.kind.name().to_string();
    card.front = parsed.front.clone();
    card.back = parsed.back.clone();
    card.anchor = parsed.anchor.clone();
    card.position = u32::try_from(position).unwrap_or(u32::MAX);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A new basic card in note "n".
    pub(crate) fn card(id: &str, created: Time) -> Card {
        Card {
            id: id.into(),
            note_id: "n".into(),
            key: id.to_string(),
            kind: "basic".to_string(),
            front: format!("front {id}"),
            back: format!("back {id}"),
            anchor: None,
            position: 0,
            created,
            retired: false,
            suspended: false,
            in_deck: true,
            schedule: Schedule::new(created),
            introduced: None,
            buried_until: None,
        }
    }

    #[test]
    fn cards_by_note_in_order_with_retired_last() {
        let mut a = card("a", Time::from_ms(0.0));
        a.position = 2;
        let mut b = card("b", Time::from_ms(0.0));
        b.position = 1;
        let mut c = card("c", Time::from_ms(0.0));
        c.retired = true;
        let mut other = card("o", Time::from_ms(0.0));
        other.note_id = "m".into();
        let deck = Deck::from_cards([a, b, c, other]);
        let ids: Vec<&str> = deck
            .cards_of_note("n")
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, ["b", "a", "c"]);
        assert_eq!(deck.len(), 4);
        assert!(deck.cards_of_note("nothing").is_empty());
    }

    #[test]
    fn put_replaces_and_anchors_find_live_cards() {
        let mut a = card("a", Time::from_ms(0.0));
        a.anchor = Some("capital".to_string());
        let mut deck = Deck::from_cards([a.clone()]);
        assert_eq!(
            deck.by_anchor("n", "capital").map(|c| c.id.as_str()),
            Some("a")
        );
        a.retired = true;
        deck.put(a);
        assert_eq!(deck.len(), 1);
        assert_eq!(deck.cards_of_note("n").len(), 1);
        assert!(deck.by_anchor("n", "capital").is_none());
    }

    #[test]
    fn syncing_a_note_creates_keeps_retires_and_revives_cards() {
        let mut deck = Deck::default();
        let made = deck.sync_note(
            "n",
            "France :: Paris ^fr\n\nSpain ::: Madrid\n",
            Time::from_ms(5.0),
        );
        assert_eq!(made.len(), 3);
        assert!(made
            .iter()
            .all(|c| c.schedule.is_new() && c.created == Time::from_ms(5.0)));
        let fr = deck.by_anchor("n", "fr").unwrap().clone();
        assert_eq!(fr.id, "n/^fr");
        assert_eq!((fr.front.as_str(), fr.back.as_str()), ("France", "Paris"));
        assert_eq!(
            deck.cards_of_note("n")
                .iter()
                .map(|c| c.kind.as_str())
                .collect::<Vec<_>>(),
            ["basic", "basic", "reverse"]
        );

        // Progress on a card survives an edit of its back.
        let mut studied = fr.clone();
        studied.introduced = Some(Time::from_ms(6.0));
        studied.schedule.last_review = Some(Time::from_ms(6.0));
        deck.put(studied.clone());
        let changed = deck.sync_note(
            "n",
            "France :: Paris, on the Seine ^fr\n\nSpain ::: Madrid\n",
            Time::from_ms(7.0),
        );
        assert_eq!(changed.len(), 1);
        let fr = deck.get("n/^fr").unwrap();
        assert_eq!(fr.back, "Paris, on the Seine");
        assert_eq!(fr.introduced, Some(Time::from_ms(6.0)));

        // Unchanged text changes nothing.
        assert!(deck
            .sync_note(
                "n",
                "France :: Paris, on the Seine ^fr\n\nSpain ::: Madrid\n",
                Time::from_ms(8.0)
            )
            .is_empty());

        // Text gone: retired with history; back: revived with it.
        let gone = deck.sync_note("n", "Spain ::: Madrid\n", Time::from_ms(9.0));
        // The others moved up a place.
        assert_eq!(gone.iter().filter(|c| c.retired).count(), 1);
        assert_eq!(gone.len(), 3);
        assert!(deck.get("n/^fr").unwrap().retired);
        assert!(deck.by_anchor("n", "fr").is_none());
        let back = deck.sync_note(
            "n",
            "France :: Paris ^fr\n\nSpain ::: Madrid\n",
            Time::from_ms(10.0),
        );
        assert!(back.iter().any(|c| c.id == "n/^fr" && !c.retired));
        let fr = deck.get("n/^fr").unwrap();
        assert!(!fr.retired);
        assert_eq!(fr.introduced, Some(Time::from_ms(6.0)));
        assert_eq!(deck.len(), 3);
    }

    #[test]
    fn imported_cards_wait_until_added() {
        let mut deck = Deck::default();
        let made = deck.sync_imported_note("n", "A :: 1\n\nB :: 2\n", Time::from_ms(1.0));
        assert_eq!(made.len(), 2);
        assert!(made.iter().all(|c| !c.in_deck && !c.in_review()));
        let ids: Vec<CardId> = made.iter().map(|c| c.id.clone()).collect();
        let added = deck.add_to_reviews(&[ids[0].clone(), "unknown".into()]);
        assert_eq!(added.len(), 1);
        assert!(deck.get(&ids[0]).unwrap().in_review());
        assert!(deck.add_to_reviews(&ids[..1]).is_empty());
        // A later import keeps the card in reviews; its new cards wait.
        let changed =
            deck.sync_imported_note("n", "A :: one\n\nB :: 2\n\nC :: 3\n", Time::from_ms(2.0));
        assert_eq!(changed.len(), 2);
        assert!(deck.get(&ids[0]).unwrap().in_deck);
        assert!(!deck.get(&ids[1]).unwrap().in_deck);
        assert!(changed.iter().any(|c| c.front == "C" && !c.in_deck));
        // The learner's own notes still make cards in reviews.
        assert!(deck
            .sync_note("m", "D :: 4", Time::from_ms(3.0))
            .iter()
            .all(|c| c.in_deck));
    }

    #[test]
    fn a_note_without_cards_costs_nothing() {
        let mut deck = Deck::default();
        assert!(deck
            .sync_note("n", "Just prose with [[links]].", Time::from_ms(1.0))
            .is_empty());
        assert!(deck.is_empty());
    }

    #[test]
    fn stored_cards_without_new_fields_read_with_defaults() {
        let json = r#"{"id":"n/k","note_id":"n","key":"k","kind":"basic","front":"f","back":"b",
            "created":1.0,"schedule":{"state":"learning","step":0,"due":1.0}}"#;
        let card: Card = serde_json::from_str(json).unwrap();
        assert!(card.in_deck && !card.retired && !card.suspended && card.in_review());
        assert!(card.schedule.is_new());
    }
}

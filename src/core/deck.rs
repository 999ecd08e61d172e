//! The learner's cards: each card written in a note, with its schedule and status, kept apart
//! from the note text. Indexed by note so a note can list its cards and links can find them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::core::note::NoteId;
use crate::core::schedule::{Millis, Schedule};

/// `"{note id}/{card key}"`: the author and every learner compute the same id for a card.
pub type CardId = String;

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
    pub created: Millis,
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
    pub introduced: Option<Millis>,
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
        let mut deck = Deck::default();
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
        cards.sort_by(|a, b| {
            a.retired
                .cmp(&b.retired)
                .then(a.position.cmp(&b.position))
                .then_with(|| a.id.cmp(&b.id))
        });
        cards
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A new basic card in note "n".
    pub(crate) fn card(id: &str, created: Millis) -> Card {
        Card {
            id: id.to_string(),
            note_id: "n".to_string(),
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
        }
    }

    #[test]
    fn cards_by_note_in_order_with_retired_last() {
        let mut a = card("a", 0.0);
        a.position = 2;
        let mut b = card("b", 0.0);
        b.position = 1;
        let mut c = card("c", 0.0);
        c.retired = true;
        let mut other = card("o", 0.0);
        other.note_id = "m".to_string();
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
        let mut a = card("a", 0.0);
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
    fn stored_cards_without_new_fields_read_with_defaults() {
        let json = r#"{"id":"n/k","note_id":"n","key":"k","kind":"basic","front":"f","back":"b",
            "created":1.0,"schedule":{"state":"learning","step":0,"due":1.0}}"#;
        let card: Card = serde_json::from_str(json).unwrap();
        assert!(card.in_deck && !card.retired && !card.suspended && card.in_review());
        assert!(card.schedule.is_new());
    }
}

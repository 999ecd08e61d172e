//! Matching the cards parsed from an edited note to its stored cards: by key, then edited cards
//! by likeness (see [`super::identity`]), so a card keeps its id and history through edits.

use std::collections::{HashMap, HashSet};

use super::identity::{pair_edited, Text};
use super::{card_id, ParsedCard};
use crate::core::id::{CardId, NoteId};

/// A stored card as reconciling needs it. `state` is whatever the store keeps with it (schedule,
/// flags); reconciling never looks at it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRecord<S = ()> {
    pub id: CardId,
    pub note_id: NoteId,
    pub key: String,
    /// Its text left the note: out of review, history kept.
    pub retired: bool,
    /// What it asked and answered when last stored, to recognise it after an edit.
    pub written: Written,
    pub state: S,
}

/// A stored card's text and place, as the identity rule reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// "basic", "reverse", "cloze" or "highlight".
    pub kind: String,
    pub front: String,
    pub back: String,
    pub position: usize,
}

/// A parsed card matched to a card id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<'a> {
    pub id: CardId,
    /// Its index among the parsed cards, which is its order in the note.
    pub position: usize,
    pub card: &'a ParsedCard,
}

/// What an edit of a note does to its stored cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled<'a> {
    /// New cards, to create with a fresh schedule.
    pub insert: Vec<Placed<'a>>,
    /// Live cards still in the note; their text and position may have changed.
    pub update: Vec<Placed<'a>>,
    /// Ids of live cards whose text left the note.
    pub retire: Vec<CardId>,
    /// Retired cards whose text is back: live again, with their history.
    pub revive: Vec<Placed<'a>>,
}

/// Matches the cards parsed from a note (keys unique, as [`parse_cards`] makes them) to the
/// stored cards of that note, in three passes: the same key (an anchor, or the same question),
/// then the id a key would have (records from before keys were kept), then edited cards by
/// likeness to the stored cards left. What is left of the parsed cards is new; what is left of
/// the live stored cards retires. Records of other notes are ignored.
///
/// [`parse_cards`]: super::parse_cards
pub fn reconcile<'a, S>(
    existing: &[CardRecord<S>],
    parsed: &'a [ParsedCard],
    note_id: &str,
) -> Reconciled<'a> {
    let mine: Vec<&CardRecord<S>> = existing.iter().filter(|r| r.note_id == note_id).collect();
    let mut by_key: HashMap<&str, &CardRecord<S>> = HashMap::new();
    let mut by_id: HashMap<&str, &CardRecord<S>> = HashMap::new();
    for record in &mine {
        by_key.entry(record.key.as_str()).or_insert(record);
        by_id.entry(record.id.as_str()).or_insert(record);
    }
    let mut matched: HashSet<&str> = HashSet::new();
    // For each parsed card: the record it is, if any, or `None` to pair later.
    let mut found: Vec<Option<&CardRecord<S>>> = vec![None; parsed.len()];
    // A parsed card whose key was matched already (keys were not unique) is left out.
    let mut dropped = vec![false; parsed.len()];
    for (position, card) in parsed.iter().enumerate() {
        if let Some(r) = by_key.get(card.key.as_str()) {
            if matched.insert(r.id.as_str()) {
                found[position] = Some(r);
            } else {
                dropped[position] = true;
            }
        }
    }
    for (position, card) in parsed.iter().enumerate() {
        if found[position].is_some() || dropped[position] {
            continue;
        }
        if let Some(r) = by_id.get(card_id(note_id, &card.key).as_str()) {
            if matched.insert(r.id.as_str()) {
                found[position] = Some(r);
            }
        }
    }
    let left: Vec<&CardRecord<S>> = mine
        .iter()
        .copied()
        .filter(|r| !matched.contains(r.id.as_str()))
        .collect();
    let waiting: Vec<usize> = (0..parsed.len())
        .filter(|&p| found[p].is_none() && !dropped[p])
        .collect();
    let stored_texts: Vec<Text<'_>> = left
        .iter()
        .map(|r| Text {
            kind: &r.written.kind,
            front: &r.written.front,
            back: &r.written.back,
            position: r.written.position,
        })
        .collect();
    let new_texts: Vec<Text<'_>> = waiting
        .iter()
        .map(|&p| Text {
            kind: parsed[p].kind.name(),
            front: &parsed[p].front,
            back: &parsed[p].back,
            position: p,
        })
        .collect();
    for (s, n) in pair_edited(&stored_texts, &new_texts) {
        // A live card is preferred to a retired one only through likeness; both keep history.
        matched.insert(left[s].id.as_str());
        found[waiting[n]] = Some(left[s]);
    }
    let taken: HashSet<&str> = mine.iter().map(|r| r.id.as_str()).collect();
    let mut out = Reconciled::default();
    let mut fresh: HashSet<CardId> = HashSet::new();
    for (position, card) in parsed.iter().enumerate() {
        if dropped[position] {
            continue;
        }
        match found[position] {
            Some(r) => {
                let placed = Placed {
                    id: r.id.clone(),
                    position,
                    card,
                };
                if r.retired {
                    out.revive.push(placed);
                } else {
                    out.update.push(placed);
                }
            }
            None => {
                let id = unused_id(card_id(note_id, &card.key), |id| {
                    taken.contains(id) || fresh.contains(id)
                });
                fresh.insert(id.clone());
                out.insert.push(Placed { id, position, card });
            }
        }
    }
    for record in mine {
        if !record.retired
            && !matched.contains(record.id.as_str())
            && !out.retire.contains(&record.id)
        {
            out.retire.push(record.id.clone());
        }
    }
    out
}

/// `id`, or `id~2`, `id~3`… when a stored card already has it: a card that kept its id through
/// an edit leaves its old key's id taken.
fn unused_id(id: CardId, is_taken: impl Fn(&str) -> bool) -> CardId {
    if !is_taken(&id) {
        return id;
    }
    (2..)
        .map(|n| format!("{id}~{n}"))
        .find(|candidate| !is_taken(candidate))
        .map_or(id, CardId::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::card::parse_cards;

    fn record(note: &str, key: &str, retired: bool) -> CardRecord<u32> {
        CardRecord {
            id: card_id(note, key),
            note_id: note.into(),
            key: key.to_string(),
            retired,
            written: Written::default(),
            state: 7,
        }
    }

    fn ids(placed: &[Placed<'_>]) -> Vec<(String, usize)> {
        placed
            .iter()
            .map(|p| (p.id.to_string(), p.position))
            .collect()
    }

    #[test]
    fn reconcile_keeps_retires_revives_and_adds() {
        let existing = [
            record("n", "basic:kept", false),
            record("n", "basic:gone", false),
            record("n", "basic:back", true),
            record("n", "basic:still gone", true),
            record("other", "basic:new", false),
        ];
        let parsed = parse_cards("New :: card\nKept :: new back\nBack :: again");
        let out = reconcile(&existing, &parsed, "n");
        assert_eq!(ids(&out.insert), [("n/basic:new".to_string(), 0)]);
        assert_eq!(ids(&out.update), [("n/basic:kept".to_string(), 1)]);
        assert_eq!(out.update[0].card.back, "new back");
        assert_eq!(ids(&out.revive), [("n/basic:back".to_string(), 2)]);
        assert_eq!(out.retire, ["n/basic:gone"]);
    }

    #[test]
    fn reconcile_edit_cycle() {
        let note = "n";
        let v1 = parse_cards("Q1 :: A1\nQ2 :: A2");
        let first = reconcile::<()>(&[], &v1, note);
        assert_eq!(first.insert.len(), 2);
        let mut store = stored(note, &first.insert);
        // The front of Q2 changes: Q2 retires, a new card comes.
        let v2 = parse_cards("Q1 :: A1 edited\nQ2 changed :: A2");
        let second = reconcile(&store, &v2, note);
        assert_eq!(ids(&second.update), [("n/basic:q1".to_string(), 0)]);
        assert_eq!(ids(&second.insert), [("n/basic:q2 changed".to_string(), 1)]);
        assert_eq!(second.retire, ["n/basic:q2"]);
        for r in &mut store {
            r.retired = second.retire.contains(&r.id);
        }
        // The edit is undone: the old card comes back with its id, so its history.
        let third = reconcile(&store, &v1, note);
        assert_eq!(ids(&third.revive), [("n/basic:q2".to_string(), 1)]);
        assert_eq!(ids(&third.update), [("n/basic:q1".to_string(), 0)]);
        assert!(third.insert.is_empty() && third.retire.is_empty());
        // Nothing changes, nothing moves.
        let same = reconcile(&store, &[], "elsewhere");
        assert_eq!(same, Reconciled::default());
    }

    #[test]
    fn reconcile_everything_removed() {
        let existing = [record("n", "basic:a", false), record("n", "basic:b", true)];
        let out = reconcile(&existing, &[], "n");
        assert_eq!(out.retire, ["n/basic:a"]);
        assert!(out.insert.is_empty() && out.update.is_empty() && out.revive.is_empty());
    }

    #[test]
    fn reconcile_tolerates_duplicate_keys() {
        let mut parsed = parse_cards("a :: 1");
        parsed.extend(parse_cards("a :: 2"));
        let out = reconcile(&[record("n", "basic:a", false)], &parsed, "n");
        assert_eq!(ids(&out.update), [("n/basic:a".to_string(), 0)]);
        assert!(out.insert.is_empty() && out.retire.is_empty());
    }

    fn stored(note: &str, parsed: &[Placed<'_>]) -> Vec<CardRecord> {
        parsed
            .iter()
            .map(|p| CardRecord {
                id: p.id.clone(),
                note_id: note.into(),
                key: p.card.key.clone(),
                retired: false,
                written: Written {
                    kind: p.card.kind.name().to_string(),
                    front: p.card.front.clone(),
                    back: p.card.back.clone(),
                    position: p.position,
                },
                state: (),
            })
            .collect()
    }

    #[test]
    fn an_edited_question_keeps_its_card() {
        let v1 = parse_cards(
            "What gas do plants take in? :: Carbon dioxide\n\nCapital of France :: Paris",
        );
        let store = stored("n", &reconcile::<()>(&[], &v1, "n").insert);
        let v2 = parse_cards(
            "Capital of France :: Paris\n\nWhich gas do plants take in? :: Carbon dioxide",
        );
        let out = reconcile(&store, &v2, "n");
        assert!(out.insert.is_empty() && out.retire.is_empty() && out.revive.is_empty());
        let ids: Vec<(String, usize)> = ids(&out.update);
        assert!(ids.contains(&("n/basic:what gas do plants take in?".to_string(), 1)));
        assert!(ids.contains(&("n/basic:capital of france".to_string(), 0)));
    }

    #[test]
    fn a_new_card_never_takes_the_id_an_edited_card_kept() {
        let v1 = parse_cards("What gas do plants take in? :: Carbon dioxide");
        let mut store = stored("n", &reconcile::<()>(&[], &v1, "n").insert);
        let v2 = parse_cards("Which gas do plants take in? :: Carbon dioxide");
        let edited = reconcile(&store, &v2, "n");
        assert_eq!(
            ids(&edited.update),
            [("n/basic:what gas do plants take in?".to_string(), 0)]
        );
        store[0].key = v2[0].key.clone();
        store[0].written.front = v2[0].front.clone();
        // The old question is written again beside the edited one: a second card, its own id.
        let v3 = parse_cards(
            "Which gas do plants take in? :: Carbon dioxide\n\nWhat gas do plants take in? :: Oxygen",
        );
        let out = reconcile(&store, &v3, "n");
        assert_eq!(
            ids(&out.update),
            [("n/basic:what gas do plants take in?".to_string(), 0)]
        );
        assert_eq!(
            ids(&out.insert),
            [("n/basic:what gas do plants take in?~2".to_string(), 1)]
        );
    }
}

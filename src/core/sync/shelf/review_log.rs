//! The review log on the shelf: each `log-k` document keeps two maps for the cards whose ids
//! hash to it, `answers` (record id → [`answer_value`]) and `events` ([`CardEvent::key`] →
//! value). Entries are only ever added (an answer taken back is removed), so two devices'
//! answers and events all meet in the documents.

use std::collections::{BTreeSet, HashMap, HashSet};

use yrs::{Any, Map, Out, Transact};

use super::{is_empty_update, Shelf};
use crate::core::id::CardId;
use crate::core::review::ReviewRecord;
use crate::core::sync::log::{
    answer_value, read_answer, CardEvent, CardLog, Event, Flags, Marks, PageLog,
};
use crate::core::sync::{is_log_doc, log_doc, SHARDS};
use crate::core::time::Time;

/// A log document's answers and events, by card.
#[derive(Default)]
struct Read {
    answers: HashMap<CardId, Vec<ReviewRecord>>,
    marks: HashMap<CardId, Marks>,
}

impl Shelf {
    /// The page holds the answers and events the documents hold (see [`Shelf::settle`]).
    pub(super) fn settle_log(&mut self) {
        self.page_answers.clear();
        self.page_marks.clear();
        for doc in self.log_docs() {
            let read = self.read_log(doc);
            self.page_answers
                .extend(read.answers.into_values().flatten().map(|a| a.id));
            self.page_marks.extend(read.marks);
        }
        self.log_changed.clear();
    }

    /// The page's review log at start: answers the documents lack go in, and a card suspended
    /// or buried otherwise than the documents say was changed here while sync was not running.
    pub fn open_log(&mut self, answers: Vec<ReviewRecord>, flags: &Flags, now: Time) {
        let mut events = Vec::new();
        let mut event = |card: &CardId, event| {
            events.push(CardEvent {
                card: card.clone(),
                time: now,
                event,
            })
        };
        let suspended: HashSet<&CardId> = flags.suspended.iter().collect();
        let buried: HashMap<&CardId, Time> = flags.buried.iter().map(|(c, t)| (c, *t)).collect();
        for (card, marks) in &self.page_marks {
            let here = suspended.contains(card);
            if marks.suspended.is_some_and(|(_, on)| on != here) {
                event(card, Event::Suspended(here));
            }
            let until = buried.get(card).copied();
            if marks
                .buried
                .is_some_and(|(_, b)| b.map(Time::ms) != until.map(Time::ms))
            {
                event(card, Event::Buried(until));
            }
        }
        for card in suspended {
            if self
                .page_marks
                .get(card)
                .is_none_or(|m| m.suspended.is_none())
            {
                event(card, Event::Suspended(true));
            }
        }
        for (card, until) in buried {
            if self.page_marks.get(card).is_none_or(|m| m.buried.is_none()) {
                event(card, Event::Buried(Some(until)));
            }
        }
        self.from_page_log(PageLog {
            answers,
            undone: Vec::new(),
            events,
        });
    }

    /// The page changed its review log: answers and events go into their documents.
    pub fn from_page_log(&mut self, log: PageLog) {
        let mut docs: BTreeSet<usize> = BTreeSet::new();
        docs.extend(log.answers.iter().map(|a| log_doc(&a.card_id)));
        docs.extend(log.undone.iter().map(|id| log_doc(card_of(id))));
        docs.extend(log.events.iter().map(|e| log_doc(&e.card)));
        for doc in docs {
            let [answers, events] = &self.log_maps[doc - 1 - SHARDS];
            let mut txn = self.docs[doc].transact_mut();
            for answer in log.answers.iter().filter(|a| log_doc(&a.card_id) == doc) {
                if answers.get(&txn, &answer.id).is_none() {
                    answers.insert(&mut txn, answer.id.as_str(), answer_value(&answer.log));
                }
                self.page_answers.insert(answer.id.clone());
            }
            for id in log.undone.iter().filter(|id| log_doc(card_of(id)) == doc) {
                answers.remove(&mut txn, id);
                self.page_answers.remove(id);
            }
            for event in log.events.iter().filter(|e| log_doc(&e.card) == doc) {
                events.insert(&mut txn, event.key(), event.value());
                self.page_marks
                    .entry(event.card.clone())
                    .or_default()
                    .take(event);
            }
            let update = txn.encode_update_v1();
            drop(txn);
            if !is_empty_update(&update) {
                self.outbox.push((doc, update));
            }
        }
    }

    /// The page's write of these cards' logs landed.
    pub fn stored_cards(&mut self, ids: &[CardId]) {
        for id in ids {
            self.awaiting_cards.remove(id);
        }
    }

    /// The log goes to the page now, even if notes told to it are not stored yet (their write
    /// failed, and is tried again later).
    pub fn deliver_log_anyway(&mut self) {
        self.log_now = !self.awaiting.is_empty();
    }

    /// Cards whose answers or events the documents have otherwise than the page: each with
    /// everything the documents hold of it, for the page to store and replay.
    pub fn to_page_log(&mut self) -> Vec<CardLog> {
        // Notes told to the page go first, stored: their cards are then there for the answers,
        // and the notes' write does not queue behind the log's (a joining device's 10,000 notes
        // waited 13 s behind 100,000 answers).
        let after_notes = !self.awaiting.is_empty() && !self.log_now;
        if !self.answered.iter().all(|answered| *answered) || after_notes {
            return Vec::new();
        }
        let mut logs = Vec::new();
        for doc in std::mem::take(&mut self.log_changed) {
            let mut read = self.read_log(doc);
            let mut held: HashMap<CardId, Vec<String>> = HashMap::new();
            for id in &self.page_answers {
                let card = card_of(id);
                if log_doc(card) == doc {
                    held.entry(card.into()).or_default().push(id.clone());
                }
            }
            let mut cards: BTreeSet<CardId> = read.answers.keys().cloned().collect();
            cards.extend(held.keys().cloned());
            cards.extend(read.marks.keys().cloned());
            cards.extend(
                self.page_marks
                    .keys()
                    .filter(|card| log_doc(card) == doc)
                    .cloned(),
            );
            for card in cards {
                let answers = read.answers.remove(&card).unwrap_or_default();
                let marks = read.marks.remove(&card).unwrap_or_default();
                let there: HashSet<&str> = answers.iter().map(|a| a.id.as_str()).collect();
                let undone: Vec<String> = held
                    .remove(&card)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|id| !there.contains(id.as_str()))
                    .collect();
                let new = answers.iter().any(|a| !self.page_answers.contains(&a.id));
                let marked = self.page_marks.get(&card).cloned().unwrap_or_default() != marks;
                if !new && undone.is_empty() && !marked {
                    continue;
                }
                for id in &undone {
                    self.page_answers.remove(id);
                }
                self.page_answers
                    .extend(answers.iter().map(|a| a.id.clone()));
                self.page_marks.insert(card.clone(), marks.clone());
                self.awaiting_cards.insert(card.clone());
                logs.push(CardLog {
                    card,
                    answers,
                    undone,
                    marks,
                });
            }
        }
        logs
    }

    fn log_docs(&self) -> impl Iterator<Item = usize> {
        (0..self.docs.len()).filter(|doc| is_log_doc(*doc))
    }

    /// What a log document holds, by card; entries Loam did not write, or of cards that belong
    /// to another document, are passed over.
    fn read_log(&self, doc: usize) -> Read {
        let [answers, events] = &self.log_maps[doc - 1 - SHARDS];
        let txn = self.docs[doc].transact();
        let mut read = Read::default();
        for (id, value) in answers.iter(&txn) {
            let Out::Any(Any::String(value)) = value else {
                continue;
            };
            if let Some(answer) = read_answer(id, &value).filter(|a| log_doc(&a.card_id) == doc) {
                read.answers
                    .entry(answer.card_id.clone())
                    .or_default()
                    .push(answer);
            }
        }
        for (key, value) in events.iter(&txn) {
            let Out::Any(Any::String(value)) = value else {
                continue;
            };
            if let Some(event) = CardEvent::read(key, &value).filter(|e| log_doc(&e.card) == doc) {
                read.marks
                    .entry(event.card.clone())
                    .or_default()
                    .take(&event);
            }
        }
        read
    }
}

/// The card an answer's record id names (`<card>@<time>`).
fn card_of(id: &str) -> &str {
    id.rsplit_once('@').map_or(id, |(card, _)| card)
}

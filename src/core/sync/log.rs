//! The review log as sync carries it: answers and card events (suspend, bury, reset, added to
//! reviews) as short entries of the `log-k` documents, and what the page makes of them. A
//! card's schedule is never synced: each device replays the card's merged answers through the
//! scheduler ([`replay_answers`]), so no device's answer is lost to a last-writer-wins race.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::id::CardId;
use crate::core::records::Records;
use crate::core::review::deck::{Card, Deck};
use crate::core::review::schedule::{CardState, Rating, ReviewLog, Schedule, Scheduler};
use crate::core::review::{replay_answers, ReviewRecord};
use crate::core::time::{Span, Time};

/// Something the learner did to a card besides answering it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// Taken out of review (`true`) or put back.
    Suspended(bool),
    /// Buried until a time, or unburied.
    Buried(Option<Time>),
    /// Its progress forgotten: answers before this time no longer count for its schedule.
    Reset,
    /// Put into the learner's reviews (a course's card).
    Added,
}

/// An [`Event`] of one card at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardEvent {
    pub card: CardId,
    pub time: Time,
    pub event: Event,
}

impl CardEvent {
    /// Its key in a document's `events` map: the card, the time and the kind, so events never
    /// overwrite each other and the latest is chosen by its time.
    pub fn key(&self) -> String {
        let kind = match self.event {
            Event::Suspended(_) => 's',
            Event::Buried(_) => 'b',
            Event::Reset => 'r',
            Event::Added => 'a',
        };
        format!("{}@{}#{kind}", self.card, self.time.ms() as i64)
    }

    pub fn value(&self) -> String {
        match self.event {
            Event::Suspended(on) => if on { "1" } else { "0" }.to_string(),
            Event::Buried(Some(until)) => (until.ms() as i64).to_string(),
            Event::Buried(None) | Event::Reset | Event::Added => String::new(),
        }
    }

    /// An event as a document holds it; `None` for an entry Loam did not write.
    pub fn read(key: &str, value: &str) -> Option<CardEvent> {
        let (rest, kind) = key.rsplit_once('#')?;
        let (card, time) = rest.rsplit_once('@')?;
        let time = Time::from_ms(time.parse::<i64>().ok()? as f64);
        let event = match (kind, value) {
            ("s", "1") => Event::Suspended(true),
            ("s", "0") => Event::Suspended(false),
            ("b", "") => Event::Buried(None),
            ("b", until) => Event::Buried(Some(Time::from_ms(until.parse::<i64>().ok()? as f64))),
            ("r", _) => Event::Reset,
            ("a", _) => Event::Added,
            _ => return None,
        };
        (!card.is_empty()).then(|| CardEvent {
            card: card.into(),
            time,
            event,
        })
    }
}

/// An answer's value in a document's `answers` map (keyed by the record's id): rating, states
/// before and after, time, whole days elapsed and interval, in a few bytes.
pub fn answer_value(log: &ReviewLog) -> String {
    let elapsed = log
        .elapsed_days
        .map_or_else(|| "-".to_string(), |d| d.to_string());
    format!(
        "{}{}{} {} {elapsed} {}",
        log.rating.number(),
        state_letter(log.state_before),
        state_letter(log.state_after),
        log.time.ms() as i64,
        log.interval_ms.ms() as i64,
    )
}

/// An answer as a document holds it; `None` for an entry Loam did not write.
pub fn read_answer(id: &str, value: &str) -> Option<ReviewRecord> {
    let (card, _) = id.rsplit_once('@')?;
    let mut parts = value.split(' ');
    let head = parts.next()?.as_bytes();
    let [rating, before, after] = head else {
        return None;
    };
    let number = |text: &str| text.parse::<i64>().ok().map(|n| n as f64);
    let time = number(parts.next()?)?;
    let elapsed = match parts.next()? {
        "-" => None,
        days => Some(days.parse::<u32>().ok()?),
    };
    let interval = number(parts.next()?)?;
    if parts.next().is_some() || card.is_empty() {
        return None;
    }
    Some(ReviewRecord {
        id: id.to_string(),
        card_id: card.into(),
        log: ReviewLog {
            rating: Rating::from_number(rating.checked_sub(b'0')?)?,
            time: Time::from_ms(time),
            state_before: letter_state(*before)?,
            state_after: letter_state(*after)?,
            elapsed_days: elapsed,
            interval_ms: Span::from_ms(interval),
        },
    })
}

fn state_letter(state: CardState) -> char {
    match state {
        CardState::Learning => 'l',
        CardState::Review => 'r',
        CardState::Relearning => 'x',
    }
}

fn letter_state(letter: u8) -> Option<CardState> {
    match letter {
        b'l' => Some(CardState::Learning),
        b'r' => Some(CardState::Review),
        b'x' => Some(CardState::Relearning),
        _ => None,
    }
}

/// The latest event of each kind a card has had, as every device reads them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Marks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended: Option<(Time, bool)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buried: Option<(Time, Option<Time>)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<Time>,
    #[serde(default)]
    pub added: bool,
}

impl Marks {
    /// Takes `event` if it is the latest of its kind (ties go to the larger value, the same
    /// choice everywhere).
    pub fn take(&mut self, event: &CardEvent) {
        let time = event.time;
        let later = |at: Option<Time>| at.is_none_or(|at| time.ms() > at.ms());
        let same = |at: Option<Time>| at.is_some_and(|at| time.ms() == at.ms());
        match event.event {
            Event::Suspended(on) => {
                let at = self.suspended.map(|s| s.0);
                if later(at) || (same(at) && on) {
                    self.suspended = Some((time, on));
                }
            }
            Event::Buried(until) => {
                let at = self.buried.map(|b| b.0);
                let larger = self
                    .buried
                    .is_some_and(|b| until.map_or(-1.0, Time::ms) > b.1.map_or(-1.0, Time::ms));
                if later(at) || (same(at) && larger) {
                    self.buried = Some((time, until));
                }
            }
            Event::Reset => {
                if later(self.reset) {
                    self.reset = Some(time);
                }
            }
            Event::Added => self.added = true,
        }
    }
}

/// What the documents hold of one card, for the page: every answer, answers taken back
/// elsewhere (`undone`, record ids the page held) and its latest events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardLog {
    pub card: CardId,
    pub answers: Vec<ReviewRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undone: Vec<String>,
    #[serde(default)]
    pub marks: Marks,
}

/// What the page tells sync of its review log: answers given or brought in, answers taken back,
/// and card events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageLog {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<ReviewRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undone: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<CardEvent>,
}

impl PageLog {
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty() && self.undone.is_empty() && self.events.is_empty()
    }
}

/// The cards the page holds suspended or buried, told at start: where the documents differ,
/// the page changed them while sync was not running.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flags {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspended: Vec<CardId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buried: Vec<(CardId, Time)>,
}

impl Flags {
    pub fn of(deck: &Deck) -> Flags {
        let mut flags = Flags::default();
        for card in deck.cards() {
            if card.suspended {
                flags.suspended.push(card.id.clone());
            }
            if let Some(until) = card.buried_until {
                flags.buried.push((card.id.clone(), until));
            }
        }
        flags
    }
}

/// The events that make `before` into `after` (a change another tab stored, seen as the two
/// versions of the card).
pub fn events_between(before: &Card, after: &Card, now: Time) -> Vec<CardEvent> {
    let mut events = Vec::new();
    let mut add = |event| {
        events.push(CardEvent {
            card: after.id.clone(),
            time: now,
            event,
        })
    };
    if before.suspended != after.suspended {
        add(Event::Suspended(after.suspended));
    }
    if before.buried_until != after.buried_until {
        add(Event::Buried(after.buried_until));
    }
    if !before.schedule.is_new() && after.schedule.is_new() && after.introduced.is_none() {
        add(Event::Reset);
    }
    if !before.in_deck && after.in_deck {
        add(Event::Added);
    }
    events
}

/// Makes what sync brought of cards' logs in the deck: every answer is stored, answers taken
/// back elsewhere are removed, and each card's schedule is what replaying its answers since
/// its latest reset gives. A card the page answered later than any answer sync has seen keeps
/// its schedule: that answer is on its way to sync, which will bring the merge.
pub fn take_logs(deck: &mut Deck, scheduler: &Scheduler, logs: Vec<CardLog>) -> Records {
    let mut records = Records::default();
    for log in logs {
        if let Some(card) = deck.get(&log.card) {
            let mut after = card.clone();
            let since = log.marks.reset.map_or(f64::NEG_INFINITY, Time::ms);
            // Filled one by one: `collect` would compile a sort of its own.
            let mut counted: BTreeMap<i64, &ReviewLog> = BTreeMap::new();
            for a in &log.answers {
                if !log.undone.contains(&a.id) && a.log.time.ms() > since {
                    counted.insert(a.log.time.ms() as i64, &a.log);
                }
            }
            let latest = counted
                .keys()
                .next_back()
                .map_or(since, |&ms| (ms as f64).max(since));
            let ahead =
                log.undone.is_empty() && card.schedule.last_review.is_some_and(|l| l.ms() > latest);
            if !ahead {
                after.schedule = if counted.is_empty() {
                    match log.marks.reset {
                        Some(reset) => Schedule::new(reset),
                        None if card.schedule.is_new() => card.schedule.clone(),
                        None => Schedule::new(card.created),
                    }
                } else {
                    replay_answers(scheduler, &card.id, counted.values().copied())
                };
                after.introduced = counted.values().next().map(|a| a.time);
            }
            if let Some((_, on)) = log.marks.suspended {
                after.suspended = on;
            }
            if let Some((_, until)) = log.marks.buried {
                after.buried_until = until;
            }
            after.in_deck |= log.marks.added;
            if &after != card {
                deck.put(after.clone());
                records.cards.push(after);
            }
        }
        records.deleted_reviews.extend(log.undone);
        records.reviews.extend(log.answers);
    }
    records
}

#[cfg(test)]
mod tests;

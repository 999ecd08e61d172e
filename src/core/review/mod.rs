//! The review session: which card comes next, answering it (new schedule plus a review-log entry)
//! and undoing the last answer.

pub mod deck;
pub mod fit;
pub mod history;
pub mod linked;
pub mod schedule;
pub mod stats;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::core::note::NoteId;
use crate::core::review::deck::{Card, CardId, Deck};
use crate::core::review::schedule::{CardState, Rating, ReviewLog, Schedule, Scheduler, Settings};

use crate::core::review::stats::Calendar;
use crate::core::time::{Span, Time};

/// How far ahead a learning card may be shown when nothing else is left, as Anki does, so a
/// one-minute step does not leave the learner staring at an empty screen.
pub const LEARN_AHEAD: Span = Span::from_ms(20.0 * 60_000.0);

/// The learner's review settings, stored with their data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewSettings {
    /// Desired retention, steps, maximum interval, fuzzing.
    pub scheduler: Settings,
    /// New cards introduced per day at most.
    pub new_per_day: u32,
    /// FSRS parameters in use before the current ones, oldest first, to restore.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier_params: Vec<Vec<f32>>,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings {
            scheduler: Settings::default(),
            new_per_day: 20,
            earlier_params: Vec::new(),
        }
    }
}

/// How many replaced parameter sets are kept.
const EARLIER_PARAMS_KEPT: usize = 5;

impl ReviewSettings {
    /// These settings with `params` in use; the parameters they replace are kept to restore.
    pub fn adopting(&self, params: Vec<f32>) -> ReviewSettings {
        let mut next = self.clone();
        let replaced = std::mem::replace(&mut next.scheduler.params, params);
        next.earlier_params.push(replaced);
        let excess = next
            .earlier_params
            .len()
            .saturating_sub(EARLIER_PARAMS_KEPT);
        next.earlier_params.drain(..excess);
        next
    }

    /// These settings with the parameters in use before the current ones; `None` if none are
    /// kept.
    pub fn restoring(&self) -> Option<ReviewSettings> {
        let mut next = self.clone();
        next.scheduler.params = next.earlier_params.pop()?;
        Some(next)
    }

    /// Whether the scheduler runs on FSRS's default parameters (never fitted, or restored).
    pub fn uses_default_params(&self) -> bool {
        self.scheduler.params.is_empty() || self.scheduler.params == fsrs::DEFAULT_PARAMETERS
    }
}

/// The review settings as typed into the settings form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsForm {
    pub desired_retention: String,
    pub maximum_interval_days: String,
    pub new_per_day: String,
    pub learning_steps: String,
    pub relearning_steps: String,
}

impl SettingsForm {
    pub fn from_settings(settings: &ReviewSettings) -> SettingsForm {
        SettingsForm {
            desired_retention: format!("{:.2}", settings.scheduler.desired_retention),
            maximum_interval_days: settings.scheduler.maximum_interval_days.to_string(),
            new_per_day: settings.new_per_day.to_string(),
            learning_steps: format_steps(&settings.scheduler.learning_steps),
            relearning_steps: format_steps(&settings.scheduler.relearning_steps),
        }
    }

    /// Reads the form over `base` (which keeps what the form does not show, like FSRS
    /// parameters); the message says which field is wrong and how to write it (the first one,
    /// when several are: [`SettingsForm::check`] gives them all).
    pub fn read(&self, base: &ReviewSettings) -> Result<ReviewSettings, String> {
        self.check(base)
            .map_err(|problems| problems.into_iter().next().map(|p| p.1).unwrap_or_default())
    }

    /// Reads the form over `base`, or says what is wrong with every field that is (the field
    /// `None` when only the scheduler refuses them together).
    pub fn check(
        &self,
        base: &ReviewSettings,
    ) -> Result<ReviewSettings, Vec<(Option<Field>, String)>> {
        let mut problems: Vec<(Option<Field>, String)> = Vec::new();
        let mut note = |field: Field, result: Result<(), String>| {
            if let Err(message) = result {
                problems.push((Some(field), message));
            }
        };
        let mut settings = base.clone();
        note(
            Field::DesiredRetention,
            fraction(self.desired_retention.trim())
                .filter(|r| (0.7..=0.99).contains(r))
                .map(|r| settings.scheduler.desired_retention = r)
                .ok_or_else(|| "Desired retention must be a number between 0.70 and 0.99.".into()),
        );
        note(
            Field::MaximumInterval,
            self.maximum_interval_days
                .trim()
                .parse()
                .ok()
                .filter(|d| *d >= 1)
                .map(|d| settings.scheduler.maximum_interval_days = d)
                .ok_or_else(|| {
                    "Maximum interval must be a whole number of days, at least 1.".into()
                }),
        );
        note(
            Field::NewPerDay,
            self.new_per_day
                .trim()
                .parse()
                .map(|n| settings.new_per_day = n)
                .map_err(|_| "New cards per day must be a whole number.".into()),
        );
        note(
            Field::LearningSteps,
            parse_steps(&self.learning_steps)
                .map(|steps| settings.scheduler.learning_steps = steps)
                .map_err(|e| format!("Learning steps: {e}")),
        );
        note(
            Field::RelearningSteps,
            parse_steps(&self.relearning_steps)
                .map(|steps| settings.scheduler.relearning_steps = steps)
                .map_err(|e| format!("Relearning steps: {e}")),
        );
        if !problems.is_empty() {
            return Err(problems);
        }
        Scheduler::new(settings.scheduler.clone())
            .map_err(|e| vec![(None, format!("These settings cannot be used: {e}."))])?;
        Ok(settings)
    }
}

/// A field of the settings form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    DesiredRetention,
    MaximumInterval,
    NewPerDay,
    LearningSteps,
    RelearningSteps,
}

/// A wait as a learner reads it on an answer button: "1 min", "10 min", "5 h", "3 d", "2.5 mo",
/// "1.2 y".
pub fn format_interval(wait: Span) -> String {
    let minutes = (wait.ms() / 60_000.0).max(0.0);
    if minutes < 1.0 {
        return "now".to_string();
    }
    if minutes < 60.0 {
        return format!("{} min", minutes.round() as u64);
    }
    let hours = minutes / 60.0;
    if hours < 24.0 {
        return format!("{} h", hours.round() as u64);
    }
    let days = hours / 24.0;
    if days < 30.0 {
        return format!("{} d", days.round() as u64);
    }
    let months = days / 30.4375;
    if months < 12.0 {
        return format!("{} mo", one_decimal(months));
    }
    format!("{} y", one_decimal(days / 365.25))
}

/// What a learner knows of a card now, as shown on links to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Recall {
    /// No such live card, or it is not in the learner's reviews.
    NotInDeck,
    /// In the deck, never answered.
    New,
    /// FSRS retrievability now, 0 to 100.
    Percent(u8),
}

impl Recall {
    pub fn of(card: Option<&Card>, scheduler: &Scheduler, now: Time) -> Recall {
        match card {
            Some(card) if card.in_deck && !card.retired => {
                match scheduler.retrievability(&card.schedule, now) {
                    Some(r) => Recall::Percent((r * 100.0).round().clamp(0.0, 100.0) as u8),
                    None => Recall::New,
                }
            }
            _ => Recall::NotInDeck,
        }
    }
}

impl std::fmt::Display for Recall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recall::NotInDeck => f.write_str("not in your deck"),
            Recall::New => f.write_str("new"),
            Recall::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// The average recall over some cards, counting only those studied; `None` if none is.
pub fn average_recall(recalls: &[Recall]) -> Option<u8> {
    let studied: Vec<u32> = recalls
        .iter()
        .filter_map(|r| match r {
            Recall::Percent(p) => Some(u32::from(*p)),
            _ => None,
        })
        .collect();
    let count = u32::try_from(studied.len()).ok().filter(|n| *n > 0)?;
    Some(((studied.iter().sum::<u32>() + count / 2) / count) as u8)
}

/// Where a card stands, in a few words: "new", "learning, due in 5 min", "due now",
/// "due in 3 d, recall 92%", "suspended", "retired (its text left the note)".
pub fn card_status(card: &Card, scheduler: &Scheduler, now: Time) -> String {
    if card.retired {
        return "retired (its text left the note)".to_string();
    }
    if !card.in_deck {
        return "not in your deck".to_string();
    }
    if card.suspended {
        return "suspended".to_string();
    }
    if card.schedule.is_new() {
        return "new".to_string();
    }
    let due = if card.schedule.due <= now {
        "due now".to_string()
    } else {
        format!("due in {}", format_interval(card.schedule.due - now))
    };
    match (card.schedule.state, Recall::of(Some(card), scheduler, now)) {
        (CardState::Review, Recall::Percent(p)) => format!("{due}, recall {p}%"),
        (CardState::Relearning, _) => format!("relearning, {due}"),
        _ => format!("learning, {due}"),
    }
}

/// Reads learning steps as a learner types them: "1m 10m", "30s, 1h", "1d". Units s, m, h, d;
/// a bare number is minutes.
pub fn parse_steps(text: &str) -> Result<Vec<u32>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (number, unit) = match part.find(|c: char| !c.is_ascii_digit()) {
                Some(i) => part.split_at(i),
                None => (part, "m"),
            };
            let seconds_per = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3_600,
                "d" => 86_400,
                _ => {
                    return Err(format!(
                        "“{part}” is not a step: write it like 1m, 10m, 1h or 1d."
                    ))
                }
            };
            number
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .and_then(|n| n.checked_mul(seconds_per))
                .ok_or_else(|| format!("“{part}” is not a step: write it like 1m, 10m, 1h or 1d."))
        })
        .collect()
}

/// Writes steps back in the form [`parse_steps`] reads, in the largest whole unit.
pub fn format_steps(steps: &[u32]) -> String {
    steps
        .iter()
        .map(|&s| match s {
            s if s % 86_400 == 0 => format!("{}d", s / 86_400),
            s if s % 3_600 == 0 => format!("{}h", s / 3_600),
            s if s % 60 == 0 => format!("{}m", s / 60),
            s => format!("{s}s"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rounds to one decimal and drops a trailing ".0".
fn one_decimal(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as u64)
    } else {
        format!("{rounded:.1}")
    }
}

/// One entry of the review log, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// Unique per answer: the card id and the answer time.
    pub id: String,
    pub card_id: CardId,
    #[serde(flatten)]
    pub log: ReviewLog,
}

/// What is waiting in today's session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queue {
    /// Cards already answered before and due now, soonest first.
    pub due: Vec<CardId>,
    /// Never-answered cards that today's new-card limit still allows, in the order they were made.
    pub new: Vec<CardId>,
    /// Learning cards due within [`LEARN_AHEAD`], shown only when the rest is done.
    pub ahead: Vec<CardId>,
}

impl Queue {
    /// The card to show now.
    pub fn next(&self) -> Option<&CardId> {
        self.due
            .first()
            .or_else(|| self.new.first())
            .or_else(|| self.ahead.first())
    }
}

/// Builds the queue at `now`: due cards, then new ones up to `new_per_day` minus the new cards
/// already started today.
pub fn queue(deck: &Deck, now: Time, new_per_day: u32, calendar: Calendar) -> Queue {
    queue_in(deck, now, new_per_day, calendar, None)
}

/// [`queue`] of the cards written in `notes` only (all cards when `None`; see
/// [`crate::core::study::Scope`]). The new-card limit is the day's, whichever notes are studied.
pub fn queue_in(
    deck: &Deck,
    now: Time,
    new_per_day: u32,
    calendar: Calendar,
    notes: Option<&HashSet<NoteId>>,
) -> Queue {
    let new_allowed = new_allowed(deck, now, new_per_day, calendar);
    let mut due: Vec<&Card> = Vec::new();
    let mut new: Vec<&Card> = Vec::new();
    let mut ahead: Vec<&Card> = Vec::new();
    let in_scope = |card: &&Card| crate::core::study::covers(notes, &card.note_id);
    for card in deck.cards().filter(in_scope) {
        match standing(card, now) {
            Some(Standing::New) => new.push(card),
            Some(Standing::Due) => due.push(card),
            Some(Standing::Ahead) => ahead.push(card),
            None => {}
        }
    }
    let by_due = |a: &&Card, b: &&Card| {
        a.schedule
            .due
            .total_cmp(&b.schedule.due)
            .then_with(|| a.id.cmp(&b.id))
    };
    crate::core::sort_by(&mut due, by_due);
    crate::core::sort_by(&mut ahead, by_due);
    crate::core::sort_by(&mut new, |a, b| {
        a.created
            .total_cmp(&b.created)
            .then_with(|| a.position.cmp(&b.position))
            .then_with(|| a.id.cmp(&b.id))
    });
    new.truncate(new_allowed);
    let ids = |cards: Vec<&Card>| cards.into_iter().map(|c| c.id.clone()).collect();
    Queue {
        due: ids(due),
        new: ids(new),
        ahead: ids(ahead),
    }
}

/// How many cards [`queue`] would hold as due and new, counted without ordering or copying
/// them: the sidebar shows this number after every change of the deck.
pub fn waiting(deck: &Deck, now: Time, new_per_day: u32, calendar: Calendar) -> usize {
    waiting_in(deck, now, new_per_day, calendar, None)
}

/// [`waiting`] among the cards written in `notes` (all cards when `None`).
pub fn waiting_in(
    deck: &Deck,
    now: Time,
    new_per_day: u32,
    calendar: Calendar,
    notes: Option<&HashSet<NoteId>>,
) -> usize {
    let (mut due, mut new) = (0, 0);
    let in_scope = |card: &&Card| crate::core::study::covers(notes, &card.note_id);
    for card in deck.cards().filter(in_scope) {
        match standing(card, now) {
            Some(Standing::New) => new += 1,
            Some(Standing::Due) => due += 1,
            _ => {}
        }
    }
    due + new.min(new_allowed(deck, now, new_per_day, calendar))
}

/// Where a card stands in today's reviews.
enum Standing {
    New,
    Due,
    /// In learning and due within the learn-ahead limit.
    Ahead,
}

/// Where `card` stands now; `None` when it is out of review or not due soon.
fn standing(card: &Card, now: Time) -> Option<Standing> {
    if !card.in_review() || card.buried_until.is_some_and(|until| now < until) {
        None
    } else if card.schedule.is_new() {
        Some(Standing::New)
    } else if card.schedule.due <= now {
        Some(Standing::Due)
    } else if card.schedule.step.is_some() && card.schedule.due <= now + LEARN_AHEAD {
        Some(Standing::Ahead)
    } else {
        None
    }
}

/// How many new cards may still start today: the daily limit less those started today.
fn new_allowed(deck: &Deck, now: Time, new_per_day: u32, calendar: Calendar) -> usize {
    let today = calendar.day(now);
    let started_today = deck
        .cards()
        .filter(|c| c.introduced.is_some_and(|t| calendar.day(t) == today))
        .count();
    (new_per_day as usize).saturating_sub(started_today)
}

/// An answer that was given, with what is needed to take it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub before: Card,
    pub after: Card,
    pub record: ReviewRecord,
}

/// Answers a card: its new schedule and the log entry, to be stored together.
/// `random` feeds interval fuzzing; pass the same draw given to the preview on the buttons.
pub fn answer(
    card: &Card,
    rating: Rating,
    now: Time,
    scheduler: &Scheduler,
    random: impl FnMut() -> f64,
) -> Answer {
    let (schedule, log) = scheduler.review(&card.schedule, rating, now, random);
    let mut after = card.clone();
    after.schedule = schedule;
    after.introduced.get_or_insert(now);
    let record = ReviewRecord {
        id: format!("{}@{}", card.id, now.ms() as i64),
        card_id: card.id.clone(),
        log,
    };
    Answer {
        before: card.clone(),
        after,
        record,
    }
}

/// Answers a card as the learner does: fuzzed by the card's own [`fuzz_draw`], the draw the
/// buttons showed and any device replaying the answer uses.
pub fn answer_card(card: &Card, rating: Rating, now: Time, scheduler: &Scheduler) -> Answer {
    let draw = fuzz_draw(&card.id, card.schedule.last_review);
    answer(card, rating, now, scheduler, || draw)
}

/// The draw behind a card's interval fuzz at its next answer, fixed by the card and its last
/// answer: every device replaying the same answers reaches the same schedule, and the buttons
/// show the intervals the answer will give.
pub fn fuzz_draw(card: &str, last_review: Option<Time>) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let time = last_review.map_or(-1, |t| t.ms() as i64);
    for byte in card.bytes().chain(time.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // A SplitMix64 finish spreads nearby inputs over the whole range.
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// The schedule a card reaches through `answers` (any order), each fuzzed by [`fuzz_draw`] as
/// [`answer`] fuzzes it: what a device holds after giving or receiving these answers.
pub fn replay_answers<'a>(
    scheduler: &Scheduler,
    card: &str,
    answers: impl IntoIterator<Item = &'a ReviewLog>,
) -> Schedule {
    let mut answers: Vec<&ReviewLog> = answers.into_iter().collect();
    crate::core::sort_by(&mut answers, |a, b| a.time.total_cmp(&b.time));
    answers
        .into_iter()
        .fold(Schedule::default(), |schedule, log| {
            let draw = fuzz_draw(card, schedule.last_review);
            scheduler.review(&schedule, log.rating, log.time, || draw).0
        })
}

/// The number `text` writes when it lies between 0.1 and 1, as the nearest `f64` (the answer
/// `str::parse` gives), else `None`. The standard parse brings a 10 KB table of powers of five
/// into the app for this one field; here the bits come from doubling the decimal digits.
fn fraction(text: &str) -> Option<f64> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let (number, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (whole, decimals) = number.split_once('.').unwrap_or((number, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && decimals.is_empty()) || !all_digits(whole) || !all_digits(decimals) {
        return None;
    }
    let exponent = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !all_digits(digits) {
                return None;
            }
            let size = digits.bytes().fold(0i64, |n, b| {
                n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
            });
            if e.starts_with('-') {
                -size
            } else {
                size
            }
        }
    };
    let digits: Vec<u8> = whole
        .bytes()
        .chain(decimals.bytes())
        .map(|b| b - b'0')
        .collect();
    // Between 0.1 and 1 the first digit that is not zero comes right after the point.
    let first = digits.iter().position(|&d| d != 0)?;
    if (whole.len() as i64).saturating_add(exponent) != first as i64 {
        return None;
    }
    let last = digits.iter().rposition(|&d| d != 0)?;
    let mut rest = digits[first..=last].to_vec();
    // The first bit that is set (at most 4 places in, as the value is at least 0.1), then 52
    // more, then round to nearest, ties to even.
    let mut shift = 0;
    while !double(&mut rest) {
        shift += 1;
    }
    let mut bits: u64 = 1;
    for _ in 0..52 {
        bits = bits << 1 | u64::from(double(&mut rest));
    }
    let half = double(&mut rest);
    if half && (bits & 1 == 1 || rest.iter().any(|&d| d != 0)) {
        bits += 1;
    }
    Some(bits as f64 / (1u64 << (53 + shift)) as f64)
}

/// Doubles the decimal fraction `0.d1 d2 d3 ...` in place; true when it carries past the point.
fn double(digits: &mut [u8]) -> bool {
    let mut carry = 0;
    for d in digits.iter_mut().rev() {
        let twice = *d * 2 + carry;
        *d = twice % 10;
        carry = twice / 10;
    }
    carry == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::review::deck::tests::card;
    use crate::core::review::schedule::CardState;

    use crate::core::time::Span;
    use proptest::prelude::*;

    /// What the standard parse gives for `text`, kept when it lies in [0.5, 1).
    fn standard(text: &str) -> Option<f64> {
        text.parse::<f64>().ok().filter(|v| (0.5..1.0).contains(v))
    }

    #[test]
    fn fraction_reads_what_the_standard_parse_reads() {
        for text in [
            "0.9",
            "0.90",
            ".9",
            "+0.9",
            "9e-1",
            "90E-2",
            "0.0009e3",
            "00.95",
            "0.7",
            "0.99",
            "0.70",
            "0.5",
            "0.999999999999999999999",
            "0.49999999999999999999999",
            "0.6999999999999999",
            "0.69999999999999995559107901499373838305473327636718750",
            "0.85e+0",
            "8.5e-1",
            "0.9e00000000000000000000000000",
            "0.9e-99999999999999999999999",
            "1",
            "1.",
            "0",
            "-0.9",
            "",
            ".",
            "e",
            "e5",
            "0.9e",
            "0.9e+",
            "0.9e+-1",
            "++0.9",
            "+-0.9",
            "0..9",
            "0.9.",
            "inf",
            "NaN",
            "0x1",
            "0.9 ",
            " 0.9",
            "٠.٩",
            "0.9f",
            "1e-1",
            "0.1",
            "0.09999999999999999",
        ] {
            assert_eq!(
                fraction(text).filter(|v| (0.5..1.0).contains(v)),
                standard(text),
                "{text:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn fraction_agrees_with_the_standard_parse(
            whole in "0{0,3}[0-9]?",
            decimals in "[0-9]{0,30}",
            exponent in proptest::option::of(-40i32..40),
            dot in any::<bool>(),
        ) {
            let mut text = whole.clone();
            if dot || decimals.is_empty() {
                text.push('.');
            }
            text.push_str(&decimals);
            if let Some(e) = exponent {
                text.push_str(&format!("e{e}"));
            }
            prop_assert_eq!(fraction(&text).filter(|v| (0.5..1.0).contains(v)), standard(&text), "{:?}", text);
        }
    }

    const UTC: Calendar = Calendar { utc_offset_ms: 0.0 };
    const T0: Time = Time::from_ms(1_767_225_600_000.0); // 2026-01-01T00:00:00Z

    fn scheduler() -> Scheduler {
        Scheduler::new(Settings {
            enable_fuzzing: false,
            ..Settings::default()
        })
        .unwrap()
    }

    #[test]
    fn due_cards_come_before_new_ones_and_new_ones_are_limited() {
        let mut deck = Deck::default();
        for i in 0..5 {
            deck.put(card(&format!("new{i}"), T0 + Span::from_ms(f64::from(i))));
        }
        let mut reviewed = card("old", T0);
        reviewed.schedule.due = T0 + Span::DAY;
        reviewed.schedule.last_review = Some(T0);
        reviewed.schedule.state = CardState::Review;
        reviewed.schedule.step = None;
        reviewed.schedule.stability = Some(3.0);
        reviewed.schedule.difficulty = Some(5.0);
        deck.put(reviewed);

        let q = queue(&deck, T0 + Span::days(2.0), 3, UTC);
        assert_eq!(q.due, vec![CardId::from("old")]);
        assert_eq!(q.new, vec!["new0", "new1", "new2"]);
        assert_eq!(q.next().map(CardId::as_str), Some("old"));
    }

    #[test]
    fn new_cards_started_today_count_against_the_limit() {
        let mut deck = Deck::default();
        for i in 0..4 {
            deck.put(card(&format!("n{i}"), T0));
        }
        let now = T0 + Span::from_ms(3_600_000.0);
        let first = deck.get("n0").unwrap().clone();
        let a = answer(&first, Rating::Good, now, &scheduler(), || 0.5);
        deck.put(a.after);
        let q = queue(&deck, now, 2, UTC);
        assert_eq!(q.new, vec!["n1"]);
        // Tomorrow the limit is fresh again.
        let q = queue(&deck, now + Span::DAY, 2, UTC);
        assert_eq!(q.new, vec!["n1", "n2"]);
    }

    #[test]
    fn waiting_counts_what_the_queue_holds() {
        let mut deck = Deck::default();
        for i in 0..6 {
            deck.put(card(&format!("n{i}"), T0 + Span::from_ms(f64::from(i))));
        }
        let mut suspended = card("s", T0);
        suspended.suspended = true;
        deck.put(suspended);
        let mut not_added = card("c", T0);
        not_added.in_deck = false;
        deck.put(not_added);
        let s = scheduler();
        for (id, rating) in [
            ("n0", Rating::Good),
            ("n1", Rating::Again),
            ("n2", Rating::Easy),
        ] {
            let a = answer(deck.get(id).unwrap(), rating, T0, &s, || 0.5);
            deck.put(a.after);
        }
        for now in [
            T0,
            T0 + Span::from_ms(1_000.0),
            T0 + Span::from_ms(61_000.0),
            T0 + Span::DAY,
            T0 + Span::days(30.0),
        ] {
            for limit in [0, 1, 2, 20] {
                let q = queue(&deck, now, limit, UTC);
                assert_eq!(
                    waiting(&deck, now, limit, UTC),
                    q.due.len() + q.new.len(),
                    "at {now:?} with {limit} new a day"
                );
            }
        }
    }

    #[test]
    fn a_scoped_queue_holds_only_its_notes_cards_under_the_days_new_limit() {
        let mut deck = Deck::default();
        for (id, note) in [("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b")] {
            let mut c = card(id, T0);
            c.note_id = note.into();
            deck.put(c);
        }
        let started = answer(
            deck.get("b1").unwrap(),
            Rating::Good,
            T0,
            &scheduler(),
            || 0.5,
        );
        deck.put(started.after);
        let only_a: HashSet<NoteId> = [NoteId::from("a")].into_iter().collect();
        let q = queue_in(&deck, T0, 3, UTC, Some(&only_a));
        // b1, started today in another scope, used one of the day's three new cards.
        assert_eq!(q.new, vec!["a1", "a2"]);
        assert!(q.due.is_empty() && q.ahead.is_empty());
        assert_eq!(waiting_in(&deck, T0, 3, UTC, Some(&only_a)), 2);
        assert_eq!(queue_in(&deck, T0, 3, UTC, None), queue(&deck, T0, 3, UTC));
        let nothing = HashSet::new();
        assert_eq!(
            queue_in(&deck, T0, 3, UTC, Some(&nothing)),
            Queue::default()
        );
    }

    #[test]
    fn a_buried_card_waits_for_the_time_it_was_buried_until() {
        let mut deck = Deck::default();
        let mut buried = card("b", T0);
        buried.buried_until = Some(T0 + Span::DAY);
        deck.put(buried);
        deck.put(card("ok", T0));
        assert_eq!(queue(&deck, T0, 20, UTC).new, vec!["ok"]);
        assert_eq!(waiting(&deck, T0, 20, UTC), 1);
        assert_eq!(queue(&deck, T0 + Span::DAY, 20, UTC).new, vec!["b", "ok"]);
    }

    #[test]
    fn suspended_retired_and_unadded_cards_stay_out() {
        let mut deck = Deck::default();
        let mut suspended = card("s", T0);
        suspended.suspended = true;
        let mut retired = card("r", T0);
        retired.retired = true;
        let mut not_added = card("c", T0);
        not_added.in_deck = false;
        deck.put(suspended);
        deck.put(retired);
        deck.put(not_added);
        deck.put(card("ok", T0));
        assert_eq!(queue(&deck, T0, 20, UTC).new, vec!["ok"]);
    }

    #[test]
    fn a_learning_step_waits_then_comes_back() {
        let mut deck = Deck::default();
        deck.put(card("a", T0));
        let s = scheduler();
        let a = answer(deck.get("a").unwrap(), Rating::Again, T0, &s, || 0.5);
        assert_eq!(a.record.card_id, "a");
        assert_eq!(a.record.log.rating, Rating::Again);
        assert_eq!(a.after.introduced, Some(T0));
        deck.put(a.after);
        let q = queue(&deck, T0 + Span::from_ms(1_000.0), 20, UTC);
        assert!(q.due.is_empty() && q.new.is_empty());
        assert_eq!(
            q.ahead,
            vec!["a"],
            "one-minute step shown early when nothing else is left"
        );
        let q = queue(&deck, T0 + Span::from_ms(61_000.0), 20, UTC);
        assert_eq!(q.due, vec!["a"]);
    }

    #[test]
    fn fitted_parameters_are_adopted_and_the_earlier_ones_restored() {
        let start = ReviewSettings::default();
        assert!(start.uses_default_params());
        assert_eq!(start.restoring(), None);
        let mut fitted = fsrs::DEFAULT_PARAMETERS.to_vec();
        fitted[0] = 1.0;
        let adopted = start.adopting(fitted.clone());
        assert_eq!(adopted.scheduler.params, fitted);
        assert!(!adopted.uses_default_params());
        let restored = adopted.restoring().unwrap();
        assert_eq!(restored.scheduler.params, start.scheduler.params);
        assert!(restored.earlier_params.is_empty());
        // Only the last few replaced sets are kept.
        let many = (0..8).fold(start, |s, i| {
            let mut p = fitted.clone();
            p[1] = i as f32;
            s.adopting(p)
        });
        assert_eq!(many.earlier_params.len(), 5);
        assert_eq!(many.earlier_params.last().unwrap()[1], 6.0);
    }

    #[test]
    fn intervals_read_as_a_learner_expects() {
        let min = 60_000.0;
        assert_eq!(format_interval(Span::from_ms(0.0)), "now");
        assert_eq!(format_interval(Span::from_ms(min)), "1 min");
        assert_eq!(format_interval(Span::from_ms(10.0 * min)), "10 min");
        assert_eq!(format_interval(Span::from_ms(90.0 * min)), "2 h");
        assert_eq!(format_interval(Span::DAY), "1 d");
        assert_eq!(format_interval(Span::days(29.0)), "29 d");
        assert_eq!(format_interval(Span::days(61.0)), "2 mo");
        assert_eq!(format_interval(Span::days(76.0)), "2.5 mo");
        assert_eq!(format_interval(Span::days(365.25)), "1 y");
        assert_eq!(
            format_interval(Span::from_ms(
                3.0 * 365.25 * Span::DAY.ms() + 40.0 * Span::DAY.ms()
            )),
            "3.1 y"
        );
    }

    #[test]
    fn recall_and_status_of_a_card() {
        let s = scheduler();
        let mut c = card("a", T0);
        assert_eq!(Recall::of(None, &s, T0), Recall::NotInDeck);
        assert_eq!(Recall::of(Some(&c), &s, T0), Recall::New);
        assert_eq!(card_status(&c, &s, T0), "new");
        c = answer(&c, Rating::Good, T0, &s, || 0.5).after;
        assert_eq!(card_status(&c, &s, T0), "learning, due in 10 min");
        c = answer(&c, Rating::Good, T0 + Span::from_ms(600_000.0), &s, || 0.5).after;
        assert_eq!(c.schedule.state, CardState::Review);
        let later = c.schedule.due + Span::DAY;
        let Recall::Percent(p) = Recall::of(Some(&c), &s, later) else {
            panic!("studied card has a recall");
        };
        assert!((50..100).contains(&p), "{p}");
        assert!(card_status(&c, &s, later).starts_with("due now, recall "));
        c.suspended = true;
        assert_eq!(card_status(&c, &s, later), "suspended");
        c.in_deck = false;
        assert_eq!(Recall::of(Some(&c), &s, later), Recall::NotInDeck);
        assert_eq!(Recall::Percent(87).to_string(), "87%");
        assert_eq!(
            average_recall(&[Recall::Percent(80), Recall::New, Recall::Percent(91)]),
            Some(86)
        );
        assert_eq!(average_recall(&[Recall::New, Recall::NotInDeck]), None);
    }

    #[test]
    fn the_settings_form_reads_back_what_it_shows_and_names_bad_fields() {
        let base = ReviewSettings::default();
        let form = SettingsForm::from_settings(&base);
        assert_eq!(form.desired_retention, "0.90");
        assert_eq!(form.learning_steps, "1m 10m");
        assert_eq!(form.read(&base), Ok(base.clone()));
        let mut edited = form.clone();
        edited.desired_retention = " 0.85".into();
        edited.new_per_day = "5".into();
        edited.relearning_steps = "5m 1h".into();
        let read = edited.read(&base).unwrap();
        assert_eq!(read.scheduler.desired_retention, 0.85);
        assert_eq!(read.new_per_day, 5);
        assert_eq!(read.scheduler.relearning_steps, vec![300, 3_600]);
        for (field, value, says) in [
            (0, "1.5", "Desired retention"),
            (0, "abc", "Desired retention"),
            (1, "0", "Maximum interval"),
            (2, "-3", "New cards per day"),
            (3, "1x", "Learning steps: “1x” is not a step"),
        ] {
            let mut bad = form.clone();
            *[
                &mut bad.desired_retention,
                &mut bad.maximum_interval_days,
                &mut bad.new_per_day,
                &mut bad.learning_steps,
            ][field] = value.to_string();
            let message = bad.read(&base).unwrap_err();
            assert!(message.contains(says), "{value}: {message}");
        }
    }

    #[test]
    fn every_bad_field_of_the_settings_form_is_named() {
        let base = ReviewSettings::default();
        let mut bad = SettingsForm::from_settings(&base);
        bad.desired_retention = "2".into();
        bad.new_per_day = "many".into();
        bad.relearning_steps = "soon".into();
        let problems = bad.check(&base).unwrap_err();
        let fields: Vec<Option<Field>> = problems.iter().map(|p| p.0).collect();
        assert_eq!(
            fields,
            [
                Some(Field::DesiredRetention),
                Some(Field::NewPerDay),
                Some(Field::RelearningSteps)
            ]
        );
        assert_eq!(bad.read(&base).unwrap_err(), problems[0].1);
    }

    #[test]
    fn steps_read_and_write_back() {
        assert_eq!(parse_steps("1m 10m"), Ok(vec![60, 600]));
        assert_eq!(parse_steps(" 30s, 1h,1d "), Ok(vec![30, 3_600, 86_400]));
        assert_eq!(parse_steps("5"), Ok(vec![300]));
        assert_eq!(parse_steps(""), Ok(vec![]));
        for bad in ["1x", "m", "0m", "-1m", "1.5m", "99999999d"] {
            assert!(parse_steps(bad).is_err(), "{bad}");
        }
        assert_eq!(
            format_steps(&[60, 600, 5_400, 7_200, 86_400, 45]),
            "1m 10m 90m 2h 1d 45s"
        );
        assert_eq!(parse_steps(&format_steps(&[60, 600])), Ok(vec![60, 600]));
    }

    #[test]
    fn settings_missing_from_storage_take_defaults() {
        let s: ReviewSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, ReviewSettings::default());
        let s: ReviewSettings = serde_json::from_str(r#"{"new_per_day":5}"#).unwrap();
        assert_eq!(s.new_per_day, 5);
        assert_eq!(s.scheduler, Settings::default());
    }

    #[test]
    fn answering_keeps_the_first_introduction_time() {
        let s = scheduler();
        let c = card("a", T0);
        let first = answer(&c, Rating::Good, T0, &s, || 0.5).after;
        let second = answer(&first, Rating::Good, T0 + Span::DAY, &s, || 0.5);
        assert_eq!(second.after.introduced, Some(T0));
        assert_eq!(second.before, first);
        assert_ne!(
            second.record.id,
            answer(&c, Rating::Good, T0, &s, || 0.5).record.id
        );
    }
}

//! When each card comes back: FSRS-6 from the `fsrs` crate, driven by the learning, review and
//! relearning steps of the reference scheduler py-fsrs 6.x, whose fixtures it is tested against.

use fsrs::{ItemState, MemoryState, NextStates, DEFAULT_PARAMETERS, FSRS};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::core::time::{Span, Time};

// Times are passed in, so the app can inject its clock. A "day" is a whole 24 hours, as in the
// reference.

/// The answer given to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Again,
    Hard,
    Good,
    Easy,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// 1 (Again) to 4 (Easy), as on the answer keys and in FSRS.
    pub fn number(self) -> u8 {
        match self {
            Rating::Again => 1,
            Rating::Hard => 2,
            Rating::Good => 3,
            Rating::Easy => 4,
        }
    }

    pub fn from_number(number: u8) -> Option<Rating> {
        Rating::ALL
            .get(usize::from(number).checked_sub(1)?)
            .copied()
    }
}

/// Where a card is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardState {
    /// New, or still going through the learning steps.
    #[default]
    Learning,
    /// Graduated: intervals in whole days.
    Review,
    /// Forgotten in review, going through the relearning steps.
    Relearning,
}

/// The scheduling state of one card, stored apart from the note text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub state: CardState,
    /// Index into the learning or relearning steps; `None` in review.
    #[serde(default)]
    pub step: Option<u32>,
    /// FSRS stability in days; `None` until the first review.
    #[serde(default)]
    pub stability: Option<f64>,
    /// FSRS difficulty, 1 to 10; `None` until the first review.
    #[serde(default)]
    pub difficulty: Option<f64>,
    pub due: Time,
    #[serde(default)]
    pub last_review: Option<Time>,
}

impl Schedule {
    /// A card never reviewed, due at `due`.
    pub fn new(due: Time) -> Schedule {
        Schedule {
            state: CardState::Learning,
            step: Some(0),
            stability: None,
            difficulty: None,
            due,
            last_review: None,
        }
    }

    pub fn is_new(&self) -> bool {
        self.last_review.is_none()
    }

    /// The memory to build on; stored values that make no sense count as none (start afresh).
    fn memory(&self) -> Option<MemoryState> {
        let stability = self.stability.filter(|s| s.is_finite() && *s > 0.0)?;
        let difficulty = self.difficulty.filter(|d| d.is_finite())?;
        Some(MemoryState {
            stability: stability as f32,
            difficulty: difficulty as f32,
        })
    }
}

impl Default for Schedule {
    /// A new card, due from the start.
    fn default() -> Schedule {
        Schedule::new(Time::EPOCH)
    }
}

/// One answer, as kept in the review log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewLog {
    pub rating: Rating,
    pub time: Time,
    pub state_before: CardState,
    pub state_after: CardState,
    /// Whole days since the previous review; `None` for the first one.
    pub elapsed_days: Option<u32>,
    /// Time from this answer until the card is due again.
    pub interval_ms: Span,
}

/// Scheduler settings, stored with the user's settings. Missing fields take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Target probability of recall when a card comes due, strictly between 0 and 1.
    pub desired_retention: f64,
    /// Waits in seconds between answers while learning a new card.
    pub learning_steps: Vec<u32>,
    /// Waits in seconds between answers after a card is forgotten in review.
    pub relearning_steps: Vec<u32>,
    /// Longest wait between reviews.
    pub maximum_interval_days: u32,
    /// Spread review intervals a little, so cards learnt together do not stay together.
    pub enable_fuzzing: bool,
    /// The 21 FSRS-6 parameters (empty means the defaults).
    pub params: Vec<f32>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            desired_retention: 0.9,
            learning_steps: vec![60, 600],
            relearning_steps: vec![600],
            maximum_interval_days: 36_500,
            enable_fuzzing: true,
            params: DEFAULT_PARAMETERS.to_vec(),
        }
    }
}

/// Why settings cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsError {
    DesiredRetention(f64),
    MaximumInterval,
    ParamCount(usize),
    /// A parameter outside the range the reference accepts: index, value.
    Param(usize, f32),
    /// Parameters the `fsrs` crate cannot work with.
    Params,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsError::DesiredRetention(r) => {
                write!(f, "desired retention must be between 0 and 1, not {r}")
            }
            SettingsError::MaximumInterval => {
                write!(f, "the maximum interval must be at least a day")
            }
            SettingsError::ParamCount(n) => write!(f, "FSRS-6 needs 21 parameters, not {n}"),
            SettingsError::Param(i, w) => write!(f, "FSRS parameter {i} is out of range: {w}"),
            SettingsError::Params => write!(f, "these FSRS parameters cannot be used"),
        }
    }
}

impl std::error::Error for SettingsError {}

/// Bounds the reference scheduler puts on each parameter. The crate clamps to the same bounds;
/// refusing instead keeps the parameters we show equal to those in use.
const PARAM_BOUNDS: [(f32, f32); 21] = [
    (0.001, 100.0),
    (0.001, 100.0),
    (0.001, 100.0),
    (0.001, 100.0),
    (1.0, 10.0),
    (0.001, 4.0),
    (0.001, 4.0),
    (0.001, 0.75),
    (0.0, 4.5),
    (0.0, 0.8),
    (0.001, 3.5),
    (0.001, 5.0),
    (0.001, 0.25),
    (0.001, 0.9),
    (0.0, 4.0),
    (0.0, 1.0),
    (1.0, 6.0),
    (0.0, 2.0),
    (0.0, 2.0),
    (0.0, 0.8),
    (0.1, 0.8),
];

/// The reference fuzz: (from days, to days, share of the interval in that band).
const FUZZ_BANDS: [(f64, f64, f64); 3] = [
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.1),
    (20.0, f64::INFINITY, 0.05),
];

/// Schedules cards with fixed settings.
#[derive(Debug, Clone)]
pub struct Scheduler {
    settings: Settings,
    fsrs: FSRS,
    /// FSRS-6 decay (parameter 20), for retrievability.
    decay: f32,
    /// Memory after a first answer; also the fallback if the crate rejects a stored memory.
    first: NextStates,
}

impl Default for Scheduler {
    fn default() -> Scheduler {
        Scheduler::new(Settings::default()).expect("default settings are valid")
    }
}

/// What an answer does to the steps.
enum Move {
    /// Stay in (or enter) learning or relearning at this step, for this long.
    Step(CardState, u32, Span),
    /// Be in review, with an interval in whole days.
    Review,
}

impl Scheduler {
    pub fn new(mut settings: Settings) -> Result<Scheduler, SettingsError> {
        let retention = settings.desired_retention;
        if !(retention > 0.0 && retention < 1.0) {
            return Err(SettingsError::DesiredRetention(retention));
        }
        if settings.maximum_interval_days == 0 {
            return Err(SettingsError::MaximumInterval);
        }
        if settings.params.is_empty() {
            settings.params = DEFAULT_PARAMETERS.to_vec();
        }
        if settings.params.len() != PARAM_BOUNDS.len() {
            return Err(SettingsError::ParamCount(settings.params.len()));
        }
        for (i, (&w, &(low, high))) in settings.params.iter().zip(&PARAM_BOUNDS).enumerate() {
            if !(low..=high).contains(&w) {
                return Err(SettingsError::Param(i, w));
            }
        }
        let fsrs = FSRS::new(&settings.params).map_err(|_| SettingsError::Params)?;
        let first = fsrs
            .next_states(None, retention as f32, 0)
            .map_err(|_| SettingsError::Params)?;
        Ok(Scheduler {
            decay: settings.params[20],
            settings,
            fsrs,
            first,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Answers `card` with `rating` at `now`. `random` gives a uniform draw in `[0, 1)` for the
    /// fuzz, called at most once and only when a review interval of 3 days or more is fuzzed. The
    /// reference draws from Python's unseeded global `random()`; taking the draw from the caller
    /// lets tests pass a seeded generator and the app `Math.random`.
    pub fn review(
        &self,
        card: &Schedule,
        rating: Rating,
        now: Time,
        mut random: impl FnMut() -> f64,
    ) -> (Schedule, ReviewLog) {
        let elapsed_days = card.last_review.map(|last| (now - last).whole_days());
        let item = self.next_memory(card, elapsed_days, rating);
        let steps_taken = match card.state {
            CardState::Learning => through_steps(
                CardState::Learning,
                &self.settings.learning_steps,
                card.step.unwrap_or(0),
                rating,
            ),
            CardState::Relearning => through_steps(
                CardState::Relearning,
                &self.settings.relearning_steps,
                card.step.unwrap_or(0),
                rating,
            ),
            CardState::Review => match (rating, self.settings.relearning_steps.first()) {
                (Rating::Again, Some(&first)) => {
                    Move::Step(CardState::Relearning, 0, seconds(first))
                }
                _ => Move::Review,
            },
        };
        let (state, step, interval_ms) = match steps_taken {
            Move::Step(state, step, wait) => (state, Some(step), wait),
            Move::Review => {
                let mut days = self.interval_days(item.interval);
                if self.settings.enable_fuzzing {
                    days = self.fuzzed_days(days, random());
                }
                (CardState::Review, None, Span::days(f64::from(days)))
            }
        };
        let next = Schedule {
            state,
            step,
            stability: Some(f64::from(item.memory.stability)),
            difficulty: Some(f64::from(item.memory.difficulty)),
            due: now + interval_ms,
            last_review: Some(now),
        };
        let log = ReviewLog {
            rating,
            time: now,
            state_before: card.state,
            state_after: state,
            elapsed_days,
            interval_ms,
        };
        (next, log)
    }

    /// What each answer would do, for the answer buttons. Pass the same draw as to [`review`] so
    /// the shown intervals are the ones given (e.g. `let u = random(); preview(c, t, || u)`).
    ///
    /// [`review`]: Scheduler::review
    pub fn preview(
        &self,
        card: &Schedule,
        now: Time,
        mut random: impl FnMut() -> f64,
    ) -> [(Rating, Schedule); 4] {
        Rating::ALL.map(|rating| (rating, self.review(card, rating, now, &mut random).0))
    }

    /// Probability of recall at `now`, or `None` for a card never reviewed. Counts whole days
    /// since the last review, as the reference does.
    pub fn retrievability(&self, card: &Schedule, now: Time) -> Option<f64> {
        let last = card.last_review?;
        let memory = card.memory()?;
        let days = (now - last).whole_days() as f32;
        Some(f64::from(fsrs::current_retrievability(
            memory, days, self.decay,
        )))
    }

    /// The schedule a new card reaches through these answers (taken in time order), as if they
    /// had always been given under these settings.
    pub fn replay<'a>(
        &self,
        logs: impl IntoIterator<Item = &'a ReviewLog>,
        mut random: impl FnMut() -> f64,
    ) -> Schedule {
        let mut logs: Vec<&ReviewLog> = logs.into_iter().collect();
        crate::core::sort_by(&mut logs, |a, b| a.time.total_cmp(&b.time));
        logs.into_iter().fold(Schedule::default(), |card, log| {
            self.review(&card, log.rating, log.time, &mut random).0
        })
    }

    fn next_memory(&self, card: &Schedule, elapsed_days: Option<u32>, rating: Rating) -> ItemState {
        let retention = self.settings.desired_retention as f32;
        // Elapsed 0 makes the crate use short-term stability, as the reference does within a day.
        let states = match (card.memory(), elapsed_days) {
            (Some(memory), Some(days)) => self
                .fsrs
                .next_states(Some(memory), retention, days)
                .unwrap_or_else(|_| self.first.clone()),
            _ => self.first.clone(),
        };
        match rating {
            Rating::Again => states.again,
            Rating::Hard => states.hard,
            Rating::Good => states.good,
            Rating::Easy => states.easy,
        }
    }

    /// The crate's interval, rounded as the reference rounds (Python's `round`: ties to even) and
    /// kept between a day and the maximum.
    fn interval_days(&self, interval: f32) -> u32 {
        let days = f64::from(interval).round_ties_even();
        days.clamp(1.0, f64::from(self.settings.maximum_interval_days)) as u32
    }

    /// Lowest and highest fuzzed interval the reference aims at for an interval of `days`.
    fn fuzz_range(&self, days: u32) -> (u32, u32) {
        let days = f64::from(days);
        let delta = FUZZ_BANDS.iter().fold(1.0, |delta, &(start, end, share)| {
            delta + share * (days.min(end) - start).max(0.0)
        });
        let high = (days + delta)
            .round_ties_even()
            .min(f64::from(self.settings.maximum_interval_days));
        let low = (days - delta).round_ties_even().max(2.0).min(high);
        (low as u32, high as u32)
    }

    /// The reference's fuzz: `draw` spreads over `high - low + 1` days from `low`, then rounds, so
    /// like the reference it can land one day above `high` (still within the maximum).
    fn fuzzed_days(&self, days: u32, draw: f64) -> u32 {
        if days < 3 {
            return days;
        }
        let draw = if draw.is_nan() {
            0.0
        } else {
            draw.clamp(0.0, 1.0)
        };
        let (low, high) = self.fuzz_range(days);
        let spread = f64::from(high - low + 1);
        let fuzzed = (draw * spread + f64::from(low)).round_ties_even();
        fuzzed.min(f64::from(self.settings.maximum_interval_days)) as u32
    }
}

/// Where an answer moves a learning or relearning card, given that phase's steps.
fn through_steps(state: CardState, steps: &[u32], step: u32, rating: Rating) -> Move {
    let at = step as usize;
    let Some(&first) = steps.first() else {
        return Move::Review;
    };
    // A step past the end: the settings lost steps since the card was last answered.
    if at >= steps.len() && rating != Rating::Again {
        return Move::Review;
    }
    match rating {
        Rating::Again => Move::Step(state, 0, seconds(first)),
        Rating::Hard => {
            let wait = match (at, steps) {
                (0, [only]) => seconds(*only) * 1.5,
                (0, [first, second, ..]) => (seconds(*first) + seconds(*second)) / 2.0,
                _ => seconds(steps.get(at).copied().unwrap_or(first)),
            };
            Move::Step(state, step, wait)
        }
        Rating::Good => match steps.get(at + 1) {
            Some(&next) => Move::Step(state, step + 1, seconds(next)),
            None => Move::Review,
        },
        Rating::Easy => Move::Review,
    }
}

fn seconds(secs: u32) -> Span {
    Span::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fsrs_sequences.json"
    );

    #[derive(Deserialize)]
    struct Fixture {
        generator: String,
        settings: HashMap<String, Settings>,
        sequences: Vec<Sequence>,
        fuzz: Vec<FuzzCase>,
    }

    #[derive(Deserialize)]
    struct Sequence {
        name: String,
        settings: String,
        reviews: Vec<Expected>,
    }

    /// One answer and what the reference made of it.
    #[derive(Deserialize)]
    struct Expected {
        time: Time,
        rating: u8,
        retrievability_before: Option<f64>,
        state: CardState,
        step: Option<u32>,
        stability: f64,
        difficulty: f64,
        due: Time,
        /// For review results, the reference's interval in days before rounding.
        interval_unrounded: Option<f64>,
        /// Settings in force from this answer on, when they change mid-sequence.
        settings: Option<String>,
    }

    #[derive(Deserialize)]
    struct FuzzCase {
        interval_days: u32,
        maximum_interval_days: u32,
        min: Option<u32>,
        max: Option<u32>,
        samples: Vec<(f64, u32)>,
    }

    fn fixture() -> Fixture {
        let text = std::fs::read_to_string(FIXTURE).expect("fixture file");
        serde_json::from_str(&text).expect("fixture JSON")
    }

    fn schedulers(fixture: &Fixture, fuzz: bool) -> HashMap<String, Scheduler> {
        fixture
            .settings
            .iter()
            .map(|(name, settings)| {
                let settings = Settings {
                    enable_fuzzing: fuzz,
                    ..settings.clone()
                };
                (
                    name.clone(),
                    Scheduler::new(settings).expect("fixture settings"),
                )
            })
            .collect()
    }

    fn rating(number: u8) -> Rating {
        Rating::from_number(number).expect("rating 1 to 4")
    }

    fn no_fuzz() -> f64 {
        panic!("fuzzing is off, no draw expected")
    }

    /// Small deterministic generator of uniform draws in [0, 1) (xorshift64*).
    fn draws(seed: u64) -> impl FnMut() -> f64 {
        let mut x = seed.max(1);
        move || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[derive(Default)]
    struct Largest {
        stability: f64,
        /// Largest absolute difference where stability is under 100 days.
        stability_short: f64,
        stability_relative: f64,
        difficulty: f64,
        retrievability: f64,
    }

    /// Relative error of the crate's f32 stability we accept (see the report printed below).
    const STABILITY_RELATIVE: f64 = 5e-5;

    /// The reference interval lies so close to a half day that our f32 stability may round it the
    /// other way.
    fn rounding_tie(interval: Option<f64>) -> bool {
        interval
            .is_some_and(|days| ((days - days.floor()) - 0.5).abs() <= STABILITY_RELATIVE * days)
    }

    #[test]
    fn matches_the_reference_scheduler_without_fuzz() {
        let fixture = fixture();
        let schedulers = schedulers(&fixture, false);
        let mut largest = Largest::default();
        let mut failures = Vec::new();
        let mut reviews = 0;
        let mut ties = Vec::new();
        for seq in &fixture.sequences {
            let mut scheduler = &schedulers[&seq.settings];
            let mut card = Schedule::default();
            for (i, want) in seq.reviews.iter().enumerate() {
                if let Some(name) = &want.settings {
                    scheduler = &schedulers[name];
                }
                let at = format!("{} #{i}", seq.name);
                let r = scheduler.retrievability(&card, want.time);
                match (r, want.retrievability_before) {
                    (None, None) => {}
                    (Some(got), Some(want)) => {
                        largest.retrievability = largest.retrievability.max((got - want).abs());
                    }
                    (got, want) => {
                        failures.push(format!("{at}: retrievability {got:?} != {want:?}"))
                    }
                }
                let (next, log) = scheduler.review(&card, rating(want.rating), want.time, no_fuzz);
                reviews += 1;
                let stability = next.stability.unwrap_or(f64::NAN);
                let difficulty = next.difficulty.unwrap_or(f64::NAN);
                let ds = (stability - want.stability).abs();
                let dd = (difficulty - want.difficulty).abs();
                largest.stability = largest.stability.max(ds);
                if want.stability < 100.0 {
                    largest.stability_short = largest.stability_short.max(ds);
                }
                largest.stability_relative = largest.stability_relative.max(ds / want.stability);
                largest.difficulty = largest.difficulty.max(dd);
                if next.state != want.state || next.step != want.step {
                    failures.push(format!(
                        "{at}: {:?} step {:?}, want {:?} step {:?}",
                        next.state, next.step, want.state, want.step
                    ));
                }
                if next.due != want.due {
                    let off_by_a_day = (next.due - want.due).ms().abs() == Span::DAY.ms();
                    if off_by_a_day && rounding_tie(want.interval_unrounded) {
                        ties.push(format!(
                            "{at}: {:.4} days",
                            want.interval_unrounded.unwrap_or_default()
                        ));
                    } else {
                        failures.push(format!("{at}: due {:?} != {:?}", next.due, want.due));
                    }
                }
                // The crate works in f32: 1e-3 days, or a relative 5e-5 once stability runs
                // into the years.
                let tolerance = 1e-3_f64.max(STABILITY_RELATIVE * want.stability);
                if ds > tolerance || dd > 1e-3 || ds.is_nan() {
                    failures.push(format!(
                        "{at}: stability {stability} / {}, difficulty {difficulty} / {}",
                        want.stability, want.difficulty
                    ));
                }
                assert_eq!(log.state_after, next.state);
                assert_eq!(log.time + log.interval_ms, next.due);
                card = next;
            }
        }
        println!(
            "{}: {} sequences, {reviews} reviews; largest differences: stability {:.3e} days \
             (relative {:.3e}; {:.3e} days under 100 days), difficulty {:.3e}, retrievability \
             {:.3e}; states and steps identical, due times identical but for {} interval(s) within f32 error of a half day: {}",
            fixture.generator,
            fixture.sequences.len(),
            largest.stability,
            largest.stability_relative,
            largest.stability_short,
            largest.difficulty,
            largest.retrievability,
            ties.len(),
            ties.join(", ")
        );
        assert!(ties.len() <= 3, "too many intervals on a half day");
        assert!(fixture.sequences.len() >= 200);
        assert!(largest.retrievability < 1e-4);
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures[..failures.len().min(20)].join("\n")
        );
    }

    #[test]
    fn replaying_the_log_gives_the_same_schedule() {
        let fixture = fixture();
        let schedulers = schedulers(&fixture, false);
        for seq in fixture
            .sequences
            .iter()
            .filter(|s| s.reviews.iter().all(|r| r.settings.is_none()))
        {
            let scheduler = &schedulers[&seq.settings];
            let mut card = Schedule::default();
            let mut logs = Vec::new();
            for want in &seq.reviews {
                let (next, log) = scheduler.review(&card, rating(want.rating), want.time, no_fuzz);
                card = next;
                logs.push(log);
            }
            // Order does not matter: the log is taken in time order.
            logs.reverse();
            assert_eq!(scheduler.replay(&logs, no_fuzz), card, "{}", seq.name);
        }
        assert_eq!(
            Scheduler::default().replay(&[], no_fuzz),
            Schedule::default()
        );
    }

    #[test]
    fn fuzz_range_and_draws_match_the_reference() {
        let fixture = fixture();
        let mut checked = 0;
        for case in &fixture.fuzz {
            let scheduler = Scheduler::new(Settings {
                maximum_interval_days: case.maximum_interval_days,
                ..Settings::default()
            })
            .expect("settings");
            let days = case.interval_days;
            if let (Some(min), Some(max)) = (case.min, case.max) {
                assert_eq!(
                    scheduler.fuzz_range(days),
                    (min, max),
                    "{days} days, max {}",
                    case.maximum_interval_days
                );
            }
            for &(draw, want) in &case.samples {
                assert_eq!(
                    scheduler.fuzzed_days(days, draw),
                    want,
                    "{days} days, draw {draw}"
                );
                checked += 1;
            }
        }
        println!(
            "fuzz: {} intervals, {checked} draws identical to the reference",
            fixture.fuzz.len()
        );
    }

    #[test]
    fn fuzzed_reviews_stay_in_the_reference_range() {
        let fixture = fixture();
        let plain = schedulers(&fixture, false);
        let fuzzy = schedulers(&fixture, true);
        let mut random = draws(7);
        let (mut fuzzed, mut moved, mut at_low, mut above_high) = (0, 0, 0, 0);
        for seq in &fixture.sequences {
            let (mut exact, mut spread) = (&plain[&seq.settings], &fuzzy[&seq.settings]);
            let mut card = Schedule::default();
            for want in &seq.reviews {
                if let Some(name) = &want.settings {
                    (exact, spread) = (&plain[name], &fuzzy[name]);
                }
                let r = rating(want.rating);
                let (base, _) = exact.review(&card, r, want.time, no_fuzz);
                let (next, log) = spread.review(&card, r, want.time, &mut random);
                assert_eq!(
                    (next.state, next.step, next.stability),
                    (base.state, base.step, base.stability)
                );
                let base_days = (base.due - want.time).in_days() as u32;
                let days = log.interval_ms.in_days();
                if next.state != CardState::Review || base_days < 3 {
                    assert_eq!(
                        next.due, base.due,
                        "{}: only review intervals of 3+ days are fuzzed",
                        seq.name
                    );
                } else {
                    let (low, high) = spread.fuzz_range(base_days);
                    let top = (high + 1).min(spread.settings().maximum_interval_days);
                    assert_eq!(days.fract(), 0.0);
                    assert!(
                        (f64::from(low)..=f64::from(top)).contains(&days),
                        "{}: {days} for {base_days}",
                        seq.name
                    );
                    fuzzed += 1;
                    moved += usize::from(days != f64::from(base_days));
                    at_low += usize::from(days == f64::from(low));
                    above_high += usize::from(days > f64::from(high));
                }
                card = next;
            }
        }
        assert!(
            fuzzed > 500 && moved > fuzzed / 2,
            "{moved} of {fuzzed} moved"
        );
        assert!(at_low > 0 && above_high > 0);
    }

    #[test]
    fn preview_shows_what_each_answer_gives() {
        let scheduler = Scheduler::default();
        let card = Schedule::new(Time::from_ms(0.0));
        let (card, _) = scheduler.review(&card, Rating::Easy, Time::from_ms(1e12), || 0.4);
        let now = card.due + Span::days(3.0);
        for (rating, shown) in scheduler.preview(&card, now, || 0.4) {
            assert_eq!(shown, scheduler.review(&card, rating, now, || 0.4).0);
        }
        let [again, hard, good, easy] = scheduler.preview(&card, now, || 0.4).map(|(_, s)| s.due);
        assert!(again < hard && hard < good && good < easy);
    }

    #[test]
    fn new_cards_learn_through_the_default_steps() {
        let scheduler = Scheduler::new(Settings {
            enable_fuzzing: false,
            ..Settings::default()
        })
        .expect("settings");
        let t = Time::from_ms(1_767_225_600_000.0);
        let card = Schedule::new(t);
        assert!(card.is_new());
        assert_eq!(scheduler.retrievability(&card, t), None);
        let (card, log) = scheduler.review(&card, Rating::Good, t, no_fuzz);
        assert_eq!(
            (card.state, card.step, log.interval_ms),
            (CardState::Learning, Some(1), Span::from_ms(600_000.0))
        );
        assert_eq!(log.elapsed_days, None);
        let (hard, _) = scheduler.review(&Schedule::new(t), Rating::Hard, t, no_fuzz);
        assert_eq!(
            hard.due - t,
            Span::from_ms(330_000.0),
            "Hard on the first step waits between the first two"
        );
        let (card, log) = scheduler.review(&card, Rating::Good, card.due, no_fuzz);
        assert_eq!(
            (card.state, card.step, log.state_before),
            (CardState::Review, None, CardState::Learning)
        );
        assert_eq!(log.elapsed_days, Some(0));
        let later = card.due + Span::days(10.0);
        let r = scheduler.retrievability(&card, later).expect("reviewed");
        assert!(r > 0.0 && r < scheduler.retrievability(&card, card.due).expect("reviewed"));
        let (card, _) = scheduler.review(&card, Rating::Again, later, no_fuzz);
        assert_eq!((card.state, card.step), (CardState::Relearning, Some(0)));
    }

    #[test]
    fn settings_are_checked() {
        let with = |f: fn(&mut Settings)| {
            let mut settings = Settings::default();
            f(&mut settings);
            Scheduler::new(settings).map(|_| ())
        };
        assert_eq!(
            with(|s| s.desired_retention = 1.0),
            Err(SettingsError::DesiredRetention(1.0))
        );
        assert!(with(|s| s.desired_retention = f64::NAN).is_err());
        assert_eq!(
            with(|s| s.maximum_interval_days = 0),
            Err(SettingsError::MaximumInterval)
        );
        assert_eq!(
            with(|s| s.params.truncate(19)),
            Err(SettingsError::ParamCount(19))
        );
        assert_eq!(
            with(|s| s.params[20] = 0.9),
            Err(SettingsError::Param(20, 0.9))
        );
        assert!(with(|s| s.params[3] = f32::NAN).is_err());
        assert_eq!(with(|s| s.params.clear()), Ok(()));
        assert_eq!(with(|s| s.learning_steps.clear()), Ok(()));
        assert!(!SettingsError::Param(20, 0.9).to_string().is_empty());
    }

    #[test]
    fn stored_values_round_trip_and_fill_in_defaults() {
        let scheduler = Scheduler::default();
        let (card, log) = scheduler.review(
            &Schedule::new(Time::from_ms(5.0)),
            Rating::Good,
            Time::from_ms(1e12),
            || 0.5,
        );
        let json = serde_json::to_string(&card).expect("serialize");
        assert_eq!(
            serde_json::from_str::<Schedule>(&json).expect("parse"),
            card
        );
        let json = serde_json::to_string(&log).expect("serialize");
        assert_eq!(
            serde_json::from_str::<ReviewLog>(&json).expect("parse"),
            log
        );
        assert!(json.contains("\"good\"") && json.contains("\"learning\""));
        let settings: Settings =
            serde_json::from_str(r#"{"desired_retention":0.85}"#).expect("parse");
        assert_eq!(
            settings,
            Settings {
                desired_retention: 0.85,
                ..Settings::default()
            }
        );
        let bare: Schedule =
            serde_json::from_str(r#"{"state":"learning","due":0}"#).expect("parse");
        assert_eq!(
            bare,
            Schedule {
                step: None,
                ..Schedule::default()
            }
        );
        assert_eq!(
            Rating::ALL.map(|r| Rating::from_number(r.number())),
            Rating::ALL.map(Some)
        );
        assert_eq!(
            (Rating::from_number(0), Rating::from_number(5)),
            (None, None)
        );
    }

    #[test]
    fn odd_stored_state_never_panics() {
        let scheduler = Scheduler::default();
        let t = 1e12;
        let odd = [
            Schedule {
                stability: Some(f64::NAN),
                difficulty: Some(5.0),
                last_review: Some(Time::from_ms(t)),
                ..Schedule::default()
            },
            Schedule {
                state: CardState::Review,
                step: None,
                ..Schedule::default()
            },
            Schedule {
                state: CardState::Learning,
                step: Some(99),
                stability: Some(3.0),
                difficulty: Some(4.0),
                due: Time::from_ms(t),
                last_review: Some(Time::from_ms(t)),
            },
            Schedule {
                state: CardState::Relearning,
                step: None,
                stability: Some(-1.0),
                difficulty: Some(40.0),
                due: Time::from_ms(t),
                last_review: Some(Time::from_ms(t)),
            },
            // Answered "before" the last review: the clock went backwards.
            Schedule {
                state: CardState::Review,
                step: None,
                stability: Some(1e9),
                difficulty: Some(f64::INFINITY),
                due: Time::from_ms(t),
                last_review: Some(Time::from_ms(t + 5.0 * Span::DAY.ms())),
            },
            Schedule {
                state: CardState::Review,
                step: None,
                stability: Some(10.0),
                difficulty: Some(5.0),
                due: Time::from_ms(f64::NAN),
                last_review: Some(Time::from_ms(f64::NAN)),
            },
        ];
        for card in &odd {
            for rating in Rating::ALL {
                let (next, _) = scheduler.review(card, rating, Time::from_ms(t), draws(3));
                assert!(
                    next.due >= Time::from_ms(t),
                    "{card:?} {rating:?} -> {next:?}"
                );
                assert!(next.stability.is_some_and(f64::is_finite));
                assert!(next.difficulty.is_some_and(|d| (1.0..=10.0).contains(&d)));
            }
            let _ = scheduler.retrievability(card, Time::from_ms(t));
        }
        let (next, _) =
            scheduler.review(&Schedule::default(), Rating::Good, Time::from_ms(t), || {
                f64::NAN
            });
        assert!(next.due.is_finite());
    }

    #[test]
    fn stability_is_capped_at_a_hundred_years() {
        // The crate (like Anki) caps stability at 36500 days; py-fsrs does not, which is why the
        // fixture sequences stop before the reference passes it.
        let scheduler = Scheduler::default();
        let t = 1e12;
        let card = Schedule {
            state: CardState::Review,
            step: None,
            stability: Some(30_000.0),
            difficulty: Some(1.0),
            due: Time::from_ms(t),
            last_review: Some(Time::from_ms(t)),
        };
        let (next, log) = scheduler.review(
            &card,
            Rating::Easy,
            Time::from_ms(t + 20_000.0 * Span::DAY.ms()),
            || 0.9,
        );
        assert_eq!(next.stability, Some(36_500.0));
        assert!(log.interval_ms <= Span::days(36_500.0));
    }
}

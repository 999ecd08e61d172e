//! Review histories drawn from a memory model with known parameters, for the fit's tests and
//! its benchmark (`cargo run --release --example fit_bench`): the answers a learner whose memory
//! follows those parameters would give.

use fsrs::{MemoryState, DEFAULT_PARAMETERS, FSRS};

use crate::core::review::schedule::{CardState, Rating, ReviewLog};
use crate::core::review::ReviewRecord;
use crate::core::time::{Span, Time};

/// 2026-01-01T00:00:00Z, when every drawn history begins.
pub const START: Time = Time::from_ms(1_767_225_600_000.0);

/// One answer in the log, as a drawn history writes it.
pub fn record(card: &str, time: Time, rating: Rating, before: CardState) -> ReviewRecord {
    ReviewRecord {
        id: format!("{card}@{}", time.ms()),
        card_id: card.into(),
        log: ReviewLog {
            rating,
            time,
            state_before: before,
            state_after: CardState::Review,
            elapsed_days: None,
            interval_ms: Span::DAY,
        },
    }
}

/// A small deterministic random source (SplitMix64).
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.next() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// Parameters a learner unlike the average would have: memories that start stronger,
/// grow faster and fade on another curve.
pub fn unusual() -> Vec<f32> {
    let mut w = DEFAULT_PARAMETERS.to_vec();
    for s in &mut w[..4] {
        *s *= 3.0;
    }
    w[8] += 0.6;
    w[20] = 0.45;
    w
}

/// Answers drawn from a memory model with parameters `truth`: each card is learnt on one of
/// the first 60 days and then reviewed when its recall, as a scheduler with `scheduler`
/// parameters expects it, falls to a retention drawn between 0.75 and 0.95; whether it is
/// recalled follows `truth`. Panics on parameters the `fsrs` crate refuses.
pub fn history(truth: &[f32], scheduler: &[f32], cards: usize, seed: u64) -> Vec<ReviewRecord> {
    let truth_model = FSRS::new(truth).expect("parameters the crate accepts");
    let schedule_model = FSRS::new(scheduler).expect("parameters the crate accepts");
    let decay = truth[20];
    let mut draws = Draws(seed);
    let mut records = Vec::new();
    for c in 0..cards {
        let card = format!("card-{c}");
        let mut day = (c % 60) as u32;
        // Whole milliseconds, as the browser's clock gives them.
        let time = |day: u32, draws: &mut Draws| {
            let t = START + Span::days(f64::from(day)) + Span::HOUR * (8.0 + 10.0 * draws.next());
            Time::from_ms(t.ms().round())
        };
        let first = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
            [draws.pick(&[0.24, 0.09, 0.5, 0.17])];
        records.push(record(
            &card,
            time(day, &mut draws),
            first,
            CardState::Learning,
        ));
        let pick = |states: fsrs::NextStates, rating: Rating| match rating {
            Rating::Again => states.again.memory,
            Rating::Hard => states.hard.memory,
            Rating::Good => states.good.memory,
            Rating::Easy => states.easy.memory,
        };
        let mut truth_memory: MemoryState =
            pick(truth_model.next_states(None, 0.9, 0).unwrap(), first);
        let mut seen_memory: MemoryState =
            pick(schedule_model.next_states(None, 0.9, 0).unwrap(), first);
        let mut state = CardState::Review;
        while day < 365 {
            let retention = 0.75 + 0.2 * draws.next() as f32;
            let interval = schedule_model.next_interval(Some(seen_memory.stability), retention, 0);
            let wait = interval.round().max(1.0) as u32;
            day += wait;
            let recall = fsrs::current_retrievability(truth_memory, wait as f32, decay);
            let rating = if draws.next() < f64::from(recall) {
                [Rating::Hard, Rating::Good, Rating::Easy][draws.pick(&[0.22, 0.63, 0.15])]
            } else {
                Rating::Again
            };
            records.push(record(&card, time(day, &mut draws), rating, state));
            truth_memory = pick(
                truth_model
                    .next_states(Some(truth_memory), 0.9, wait)
                    .unwrap(),
                rating,
            );
            seen_memory = pick(
                schedule_model
                    .next_states(Some(seen_memory), 0.9, wait)
                    .unwrap(),
                rating,
            );
            state = if rating == Rating::Again {
                CardState::Relearning
            } else {
                CardState::Review
            };
        }
    }
    records
}

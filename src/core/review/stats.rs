//! Statistics over the review log and the deck: due forecast, reviews per day, true retention and
//! card counts by state. Days are the learner's local calendar days.

use crate::core::review::schedule::{CardState, Rating, ReviewLog};
use crate::core::time::{Span, Time};

/// Turns instants into local day numbers, given the offset of local time from UTC.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calendar {
    /// Local time minus UTC, in milliseconds (UTC+2 is `+7_200_000`).
    pub utc_offset_ms: f64,
}

impl Calendar {
    /// Days since the epoch, counted in local time.
    pub fn day(&self, time: Time) -> i64 {
        (time + Span::from_ms(self.utc_offset_ms) - Time::EPOCH)
            .in_days()
            .floor() as i64
    }

    /// The instant the local day `day` starts.
    pub fn day_start(&self, day: i64) -> Time {
        Time::EPOCH + Span::days(day as f64) - Span::from_ms(self.utc_offset_ms)
    }
}

/// How many cards fall due on each of the next `days` days; today's count includes every card
/// already overdue.
pub fn due_forecast(
    dues: impl IntoIterator<Item = Time>,
    now: Time,
    days: usize,
    calendar: Calendar,
) -> Vec<u32> {
    let today = calendar.day(now);
    let mut counts = vec![0; days];
    for due in dues {
        let offset = (calendar.day(due) - today).max(0);
        if let Some(count) = usize::try_from(offset).ok().and_then(|i| counts.get_mut(i)) {
            *count += 1;
        }
    }
    counts
}

/// Answers given on each of the last `days` days, oldest first, today last.
pub fn reviews_per_day<'a>(
    logs: impl IntoIterator<Item = &'a ReviewLog>,
    now: Time,
    days: usize,
    calendar: Calendar,
) -> Vec<u32> {
    let today = calendar.day(now);
    let mut counts = vec![0; days];
    for log in logs {
        let ago = today - calendar.day(log.time);
        if ago < 0 {
            continue;
        }
        if let Some(i) = usize::try_from(ago)
            .ok()
            .and_then(|ago| days.checked_sub(ago + 1))
        {
            counts[i] += 1;
        }
    }
    counts
}

/// True retention: of the answers given to cards in review (not learning or relearning), the
/// share that were not Again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retention {
    pub passed: u32,
    pub total: u32,
}

impl Retention {
    /// The share recalled, or `None` with no review answers in the period.
    pub fn rate(&self) -> Option<f64> {
        (self.total > 0).then(|| f64::from(self.passed) / f64::from(self.total))
    }
}

/// True retention over the answers given from `since` (inclusive) up to `now`.
pub fn true_retention<'a>(
    logs: impl IntoIterator<Item = &'a ReviewLog>,
    since: Time,
    now: Time,
) -> Retention {
    let mut retention = Retention::default();
    for log in logs {
        if log.state_before == CardState::Review && log.time >= since && log.time <= now {
            retention.total += 1;
            if log.rating != Rating::Again {
                retention.passed += 1;
            }
        }
    }
    retention
}

/// Where the cards of a deck stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateCounts {
    /// Never answered.
    pub new: u32,
    pub learning: u32,
    pub review: u32,
    pub relearning: u32,
    /// Taken out of review by the learner (whatever their state).
    pub suspended: u32,
}

impl StateCounts {
    pub fn total(&self) -> u32 {
        self.new + self.learning + self.review + self.relearning + self.suspended
    }
}

/// One card as the counts see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardStanding {
    pub state: CardState,
    pub is_new: bool,
    pub suspended: bool,
}

pub fn count_states(cards: impl IntoIterator<Item = CardStanding>) -> StateCounts {
    let mut counts = StateCounts::default();
    for card in cards {
        let slot = if card.suspended {
            &mut counts.suspended
        } else if card.is_new {
            &mut counts.new
        } else {
            match card.state {
                CardState::Learning => &mut counts.learning,
                CardState::Review => &mut counts.review,
                CardState::Relearning => &mut counts.relearning,
            }
        };
        *slot += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTC: Calendar = Calendar { utc_offset_ms: 0.0 };
    const T0: Time = Time::from_ms(1_767_225_600_000.0); // 2026-01-01T00:00:00Z

    fn log(time: Time, rating: Rating, before: CardState) -> ReviewLog {
        crate::core::review::history::record("c", time, rating, before).log
    }

    #[test]
    fn local_days_follow_the_offset() {
        let plus_two = Calendar {
            utc_offset_ms: 2.0 * 3_600_000.0,
        };
        // 23:00 UTC on Jan 1 is already Jan 2 at UTC+2.
        let late = T0 + Span::HOUR * 23.0;
        assert_eq!(UTC.day(late), UTC.day(T0));
        assert_eq!(plus_two.day(late), UTC.day(T0) + 1);
        assert_eq!(
            plus_two.day(plus_two.day_start(plus_two.day(late))),
            plus_two.day(late)
        );
    }

    #[test]
    fn forecast_puts_overdue_cards_today_and_drops_far_ones() {
        let now = T0 + Span::HOUR * 10.0;
        let dues = [
            T0 - Span::days(5.0),
            now,
            T0 + Span::days(0.9),
            T0 + Span::DAY,
            T0 + Span::days(2.5),
            T0 + Span::days(40.0),
        ];
        assert_eq!(due_forecast(dues, now, 3, UTC), vec![3, 1, 1]);
        assert_eq!(due_forecast(dues, now, 30, UTC).iter().sum::<u32>(), 5);
    }

    #[test]
    fn reviews_per_day_ends_today() {
        let now = T0 + Span::days(3.0) + Span::from_ms(60_000.0);
        let logs = [
            log(T0 + Span::days(3.0), Rating::Good, CardState::Review),
            log(
                T0 + Span::days(3.0) + Span::from_ms(1.0),
                Rating::Good,
                CardState::Review,
            ),
            log(T0 + Span::days(2.0), Rating::Again, CardState::Learning),
            log(T0 - Span::days(30.0), Rating::Good, CardState::Review),
            log(now + Span::DAY, Rating::Good, CardState::Review),
        ];
        assert_eq!(reviews_per_day(&logs, now, 3, UTC), vec![0, 1, 2]);
        assert_eq!(reviews_per_day(&logs, now, 0, UTC), Vec::<u32>::new());
    }

    #[test]
    fn true_retention_counts_only_review_answers_in_the_period() {
        let logs = [
            log(T0, Rating::Good, CardState::Review),
            log(T0 + Span::from_ms(1.0), Rating::Hard, CardState::Review),
            log(T0 + Span::from_ms(2.0), Rating::Again, CardState::Review),
            log(T0 + Span::from_ms(3.0), Rating::Again, CardState::Learning),
            log(T0 + Span::from_ms(4.0), Rating::Good, CardState::Relearning),
            log(T0 - Span::DAY, Rating::Again, CardState::Review),
        ];
        let r = true_retention(&logs, T0, T0 + Span::DAY);
        assert_eq!(
            r,
            Retention {
                passed: 2,
                total: 3
            }
        );
        assert!((r.rate().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            true_retention(&logs, T0 + Span::DAY, T0 + Span::days(2.0)).rate(),
            None
        );
    }

    #[test]
    fn counts_by_state() {
        let card = |state, is_new, suspended| CardStanding {
            state,
            is_new,
            suspended,
        };
        let counts = count_states([
            card(CardState::Learning, true, false),
            card(CardState::Learning, false, false),
            card(CardState::Review, false, false),
            card(CardState::Review, false, true),
            card(CardState::Relearning, false, false),
            card(CardState::Learning, true, true),
        ]);
        assert_eq!(
            counts,
            StateCounts {
                new: 1,
                learning: 1,
                review: 1,
                relearning: 1,
                suspended: 2
            }
        );
        assert_eq!(counts.total(), 6);
    }
}

//! Instants and lengths of time as two types, so an instant is never added to an instant nor a
//! day count taken for milliseconds. Both are stored as plain milliseconds, as before.
//!
//! ```
//! use loam::core::time::{Span, Time};
//! let answered = Time::from_ms(1_767_225_600_000.0);
//! let due = answered + Span::days(3.0);
//! assert_eq!((due - answered).whole_days(), 3);
//! ```

use std::cmp::Ordering;
use std::ops::{Add, AddAssign, Div, Mul, Sub};

use serde::{Deserialize, Serialize};

/// An instant: milliseconds since the Unix epoch (UTC), as `Date.now()` gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Time(f64);

/// A length of time in milliseconds: a wait, an interval, an age.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Span(f64);

impl Time {
    /// 1970-01-01T00:00:00Z.
    pub const EPOCH: Time = Time(0.0);

    pub const fn from_ms(ms: f64) -> Time {
        Time(ms)
    }

    /// Milliseconds since the epoch.
    pub const fn ms(self) -> f64 {
        self.0
    }

    pub fn is_finite(self) -> bool {
        self.0.is_finite()
    }

    /// As whole milliseconds in decimal, for marks kept as text. Integers only, so the
    /// page carries neither the float printer's nor the float parser's tables for them.
    pub fn to_whole_ms_text(self) -> String {
        (self.0 as i64).to_string()
    }

    /// Reads what [`Time::to_whole_ms_text`] wrote; anything else is `None`.
    pub fn from_whole_ms_text(text: &str) -> Option<Time> {
        text.parse::<i64>().ok().map(|ms| Time(ms as f64))
    }

    /// A total order, NaN included, for sorting.
    pub fn total_cmp(&self, other: &Time) -> Ordering {
        self.0.total_cmp(&other.0)
    }

    pub fn max(self, other: Time) -> Time {
        Time(self.0.max(other.0))
    }

    pub fn min(self, other: Time) -> Time {
        Time(self.0.min(other.0))
    }
}

impl Span {
    pub const ZERO: Span = Span(0.0);
    pub const MINUTE: Span = Span(60_000.0);
    pub const HOUR: Span = Span(3_600_000.0);
    /// A whole 24 hours, as the scheduler counts days.
    pub const DAY: Span = Span(86_400_000.0);

    pub const fn from_ms(ms: f64) -> Span {
        Span(ms)
    }

    pub fn seconds(seconds: u32) -> Span {
        Span(f64::from(seconds) * 1000.0)
    }

    pub fn days(days: f64) -> Span {
        Span(days * Span::DAY.0)
    }

    pub const fn ms(self) -> f64 {
        self.0
    }

    /// In days of 24 hours, with their fraction.
    pub fn in_days(self) -> f64 {
        self.0 / Span::DAY.0
    }

    /// Whole 24-hour periods; a negative span (a clock that went back) counts as none.
    pub fn whole_days(self) -> u32 {
        self.in_days().floor().clamp(0.0, f64::from(u32::MAX)) as u32
    }

    pub fn max(self, other: Span) -> Span {
        Span(self.0.max(other.0))
    }
}

impl Sub for Time {
    type Output = Span;
    fn sub(self, earlier: Time) -> Span {
        Span(self.0 - earlier.0)
    }
}

impl Add<Span> for Time {
    type Output = Time;
    fn add(self, span: Span) -> Time {
        Time(self.0 + span.0)
    }
}

impl AddAssign<Span> for Time {
    fn add_assign(&mut self, span: Span) {
        self.0 += span.0;
    }
}

impl Sub<Span> for Time {
    type Output = Time;
    fn sub(self, span: Span) -> Time {
        Time(self.0 - span.0)
    }
}

impl Add for Span {
    type Output = Span;
    fn add(self, other: Span) -> Span {
        Span(self.0 + other.0)
    }
}

impl Mul<f64> for Span {
    type Output = Span;
    fn mul(self, factor: f64) -> Span {
        Span(self.0 * factor)
    }
}

impl Div<f64> for Span {
    type Output = Span;
    fn div(self, divisor: f64) -> Span {
        Span(self.0 / divisor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_and_spans_meet_only_as_they_should() {
        let t = Time::from_ms(1_000.0);
        assert_eq!(t + Span::seconds(2) - t, Span::from_ms(2_000.0));
        assert_eq!((t + Span::days(1.5) - t).whole_days(), 1);
        assert_eq!((t - (t + Span::DAY)).whole_days(), 0);
        assert_eq!(Span::HOUR * 24.0, Span::DAY);
    }

    #[test]
    fn whole_milliseconds_round_trip_as_text() {
        let t = Time::from_ms(1_767_225_600_123.0);
        assert_eq!(t.to_whole_ms_text(), "1767225600123");
        assert_eq!(Time::from_whole_ms_text("1767225600123"), Some(t));
        // What the float printer wrote for `Date.now()` before is the same text.
        assert_eq!(Time::from_whole_ms_text(&t.ms().to_string()), Some(t));
        assert_eq!(Time::from_whole_ms_text("soon"), None);
        assert_eq!(Time::from_whole_ms_text(""), None);
    }

    #[test]
    fn both_are_stored_as_plain_milliseconds() {
        assert_eq!(serde_json::to_string(&Time::from_ms(5.0)).unwrap(), "5.0");
        assert_eq!(serde_json::from_str::<Span>("86400000").unwrap(), Span::DAY);
    }
}

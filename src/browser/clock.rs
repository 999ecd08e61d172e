//! The time and the learner's time zone, as the browser knows them.

use crate::core::review::stats::Calendar;

/// Milliseconds since the Unix epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// The learner's calendar: local days, from the browser's time zone.
pub fn calendar() -> Calendar {
    let offset_minutes = js_sys::Date::new_0().get_timezone_offset();
    Calendar {
        utc_offset_ms: -offset_minutes * 60_000.0,
    }
}

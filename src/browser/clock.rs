//! The time and the learner's time zone, as the browser knows them.

use crate::core::review::stats::Calendar;

/// Milliseconds since the Unix epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// A date as the learner's browser writes it ("12/6/2026" in English).
pub fn local_date(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    date.to_locale_date_string("en", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// The learner's calendar: local days, from the browser's time zone.
pub fn calendar() -> Calendar {
    let offset_minutes = js_sys::Date::new_0().get_timezone_offset();
    Calendar {
        utc_offset_ms: -offset_minutes * 60_000.0,
    }
}

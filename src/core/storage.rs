//! How much browser storage Loam uses, in words: byte counts as "1.2 MB" and the share of the
//! quota the browser grants, for the Settings page; and whether a failed write was the browser
//! running out of space.

/// What the browser reports about this site's storage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageUsage {
    /// Bytes in use (IndexedDB, caches and the rest of the site's storage).
    pub used: u64,
    /// Bytes the browser lets this site use.
    pub quota: u64,
    /// The browser has promised not to clear this site's storage under pressure.
    pub persistent: bool,
}

impl StorageUsage {
    /// "1.2 MB of 10 GB (less than 1%)".
    pub fn summary(&self) -> String {
        format!(
            "{} of {} ({})",
            format_bytes(self.used),
            format_bytes(self.quota),
            share(self.used, self.quota)
        )
    }
}

/// A byte count in decimal units, as browsers and disks report them: "512 bytes", "1.2 MB",
/// "15 GB". One decimal below 10 of a unit, none above; a trailing ".0" is dropped.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes == 1 {
        return "1 byte".to_string();
    }
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    // Move up while the rounded figure would read 1000 or more ("1000 kB" is "1 MB").
    while unit + 1 < UNITS.len() && rounded(value) >= 1000.0 {
        value /= 1000.0;
        unit += 1;
    }
    let shown = rounded(value);
    let text = if shown < 10.0 {
        format!("{shown:.1}")
    } else {
        format!("{shown:.0}")
    };
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

/// `value` rounded as it will be shown: to a tenth below 10, to a whole number above.
fn rounded(value: f64) -> f64 {
    if value < 9.95 {
        (value * 10.0).round() / 10.0
    } else {
        value.round()
    }
}

/// The share of `quota` that `used` takes, as a whole percentage; "less than 1%" rather than a
/// misleading "0%" when something is stored.
pub fn share(used: u64, quota: u64) -> String {
    if used == 0 {
        return "0%".to_string();
    }
    if quota == 0 || used >= quota {
        return "100%".to_string();
    }
    let percent = used as f64 * 100.0 / quota as f64;
    if percent < 1.0 {
        "less than 1%".to_string()
    } else {
        format!("{}%", (percent.round() as u64).min(99))
    }
}

/// A byte count reported by the browser (a JavaScript number) as a whole number of bytes;
/// anything that is not a finite, non-negative number reads as 0.
pub fn bytes_from_js(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value as u64
    } else {
        0
    }
}

/// What a failed IndexedDB request or transaction says about space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The browser refused for lack of space (a `QuotaExceededError`).
    Full,
    /// A write the browser ended with an `AbortError`: Loam never aborts its own writes, and some
    /// browsers end a write refused for space that way, so it is taken for lack of space. (Whether
    /// storage is near its quota cannot be checked instead: Chromium's
    /// `navigator.storage.estimate()` reports the usage plus a fixed 10 GiB, not the real quota.)
    MaybeFull,
    /// Anything else.
    Other,
}

/// Reads a failure: `name` is the `DOMException`'s name if there is one, `detail` the error in
/// words, `write` whether it happened while storing.
pub fn refusal(name: Option<&str>, detail: &str, write: bool) -> Refusal {
    if name == Some("QuotaExceededError") || detail.contains("QuotaExceeded") {
        Refusal::Full
    } else if write && name == Some("AbortError") {
        Refusal::MaybeFull
    } else {
        Refusal::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_below_a_kilobyte_are_counted() {
        assert_eq!(format_bytes(0), "0 bytes");
        assert_eq!(format_bytes(1), "1 byte");
        assert_eq!(format_bytes(999), "999 bytes");
    }

    #[test]
    fn one_decimal_below_ten_none_above() {
        assert_eq!(format_bytes(1000), "1 kB");
        assert_eq!(format_bytes(1_234), "1.2 kB");
        assert_eq!(format_bytes(1_250_000), "1.3 MB");
        assert_eq!(format_bytes(9_940_000), "9.9 MB");
        assert_eq!(format_bytes(12_345_678), "12 MB");
        assert_eq!(format_bytes(150_400_000), "150 MB");
        assert_eq!(format_bytes(10_000_000_000), "10 GB");
        assert_eq!(format_bytes(2_500_000_000_000), "2.5 TB");
    }

    #[test]
    fn rounding_up_moves_to_the_next_unit() {
        assert_eq!(format_bytes(9_960), "10 kB");
        assert_eq!(format_bytes(999_499), "999 kB");
        assert_eq!(format_bytes(999_600), "1 MB");
        assert_eq!(format_bytes(999_999_999), "1 GB");
    }

    #[test]
    fn the_largest_unit_holds_anything_bigger() {
        assert_eq!(format_bytes(u64::MAX), "18447 PB");
    }

    #[test]
    fn share_of_the_quota() {
        assert_eq!(share(0, 1000), "0%");
        assert_eq!(share(1, 1_000_000), "less than 1%");
        assert_eq!(share(10, 1000), "1%");
        assert_eq!(share(125, 1000), "13%");
        assert_eq!(share(999, 1000), "99%", "never rounds up to a full quota");
        assert_eq!(share(1000, 1000), "100%");
        assert_eq!(share(5, 0), "100%", "no quota at all is full");
    }

    #[test]
    fn summary_reads_as_a_sentence_part() {
        let usage = StorageUsage {
            used: 1_234_567,
            quota: 10_000_000_000,
            persistent: false,
        };
        assert_eq!(usage.summary(), "1.2 MB of 10 GB (less than 1%)");
    }

    #[test]
    fn browser_numbers_that_are_not_byte_counts_read_as_zero() {
        assert_eq!(bytes_from_js(f64::NAN), 0);
        assert_eq!(bytes_from_js(-5.0), 0);
        assert_eq!(bytes_from_js(f64::INFINITY), 0);
        assert_eq!(bytes_from_js(2048.7), 2048);
    }

    #[test]
    fn a_quota_error_is_lack_of_space() {
        assert_eq!(refusal(Some("QuotaExceededError"), "", true), Refusal::Full);
        assert_eq!(
            refusal(Some("QuotaExceededError"), "", false),
            Refusal::Full
        );
        assert_eq!(
            refusal(None, "DOM exception: QuotaExceededError: too big", true),
            Refusal::Full,
            "known by its text when no name is at hand"
        );
    }

    #[test]
    fn an_aborted_write_is_taken_for_lack_of_space_but_not_an_aborted_read() {
        assert_eq!(
            refusal(Some("AbortError"), "AbortError: ", true),
            Refusal::MaybeFull
        );
        assert_eq!(
            refusal(Some("AbortError"), "AbortError: ", false),
            Refusal::Other
        );
    }

    #[test]
    fn other_failures_are_not_about_space() {
        assert_eq!(
            refusal(Some("DataError"), "DataError: bad key", true),
            Refusal::Other
        );
        assert_eq!(
            refusal(None, "failed to get event target", true),
            Refusal::Other
        );
    }
}

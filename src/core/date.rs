//! Calendar dates from times, without a date crate: file names carry the day they were made, and
//! zip entries carry DOS dates.

use crate::core::time::Time;

/// "{what} YYYY-MM-DD.{extension}", dated by the UTC day of `created` (1970-01-01 for a time before the epoch or
/// past the year 9999).
pub fn dated_file_name(what: &str, extension: &str, created: Time) -> String {
    const LAST: Time = Time::from_ms(253_402_300_799_999.0); // 9999-12-31T23:59:59.999Z
    let time = if created.is_finite() && (Time::EPOCH..=LAST).contains(&created) {
        created
    } else {
        Time::EPOCH
    };
    let (year, month, day) = civil_date((time - Time::EPOCH).in_days().floor() as i64);
    format!("{what} {year:04}-{month:02}-{day:02}.{extension}")
}

/// Year, month and day of a day count since 1970-01-01 (non-negative), in the proleptic
/// Gregorian calendar: days are counted in 400-year eras starting on 1 March.
pub fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // days from 0000-03-01
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a date, the inverse of [`civil_date`].
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_agree_with_a_day_by_day_count() {
        let mut date = (1970, 1, 1);
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for days in 0..200_000 {
            assert_eq!(civil_date(days), date, "{days}");
            let (y, m, d) = date;
            let length = match m {
                2 if leap(y) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            date = if d < length {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }
}

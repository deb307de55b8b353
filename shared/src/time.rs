//! The township's time zone, in one place for Rust and SQL.
//!
//! Working periods, holidays, "today", months of statistics and event numbers' years are all
//! China wall-clock notions, whatever the server's or the browser's own zone is. China keeps
//! UTC+8 all year (no daylight saving), so Rust uses a fixed offset; SQL names the zone
//! through the function `app_time_zone()` (migration `app_time_zone`), and a test checks
//! that it answers [`ZONE`].

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Utc};

/// The IANA name SQL uses (`AT TIME ZONE app_time_zone()`).
pub const ZONE: &str = "Asia/Shanghai";

/// Offset of China Standard Time from UTC, in seconds.
pub const OFFSET_SECS: i32 = 8 * 3600;

/// Evaluated at compile time: an invalid offset would fail the build, never a request.
const OFFSET: FixedOffset = match FixedOffset::east_opt(OFFSET_SECS) {
    Some(offset) => offset,
    None => panic!("China Standard Time offset out of range"),
};

/// The same offset as a duration, to convert between UTC and wall-clock time without
/// chrono's panicking conversions at the edges of its range.
pub const OFFSET_DELTA: TimeDelta = match TimeDelta::try_seconds(OFFSET_SECS as i64) {
    Some(delta) => delta,
    None => panic!("China Standard Time offset out of range"),
};

/// China Standard Time, as a chrono offset.
pub fn china() -> FixedOffset {
    OFFSET
}

/// A UTC instant on the township's wall clock.
pub fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&OFFSET)
}

/// The township's calendar date at an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date_naive()
}

/// Today on the township's wall clock.
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

/// The instant a day of the township's calendar starts (its midnight).
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    (day.and_time(chrono::NaiveTime::MIN) - OFFSET_DELTA).and_utc()
}

/// `HH:MM` on the township's wall clock for seconds since 1970, with none of chrono's
/// formatting code (what a page that must stay small can afford).
pub fn clock(unix_seconds: i64) -> String {
    let minutes = minute_of_day(unix_seconds);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Minutes since local midnight for seconds since 1970 (for the browser, which then needs
/// none of chrono's time-zone code).
pub fn minute_of_day(unix_seconds: i64) -> i64 {
    (unix_seconds + i64::from(OFFSET_SECS)).div_euclid(60).rem_euclid(24 * 60)
}

/// A wall-clock date and time as a form sends it (`2026-11-28T14:30`, `2026-11-28 14:30` or
/// with seconds), as the instant it names in the township.
pub fn parse_local_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim().replace(' ', "T");
    let naive = chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    naive.checked_sub_signed(OFFSET_DELTA).map(|utc| utc.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_time_is_eight_hours_ahead() {
        let at = Utc.with_ymd_and_hms(2026, 1, 31, 16, 30, 0).unwrap();
        assert_eq!(local(at).to_rfc3339(), "2026-02-01T00:30:00+08:00");
        assert_eq!(minute_of_day(at.timestamp()), 30);
        assert_eq!(minute_of_day(-60), 8 * 60 - 1);
        assert_eq!(local_date(at).to_string(), "2026-02-01");
        assert_eq!(clock(at.timestamp()), "00:30");
        assert_eq!(parse_local_datetime("2026-02-01 00:30"), Some(at));
        assert_eq!(parse_local_datetime("2026-02-01T00:30:00"), Some(at));
        assert_eq!(parse_local_datetime("yesterday"), None);
        assert_eq!(start_of_day(local_date(at)).to_rfc3339(), "2026-01-31T16:00:00+00:00");
    }
}

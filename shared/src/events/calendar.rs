//! Working time of the Chinese administrative calendar, in which every event deadline is
//! counted (a "2 working days" deadline set on a Friday afternoon must not expire over the
//! weekend, nor during the Spring Festival).
//!
//! The rules: Monday–Friday are working days and Saturday/Sunday rest days, except for the
//! overrides the State Council publishes each year — public holidays (放假, a weekday that
//! is a rest day) and make-up working days (调休上班, a weekend day that is a working day).
//! A working day has two working periods in China time (UTC+8, no daylight saving):
//! 08:30–12:00 and 13:30–17:30, i.e. 7.5 hours.
//!
//! Both [`WorkCalendar::add_working_minutes`] and [`WorkCalendar::working_minutes_between`]
//! run on one private walk over the calendar, so they agree exactly:
//! `working_minutes_between(a, add_working_minutes(a, m)) == m` for every `m >= 0`.
//!
//! Guard against broken data: the override table is finite, so past its last entry the
//! weekend rule always yields a working day again and a walk always ends. Still, a table in
//! which someone marked a whole year as holidays would make every deadline meaningless, so
//! once a walk has met more than 366 consecutive rest days it treats each further day as a
//! working day until it meets a real one. This only changes results for such data.
//! Instants beyond chrono's range saturate at [`DateTime::<Utc>::MAX_UTC`].

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// How a calendar entry overrides the weekend rule. Days without an entry follow the rule
/// (Monday–Friday work, Saturday/Sunday rest), so only the exceptions are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DayKind {
    /// 放假: a rest day, typically a weekday inside a public holiday.
    Holiday,
    /// 调休上班: a working day, typically a weekend day traded for a holiday.
    Workday,
}

impl DayKind {
    /// The code stored in the `work_calendar` table and sent by the calendar editor.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// The inverse of [`DayKind::as_str`]; `None` for anything else (e.g. the editor's
    /// "normal", which means "remove the override").
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// One stored override with its name (e.g. "春节", "春节调休上班"), as listed to the staff who
/// maintain the calendar; deadline arithmetic needs only the day and the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

use crate::time::OFFSET_DELTA as CHINA_OFFSET_DELTA;
/// China Standard Time (the one definition is `crate::time`).
pub use crate::time::china;

/// A wall-clock time for a constant. Only used in `const` items, so an invalid time is a
/// compile error rather than a runtime panic.
const fn clock(hour: u32, min: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, min, 0) {
        Some(time) => time,
        None => panic!("invalid constant time"),
    }
}

/// The two working periods of a working day, in China time: 08:30–12:00 and 13:30–17:30.
/// Deadlines only run during these periods, so the lunch break and nights never count.
pub const WORK_PERIODS: [(NaiveTime, NaiveTime); 2] = [(clock(8, 30), clock(12, 0)), (clock(13, 30), clock(17, 30))];

/// Minutes of work in one working day (450 = 7.5 h), the sum of [`WORK_PERIODS`]. Used to
/// skip whole working days at once instead of walking through them.
pub const MINUTES_PER_DAY: i64 = 450;

const NANOS_PER_MINUTE: i128 = 60_000_000_000;
const DAY_NANOS: i128 = MINUTES_PER_DAY as i128 * NANOS_PER_MINUTE;
/// A week with no override: five working days.
const WEEK_NANOS: i128 = 5 * DAY_NANOS;
/// After this many consecutive rest days a walk stops trusting the data (see module docs).
const MAX_REST_RUN: u32 = 366;

/// The State Council's published holiday arrangements for 2025 and 2026 (国务院办公厅关于
/// 部分节假日安排的通知), seeded into the stored calendar so deadlines are right out of the
/// box. Each entry is (date "YYYY-MM-DD", kind, name); weekend days inside a holiday span
/// are listed as holidays too, so the editor shows the whole span.
pub const BUILTIN_DAYS: &[(&str, DayKind, &str)] = &[
    // 2025
    ("2025-01-01", DayKind::Holiday, "元旦"),
    ("2025-01-26", DayKind::Workday, "春节调休上班"),
    ("2025-01-28", DayKind::Holiday, "春节"),
    ("2025-01-29", DayKind::Holiday, "春节"),
    ("2025-01-30", DayKind::Holiday, "春节"),
    ("2025-01-31", DayKind::Holiday, "春节"),
    ("2025-02-01", DayKind::Holiday, "春节"),
    ("2025-02-02", DayKind::Holiday, "春节"),
    ("2025-02-03", DayKind::Holiday, "春节"),
    ("2025-02-04", DayKind::Holiday, "春节"),
    ("2025-02-08", DayKind::Workday, "春节调休上班"),
    ("2025-04-04", DayKind::Holiday, "清明节"),
    ("2025-04-05", DayKind::Holiday, "清明节"),
    ("2025-04-06", DayKind::Holiday, "清明节"),
    ("2025-04-27", DayKind::Workday, "劳动节调休上班"),
    ("2025-05-01", DayKind::Holiday, "劳动节"),
    ("2025-05-02", DayKind::Holiday, "劳动节"),
    ("2025-05-03", DayKind::Holiday, "劳动节"),
    ("2025-05-04", DayKind::Holiday, "劳动节"),
    ("2025-05-05", DayKind::Holiday, "劳动节"),
    ("2025-05-31", DayKind::Holiday, "端午节"),
    ("2025-06-01", DayKind::Holiday, "端午节"),
    ("2025-06-02", DayKind::Holiday, "端午节"),
    ("2025-09-28", DayKind::Workday, "国庆节、中秋节调休上班"),
    ("2025-10-01", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-02", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-03", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-04", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-05", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-06", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-07", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-08", DayKind::Holiday, "国庆节、中秋节"),
    ("2025-10-11", DayKind::Workday, "国庆节、中秋节调休上班"),
    // 2026
    ("2026-01-01", DayKind::Holiday, "元旦"),
    ("2026-01-02", DayKind::Holiday, "元旦"),
    ("2026-01-03", DayKind::Holiday, "元旦"),
    ("2026-01-04", DayKind::Workday, "元旦调休上班"),
    ("2026-02-14", DayKind::Workday, "春节调休上班"),
    ("2026-02-15", DayKind::Holiday, "春节"),
    ("2026-02-16", DayKind::Holiday, "春节"),
    ("2026-02-17", DayKind::Holiday, "春节"),
    ("2026-02-18", DayKind::Holiday, "春节"),
    ("2026-02-19", DayKind::Holiday, "春节"),
    ("2026-02-20", DayKind::Holiday, "春节"),
    ("2026-02-21", DayKind::Holiday, "春节"),
    ("2026-02-22", DayKind::Holiday, "春节"),
    ("2026-02-23", DayKind::Holiday, "春节"),
    ("2026-02-28", DayKind::Workday, "春节调休上班"),
    ("2026-04-04", DayKind::Holiday, "清明节"),
    ("2026-04-05", DayKind::Holiday, "清明节"),
    ("2026-04-06", DayKind::Holiday, "清明节"),
    ("2026-05-01", DayKind::Holiday, "劳动节"),
    ("2026-05-02", DayKind::Holiday, "劳动节"),
    ("2026-05-03", DayKind::Holiday, "劳动节"),
    ("2026-05-04", DayKind::Holiday, "劳动节"),
    ("2026-05-05", DayKind::Holiday, "劳动节"),
    ("2026-05-09", DayKind::Workday, "劳动节调休上班"),
    ("2026-06-19", DayKind::Holiday, "端午节"),
    ("2026-06-20", DayKind::Holiday, "端午节"),
    ("2026-06-21", DayKind::Holiday, "端午节"),
    ("2026-09-20", DayKind::Workday, "国庆节调休上班"),
    ("2026-09-25", DayKind::Holiday, "中秋节"),
    ("2026-09-26", DayKind::Holiday, "中秋节"),
    ("2026-09-27", DayKind::Holiday, "中秋节"),
    ("2026-10-01", DayKind::Holiday, "国庆节"),
    ("2026-10-02", DayKind::Holiday, "国庆节"),
    ("2026-10-03", DayKind::Holiday, "国庆节"),
    ("2026-10-04", DayKind::Holiday, "国庆节"),
    ("2026-10-05", DayKind::Holiday, "国庆节"),
    ("2026-10-06", DayKind::Holiday, "国庆节"),
    ("2026-10-07", DayKind::Holiday, "国庆节"),
    ("2026-10-10", DayKind::Workday, "国庆节调休上班"),
];

/// The working calendar deadlines are computed against: the weekend rule plus the stored
/// overrides (holidays and make-up working days), keyed by China date. Plain data, so the
/// server loads it once per request from the `work_calendar` table and the arithmetic stays
/// pure and testable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

/// Where a walk over working time stopped, in China wall-clock time, and how much working
/// time (in nanoseconds) it counted from its start.
struct Walked {
    at: NaiveDateTime,
    worked: i128,
}

impl WorkCalendar {
    /// A calendar from its overrides; a later entry for the same day wins.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        WorkCalendar { days: days.into_iter().collect() }
    }

    /// The built-in national arrangements ([`BUILTIN_DAYS`]), for when nothing is stored
    /// yet and for tests. Entries that fail to parse are skipped (a unit test guarantees
    /// there are none).
    pub fn china_builtin() -> Self {
        Self::new(
            BUILTIN_DAYS
                .iter()
                .filter_map(|(day, kind, _)| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().map(|day| (day, *kind))),
        )
    }

    /// Whether `day` (a China date) is a working day: its override if it has one, else
    /// Monday–Friday.
    pub fn is_workday(&self, day: NaiveDate) -> bool {
        match self.days.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The instant `minutes` working minutes after `from` — how deadlines are set. `from`
    /// may be outside working time: counting starts at the next working period. A count
    /// that exactly exhausts a period ends at that period's end (Monday 11:00 + 60 min is
    /// Monday 12:00, not 13:30), so a deadline never jumps over a break it does not need.
    /// `minutes <= 0` returns `from` unchanged. Runs in time proportional to the number of
    /// days that carry an override or a partial period, not to `minutes`: whole working days
    /// and whole override-free weeks are skipped at once. Results beyond chrono's range
    /// saturate at [`DateTime::<Utc>::MAX_UTC`].
    pub fn add_working_minutes(&self, from: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        if minutes <= 0 {
            return from;
        }
        let Some(start) = to_china(from) else {
            return DateTime::<Utc>::MAX_UTC;
        };
        let budget = i128::from(minutes) * NANOS_PER_MINUTE;
        let walked = self.walk(start, budget, NaiveDateTime::MAX);
        if walked.worked < budget {
            return DateTime::<Utc>::MAX_UTC;
        }
        from_china(walked.at).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Working minutes between two instants (0 if `to <= from`), rounded down — how much
    /// working time is left before a deadline, or how long handling took. The exact inverse
    /// of [`WorkCalendar::add_working_minutes`].
    pub fn working_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let Some(start) = to_china(from) else {
            return 0;
        };
        let until = to_china(to).unwrap_or(NaiveDateTime::MAX);
        let walked = self.walk(start, i128::MAX, until);
        i64::try_from(walked.worked / NANOS_PER_MINUTE).unwrap_or(i64::MAX)
    }

    /// Walks forward from `from` through working time until either `budget` nanoseconds of
    /// working time have been counted (stopping exactly there, which may be a period's end)
    /// or the wall-clock instant `until` is reached. Both public operations use this one
    /// walk, which is what makes them exact inverses.
    fn walk(&self, from: NaiveDateTime, budget: i128, until: NaiveDateTime) -> Walked {
        let first_start = WORK_PERIODS[0].0;
        let last_day = until.date();
        let mut day = from.date();
        let mut time = from.time();
        let mut worked: i128 = 0;
        let mut rest_run: u32 = 0;
        loop {
            let genuine = self.is_workday(day);
            rest_run = if genuine { 0 } else { rest_run.saturating_add(1) };
            // Fallback for broken data: see the module documentation.
            let working = genuine || rest_run > MAX_REST_RUN;
            if working {
                // Shortcuts, only when the whole day lies before `until` and the walk
                // enters it before its first period.
                if time <= first_start && day < last_day {
                    let weeks = self.free_weeks(day, last_day, budget - worked);
                    if weeks > 0 {
                        let Some(next) = day.checked_add_days(Days::new(7 * weeks)) else {
                            return Walked { at: until, worked };
                        };
                        day = next;
                        time = NaiveTime::MIN;
                        worked += i128::from(weeks) * WEEK_NANOS;
                        // The skipped weeks ended with an ordinary weekend.
                        rest_run = 2;
                        continue;
                    }
                    // Strictly more than a day left: a count that exactly exhausts the day
                    // must end at 17:30 of this day, which the period loop below produces.
                    if budget - worked > DAY_NANOS {
                        worked += DAY_NANOS;
                        let Some(next) = day.succ_opt() else {
                            return Walked { at: until, worked };
                        };
                        day = next;
                        time = NaiveTime::MIN;
                        continue;
                    }
                }
                for (period_start, period_end) in WORK_PERIODS {
                    if time >= period_end {
                        continue;
                    }
                    let begin = day.and_time(time.max(period_start));
                    if begin >= until {
                        return Walked { at: until, worked };
                    }
                    let end = day.and_time(period_end).min(until);
                    let length = i128::from(end.signed_duration_since(begin).num_nanoseconds().unwrap_or(0));
                    let left = budget - worked;
                    if left <= length {
                        // `left` is at most one period (a few hours), so it fits an i64.
                        let at = i64::try_from(left)
                            .ok()
                            .and_then(|nanos| begin.checked_add_signed(TimeDelta::nanoseconds(nanos)))
                            .unwrap_or(end);
                        return Walked { at, worked: budget };
                    }
                    worked += length;
                    if end == until {
                        return Walked { at: until, worked };
                    }
                }
            }
            if day >= last_day {
                return Walked { at: until, worked };
            }
            let Some(next) = day.succ_opt() else {
                return Walked { at: until, worked };
            };
            day = next;
            time = NaiveTime::MIN;
        }
    }

    /// How many whole weeks, starting on Monday `day`, can be counted as five working days
    /// each without looking at them: weeks with no override, ending before `last_day`, and
    /// leaving some of `left` (nanoseconds) to count, so an exactly exhausted count still
    /// ends at a Friday's 17:30 through the ordinary path.
    fn free_weeks(&self, day: NaiveDate, last_day: NaiveDate, left: i128) -> u64 {
        if day.weekday() != Weekday::Mon {
            return 0;
        }
        let by_budget = u64::try_from((left - 1) / WEEK_NANOS).unwrap_or(u64::MAX);
        let by_until = u64::try_from(last_day.signed_duration_since(day).num_days() / 7).unwrap_or(0);
        let by_overrides = match self.days.range(day..).next() {
            Some((next_override, _)) => {
                u64::try_from(next_override.signed_duration_since(day).num_days() / 7).unwrap_or(0)
            }
            None => u64::MAX,
        };
        by_budget.min(by_until).min(by_overrides)
    }
}

/// China wall-clock time of an instant; `None` within 8 hours of the end of chrono's range.
fn to_china(at: DateTime<Utc>) -> Option<NaiveDateTime> {
    at.naive_utc().checked_add_signed(CHINA_OFFSET_DELTA)
}

/// The instant of a China wall-clock time; `None` within 8 hours of the start of chrono's
/// range.
fn from_china(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    local.checked_sub_signed(CHINA_OFFSET_DELTA).map(|utc| utc.and_utc())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::{TimeZone, Timelike};

    use super::*;

    /// An instant given in China wall-clock time.
    fn cst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        china().with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid China time").with_timezone(&Utc)
    }

    fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, d).expect("valid date")
    }

    fn plain() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// Brute-force reference: sums the overlap of [from, to] with every working period,
    /// day by day, with no shortcuts (and no fallback).
    fn slow_between(calendar: &WorkCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let from = from.with_timezone(&china()).naive_local();
        let to = to.with_timezone(&china()).naive_local();
        let mut day = from.date();
        let mut total = TimeDelta::zero();
        while day <= to.date() {
            if calendar.is_workday(day) {
                for (start, end) in WORK_PERIODS {
                    let begin = day.and_time(start).max(from);
                    let end = day.and_time(end).min(to);
                    if end > begin {
                        total += end - begin;
                    }
                }
            }
            day = day.succ_opt().expect("date in range");
        }
        total.num_minutes()
    }

    #[test]
    fn constants_agree() {
        assert_eq!(china().local_minus_utc(), 8 * 3600);
        let total: i64 = WORK_PERIODS.iter().map(|(start, end)| (*end - *start).num_minutes()).sum();
        assert_eq!(total, MINUTES_PER_DAY);
        assert_eq!(WORK_PERIODS[0].0, NaiveTime::from_hms_opt(8, 30, 0).unwrap());
        assert_eq!(WORK_PERIODS[0].1, NaiveTime::from_hms_opt(12, 0, 0).unwrap());
        assert_eq!(WORK_PERIODS[1].0, NaiveTime::from_hms_opt(13, 30, 0).unwrap());
        assert_eq!(WORK_PERIODS[1].1, NaiveTime::from_hms_opt(17, 30, 0).unwrap());
    }

    #[test]
    fn day_kind_codes_round_trip() {
        for kind in [DayKind::Holiday, DayKind::Workday] {
            assert_eq!(DayKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DayKind::parse("normal"), None);
        assert_eq!(DayKind::parse("Holiday"), None);
        let day = CalendarDay { day: date(2026, 2, 14), kind: DayKind::Workday, name: "春节调休上班".into() };
        let json = serde_json::to_string(&day).unwrap();
        assert_eq!(serde_json::from_str::<CalendarDay>(&json).unwrap(), day);
    }

    #[test]
    fn builtin_days_parse_and_are_unique() {
        let mut seen = HashSet::new();
        for (text, kind, name) in BUILTIN_DAYS {
            let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {text}"));
            assert!(seen.insert(day), "{text} appears twice");
            assert!(!name.is_empty() && name.chars().count() <= 20, "{text}: bad name {name}");
            assert!(matches!(day.year(), 2025 | 2026), "{text}: outside 2025–2026");
            if *kind == DayKind::Workday {
                // A make-up working day only makes sense on a weekend.
                assert!(matches!(day.weekday(), Weekday::Sat | Weekday::Sun), "{text} is not a weekend day");
                assert!(name.ends_with("调休上班"), "{text}: {name}");
            }
        }
        assert_eq!(WorkCalendar::china_builtin().days.len(), BUILTIN_DAYS.len());
    }

    #[test]
    fn builtin_calendar_knows_the_arrangements() {
        let calendar = WorkCalendar::china_builtin();
        // Make-up working days on weekends.
        for day in [
            date(2025, 1, 26),
            date(2025, 2, 8),
            date(2025, 4, 27),
            date(2025, 9, 28),
            date(2025, 10, 11),
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        ] {
            assert!(calendar.is_workday(day), "{day} should be a working day");
        }
        // Holidays on weekdays.
        for day in [date(2025, 1, 1), date(2025, 10, 8), date(2026, 1, 2), date(2026, 2, 23), date(2026, 10, 7)] {
            assert!(!calendar.is_workday(day), "{day} should be a holiday");
        }
        // Ordinary days follow the weekend rule.
        assert!(calendar.is_workday(date(2026, 10, 8)));
        assert!(!calendar.is_workday(date(2026, 3, 7)));
        assert!(calendar.is_workday(date(2026, 3, 9)));
    }

    #[test]
    fn start_inside_a_period() {
        let c = plain();
        // 2026-03-02 is a Monday.
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 9, 0), 60), cst(2026, 3, 2, 10, 0));
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 14, 0), 90), cst(2026, 3, 2, 15, 30));
    }

    #[test]
    fn exactly_exhausting_a_period_ends_at_its_end() {
        let c = plain();
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 11, 0), 60), cst(2026, 3, 2, 12, 0));
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 11, 0), 61), cst(2026, 3, 2, 13, 31));
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 8, 30), MINUTES_PER_DAY), cst(2026, 3, 2, 17, 30));
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 0, 0), 5 * MINUTES_PER_DAY), cst(2026, 3, 6, 17, 30));
        // At a period's end with minutes left: on at the next period's start.
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 12, 0), 1), cst(2026, 3, 2, 13, 31));
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 17, 30), 1), cst(2026, 3, 3, 8, 31));
    }

    #[test]
    fn start_before_the_working_day() {
        assert_eq!(plain().add_working_minutes(cst(2026, 3, 2, 7, 0), 30), cst(2026, 3, 2, 9, 0));
    }

    #[test]
    fn start_during_lunch() {
        assert_eq!(plain().add_working_minutes(cst(2026, 3, 2, 12, 30), 30), cst(2026, 3, 2, 14, 0));
    }

    #[test]
    fn start_after_the_working_day() {
        assert_eq!(plain().add_working_minutes(cst(2026, 3, 2, 18, 0), 30), cst(2026, 3, 3, 9, 0));
    }

    #[test]
    fn start_on_a_saturday() {
        assert_eq!(plain().add_working_minutes(cst(2026, 3, 7, 10, 0), 30), cst(2026, 3, 9, 9, 0));
    }

    #[test]
    fn friday_afternoon_runs_into_monday() {
        assert_eq!(plain().add_working_minutes(cst(2026, 3, 6, 16, 30), 120), cst(2026, 3, 9, 9, 30));
    }

    #[test]
    fn seconds_of_the_start_are_kept() {
        let from = cst(2026, 3, 2, 11, 59) + TimeDelta::seconds(30);
        let to = plain().add_working_minutes(from, 1);
        assert_eq!(to, cst(2026, 3, 2, 13, 30) + TimeDelta::seconds(30));
        assert_eq!(to.with_timezone(&china()).second(), 30);
        assert_eq!(plain().working_minutes_between(from, to), 1);
    }

    #[test]
    fn national_day_2026() {
        let c = WorkCalendar::china_builtin();
        // Wed 30 Sep: one hour left that day; 1–7 Oct are holidays and Thu 8 Oct is an
        // ordinary working day.
        assert_eq!(c.add_working_minutes(cst(2026, 9, 30, 16, 30), 120), cst(2026, 10, 8, 9, 30));
        // Fri 9 Oct runs into the make-up Saturday 10 Oct.
        assert_eq!(c.add_working_minutes(cst(2026, 10, 9, 17, 0), 60), cst(2026, 10, 10, 9, 0));
        assert_eq!(c.working_minutes_between(cst(2026, 9, 30, 17, 30), cst(2026, 10, 8, 8, 30)), 0);
    }

    #[test]
    fn spring_festival_2026_with_make_up_saturday() {
        let c = WorkCalendar::china_builtin();
        assert_eq!(c.add_working_minutes(cst(2026, 2, 13, 17, 0), 60), cst(2026, 2, 14, 9, 0));
        // From the make-up Saturday across the nine days of holiday to Tue 24 Feb.
        assert_eq!(c.add_working_minutes(cst(2026, 2, 14, 17, 0), 60), cst(2026, 2, 24, 9, 0));
    }

    #[test]
    fn make_up_sunday_2026_01_04() {
        let c = WorkCalendar::china_builtin();
        // Wed 31 Dec 2025; 1–3 Jan 2026 are holidays; Sun 4 Jan is a working day.
        assert_eq!(c.add_working_minutes(cst(2025, 12, 31, 17, 0), 60), cst(2026, 1, 4, 9, 0));
        assert_eq!(c.working_minutes_between(cst(2026, 1, 4, 0, 0), cst(2026, 1, 5, 0, 0)), MINUTES_PER_DAY);
    }

    #[test]
    fn large_deadline_spans_weekends() {
        let c = plain();
        // Ten working days from Monday 09:00 is Monday 09:00 two weeks later.
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 9, 0), 10 * MINUTES_PER_DAY), cst(2026, 3, 16, 9, 0));
        // Fifty-two weeks, skipped in one step by the week shortcut.
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 0, 0), 52 * 5 * MINUTES_PER_DAY), cst(2027, 2, 26, 17, 30));
        // Across all of 2025 and 2026 with the holidays: agrees with the slow reference.
        let builtin = WorkCalendar::china_builtin();
        let from = cst(2024, 12, 30, 10, 15);
        let to = builtin.add_working_minutes(from, 2 * 250 * MINUTES_PER_DAY);
        assert_eq!(slow_between(&builtin, from, to), 2 * 250 * MINUTES_PER_DAY);
    }

    #[test]
    fn huge_counts_saturate_quickly() {
        let c = WorkCalendar::china_builtin();
        assert_eq!(c.add_working_minutes(cst(2026, 3, 2, 9, 0), i64::MAX), DateTime::<Utc>::MAX_UTC);
        // Ten billion minutes is some 85,000 years: still representable, still instant.
        let far = c.add_working_minutes(cst(2026, 3, 2, 9, 0), 10_000_000_000);
        assert!(far > cst(9999, 12, 31, 0, 0) && far < DateTime::<Utc>::MAX_UTC);
        assert_eq!(c.working_minutes_between(cst(2026, 3, 2, 9, 0), far), 10_000_000_000);
        assert_eq!(
            slow_between(&c, cst(2026, 3, 2, 9, 0), cst(2030, 1, 1, 0, 0)),
            c.working_minutes_between(cst(2026, 3, 2, 9, 0), cst(2030, 1, 1, 0, 0))
        );
    }

    #[test]
    fn non_positive_counts_return_the_start() {
        let from = cst(2026, 3, 7, 3, 17);
        assert_eq!(plain().add_working_minutes(from, 0), from);
        assert_eq!(plain().add_working_minutes(from, -30), from);
    }

    #[test]
    fn between_a_full_week_and_reversed() {
        let c = plain();
        assert_eq!(c.working_minutes_between(cst(2026, 3, 2, 0, 0), cst(2026, 3, 9, 0, 0)), 5 * MINUTES_PER_DAY);
        assert_eq!(c.working_minutes_between(cst(2026, 3, 7, 0, 0), cst(2026, 3, 14, 0, 0)), 5 * MINUTES_PER_DAY);
        assert_eq!(c.working_minutes_between(cst(2026, 3, 9, 0, 0), cst(2026, 3, 2, 0, 0)), 0);
        assert_eq!(c.working_minutes_between(cst(2026, 3, 2, 9, 0), cst(2026, 3, 2, 9, 0)), 0);
        assert_eq!(c.working_minutes_between(cst(2026, 3, 2, 11, 0), cst(2026, 3, 2, 14, 0)), 90);
    }

    #[test]
    fn add_and_between_are_inverse() {
        let starts = [
            cst(2026, 3, 2, 0, 0),
            cst(2026, 3, 2, 8, 30),
            cst(2026, 3, 2, 9, 17),
            cst(2026, 3, 2, 12, 0),
            cst(2026, 3, 2, 12, 45),
            cst(2026, 3, 2, 17, 30),
            cst(2026, 3, 2, 23, 59),
            cst(2026, 3, 6, 16, 30),
            cst(2026, 3, 7, 10, 0),
            cst(2026, 3, 8, 23, 0),
            cst(2025, 12, 31, 17, 0),
            cst(2026, 2, 13, 11, 11),
            cst(2026, 2, 20, 10, 0),
            cst(2026, 9, 30, 16, 30),
            cst(2026, 12, 31, 15, 0),
            cst(2026, 3, 2, 11, 59) + TimeDelta::seconds(30) + TimeDelta::nanoseconds(123),
        ];
        let counts = [0, 1, 29, 30, 59, 60, 209, 210, 211, 449, 450, 451, 900, 2249, 2250, 2251, 4500, 10_007, 100_000];
        for calendar in [plain(), WorkCalendar::china_builtin()] {
            for from in starts {
                let mut previous = from;
                for minutes in counts {
                    let to = calendar.add_working_minutes(from, minutes);
                    assert_eq!(calendar.working_minutes_between(from, to), minutes, "from {from} + {minutes}");
                    assert_eq!(slow_between(&calendar, from, to), minutes, "reference, from {from} + {minutes}");
                    assert!(to >= previous, "not monotonic at {from} + {minutes}");
                    previous = to;
                    // One second less is not enough.
                    if minutes > 0 {
                        let short = to - TimeDelta::seconds(1);
                        assert_eq!(calendar.working_minutes_between(from, short), minutes - 1);
                    }
                }
            }
        }
    }

    #[test]
    fn between_agrees_with_the_reference() {
        let c = WorkCalendar::china_builtin();
        let instants = [
            cst(2024, 12, 28, 12, 0),
            cst(2025, 1, 27, 9, 0),
            cst(2025, 2, 8, 13, 0),
            cst(2025, 9, 29, 16, 0),
            cst(2026, 1, 4, 8, 0),
            cst(2026, 2, 14, 10, 30),
            cst(2026, 6, 18, 12, 30),
            cst(2026, 10, 10, 17, 45),
            cst(2027, 3, 1, 8, 29),
        ];
        for from in instants {
            for to in instants {
                assert_eq!(c.working_minutes_between(from, to), slow_between(&c, from, to), "{from} .. {to}");
            }
        }
    }

    #[test]
    fn a_year_of_holidays_falls_back_to_working_days() {
        // Broken data: 400 consecutive holidays from Monday 2 March 2026.
        let start = date(2026, 3, 2);
        let calendar = WorkCalendar::new((0..400).map(|offset| (start + Days::new(offset), DayKind::Holiday)));
        let from = cst(2026, 3, 2, 0, 0);
        let to = calendar.add_working_minutes(from, 60);
        // After 366 rest days, the 367th day counts as a working day.
        let fallback_day = start + Days::new(366);
        let expected = china()
            .from_local_datetime(&fallback_day.and_hms_opt(9, 30, 0).unwrap())
            .single()
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(to, expected);
        assert_eq!(calendar.working_minutes_between(from, to), 60);
        // Beyond the broken span the ordinary rules apply again.
        // 34 fallback days (offsets 366..=399), then ordinary weeks again.
        let later = calendar.add_working_minutes(from, 40 * MINUTES_PER_DAY);
        assert!(later > cst(2027, 4, 6, 0, 0));
        assert_eq!(calendar.working_minutes_between(from, later), 40 * MINUTES_PER_DAY);
    }
}

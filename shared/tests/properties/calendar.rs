//! Working-time arithmetic (`events/calendar.rs`), which sets and measures every deadline:
//! adding working minutes then measuring gives the same minutes, deadlines only move
//! forward, a brute-force day-by-day count agrees, and at chrono's first and last days
//! every call ends quickly without panicking.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;
use shared::events::calendar::{DayKind, WORK_PERIODS, WorkCalendar, china};

use super::{cases, within};

/// Longer than any case takes, short enough that a loop is a failure, not a hung run.
const LIMIT: Duration = Duration::from_secs(10);

fn instant(seconds: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, nanos).expect("within chrono's range")
}

fn seconds_of(y: i32, m: u32, d: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date").and_hms_opt(0, 0, 0).expect("a time").and_utc().timestamp()
}

/// An instant of these decades, to the nanosecond (minutes, seconds and the lunch break
/// all show up), or within a day of a period's start or end more often than by chance.
fn ordinary_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let (first, last) = (seconds_of(1990, 1, 1), seconds_of(2100, 1, 1));
    prop_oneof![
        (first..last, 0..1_000_000_000u32).prop_map(|(s, n)| instant(s, n)),
        // Whole minutes, so period boundaries are hit exactly.
        (first / 60..last / 60).prop_map(|m| instant(m * 60, 0)),
    ]
}

/// An instant within `days` days after chrono's first or before its last instant.
fn instant_near_the_limits(days: i64) -> impl Strategy<Value = DateTime<Utc>> {
    let (min, max) = (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp());
    let span = days * 86_400;
    prop_oneof![
        (min..=min + span, 0..1_000_000_000u32).prop_map(|(s, n)| instant(s, n)),
        (max - span..=max, 0..1_000_000_000u32).prop_map(|(s, n)| instant(s, n)),
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
    ]
}

fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let (min, max) = (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp());
    prop_oneof![(min..=max).prop_map(|s| instant(s, 0)), instant_near_the_limits(30), ordinary_instant()]
}

/// Overrides as (days from a reference day, holiday?): up to 30 of them in the months
/// around it, made into a calendar once the reference day is known.
type Overrides = Vec<(i64, bool)>;

fn overrides() -> impl Strategy<Value = Overrides> {
    prop_oneof![
        Just(Vec::new()),
        proptest::collection::vec((-30..120i64, any::<bool>()), 0..30),
        // A holiday week, as the Spring Festival makes them.
        (-30..120i64).prop_map(|start| (start..start + 9).map(|d| (d, true)).collect()),
    ]
}

fn calendar_around(day: NaiveDate, overrides: &Overrides) -> WorkCalendar {
    WorkCalendar::new(overrides.iter().filter_map(|&(offset, holiday)| {
        let day = day.checked_add_signed(TimeDelta::try_days(offset)?)?;
        Some((day, if holiday { DayKind::Holiday } else { DayKind::Workday }))
    }))
}

fn china_day(at: DateTime<Utc>) -> NaiveDate {
    at.naive_utc().checked_add_signed(TimeDelta::hours(8)).map_or(NaiveDate::MAX, |t| t.date())
}

/// Brute force: the overlap of [from, to] with every working period, day by day.
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
        day = day.succ_opt().expect("an ordinary date");
    }
    total.num_minutes()
}

/// Working minutes: a few hours, a few weeks, or years of them.
fn minutes() -> impl Strategy<Value = i64> {
    prop_oneof![0..1_000i64, 0..50_000i64, 0..3_000_000i64]
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn adding_then_measuring_gives_the_same_minutes(from in ordinary_instant(), m in minutes(), overrides in overrides()) {
        let calendar = calendar_around(china_day(from), &overrides);
        let to = calendar.add_working_minutes(from, m);
        prop_assert!(to >= from);
        prop_assert_eq!(calendar.working_minutes_between(from, to), m);
        // And not a second earlier.
        if m > 0 {
            prop_assert_eq!(calendar.working_minutes_between(from, to - TimeDelta::seconds(1)), m - 1);
        }
        // Hours, as categories give deadlines.
        let hours = m / 60;
        prop_assert_eq!(calendar.working_minutes_between(from, calendar.add_working_minutes(from, hours * 60)), hours * 60);
    }

    #[test]
    fn the_walk_agrees_with_counting_day_by_day(from in ordinary_instant(), span in 0..90 * 86_400i64, m in 0..40 * 450i64, overrides in overrides()) {
        let calendar = calendar_around(china_day(from), &overrides);
        let to = from + TimeDelta::seconds(span);
        prop_assert_eq!(calendar.working_minutes_between(from, to), slow_between(&calendar, from, to));
        let deadline = calendar.add_working_minutes(from, m);
        prop_assert_eq!(slow_between(&calendar, from, deadline), m);
    }

    #[test]
    fn deadlines_only_move_forward(
        from in ordinary_instant(),
        later in 0..30 * 86_400i64,
        (a, b) in (minutes(), minutes()),
        overrides in overrides(),
    ) {
        let calendar = calendar_around(china_day(from), &overrides);
        let (fewer, more) = (a.min(b), a.max(b));
        prop_assert!(calendar.add_working_minutes(from, fewer) <= calendar.add_working_minutes(from, more));
        let from_later = from + TimeDelta::seconds(later);
        prop_assert!(calendar.add_working_minutes(from, fewer) <= calendar.add_working_minutes(from_later, fewer));
        // Measuring: a later end never counts less, a later start never counts more.
        let end = calendar.add_working_minutes(from, more);
        prop_assert!(calendar.working_minutes_between(from, from_later) <= calendar.working_minutes_between(from, from_later + TimeDelta::seconds(later)));
        prop_assert!(calendar.working_minutes_between(from_later, end) <= calendar.working_minutes_between(from, end));
    }

    #[test]
    fn a_deadline_set_in_two_steps_is_the_same(from in ordinary_instant(), (a, b) in (minutes(), minutes()), overrides in overrides()) {
        let calendar = calendar_around(china_day(from), &overrides);
        let once = calendar.add_working_minutes(from, a + b);
        let twice = calendar.add_working_minutes(calendar.add_working_minutes(from, a), b);
        prop_assert_eq!(once, twice);
    }

    /// Near chrono's first and last days, with overrides there too: every call ends within
    /// the limit without panicking, saturates rather than wraps, and stays exact where the
    /// result is representable.
    #[test]
    fn at_chronos_limits_every_call_ends(
        from in instant_near_the_limits(800),
        m in prop_oneof![minutes(), any::<i64>(), Just(i64::MAX), Just(i64::MIN)],
        overrides in overrides(),
    ) {
        let calendar = calendar_around(china_day(from), &overrides);
        let (to, measured) = within(LIMIT, move || {
            let to = calendar.add_working_minutes(from, m);
            (to, calendar.working_minutes_between(from, to))
        });
        prop_assert!(to >= from);
        if m <= 0 {
            prop_assert_eq!(to, from);
        } else if to < DateTime::<Utc>::MAX_UTC {
            prop_assert_eq!(measured, m);
        }
    }

    #[test]
    fn measuring_any_span_ends(a in any_instant(), b in any_instant(), low in overrides(), high in overrides()) {
        // Overrides at both of chrono's ends (inside its range) and around both instants.
        let mut days: Vec<(NaiveDate, DayKind)> = Vec::new();
        let near = [(NaiveDate::MIN, &low, 1), (NaiveDate::MAX, &high, -1), (china_day(a), &low, 1), (china_day(b), &high, 1)];
        for (day, overrides, direction) in near {
            for &(offset, holiday) in overrides {
                let offset = if day == NaiveDate::MIN || day == NaiveDate::MAX { offset.abs() * direction } else { offset };
                if let Some(day) = day.checked_add_signed(TimeDelta::days(offset)) {
                    days.push((day, if holiday { DayKind::Holiday } else { DayKind::Workday }));
                }
            }
        }
        let calendar = WorkCalendar::new(days);
        let (forward, backward) = within(LIMIT, move || (calendar.working_minutes_between(a, b), calendar.working_minutes_between(b, a)));
        prop_assert!(forward >= 0 && backward >= 0);
        prop_assert!(forward == 0 || backward == 0);
        if b <= a {
            prop_assert_eq!(forward, 0);
        }
    }
}

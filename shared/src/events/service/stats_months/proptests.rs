//! Properties of the month arithmetic behind the statistics (`months_between`,
//! `next_month`) over chrono's whole range, its first and last years included: a span
//! never loops (it once ran until the kernel killed the process), never yields more than
//! twelve months per calendar year it touches, and each month's first day follows the last.

use std::sync::mpsc;
use std::time::Duration;

use chrono::{Datelike, Months, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::Config;

use super::{months_between, next_month};

/// Far more than any span takes: a loop shows up as a failure instead of a hung run.
const LIMIT: Duration = Duration::from_secs(10);

/// The months of a span, run on a thread of its own so an unbounded loop fails the case.
fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        // Gone only when the time was already up.
        let _ = send.send(months_between(from, to));
    });
    match receive.recv_timeout(LIMIT) {
        Ok(months) => months,
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("months_between({from}, {to}) panicked"),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("months_between({from}, {to}) did not end within {LIMIT:?}"),
    }
}

fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    Config { cases, ..Config::default() }
}

fn day(n: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(n).expect("within chrono's range")
}

/// Any date chrono can represent, its first and last years and these decades drawn more
/// often than their share.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let (min, max) = (NaiveDate::MIN.num_days_from_ce(), NaiveDate::MAX.num_days_from_ce());
    let now = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date").num_days_from_ce();
    prop_oneof![
        (min..=max).prop_map(day),
        (min..=min + 800).prop_map(day),
        (max - 800..=max).prop_map(day),
        (now - 40_000..=now + 40_000).prop_map(day),
    ]
}

/// Calendar years from `from`'s to `to`'s, both counted.
fn years_touched(from: NaiveDate, to: NaiveDate) -> i64 {
    i64::from(to.year()) - i64::from(from.year()) + 1
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn any_span_ends_in_first_days_strictly_increasing(from in any_date(), to in any_date()) {
        let months = months(from, to);
        // A reversed span is empty, except that one whose two days lie in one month yields
        // that month (the loop compares the month's first day with `to`); `span` never passes
        // a reversed pair, so this costs nothing, but it is no "from..=to" either.
        if from > to {
            prop_assert!(months.is_empty() || (months.len() == 1 && from.with_day(1) == to.with_day(1)));
        }
        prop_assert!(months.len() as i64 <= 12 * years_touched(from, to).max(0));
        prop_assert!(months.iter().all(|m| m.day() == 1));
        prop_assert!(months.windows(2).all(|w| w[0] < w[1] && w[0].checked_add_months(Months::new(1)) == Some(w[1])));
        if let Some(first) = months.first() {
            prop_assert_eq!(Some(*first), from.with_day(1));
        }
        prop_assert!(months.iter().all(|m| *m <= to));
    }

    /// A span of up to a century (what a filter may name) is covered month by month.
    #[test]
    fn a_span_within_a_century_is_covered(from in any_date(), length in 0..36_500u64) {
        let Some(to) = from.checked_add_days(chrono::Days::new(length)) else { return Ok(()) };
        prop_assume!(years_touched(from, to) <= 100);
        let months = months(from, to);
        prop_assert_eq!(months.first().copied(), from.with_day(1));
        prop_assert_eq!(months.last().copied(), to.with_day(1));
        let expected = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month()) - i64::from(from.month()) + 1;
        prop_assert_eq!(months.len() as i64, expected);
    }

    #[test]
    fn next_month_is_the_first_of_the_following_month(date in any_date()) {
        let first = date.with_day(1).expect("every month has a first day");
        match next_month(first) {
            Some(next) => {
                prop_assert_eq!(next.day(), 1);
                prop_assert!(next > first);
                prop_assert_eq!(first.checked_add_months(Months::new(1)), Some(next));
            }
            // Only after chrono's last month is there no next one.
            None => prop_assert_eq!((first.year(), first.month()), (NaiveDate::MAX.year(), 12)),
        }
    }
}

//! The inbox filter read from a URL query (`EventFilter::from_query`, `try_from_query`) and
//! written back (`to_query`): any query reads without panicking into a filter within its
//! invariants, a filter survives the trip through its URL, and the checked reading accepts
//! exactly the filters within bounds.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use shared::AppError;
use shared::events::{Channel, EventFilter, EventState, FILTER_FIRST_DAY, FILTER_LAST_DAY};
use shared::paging::MAX_PAGE;

use super::cases;

const KEYS: [&str; 12] =
    ["q", "state", "category", "village", "grid", "department", "channel", "mine", "from", "to", "page", "per_page"];

/// Any date chrono can represent, with its first and last years and today's neighbourhood
/// drawn more often than their share.
pub fn any_date() -> impl Strategy<Value = NaiveDate> {
    let day = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).expect("within chrono's range");
    let (min, max) = (NaiveDate::MIN.num_days_from_ce(), NaiveDate::MAX.num_days_from_ce());
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date").num_days_from_ce();
    prop_oneof![
        (min..=max).prop_map(day),
        (min..=min + 800).prop_map(day),
        (max - 800..=max).prop_map(day),
        (today - 40_000..=today + 40_000).prop_map(day),
    ]
}

fn state() -> impl Strategy<Value = String> {
    let mut known: Vec<String> =
        ["", "open", "overdue", "due_soon", "escalated", "supervised"].into_iter().map(String::from).collect();
    known.extend(EventState::ALL.iter().map(|s| s.as_str().to_owned()));
    proptest::sample::select(known)
}

fn channel() -> impl Strategy<Value = String> {
    let mut known = vec![String::new()];
    known.extend(Channel::ALL.iter().map(|c| c.as_str().to_owned()));
    proptest::sample::select(known)
}

/// A value as a careless client or an attacker would send it: numbers of every size with
/// stray blanks and signs, dates in and out of chrono's range, and anything at all.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (any::<i32>(), "[ \t+]{0,2}").prop_map(|(n, pad)| format!("{pad}{n}{pad}")),
        any_date().prop_map(|d| d.to_string()),
        (-300_000..300_000i32, 0..14u32, 0..33u32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        Just("+262142-12-31".to_owned()),
        Just("9223372036854775807".to_owned()),
        "[0-9+\\-: ]{0,24}",
        any::<String>(),
    ]
}

/// A query as a list of pairs, mostly with the filter's own keys, possibly repeated.
fn query() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop_oneof![4 => proptest::sample::select(KEYS.to_vec()).prop_map(String::from), 1 => any::<String>()];
    proptest::collection::vec((key, value()), 0..16)
}

/// A filter as `from_query` makes it: ids positive, the first page, no page size.
fn canonical_filter() -> impl Strategy<Value = EventFilter> {
    let id = proptest::option::of(1..=i32::MAX);
    (
        (any::<String>(), any::<String>(), any::<String>(), any::<bool>()),
        (id.clone(), id.clone(), id.clone(), id),
        (proptest::option::of(any_date()), proptest::option::of(any_date())),
    )
        .prop_map(|((q, state, channel, mine), (category_id, village_id, grid_id, department_id), (from, to))| {
            EventFilter {
                q,
                state,
                category_id,
                village_id,
                grid_id,
                department_id,
                channel,
                mine,
                from,
                to,
                page: 1,
                per_page: 0,
            }
        })
}

/// A filter that is within every bound.
fn valid_filter() -> impl Strategy<Value = EventFilter> {
    let span = FILTER_LAST_DAY.signed_duration_since(FILTER_FIRST_DAY).num_days() as u64;
    let day = move || proptest::option::of((0..=span).prop_map(|n| FILTER_FIRST_DAY + chrono::Days::new(n)));
    let id = proptest::option::of(1..=i32::MAX);
    (("\\PC{0,100}", state(), channel(), any::<bool>()), (id.clone(), id.clone(), id.clone(), id), (day(), day()))
        .prop_map(|((q, state, channel, mine), (category_id, village_id, grid_id, department_id), (a, b))| {
            // In order, when both are given.
            let (from, to) = match (a, b) {
                (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                other => other,
            };
            EventFilter {
                q,
                state,
                category_id,
                village_id,
                grid_id,
                department_id,
                channel,
                mine,
                from,
                to,
                page: 1,
                per_page: 0,
            }
        })
}

/// The query as axum's `Query<HashMap<String, String>>` reads it: the last of repeated keys.
fn as_map(pairs: &[(String, String)]) -> HashMap<String, String> {
    pairs.iter().cloned().collect()
}

/// `to_query`'s output read back as axum reads a query string (`form_urlencoded`).
fn read_back(query: &str) -> HashMap<String, String> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

fn fields(error: &AppError) -> Vec<String> {
    match error {
        AppError::Validation(errors) => errors.iter().map(|e| e.field.clone()).collect(),
        _ => Vec::new(),
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn any_query_reads_into_a_filter_within_its_invariants(pairs in query()) {
        let map = as_map(&pairs);
        let get = |key: &str| map.get(key).cloned();
        let filter = EventFilter::from_query(get);
        for id in [filter.category_id, filter.village_id, filter.grid_id, filter.department_id] {
            prop_assert!(id.is_none_or(|id| id > 0));
        }
        prop_assert_eq!(filter.per_page, 0);
        if !map.contains_key("page") {
            prop_assert_eq!(filter.page, 1);
        }
        let checked = filter.validate();
        match EventFilter::try_from_query(get) {
            // What the checked reading accepts is the plain reading, and within bounds.
            Ok(accepted) => {
                prop_assert_eq!(&accepted, &filter);
                prop_assert_eq!(checked, Ok(()));
                for date in [accepted.from, accepted.to].into_iter().flatten() {
                    prop_assert!((FILTER_FIRST_DAY..=FILTER_LAST_DAY).contains(&date));
                }
                prop_assert!((0..=MAX_PAGE).contains(&accepted.page));
            }
            // What it refuses is a field error naming one of the filter's keys (a 422).
            Err(error) => {
                prop_assert_eq!(error.status(), 422, "{:?}", error);
                let named = fields(&error);
                prop_assert!(!named.is_empty());
                for field in named {
                    prop_assert!(KEYS.contains(&field.as_str()), "unknown field {field}");
                }
            }
        }
    }

    #[test]
    fn a_filter_survives_the_trip_through_its_url(filter in canonical_filter()) {
        let map = read_back(&filter.to_query());
        let read = EventFilter::from_query(|key| map.get(key).cloned());
        prop_assert_eq!(read, filter);
    }

    #[test]
    fn a_filter_within_bounds_is_accepted_as_it_was_written(filter in valid_filter()) {
        prop_assert_eq!(filter.validate(), Ok(()));
        let map = read_back(&filter.to_query());
        prop_assert_eq!(EventFilter::try_from_query(|key| map.get(key).cloned()), Ok(filter));
    }

    #[test]
    fn a_date_outside_the_filters_years_is_refused(filter in valid_filter(), far in any_date(), which in any::<bool>()) {
        prop_assume!(!(FILTER_FIRST_DAY..=FILTER_LAST_DAY).contains(&far));
        let field = if which { "from" } else { "to" };
        let mut map = read_back(&filter.to_query());
        map.insert(field.to_owned(), far.to_string());
        let error = EventFilter::try_from_query(|key| map.get(key).cloned()).expect_err("a far date is refused");
        prop_assert!(fields(&error).iter().any(|f| f == field), "{:?}", error);
    }

    #[test]
    fn a_page_out_of_range_is_refused(filter in valid_filter(), page in prop_oneof![i64::MIN..0, MAX_PAGE + 1..=i64::MAX]) {
        let mut map = read_back(&filter.to_query());
        map.insert("page".to_owned(), page.to_string());
        let error = EventFilter::try_from_query(|key| map.get(key).cloned()).expect_err("refused");
        prop_assert_eq!(fields(&error), vec!["page".to_owned()]);
    }
}

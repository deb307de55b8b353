//! The inbox filter read from any query string, as the exports read it (axum's `Query`,
//! i.e. `serde_urlencoded`): `from_query` and `try_from_query` never panic, the checked
//! reading accepts only filters within bounds, and what is read survives `to_query`.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use shared::events::{EventFilter, FILTER_FIRST_DAY, FILTER_LAST_DAY};

fuzz_target!(|data: &[u8]| {
    let Ok(query) = serde_urlencoded::from_bytes::<HashMap<String, String>>(data) else {
        return;
    };
    let get = |key: &str| query.get(key).cloned();
    let filter = EventFilter::from_query(get);
    for id in [filter.category_id, filter.village_id, filter.grid_id, filter.department_id] {
        assert!(id.is_none_or(|id| id > 0), "{filter:?}");
    }
    let checked = filter.validate();
    match EventFilter::try_from_query(get) {
        Ok(accepted) => {
            assert_eq!(accepted, filter);
            assert_eq!(checked, Ok(()));
            for day in [accepted.from, accepted.to].into_iter().flatten() {
                assert!((FILTER_FIRST_DAY..=FILTER_LAST_DAY).contains(&day), "{day}");
            }
        }
        Err(error) => assert_eq!(error.status(), 422, "{error:?}"),
    }
    // The filter written into a URL reads back as itself (the page is not part of it).
    let written: HashMap<String, String> = serde_urlencoded::from_str(&filter.to_query()).expect("our own query");
    let read = EventFilter::from_query(|key| written.get(key).cloned());
    assert_eq!(read, EventFilter { page: 1, ..filter });
});

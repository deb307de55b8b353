//! The auditor's search read from any query string, as the log's page and its export read
//! it (axum's `Query`, the last value of a name winning): `from_query` never panics, refuses
//! only with 422 field errors, accepts only what `validate` accepts, and what it accepts,
//! written back into a query, reads back as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::audit::{AuditAction, AuditOutcome, AuditSearch};

fuzz_target!(|data: &[u8]| {
    let Ok(query) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) else {
        return;
    };
    let get = |key: &str| query.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value.clone());
    let search = match AuditSearch::from_query(get) {
        Ok(search) => search,
        Err(error) => {
            assert_eq!(error.status(), 422, "{error:?}");
            return;
        }
    };
    assert_eq!(search.validate(), Ok(()), "{search:?}");
    let _ = search.describe();
    let written = serde_urlencoded::to_string([
        ("actor", search.actor.clone()),
        ("action", search.action.map(AuditAction::as_str).unwrap_or_default().to_owned()),
        ("target", search.target.clone()),
        ("outcome", search.outcome.map(AuditOutcome::as_str).unwrap_or_default().to_owned()),
        ("from", search.from.map(|day| day.to_string()).unwrap_or_default()),
        ("to", search.to.map(|day| day.to_string()).unwrap_or_default()),
        ("page", search.page.to_string()),
    ])
    .expect("a query");
    let again: Vec<(String, String)> = serde_urlencoded::from_str(&written).expect("our own query");
    let read = AuditSearch::from_query(|key| again.iter().find(|(name, _)| name == key).map(|(_, v)| v.clone()));
    assert_eq!(read, Ok(search));
});

//! The typed forms as they arrive: URL-encoded bodies decoded the way Leptos's server
//! functions decode their arguments (`serde_qs`, depth 5, not strict: `form[title]=…`) and
//! the way plain forms and queries are (`serde_urlencoded`), then validated. No input may
//! panic; every refusal is a field error (422).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shared::AppError;
use shared::accounts::{EnterpriseRegistration, NewStaff, PublicRegistration};
use shared::events::{EventFilter, NewEvent, StatsDimension, StepForm};
use shared::paging::{MAX_PAGE, MAX_PER_PAGE, TableQuery};

/// `report_event(form: NewEvent)`'s arguments.
#[derive(Deserialize)]
struct ReportEvent {
    form: NewEvent,
}

/// `list_events(filter, by_deadline)` / `get_stats(filter, by)` / `map_events(filter)`.
#[derive(Deserialize)]
struct FilterArgs {
    filter: EventFilter,
    #[serde(default)]
    by_deadline: bool,
    #[serde(default)]
    by: Option<StatsDimension>,
}

/// `list_users(query)`, `list_residents(query)`, `list_audit(query)`...
#[derive(Deserialize)]
struct TableArgs {
    query: TableQuery,
}

fn server_fn<T: DeserializeOwned>(data: &[u8]) -> Option<T> {
    serde_qs::Config::new(5, false).deserialize_bytes(data).ok()
}

fn plain<T: DeserializeOwned>(data: &[u8]) -> Option<T> {
    serde_urlencoded::from_bytes(data).ok()
}

fn refused_by_field<T>(result: Result<T, AppError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            assert_eq!(error.status(), 422, "{error:?}");
            None
        }
    }
}

fn check_event(event: &NewEvent) {
    if refused_by_field(event.validate()).is_some() {
        assert!(event.title.trim().chars().count() <= shared::events::TITLE_MAX);
        assert!(event.lat.is_some_and(f64::is_finite) && event.lng.is_some_and(f64::is_finite));
    }
}

fn check_table(query: &TableQuery) {
    let _ = refused_by_field(query.validate());
    assert!((1..=MAX_PAGE).contains(&query.page()));
    assert!((1..=MAX_PER_PAGE).contains(&query.per_page()));
    assert!(query.offset() >= 0);
}

fuzz_target!(|data: &[u8]| {
    if let Some(ReportEvent { form }) = server_fn(data) {
        check_event(&form);
    }
    if let Some(event) = plain::<NewEvent>(data) {
        check_event(&event);
    }
    if let Some(args) = server_fn::<FilterArgs>(data) {
        // The other arguments only have to decode.
        let _ = (args.by_deadline, args.by);
        let _ = refused_by_field(args.filter.validate());
    }
    if let Some(filter) = plain::<EventFilter>(data) {
        let _ = refused_by_field(filter.validate());
    }
    for step in [server_fn::<StepForm>(data), plain::<StepForm>(data)].into_iter().flatten() {
        let _ = refused_by_field(step.validate());
    }
    for form in [server_fn::<PublicRegistration>(data), plain(data)].into_iter().flatten() {
        let _ = refused_by_field(form.validate());
    }
    for form in [server_fn::<EnterpriseRegistration>(data), plain(data)].into_iter().flatten() {
        let _ = refused_by_field(form.validate());
    }
    for form in [server_fn::<NewStaff>(data), plain(data)].into_iter().flatten() {
        let _ = refused_by_field(form.validate());
    }
    if let Some(TableArgs { query }) = server_fn(data) {
        check_table(&query);
    }
    if let Some(query) = plain::<TableQuery>(data) {
        check_table(&query);
    }
});

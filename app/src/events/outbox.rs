//! Reports made without a network: the draft is kept on the device (localStorage) under
//! its `client_ref`, and sent when the network returns. The server makes one event per
//! `client_ref`, so a draft sent twice (a retry after a lost answer) is still one event.

use serde::{Deserialize, Serialize};
use shared::events::NewEvent;

/// The form being filled in, kept after every change so that nothing typed is lost.
pub const DRAFT_KEY: &str = "tg-report-draft";
/// Reports waiting for the network.
pub const OUTBOX_KEY: &str = "tg-report-outbox";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Outbox {
    pub reports: Vec<NewEvent>,
}

/// A fresh idempotency key for a new draft.
pub fn new_client_ref() -> String {
    #[cfg(feature = "hydrate")]
    {
        let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let t = js_sys::Date::now() as u64;
        format!("{t:x}-{a:08x}{b:08x}")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn load<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        let text = storage()?.get_item(key).ok()??;
        serde_json::from_str(&text).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

pub fn save<T: Serialize>(key: &str, value: &T) {
    #[cfg(feature = "hydrate")]
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, serde_json::to_string(value));
}

pub fn remove(key: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

pub fn is_online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// Adds a report to the outbox (replacing an earlier copy of the same draft).
pub fn enqueue(report: NewEvent) {
    let mut outbox: Outbox = load(OUTBOX_KEY).unwrap_or_default();
    outbox.reports.retain(|r| r.client_ref != report.client_ref);
    outbox.reports.push(report);
    save(OUTBOX_KEY, &outbox);
}

pub fn pending() -> usize {
    load::<Outbox>(OUTBOX_KEY).map(|o| o.reports.len()).unwrap_or(0)
}

/// Sends what waits in the outbox; returns the numbers of the events made. Reports the
/// server refuses for their content stay out of the outbox and back in the draft, so the
/// user can correct them; reports that fail for the network stay queued.
pub async fn flush() -> Vec<String> {
    // One flush at a time (the `online` event and the retry timer may fire together); the
    // server would still make one event per report, but there is no need to ask it twice.
    thread_local!(static FLUSHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if FLUSHING.replace(true) {
        return Vec::new();
    }
    let numbers = send_outbox().await;
    FLUSHING.set(false);
    numbers
}

async fn send_outbox() -> Vec<String> {
    let outbox: Outbox = load(OUTBOX_KEY).unwrap_or_default();
    let mut numbers = Vec::new();
    for report in outbox.reports {
        match super::api::report_event(report.clone()).await {
            Ok(done) => numbers.push(done.number),
            // Still no network (or the server is down): it stays queued for the next try.
            Err(shared::AppError::Transport(_)) | Err(shared::AppError::Internal) => continue,
            Err(_) => save(DRAFT_KEY, &report),
        }
        // Take out just this one, from the outbox as it is now: a report queued while this
        // one was on its way must not be lost.
        let mut now: Outbox = load(OUTBOX_KEY).unwrap_or_default();
        now.reports.retain(|r| r.client_ref != report.client_ref);
        save(OUTBOX_KEY, &now);
    }
    numbers
}

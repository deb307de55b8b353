//! Reports made without a network: the draft is kept on the device (localStorage) under
//! its `client_ref`, and sent when the network returns. The server makes one event per
//! `client_ref`, so a draft sent twice (a retry after a lost answer) is still one event.

use serde::{Deserialize, Serialize};
use shared::events::NewEvent;

/// The form being filled in, kept after every change so that nothing typed is lost.
pub const DRAFT_KEY: &str = "tg-report-draft";
/// Reports waiting for the network.
pub const OUTBOX_KEY: &str = "tg-report-outbox";
/// The photos of the form being filled in (uploaded, or waiting on the device).
pub const PHOTOS_KEY: &str = "tg-report-photos";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Outbox {
    pub reports: Vec<NewEvent>,
    /// Photos of a queued report still on the device (`photo_picker::PENDING_CACHE`), by the
    /// report's `client_ref`: uploaded before the report is sent.
    #[serde(default)]
    pub photos: std::collections::BTreeMap<String, Vec<String>>,
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

/// Adds a report to the outbox (replacing an earlier copy of the same draft), with the keys
/// of its photos still on the device.
pub fn enqueue(report: NewEvent, pending_photos: Vec<String>) {
    let mut outbox: Outbox = load(OUTBOX_KEY).unwrap_or_default();
    outbox.reports.retain(|r| r.client_ref != report.client_ref);
    if pending_photos.is_empty() {
        outbox.photos.remove(&report.client_ref);
    } else {
        outbox.photos.insert(report.client_ref.clone(), pending_photos);
    }
    outbox.reports.push(report);
    save(OUTBOX_KEY, &outbox);
}

/// A queued report with its photos from the device uploaded first, one at a time, each
/// recorded as soon as it is up (a retry after a dropped network does not upload it twice).
/// `None`: the network went away again; the report stays queued.
async fn with_photos_uploaded(mut report: NewEvent, keys: Vec<String>) -> Option<NewEvent> {
    #[cfg(feature = "hydrate")]
    for key in keys {
        let uploaded = match super::photo_picker::upload_pending(&key).await {
            Ok(photo) => photo,
            Err(shared::AppError::Transport(_))
            | Err(shared::AppError::Internal)
            | Err(shared::AppError::Unavailable)
            | Err(shared::AppError::TooManyRequests { .. }) => return None,
            // Refused for what it is (type, size): the same answer the form gives online.
            Err(_) => None,
        };
        if let Some(photo) = &uploaded {
            report.attachments.push(photo.id);
        }
        update_queued(&report.client_ref, |now| {
            if let Some(photo) = &uploaded
                && let Some(queued) = now.reports.iter_mut().find(|r| r.client_ref == report.client_ref)
            {
                queued.attachments.push(photo.id);
            }
            if let Some(keys) = now.photos.get_mut(&report.client_ref) {
                keys.retain(|k| *k != key);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (&mut report, keys);
    Some(report)
}

/// Changes one queued report as it is stored now (other reports may have been queued since
/// it was read).
#[cfg(feature = "hydrate")]
fn update_queued(client_ref: &str, change: impl FnOnce(&mut Outbox)) {
    let mut now: Outbox = load(OUTBOX_KEY).unwrap_or_default();
    if now.reports.iter().any(|r| r.client_ref == client_ref) {
        change(&mut now);
        save(OUTBOX_KEY, &now);
    }
}

pub fn pending() -> usize {
    load::<Outbox>(OUTBOX_KEY).map(|o| o.reports.len()).unwrap_or(0)
}

/// Sends what waits in the outbox; returns the tracking codes of the events made. Reports the
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
    'reports: for report in outbox.reports {
        let photos = outbox.photos.get(&report.client_ref).cloned().unwrap_or_default();
        let Some(report) = with_photos_uploaded(report, photos).await else {
            continue 'reports;
        };
        match super::api::report_event(report.clone()).await {
            Ok(done) => numbers.push(done.tracking_code),
            // Still no network (or the server is down): it stays queued for the next try.
            // Or the server asks to slow down (rate limit): it stays queued too.
            Err(shared::AppError::Transport(_))
            | Err(shared::AppError::Internal)
            | Err(shared::AppError::Unavailable)
            | Err(shared::AppError::TooManyRequests { .. }) => continue 'reports,
            Err(_) => save(DRAFT_KEY, &report),
        }
        // Take out just this one, from the outbox as it is now: a report queued while this
        // one was on its way must not be lost.
        let mut now: Outbox = load(OUTBOX_KEY).unwrap_or_default();
        now.reports.retain(|r| r.client_ref != report.client_ref);
        now.photos.remove(&report.client_ref);
        save(OUTBOX_KEY, &now);
    }
    numbers
}

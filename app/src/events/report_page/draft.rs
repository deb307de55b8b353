//! What is typed is kept on the device: the report's draft and its photos survive a reload,
//! a lost network and a closed browser, and come back when the page opens again.

use leptos::prelude::*;
use shared::events::{NewEvent, Priority};

use super::super::outbox::{self, DRAFT_KEY, PHOTOS_KEY};
#[cfg(feature = "hydrate")]
use super::super::photo_picker;
use super::super::photo_picker::UploadedPhoto;

/// The report being typed, saved on the device at every keystroke (`DRAFT_KEY`). The
/// device's draft is restored once the page is live: the server cannot know it, and the
/// first render must match the server's.
pub fn use_draft(default_channel: String) -> RwSignal<NewEvent> {
    let form = RwSignal::new(NewEvent {
        channel: default_channel.clone(),
        priority: Priority::Normal.as_str().to_owned(),
        ..NewEvent::default()
    });
    Effect::new(move |first: Option<()>| {
        if first.is_none()
            && let Some(draft) = outbox::load::<NewEvent>(DRAFT_KEY)
        {
            form.set(NewEvent {
                channel: if draft.channel.is_empty() { default_channel.clone() } else { draft.channel.clone() },
                priority: if draft.priority.is_empty() {
                    Priority::Normal.as_str().to_owned()
                } else {
                    draft.priority.clone()
                },
                ..draft
            });
        }
    });
    // Keep every keystroke on the device.
    Effect::new(move |first: Option<()>| {
        let current = form.get();
        // The first run sees the empty form, before the draft is back: keep the draft.
        if first.is_none() {
            return;
        }
        if current.client_ref.is_empty() {
            form.update_untracked(|f| f.client_ref = outbox::new_client_ref());
        }
        outbox::save(DRAFT_KEY, &form.get_untracked());
    });
    form
}

/// The draft's photos, kept on the device too (`PHOTOS_KEY`); those still waiting there are
/// shown again from the device's copy (a local URL does not outlive the page).
pub fn use_draft_photos() -> RwSignal<Vec<UploadedPhoto>> {
    let photos = RwSignal::new(Vec::<UploadedPhoto>::new());
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            let kept: Vec<UploadedPhoto> = outbox::load(PHOTOS_KEY).unwrap_or_default();
            #[cfg(feature = "hydrate")]
            for photo in kept.iter().filter(|p| p.pending.is_some()) {
                let key = photo.pending.clone().unwrap_or_default();
                leptos::task::spawn_local(async move {
                    match photo_picker::pending_object_url(&key).await {
                        Some(url) => photos.update(|all| {
                            if let Some(p) = all.iter_mut().find(|p| p.pending.as_deref() == Some(key.as_str())) {
                                p.url = url;
                            }
                        }),
                        None => photos.update(|all| all.retain(|p| p.pending.as_deref() != Some(key.as_str()))),
                    }
                });
            }
            photos.set(kept);
            return;
        }
        outbox::save(PHOTOS_KEY, &photos.get());
    });
    photos
}

/// After a report is made or queued: an empty form with a new draft key.
pub fn reset(form: RwSignal<NewEvent>, photos: RwSignal<Vec<UploadedPhoto>>) {
    form.update(|f| {
        *f = NewEvent {
            channel: f.channel.clone(),
            priority: Priority::Normal.as_str().to_owned(),
            client_ref: outbox::new_client_ref(),
            ..NewEvent::default()
        }
    });
    photos.set(Vec::new());
    outbox::remove(PHOTOS_KEY);
}

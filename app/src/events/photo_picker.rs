//! Taking and attaching photos: the phone's camera (or files on a PC), uploaded at once to
//! `/api/photos` (where they are checked, turned upright and resized), shown as thumbnails.
//! The form then sends only the photos' ids.
//!
//! Without a network the photo is kept on the device (the browser's Cache Storage, which
//! holds files of any size, under [`PENDING_CACHE`]) and shown from there; the outbox uploads
//! it before it sends the report (`outbox.rs`). Nothing chosen is lost to a dropped network.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::error::AppError;
#[cfg(feature = "hydrate")]
use shared::events::MAX_PHOTOS;

use crate::components::error_message;
use crate::i18n::use_locale;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedPhoto {
    /// The server's id; 0 while the photo waits on the device.
    pub id: i64,
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// The key of a photo kept on the device until the network returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
}

/// Where photos chosen without a network wait (not under the service worker's `tongguan-`
/// prefix, whose old caches it deletes on an update).
pub const PENDING_CACHE: &str = "tg-pending-photos";

/// The ids as the forms send them: "12,13" (photos still on the device are not among them).
pub fn ids(photos: &[UploadedPhoto]) -> String {
    uploaded_ids(photos).iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The server ids of the photos uploaded so far.
pub fn uploaded_ids(photos: &[UploadedPhoto]) -> Vec<i64> {
    photos.iter().filter(|p| p.pending.is_none()).map(|p| p.id).collect()
}

/// The keys of the photos still on the device.
pub fn pending_keys(photos: &[UploadedPhoto]) -> Vec<String> {
    photos.iter().filter_map(|p| p.pending.clone()).collect()
}

#[component]
pub fn PhotoPicker(
    photos: RwSignal<Vec<UploadedPhoto>>,
    /// Translation key of the label.
    #[prop(default = "event.photos")]
    label: &'static str,
    #[prop(default = "photos")] id: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(0usize);
    let input_id = format!("field-{id}");
    #[cfg(feature = "hydrate")]
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let Some(files) = input.files() else {
            return;
        };
        error.set(None);
        for index in 0..files.length() {
            let Some(file) = files.get(index) else { continue };
            if photos.with_untracked(Vec::len) + busy.get_untracked() >= MAX_PHOTOS {
                error.set(Some(AppError::field("photos", shared::ErrorCode::EventTooManyPhotos)));
                break;
            }
            busy.update(|n| *n += 1);
            leptos::task::spawn_local(async move {
                let uploaded = if crate::events::outbox::is_online() {
                    upload(&file, &file.name()).await
                } else {
                    Err(AppError::Transport("offline".into()))
                };
                match uploaded {
                    Ok(photo) => photos.update(|p| p.push(photo)),
                    // No network: the photo waits on the device.
                    Err(AppError::Transport(_)) => match keep_on_device(&file).await {
                        Ok(photo) => photos.update(|p| p.push(photo)),
                        Err(e) => error.set(Some(e)),
                    },
                    Err(e) => error.set(Some(e)),
                }
                busy.update(|n| *n = n.saturating_sub(1));
            });
        }
        input.set_value("");
    };
    #[cfg(not(feature = "hydrate"))]
    let on_change = move |_: leptos::ev::Event| {};
    // Photos waiting on the device go up by themselves once the network is back.
    #[cfg(feature = "hydrate")]
    {
        let retrying = RwSignal::new(false);
        let retry = move || {
            let waiting = pending_keys(&photos.get_untracked());
            if waiting.is_empty() || !crate::events::outbox::is_online() || retrying.get_untracked() {
                return;
            }
            retrying.set(true);
            leptos::task::spawn_local(async move {
                for key in waiting {
                    let outcome = upload_pending(&key).await;
                    let is_key = |p: &UploadedPhoto| p.pending.as_deref() == Some(key.as_str());
                    match outcome {
                        Ok(Some(photo)) => photos.update(|all| {
                            if let Some(slot) = all.iter_mut().find(|p| is_key(p)) {
                                *slot = photo;
                            }
                        }),
                        Ok(None) => photos.update(|all| all.retain(|p| !is_key(p))),
                        Err(AppError::Transport(_)) => break,
                        Err(e) => {
                            photos.update(|all| all.retain(|p| !is_key(p)));
                            error.set(Some(e));
                        }
                    }
                }
                retrying.set(false);
            });
        };
        let online = window_event_listener(leptos::ev::online, move |_| retry());
        let timer = set_interval_with_handle(retry, std::time::Duration::from_secs(5)).ok();
        on_cleanup(move || {
            online.remove();
            if let Some(timer) = timer {
                timer.clear();
            }
        });
    }
    let message = move || {
        error.get().map(|e| {
            let codes = e.field_codes("photo");
            let codes = if codes.is_empty() { e.field_codes("photos") } else { codes };
            match codes.first() {
                Some(code) => locale.t(&format!("errors.{code}")),
                None => error_message(locale, &e),
            }
        })
    };
    view! {
        <div class="field photo-picker">
            <label for=input_id.clone()>{locale.t(label)}</label>
            <input
                id=input_id
                type="file"
                accept="image/jpeg,image/png,image/webp"
                capture="environment"
                multiple=true
                on:change=on_change
                aria-describedby=format!("{id}-hint")
            />
            <p class="field-hint" id=format!("{id}-hint")>{locale.t("event.photos_hint")}</p>
            {move || message().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <ul class="photo-strip" aria-live="polite">
                {move || {
                    photos
                        .get()
                        .into_iter()
                        .map(|photo| {
                            let id = photo.id;
                            let pending = photo.pending.clone();
                            let waiting = pending.is_some();
                            let remove = move |_| {
                                photos.update(|p| p.retain(|x| x.id != id || x.pending != pending));
                                #[cfg(feature = "hydrate")]
                                if let Some(key) = pending.clone() {
                                    leptos::task::spawn_local(async move { forget_pending(&key).await });
                                }
                            };
                            view! {
                                <li class:photo-pending=waiting>
                                    <img src=photo.url.clone() alt=locale.t("event.photo_alt") width="96" height="72" />
                                    {waiting.then(|| view! {
                                        <span class="photo-pending-note" data-testid="photo-pending">{locale.t("event.photo_pending")}</span>
                                    })}
                                    <button
                                        type="button"
                                        class="btn btn-ghost btn-small"
                                        aria-label=locale.t("event.photo_remove")
                                        on:click=remove
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
                {move || (busy.get() > 0).then(|| view! { <li class="muted">{locale.t("event.uploading")}</li> })}
            </ul>
        </div>
    }
}

/// Uploads one file; the server's error (type, size) comes back as an `AppError`.
#[cfg(feature = "hydrate")]
pub async fn upload(file: &web_sys::Blob, name: &str) -> Result<UploadedPhoto, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let transport = |_| AppError::Transport("upload".into());
    let form = web_sys::FormData::new().map_err(transport)?;
    form.append_with_blob_and_filename("photo", file, name).map_err(transport)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let window = web_sys::window().ok_or(AppError::Internal)?;
    let response = JsFuture::from(window.fetch_with_str_and_init("/api/photos", &init)).await.map_err(transport)?;
    let response: web_sys::Response = response.dyn_into().map_err(transport)?;
    let text =
        JsFuture::from(response.text().map_err(transport)?).await.map_err(transport)?.as_string().unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|_| AppError::Internal)
    } else {
        Err(serde_json::from_str(&text).unwrap_or(AppError::Internal))
    }
}

#[cfg(feature = "hydrate")]
async fn pending_cache() -> Result<web_sys::Cache, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let storage = |_| AppError::Transport("device storage".into());
    let caches = web_sys::window().ok_or(AppError::Internal)?.caches().map_err(storage)?;
    JsFuture::from(caches.open(PENDING_CACHE)).await.map_err(storage)?.dyn_into().map_err(storage)
}

#[cfg(feature = "hydrate")]
fn pending_url(key: &str) -> String {
    format!("/pending-photos/{key}")
}

/// Keeps a photo on the device until it can be uploaded; shown from a local object URL.
#[cfg(feature = "hydrate")]
async fn keep_on_device(file: &web_sys::File) -> Result<UploadedPhoto, AppError> {
    use wasm_bindgen_futures::JsFuture;
    let storage = |_| AppError::Transport("device storage".into());
    let key = crate::events::outbox::new_client_ref();
    let headers = web_sys::Headers::new().map_err(storage)?;
    headers.set("Content-Type", &file.type_()).map_err(storage)?;
    headers
        .set("X-File-Name", &js_sys::encode_uri_component(&file.name()).as_string().unwrap_or_default())
        .map_err(storage)?;
    let init = web_sys::ResponseInit::new();
    init.set_headers(&headers);
    let response = web_sys::Response::new_with_opt_blob_and_init(Some(file), &init).map_err(storage)?;
    let cache = pending_cache().await?;
    JsFuture::from(cache.put_with_str(&pending_url(&key), &response)).await.map_err(storage)?;
    let url = web_sys::Url::create_object_url_with_blob(file).map_err(storage)?;
    Ok(UploadedPhoto { id: 0, url, width: 0, height: 0, pending: Some(key) })
}

/// A photo kept on the device: its bytes and file name.
#[cfg(feature = "hydrate")]
async fn pending_blob(key: &str) -> Result<Option<(web_sys::Blob, String)>, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let storage = |_| AppError::Transport("device storage".into());
    let cache = pending_cache().await?;
    let found = JsFuture::from(cache.match_with_str(&pending_url(key))).await.map_err(storage)?;
    let Ok(response) = found.dyn_into::<web_sys::Response>() else {
        return Ok(None);
    };
    let name = response
        .headers()
        .get("X-File-Name")
        .ok()
        .flatten()
        .and_then(|n| js_sys::decode_uri_component(&n).ok())
        .and_then(|n| n.as_string())
        .unwrap_or_else(|| "photo.jpg".into());
    let blob = JsFuture::from(response.blob().map_err(storage)?).await.map_err(storage)?;
    Ok(Some((blob.dyn_into().map_err(storage)?, name)))
}

/// A local URL to show a photo kept on the device (after a reload of the page).
#[cfg(feature = "hydrate")]
pub async fn pending_object_url(key: &str) -> Option<String> {
    let (blob, _) = pending_blob(key).await.ok()??;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Uploads a photo kept on the device and forgets it there. `Ok(None)`: it is gone from the
/// device (nothing to upload).
#[cfg(feature = "hydrate")]
pub async fn upload_pending(key: &str) -> Result<Option<UploadedPhoto>, AppError> {
    let Some((blob, name)) = pending_blob(key).await? else {
        return Ok(None);
    };
    let photo = upload(&blob, &name).await?;
    forget_pending(key).await;
    Ok(Some(photo))
}

/// Deletes a photo kept on the device.
#[cfg(feature = "hydrate")]
pub async fn forget_pending(key: &str) {
    if let Ok(cache) = pending_cache().await {
        let _ = wasm_bindgen_futures::JsFuture::from(cache.delete_with_str(&pending_url(key))).await;
    }
}

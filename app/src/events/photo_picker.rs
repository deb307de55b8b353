//! Taking and attaching photos: the phone's camera (or files on a PC), uploaded at once to
//! `/api/photos` (where they are checked, turned upright and resized), shown as thumbnails.
//! The form then sends only the photos' ids.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::error::AppError;
#[cfg(feature = "hydrate")]
use shared::events::MAX_PHOTOS;

use crate::components::error_message;
use crate::i18n::use_locale;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedPhoto {
    pub id: i64,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// The ids as the forms send them: "12,13".
pub fn ids(photos: &[UploadedPhoto]) -> String {
    photos.iter().map(|p| p.id.to_string()).collect::<Vec<_>>().join(",")
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
                error.set(Some(AppError::field("photos", "event.too_many_photos")));
                break;
            }
            busy.update(|n| *n += 1);
            leptos::task::spawn_local(async move {
                match upload(file).await {
                    Ok(photo) => photos.update(|p| p.push(photo)),
                    Err(e) => error.set(Some(e)),
                }
                busy.update(|n| *n = n.saturating_sub(1));
            });
        }
        input.set_value("");
    };
    #[cfg(not(feature = "hydrate"))]
    let on_change = move |_: leptos::ev::Event| {};
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
                            view! {
                                <li>
                                    <img src=photo.url.clone() alt=locale.t("event.photo_alt") width="96" height="72" />
                                    <button
                                        type="button"
                                        class="btn btn-ghost btn-small"
                                        aria-label=locale.t("event.photo_remove")
                                        on:click=move |_| photos.update(|p| p.retain(|x| x.id != id))
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
pub async fn upload(file: web_sys::File) -> Result<UploadedPhoto, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let transport = |_| AppError::Transport("upload".into());
    let form = web_sys::FormData::new().map_err(transport)?;
    form.append_with_blob_and_filename("photo", &file, &file.name()).map_err(transport)?;
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

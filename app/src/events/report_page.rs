//! `/events/report`: one report form for every reporter — the public (on a phone or PC),
//! grid workers on patrol (prefilled with their grid; "resolved on the spot" closes with
//! evidence), staff entering a phone call or a walk-in for a citizen. Location by map pin,
//! the device's GPS or typed coordinates; photos from the camera. What is typed is kept on
//! the device; without a network the report waits there and is sent, once, when it returns.

use leptos::prelude::*;
use shared::AppError;
use shared::accounts::{SessionUser, UserKind};
use shared::events::{Channel, NewEvent, Priority};
use shared::permissions::codes;

use super::api::{event_options, report_event};
use super::outbox::{self, DRAFT_KEY};
use super::photo_picker::{self, PhotoPicker, UploadedPhoto};
use crate::components::options::{group, option};
use crate::components::{ErrorBanner, PageHeader};
use crate::i18n::use_locale;
use crate::map::{LeafletMap, MapPin};
use crate::wire::resource;

/// The channels this user may report through, the default first.
pub fn channels_for(user: &SessionUser) -> Vec<Channel> {
    if user.kind != UserKind::Staff {
        return vec![Channel::Public];
    }
    let mut channels = Vec::new();
    if user.can(codes::EVENTS_HANDLE) {
        channels.push(Channel::Patrol);
        channels.push(Channel::SelfResolved);
    }
    if user.can(codes::EVENTS_ENTER) {
        channels.push(Channel::Hotline);
        channels.push(Channel::WalkIn);
    }
    if channels.is_empty() {
        channels.push(Channel::Patrol);
    }
    channels
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let locale = use_locale();
    let Some(user) = use_context::<SessionUser>() else {
        return ().into_any();
    };
    let channels = channels_for(&user);
    let is_staff = user.kind == UserKind::Staff;
    let grid_id = user.grid_id;
    let shares_position = user.can(codes::EVENTS_HANDLE);
    let options = resource(|| (), |_| event_options());
    let geo = resource(|| (), |_| crate::basedata::api::get_map_geo());

    // The form's state. The device's draft is restored once the page is live (the server
    // cannot know it, and the first render must match the server's).
    let default_channel = channels[0].as_str().to_owned();
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
    let photos = RwSignal::new(Vec::<UploadedPhoto>::new());
    // The draft's photos are kept on the device too; those still waiting there are shown
    // again from the device's copy (a local URL does not outlive the page).
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            let kept: Vec<UploadedPhoto> = outbox::load(outbox::PHOTOS_KEY).unwrap_or_default();
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
        outbox::save(outbox::PHOTOS_KEY, &photos.get());
    });
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let queued = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let picked = Signal::derive(move || form.with(|f| f.lat.zip(f.lng)));

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
    // Send what waited for the network, now and whenever it comes back.
    #[cfg(feature = "hydrate")]
    let flush = move || {
        leptos::task::spawn_local(async move {
            if outbox::pending() > 0 && outbox::is_online() {
                let numbers = outbox::flush().await;
                if let Some(number) = numbers.last() {
                    done.set(Some(number.clone()));
                    queued.set(false);
                }
            }
        })
    };
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| flush());
        let handle = window_event_listener(leptos::ev::online, move |_| flush());
        // Phones do not always say when the network is back (a captive portal, a weak cell):
        // try again every few seconds while something waits.
        let retry = set_interval_with_handle(flush, std::time::Duration::from_secs(5)).ok();
        on_cleanup(move || {
            handle.remove();
            if let Some(retry) = retry {
                retry.clear();
            }
        });
    }

    let set = move |apply: fn(&mut NewEvent, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            form.update(|f| apply(f, value));
        }
    };
    let on_pick = Callback::new(move |(lat, lng): (f64, f64)| {
        form.update(|f| {
            f.lat = Some((lat * 1e6).round() / 1e6);
            f.lng = Some((lng * 1e6).round() / 1e6);
        })
    });
    let locate_me = move |_| {
        #[cfg(feature = "hydrate")]
        locate_device(on_pick, error, shares_position);
        #[cfg(not(feature = "hydrate"))]
        let _ = shares_position;
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut report = form.get_untracked();
        report.attachments = photo_picker::uploaded_ids(&photos.get_untracked());
        let pending = photo_picker::pending_keys(&photos.get_untracked());
        if let Err(e) = report.validate() {
            error.set(Some(e));
            return;
        }
        error.set(None);
        // Without a network, or with photos still on the device: the outbox uploads the
        // photos, then sends the report, as soon as it can.
        if !outbox::is_online() || !pending.is_empty() {
            outbox::enqueue(report, pending);
            queued.set(true);
            reset(form, photos);
            #[cfg(feature = "hydrate")]
            flush();
            return;
        }
        sending.set(true);
        leptos::task::spawn_local(async move {
            match report_event(report.clone()).await {
                Ok(reported) => {
                    done.set(Some(reported.tracking_code));
                    reset(form, photos);
                }
                // The network went away on the way: keep it for later.
                Err(AppError::Transport(_)) => {
                    outbox::enqueue(report, Vec::new());
                    queued.set(true);
                    reset(form, photos);
                }
                Err(e) => error.set(Some(e)),
            }
            sending.set(false);
        });
    };

    let field_error = move |field: &'static str| {
        move || {
            error.get().and_then(|e| {
                let codes = e.field_codes(field);
                (!codes.is_empty()).then(|| {
                    let text = codes.iter().map(|c| locale.t(&format!("errors.{c}"))).collect::<Vec<_>>().join("；");
                    view! { <p class="field-error" role="alert">{text}</p> }
                })
            })
        }
    };
    let channel_is = move |c: Channel| form.with(|f| f.channel == c.as_str());

    view! {
        <PageHeader title="nav.report" section="nav.section.events" description="report.description" />
        <noscript><div class="alert alert-error">{locale.t("report.needs_js")}</div></noscript>
        {move || done.get().map(|code| view! {
            <div class="alert alert-success" role="status" data-testid="report-done">
                {locale.t("report.done")}
                " "
                <code class="mono" data-testid="tracking-code">{code.clone()}</code>
                " "
                <a href=format!("/track?no={code}")>{locale.t("report.track")}</a>
                <br />
                <span class="muted">{locale.t("report.keep_code")}</span>
            </div>
        })}
        {move || queued.get().then(|| view! {
            <div class="alert alert-warn" role="status" data-testid="report-queued">{locale.t("report.queued")}</div>
        })}
        <ErrorBanner error=error.into() />
        <form class="report-layout" on:submit=submit novalidate=true>
            <section class="card stack" aria-labelledby="report-what">
                <h2 class="card-title" id="report-what">{locale.t("report.what")}</h2>
                {(channels.len() > 1).then(|| {
                    let channels = channels.clone();
                    view! {
                        <div class="field">
                            <label for="report-channel">{locale.t("event.channel_label")}</label>
                            <select
                                id="report-channel"
                                on:change=set(|f, v| f.channel = v)
                                inner_html={move || channels.iter().map(|c| option(c.as_str(), &super::labels::channel(locale, *c), channel_is(*c))).collect::<String>()}
                            ></select>
                        </div>
                    }
                })}
                <div class="field">
                    <label for="report-category" class="required">{locale.t("event.category")}</label>
                    <Suspense fallback=move || view! { <select id="report-category" disabled=true></select> }>
                        {move || Suspend::new(async move {
                            let categories = options.await.map(|o| o.categories).unwrap_or_default();
                            let html = move || {
                                let selected = form.with(|f| f.category_id);
                                let groups: String = categories
                                    .iter()
                                    .filter(|c| c.parent_id.is_none())
                                    .map(|parent| {
                                        let children: String = categories
                                            .iter()
                                            .filter(|c| c.parent_id == Some(parent.id))
                                            .map(|c| option(c.id, &c.name, c.id == selected))
                                            .collect();
                                        group(&parent.name, &children)
                                    })
                                    .collect();
                                option("", &locale.t("report.choose_category"), selected == 0) + &groups
                            };
                            view! {
                                <select
                                    id="report-category"
                                    required=true
                                    on:change=set(|f, v| f.category_id = v.parse().unwrap_or(0))
                                    inner_html=html
                                ></select>
                            }
                        })}
                    </Suspense>
                    {field_error("category_id")}
                </div>
                {is_staff.then(|| view! {
                    <div class="field">
                        <label for="report-priority">{locale.t("event.priority_label")}</label>
                        <select
                            id="report-priority"
                            on:change=set(|f, v| f.priority = v)
                            inner_html={move || {
                                let current = form.with(|f| f.priority.clone());
                                Priority::ALL.into_iter().map(|p| option(p.as_str(), &super::labels::priority(locale, p), current == p.as_str())).collect::<String>()
                            }}
                        ></select>
                    </div>
                })}
                <div class="field">
                    <label for="report-title" class="required">{locale.t("event.title")}</label>
                    <input id="report-title" maxlength="60" prop:value=move || form.with(|f| f.title.clone()) on:input=set(|f, v| f.title = v) placeholder=locale.t("report.title_hint") />
                    {field_error("title")}
                </div>
                <div class="field">
                    <label for="report-description" class="required">{locale.t("event.description")}</label>
                    <textarea id="report-description" rows="4" maxlength="2000" prop:value=move || form.with(|f| f.description.clone()) on:input=set(|f, v| f.description = v)></textarea>
                    {field_error("description")}
                </div>
                {move || channel_is(Channel::SelfResolved).then(|| view! {
                    <div class="field">
                        <label for="report-resolution" class="required">{locale.t("report.resolution")}</label>
                        <textarea id="report-resolution" rows="3" prop:value=move || form.with(|f| f.resolution.clone()) on:input=set(|f, v| f.resolution = v)></textarea>
                        {field_error("resolution")}
                    </div>
                })}
                <PhotoPicker photos />
                {field_error("attachments")}
                <fieldset class="field">
                    <legend>{locale.t(if is_staff { "report.citizen" } else { "report.contact" })}</legend>
                    <div class="form-row">
                        <div class="field">
                            <label for="report-contact-name">{locale.t("report.contact_name")}</label>
                            <input id="report-contact-name" autocomplete="name" prop:value=move || form.with(|f| f.contact_name.clone()) on:input=set(|f, v| f.contact_name = v) />
                            {field_error("contact_name")}
                        </div>
                        <div class="field">
                            <label for="report-contact-phone">{locale.t("report.contact_phone")}</label>
                            <input id="report-contact-phone" type="tel" inputmode="numeric" autocomplete="tel" prop:value=move || form.with(|f| f.contact_phone.clone()) on:input=set(|f, v| f.contact_phone = v) />
                            {field_error("contact_phone")}
                        </div>
                    </div>
                </fieldset>
            </section>
            <section class="card stack" aria-labelledby="report-where">
                <h2 class="card-title" id="report-where">{locale.t("report.where")}</h2>
                <p class="muted">{locale.t("report.where_hint")}</p>
                <Suspense fallback=move || view! { <div class="leaflet-host"></div> }>
                    {move || Suspend::new(async move {
                        match geo.await {
                            Ok(geo) => {
                                // A grid worker's patrol report starts in their own grid.
                                if let (Some(grid), None) = (grid_id, form.with_untracked(|f| f.lat))
                                    && let Some(point) = grid_centre(&geo.grids, grid)
                                {
                                    on_pick.run(point);
                                }
                                let pins = Signal::derive(move || picked.get().map(|(lat, lng)| vec![MapPin {
                                    id: 0, lat, lng, color: "#dc2626".into(), radius: 9.0, title: String::new(),
                                }]).unwrap_or_default());
                                view! { <LeafletMap geo pins on_pick picked label=locale.t("report.map_label") class="report-map" /> }.into_any()
                            }
                            Err(e) => view! { <crate::components::ErrorAlert error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
                <div class="cluster">
                    <button type="button" class="btn btn-ghost" on:click=locate_me>{locale.t("report.use_gps")}</button>
                    <span class="muted" data-testid="report-location">
                        {move || picked.get().map(|(lat, lng)| format!("{lat:.5}, {lng:.5}")).unwrap_or_else(|| locale.t("report.no_location"))}
                    </span>
                </div>
                {field_error("location")}
                <details>
                    <summary>{locale.t("report.coordinates")}</summary>
                    <div class="form-row">
                        <div class="field">
                            <label for="report-lat">{locale.t("report.lat")}</label>
                            <input id="report-lat" inputmode="decimal" prop:value=move || form.with(|f| f.lat.map(|v| v.to_string()).unwrap_or_default()) on:change=set(|f, v| f.lat = v.trim().parse().ok()) />
                        </div>
                        <div class="field">
                            <label for="report-lng">{locale.t("report.lng")}</label>
                            <input id="report-lng" inputmode="decimal" prop:value=move || form.with(|f| f.lng.map(|v| v.to_string()).unwrap_or_default()) on:change=set(|f, v| f.lng = v.trim().parse().ok()) />
                        </div>
                    </div>
                </details>
                <div class="field">
                    <label for="report-address">{locale.t("event.address")}</label>
                    <input id="report-address" prop:value=move || form.with(|f| f.address.clone()) on:input=set(|f, v| f.address = v) placeholder=locale.t("report.address_hint") />
                </div>
                <button class="btn btn-primary btn-block" type="submit" disabled=move || sending.get()>
                    {move || locale.t(if sending.get() { "report.sending" } else { "report.submit" })}
                </button>
            </section>
        </form>
    }
    .into_any()
}

/// After a report is made or queued: an empty form with a new draft key.
fn reset(form: RwSignal<NewEvent>, photos: RwSignal<Vec<UploadedPhoto>>) {
    form.update(|f| {
        *f = NewEvent {
            channel: f.channel.clone(),
            priority: Priority::Normal.as_str().to_owned(),
            client_ref: outbox::new_client_ref(),
            ..NewEvent::default()
        }
    });
    photos.set(Vec::new());
    outbox::remove(outbox::PHOTOS_KEY);
}

/// The device's position, through the browser's geolocation.
#[cfg(feature = "hydrate")]
fn locate_device(on_pick: Callback<(f64, f64)>, error: RwSignal<Option<AppError>>, share: bool) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        error.set(Some(AppError::field("location", "event.gps_unavailable")));
        return;
    };
    // GeolocationPosition is still "unstable" in web-sys: read the two numbers directly.
    let success = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |position: wasm_bindgen::JsValue| {
        let get = |object: &wasm_bindgen::JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).ok();
        let coords = get(&position, "coords");
        let number = |key| coords.as_ref().and_then(|c| get(c, key)).and_then(|v| v.as_f64());
        if let (Some(lat), Some(lng)) = (number("latitude"), number("longitude")) {
            on_pick.run((lat, lng));
            // Grid workers' phones tell the command map where they are.
            if share {
                leptos::task::spawn_local(async move {
                    let _ = super::api::report_position(lat, lng).await;
                });
            }
        }
    });
    let failure = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| {
        error.set(Some(AppError::field("location", "event.gps_unavailable")));
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    let _ = geolocation.get_current_position_with_error_callback_and_options(
        success.as_ref().unchecked_ref(),
        Some(failure.as_ref().unchecked_ref()),
        &options,
    );
    success.forget();
    failure.forget();
}

/// The middle of a grid's outline in the town's GeoJSON (the mean of its ring's corners).
fn grid_centre(grids: &str, grid_id: i32) -> Option<(f64, f64)> {
    let collection: serde_json::Value = serde_json::from_str(grids).ok()?;
    let feature = collection["features"]
        .as_array()?
        .iter()
        .find(|f| f["properties"]["id"].as_i64() == Some(i64::from(grid_id)))?;
    let geometry = &feature["geometry"];
    let ring = match geometry["type"].as_str()? {
        "Polygon" => geometry["coordinates"].get(0)?,
        "MultiPolygon" => geometry["coordinates"].get(0)?.get(0)?,
        _ => return None,
    };
    let points: Vec<(f64, f64)> =
        ring.as_array()?.iter().filter_map(|p| Some((p.get(1)?.as_f64()?, p.get(0)?.as_f64()?))).collect();
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some((points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n))
}

//! `/events/report`: one report form for every reporter — the public (on a phone or PC),
//! grid workers on patrol (prefilled with their grid; "resolved on the spot" closes with
//! evidence), staff entering a phone call or a walk-in for a citizen. Location by map pin,
//! the device's GPS or typed coordinates; photos from the camera. What is typed is kept on
//! the device; without a network the report waits there and is sent, once, when it returns.
//! Each of those is a hook of its own: [`draft`], [`queue`] (the outbox), [`geolocation`].

mod draft;
mod geolocation;
mod queue;

use leptos::prelude::*;
use shared::AppError;
use shared::accounts::{SessionUser, UserKind};
use shared::events::{Channel, NewEvent, Priority};
use shared::permissions::codes;

use super::api::{event_options, report_event};
use super::outbox;
use super::photo_picker::{self, PhotoPicker};
use crate::components::{Choice, ErrorBanner, PageHeader, Select};
use crate::i18n::use_locale;
use crate::map::{LeafletMap, MapPin};
use crate::wire::resource;
use draft::{reset, use_draft, use_draft_photos};
use geolocation::{grid_centre, use_geolocation};
use queue::use_outbox;

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

    let form = use_draft(channels[0].as_str().to_owned());
    let photos = use_draft_photos();
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let queued = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let picked = Signal::derive(move || form.with(|f| f.lat.zip(f.lng)));
    let flush = use_outbox(done, queued);

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
    let locate = use_geolocation(on_pick, error, shares_position);
    let locate_me = move |_| locate();
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
                            <Select
                                id="report-channel"
                                on_change=move |value: String| form.update(|f| f.channel = value)
                                choices={channels.iter().map(|c| Choice::new(c.as_str(), super::labels::channel(locale, *c))).collect::<Vec<_>>()}
                                selected=move || form.with(|f| f.channel.clone())
                            />
                        </div>
                    }
                })}
                <div class="field">
                    <label for="report-category" class="required">{locale.t("event.category")}</label>
                    <Suspense fallback=move || view! { <Select id="report-category" choices={Vec::<Choice>::new()} disabled=true /> }>
                        {move || Suspend::new(async move {
                            let categories = options.await.map(|o| o.categories).unwrap_or_default();
                            let choices: Vec<Choice> = std::iter::once(Choice::empty(locale.t("report.choose_category")))
                                .chain(categories.iter().filter(|c| c.parent_id.is_none()).map(|parent| {
                                    Choice::group(
                                        parent.name.clone(),
                                        categories
                                            .iter()
                                            .filter(|c| c.parent_id == Some(parent.id))
                                            .map(|c| Choice::new(c.id, c.name.clone())),
                                    )
                                }))
                                .collect();
                            // No category yet (0) is the empty choice.
                            let selected = move || {
                                Some(form.with(|f| f.category_id)).filter(|id| *id != 0).map(|id| id.to_string()).unwrap_or_default()
                            };
                            view! {
                                <Select
                                    id="report-category"
                                    required=true
                                    on_change=move |value: String| form.update(|f| f.category_id = value.parse().unwrap_or(0))
                                    choices
                                    selected
                                />
                            }
                        })}
                    </Suspense>
                    {field_error("category_id")}
                </div>
                {is_staff.then(|| view! {
                    <div class="field">
                        <label for="report-priority">{locale.t("event.priority_label")}</label>
                        <Select
                            id="report-priority"
                            on_change=move |value: String| form.update(|f| f.priority = value)
                            choices={Priority::ALL.into_iter().map(|p| Choice::new(p.as_str(), super::labels::priority(locale, p))).collect::<Vec<_>>()}
                            selected=move || form.with(|f| f.priority.clone())
                        />
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
                                    id: 0, lat, lng, color: "#dc2626".into(), radius: 9.0, title: String::new(), href: None, clustered: false,
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

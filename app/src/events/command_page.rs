//! `/events/command`: the dispatch and command view — a live map of running events (colour
//! by state, size by priority, clustered when zoomed out) with grid boundaries and grid
//! workers' last positions, and beside it the queue with filters and bulk dispatch to a
//! department or a person. Every viewer sees every change within a second. The registers
//! with a map layer can be switched on beside the events (`register_layers`).

use leptos::prelude::*;
use shared::events::{EventRow, Priority};

use super::api::{DispatchMany, event_options, map_events, worker_positions};
use super::event_table::EventTable;
use super::inbox_page::use_filter;
use super::labels;
use super::live::use_live;
use super::register_layers::{LayerSwitches, use_register_layers};
use crate::components::{Choice, ErrorAlert, ErrorBanner, PageHeader, Select, last_error};
use crate::dashboard::format_number;
use crate::i18n::use_locale;
use crate::map::{LeafletMap, MapPin, SheetNumbers, WorkerPin};
use crate::wire::resource;

fn pin(row: &EventRow) -> MapPin {
    MapPin {
        id: row.id,
        lat: row.lat,
        lng: row.lng,
        color: labels::state_colour(row.state).to_owned(),
        radius: match row.priority {
            Priority::Normal => 6.0,
            Priority::Urgent => 9.0,
            Priority::Critical => 12.0,
        },
        title: format!("{} {}", row.number, row.title),
        href: None,
        clustered: true,
    }
}

#[component]
pub fn CommandPage() -> impl IntoView {
    let locale = use_locale();
    let live = use_live();
    let filter = use_filter();
    let dispatch = ServerAction::<DispatchMany>::new();
    let events = resource(move || (filter.get(), live.get(), dispatch.version().get()), |(f, _, _)| map_events(f));
    let workers = resource(move || live.get(), |_| worker_positions());
    let geo = resource(|| (), |_| crate::basedata::api::get_map_geo());
    let options = resource(|| (), |_| event_options());
    let selected = RwSignal::new(Vec::<(i64, i32)>::new());
    let rows = RwSignal::new(Vec::<EventRow>::new());
    // How many running events the filter matches in all: more than `rows` when the map's
    // limit left some out, which the page then says (with a link to the list of them all).
    let total = RwSignal::new(0_i64);
    let worker_pins = RwSignal::new(Vec::<WorkerPin>::new());
    // Keep the last good data on screen while a refetch runs.
    Effect::new(move |_| {
        if let Some(Ok(answer)) = events.get() {
            let list = answer.events;
            selected.update(|s| s.retain(|(id, _)| list.iter().any(|r| r.id == *id)));
            total.set(answer.total);
            rows.set(list);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(list)) = workers.get() {
            worker_pins.set(
                list.into_iter()
                    .map(|w| WorkerPin {
                        id: w.user_id,
                        lat: w.lat,
                        lng: w.lng,
                        name: w.name,
                        at: labels::short_time(w.at),
                    })
                    .collect(),
            );
        }
    });
    let layers = use_register_layers();
    let pins = Signal::derive(move || {
        let mut pins = rows.with(|r| r.iter().map(pin).collect::<Vec<_>>());
        pins.extend(layers.pins());
        pins
    });
    // A click on the map (not on a pin) shows where it is on the national map sheets.
    let clicked = RwSignal::new(None::<(f64, f64)>);
    let on_pick = Callback::new(move |point: (f64, f64)| clicked.set(Some(point)));
    let on_select = Callback::new(move |id: i64| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(&format!("/events/{id}"));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    });
    let department = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let bulk = move |_| {
        let Ok(department_id) = department.get_untracked().parse::<i32>() else {
            return;
        };
        let assignee_id = assignee.get_untracked().parse::<i64>().ok();
        dispatch.dispatch(DispatchMany { events: selected.get_untracked(), department_id, assignee_id });
    };
    let dispatchable = move || {
        let chosen = selected.get();
        rows.with(|r| {
            chosen.iter().all(|(id, _)| {
                r.iter().any(|row| {
                    row.id == *id
                        && matches!(
                            row.state,
                            shared::events::EventState::Accepted
                                | shared::events::EventState::Returned
                                | shared::events::EventState::Reopened
                                | shared::events::EventState::Dispatched
                        )
                })
            })
        }) && !chosen.is_empty()
    };
    view! {
        <PageHeader title="nav.command" section="nav.section.events" description="command.description" />
        <div class="command-layout">
            <section class="card command-map" aria-labelledby="command-map-title">
                <h2 class="card-title" id="command-map-title">
                    {locale.t("command.map")}
                    <span class="muted" data-testid="command-count">{move || locale.tf("command.count", &[("n", rows.with(Vec::len).to_string())])}</span>
                </h2>
                {move || {
                    let shown = rows.with(Vec::len) as i64;
                    let more = total.get() - shown;
                    (more > 0).then(|| {
                        // The inbox with the same filter (its default tab is the running events too).
                        let mut all = filter.get();
                        if all.state.is_empty() {
                            all.state = "open".into();
                        }
                        view! {
                            <p class="alert alert-warn" role="status" data-testid="command-left-out">
                                {locale.tf("command.left_out", &[("shown", format_number(shown)), ("n", format_number(more))])}
                                <a href=format!("/events?{}", all.to_query())>{locale.t("command.see_all")}</a>
                            </p>
                        }
                    })
                }}
                <Suspense fallback=move || view! { <div class="leaflet-host"></div> }>
                    {move || Suspend::new(async move {
                        match geo.await {
                            Ok(geo) => view! {
                                <LeafletMap geo pins workers=Signal::from(worker_pins) on_select on_pick label=locale.t("command.map") class="command-leaflet" />
                            }.into_any(),
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        }
                    })}
                </Suspense>
                <ul class="legend" aria-label=locale.t("command.legend")>
                    {[
                        shared::events::EventState::Reported,
                        shared::events::EventState::Dispatched,
                        shared::events::EventState::Handling,
                        shared::events::EventState::Handled,
                        shared::events::EventState::Returned,
                    ].into_iter().map(|s| view! {
                        <li><span class="swatch" style=format!("background:{}", labels::state_colour(s))></span>{labels::state(locale, s)}</li>
                    }).collect_view()}
                    <li><span class="swatch swatch-worker"></span>{locale.t("command.worker")}</li>
                </ul>
                <LayerSwitches layers />
                <SheetNumbers point=clicked />
            </section>
            <section class="card command-queue" aria-labelledby="command-queue-title">
                <h2 class="card-title" id="command-queue-title">{locale.t("command.queue")}</h2>
                <form method="get" action="/events/command" class="filter-bar" role="search">
                    <div class="field">
                        <label for="command-state">{locale.t("event.state_label")}</label>
                        <Select
                            id="command-state"
                            name="state"
                            choices={["open", "reported", "accepted", "dispatched", "handling", "handled", "returned", "overdue", "escalated"]
                                .into_iter()
                                .map(|s| Choice::new(s, locale.t(&format!("inbox.tab.{s}"))))
                                .collect::<Vec<_>>()}
                            // No state asked for: the open events.
                            selected=move || Some(filter.get().state).filter(|s| !s.is_empty()).unwrap_or_else(|| "open".into())
                        />
                    </div>
                    <div class="field">
                        <label for="command-q">{locale.t("inbox.search")}</label>
                        <input id="command-q" name="q" type="search" value=move || filter.get().q />
                    </div>
                    <button class="btn btn-ghost" type="submit">{locale.t("table.search")}</button>
                </form>
                <div class="bulk-bar" role="group" aria-label=locale.t("command.bulk")>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let options = options.await.unwrap_or_default();
                            view! {
                                <div class="field">
                                    <label for="bulk-department">{locale.t("event.department")}</label>
                                    <Select
                                        id="bulk-department"
                                        on_change=move |value: String| department.set(value)
                                        choices={std::iter::once(Choice::empty(locale.t("command.choose_department")))
                                            .chain(options.departments.iter().map(|d| Choice::new(d.id, d.name.clone())))
                                            .collect::<Vec<_>>()}
                                    />
                                </div>
                                <div class="field">
                                    <label for="bulk-assignee">{locale.t("event.assignee_optional")}</label>
                                    <Select
                                        id="bulk-assignee"
                                        on_change=move |value: String| assignee.set(value)
                                        choices={std::iter::once(Choice::empty(locale.t("event.whole_department")))
                                            .chain(options.assignees.iter().map(|a| Choice::new(a.id, a.name.clone())))
                                            .collect::<Vec<_>>()}
                                    />
                                </div>
                            }
                        })}
                    </Suspense>
                    <button class="btn btn-primary" type="button" on:click=bulk disabled=move || !dispatchable() || department.get().is_empty()>
                        {move || locale.tf("command.dispatch_selected", &[("n", selected.with(Vec::len).to_string())])}
                    </button>
                </div>
                <ErrorBanner error=last_error(dispatch.value()) />
                {move || dispatch.value().get().and_then(Result::ok).map(|n| view! {
                    <div class="alert alert-success" role="status">{locale.tf("command.dispatched", &[("n", n.to_string())])}</div>
                })}
                {move || {
                    let list: Vec<EventRow> = rows.get().into_iter().take(200).collect();
                    view! { <EventTable rows=list base="/events" caption="command.queue" selectable=selected /> }
                }}
                <p class="muted">{locale.t("command.queue_hint")}</p>
            </section>
        </div>
        {move || events.get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> })}
    }
}

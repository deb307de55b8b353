//! `/m/sensing/monitor`: 监测态势. Figures on top (stations, in service, alarms and warnings
//! open); the township's vital-sign indicators as tiles (following the live channel); the open alarms, each with the event it became; every station as a card with its
//! latest values, each graded by its standard (GB 3838 class, HJ 633 level, GB 3096 limit) and
//! marked when past it; the alarms cleared in the last week. Server-rendered, readable without
//! JavaScript and on a phone; in the browser it reads itself again every minute, keeping what
//! it shows until the new figures arrive.

use leptos::prelude::*;
use shared::sensing::board::{AlarmView, Grade, LatestValue, Monitor, StationStatus};
use shared::sensing::measurand::Measurand;
use shared::sensing::threshold::Severity;

use super::api::{read_monitor, read_situation};
use super::situation::IndicatorTiles;
use crate::components::{ErrorAlert, PageHeader};
use crate::dashboard::format_number;
use crate::events::live::use_situation_live;
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

/// How often the page reads itself again, in seconds.
const REFRESH_SECONDS: u64 = 60;

#[component]
pub fn MonitorPage() -> impl IntoView {
    let locale = use_locale();
    let reload = RwSignal::new(0u64);
    let live = use_situation_live();
    let monitor = resource(move || (reload.get(), live.get()), |_| read_monitor());
    let situation = resource(move || (reload.get(), live.get()), |_| read_situation(false));
    // In the browser only (an effect): the page follows new readings without a reload.
    Effect::new(move |_| {
        let _ = set_interval_with_handle(
            move || reload.update(|n| *n += 1),
            std::time::Duration::from_secs(REFRESH_SECONDS),
        );
    });
    view! {
        <PageHeader title="sensing.monitor.title" section="module.sensing" description="sensing.monitor.description" />
        <Transition>
            {move || Suspend::new(async move {
                // The catalogue, for who may view it; nothing otherwise.
                let tiles = situation.await.ok().map(|s| s.tiles).filter(|tiles| !tiles.is_empty())?;
                Some(view! {
                    <section class="card" aria-labelledby="sensing-indicators-title" data-testid="sensing-indicators">
                        <h2 class="card-title" id="sensing-indicators-title">{locale.t("sensing.indicators.title")}</h2>
                        <IndicatorTiles tiles />
                    </section>
                })
            })}
        </Transition>
        <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match monitor.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(monitor) => view! { <Board locale monitor /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A time as the township reads it.
fn local(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%m-%d %H:%M").to_string()
}

/// A value with at most three decimals, as the instruments report them.
fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn severity_badge(locale: Locale, severity: Severity) -> impl IntoView {
    let class = match severity {
        Severity::Alarm => "badge badge-danger",
        Severity::Warning => "badge badge-warn",
        Severity::Normal => "badge badge-ok",
    };
    view! { <span class=class data-severity=severity.as_str()>{locale.t(severity.i18n_key())}</span> }
}

#[component]
fn Board(locale: Locale, monitor: Monitor) -> impl IntoView {
    let in_service = monitor.stations.iter().filter(|s| s.in_service).count();
    let tiles = [
        ("sensing.monitor.stations", monitor.stations.len(), "accent-blue"),
        ("sensing.monitor.in_service", in_service, "accent-green"),
        ("sensing.monitor.alarms_open", monitor.open(Severity::Alarm), "accent-red"),
        ("sensing.monitor.warnings_open", monitor.open(Severity::Warning), "accent-amber"),
    ];
    let (open, cleared): (Vec<AlarmView>, Vec<AlarmView>) =
        monitor.alarms.iter().cloned().partition(|alarm| alarm.cleared_at.is_none());
    view! {
        <section class="stat-grid" aria-label=locale.t("sensing.monitor.figures") data-testid="sensing-figures">
            {tiles
                .into_iter()
                .map(|(key, value, accent)| view! {
                    <div class=format!("stat-card {accent}") data-figure=key>
                        <p class="stat-label">{locale.t(key)}</p>
                        <p class="stat-value">{format_number(value as i64)}</p>
                    </div>
                })
                .collect_view()}
        </section>
        <section class="card" aria-labelledby="sensing-open-title" data-testid="sensing-open-alarms">
            <h2 class="card-title" id="sensing-open-title">{locale.t("sensing.monitor.open")}</h2>
            {if open.is_empty() {
                view! { <p class="muted">{locale.t("sensing.monitor.none_open")}</p> }.into_any()
            } else {
                view! { <Alarms locale alarms=open caption="sensing.monitor.open" /> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="sensing-stations-title" data-testid="sensing-stations">
            <h2 class="card-title" id="sensing-stations-title">{locale.t("sensing.monitor.station_values")}</h2>
            <p class="muted">{locale.t("sensing.monitor.standards")}</p>
            <div class="station-grid">
                {monitor.stations.into_iter().map(|station| view! { <StationCard locale station /> }).collect_view()}
            </div>
        </section>
        <section class="card" aria-labelledby="sensing-cleared-title" data-testid="sensing-cleared-alarms">
            <h2 class="card-title" id="sensing-cleared-title">{locale.t("sensing.monitor.cleared")}</h2>
            {if cleared.is_empty() {
                view! { <p class="muted">{locale.t("sensing.monitor.none_cleared")}</p> }.into_any()
            } else {
                view! { <Alarms locale alarms=cleared caption="sensing.monitor.cleared" /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Alarms(locale: Locale, alarms: Vec<AlarmView>, caption: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile">
                <caption class="visually-hidden">{locale.t(caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("sensing.monitor.station")}</th>
                        <th scope="col">{locale.t("sensing.monitor.measurand")}</th>
                        <th scope="col">{locale.t("sensing.monitor.severity")}</th>
                        <th scope="col">{locale.t("sensing.monitor.opened_at")}</th>
                        <th scope="col">{locale.t("sensing.monitor.value")}</th>
                        <th scope="col">{locale.t("sensing.monitor.peak")}</th>
                        <th scope="col">{locale.t("sensing.monitor.event")}</th>
                    </tr>
                </thead>
                <tbody>
                    {alarms
                        .into_iter()
                        .map(|alarm| {
                            let unit = alarm.measurand.unit();
                            let opened = match alarm.cleared_at {
                                None => local(alarm.opened_at),
                                Some(cleared) => format!("{} — {}", local(alarm.opened_at), local(cleared)),
                            };
                            view! {
                                <tr data-alarm=alarm.id data-station=alarm.station.clone()>
                                    <td data-label=locale.t("sensing.monitor.station")>{alarm.station.clone()}</td>
                                    <td data-label=locale.t("sensing.monitor.measurand")>{locale.t(alarm.measurand.i18n_key())}</td>
                                    <td data-label=locale.t("sensing.monitor.severity")>{severity_badge(locale, alarm.severity)}</td>
                                    <td data-label=locale.t("sensing.monitor.opened_at")>{opened}</td>
                                    <td data-label=locale.t("sensing.monitor.value")>{format!("{} {unit}", number(alarm.value))}</td>
                                    <td data-label=locale.t("sensing.monitor.peak")>{format!("{} {unit}", number(alarm.peak))}</td>
                                    <td data-label=locale.t("sensing.monitor.event")>
                                        {match alarm.event {
                                            Some((id, number)) => view! { <a href=format!("/events/{id}")>{number}</a> }.into_any(),
                                            None => view! { <span class="muted">{locale.t("sensing.monitor.no_event")}</span> }.into_any(),
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn StationCard(locale: Locale, station: StationStatus) -> impl IntoView {
    let state = if !station.in_service {
        view! { <span class="badge badge-muted">{locale.t("sensing.monitor.out_of_service")}</span> }.into_any()
    } else if station.latest.is_empty() {
        view! { <span class="badge badge-warn">{locale.t("sensing.monitor.silent")}</span> }.into_any()
    } else {
        severity_badge(locale, station.alarm).into_any()
    };
    let heading = format!("sensing-station-{}", station.id);
    let labelled_by = heading.clone();
    view! {
        <article class="station-card" aria-labelledby=labelled_by data-station=station.code.clone() data-alarm=station.alarm.as_str()>
            <header class="station-card-head">
                <h3 id=heading>
                    <a href=format!("/m/sensing/stations/{}", station.id)>{station.name.clone()}</a>
                </h3>
                {state}
            </header>
            <p class="muted">{format!("{} · {} · {}", station.code, station.kind_label, station.village)}</p>
            <dl class="station-values">
                {station.latest.into_iter().map(|value| view! { <Value locale value /> }).collect_view()}
            </dl>
        </article>
    }
}

#[component]
fn Value(locale: Locale, value: LatestValue) -> impl IntoView {
    let grade = value.grade.map(|grade| {
        let text = match grade {
            Grade::Water(class) => locale.t(class.i18n_key()),
            Grade::Air { iaqi, level } => format!("IAQI {iaqi} · {}", locale.t(level.i18n_key())),
            Grade::Noise { limit, excess } if excess > 0.0 => {
                locale.tf("sensing.monitor.noise_over", &[("limit", number(limit)), ("excess", number(excess))])
            }
            Grade::Noise { limit, .. } => locale.tf("sensing.monitor.noise_within", &[("limit", number(limit))]),
        };
        let class = if grade.exceeds() { "badge badge-danger" } else { "badge badge-ok" };
        view! { <span class=class data-exceeds=grade.exceeds().to_string()>{text}</span> }
    });
    // No text node for a unitless value (a status): an empty one is not in the server's
    // HTML, and hydration would look for it.
    let unit = value.measurand.unit();
    // A status reads as words: 在线 or 离线.
    let shown = if value.measurand == Measurand::Online {
        locale.t(if value.value >= 0.5 { "sensing.monitor.online" } else { "sensing.monitor.offline" })
    } else {
        number(value.value)
    };
    view! {
        <div class="station-value" data-measurand=value.measurand.as_str()>
            <dt>{locale.t(value.measurand.i18n_key())}</dt>
            <dd>
                <strong>{shown}</strong>
                {(!unit.is_empty()).then(|| view! { <span class="station-value-unit">{unit}</span> })}
                {grade}
                <span class="muted station-value-at">{local(value.at)}</span>
            </dd>
        </div>
    }
}

//! `/screen`: the command-centre big screen. Dark, 16:9, no navigation chrome, readable
//! from across the room; it refreshes itself and, when the network or the server drops,
//! says so and reconnects on its own.

use leptos::prelude::*;
use leptos_meta::{Body, Meta};
use leptos_router::components::Redirect;
use shared::accounts::SessionUser;
use shared::error::AppError;
use shared::permissions::codes;

use crate::auth::api::get_me;
use crate::components::Forbidden;
use crate::dashboard::api::{get_map, get_overview};
use crate::dashboard::{BarChart, TownMap};
use crate::events::live::{provide_live, rendered_at};
use crate::i18n::use_locale;
use crate::wire::{blocking_resource, resource};

use super::screen_events::ScreenEvents;
use super::screen_registers::ScreenRegisters;
use super::screen_situation::{LastSituation, ScreenAlarms, ScreenIndicators, situation_resource};

/// How often the board reloads its figures.
const REFRESH_SECONDS: u64 = 30;

#[component]
pub fn ScreenPage() -> impl IntoView {
    let locale = use_locale();
    // Known before rendering when the server rendered the page (see `AppShell`).
    let known = super::app_shell::rendered_user();
    // One live connection for the board's panels, told how old the rendered page is.
    provide_live(rendered_at());
    let me = blocking_resource(
        move || known.clone(),
        |known| async move {
            match known {
                Some(user) => Ok(Some(user)),
                None => get_me().await,
            }
        },
    );
    view! {
        <crate::components::DocumentTitle text=locale.t("screen.title") />
        <Body {..} class="screen-body" />
        <noscript>
            <Meta http_equiv="refresh" content="60" />
        </noscript>
        // Built once (see `AppShell`): a reactive Suspend could build the board twice on the server.
        <Suspense>
            {Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) if user.can(codes::SCREEN_VIEW) => view! { <Board user /> }.into_any(),
                    Ok(Some(_)) => view! { <main id="main" class="content"><Forbidden /></main> }.into_any(),
                    Ok(None) | Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/screen" /> }.into_any(),
                    Err(_) => view! { <Redirect path="/login?next=/screen" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn now_text() -> String {
    shared::time::local(chrono::Utc::now()).format("%Y-%m-%d %H:%M:%S").to_string()
}

#[component]
fn Board(user: SessionUser) -> impl IntoView {
    let locale = use_locale();
    // Bumped on every reload (the timer, the network back): the figures follow it.
    let reload = RwSignal::new(0u64);
    let overview = resource(move || reload.get(), |_| get_overview());
    let map = resource(|| (), |_| get_map());
    let situation = situation_resource(reload);
    let last_situation = LastSituation::new();
    let clock = RwSignal::new(now_text());
    let online = RwSignal::new(true);
    // The event situation for those who may see events; the base data's charts otherwise.
    let events = user.can(codes::EVENTS_VIEW);
    let with_stats = user.can(codes::EVENTS_STATS);

    // In the browser: tick the clock, refetch on a timer, and watch the connection. A failed
    // fetch marks the board offline; the next successful one brings it back.
    Effect::new(move |_| {
        let _ = set_interval_with_handle(move || clock.set(now_text()), std::time::Duration::from_secs(1));
        let _ = set_interval_with_handle(
            move || reload.update(|n| *n += 1),
            std::time::Duration::from_secs(REFRESH_SECONDS),
        );
        let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        let _ = window_event_listener(leptos::ev::online, move |_| {
            online.set(true);
            map.refetch();
            reload.update(|n| *n += 1);
        });
    });

    let status = move || {
        if online.get() {
            ("screen-status is-online", locale.t("screen.online"))
        } else {
            ("screen-status is-offline", locale.t("screen.offline"))
        }
    };

    view! {
        <main class="screen-shell" id="main">
            <header class="screen-header">
                <p class=move || status().0 role="status">
                    <span class="status-dot" aria-hidden="true"></span>
                    {move || status().1}
                </p>
                <h1 class="screen-title">{format!("{} · {}", user.township_name, locale.t("screen.heading"))}</h1>
                <p class="screen-clock">
                    <time>{move || clock.get()}</time>
                </p>
            </header>
            <Transition>
                {move || Suspend::new(async move {
                    let result = overview.await;
                    if result.is_err() {
                        online.set(false);
                    } else {
                        online.set(true);
                    }
                    let o = result.unwrap_or_default();
                    let kpis = [
                        ("dashboard.villages", o.villages),
                        ("dashboard.grids", o.grids),
                        ("dashboard.residents", o.residents),
                        ("dashboard.houses", o.houses),
                        ("dashboard.enterprises", o.enterprises),
                        ("dashboard.employees", o.employees),
                    ];
                    view! {
                        <div class="screen-grid">
                            <div class="screen-column">
                                {if events {
                                    view! {
                                        <ScreenEvents reload with_stats />
                                        <ScreenAlarms situation last=last_situation />
                                    }
                                    .into_any()
                                } else {
                                    view! {
                                        <ChartPanel id="screen-age-title" title="dashboard.age_bands" rows=o.age_bands.clone() />
                                        <ChartPanel id="screen-industry-title" title="dashboard.enterprises_by_industry" rows=o.enterprises_by_industry.clone() />
                                        <ScreenAlarms situation last=last_situation />
                                    }
                                    .into_any()
                                }}
                            </div>
                            <div class="screen-column">
                                <section class="screen-panel screen-panel-map" aria-labelledby="screen-map-title">
                                    <h2 class="screen-panel-title" id="screen-map-title">{locale.t("dashboard.map")}</h2>
                                    <Transition>
                                        {move || Suspend::new(async move {
                                            let layers = map.await.ok()?;
                                            // Grids shaded by their open events, stations marked by their alarms.
                                            let overlay = last_situation.settle(situation.await).unwrap_or_default();
                                            Some(view! {
                                                <TownMap
                                                    layers
                                                    label=locale.t("dashboard.map")
                                                    dark=true
                                                    stations=overlay.stations
                                                    open_by_grid=overlay.open_by_grid
                                                />
                                            })
                                        })}
                                    </Transition>
                                    <MapLegend />
                                </section>
                                <ScreenIndicators situation last=last_situation />
                            </div>
                            <div class="screen-column">
                                <section class="screen-panel screen-panel-fit" aria-labelledby="kpi-title">
                                    <h2 class="screen-panel-title" id="kpi-title">{locale.t("screen.kpis")}</h2>
                                    <div class="screen-kpis">
                                        {kpis
                                            .into_iter()
                                            .map(|(key, value)| {
                                                view! {
                                                    <div class="screen-kpi">
                                                        <p class="screen-kpi-value">{crate::dashboard::format_number(value)}</p>
                                                        <p class="screen-kpi-label">{locale.t(key)}</p>
                                                    </div>
                                                }
                                            })
                                            .collect_view()}
                                    </div>
                                </section>
                                <ScreenRegisters reload />
                            </div>
                        </div>
                    }
                })}
            </Transition>
        </main>
    }
}

/// A titled bar chart that fills its panel on the wall.
#[component]
pub(super) fn ChartPanel(id: &'static str, title: &'static str, rows: Vec<(String, i64)>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="screen-panel" aria-labelledby=id>
            <h2 class="screen-panel-title" id=id>{locale.t(title)}</h2>
            <BarChart label=locale.t(title) rows />
        </section>
    }
}

/// What the wall's map shades and marks.
#[component]
fn MapLegend() -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="legend screen-map-legend">
            <span class="legend-item">{locale.t("sensing.indicators.map_load")}</span>
            <span class="legend-item">
                {locale.t("sensing.indicators.map_few")}
                {(1..=shared::sensing::situation::LOAD_CLASSES)
                    .map(|class| view! { <span class=format!("legend-swatch load-swatch load-{class}")></span> })
                    .collect_view()}
                {locale.t("sensing.indicators.map_many")}
            </span>
            <span class="legend-item">{locale.t("sensing.indicators.map_stations")}</span>
            {[
                ("is-normal", "sensing.severity.normal"),
                ("is-warning", "sensing.severity.warning"),
                ("is-alarm", "sensing.severity.alarm"),
                ("is-retired", "sensing.monitor.out_of_service"),
            ]
                .into_iter()
                .map(|(class, key)| view! {
                    <span class="legend-item">
                        <span class=format!("legend-dot map-station-dot {class}")></span>
                        {locale.t(key)}
                    </span>
                })
                .collect_view()}
        </p>
    }
}

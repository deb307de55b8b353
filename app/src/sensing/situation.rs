//! The township's vital signs as tiles — name, value and unit, the trend since the value
//! before, the last day as a sparkline, coloured by the open alarm — and the alarms open now,
//! the stations' and the indicators' together. On the big screen (dark), the dashboard and
//! 监测态势; each follows the live channel's situation counter, so a sensor's alarm shows
//! within a second.

use leptos::prelude::*;
use shared::sensing::situation::{AlarmOrigin, IndicatorTile, LiveAlarm, Trend, format_value, sparkline};
use shared::sensing::threshold::Severity;

use crate::i18n::{Locale, use_locale};

/// The sparkline's drawing box (the SVG scales it to the tile).
const SPARK_WIDTH: f64 = 120.0;
const SPARK_HEIGHT: f64 = 28.0;

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Alarm => "is-alarm",
        Severity::Warning => "is-warning",
        Severity::Normal => "is-normal",
    }
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%H:%M").to_string()
}

/// The tiles, or a note saying where to add them.
#[component]
pub fn IndicatorTiles(tiles: Vec<IndicatorTile>) -> impl IntoView {
    let locale = use_locale();
    if tiles.is_empty() {
        return view! { <p class="muted indicator-none">{locale.t("sensing.indicators.none")}</p> }.into_any();
    }
    view! {
        <ul class="indicator-tiles" data-testid="indicator-tiles">
            {tiles.into_iter().map(|tile| view! { <Tile locale tile /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Tile(locale: Locale, tile: IndicatorTile) -> impl IntoView {
    let trend = tile.trend().map(|trend| match trend {
        Trend::Up => ("▲", "trend-up", locale.t("sensing.indicators.trend_up")),
        Trend::Down => ("▼", "trend-down", locale.t("sensing.indicators.trend_down")),
        Trend::Flat => ("—", "trend-flat", locale.t("sensing.indicators.trend_flat")),
    });
    let line = sparkline(&tile.points, SPARK_WIDTH, SPARK_HEIGHT);
    let value = tile.value.map(format_value);
    let updated = tile.at.map(|at| locale.tf("sensing.indicators.updated", &[("time", time(at))]));
    let severity = tile.severity;
    view! {
        <li
            class=format!("indicator-tile {}", severity_class(severity))
            data-indicator=tile.name.clone()
            data-severity=severity.as_str()
        >
            <p class="indicator-name">{tile.name.clone()}</p>
            <p class="indicator-value">
                {match value {
                    Some(value) => view! {
                        <span class="indicator-number" data-value=value.clone()>{value.clone()}</span>
                        <span class="indicator-unit">{tile.unit.clone()}</span>
                    }
                    .into_any(),
                    None => view! { <span class="indicator-number is-empty">{locale.t("sensing.indicators.no_value")}</span> }.into_any(),
                }}
                {trend.map(|(arrow, class, label)| view! {
                    <span class=format!("indicator-trend {class}") title=label.clone() aria-label=label>{arrow}</span>
                })}
            </p>
            {(!line.is_empty()).then(|| {
                let label = locale.t("sensing.indicators.sparkline");
                view! {
                    <svg
                        class="indicator-spark"
                        viewBox=format!("0 0 {SPARK_WIDTH} {SPARK_HEIGHT}")
                        preserveAspectRatio="none"
                        role="img"
                        aria-label=label
                    >
                        <polyline points=line fill="none" vector-effect="non-scaling-stroke" />
                    </svg>
                }
            })}
            <p class="indicator-meta">
                {severity_label(locale, severity)}
                {updated.map(|text| view! { <span>{text}</span> })}
            </p>
        </li>
    }
}

fn severity_label(locale: Locale, severity: Severity) -> Option<impl IntoView> {
    (severity != Severity::Normal).then(|| {
        view! { <span class=format!("indicator-flag {}", severity_class(severity))>{locale.t(severity.i18n_key())}</span> }
    })
}

/// The alarms open now, newest first: one line each (severity, name and what, value, since
/// when), the event it became below it.
#[component]
pub fn LiveAlarms(alarms: Vec<LiveAlarm>) -> impl IntoView {
    let locale = use_locale();
    if alarms.is_empty() {
        return view! { <p class="muted live-alarms-none">{locale.t("sensing.indicators.none_alarms")}</p> }.into_any();
    }
    view! {
        <ul class="live-alarms" data-testid="live-alarms">
            {alarms
                .into_iter()
                .map(|alarm| {
                    let what = match &alarm.origin {
                        AlarmOrigin::Station { measurand, .. } => locale.t(measurand.i18n_key()),
                        AlarmOrigin::Indicator { .. } => locale.t("sensing.indicators.indicator"),
                    };
                    let since = locale.tf("sensing.indicators.since", &[("time", time(alarm.opened_at))]);
                    view! {
                        <li class=format!("live-alarm {}", severity_class(alarm.severity)) data-alarm=alarm.name.clone()>
                            <span class=format!("indicator-flag {}", severity_class(alarm.severity))>
                                {locale.t(alarm.severity.i18n_key())}
                            </span>
                            <span class="live-alarm-name">
                                {alarm.name.clone()}
                                <span class="live-alarm-what">{what}</span>
                            </span>
                            <span class="live-alarm-value">{format!("{} {}", format_value(alarm.value), alarm.unit)}</span>
                            <span class="live-alarm-since">{since}</span>
                            {alarm.event.map(|(id, number)| view! { <a class="live-alarm-event" href=format!("/events/{id}")>{number}</a> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

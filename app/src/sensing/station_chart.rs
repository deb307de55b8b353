//! 监测曲线 on a station's page (`/m/sensing/stations/<id>`): each measurand over the last
//! day, week or month — the mean as a line, each period's lowest to highest as a band, the
//! station's rule levels dashed. The span is a link (`?span=week`), so the page works
//! without JavaScript.

use leptos::prelude::*;
use shared::sensing::chart::{ChartLine, Span, StationChart};
use shared::sensing::situation::format_value;
use shared::sensing::threshold::Severity;

use super::api::read_station_chart;
use crate::components::ErrorAlert;
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

/// The drawing box of one chart (the SVG scales it to the card).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;

#[component]
pub fn StationChartPanel(station: i64) -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let span = move || query.read().get("span").and_then(|code| Span::parse(&code)).unwrap_or(Span::Day);
    let chart = resource(move || (station, span()), |(station, span)| read_station_chart(station, span));
    view! {
        <section class="card station-chart" aria-labelledby="station-chart-title" data-testid="station-chart">
            <h2 class="card-title" id="station-chart-title">{locale.t("sensing.chart.title")}</h2>
            <nav class="tabs" aria-label=locale.t("sensing.chart.title")>
                {Span::ALL
                    .iter()
                    .map(|choice| {
                        let choice = *choice;
                        view! {
                            <a
                                class="tab"
                                href=format!("?span={}", choice.as_str())
                                aria-current=move || (span() == choice).then_some("page")
                                data-span=choice.as_str()
                            >
                                {locale.t(choice.i18n_key())}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match chart.await {
                        Ok(chart) => view! { <Charts chart /> }.into_any(),
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Charts(chart: StationChart) -> impl IntoView {
    let locale = use_locale();
    if chart.lines.iter().all(|line| line.points.is_empty()) {
        return view! { <p class="muted">{locale.t("sensing.chart.none")}</p> }.into_any();
    }
    let (from, to) = (chart.from, chart.to);
    let stamp = move |at: chrono::DateTime<chrono::Utc>| {
        let format = if chart.span == Span::Day { "%H:%M" } else { "%m-%d %H:%M" };
        shared::time::local(at).format(format).to_string()
    };
    view! {
        <div class="station-charts">
            {chart
                .lines
                .into_iter()
                .map(|line| view! { <Chart locale line from=stamp(from) to=stamp(to) span=(chart.from, chart.to) /> })
                .collect_view()}
        </div>
        <p class="muted chart-note">{locale.t("sensing.chart.band")}</p>
    }
    .into_any()
}

#[component]
fn Chart(
    locale: Locale,
    line: ChartLine,
    from: String,
    to: String,
    span: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
) -> impl IntoView {
    let measurand = locale.t(line.measurand.i18n_key());
    let unit = line.measurand.unit();
    let plot = line.plot(span.0, span.1, WIDTH, HEIGHT);
    let aria = locale
        .tf("sensing.chart.aria", &[("measurand", measurand.clone()), ("from", from.clone()), ("to", to.clone())]);
    let summary = line.summary().map(|(latest, low, high)| {
        view! {
            <span>{format!("{} {} {unit}", locale.t("sensing.chart.latest"), format_value(latest))}</span>
            <span>{format!("{} {}–{} {unit}", locale.t("sensing.chart.range"), format_value(low), format_value(high))}</span>
        }
    });
    view! {
        <figure class="station-chart-one" data-measurand=line.measurand.as_str() data-points=line.points.len()>
            <figcaption>
                <strong>{format!("{measurand}（{unit}）")}</strong>
                {summary}
            </figcaption>
            <div class="station-chart-plot">
                <span class="chart-axis chart-high">{format_value(plot.high)}</span>
                <span class="chart-axis chart-low">{format_value(plot.low)}</span>
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=aria>
                    <path class="chart-band" d=plot.band />
                    <polyline class="chart-line" points=plot.line fill="none" vector-effect="non-scaling-stroke" />
                    {plot
                        .levels
                        .into_iter()
                        .map(|(severity, level, y)| {
                            let class = match severity {
                                Severity::Alarm => "chart-level is-alarm",
                                _ => "chart-level is-warning",
                            };
                            view! {
                                <line class=class x1="0" x2=WIDTH y1=y y2=y vector-effect="non-scaling-stroke">
                                    <title>{format!("{} {} {unit}", locale.t(severity.i18n_key()), format_value(level))}</title>
                                </line>
                            }
                        })
                        .collect_view()}
                </svg>
            </div>
            <p class="chart-times">
                <span>{from}</span>
                <span>{to}</span>
            </p>
        </figure>
    }
}

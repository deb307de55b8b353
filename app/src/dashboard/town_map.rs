//! The township drawn from our own vector layers (villages, grids, roads, water) as SVG:
//! no tile server needed, works without JavaScript, sharp on a 4K wall. On the wall, the
//! grids are shaded by their open events and the monitoring stations marked by their alarms.

use leptos::prelude::*;
use shared::basedata::MapLayers;
use shared::sensing::situation::{StationMarker, load_class};
use shared::sensing::threshold::Severity;

const VILLAGE_FILLS: [&str; 10] =
    ["#dbe8fb", "#e3f1e4", "#fdf1d8", "#f3e3f5", "#e0f2f1", "#fde7e1", "#e8eaf6", "#f1f8e9", "#fff3e0", "#e1f5fe"];

#[component]
pub fn TownMap(
    layers: MapLayers,
    #[prop(into)] label: String,
    #[prop(optional)] dark: bool,
    /// Stations to mark (the wall's).
    #[prop(optional)]
    stations: Vec<StationMarker>,
    /// Open events by grid, to shade the grids by (the wall's).
    #[prop(optional)]
    open_by_grid: Vec<(i32, i64)>,
) -> impl IntoView {
    // Labels about 1/40 of the map's width: readable on a card and on a wall.
    // (An inline style, because the stylesheet's font-size would beat an SVG attribute.)
    let font = format!("font-size: {:.0}px", layers.width / 40.0);
    let most = open_by_grid.iter().map(|(_, open)| *open).max().unwrap_or(0);
    let load = move |grid: i32| {
        let open = open_by_grid.iter().find(|(id, _)| *id == grid).map_or(0, |(_, open)| *open);
        (open, load_class(open, most))
    };
    let radius = format!("{:.1}", layers.width / 110.0);
    let plane = layers.plane;
    view! {
        <figure class=if dark { "town-map screen-map" } else { "town-map" }>
            <svg viewBox=layers.view_box.clone() role="img" aria-label=label.clone() preserveAspectRatio="xMidYMid meet">
                <title>{label.clone()}</title>
                <g>
                    <path class="map-township" d=layers.township.clone() vector-effect="non-scaling-stroke" />
                    {layers
                        .villages
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            // The dark big screen colours villages from its own stylesheet palette.
                            let fill = (!dark).then(|| format!("--fill: {}", VILLAGE_FILLS[i % VILLAGE_FILLS.len()]));
                            view! {
                                <path class="map-village" d=v.path.clone() style=fill vector-effect="non-scaling-stroke">
                                    <title>{v.name.clone()}</title>
                                </path>
                            }
                        })
                        .collect_view()}
                    {layers
                        .grids
                        .iter()
                        .map(|g| {
                            let (open, class) = load(g.id);
                            view! {
                                <path class=format!("map-grid load-{class}") d=g.path.clone() data-open=open vector-effect="non-scaling-stroke">
                                    <title>{format!("{} · {open}", g.name)}</title>
                                </path>
                            }
                        })
                        .collect_view()}
                    {layers
                        .water
                        .iter()
                        .map(|w| view! { <path class="map-water" d=w.path.clone() vector-effect="non-scaling-stroke"><title>{w.name.clone()}</title></path> })
                        .collect_view()}
                    {layers
                        .roads
                        .iter()
                        .map(|r| view! { <path class="map-road" d=r.path.clone() vector-effect="non-scaling-stroke"><title>{r.name.clone()}</title></path> })
                        .collect_view()}
                </g>
                <g>
                    {stations
                        .into_iter()
                        .map(|station| {
                            let (x, y) = plane.point(station.lon, station.lat);
                            let state = match (station.in_service, station.severity) {
                                (false, _) => "is-retired",
                                (true, Severity::Alarm) => "is-alarm",
                                (true, Severity::Warning) => "is-warning",
                                (true, Severity::Normal) => "is-normal",
                            };
                            view! {
                                <circle
                                    class=format!("map-station {state}")
                                    cx=format!("{x:.1}")
                                    cy=format!("{y:.1}")
                                    r=radius.clone()
                                    data-station=station.name.clone()
                                    vector-effect="non-scaling-stroke"
                                >
                                    <title>{station.name.clone()}</title>
                                </circle>
                            }
                        })
                        .collect_view()}
                </g>
                {layers
                    .villages
                    .iter()
                    .map(|v| {
                        view! {
                            <text
                                class="map-label"
                                x=format!("{:.1}", v.label_x)
                                y=format!("{:.1}", v.label_y)
                                style=font.clone()
                                text-anchor="middle"
                            >
                                {v.name.clone()}
                            </text>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}

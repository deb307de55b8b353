//! The township drawn from our own vector layers (villages, grids, roads, water) as SVG:
//! no tile server needed, works without JavaScript, sharp on a 4K wall.

use leptos::prelude::*;
use shared::basedata::MapLayers;

const VILLAGE_FILLS: [&str; 10] =
    ["#dbe8fb", "#e3f1e4", "#fdf1d8", "#f3e3f5", "#e0f2f1", "#fde7e1", "#e8eaf6", "#f1f8e9", "#fff3e0", "#e1f5fe"];

#[component]
pub fn TownMap(layers: MapLayers, #[prop(into)] label: String, #[prop(optional)] dark: bool) -> impl IntoView {
    // Labels about 1/40 of the map's width: readable on a card and on a wall.
    // (An inline style, because the stylesheet's font-size would beat an SVG attribute.)
    let font = format!("font-size: {:.0}px", layers.width / 40.0);
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
                        .map(|g| view! { <path class="map-grid" d=g.path.clone() vector-effect="non-scaling-stroke" /> })
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

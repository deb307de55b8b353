//! `/m/<module>/<register>/map`: a register with a map layer, its records on the township's
//! map — the records the list's filters select (the list's query is carried in the URL),
//! clustered when zoomed out if the layer declares so, coloured by workflow state; a click
//! opens the record. The
//! count says how many are drawn and whether the layer's limit left some out.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::engine::{ListQuery, RegisterMap};

use super::api::map_layer;
use super::header::Header;
use super::list_page::{href, use_list_query};
use super::{Meta, record_path};
use crate::components::ErrorAlert;
use crate::i18n::use_locale;
use crate::map::{LeafletMap, MapPin};
use crate::wire::resource;

/// Pin colours by the state's place in the workflow (the first states blue, the last grey).
const STATE_COLOURS: [&str; 8] =
    ["#1f6feb", "#d97706", "#7c3aed", "#059669", "#db2777", "#0891b2", "#65a30d", "#6b7280"];

#[component]
pub fn MapPage(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let query = use_list_query(meta.clone());
    let layer = {
        let (module, name) = (meta.module.clone(), meta.name.clone());
        resource(move || query.get(), move |query| map_layer(module.clone(), name.clone(), query))
    };
    let geo = resource(|| (), |_| crate::basedata::api::get_map_geo());
    let list = {
        let path = meta.path();
        move || format!("{path}{}", href(&ListQuery { after: None, ..query.get() }))
    };
    let navigate = use_navigate();
    let on_select = {
        let meta = meta.clone();
        Callback::new(move |id: i64| navigate(&record_path(&meta, id), Default::default()))
    };
    let heading = locale.t("engine.map.title");
    view! {
        <Header meta=meta.clone() heading>
            <a class="btn btn-ghost" href=list data-testid="engine-map-list">{locale.t("engine.map.list")}</a>
        </Header>
        <section class="card">
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let meta = meta.clone();
                    Suspend::new(async move {
                        let (geo, layer) = match (geo.await, layer.await) {
                            (Ok(geo), Ok(layer)) => (geo, layer),
                            (Err(error), _) | (_, Err(error)) => return view! { <ErrorAlert error /> }.into_any(),
                        };
                        let RegisterMap { points, more, cluster } = layer;
                        let count = locale.tf("engine.map.count", &[("n", points.len().to_string())]);
                        let pins: Vec<MapPin> = points
                            .into_iter()
                            .map(|point| {
                                let index = point
                                    .state
                                    .as_deref()
                                    .and_then(|state| meta.states.iter().position(|s| s.code == state))
                                    .unwrap_or(0);
                                let title = match point.state.as_deref() {
                                    Some(state) => format!("{} · {}", point.label, meta.state_label(state)),
                                    None => point.label,
                                };
                                MapPin {
                                    id: point.id,
                                    lat: point.lat,
                                    lng: point.lng,
                                    color: STATE_COLOURS[index.min(STATE_COLOURS.len() - 1)].to_owned(),
                                    radius: 7.0,
                                    title,
                                    href: None,
                                    clustered: cluster,
                                }
                            })
                            .collect();
                        let label = format!("{} · {}", meta.title, locale.t("engine.map.title"));
                        let legend = (!meta.states.is_empty()).then(|| {
                            let items = meta
                                .states
                                .iter()
                                .enumerate()
                                .map(|(index, state)| {
                                    let colour = STATE_COLOURS[index.min(STATE_COLOURS.len() - 1)];
                                    view! {
                                        <li>
                                            <span class="swatch" style=format!("background: {colour}") aria-hidden="true"></span>
                                            {state.label.clone()}
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <ul class="legend" aria-label=locale.t("engine.column.state")>{items}</ul> }
                        });
                        view! {
                            <p class="muted" data-testid="engine-map-count" aria-live="polite">
                                {count}
                                {more.then(|| view! { " " <span class="badge badge-warn">{locale.t("engine.map.more")}</span> })}
                            </p>
                            <LeafletMap geo pins=Signal::stored(pins) on_select label class="engine-map" />
                            {legend}
                        }
                        .into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}

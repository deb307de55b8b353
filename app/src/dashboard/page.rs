//! `/`: the dashboard — head counts, the vital-sign indicators of the big screen (following
//! the live channel), the town map and the make-up of people and economy.

use leptos::prelude::*;

use super::api::{get_map, get_overview, get_register_counters};
use super::bar_chart::format_number;
use super::{BarChart, TownMap};
use crate::components::{ErrorAlert, PageHeader};
use crate::events::live::use_situation_live;
use crate::i18n::use_locale;
use crate::sensing::IndicatorTiles;
use crate::sensing::api::read_situation;
use crate::wire::resource;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let overview = resource(|| (), |_| get_overview());
    let map = resource(|| (), |_| get_map());
    let counters = resource(|| (), |_| get_register_counters());
    let live = use_situation_live();
    let situation = resource(move || live.get(), |_| read_situation(true));
    view! {
        <PageHeader title="nav.dashboard" description="dashboard.description" />
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(o) => {
                        let stats = [
                            ("dashboard.villages", o.villages, "accent-blue"),
                            ("dashboard.grids", o.grids, "accent-blue"),
                            ("dashboard.residents", o.residents, "accent-green"),
                            ("dashboard.houses", o.houses, "accent-green"),
                            ("dashboard.enterprises", o.enterprises, "accent-amber"),
                            ("dashboard.employees", o.employees, "accent-amber"),
                        ];
                        view! {
                            <section class="stat-grid" aria-label=locale.t("dashboard.stats")>
                                {stats
                                    .into_iter()
                                    .map(|(key, value, accent)| {
                                        view! {
                                            <div class=format!("stat-card {accent}")>
                                                <p class="stat-label">{locale.t(key)}</p>
                                                <p class="stat-value">{format_number(value)}</p>
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </section>
                            <Suspense>
                                {move || Suspend::new(async move {
                                    // The wall's indicators, for who may view them; nothing otherwise.
                                    let tiles = situation.await.ok().map(|s| s.tiles).filter(|tiles| !tiles.is_empty())?;
                                    Some(view! {
                                        <section class="card" aria-labelledby="indicators-title" data-testid="dashboard-indicators">
                                            <h2 class="card-title" id="indicators-title">{locale.t("sensing.indicators.title")}</h2>
                                            <IndicatorTiles tiles />
                                        </section>
                                    })
                                })}
                            </Suspense>
                            <div class="card-grid dashboard-grid">
                                <section class="card map-card" aria-labelledby="map-title">
                                    <h2 class="card-title" id="map-title">{locale.t("dashboard.map")}</h2>
                                    <Suspense>
                                        {move || Suspend::new(async move {
                                            map.await.ok().map(|layers| view! { <TownMap layers label=locale.t("dashboard.map") /> })
                                        })}
                                    </Suspense>
                                    <p class="legend">
                                        <span class="legend-item"><span class="legend-swatch swatch-village"></span>{locale.t("map.village")}</span>
                                        <span class="legend-item"><span class="legend-swatch swatch-grid"></span>{locale.t("map.grid")}</span>
                                        <span class="legend-item"><span class="legend-swatch swatch-road"></span>{locale.t("map.road")}</span>
                                        <span class="legend-item"><span class="legend-swatch swatch-water"></span>{locale.t("map.water")}</span>
                                    </p>
                                </section>
                                <section class="card registers-card" aria-labelledby="registers-title" data-testid="register-counters">
                                    <h2 class="card-title" id="registers-title">{locale.t("dashboard.registers")}</h2>
                                    <Suspense>
                                        {move || Suspend::new(async move {
                                            counters.await.ok().map(|counters| view! { <RegisterCounters counters /> })
                                        })}
                                    </Suspense>
                                </section>
                                <section class="card" aria-labelledby="pop-title">
                                    <h2 class="card-title" id="pop-title">{locale.t("dashboard.population_by_village")}</h2>
                                    <BarChart label=locale.t("dashboard.population_by_village") rows=o.population_by_village.clone() />
                                </section>
                                <section class="card" aria-labelledby="age-title">
                                    <h2 class="card-title" id="age-title">{locale.t("dashboard.age_bands")}</h2>
                                    <BarChart label=locale.t("dashboard.age_bands") rows=o.age_bands.clone() />
                                </section>
                                <section class="card" aria-labelledby="industry-title">
                                    <h2 class="card-title" id="industry-title">{locale.t("dashboard.enterprises_by_industry")}</h2>
                                    <BarChart label=locale.t("dashboard.enterprises_by_industry") rows=o.enterprises_by_industry.clone() />
                                </section>
                            </div>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The registers' declared figures, by module; each opens the list it counts.
#[component]
fn RegisterCounters(counters: Vec<shared::engine::RegisterCounter>) -> impl IntoView {
    let locale = use_locale();
    if counters.is_empty() {
        return view! { <p class="muted">{locale.t("dashboard.registers_none")}</p> }.into_any();
    }
    let mut modules: Vec<(String, Vec<shared::engine::RegisterCounter>)> = Vec::new();
    for counter in counters {
        match modules.last_mut() {
            Some((title, list)) if *title == counter.module_title => list.push(counter),
            _ => modules.push((counter.module_title.clone(), vec![counter])),
        }
    }
    modules
        .into_iter()
        .map(|(title, list)| {
            view! {
                <h3 class="counter-module">{title}</h3>
                <ul class="counter-tiles">
                    {list
                        .into_iter()
                        .map(|counter| {
                            let value = counter.value.parse::<i64>().map(format_number).unwrap_or(counter.value.clone());
                            view! {
                                <li>
                                    <a class="counter-tile" class:counter-alert=counter.alert href=counter.href.clone()
                                        data-counter=format!("{}.{}", counter.register, counter.label)>
                                        <span class="counter-value">{value}</span>
                                        <span class="counter-label">{counter.label.clone()}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })
        .collect_view()
        .into_any()
}

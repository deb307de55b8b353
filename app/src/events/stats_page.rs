//! `/events/stats` (R-3.2-eval): volumes, on-time rate, handling times and satisfaction,
//! grouped by category, department, village, grid or month, for exactly the events the
//! filter in the URL selects. Every group links to its events in the inbox; the table and
//! the events themselves can be downloaded as shown.

use chrono::{Months, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use shared::AppError;
use shared::events::{EventFilter, Stats, StatsDimension, StatsRow};

use super::api::{EventChoices, event_options, get_stats};
use crate::components::{Choice, ErrorAlert, PageHeader, Select};
use crate::dashboard::{BarChart, format_number};
use crate::i18n::{Locale, use_locale};
use crate::wire::{Data, resource};

#[component]
pub fn StatsPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let filter = Memo::new(move |_| {
        let params = params.read();
        EventFilter::from_query(|key| params.get(key))
    });
    let by = Memo::new(move |_| StatsDimension::parse(&params.read().get("by").unwrap_or_default()));
    let stats = resource(move || (filter.get(), by.get()), |(filter, by)| get_stats(filter, by));
    let options = resource(|| (), |_| event_options());
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <PageHeader title="nav.event_stats" section="nav.section.events" description="stats.description">
            {move || {
                let query = filter.get().to_query();
                let by = by.get().as_str();
                let sep = if query.is_empty() { "" } else { "&" };
                view! {
                    <a class="btn btn-ghost" href=format!("/api/events/stats.xlsx?{query}{sep}by={by}") download rel="external">
                        {locale.t("stats.export_stats")}
                    </a>
                    <a class="btn btn-ghost" href=format!("/api/events/export.csv?{query}") download rel="external">
                        {locale.t("stats.export_csv")}
                    </a>
                    <a class="btn btn-ghost" href=format!("/api/events/export.xlsx?{query}") download rel="external">
                        {locale.t("stats.export_xlsx")}
                    </a>
                }
            }}
        </PageHeader>
        <section class="card" aria-labelledby="stats-filter-title">
            <h2 class="visually-hidden" id="stats-filter-title">{locale.t("stats.filter")}</h2>
            <Form method="GET" action="/events/stats" attr:class="table-toolbar" attr:role="search">
                <div class="field">
                    <label for="stats-from">{locale.t("stats.from")}</label>
                    <input id="stats-from" name="from" type="date" value=move || date(filter.get().from) />
                </div>
                <div class="field">
                    <label for="stats-to">{locale.t("stats.to")}</label>
                    <input id="stats-to" name="to" type="date" value=move || date(filter.get().to) />
                </div>
                <IdFilter id="stats-category" name="category" label="stats.category" options filter list={|o| o.categories.iter().filter(|c| c.parent_id.is_none()).map(|c| (c.id, c.name.clone())).collect()} chosen={|f| f.category_id} />
                <IdFilter id="stats-village" name="village" label="stats.village" options filter list={|o| o.villages.iter().map(|v| (v.id, v.name.clone())).collect()} chosen={|f| f.village_id} />
                <IdFilter id="stats-department" name="department" label="stats.department" options filter list={|o| o.departments.iter().map(|d| (d.id, d.name.clone())).collect()} chosen={|f| f.department_id} />
                <div class="field">
                    <label for="stats-by">{locale.t("stats.group_by")}</label>
                    <Select
                        id="stats-by"
                        name="by"
                        choices={StatsDimension::ALL
                            .into_iter()
                            .map(|d| Choice::new(d.as_str(), locale.t(&format!("stats.by.{}", d.as_str()))))
                            .collect::<Vec<_>>()}
                        selected=move || by.get().as_str().to_owned()
                    />
                </div>
                <button class="btn btn-primary" type="submit">{locale.t("stats.apply")}</button>
            </Form>
            <p class="muted stats-scope">{locale.t("stats.scope_hint")}</p>
        </section>
        <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match stats.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(stats) => view! { <StatsView stats filter=filter.get_untracked() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A share as a percentage with one decimal, or a dash.
fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn hours(locale: Locale, value: Option<f64>) -> String {
    value.map(|h| locale.tf("stats.hours_value", &[("n", format!("{h:.1}"))])).unwrap_or_else(|| "—".into())
}

fn satisfaction(value: Option<f64>) -> String {
    value.map(|s| format!("{s:.1}/5")).unwrap_or_else(|| "—".into())
}

/// The id of a group of the table (a category, department, village or grid).
fn drill_id(drill: &str) -> Option<i32> {
    drill.trim().parse::<i32>().ok().filter(|id| *id > 0)
}

/// One of the filter's drop-downs of ids ("all" first), filled once the choices are in.
#[component]
fn IdFilter(
    id: &'static str,
    name: &'static str,
    /// Translation key of the label.
    label: &'static str,
    options: Resource<Result<EventChoices, AppError>, Data>,
    filter: Memo<EventFilter>,
    /// The ids and names to offer.
    list: fn(&EventChoices) -> Vec<(i32, String)>,
    /// The id the filter holds now.
    chosen: fn(&EventFilter) -> Option<i32>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="field">
            <label for=id>{locale.t(label)}</label>
            <Suspense fallback=move || view! { <Select id name choices={Vec::<Choice>::new()} disabled=true /> }>
                {move || Suspend::new(async move {
                    let options = options.await.unwrap_or_default();
                    let choices: Vec<Choice> = std::iter::once(Choice::empty(locale.t("stats.all")))
                        .chain(list(&options).into_iter().map(|(id, name)| Choice::new(id, name)))
                        .collect();
                    let selected = move || filter.with(chosen).map(|id| id.to_string()).unwrap_or_default();
                    view! { <Select id name choices selected /> }
                })}
            </Suspense>
        </div>
    }
}

/// The inbox's filter for one group of the table: the page's filter narrowed to the group.
fn drill_filter(filter: &EventFilter, by: StatsDimension, drill: &str) -> Option<EventFilter> {
    let mut filter = EventFilter { page: 1, ..filter.clone() };
    match by {
        StatsDimension::Month => {
            let first = NaiveDate::parse_from_str(&format!("{drill}-01"), "%Y-%m-%d").ok()?;
            let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
            filter.from = Some(filter.from.map_or(first, |from| from.max(first)));
            filter.to = Some(filter.to.map_or(last, |to| to.min(last)));
        }
        StatsDimension::Category => filter.category_id = Some(drill_id(drill)?),
        StatsDimension::Department => filter.department_id = Some(drill_id(drill)?),
        StatsDimension::Village => filter.village_id = Some(drill_id(drill)?),
        StatsDimension::Grid => filter.grid_id = Some(drill_id(drill)?),
    }
    Some(filter)
}

#[component]
fn StatsView(stats: Stats, filter: EventFilter) -> impl IntoView {
    let locale = use_locale();
    let by = stats.dimension;
    let total = stats.total.clone();
    let tiles = [
        ("stats.kpi.reported", format_number(total.reported), None, "accent-blue"),
        ("stats.kpi.closed", format_number(total.closed), None, "accent-green"),
        (
            "stats.kpi.on_time_rate",
            percent(total.on_time_rate()),
            Some(locale.tf("stats.kpi.on_time_of", &[("n", format_number(total.on_time))])),
            "accent-green",
        ),
        ("stats.kpi.avg_hours", hours(locale, total.avg_hours), None, "accent-blue"),
        ("stats.kpi.p90_hours", hours(locale, total.p90_hours), None, "accent-blue"),
        (
            "stats.kpi.satisfaction",
            satisfaction(total.satisfaction),
            Some(locale.tf("stats.kpi.rated", &[("n", format_number(total.rated))])),
            "accent-amber",
        ),
        ("stats.kpi.overdue_open", format_number(total.overdue_open), None, "accent-amber"),
    ];
    let chart: Vec<(String, i64)> = stats.rows.iter().map(|r| (r.key.clone(), r.reported)).collect();
    let dimension = locale.t(&format!("stats.by.{}", by.as_str()));
    let chart_title = locale.tf("stats.chart_title", &[("by", dimension.clone())]);
    let table_title = locale.tf("stats.table_title", &[("by", dimension.clone())]);
    view! {
        <section class="stat-grid" aria-label=locale.t("stats.kpi.title")>
            {tiles
                .into_iter()
                .map(|(label, value, sub, accent)| {
                    view! {
                        <div class=format!("stat-card {accent}")>
                            <p class="stat-label">{locale.t(label)}</p>
                            <p class="stat-value">{value}</p>
                            {sub.map(|s| view! { <p class="stat-sub">{s}</p> })}
                        </div>
                    }
                })
                .collect_view()}
        </section>
        <section class="card" aria-labelledby="stats-chart-title">
            <h2 class="card-title" id="stats-chart-title">{chart_title.clone()}</h2>
            {if chart.is_empty() {
                view! { <p class="muted">{locale.t("table.empty")}</p> }.into_any()
            } else {
                view! { <BarChart label=chart_title rows=chart /> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="stats-table-title">
            <h2 class="card-title" id="stats-table-title">{table_title.clone()}</h2>
            <p class="muted">{locale.t("stats.drill_hint")}</p>
            <div class="table-wrap">
                <table class="data-table stack-mobile stats-table">
                    <caption class="visually-hidden">{table_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{dimension.clone()}</th>
                            <th scope="col" class="num">{locale.t("stats.col.reported")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.closed")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.on_time")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.on_time_rate")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.overdue_open")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.avg_hours")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.p90_hours")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.satisfaction")}</th>
                            <th scope="col" class="num">{locale.t("stats.col.rated")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {stats.rows.is_empty().then(|| view! { <tr><td class="table-empty" colspan="10">{locale.t("table.empty")}</td></tr> })}
                        {stats
                            .rows
                            .into_iter()
                            .map(|row| {
                                let href = drill_filter(&filter, by, &row.drill).map(|f| format!("/events?{}", f.to_query()));
                                view! { <StatsRowView row href dimension=dimension.clone() total=false /> }
                            })
                            .collect_view()}
                        <StatsRowView row=stats.total href=None dimension=dimension.clone() total=true />
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn StatsRowView(row: StatsRow, href: Option<String>, dimension: String, total: bool) -> impl IntoView {
    let locale = use_locale();
    let name = if total { locale.t("stats.total") } else { row.key.clone() };
    let name = match href {
        Some(href) => view! {
            <a href=href aria-label=locale.tf("stats.drill_label", &[("name", name.clone())])>{name.clone()}</a>
        }
        .into_any(),
        None if total => view! { <strong>{name}</strong> }.into_any(),
        None => view! { <span>{name}</span> }.into_any(),
    };
    let hours = |value: Option<f64>| value.map(|h| format!("{h:.1}")).unwrap_or_else(|| "—".into());
    view! {
        <tr class:stats-total-row=total>
            <td data-label=dimension>{name}</td>
            <td class="num" data-label=locale.t("stats.col.reported")>{format_number(row.reported)}</td>
            <td class="num" data-label=locale.t("stats.col.closed")>{format_number(row.closed)}</td>
            <td class="num" data-label=locale.t("stats.col.on_time")>{format_number(row.on_time)}</td>
            <td class="num" data-label=locale.t("stats.col.on_time_rate")>{percent(row.on_time_rate())}</td>
            <td class="num" data-label=locale.t("stats.col.overdue_open")>
                {if row.overdue_open > 0 {
                    view! { <span class="badge badge-danger">{format_number(row.overdue_open)}</span> }.into_any()
                } else {
                    view! { <span>"0"</span> }.into_any()
                }}
            </td>
            <td class="num" data-label=locale.t("stats.col.avg_hours")>{hours(row.avg_hours)}</td>
            <td class="num" data-label=locale.t("stats.col.p90_hours")>{hours(row.p90_hours)}</td>
            <td class="num" data-label=locale.t("stats.col.satisfaction")>{satisfaction(row.satisfaction)}</td>
            <td class="num" data-label=locale.t("stats.col.rated")>{format_number(row.rated)}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn a_month_drills_to_its_days_within_the_filter() {
        let filter = EventFilter { from: date("2026-02-10"), ..EventFilter::default() };
        let drilled = drill_filter(&filter, StatsDimension::Month, "2026-02").unwrap();
        assert_eq!(drilled.from, date("2026-02-10"));
        assert_eq!(drilled.to, date("2026-02-28"));
        let december = drill_filter(&EventFilter::default(), StatsDimension::Month, "2025-12").unwrap();
        assert_eq!((december.from, december.to), (date("2025-12-01"), date("2025-12-31")));
    }

    #[test]
    fn a_group_drills_by_its_id() {
        let filter = EventFilter { village_id: Some(2), ..EventFilter::default() };
        let drilled = drill_filter(&filter, StatsDimension::Grid, "17").unwrap();
        assert_eq!((drilled.village_id, drilled.grid_id), (Some(2), Some(17)));
        assert_eq!(drill_filter(&filter, StatsDimension::Department, "").map(|f| f.department_id), None);
    }
}

//! `/m/<module>/<register>/stats`: the records the list's filters select, counted — and
//! summed by a number field — per choice, state, village, month or year, as a chart and a
//! table. Each group links to the list of exactly its records (where the list filters so).
//! The query lives in the URL (`?by=…&sum=…` beside the list's own), so the form is a plain
//! GET form and a link shares the figures as they are.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use shared::engine::{FieldKind, ListQuery, RegisterStats, StatsFigures, StatsGroup, StatsQuery};

use super::Meta;
use super::api::read_stats;
use super::header::Header;
use super::list_page::{href, use_list_query};
use super::texts::yuan;
use crate::components::{Choice, ErrorAlert, Select};
use crate::dashboard::format_number;
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

#[component]
pub fn StatsPage(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let list = use_list_query(meta.clone());
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let params = params.read();
        StatsQuery {
            list: ListQuery { after: None, ..list.get() },
            by: params.get("by").unwrap_or_default(),
            sum: params.get("sum").unwrap_or_default(),
        }
    });
    let stats = {
        let (module, name) = (meta.module.clone(), meta.name.clone());
        resource(move || query.get(), move |query| read_stats(module.clone(), name.clone(), query))
    };
    let list_link = {
        let path = meta.path();
        move || format!("{path}{}", href(&list.get()))
    };
    view! {
        <Header meta=meta.clone() heading=locale.t("engine.stats.title")>
            <a class="btn btn-ghost" href=list_link data-testid="engine-stats-list">{locale.t("engine.map.list")}</a>
        </Header>
        <section class="card">
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let meta = meta.clone();
                    Suspend::new(async move {
                        match stats.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(stats) => view! { <Figures meta list=list.get_untracked() stats /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// The form choosing the grouping and the sum, the chart and the table.
#[component]
fn Figures(meta: Meta, list: ListQuery, stats: RegisterStats) -> impl IntoView {
    let locale = use_locale();
    if stats.dimensions.is_empty() {
        return view! { <p class="muted">{locale.t("engine.stats.nothing")}</p> }.into_any();
    }
    let money =
        stats.sum.as_deref().is_some_and(|sum| meta.field(sum).is_some_and(|f| matches!(f.kind, FieldKind::Money)));
    let show_sum = move |figures: &StatsFigures| figures.sum.as_deref().map(|sum| sum_text(sum, money));
    let by_label = stats.dimensions.iter().find(|d| d.key == stats.by).map(|d| d.label.clone()).unwrap_or_default();
    let dimensions: Vec<Choice> =
        stats.dimensions.iter().map(|d| Choice::new(d.key.clone(), d.label.clone())).collect();
    let sums: Vec<Choice> = std::iter::once(Choice::empty(locale.t("engine.stats.count_only")))
        .chain(stats.sums.iter().map(|s| Choice::new(s.key.clone(), s.label.clone())))
        .collect();
    let sum_label =
        stats.sum.as_deref().and_then(|key| stats.sums.iter().find(|s| s.key == key)).map(|s| s.label.clone());
    // The list's own parameters ride along, so the figures stay those of the list's records.
    let carried: Vec<(String, String)> = std::iter::once(("q".to_owned(), list.q.clone()))
        .chain(list.filters.iter().map(|(name, value)| (name.clone(), value.clone())))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let drill = {
        let (path, list) = (meta.path(), list.clone());
        move |group: &StatsGroup| {
            group.drill.as_ref().map(|(filter, value)| {
                let mut query = ListQuery { after: None, ..list.clone() };
                query.filters.insert(filter.clone(), value.clone());
                format!("{path}{}", href(&query))
            })
        }
    };
    // The chart: by the sum when one is asked, else by the count.
    let measure = |figures: &StatsFigures| match &figures.sum {
        Some(sum) => sum.parse::<f64>().unwrap_or(0.0),
        None => figures.count as f64,
    };
    let max = stats.groups.iter().map(|group| measure(&group.figures)).fold(0.0_f64, f64::max).max(1.0);
    let total_count = stats.total.count.max(1) as f64;
    let chart = stats
        .groups
        .iter()
        .map(|group| {
            let width = format!("width: {:.1}%", measure(&group.figures).max(0.0) * 100.0 / max);
            let value = show_sum(&group.figures).unwrap_or_else(|| format_number(group.figures.count));
            view! {
                <li class="bar-row">
                    <GroupLabel label=group.label.clone() href=drill(group) />
                    <span class="bar-track" aria-hidden="true"><span class="bar-fill" style=width></span></span>
                    <span class="bar-value">{value}</span>
                </li>
            }
        })
        .collect_view();
    let (count_label, share_label) = (locale.t("engine.stats.count"), locale.t("engine.stats.share"));
    let rows = stats
        .groups
        .iter()
        .map(|group| {
            let (count_label, share_label, sum_label) = (count_label.clone(), share_label.clone(), sum_label.clone());
            let share = format!("{:.1}%", group.figures.count as f64 * 100.0 / total_count);
            view! {
                <tr>
                    <th scope="row"><GroupLabel label=group.label.clone() href=drill(group) /></th>
                    <td class="num" data-label=count_label>{format_number(group.figures.count)}</td>
                    {show_sum(&group.figures).map(|sum| view! { <td class="num" data-label=sum_label.clone().unwrap_or_default()>{sum}</td> })}
                    <td class="num" data-label=share_label>{share}</td>
                </tr>
            }
        })
        .collect_view();
    let total = summary(locale, &stats.total, sum_label.as_deref(), money);
    view! {
        <Form method="GET" action="" attr:class="table-toolbar" attr:role="search">
            <div class="field">
                <label for="stats-by">{locale.t("engine.stats.by")}</label>
                <Select id="stats-by" name="by" choices=dimensions selected=stats.by.clone() />
            </div>
            {(!stats.sums.is_empty()).then(|| view! {
                <div class="field">
                    <label for="stats-sum">{locale.t("engine.stats.sum")}</label>
                    <Select id="stats-sum" name="sum" choices=sums selected=stats.sum.clone().unwrap_or_default() />
                </div>
            })}
            {carried.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            <button class="btn btn-primary" type="submit">{locale.t("engine.stats.submit")}</button>
        </Form>
        <p class="muted" data-testid="engine-stats-total">{total}</p>
        {stats.more.then(|| view! { <p><span class="badge badge-warn">{locale.t("engine.stats.more")}</span></p> })}
        {if stats.groups.is_empty() {
            view! { <p class="muted">{locale.t("engine.stats.empty")}</p> }.into_any()
        } else {
            view! {
                <div class="stats-grid">
                    <ul class="bar-chart" aria-label=format!("{} · {by_label}", meta.title) data-testid="engine-stats-chart">
                        {chart}
                    </ul>
                    <div class="table-wrap">
                        <table class="data-table stack-mobile" data-testid="engine-stats-table">
                            <thead>
                                <tr>
                                    <th scope="col">{by_label.clone()}</th>
                                    <th scope="col" class="num">{locale.t("engine.stats.count")}</th>
                                    {sum_label.clone().map(|label| view! { <th scope="col" class="num">{label}</th> })}
                                    <th scope="col" class="num">{locale.t("engine.stats.share")}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </div>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// A group's name, a link to the list of its records where there is one.
#[component]
fn GroupLabel(label: String, href: Option<String>) -> impl IntoView {
    match href {
        Some(href) => view! { <a href=href>{label}</a> }.into_any(),
        None => view! { <span>{label}</span> }.into_any(),
    }
}

/// "共 1,234 条 · 合计 ¥5,678.00".
fn summary(locale: Locale, total: &StatsFigures, sum_label: Option<&str>, money: bool) -> String {
    let count = locale.tf("engine.count_exact", &[("n", format_number(total.count))]);
    match (&total.sum, sum_label) {
        (Some(sum), Some(label)) => format!("{count} · {label} {}", sum_text(sum, money)),
        _ => count,
    }
}

/// A sum as the table prints it: yuan for money, thousands grouped for whole numbers.
fn sum_text(sum: &str, money: bool) -> String {
    if money {
        return yuan(sum);
    }
    match sum.parse::<i64>() {
        Ok(whole) => format_number(whole),
        Err(_) => sum.to_owned(),
    }
}

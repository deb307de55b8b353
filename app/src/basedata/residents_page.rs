//! `/base/residents`: the population register within the viewer's scope.

use leptos::prelude::*;

use super::api::{list_residents, list_villages};
use crate::components::options::option;
use crate::components::{ErrorAlert, PageHeader, Pagination, SearchForm, SortHeader, table_query};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn ResidentsPage() -> impl IntoView {
    let locale = use_locale();
    let query = table_query();
    let page = resource(move || query.get(), list_residents);
    let villages = resource(|| (), |_| list_villages());
    view! {
        <PageHeader title="nav.residents" section="nav.section.base" description="residents.description" />
        <section class="card">
            <SearchForm query label="residents.search">
                <div class="field">
                    <label for="filter">{locale.t("residents.village")}</label>
                    <Suspense fallback=move || view! { <select id="filter" name="filter" disabled=true></select> }>
                        {move || Suspend::new(async move {
                            let selected = query.get_untracked().filter;
                            let html = option("", &locale.t("table.all"), selected.is_empty())
                                + &villages
                                    .await
                                    .unwrap_or_default()
                                    .iter()
                                    .map(|v| option(v.id, &v.name, selected == v.id.to_string()))
                                    .collect::<String>();
                            view! { <select id="filter" name="filter" inner_html=html></select> }
                        })}
                    </Suspense>
                </div>
            </SearchForm>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(page) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile">
                                    <caption class="visually-hidden">{locale.t("nav.residents")}</caption>
                                    <thead>
                                        <tr>
                                            <SortHeader query column="name" label="residents.name" />
                                            <th scope="col">{locale.t("residents.gender")}</th>
                                            <SortHeader query column="birth_date" label="residents.birth_date" />
                                            <th scope="col">{locale.t("residents.id_number")}</th>
                                            <th scope="col">{locale.t("residents.phone")}</th>
                                            <SortHeader query column="village" label="residents.village" />
                                            <th scope="col">{locale.t("residents.grid")}</th>
                                            <th scope="col">{locale.t("residents.address")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.rows.is_empty().then(|| view! { <tr><td class="table-empty" colspan="8">{locale.t("table.empty")}</td></tr> })}
                                        {page
                                            .rows
                                            .into_iter()
                                            .map(|r| {
                                                view! {
                                                    <tr>
                                                        <td data-label=locale.t("residents.name")>{r.name}</td>
                                                        <td data-label=locale.t("residents.gender")>{locale.t(&format!("gender.{}", r.gender))}</td>
                                                        <td data-label=locale.t("residents.birth_date")>{r.birth_date.format("%Y-%m-%d").to_string()}</td>
                                                        <td class="mono" data-label=locale.t("residents.id_number")>{r.id_number}</td>
                                                        <td class="mono" data-label=locale.t("residents.phone")>{r.phone}</td>
                                                        <td data-label=locale.t("residents.village")>{r.village}</td>
                                                        <td data-label=locale.t("residents.grid")>{r.grid}</td>
                                                        <td data-label=locale.t("residents.address")>{r.address}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination query total=page.total per_page=page.per_page />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

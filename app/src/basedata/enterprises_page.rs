//! `/base/enterprises`: legal entities of the township within the viewer's scope.

use leptos::prelude::*;

use super::api::list_enterprises;
use crate::components::options::option;
use crate::components::{ErrorAlert, PageHeader, Pagination, SearchForm, SortHeader, table_query};
use crate::i18n::use_locale;
use crate::wire::resource;

const INDUSTRIES: &[&str] =
    &["纺织服装", "机械制造", "电子信息", "商贸物流", "餐饮住宿", "现代农业", "建筑建材", "新材料"];

#[component]
pub fn EnterprisesPage() -> impl IntoView {
    let locale = use_locale();
    let query = table_query();
    let page = resource(move || query.get(), list_enterprises);
    view! {
        <PageHeader title="nav.enterprises" section="nav.section.base" description="enterprises.description" />
        <section class="card">
            <SearchForm query label="enterprises.search">
                <div class="field">
                    <label for="filter">{locale.t("enterprises.industry")}</label>
                    <select id="filter" name="filter" inner_html=move || {
                        let selected = query.get().filter;
                        option("", &locale.t("table.all"), selected.is_empty())
                            + &INDUSTRIES.iter().map(|name| option(name, name, selected == *name)).collect::<String>()
                    }></select>
                </div>
            </SearchForm>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(page) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile">
                                    <caption class="visually-hidden">{locale.t("nav.enterprises")}</caption>
                                    <thead>
                                        <tr>
                                            <SortHeader query column="name" label="enterprises.name" />
                                            <th scope="col">{locale.t("enterprises.credit_code")}</th>
                                            <SortHeader query column="industry" label="enterprises.industry" />
                                            <th scope="col">{locale.t("enterprises.legal_person")}</th>
                                            <SortHeader query column="employees" label="enterprises.employees" numeric=true />
                                            <th scope="col">{locale.t("residents.village")}</th>
                                            <th scope="col">{locale.t("residents.grid")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.rows.is_empty().then(|| view! { <tr><td class="table-empty" colspan="7">{locale.t("table.empty")}</td></tr> })}
                                        {page
                                            .rows
                                            .into_iter()
                                            .map(|e| {
                                                view! {
                                                    <tr>
                                                        <td data-label=locale.t("enterprises.name")>{e.name}</td>
                                                        <td class="mono" data-label=locale.t("enterprises.credit_code")>{e.credit_code}</td>
                                                        <td data-label=locale.t("enterprises.industry")>{e.industry}</td>
                                                        <td data-label=locale.t("enterprises.legal_person")>{e.legal_person}</td>
                                                        <td class="num" data-label=locale.t("enterprises.employees")>{e.employees}</td>
                                                        <td data-label=locale.t("residents.village")>{e.village}</td>
                                                        <td data-label=locale.t("residents.grid")>{e.grid}</td>
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

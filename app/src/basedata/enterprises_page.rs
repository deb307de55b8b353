//! `/base/enterprises`: legal entities of the township within the viewer's scope.

use leptos::prelude::*;
use shared::basedata::EnterpriseRow;

use super::api::list_enterprises;
use crate::components::{Choice, Column, ListTable, PageHeader, SearchForm, Select, table_query};
use crate::i18n::use_locale;
use crate::wire::resource;

const INDUSTRIES: &[&str] =
    &["纺织服装", "机械制造", "电子信息", "商贸物流", "餐饮住宿", "现代农业", "建筑建材", "新材料"];

/// The table's columns.
const COLUMNS: &[Column] = &[
    Column::sorted("name", "enterprises.name"),
    Column::plain("enterprises.credit_code"),
    Column::sorted("industry", "enterprises.industry"),
    Column::plain("enterprises.legal_person"),
    Column::sorted_number("employees", "enterprises.employees"),
    Column::plain("residents.village"),
    Column::plain("residents.grid"),
];

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
                    <Select
                        id="filter"
                        name="filter"
                        choices=move || {
                            std::iter::once(Choice::empty(locale.t("table.all")))
                                .chain(INDUSTRIES.iter().map(|name| Choice::new(name, *name)))
                                .collect::<Vec<_>>()
                        }
                        selected=move || query.get().filter
                    />
                </div>
            </SearchForm>
            <ListTable query page caption="nav.enterprises" columns=COLUMNS row=move |e: EnterpriseRow| view! {
                    <tr>
                        <td data-label=locale.t("enterprises.name")>{e.name}</td>
                        <td class="mono" data-label=locale.t("enterprises.credit_code")>{e.credit_code}</td>
                        <td data-label=locale.t("enterprises.industry")>{e.industry}</td>
                        <td data-label=locale.t("enterprises.legal_person")>{e.legal_person}</td>
                        <td class="num" data-label=locale.t("enterprises.employees")>{e.employees}</td>
                        <td data-label=locale.t("residents.village")>{e.village}</td>
                        <td data-label=locale.t("residents.grid")>{e.grid}</td>
                    </tr>
                } />
        </section>
    }
}

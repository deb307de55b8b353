//! `/base/residents`: the population register within the viewer's scope.

use leptos::prelude::*;
use shared::accounts::SessionUser;
use shared::basedata::ResidentRow;
use shared::permissions::codes;
use shared::personal::Column as Personal;

use super::api::{list_residents, list_villages};
use super::revealed::Revealed;
use crate::components::{Choice, Column, ListTable, PageHeader, SearchForm, Select, table_query};
use crate::i18n::use_locale;
use crate::wire::resource;

/// The table's columns.
const COLUMNS: &[Column] = &[
    Column::sorted("name", "residents.name"),
    Column::plain("residents.gender"),
    Column::sorted("birth_date", "residents.birth_date"),
    Column::plain("residents.id_number"),
    Column::plain("residents.phone"),
    Column::sorted("village", "residents.village"),
    Column::plain("residents.grid"),
    Column::plain("residents.address"),
];

#[component]
pub fn ResidentsPage() -> impl IntoView {
    let locale = use_locale();
    let query = table_query();
    let page = resource(move || query.get(), list_residents);
    let villages = resource(|| (), |_| list_villages());
    let can_reveal = use_context::<SessionUser>().is_some_and(|user| user.can(codes::PERSONAL_DATA_UNMASK));
    view! {
        <PageHeader title="nav.residents" section="nav.section.base" description="residents.description" />
        <section class="card">
            <SearchForm query label="residents.search">
                <div class="field">
                    <label for="filter">{locale.t("residents.village")}</label>
                    <Suspense fallback=move || view! { <Select id="filter" name="filter" choices={Vec::<Choice>::new()} disabled=true /> }>
                        {move || Suspend::new(async move {
                            let selected = query.get_untracked().filter;
                            let choices: Vec<Choice> = std::iter::once(Choice::empty(locale.t("table.all")))
                                .chain(villages.await.unwrap_or_default().iter().map(|v| Choice::new(v.id, v.name.clone())))
                                .collect();
                            view! { <Select id="filter" name="filter" choices selected /> }
                        })}
                    </Suspense>
                </div>
            </SearchForm>
            <ListTable query page caption="nav.residents" columns=COLUMNS row=move |r: ResidentRow| view! {
                    <tr>
                        <td data-label=locale.t("residents.name")>{r.name.clone()}</td>
                        <td data-label=locale.t("residents.gender")>{locale.t(&format!("gender.{}", r.gender))}</td>
                        <td data-label=locale.t("residents.birth_date")>{r.birth_date.format("%Y-%m-%d").to_string()}</td>
                        <td class="personal" data-label=locale.t("residents.id_number")>
                            <Revealed resident=r.id name=r.name.clone() column=Personal::ResidentIdNumber masked=r.id_number can_reveal />
                        </td>
                        <td class="personal" data-label=locale.t("residents.phone")>
                            <Revealed resident=r.id name=r.name.clone() column=Personal::ResidentPhone masked=r.phone can_reveal />
                        </td>
                        <td data-label=locale.t("residents.village")>{r.village}</td>
                        <td data-label=locale.t("residents.grid")>{r.grid}</td>
                        <td data-label=locale.t("residents.address")>{r.address}</td>
                    </tr>
                } />
        </section>
    }
}

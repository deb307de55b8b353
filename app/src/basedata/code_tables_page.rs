//! `/base/codes`: 标准代码 (R-5b) — the national code tables shipped in the database, one at a
//! time as an indented tree, searchable by code or name. Links and a GET form: it works
//! without JavaScript and a search can be bookmarked.

use leptos::prelude::*;
use shared::codes::tables::{CodeEntry, CodeTableView};

use super::api::read_code_table;
use crate::components::{ErrorAlert, PageHeader, SearchForm, table_query};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

#[component]
pub fn CodeTablesPage() -> impl IntoView {
    let locale = use_locale();
    let query = table_query();
    let view_of = resource(move || query.get(), read_code_table);
    view! {
        <PageHeader title="nav.code_tables" section="nav.section.base" description="code_tables.description" />
        <section class="card">
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match view_of.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(table) => view! {
                            <Tabs locale table=table.clone() />
                            <SearchForm query label="code_tables.search">
                                <input type="hidden" name="filter" value=table.table.as_str() />
                            </SearchForm>
                            <Entries locale table searched=!query.get_untracked().q.trim().is_empty() />
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One tab per table, with its number of entries.
#[component]
fn Tabs(locale: Locale, table: CodeTableView) -> impl IntoView {
    let tabs = table
        .tables
        .iter()
        .map(|info| {
            let current = (info.table == table.table).then_some("page");
            view! {
                <a class="tab" href=format!("?filter={}", info.table.as_str()) aria-current=current data-table=info.table.as_str()>
                    <span>{format!("{} {}", info.standard, info.title)}</span>
                    <span class="tab-count">{info.entries}</span>
                </a>
            }
        })
        .collect_view();
    view! { <nav class="tabs" aria-label=locale.t("code_tables.tables")>{tabs}</nav> }
}

#[component]
fn Entries(locale: Locale, table: CodeTableView, searched: bool) -> impl IntoView {
    let info = table.tables.iter().find(|info| info.table == table.table).cloned();
    let note = info.as_ref().map(|info| info.note.clone()).unwrap_or_default();
    let caption = info.map(|info| format!("{} {}", info.standard, info.title)).unwrap_or_default();
    let summary_key = if searched { "code_tables.matches" } else { "code_tables.total" };
    let summary = locale.tf(summary_key, &[("n", table.matches.to_string())]);
    let empty = table.entries.is_empty().then(|| {
        view! { <tr><td class="table-empty" colspan="3">{locale.t("code_tables.none")}</td></tr> }
    });
    view! {
        <p class="muted">{note}" "{summary}</p>
        <div class="table-wrap">
            <table class="data-table code-table" data-testid="code-entries" data-table=table.table.as_str()>
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("code_tables.code")}</th>
                        <th scope="col">{locale.t("code_tables.name")}</th>
                        <th scope="col">{locale.t("code_tables.level")}</th>
                    </tr>
                </thead>
                <tbody>
                    {table.entries.into_iter().map(|entry| view! { <Entry locale entry /> }).collect_view()}
                    {empty}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Entry(locale: Locale, entry: CodeEntry) -> impl IntoView {
    let level = entry.level.clamp(1, 4);
    let data_code = entry.code.clone();
    view! {
        <tr class=format!("code-level-{level}") data-code=data_code>
            <td class="mono">{entry.code}</td>
            <th scope="row">{entry.name}</th>
            <td>{locale.tf("code_tables.level_n", &[("n", level.to_string())])}</td>
        </tr>
    }
}

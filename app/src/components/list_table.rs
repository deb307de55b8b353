//! The table of a list page (users, audit, residents, enterprises): the page of rows the
//! server sent for the URL's query, its sortable headers, the empty row, the pager, and
//! the error in place of all of it. The page supplies the columns and one row's cells.

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::error::AppError;
use shared::paging::{Page, TableQuery};

use super::{ErrorAlert, Pagination, SortHeader};
use crate::i18n::use_locale;
use crate::wire::Data;

/// A column header: its label's translation key, and the server's sort key when it sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub label: &'static str,
    pub sort: Option<&'static str>,
    pub numeric: bool,
}

impl Column {
    pub const fn plain(label: &'static str) -> Self {
        Column { label, sort: None, numeric: false }
    }

    pub const fn sorted(sort: &'static str, label: &'static str) -> Self {
        Column { label, sort: Some(sort), numeric: false }
    }

    pub const fn sorted_number(sort: &'static str, label: &'static str) -> Self {
        Column { label, sort: Some(sort), numeric: true }
    }
}

#[component]
pub fn ListTable<T, R, V>(
    query: Memo<TableQuery>,
    page: Resource<Result<Page<T>, AppError>, Data>,
    /// Translation key of the table's (hidden) caption.
    caption: &'static str,
    columns: &'static [Column],
    /// One row's `<tr>`.
    row: R,
    /// The page's own filters in the URL, carried on by the page links.
    #[prop(default = &[])]
    keep: &'static [&'static str],
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    R: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let locale = use_locale();
    view! {
        <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || {
                let row = row.clone();
                Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(page) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile">
                                    <caption class="visually-hidden">{locale.t(caption)}</caption>
                                    <thead>
                                        <tr>
                                            {columns
                                                .iter()
                                                .map(|column| match column.sort {
                                                    Some(sort) => view! { <SortHeader query column=sort label=column.label numeric=column.numeric /> }.into_any(),
                                                    None => view! { <th scope="col">{locale.t(column.label)}</th> }.into_any(),
                                                })
                                                .collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.rows.is_empty().then(|| view! { <tr><td class="table-empty" colspan=columns.len()>{locale.t("table.empty")}</td></tr> })}
                                        {page.rows.into_iter().map(row).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination query total=page.total per_page=page.per_page keep />
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

//! A table of the rows a page already holds, whole (no paging, no sorting: [`ListTable`]
//! does those): the headers from their translation keys, the page's `<tr>`s, and a note in
//! place of the table when there are none.
//!
//! [`ListTable`]: super::ListTable

use leptos::prelude::*;

use crate::i18n::use_locale;

#[component]
pub fn RowsTable(
    /// `data-testid` of the table, or of the note when there are no rows.
    testid: &'static str,
    /// Translation keys of the headers; an empty key heads a column of row actions.
    heads: &'static [&'static str],
    /// Translation key of the note shown instead of an empty table.
    empty: &'static str,
    /// How many rows `children` holds.
    rows: usize,
    children: Children,
) -> impl IntoView {
    let locale = use_locale();
    if rows == 0 {
        return view! { <p class="muted" data-testid=testid>{locale.t(empty)}</p> }.into_any();
    }
    let heads = heads
        .iter()
        .map(|key| match *key {
            "" => view! { <th scope="col"><span class="visually-hidden">{locale.t("table.actions")}</span></th> }
                .into_any(),
            key => view! { <th scope="col">{locale.t(key)}</th> }.into_any(),
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid=testid>
                <thead><tr>{heads}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

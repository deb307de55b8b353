//! Server-side sorted, filtered and paginated tables whose state lives in the URL
//! (`?q=&filter=&sort=&dir=&page=`): links work without JavaScript, and a table can be
//! bookmarked or shared as it is.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use shared::paging::{SortDir, TableQuery};

use crate::i18n::use_locale;

/// The table query of the current URL.
pub fn table_query() -> Memo<TableQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let params = params.read();
        let get = |key: &str| params.get(key).unwrap_or_default();
        TableQuery {
            q: get("q"),
            filter: get("filter"),
            sort: get("sort"),
            dir: SortDir::parse(&get("dir")),
            page: get("page").parse().unwrap_or(1),
            per_page: 0,
        }
    })
}

/// What stays as it is in a query value: RFC 3986's unreserved characters.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

pub trait TableQueryExt {
    /// The URL of this query (relative: the current page).
    fn href(&self) -> String;
    fn with_page(&self, page: i64) -> TableQuery;
    /// Sorting by `column`: flips the direction when it is already the sort column.
    fn with_sort(&self, column: &str) -> TableQuery;
}

impl TableQueryExt for TableQuery {
    fn href(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [("q", self.q.as_str()), ("filter", self.filter.as_str()), ("sort", self.sort.as_str())] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        if !self.sort.is_empty() {
            parts.push(format!("dir={}", self.dir.as_str()));
        }
        if self.page() > 1 {
            parts.push(format!("page={}", self.page()));
        }
        format!("?{}", parts.join("&"))
    }

    fn with_page(&self, page: i64) -> TableQuery {
        TableQuery { page, ..self.clone() }
    }

    fn with_sort(&self, column: &str) -> TableQuery {
        let dir = if self.sort == column { self.dir.flipped() } else { SortDir::Asc };
        TableQuery { sort: column.to_owned(), dir, page: 1, ..self.clone() }
    }
}

/// A column header that sorts by `column` on click and tells assistive technology how
/// the table is sorted.
#[component]
pub fn SortHeader(
    query: Memo<TableQuery>,
    column: &'static str,
    label: &'static str,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let locale = use_locale();
    let aria_sort = move || {
        let q = query.get();
        if q.sort != column {
            "none"
        } else if q.dir == SortDir::Desc {
            "descending"
        } else {
            "ascending"
        }
    };
    view! {
        <th scope="col" aria-sort=aria_sort class:num=numeric>
            <a class="sort-link" href=move || query.get().with_sort(column).href()>
                {locale.t(label)}
            </a>
        </th>
    }
}

/// The page links of a list. `keep` names the page's own filters in the URL, which every
/// link carries on (the list's search, sort and direction are in `query`).
#[component]
pub fn Pagination(
    query: Memo<TableQuery>,
    total: i64,
    per_page: i64,
    #[prop(default = &[])] keep: &'static [&'static str],
) -> impl IntoView {
    let locale = use_locale();
    let pages = ((total + per_page - 1) / per_page.max(1)).max(1);
    let current = query.get_untracked().page().min(pages);
    let params = use_query_map().get_untracked();
    let href = move |page: i64| {
        let mut href = query.get_untracked().with_page(page).href();
        for key in keep {
            if let Some(value) = params.get_str(key).filter(|v| !v.is_empty()) {
                let separator = if href.len() > 1 { "&" } else { "" };
                href.push_str(&format!("{separator}{key}={}", encode(value)));
            }
        }
        href
    };
    let link = move |page: i64, label: String, aria: Option<String>| {
        let disabled = page < 1 || page > pages || page == current;
        if disabled {
            view! { <span class="page-link is-disabled" aria-disabled="true">{label}</span> }.into_any()
        } else {
            view! {
                <a class="page-link" href=href(page) aria-label=aria>
                    {label}
                </a>
            }
            .into_any()
        }
    };
    let window: Vec<i64> = ((current - 2).max(1)..=(current + 2).min(pages)).collect();
    view! {
        <nav class="pagination" aria-label=locale.t("table.pagination")>
            <span class="pagination-info">
                {locale.tf("table.summary", &[("total", total.to_string()), ("page", current.to_string()), ("pages", pages.to_string())])}
            </span>
            <span class="cluster">
                {link(current - 1, locale.t("table.prev"), None)}
                {window
                    .into_iter()
                    .map(|page| {
                        if page == current {
                            view! { <span class="page-link" aria-current="page">{page}</span> }.into_any()
                        } else {
                            link(page, page.to_string(), Some(locale.tf("table.page_n", &[("n", page.to_string())])))
                        }
                    })
                    .collect_view()}
                {link(current + 1, locale.t("table.next"), None)}
            </span>
        </nav>
    }
}

/// The search bar above a table: free text (`q`) plus the page's own filters as children.
/// A GET form, so it works without JavaScript and the result can be bookmarked.
#[component]
pub fn SearchForm(
    query: Memo<TableQuery>,
    /// Translation key of the search field's label.
    label: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Form method="GET" action="" attr:class="table-toolbar" attr:role="search">
            <div class="field">
                <label for="q">{locale.t(label)}</label>
                <input id="q" name="q" type="search" value=move || query.get().q />
            </div>
            {children.map(|c| c())}
            <button class="btn btn-primary" type="submit">{locale.t("table.search")}</button>
        </Form>
    }
}

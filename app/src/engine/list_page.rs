//! `/m/<module>/<register>`: a register's list. Its query lives in the URL (`?q=…&<filter>=…
//! &sort=…&dir=…&after=…`), so the filter form is a plain GET form that works without
//! JavaScript, back and forward retrace the pages, and a link shares the page as it is.
//! Pages are keyset pages: "next" carries the cursor where this one ended, never an offset.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use shared::engine::declare::Kind;
use shared::engine::{Action, Count, ListPage as Rows, ListQuery, ListRow, Register};
use shared::error::AppError;

use super::api::{list_records, reference_options};
use super::header::Header;
use super::texts::{column_label, display, state_key};
use crate::components::{Choice, ErrorAlert, Select};
use crate::i18n::{Locale, use_locale};
use crate::wire::{Data, resource};

/// The list query of the current URL: the register's declared filters by field name.
/// (A field named like one of the list's own parameters, `q`, `sort`, `dir` or `after`,
/// cannot be a filter; no declaration has one.)
fn use_list_query(register: &'static Register) -> Memo<ListQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let params = params.read();
        let get = |key: &str| params.get(key).filter(|value| !value.is_empty());
        ListQuery {
            filters: register.filters.iter().filter_map(|name| Some(((*name).to_owned(), get(name)?))).collect(),
            q: get("q").unwrap_or_default(),
            sort: get("sort").unwrap_or_default(),
            descending: get("dir").map(|dir| dir == "desc"),
            after: get("after"),
            limit: 0,
        }
    })
}

/// What stays as it is in a query value: RFC 3986's unreserved characters.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The URL of a list query (relative: this page).
pub fn href(query: &ListQuery) -> String {
    let encode = |value: &str| percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string();
    let mut parts = Vec::new();
    if !query.q.is_empty() {
        parts.push(format!("q={}", encode(&query.q)));
    }
    for (name, value) in &query.filters {
        parts.push(format!("{}={}", encode(name), encode(value)));
    }
    if !query.sort.is_empty() {
        parts.push(format!("sort={}", encode(&query.sort)));
        parts.push(format!("dir={}", if query.descending == Some(true) { "desc" } else { "asc" }));
    }
    if let Some(after) = &query.after {
        parts.push(format!("after={}", encode(after)));
    }
    format!("?{}", parts.join("&"))
}

/// Sorting by `column`: ascending first, flipped when it is already the order; from the
/// first page.
fn sorted_by(query: &ListQuery, column: &str) -> ListQuery {
    let descending = query.sort == column && query.descending != Some(true);
    ListQuery { sort: column.to_owned(), descending: Some(descending), after: None, ..query.clone() }
}

/// Whether the list can be ordered by a column: a field of a kind with an order, or a
/// standard column. (The service's `sort_column` is the rule that counts: it refuses any other
/// order; this only keeps the page from offering one. Both would better read one
/// `Kind::sortable` in `shared::engine::declare`.)
fn sortable(register: &Register, column: &str) -> bool {
    match register.field(column) {
        Some(field) => matches!(
            field.kind,
            Kind::Text { .. }
                | Kind::Choice(_)
                | Kind::Integer { .. }
                | Kind::User
                | Kind::Reference(_)
                | Kind::Decimal { .. }
                | Kind::Money
                | Kind::Date
                | Kind::DateTime
                | Kind::Boolean
        ),
        None => ["id", "number", "state", "created_at", "updated_at"].contains(&column),
    }
}

/// "共 123 条" or "1000 条以上".
pub fn count_text(locale: Locale, count: Count) -> String {
    match count {
        Count::Exact(n) => locale.tf("engine.count_exact", &[("n", n.to_string())]),
        Count::AtLeast(n) => locale.tf("engine.count_at_least", &[("n", n.to_string())]),
    }
}

type Options = Resource<Result<Vec<(i64, String)>, AppError>, Data>;

#[component]
pub fn ListPage(register: &'static Register) -> impl IntoView {
    let locale = use_locale();
    let query = use_list_query(register);
    let (module, name) = (register.module, register.name);
    let page = resource(move || query.get(), move |query| list_records(module.into(), name.into(), query));
    // The options of reference filters, made here (not in a Suspend, which may run again).
    let options: Vec<(&'static str, Options)> = register
        .filters
        .iter()
        .filter(|filter| register.field(filter).is_some_and(|f| matches!(f.kind, Kind::Reference(_) | Kind::User)))
        .map(|filter| {
            let options = resource(
                || (),
                move |_| reference_options(module.into(), name.into(), (*filter).into(), String::new()),
            );
            (*filter, options)
        })
        .collect();
    let may_create =
        use_context::<shared::accounts::SessionUser>().is_some_and(|user| user.may(register, Action::Create));
    view! {
        <Header register>
            {may_create.then(|| view! {
                <a class="btn btn-primary" href=format!("{}/new", super::list_path(register)) data-testid="engine-new">{locale.t("engine.new")}</a>
            })}
        </Header>
        <section class="card">
            <Form method="GET" action="" attr:class="table-toolbar" attr:role="search">
                <div class="field">
                    <label for="q">{locale.t("engine.search")}</label>
                    <input id="q" name="q" type="search" value=move || query.get().q />
                </div>
                {register.filters.iter().map(|filter| {
                    let options = options.iter().find(|(name, _)| name == filter).map(|(_, options)| *options);
                    view! { <Filter register name=filter query options /> }
                }).collect_view()}
                // The order chosen stays when the filters change.
                {move || {
                    let q = query.get();
                    (!q.sort.is_empty()).then(|| view! {
                        <input type="hidden" name="sort" value=q.sort.clone() />
                        <input type="hidden" name="dir" value=if q.descending == Some(true) { "desc" } else { "asc" } />
                    })
                }}
                <button class="btn btn-primary" type="submit">{locale.t("table.search")}</button>
            </Form>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(rows) => view! { <Table register query rows /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One filter's control, by the field's kind.
#[component]
fn Filter(
    register: &'static Register,
    name: &'static str,
    query: Memo<ListQuery>,
    options: Option<Options>,
) -> impl IntoView {
    let locale = use_locale();
    let id = format!("filter-{name}");
    let label = column_label(locale, register, name);
    let selected = Signal::derive(move || query.get().filters.get(name).cloned().unwrap_or_default());
    let all = move || Choice::empty(locale.t("table.all"));
    let control = match (register.field(name).map(|field| field.kind), options) {
        (Some(Kind::Choice(table) | Kind::MultiChoice(table)), _) => {
            let choices: Vec<Choice> = std::iter::once(all())
                .chain(table.codes.iter().map(|code| Choice::new(code, locale.t(&table.label_key(code)))))
                .collect();
            view! { <Select id=id.clone() name=name choices selected /> }.into_any()
        }
        (Some(Kind::Boolean), _) => {
            let choices =
                vec![all(), Choice::new("true", locale.t("engine.yes")), Choice::new("false", locale.t("engine.no"))];
            view! { <Select id=id.clone() name=name choices selected /> }.into_any()
        }
        (Some(Kind::Date), _) => {
            view! { <input id=id.clone() name=name type="date" value=move || selected.get() /> }.into_any()
        }
        (Some(Kind::Reference(_) | Kind::User), Some(options)) => {
            let id = id.clone();
            view! {
                <Suspense fallback=move || view! { <Select id="" choices={Vec::<Choice>::new()} disabled=true /> }>
                    {move || {
                        let id = id.clone();
                        Suspend::new(async move {
                            let choices: Vec<Choice> = std::iter::once(all())
                                .chain(options.await.unwrap_or_default().into_iter().map(|(value, label)| Choice::new(value, label)))
                                .collect();
                            view! { <Select id name=name choices selected /> }
                        })
                    }}
                </Suspense>
            }
            .into_any()
        }
        // The workflow state (a standard column).
        (None, _) if name == "state" => {
            let states = register.workflow.map(|workflow| workflow.states).unwrap_or(&[]);
            let choices: Vec<Choice> = std::iter::once(all())
                .chain(states.iter().map(|state| Choice::new(state.name, locale.t(&state_key(register, state.name)))))
                .collect();
            view! { <Select id=id.clone() name=name choices selected /> }.into_any()
        }
        _ => view! { <input id=id.clone() name=name value=move || selected.get() /> }.into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {control}
        </div>
    }
}

/// The rows (cards on a phone), the count and the pager.
#[component]
fn Table(register: &'static Register, query: Memo<ListQuery>, rows: Rows) -> impl IntoView {
    let locale = use_locale();
    let current = query.get_untracked();
    let first_page = current.after.is_some().then(|| ListQuery { after: None, ..current.clone() });
    let next_page = rows.next.clone().map(|after| ListQuery { after: Some(after), ..current.clone() });
    let columns = register.list;
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile engine-list">
                <caption class="visually-hidden">{locale.t(&register.title_key())}</caption>
                <thead>
                    <tr>
                        {columns.iter().map(|column| {
                            let aria_sort = if current.sort != *column {
                                "none"
                            } else if current.descending == Some(true) {
                                "descending"
                            } else {
                                "ascending"
                            };
                            let label = column_label(locale, register, column);
                            if sortable(register, column) {
                                view! {
                                    <th scope="col" aria-sort=aria_sort>
                                        <a class="sort-link" href=href(&sorted_by(&current, column))>{label}</a>
                                    </th>
                                }
                                .into_any()
                            } else {
                                view! { <th scope="col">{label}</th> }.into_any()
                            }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.rows.is_empty().then(|| view! { <tr><td class="table-empty" colspan=columns.len()>{locale.t("table.empty")}</td></tr> })}
                    {rows.rows.into_iter().map(|row| view! { <Row register row /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pagination" aria-label=locale.t("table.pagination")>
            <span class="pagination-info" data-testid="engine-count">{count_text(locale, rows.count)}</span>
            <span class="cluster">
                {first_page.map(|query| view! { <a class="page-link" href=href(&query)>{locale.t("engine.first_page")}</a> })}
                {match next_page {
                    Some(query) => view! { <a class="page-link" href=href(&query) rel="next" data-testid="engine-next">{locale.t("engine.next_page")}</a> }.into_any(),
                    None => view! { <span class="page-link is-disabled" aria-disabled="true">{locale.t("engine.next_page")}</span> }.into_any(),
                }}
            </span>
        </nav>
    }
}

#[component]
fn Row(register: &'static Register, row: ListRow) -> impl IntoView {
    let locale = use_locale();
    let link = super::record_path(register, row.id);
    let cell = move |column: &str| match register.field(column) {
        Some(field) => display(locale, field, row.values.get(column), row.labels.get(column)),
        None => match column {
            "number" => row.number.clone().unwrap_or_else(|| "—".into()),
            "state" => {
                row.state.as_deref().map(|state| locale.t(&state_key(register, state))).unwrap_or_else(|| "—".into())
            }
            "place" | "village_id" | "grid_id" => row.place.clone(),
            _ => "—".into(),
        },
    };
    view! {
        <tr>
            {register.list.iter().enumerate().map(|(index, column)| {
                let text = cell(column);
                let label = column_label(locale, register, column);
                if index == 0 {
                    view! { <td data-label=label><a href=link.clone()>{text}</a></td> }.into_any()
                } else {
                    view! { <td data-label=label>{text}</td> }.into_any()
                }
            }).collect_view()}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_its_url_and_sorting_starts_over() {
        let mut query = ListQuery { q: "张 三".into(), after: Some("abc=".into()), ..ListQuery::default() };
        query.filters.insert("political_status".into(), "01".into());
        assert_eq!(href(&query), "?q=%E5%BC%A0%20%E4%B8%89&political_status=01&after=abc%3D");
        let sorted = sorted_by(&query, "name");
        assert_eq!(sorted.after, None);
        assert_eq!(href(&sorted), "?q=%E5%BC%A0%20%E4%B8%89&political_status=01&sort=name&dir=asc");
        assert_eq!(sorted_by(&sorted, "name").descending, Some(true));
        assert_eq!(sorted_by(&sorted_by(&sorted, "name"), "name").descending, Some(false));
        assert_eq!(href(&ListQuery::default()), "?");
    }

    #[test]
    fn counts_beyond_the_threshold_are_not_exact() {
        assert_eq!(count_text(Locale::ZhCn, Count::Exact(123)), "共 123 条");
        assert_eq!(count_text(Locale::ZhCn, Count::AtLeast(1000)), "1000 条以上");
    }
}

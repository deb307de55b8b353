//! `/m/<module>/<register>`: a register's list. Its query lives in the URL (`?q=…&<filter>=…
//! &sort=…&dir=…&after=…`), so the filter form is a plain GET form that works without
//! JavaScript, back and forward retrace the pages, and a link shares the page as it is.
//! Pages are keyset pages: "next" carries the cursor where this one ended, never an offset.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use shared::engine::{Action, Count, FieldKind, ListPage as Rows, ListQuery, ListRow, RegisterMeta};
use shared::error::AppError;

use super::Meta;
use super::api::{list_records, reference_options};
use super::header::Header;
use super::texts::{column_label, display_any};
use crate::components::{Choice, ErrorAlert, Select};
use crate::i18n::{Locale, use_locale};
use crate::wire::{Data, resource};

/// The list query of the current URL: the register's filters by field name. (A field named
/// like one of the list's own parameters, `q`, `sort`, `dir` or `after`, cannot be a filter;
/// no declaration has one, and a custom field cannot be named so.)
pub(super) fn use_list_query(meta: Meta) -> Memo<ListQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let params = params.read();
        let get = |key: &str| params.get(key).filter(|value| !value.is_empty());
        ListQuery {
            filters: meta.filters.iter().filter_map(|name| Some((name.clone(), get(name)?))).collect(),
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

/// Whether the list can be ordered by a column: a declared field of a kind with an order, or
/// a standard column (custom fields are filtered, not sorted). The service's `sort_column` is
/// the rule that counts: it refuses any other order; this only keeps the page from offering one.
fn sortable(meta: &RegisterMeta, column: &str) -> bool {
    match meta.field(column) {
        Some(field) => !field.custom && field.kind.sortable(),
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
pub fn ListPage(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let query = use_list_query(meta.clone());
    let (module, name) = (meta.module.clone(), meta.name.clone());
    let page = {
        let (module, name) = (module.clone(), name.clone());
        resource(move || query.get(), move |query| list_records(module.clone(), name.clone(), query))
    };
    // The options of reference filters, made here (not in a Suspend, which may run again).
    let options: Vec<(String, Options)> = meta
        .filters
        .iter()
        .filter(|filter| meta.field(filter).is_some_and(|f| matches!(f.kind, FieldKind::Reference | FieldKind::User)))
        .map(|filter| {
            let (module, name, field) = (module.clone(), name.clone(), filter.clone());
            let options =
                resource(|| (), move |_| reference_options(module.clone(), name.clone(), field.clone(), String::new()));
            (filter.clone(), options)
        })
        .collect();
    let path = meta.path();
    let (may_configure, may_create) = (meta.may(Action::Configure.name()), meta.may(Action::Create.name()));
    let searchable = meta.searchable;
    let may_export = meta.may(Action::Export.name());
    let may_import = meta.may(Action::Import.name());
    let mapped =
        meta.fields.iter().any(|field| matches!(field.kind, FieldKind::Point | FieldKind::Line | FieldKind::Polygon));
    // The export of what the list shows now: its filters, search and order, every page.
    let export = {
        let base = format!("/api/engine/{}/{}", meta.module, meta.name);
        move |format: &'static str| {
            let base = base.clone();
            move || format!("{base}/export.{format}{}", href(&ListQuery { after: None, ..query.get() }))
        }
    };
    let filters = meta
        .filters
        .iter()
        .map(|filter| {
            let options = options.iter().find(|(name, _)| name == filter).map(|(_, options)| *options);
            view! { <Filter meta=meta.clone() name=filter.clone() query options /> }
        })
        .collect_view();
    let header_meta = meta.clone();
    let mapped_layer = meta.mapped;
    view! {
        <Header meta=header_meta>
            {may_export.then(|| view! {
                <a class="btn btn-ghost" href=export("xlsx") rel="external" download data-testid="engine-export">{locale.t("engine.export_xlsx")}</a>
                <a class="btn btn-ghost" href=export("csv") rel="external" download>{locale.t("engine.export_csv")}</a>
                {mapped.then(|| view! { <a class="btn btn-ghost" href=export("geojson") rel="external" download>{locale.t("engine.export_geojson")}</a> })}
            })}
            {mapped_layer.then(|| {
                let path = path.clone();
                view! {
                    <a class="btn btn-ghost" href=move || format!("{path}/map{}", href(&ListQuery { after: None, ..query.get() }))
                        data-testid="engine-map">{locale.t("engine.map.link")}</a>
                }
            })}
            {
                let path = path.clone();
                view! {
                    <a class="btn btn-ghost" href=move || format!("{path}/stats{}", href(&ListQuery { after: None, ..query.get() }))
                        data-testid="engine-stats">{locale.t("engine.stats.link")}</a>
                }
            }
            {may_import.then(|| view! {
                <a class="btn btn-ghost" href=format!("{path}/import") data-testid="engine-import">{locale.t("engine.import.link")}</a>
            })}
            {may_configure.then(|| view! {
                <a class="btn btn-ghost" href=format!("{path}/fields") data-testid="engine-fields">{locale.t("engine.fields.link")}</a>
            })}
            {may_create.then(|| view! {
                <a class="btn btn-primary" href=format!("{path}/new") data-testid="engine-new">{locale.t("engine.new")}</a>
            })}
        </Header>
        <section class="card">
            <Form method="GET" action="" attr:class="table-toolbar" attr:role="search">
                {searchable.then(|| view! {
                    <div class="field">
                        <label for="q">{locale.t("engine.search")}</label>
                        <input id="q" name="q" type="search" value=move || query.get().q />
                    </div>
                })}
                {filters}
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
                {move || {
                    let meta = meta.clone();
                    Suspend::new(async move {
                        match page.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(rows) => view! { <Table meta query rows /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// One filter's control, by the field's kind.
#[component]
fn Filter(meta: Meta, name: String, query: Memo<ListQuery>, options: Option<Options>) -> impl IntoView {
    let locale = use_locale();
    let id = format!("filter-{name}");
    let label = column_label(locale, &meta, &name);
    let selected = {
        let name = name.clone();
        Signal::derive(move || query.get().filters.get(&name).cloned().unwrap_or_default())
    };
    let all = move || Choice::empty(locale.t("table.all"));
    let control = match (meta.field(&name).map(|field| &field.kind), options) {
        (Some(FieldKind::Choice(codes) | FieldKind::MultiChoice(codes)), _) => {
            let choices: Vec<Choice> = std::iter::once(all())
                .chain(codes.iter().map(|code| Choice::new(code.code.clone(), code.label.clone())))
                .collect();
            view! { <Select id=id.clone() name=name choices selected /> }.into_any()
        }
        (Some(FieldKind::Boolean), _) => {
            let choices =
                vec![all(), Choice::new("true", locale.t("engine.yes")), Choice::new("false", locale.t("engine.no"))];
            view! { <Select id=id.clone() name=name choices selected /> }.into_any()
        }
        (Some(FieldKind::Date), _) => {
            // A month or a year, as the statistics page drills down, keeps its own control.
            let kind = move || match selected.get().len() {
                7 => "month",
                4 => "text",
                _ => "date",
            };
            view! { <input id=id.clone() name=name type=kind value=move || selected.get() /> }.into_any()
        }
        (Some(FieldKind::Reference | FieldKind::User), Some(options)) => {
            let (id, name) = (id.clone(), name.clone());
            view! {
                <Suspense fallback=move || view! { <Select id="" choices={Vec::<Choice>::new()} disabled=true /> }>
                    {move || {
                        let (id, name) = (id.clone(), name.clone());
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
            let choices: Vec<Choice> = std::iter::once(all())
                .chain(meta.states.iter().map(|state| Choice::new(state.code.clone(), state.label.clone())))
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
fn Table(meta: Meta, query: Memo<ListQuery>, rows: Rows) -> impl IntoView {
    let locale = use_locale();
    let current = query.get_untracked();
    let first_page = current.after.is_some().then(|| ListQuery { after: None, ..current.clone() });
    let next_page = rows.next.clone().map(|after| ListQuery { after: Some(after), ..current.clone() });
    let columns = meta.list.clone();
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile engine-list">
                <caption class="visually-hidden">{meta.title.clone()}</caption>
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
                            let label = column_label(locale, &meta, column);
                            if sortable(&meta, column) {
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
                    {rows.rows.into_iter().map(|row| view! { <Row meta=meta.clone() row /> }).collect_view()}
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
fn Row(meta: Meta, row: ListRow) -> impl IntoView {
    let locale = use_locale();
    let link = super::record_path(&meta, row.id);
    let cell = |column: &str| match meta.field(column) {
        Some(field) => display_any(locale, field, &row.values, &row.labels, &row.extra),
        None => match column {
            "number" => row.number.clone().unwrap_or_else(|| "—".into()),
            "state" => row.state.as_deref().map(|state| meta.state_label(state)).unwrap_or_else(|| "—".into()),
            "place" | "village_id" | "grid_id" => row.place.clone(),
            _ => "—".into(),
        },
    };
    view! {
        <tr>
            {meta.list.iter().enumerate().map(|(index, column)| {
                let text = cell(column);
                let label = column_label(locale, &meta, column);
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

//! The event table shared by the inbox, my tasks and my reports: number, title, state,
//! priority, place, department, deadline with its flag. On phones each row is a card.

use leptos::prelude::*;
use shared::events::EventRow;

use super::labels;
use crate::i18n::use_locale;

#[component]
pub fn EventTable(
    rows: Vec<EventRow>,
    /// Where a row links: `{base}/{id}`.
    base: &'static str,
    /// Translation key of the table's caption.
    caption: &'static str,
    #[prop(optional)] selectable: Option<RwSignal<Vec<(i64, i32)>>>,
) -> impl IntoView {
    let locale = use_locale();
    let now = chrono::Utc::now();
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile event-table">
                <caption class="visually-hidden">{locale.t(caption)}</caption>
                <thead>
                    <tr>
                        {selectable.map(|_| view! { <th scope="col"><span class="visually-hidden">{locale.t("event.select")}</span></th> })}
                        <th scope="col">{locale.t("event.number")}</th>
                        <th scope="col">{locale.t("event.title")}</th>
                        <th scope="col">{locale.t("event.state_label")}</th>
                        <th scope="col">{locale.t("event.place")}</th>
                        <th scope="col">{locale.t("event.department")}</th>
                        <th scope="col">{locale.t("event.reported_at")}</th>
                        <th scope="col">{locale.t("event.deadline")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.is_empty().then(|| view! { <tr><td class="table-empty" colspan="8">{locale.t("table.empty")}</td></tr> })}
                    {rows
                        .into_iter()
                        .map(|row| {
                            let (deadline, flag) = labels::deadline(locale, &row, now);
                            let key = (row.id, row.version);
                            view! {
                                <tr data-event=row.number.clone()>
                                    {selectable.map(|selected| view! {
                                        <td data-label=locale.t("event.select")>
                                            <input
                                                type="checkbox"
                                                aria-label=locale.tf("event.select_one", &[("number", row.number.clone())])
                                                prop:checked=move || selected.with(|s| s.iter().any(|(id, _)| *id == key.0))
                                                on:change=move |_| selected.update(|s| {
                                                    if let Some(i) = s.iter().position(|(id, _)| *id == key.0) { s.remove(i); } else { s.push(key); }
                                                })
                                            />
                                        </td>
                                    })}
                                    <td class="mono" data-label=locale.t("event.number")>
                                        // The reporter's own list shows the whole tracking code, to copy.
                                        <a href=format!("{base}/{}", row.id)>{row.tracking_code.clone().unwrap_or_else(|| row.number.clone())}</a>
                                    </td>
                                    <td data-label=locale.t("event.title")>
                                        {row.title.clone()}
                                        <br />
                                        <span class="muted">{format!("{} · {}", row.category, labels::channel(locale, row.channel))}</span>
                                    </td>
                                    <td data-label=locale.t("event.state_label")>
                                        <span class=labels::state_badge(row.state)>{labels::state(locale, row.state)}</span>
                                        " "
                                        {(row.priority != shared::events::Priority::Normal).then(|| view! { <span class=labels::priority_badge(row.priority)>{labels::priority(locale, row.priority)}</span> })}
                                        {(row.escalation > 0).then(|| view! { <span class="badge badge-danger">{locale.t("event.escalated")}</span> })}
                                        {row.supervised.then(|| view! { <span class="badge badge-danger">{locale.t("event.supervised")}</span> })}
                                    </td>
                                    <td data-label=locale.t("event.place")>{format!("{} · {}", row.village, row.grid)}</td>
                                    <td data-label=locale.t("event.department")>
                                        {row.department.clone().unwrap_or_else(|| "—".into())}
                                        {row.assignee.clone().map(|a| view! { <br /><span class="muted">{a}</span> })}
                                    </td>
                                    <td data-label=locale.t("event.reported_at")>{labels::short_time(row.reported_at)}</td>
                                    <td data-label=locale.t("event.deadline")>
                                        {deadline}
                                        {flag.map(|(text, class)| view! { <br /><span class=class>{text}</span> })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Page links for event lists: the current query with another page number.
#[component]
pub fn EventPager(total: i64, per_page: i64, page: i64, query: String) -> impl IntoView {
    let locale = use_locale();
    let pages = ((total + per_page - 1) / per_page.max(1)).max(1);
    let href = move |p: i64| if query.is_empty() { format!("?page={p}") } else { format!("?{query}&page={p}") };
    view! {
        <nav class="pagination" aria-label=locale.t("table.pagination")>
            <span class="muted">
                {locale.tf("table.summary", &[("total", crate::dashboard::format_number(total)), ("page", page.to_string()), ("pages", pages.to_string())])}
            </span>
            {(page > 1).then(|| view! { <a class="btn btn-ghost btn-small" href=href(page - 1) rel="prev">{locale.t("table.prev")}</a> })}
            {(page < pages).then(|| view! { <a class="btn btn-ghost btn-small" href=href(page + 1) rel="next">{locale.t("table.next")}</a> })}
        </nav>
    }
}

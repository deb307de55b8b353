//! `/events`: the one inbox of every channel — filter by state, category, village, grid,
//! department, channel, dates and text; newest first; live. `/events/{id}` is one event.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use shared::events::EventFilter;

use super::api::{event_counts, event_options, list_events};
use super::detail::EventDetailView;
use super::event_table::{EventPager, EventTable};
use super::live::use_live;
use crate::components::{Choice, ErrorAlert, PageHeader, Select};
use crate::i18n::use_locale;
use crate::wire::resource;

/// The event id in `/{base}/{id}`, if the path is one event.
pub fn event_id_in_path(path: &str, base: &str) -> Option<i64> {
    path.strip_prefix(base)?.trim_matches('/').parse().ok()
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let location = use_location();
    move || match event_id_in_path(&location.pathname.get(), "/events") {
        Some(id) => view! { <EventDetailView id back="/events" /> }.into_any(),
        None => view! { <Inbox /> }.into_any(),
    }
}

pub fn use_filter() -> Memo<EventFilter> {
    let params = use_query_map();
    Memo::new(move |_| {
        let params = params.read();
        EventFilter::from_query(|key| params.get(key))
    })
}

const TABS: &[&str] = &["open", "reported", "overdue", "due_soon", "escalated", "closed", ""];

#[component]
fn Inbox() -> impl IntoView {
    let locale = use_locale();
    let live = use_live();
    let filter = use_filter();
    let page = resource(move || (filter.get(), live.get()), |(f, _)| list_events(f, false));
    let counts = resource(move || live.get(), |_| event_counts());
    let options = resource(|| (), |_| event_options());
    view! {
        <PageHeader title="nav.inbox" section="nav.section.events" description="inbox.description">
            {move || {
                let query = filter.get().to_query();
                view! {
                    <a class="btn btn-ghost" href=format!("/api/events/export.csv?{query}") rel="external" download>{locale.t("inbox.export_csv")}</a>
                }
            }}
        </PageHeader>
        <nav class="tabs" aria-label=locale.t("inbox.tabs")>
            <Suspense>
                {move || Suspend::new(async move {
                    let counts = counts.await.unwrap_or_default();
                    let current = filter.get().state;
                    TABS.iter().map(|tab| {
                        let n = match *tab {
                            "open" => Some(counts.open),
                            "reported" => Some(counts.reported),
                            "overdue" => Some(counts.overdue),
                            "due_soon" => Some(counts.due_soon),
                            "escalated" => Some(counts.escalated),
                            // "Closed" and "all" carry no count.
                            "closed" | "" => None,
                            other => {
                                leptos::logging::warn!("inbox tab {other:?} has no count");
                                None
                            }
                        };
                        let href = EventFilter { state: (*tab).to_owned(), ..filter.get_untracked() }.to_query();
                        view! {
                            <a class="tab" href=format!("/events?{href}") aria-current=(current == *tab).then_some("page")>
                                {locale.t(&format!("inbox.tab.{}", if tab.is_empty() { "all" } else { tab }))}
                                {n.map(|n| view! { <span class="tab-count">{n}</span> })}
                            </a>
                        }
                    }).collect_view()
                })}
            </Suspense>
        </nav>
        <section class="card">
            <form method="get" action="/events" class="filter-bar" role="search">
                <input type="hidden" name="state" value=move || filter.get().state />
                <div class="field">
                    <label for="inbox-q">{locale.t("inbox.search")}</label>
                    <input id="inbox-q" name="q" type="search" value=move || filter.get().q placeholder=locale.t("inbox.search_hint") />
                </div>
                <Suspense>
                    {move || Suspend::new(async move {
                        let options = options.await.unwrap_or_default();
                        let f = filter.get_untracked();
                        let all = || Choice::empty(locale.t("table.all"));
                        let chosen = |id: Option<i32>| id.map(|id| id.to_string()).unwrap_or_default();
                        view! {
                            <div class="field">
                                <label for="inbox-category">{locale.t("event.category")}</label>
                                <Select id="inbox-category" name="category" choices={std::iter::once(all()).chain(options.categories.iter().filter(|c| c.parent_id.is_none()).map(|c| Choice::new(c.id, c.name.clone()))).collect::<Vec<_>>()} selected={chosen(f.category_id)} />
                            </div>
                            <div class="field">
                                <label for="inbox-village">{locale.t("event.village")}</label>
                                <Select id="inbox-village" name="village" choices={std::iter::once(all()).chain(options.villages.iter().map(|v| Choice::new(v.id, v.name.clone()))).collect::<Vec<_>>()} selected={chosen(f.village_id)} />
                            </div>
                            <div class="field">
                                <label for="inbox-grid">{locale.t("event.grid")}</label>
                                <Select id="inbox-grid" name="grid" choices={std::iter::once(all()).chain(options.grids.iter().map(|(id, _, name)| Choice::new(id, name.clone()))).collect::<Vec<_>>()} selected={chosen(f.grid_id)} />
                            </div>
                            <div class="field">
                                <label for="inbox-department">{locale.t("event.department")}</label>
                                <Select id="inbox-department" name="department" choices={std::iter::once(all()).chain(options.departments.iter().map(|d| Choice::new(d.id, d.name.clone()))).collect::<Vec<_>>()} selected={chosen(f.department_id)} />
                            </div>
                        }
                    })}
                </Suspense>
                <button class="btn btn-primary" type="submit">{locale.t("table.search")}</button>
            </form>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(page) => view! {
                            <EventTable rows=page.rows base="/events" caption="nav.inbox" />
                            <EventPager total=page.total per_page=page.per_page page=page.page query=filter.get_untracked().to_query() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

//! `/events/tasks`: what waits for me — the events on which I can take the next step,
//! soonest deadline first, on PC and phone; live. Below them, the register records waiting
//! for me (approvals and workflow steps, `engine::pending`).

use leptos::prelude::*;
use shared::events::EventFilter;

use super::api::list_events;
use super::event_table::{EventPager, EventTable};
use super::inbox_page::use_filter;
use super::live::use_live;
use crate::components::{ErrorAlert, PageHeader};
use crate::engine::pending::PendingRecordsCard;
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn TasksPage() -> impl IntoView {
    let locale = use_locale();
    let live = use_live();
    let filter = use_filter();
    let page =
        resource(move || (filter.get(), live.get()), |(f, _)| list_events(EventFilter { mine: true, ..f }, true));
    view! {
        <PageHeader title="nav.tasks" section="nav.section.events" description="tasks.description" />
        <section class="card">
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(page) => view! {
                            <EventTable rows=page.rows base="/events" caption="nav.tasks" />
                            <EventPager total=page.total per_page=page.per_page page=page.page query=String::new() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
        <PendingRecordsCard />
    }
}

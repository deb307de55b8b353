//! `/my/reports`: what I reported, with its progress; `/my/reports/{id}` shows one, where I
//! confirm the result and rate it, or dispute it (which reopens it).

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use super::api::my_reports;
use super::detail::EventDetailView;
use super::event_table::{EventPager, EventTable};
use super::inbox_page::event_id_in_path;
use crate::components::{ErrorAlert, PageHeader};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn MyReportsPage() -> impl IntoView {
    let location = use_location();
    move || match event_id_in_path(&location.pathname.get(), "/my/reports") {
        Some(id) => view! { <EventDetailView id back="/my/reports" /> }.into_any(),
        None => view! { <MyReports /> }.into_any(),
    }
}

#[component]
fn MyReports() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let page_number = move || params.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1i64);
    let reported = move || params.read().get("reported");
    let page = resource(page_number, my_reports);
    view! {
        <PageHeader title="nav.my_reports" section="nav.section.me" description="my_reports.description">
            <a class="btn btn-primary" href="/events/report">{locale.t("nav.report")}</a>
        </PageHeader>
        {move || reported().map(|code| view! {
            <div class="alert alert-success" role="status">
                {locale.t("report.done")}" "<code class="mono">{code}</code>
            </div>
        })}
        <section class="card">
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(page) => view! {
                            <EventTable rows=page.rows base="/my/reports" caption="nav.my_reports" />
                            <EventPager total=page.total per_page=page.per_page page=page.page query=String::new() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

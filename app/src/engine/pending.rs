//! The registers' part of "my tasks": the records waiting for the user (a step their role
//! may take, an approval asked of them), soonest deadline first, with the deadline's flag.
//! A table on PC, cards on the phone (`stack-mobile`), as the event table beside it.

use leptos::prelude::*;
use shared::engine::{PendingRecord, PendingRecords};
use shared::events::DeadlineStatus;

use super::api::records_waiting_for_me;
use crate::components::ErrorAlert;
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

#[component]
pub fn PendingRecordsCard() -> impl IntoView {
    let locale = use_locale();
    let pending = resource(|| (), |_| records_waiting_for_me());
    view! {
        <section class="card" data-testid="pending-records" aria-labelledby="pending-records-title">
            <h2 id="pending-records-title">{locale.t("engine.pending.title")}</h2>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(pending) => view! { <PendingTable locale pending /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PendingTable(locale: Locale, pending: PendingRecords) -> impl IntoView {
    if pending.rows.is_empty() {
        return view! { <p class="muted">{locale.t("engine.pending.empty")}</p> }.into_any();
    }
    let more = pending.more.then(
        || view! { <p class="muted">{locale.tf("engine.pending.more", &[("n", pending.rows.len().to_string())])}</p> },
    );
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile">
                <caption class="visually-hidden">{locale.t("engine.pending.title")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("engine.pending.register")}</th>
                        <th scope="col">{locale.t("engine.pending.record")}</th>
                        <th scope="col">{locale.t("engine.pending.state")}</th>
                        <th scope="col">{locale.t("engine.pending.steps")}</th>
                        <th scope="col">{locale.t("engine.pending.due")}</th>
                    </tr>
                </thead>
                <tbody>{pending.rows.into_iter().map(|row| view! { <PendingRow locale row /> }).collect_view()}</tbody>
            </table>
        </div>
        {more}
    }
    .into_any()
}

#[component]
fn PendingRow(locale: Locale, row: PendingRecord) -> impl IntoView {
    let name = match (&row.number, row.title.is_empty()) {
        (Some(number), false) => format!("{number} · {}", row.title),
        (Some(number), true) => number.clone(),
        (None, _) => row.title.clone(),
    };
    let flag = deadline_flag(row.deadline);
    let due = row
        .due
        .map(|due| shared::time::local(due).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| locale.t("engine.pending.none_due"));
    view! {
        <tr data-record=row.path()>
            <td data-label=locale.t("engine.pending.register")>{row.register_title.clone()}</td>
            <td data-label=locale.t("engine.pending.record")>
                <a href=row.path()>{if name.is_empty() { format!("#{}", row.id) } else { name }}</a>
            </td>
            <td data-label=locale.t("engine.pending.state")>
                {row.state.clone()}
                {row.approval.then(|| view! { " " <span class="badge badge-info">{locale.t("engine.pending.approval")}</span> })}
                {(!row.on_behalf.is_empty()).then(|| {
                    let names = row.on_behalf.join("、");
                    view! { " " <span class="badge badge-warn" data-testid="engine-on-behalf">{locale.t("engine.pending.on_behalf")}" "{names}</span> }
                })}
            </td>
            <td data-label=locale.t("engine.pending.steps")>{row.steps.join("、")}</td>
            <td data-label=locale.t("engine.pending.due")>
                {due}
                {flag.map(|(class, key)| view! { " " <span class=class>{locale.t(key)}</span> })}
            </td>
        </tr>
    }
}

/// The badge of a record's deadline (its class and text key): only when it needs attention.
pub fn deadline_flag(status: Option<DeadlineStatus>) -> Option<(&'static str, &'static str)> {
    match status? {
        DeadlineStatus::Overdue => Some(("badge badge-danger", "engine.pending.overdue")),
        DeadlineStatus::DueSoon => Some(("badge badge-warn", "engine.pending.due_soon")),
        DeadlineStatus::OnTrack | DeadlineStatus::Stopped => None,
    }
}

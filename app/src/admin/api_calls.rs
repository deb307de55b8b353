//! The newest calls of the service layer's APIs (Open311, data sharing): who called what, how
//! it ended, how many rows it returned. Shown to the system administrator beside the keys
//! and to the auditor beside the audit log.

use leptos::prelude::*;
use shared::credentials::ApiCallRow;

use super::api::api_calls;
use crate::components::{ErrorAlert, RowsTable};
use crate::i18n::use_locale;
use crate::wire::resource;

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// The card of the calls, read again whenever `refresh` changes.
#[component]
pub fn ApiCalls(#[prop(into)] refresh: Signal<usize>) -> impl IntoView {
    let locale = use_locale();
    let calls = resource(move || refresh.get(), |_| api_calls());
    view! {
        <section class="card" aria-labelledby="api-calls-title">
            <h2 class="card-title" id="api-calls-title">{locale.t("api_keys.calls")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match calls.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(rows) => view! { <CallTable rows /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

const CALL_HEADS: &[&str] = &[
    "api_keys.call_at",
    "api_keys.call_key",
    "api_keys.call_request",
    "api_keys.call_status",
    "api_keys.call_rows",
    "api_keys.call_millis",
    "api_keys.call_address",
];

#[component]
fn CallTable(rows: Vec<ApiCallRow>) -> impl IntoView {
    let locale = use_locale();
    let head = |i: usize| locale.t(CALL_HEADS[i]);
    let count = rows.len();
    let rows = rows
        .into_iter()
        .map(|row| {
            let class = if row.status >= 500 {
                "badge badge-danger"
            } else if row.status >= 400 {
                "badge badge-warn"
            } else {
                "badge badge-ok"
            };
            view! {
                <tr>
                    <td data-label=head(0)>{when(row.at)}</td>
                    <td data-label=head(1)>{row.key.unwrap_or_else(|| locale.t("api_keys.anonymous"))}</td>
                    <td data-label=head(2)><code>{format!("{} {}", row.method, row.path)}</code></td>
                    <td data-label=head(3)><span class=class>{row.status}</span></td>
                    <td data-label=head(4)>{row.rows}</td>
                    <td data-label=head(5)>{row.millis}</td>
                    <td data-label=head(6)>{row.address}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <RowsTable testid="api-calls" heads=CALL_HEADS empty="api_keys.no_calls" rows=count>{rows}</RowsTable> }
}

//! `/admin/audit`: the audit log for the auditor, with a check of its hash chain, and the
//! calls other systems made to the service layer's APIs.

use leptos::prelude::*;
use shared::audit::AuditRow;

use super::api::{list_audit, verify_audit};
use super::api_calls::ApiCalls;
use crate::components::{Column, ErrorAlert, ListTable, PageHeader, SearchForm, table_query};
use crate::i18n::use_locale;
use crate::wire::resource;

/// The table's columns.
const COLUMNS: &[Column] = &[
    Column::plain("audit.at"),
    Column::plain("audit.actor"),
    Column::plain("audit.action"),
    Column::plain("audit.target"),
    Column::plain("audit.detail"),
    Column::plain("audit.ip"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let query = table_query();
    let page = resource(move || query.get(), list_audit);
    let verification = resource(|| (), |_| verify_audit());
    view! {
        <PageHeader title="nav.audit" section="nav.section.admin" description="audit.description" />
        <Suspense>
            {move || Suspend::new(async move {
                match verification.await {
                    Ok(v) if v.broken_at.is_none() => view! {
                        <div class="alert alert-success" role="status">
                            {locale.tf("audit.chain_ok", &[("n", v.checked.to_string()), ("c", v.checkpoints.to_string())])}
                            {(v.legacy > 0).then(|| format!(" {}", locale.tf("audit.chain_legacy", &[("n", v.legacy.to_string())])))}
                        </div>
                    }
                    .into_any(),
                    Ok(v) => view! {
                        <div class="alert alert-error" role="alert">
                            {locale.tf("audit.chain_broken", &[("id", v.broken_at.unwrap_or_default().to_string())])}
                        </div>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card">
            <SearchForm query label="audit.search" />
            <ListTable query page caption="nav.audit" columns=COLUMNS row=move |row: AuditRow| view! {
                    <tr>
                        <td data-label=locale.t("audit.at")>{shared::time::local(row.at).format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                        <td data-label=locale.t("audit.actor")>{row.actor_name}</td>
                        <td data-label=locale.t("audit.action")>
                            {shared::audit::AuditAction::parse(&row.action).map(|a| locale.t(a.i18n_key())).unwrap_or(row.action)}
                        </td>
                        <td class="mono" data-label=locale.t("audit.target")>{row.target}</td>
                        <td data-label=locale.t("audit.detail")>{row.detail}</td>
                        <td class="mono" data-label=locale.t("audit.ip")>{row.ip}</td>
                    </tr>
                } />
        </section>
        <ApiCalls refresh=Signal::derive(|| 0) />
    }
}

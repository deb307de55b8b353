//! `/admin/audit`: the audit log for the auditor, with a check of its hash chain.

use leptos::prelude::*;

use super::api::{list_audit, verify_audit};
use crate::components::{ErrorAlert, PageHeader, Pagination, SearchForm, table_query};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let query = table_query();
    let page = resource(move || query.get(), list_audit);
    let verification = resource(|| (), |_| verify_audit());
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    view! {
        <PageHeader title="nav.audit" section="nav.section.admin" description="audit.description" />
        <Suspense>
            {move || Suspend::new(async move {
                match verification.await {
                    Ok(v) if v.broken_at.is_none() => view! {
                        <div class="alert alert-success" role="status">{locale.tf("audit.chain_ok", &[("n", v.checked.to_string())])}</div>
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
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(page) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile">
                                    <caption class="visually-hidden">{locale.t("nav.audit")}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{locale.t("audit.at")}</th>
                                            <th scope="col">{locale.t("audit.actor")}</th>
                                            <th scope="col">{locale.t("audit.action")}</th>
                                            <th scope="col">{locale.t("audit.target")}</th>
                                            <th scope="col">{locale.t("audit.detail")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.rows.is_empty().then(|| view! { <tr><td class="table-empty" colspan="5">{locale.t("table.empty")}</td></tr> })}
                                        {page
                                            .rows
                                            .into_iter()
                                            .map(|row| {
                                                view! {
                                                    <tr>
                                                        <td data-label=locale.t("audit.at")>{row.at.with_timezone(&china).format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                                        <td data-label=locale.t("audit.actor")>{row.actor_name}</td>
                                                        <td data-label=locale.t("audit.action")>{locale.t(&format!("audit.actions.{}", row.action))}</td>
                                                        <td class="mono" data-label=locale.t("audit.target")>{row.target}</td>
                                                        <td data-label=locale.t("audit.detail")>{row.detail}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination query total=page.total per_page=page.per_page />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

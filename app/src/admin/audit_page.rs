//! `/admin/audit`: the audit log for the auditor, with a check of its hash chain, and the
//! calls other systems made to the service layer's APIs.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use shared::audit::{AuditAction, AuditOutcome, AuditRow, AuditSearch};
use shared::paging::TableQuery;

use super::api::{list_audit, verify_audit};
use super::api_calls::ApiCalls;
use crate::components::{Column, ErrorAlert, FieldErrorText, ListTable, PageHeader, field_errors};
use crate::i18n::use_locale;
use crate::wire::resource;

/// The table's columns.
const COLUMNS: &[Column] = &[
    Column::plain("audit.at"),
    Column::plain("audit.actor"),
    Column::plain("audit.action"),
    Column::plain("audit.outcome"),
    Column::plain("audit.target"),
    Column::plain("audit.detail"),
    Column::plain("audit.ip"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let search = Memo::new(move |_| {
        let params = params.read();
        AuditSearch::from_query(|key| params.get(key))
    });
    // The list's page number, for its page links; the search's own fields ride along.
    let query = Memo::new(move |_| TableQuery { page: search.get().map_or(1, |s| s.page), ..TableQuery::default() });
    let page = resource(move || search.get(), |search| async move { list_audit(search?).await });
    let verification = resource(|| (), |_| verify_audit());
    view! {
        <PageHeader title="nav.audit" section="nav.section.admin" description="audit.description">
            // The search on the page, as a file (the page number is not part of it).
            <a class="btn btn-ghost" href=move || format!("/api/admin/audit.xlsx{}", params.read().to_query_string()) rel="external" download>
                {locale.t("audit.export_xlsx")}
            </a>
            <a class="btn btn-ghost" href=move || format!("/api/admin/audit.csv{}", params.read().to_query_string()) rel="external" download>
                {locale.t("audit.export_csv")}
            </a>
        </PageHeader>
        <Suspense>
            {move || Suspend::new(async move {
                match verification.await {
                    Ok(v) if v.broken_at.is_none() => view! {
                        <div class="alert alert-success" role="status">
                            {locale.tf("audit.chain_ok", &[("n", v.checked.to_string()), ("k", v.chains.to_string()), ("c", v.checkpoints.to_string())])}
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
            <AuditSearchForm error=Signal::derive(move || search.get().err()) />
            <ListTable query page caption="nav.audit" columns=COLUMNS keep=&shared::audit::SEARCH_PARAMS row=move |row: AuditRow| view! {
                    <tr>
                        <td data-label=locale.t("audit.at")>{shared::time::local(row.at).format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                        <td data-label=locale.t("audit.actor")>{row.actor_name}</td>
                        <td data-label=locale.t("audit.action")>
                            {AuditAction::parse(&row.action).map(|a| locale.t(a.i18n_key())).unwrap_or(row.action.clone())}
                        </td>
                        <td data-label=locale.t("audit.outcome")>
                            {AuditAction::parse(&row.action).map(|a| {
                                let badge = match a.outcome() {
                                    AuditOutcome::Success => "badge badge-ok",
                                    AuditOutcome::Failure => "badge badge-warn",
                                    AuditOutcome::Denied => "badge badge-danger",
                                };
                                view! { <span class=badge>{locale.t(a.outcome().i18n_key())}</span> }
                            })}
                        </td>
                        <td class="mono" data-label=locale.t("audit.target")>{row.target}</td>
                        <td data-label=locale.t("audit.detail")>{detail(locale, &row.action, row.detail)}</td>
                        <td class="mono" data-label=locale.t("audit.ip")>{row.ip}</td>
                    </tr>
                } />
        </section>
        <ApiCalls refresh=Signal::derive(|| 0) />
    }
}

/// The auditor's search: actor, action, target, outcome and days, as a GET form (it works
/// without JavaScript, and a search is a link to keep). A value that does not parse is said
/// under its field.
#[component]
fn AuditSearchForm(error: Signal<Option<shared::AppError>>) -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let value = move |key: &'static str| move || params.read().get(key).unwrap_or_default();
    let selected = move |key: &'static str, code: &'static str| move || params.read().get(key).as_deref() == Some(code);
    let text = move |key: &'static str, label: &'static str, kind: &'static str| {
        let id = format!("audit-{key}");
        view! {
            <div class="field">
                <label for=id.clone()>{locale.t(label)}</label>
                <input id=id.clone() name=key type=kind value=value(key) maxlength="100" aria-describedby=format!("{id}-error") />
                <FieldErrorText id=format!("{id}-error") errors=field_errors(error, key) />
            </div>
        }
    };
    // A list of codes, each with its text key, and 全部 first.
    let choice = move |key: &'static str, label: &'static str, codes: Vec<(&'static str, &'static str)>| {
        let id = format!("audit-{key}");
        view! {
            <div class="field">
                <label for=id.clone()>{locale.t(label)}</label>
                <select id=id.clone() name=key aria-describedby=format!("{id}-error")>
                    <option value="">{locale.t("audit.any")}</option>
                    {codes
                        .into_iter()
                        .map(|(code, text)| view! { <option value=code selected=selected(key, code)>{locale.t(text)}</option> })
                        .collect_view()}
                </select>
                <FieldErrorText id=format!("{id}-error") errors=field_errors(error, key) />
            </div>
        }
    };
    view! {
        <Form method="GET" action="" attr:class="table-toolbar" attr:role="search" attr:aria-label=locale.t("audit.search")>
            {text("actor", "audit.search_actor", "search")}
            {choice("action", "audit.search_action", AuditAction::ALL.iter().map(|a| (a.as_str(), a.i18n_key())).collect())}
            {text("target", "audit.search_target", "search")}
            {choice("outcome", "audit.search_outcome", AuditOutcome::ALL.iter().map(|o| (o.as_str(), o.i18n_key())).collect())}
            {text("from", "audit.search_from", "date")}
            {text("to", "audit.search_to", "date")}
            <button class="btn btn-primary" type="submit">{locale.t("table.search")}</button>
        </Form>
    }
}

/// A record's detail as the auditor reads it: a reveal names the column in words (the record
/// keeps its code, which the export shows as it is).
fn detail(locale: crate::i18n::Locale, action: &str, detail: String) -> String {
    match (AuditAction::parse(action), shared::personal::Column::parse(&detail)) {
        (Some(AuditAction::RevealPersonal), Some(column)) => locale.t(column.i18n_key()),
        _ => detail,
    }
}

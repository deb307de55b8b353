//! `/admin/api-keys` (接口密钥): the keys other systems call the platform with (Open311
//! clients now, data-sharing partners next). The administrator issues one for a named
//! system with its scopes, a quota and an optional last day; the key is shown once, then
//! only its prefix. A key is revoked at once. Below, the newest calls of the service
//! layer's APIs: who called what, how it ended, how many rows it returned.

use leptos::prelude::*;
use shared::credentials::{ApiKeyRow, ApiScope, DEFAULT_PER_MINUTE, IssuedKey};

use super::api::{IssueApiKey, RevokeApiKey, api_key_choices, api_keys, issued_api_key};
use super::api_calls::ApiCalls;
use super::shown_note::ShownOnce;
use crate::components::{
    Choice, ErrorAlert, ErrorBanner, Field, FieldErrorText, PageHeader, RowsTable, Select, field_errors, last_error,
};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%Y-%m-%d %H:%M").to_string()
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let locale = use_locale();
    let issue = ServerAction::<IssueApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = resource(move || (issue.version().get(), revoke.version().get()), |_| api_keys());
    let query = leptos_router::hooks::use_query_map();
    let revoked = move || query.read().get("revoked").is_some();
    view! {
        <PageHeader title="nav.api_keys" section="nav.section.admin" description="api_keys.description" />
        <IssueForm action=issue />
        <ShownOnce
            answer=Signal::derive(move || issue.value().get().and_then(Result::ok))
            param="issued"
            fetch=issued_api_key
            expired="api_keys.note_expired"
            show=|key| view! { <Issued key /> }
        />
        <section class="card" aria-labelledby="api-keys-title">
            <h2 class="card-title" id="api-keys-title">{locale.t("api_keys.list")}</h2>
            <Show when=revoked>
                <p class="alert alert-success" role="status">{locale.t("api_keys.revoked")}</p>
            </Show>
            <ErrorBanner error=last_error(revoke.value()) />
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(rows) => view! { <KeyTable rows revoke /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <ApiCalls refresh=Signal::derive(move || issue.version().get()) />
    }
}

#[component]
fn IssueForm(action: ServerAction<IssueApiKey>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    let errors = move |name: &'static str| field_errors(error, name);
    let scopes = ApiScope::ALL
        .iter()
        .enumerate()
        .map(|(i, scope)| {
            let id = format!("api-key-scope-{}", scope.as_str());
            let input_id = id.clone();
            view! {
                <label class="checkbox" for=id>
                    <input type="checkbox" id=input_id name=format!("form[scopes][{i}]") value=scope.as_str() />
                    {locale.t(scope.i18n_key())}
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="api-key-new-title" data-testid="api-key-new">
            <h2 class="card-title" id="api-key-new-title">{locale.t("api_keys.new")}</h2>
            <p class="muted">{locale.t("api_keys.intro")}</p>
            <ErrorBanner error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <div class="form-grid">
                    <Field label="api_keys.name" name="name" arg="form" required=true autocomplete="off" hint="api_keys.name_hint" errors=errors("name") />
                    <Field label="api_keys.per_minute" name="per_minute" arg="form" kind="number" inputmode="numeric" value=DEFAULT_PER_MINUTE.to_string() errors=errors("per_minute") />
                    <Field label="api_keys.expires_on" name="expires_on" arg="form" kind="date" hint="api_keys.expires_hint" errors=errors("expires_on") />
                    <fieldset class="field">
                        <legend class="required">{locale.t("api_keys.scopes")}</legend>
                        {scopes}
                        <FieldErrorText id="field-scopes-error".to_owned() errors=errors("scopes") />
                    </fieldset>
                    <Grants error />
                </div>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="api-key-issue"
                        aria-busy=move || action.pending().get().to_string()>{locale.t("api_keys.issue")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The village a key is limited to, and the conditionally shared registers it is granted.
/// Loaded once: a refused form keeps what was chosen.
#[component]
fn Grants(error: Signal<Option<shared::AppError>>) -> impl IntoView {
    let locale = use_locale();
    let errors = move |name: &'static str| field_errors(error, name);
    let choices = resource(|| (), |_| api_key_choices());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(choices) = choices.await else { return ().into_any() };
                let villages: Vec<Choice> = std::iter::once(Choice::empty(locale.t("api_keys.whole_township")))
                    .chain(choices.villages.into_iter().map(|v| Choice::new(v.id, v.name)))
                    .collect();
                let datasets = choices
                    .datasets
                    .into_iter()
                    .enumerate()
                    .map(|(i, (key, title))| {
                        let id = format!("api-key-dataset-{i}");
                        let input_id = id.clone();
                        view! {
                            <label class="checkbox" for=id>
                                <input type="checkbox" id=input_id name=format!("form[datasets][{i}]") value=key />
                                {title}
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="field">
                        <label for="api-key-village">{locale.t("api_keys.village")}</label>
                        <Select id="api-key-village" name="form[village]" choices=villages described_by="field-village-error" />
                        <FieldErrorText id="field-village-error".to_owned() errors=errors("village") />
                    </div>
                    <fieldset class="field" data-testid="api-key-datasets">
                        <legend>{locale.t("api_keys.datasets")}</legend>
                        <p class="field-hint">{locale.t("api_keys.datasets_hint")}</p>
                        {datasets}
                        <FieldErrorText id="field-datasets-error".to_owned() errors=errors("datasets") />
                    </fieldset>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The key just issued, with how to use it: shown this once.
#[component]
fn Issued(key: IssuedKey) -> impl IntoView {
    let locale = use_locale();
    let example = format!(
        "curl -d api_key={} -d service_code=CG0501 -d lat=… -d long=… -d description=… \\\n     {}/open311/v2/requests.json",
        key.key,
        locale.t("api_keys.example_host")
    );
    view! {
        <section class="card alert-success" role="status" data-testid="api-key-issued">
            <h2 class="card-title">{locale.t("api_keys.issued")}</h2>
            <p><strong>{locale.t("api_keys.once")}</strong></p>
            <p><code class="secret" data-testid="api-key-secret">{key.key.clone()}</code></p>
            <pre class="code-block">{example}</pre>
        </section>
    }
}

fn status(locale: Locale, row: &ApiKeyRow) -> AnyView {
    let now = chrono::Utc::now();
    let (class, key) = if row.revoked_at.is_some() {
        ("badge badge-danger", "api_keys.status_revoked")
    } else if !row.is_live(now) {
        ("badge badge-warn", "api_keys.status_expired")
    } else {
        ("badge badge-ok", "api_keys.status_live")
    };
    view! { <span class=class>{locale.t(key)}</span> }.into_any()
}

const KEY_HEADS: &[&str] = &[
    "api_keys.name",
    "api_keys.prefix",
    "api_keys.scopes",
    "api_keys.per_minute",
    "api_keys.expires_on",
    "api_keys.status",
    "api_keys.last_used",
    "api_keys.calls_30d",
    "api_keys.created",
    "",
];

#[component]
fn KeyTable(rows: Vec<ApiKeyRow>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let locale = use_locale();
    let head = |i: usize| locale.t(KEY_HEADS[i]);
    let now = chrono::Utc::now();
    let count = rows.len();
    let rows = rows
        .into_iter()
        .map(|row| {
            let mut scopes: Vec<String> = row.scopes.iter().map(|s| locale.t(s.i18n_key())).collect();
            scopes.extend(row.datasets.iter().map(|(_, title)| title.clone()));
            if let Some(village) = &row.village {
                scopes.push(format!("{}：{village}", locale.t("api_keys.village")));
            }
            let expires = row.expires_at.map(when).unwrap_or_else(|| locale.t("api_keys.never"));
            let used = row.last_used_at.map(when).unwrap_or_else(|| "—".into());
            let created = format!("{} {}", when(row.created_at), row.created_by.clone().unwrap_or_default());
            let live = row.is_live(now);
            let badge = status(locale, &row);
            let id = row.id;
            view! {
                <tr data-key=row.prefix.clone()>
                    <td data-label=head(0)>{row.name.clone()}</td>
                    <td data-label=head(1)><code>{row.prefix.clone()}</code></td>
                    <td data-label=head(2)>{scopes.join("、")}</td>
                    <td data-label=head(3)>{row.per_minute}</td>
                    <td data-label=head(4)>{expires}</td>
                    <td data-label=head(5)>{badge}</td>
                    <td data-label=head(6)>{used}</td>
                    <td data-label=head(7)>{row.calls}</td>
                    <td data-label=head(8)>{created}</td>
                    <td class="row-actions">
                        <Show when=move || live>
                            <ActionForm action=revoke>
                                <input type="hidden" name="id" value=id.to_string() />
                                <button class="btn btn-danger btn-small" type="submit" data-testid="api-key-revoke">
                                    {locale.t("api_keys.revoke")}
                                </button>
                            </ActionForm>
                        </Show>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <RowsTable testid="api-keys" heads=KEY_HEADS empty="api_keys.none" rows=count>{rows}</RowsTable> }
}

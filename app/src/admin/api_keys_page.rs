//! `/admin/api-keys` (接口密钥): the keys other systems call the platform with (Open311
//! clients now, data-sharing partners next). The administrator issues one for a named
//! system with its scopes, a quota and an optional last day; the key is shown once, then
//! only its prefix. A key is revoked at once. Below, the newest calls of the service
//! layer's APIs: who called what, how it ended, how many rows it returned.

use leptos::prelude::*;
use shared::credentials::{ApiCallRow, ApiKeyRow, ApiScope, DEFAULT_PER_MINUTE, IssuedKey};

use super::api::{IssueApiKey, RevokeApiKey, api_calls, api_keys, issued_api_key};
use crate::components::{ErrorAlert, ErrorBanner, Field, FieldErrorText, PageHeader, field_errors, last_error};
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
    let calls = resource(move || issue.version().get(), |_| api_calls());
    let query = leptos_router::hooks::use_query_map();
    // A key issued without JavaScript comes back through the redirect's one-time note.
    let noted = resource(
        move || query.read().get("issued"),
        |note| async move {
            match note {
                Some(note) => issued_api_key(note).await,
                None => Ok(None),
            }
        },
    );
    let revoked = move || query.read().get("revoked").is_some();
    view! {
        <PageHeader title="nav.api_keys" section="nav.section.admin" description="api_keys.description" />
        <IssueForm action=issue />
        {move || issue.value().get().and_then(Result::ok).map(|key| view! { <Issued key /> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match noted.await {
                    Ok(Some(key)) => view! { <Issued key /> }.into_any(),
                    Ok(None) if query.read().get("issued").is_some() => {
                        view! { <p class="alert alert-error" role="alert">{locale.t("api_keys.note_expired")}</p> }.into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
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
                    <input type="checkbox" id=input_id name=format!("form[scopes][{i}]") value=scope.as_str() checked=true />
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
                </div>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="api-key-issue"
                        aria-busy=move || action.pending().get().to_string()>{locale.t("api_keys.issue")}</button>
                </div>
            </ActionForm>
        </section>
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

#[component]
fn KeyTable(rows: Vec<ApiKeyRow>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let locale = use_locale();
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="api-keys">{locale.t("api_keys.none")}</p> }.into_any();
    }
    let head = |key: &str| locale.t(&format!("api_keys.{key}"));
    let now = chrono::Utc::now();
    let rows = rows
        .into_iter()
        .map(|row| {
            let scopes: Vec<String> = row.scopes.iter().map(|s| locale.t(s.i18n_key())).collect();
            let expires = row.expires_at.map(when).unwrap_or_else(|| head("never"));
            let used = row.last_used_at.map(when).unwrap_or_else(|| "—".into());
            let created = format!("{} {}", when(row.created_at), row.created_by.clone().unwrap_or_default());
            let live = row.is_live(now);
            let badge = status(locale, &row);
            let id = row.id;
            view! {
                <tr data-key=row.prefix.clone()>
                    <td data-label=head("name")>{row.name.clone()}</td>
                    <td data-label=head("prefix")><code>{row.prefix.clone()}</code></td>
                    <td data-label=head("scopes")>{scopes.join("、")}</td>
                    <td data-label=head("per_minute")>{row.per_minute}</td>
                    <td data-label=head("expires_on")>{expires}</td>
                    <td data-label=head("status")>{badge}</td>
                    <td data-label=head("last_used")>{used}</td>
                    <td data-label=head("calls_30d")>{row.calls}</td>
                    <td data-label=head("created")>{created}</td>
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
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid="api-keys">
                <thead>
                    <tr>
                        <th scope="col">{head("name")}</th>
                        <th scope="col">{head("prefix")}</th>
                        <th scope="col">{head("scopes")}</th>
                        <th scope="col">{head("per_minute")}</th>
                        <th scope="col">{head("expires_on")}</th>
                        <th scope="col">{head("status")}</th>
                        <th scope="col">{head("last_used")}</th>
                        <th scope="col">{head("calls_30d")}</th>
                        <th scope="col">{head("created")}</th>
                        <th scope="col"><span class="visually-hidden">{locale.t("table.actions")}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn CallTable(rows: Vec<ApiCallRow>) -> impl IntoView {
    let locale = use_locale();
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="api-calls">{locale.t("api_keys.no_calls")}</p> }.into_any();
    }
    let head = |key: &str| locale.t(&format!("api_keys.call_{key}"));
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
                    <td data-label=head("at")>{when(row.at)}</td>
                    <td data-label=head("key")>{row.key.unwrap_or_else(|| locale.t("api_keys.anonymous"))}</td>
                    <td data-label=head("request")><code>{format!("{} {}", row.method, row.path)}</code></td>
                    <td data-label=head("status")><span class=class>{row.status}</span></td>
                    <td data-label=head("rows")>{row.rows}</td>
                    <td data-label=head("millis")>{row.millis}</td>
                    <td data-label=head("address")>{row.address}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid="api-calls">
                <thead>
                    <tr>
                        <th scope="col">{head("at")}</th>
                        <th scope="col">{head("key")}</th>
                        <th scope="col">{head("request")}</th>
                        <th scope="col">{head("status")}</th>
                        <th scope="col">{head("rows")}</th>
                        <th scope="col">{head("millis")}</th>
                        <th scope="col">{head("address")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

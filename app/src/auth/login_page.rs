//! `/login`: user name (or mobile number) and password; wrong passwords and lockouts are
//! said plainly; in demo mode the demo accounts are listed.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{Login, demo_accounts};
use super::frame::AuthFrame;
use super::second_factor_page::CodeField;
use crate::components::{ErrorBanner, Field, field_errors, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let login = ServerAction::<Login>::new();
    let params = use_query_map();
    let next = move || params.read().get("next").unwrap_or_else(|| "/".into());
    let notice = move || {
        let params = params.read();
        if params.get("pending").is_some() {
            Some(("alert alert-success", locale.t("login.pending_notice")))
        } else if params.get("expired").is_some() {
            Some(("alert alert-info", locale.t("login.expired_notice")))
        } else {
            None
        }
    };
    let demo = resource(|| (), |_| demo_accounts());
    let pending = login.pending();
    let code_errors = field_errors(last_error(login.value()), "code");
    // Asked for once the password was right on an account with a second factor; it stays
    // (with the name and password as typed) for the next try.
    let asks_code =
        Memo::new(move |asked: Option<&bool>| asked.copied().unwrap_or(false) || !code_errors.get().is_empty());
    view! {
        <AuthFrame title="login.title">
            {move || notice().map(|(class, text)| view! { <div class=class role="status">{text}</div> })}
            <ErrorBanner error=last_error(login.value()) />
            <ActionForm action=login attr:class="form" attr:novalidate=true>
                <input type="hidden" name="next" value=next />
                <Field
                    label="login.username"
                    name="username"
                    autocomplete="username"
                    required=true
                    hint="login.username_hint"
                    errors=field_errors(last_error(login.value()), "username")
                />
                <Field
                    label="login.password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    errors=field_errors(last_error(login.value()), "password")
                />
                <Show when=move || asks_code.get()>
                    <CodeField hint="login.code_or_recovery_hint" recovery=true errors=code_errors />
                </Show>
                <button class="btn btn-primary btn-block" type="submit" aria-busy=move || pending.get().to_string()>
                    {locale.t("login.submit")}
                </button>
            </ActionForm>
            <p class="auth-links">
                <a href="/register">{locale.t("login.register_public")}</a>
                <a href="/register/enterprise">{locale.t("login.register_enterprise")}</a>
            </p>
            <Suspense>
                {move || Suspend::new(async move {
                    let accounts = demo.await.unwrap_or_default();
                    (!accounts.is_empty())
                        .then(|| {
                            view! {
                                <details class="demo-accounts">
                                    <summary>{locale.t("login.demo_accounts")}</summary>
                                    <p class="field-hint">{locale.t("login.demo_password")}</p>
                                    <ul class="stack">
                                        {accounts
                                            .into_iter()
                                            .map(|(user, note)| view! { <li><code class="mono">{user}</code>" · "{note}</li> })
                                            .collect_view()}
                                    </ul>
                                </details>
                            }
                        })
                })}
            </Suspense>
        </AuthFrame>
    }
}

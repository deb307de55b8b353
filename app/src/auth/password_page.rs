//! `/password`: change one's password. A user whose password is due (an initial password set
//! by an administrator, or one past its age) is sent here from every page and may do nothing
//! else until it is changed; then they go on to the page they asked for.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::accounts::PasswordDue;

use super::api::{ChangePassword, Logout, read_password_status};
use super::frame::AuthFrame;
use super::register_page::PasswordFields;
use crate::components::{ErrorBanner, Field, field_errors, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn PasswordPage() -> impl IntoView {
    let locale = use_locale();
    let change = ServerAction::<ChangePassword>::new();
    let logout = ServerAction::<Logout>::new();
    let params = use_query_map();
    let next = move || params.read().get("next").unwrap_or_else(|| "/".into());
    let status = resource(|| (), |_| read_password_status());
    let errors = move |field| field_errors(last_error(change.value()), field);
    let pending = change.pending();
    view! {
        <AuthFrame title="password.title">
            <Suspense>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) => {
                            let (class, text) = match status.due {
                                Some(PasswordDue::Initial) => ("alert alert-warn", locale.t("password.due_initial")),
                                Some(PasswordDue::Expired) => ("alert alert-warn", locale.t("password.due_expired")),
                                None => ("field-hint", locale.tf(
                                    "password.changed_at",
                                    &[("date", shared::time::local_date(status.changed_at).to_string())],
                                )),
                            };
                            view! { <p class=class role="status">{text}</p> }.into_any()
                        }
                        // Not logged in (or the session ended): the login comes first.
                        Err(_) => view! {
                            <p class="alert alert-info" role="status">
                                <a href="/login?next=/password">{locale.t("password.login_first")}</a>
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <ErrorBanner error=last_error(change.value()) />
            <ActionForm action=change attr:class="form" attr:novalidate=true>
                <input type="hidden" name="next" value=next />
                <Field
                    label="password.current"
                    name="current_password"
                    arg="form"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    errors=errors("current_password")
                />
                <PasswordFields password=errors("password") confirm=errors("password_confirm") />
                <p class="field-hint">{locale.t("password.history_hint")}</p>
                <button class="btn btn-primary btn-block" type="submit" aria-busy=move || pending.get().to_string()>
                    {locale.t("password.submit")}
                </button>
            </ActionForm>
            <ActionForm action=logout attr:class="auth-links">
                <button class="btn btn-ghost" type="submit">{locale.t("nav.logout")}</button>
            </ActionForm>
        </AuthFrame>
    }
}

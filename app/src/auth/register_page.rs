//! `/register`: the public registers with a mobile number and a strong password.

use leptos::prelude::*;

use super::api::{RegisterPublic, list_townships};
use super::frame::AuthFrame;
use crate::components::options::option;
use crate::components::{ErrorBanner, Field, field_errors, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn TownshipSelect() -> impl IntoView {
    let locale = use_locale();
    let townships = resource(|| (), |_| list_townships());
    view! {
        <div class="field">
            <label for="field-township_id">{locale.t("register.township")}</label>
            <Suspense fallback=move || view! { <select id="field-township_id" name="township_id" disabled=true></select> }>
                {move || Suspend::new(async move {
                    let html: String =
                        townships.await.unwrap_or_default().iter().map(|t| option(t.id, &t.name, false)).collect();
                    view! { <select id="field-township_id" name="township_id" required=true inner_html=html></select> }
                })}
            </Suspense>
        </div>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let locale = use_locale();
    let register = ServerAction::<RegisterPublic>::new();
    let errors = move |field| field_errors(last_error(register.value()), field);
    view! {
        <AuthFrame title="register.title">
            <p class="page-desc">{locale.t("register.intro")}</p>
            <ErrorBanner error=last_error(register.value()) />
            <ActionForm action=register attr:class="form" attr:novalidate=true>
                <TownshipSelect />
                <Field label="register.phone" name="phone" kind="tel" inputmode="numeric" autocomplete="tel" required=true errors=errors("phone") />
                <Field label="register.display_name" name="display_name" autocomplete="name" required=true errors=errors("display_name") />
                <Field
                    label="register.password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    hint="register.password_hint"
                    errors=errors("password")
                />
                <Field
                    label="register.password_confirm"
                    name="password_confirm"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    errors=errors("password_confirm")
                />
                <button class="btn btn-primary btn-block" type="submit">{locale.t("register.submit")}</button>
            </ActionForm>
            <p class="auth-links">
                <a href="/login">{locale.t("register.have_account")}</a>
            </p>
        </AuthFrame>
    }
}

//! `/register`: the public registers with a mobile number and a strong password.

use leptos::prelude::*;
use shared::error::ErrorCode;

use super::api::{RegisterPublic, list_townships};
use super::frame::AuthFrame;
use crate::components::{Choice, ErrorBanner, Field, Select, field_errors, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn TownshipSelect() -> impl IntoView {
    let locale = use_locale();
    let townships = resource(|| (), |_| list_townships());
    view! {
        <div class="field">
            <label for="field-township_id">{locale.t("register.township")}</label>
            <Suspense fallback=move || view! { <Select id="field-township_id" name="form[township_id]" choices={Vec::<Choice>::new()} disabled=true /> }>
                {move || Suspend::new(async move {
                    let choices: Vec<Choice> =
                        townships.await.unwrap_or_default().iter().map(|t| Choice::new(t.id, t.name.clone())).collect();
                    view! { <Select id="field-township_id" name="form[township_id]" choices required=true /> }
                })}
            </Suspense>
        </div>
    }
}

/// A new password and its confirmation (`form[password]`, `form[password_confirm]`), with
/// their errors: every registration form ends with them.
#[component]
pub fn PasswordFields(password: Signal<Vec<ErrorCode>>, confirm: Signal<Vec<ErrorCode>>) -> impl IntoView {
    view! {
        <Field
            label="register.password"
            name="password"
            arg="form"
            kind="password"
            autocomplete="new-password"
            required=true
            hint="register.password_hint"
            errors=password
        />
        <Field
            label="register.password_confirm"
            name="password_confirm"
            arg="form"
            kind="password"
            autocomplete="new-password"
            required=true
            errors=confirm
        />
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
                <Field label="register.phone" name="phone" arg="form" kind="tel" inputmode="numeric" autocomplete="tel" required=true errors=errors("phone") />
                <Field label="register.display_name" name="display_name" arg="form" autocomplete="name" required=true errors=errors("display_name") />
                <PasswordFields password=errors("password") confirm=errors("password_confirm") />
                <button class="btn btn-primary btn-block" type="submit">{locale.t("register.submit")}</button>
            </ActionForm>
            <p class="auth-links">
                <a href="/login">{locale.t("register.have_account")}</a>
            </p>
        </AuthFrame>
    }
}

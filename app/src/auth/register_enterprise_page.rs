//! `/register/enterprise`: an enterprise registers against its unified social credit code
//! and waits for the township's approval.

use leptos::prelude::*;

use super::api::RegisterEnterprise;
use super::frame::AuthFrame;
use super::register_page::{PasswordFields, TownshipSelect};
use crate::components::{ErrorBanner, Field, field_errors, last_error};
use crate::i18n::use_locale;

#[component]
pub fn RegisterEnterprisePage() -> impl IntoView {
    let locale = use_locale();
    let register = ServerAction::<RegisterEnterprise>::new();
    let errors = move |field| field_errors(last_error(register.value()), field);
    view! {
        <AuthFrame title="register_enterprise.title">
            <p class="page-desc">{locale.t("register_enterprise.intro")}</p>
            <ErrorBanner error=last_error(register.value()) />
            <ActionForm action=register attr:class="form" attr:novalidate=true>
                <TownshipSelect />
                <Field
                    label="register_enterprise.credit_code"
                    name="credit_code"
                    arg="form"
                    required=true
                    hint="register_enterprise.credit_code_hint"
                    errors=errors("credit_code")
                />
                <Field label="register_enterprise.enterprise_name" name="enterprise_name" arg="form" autocomplete="organization" required=true errors=errors("enterprise_name") />
                <Field label="register_enterprise.contact_name" name="contact_name" arg="form" autocomplete="name" required=true errors=errors("contact_name") />
                <Field label="register.phone" name="phone" arg="form" kind="tel" inputmode="numeric" autocomplete="tel" required=true errors=errors("phone") />
                <PasswordFields password=errors("password") confirm=errors("password_confirm") />
                <button class="btn btn-primary btn-block" type="submit">{locale.t("register_enterprise.submit")}</button>
            </ActionForm>
            <p class="auth-links">
                <a href="/login">{locale.t("register.have_account")}</a>
            </p>
        </AuthFrame>
    }
}

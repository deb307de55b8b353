//! `/two-factor`: setting up a second factor (a one-time code from an authenticator app), or
//! turning it off. An administrator under a policy that requires one is sent here from every
//! page until it is set up, then goes on to the page they asked for.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::accounts::{SecondFactorEnrolment, SecondFactorStatus};
use shared::error::ErrorCode;

use super::api::{ConfirmSecondFactor, DisableSecondFactor, Logout, begin_second_factor, read_second_factor};
use super::frame::AuthFrame;
use crate::components::{ErrorAlert, ErrorBanner, Field, field_errors, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let notice = move || {
        let params = params.read();
        if params.get("enabled").is_some() {
            Some(locale.t("second_factor.enabled_now"))
        } else if params.get("disabled").is_some() {
            Some(locale.t("second_factor.disabled_now"))
        } else {
            None
        }
    };
    let status = resource(|| (), |_| read_second_factor());
    let logout = ServerAction::<Logout>::new();
    view! {
        <AuthFrame title="second_factor.title">
            {move || notice().map(|text| view! { <div class="alert alert-success" role="status">{text}</div> })}
            <p class="field-hint">{locale.t("second_factor.intro")}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) if status.enabled => view! { <Enabled status /> }.into_any(),
                        Ok(status) => view! { <Enrol status /> }.into_any(),
                        // Not logged in (or the session ended): the login comes first.
                        Err(_) => view! {
                            <p class="alert alert-info" role="status">
                                <a href="/login?next=/two-factor">{locale.t("password.login_first")}</a>
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <div class="auth-links">
                <a href="/me">{locale.t("second_factor.back")}</a>
                <ActionForm action=logout>
                    <button class="btn btn-ghost" type="submit">{locale.t("nav.logout")}</button>
                </ActionForm>
            </div>
        </AuthFrame>
    }
}

/// The secret being enrolled (made when the page first loads, the same on a reload) as a QR
/// code and as text, and the code from the app that turns it on.
#[component]
fn Enrol(status: SecondFactorStatus) -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let next = move || params.read().get("next").unwrap_or_else(|| "/".into());
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let enrolment = resource(|| (), |_| begin_second_factor());
    let pending = confirm.pending();
    view! {
        {status.required.then(|| view! {
            <p class="alert alert-warn" role="status">{locale.t("second_factor.required_notice")}</p>
        })}
        <Suspense>
            {move || Suspend::new(async move {
                match enrolment.await {
                    Ok(SecondFactorEnrolment { secret, qr_svg, .. }) => view! {
                        <p>{locale.t("second_factor.scan")}</p>
                        <div class="qr-code" role="img" aria-label=locale.t("second_factor.qr_label") inner_html=qr_svg></div>
                        <p class="field-hint">
                            {locale.t("second_factor.secret")}" "
                            <code class="mono secret-key" data-secret=secret.clone()>{grouped(&secret)}</code>
                        </p>
                    }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Suspense>
        <ErrorBanner error=last_error(confirm.value()) />
        <ActionForm action=confirm attr:class="form" attr:novalidate=true>
            <input type="hidden" name="next" value=next />
            <p>{locale.t("second_factor.enter_code")}</p>
            <CodeField errors=field_errors(last_error(confirm.value()), "code") />
            <button class="btn btn-primary btn-block" type="submit" aria-busy=move || pending.get().to_string()>
                {locale.t("second_factor.confirm")}
            </button>
        </ActionForm>
    }
}

/// On: said so, with the form that turns it off unless the policy requires it.
#[component]
fn Enabled(status: SecondFactorStatus) -> impl IntoView {
    let locale = use_locale();
    let disable = ServerAction::<DisableSecondFactor>::new();
    let pending = disable.pending();
    view! {
        <p class="alert alert-success" role="status">{locale.t("second_factor.enabled")}</p>
        {if status.required {
            view! { <p class="field-hint">{locale.t("second_factor.cannot_disable")}</p> }.into_any()
        } else {
            view! {
                <ErrorBanner error=last_error(disable.value()) />
                <ActionForm action=disable attr:class="form" attr:novalidate=true>
                    <CodeField
                        hint="second_factor.disable_hint"
                        errors=field_errors(last_error(disable.value()), "code")
                    />
                    <button class="btn btn-danger btn-block" type="submit" aria-busy=move || pending.get().to_string()>
                        {locale.t("second_factor.disable")}
                    </button>
                </ActionForm>
            }.into_any()
        }}
    }
}

/// The one-time code of an authenticator app (`code`): digits, filled in by the phone's
/// keyboard or its one-time-code suggestion.
#[component]
pub(super) fn CodeField(errors: Signal<Vec<ErrorCode>>, #[prop(optional)] hint: Option<&'static str>) -> impl IntoView {
    match hint {
        Some(hint) => view! {
            <Field label="login.code" name="code" autocomplete="one-time-code" inputmode="numeric" required=true hint errors />
        }
        .into_any(),
        None => view! {
            <Field label="login.code" name="code" autocomplete="one-time-code" inputmode="numeric" required=true errors />
        }
        .into_any(),
    }
}

/// A key in groups of four, as authenticator apps show theirs.
fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|group| String::from_utf8_lossy(group)).collect::<Vec<_>>().join(" ")
}

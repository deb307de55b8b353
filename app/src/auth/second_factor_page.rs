//! `/two-factor`: setting up a second factor (a one-time code from an authenticator app),
//! making new recovery codes, or turning it off. An administrator under a policy that
//! requires one is sent here from every page until it is set up, then goes on to the page they
//! asked for. Recovery codes are shown once, when made: with JavaScript from the action's
//! answer, without from a one-time note in the URL (`codes`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::accounts::{RecoveryCodes, SecondFactorEnrolment, SecondFactorStatus};
use shared::error::ErrorCode;

use super::api::{
    ConfirmSecondFactor, DisableSecondFactor, Logout, RenewRecoveryCodes, begin_second_factor, noted_recovery_codes,
    read_second_factor,
};
use super::frame::AuthFrame;
use crate::admin::shown_note::ShownOnce;
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
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    // Read again when an action succeeded, not when one was refused: a refetch redraws the
    // form, and would empty the code field the user is already typing the next code into.
    let confirmed = succeeded(confirm);
    let renewed = succeeded(renew);
    let status = resource(move || (confirmed.get(), renewed.get()), |_| read_second_factor());
    let next = move || params.read().get("next").unwrap_or_else(|| "/".into());
    // The codes just made: the newest answer of the two actions that make them.
    let made = Signal::derive(move || {
        let latest = if renew.version().get() > 0 { renew.value().get() } else { None };
        latest.or_else(|| confirm.value().get()).and_then(Result::ok)
    });
    let shown = move || made.read().is_some() || params.read().get("codes").is_some();
    let logout = ServerAction::<Logout>::new();
    view! {
        <AuthFrame title="second_factor.title">
            {move || notice().map(|text| view! { <div class="alert alert-success" role="status">{text}</div> })}
            <ShownOnce
                answer=made
                param="codes"
                fetch=noted_recovery_codes
                expired="second_factor.codes_expired"
                show=|codes| view! { <Codes codes /> }
            />
            <Show when=shown>
                <p><a class="btn btn-primary btn-block" href=next>{locale.t("second_factor.codes_saved")}</a></p>
            </Show>
            <p class="field-hint">{locale.t("second_factor.intro")}</p>
            <Transition>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) if status.enabled => view! { <Enabled status renew /> }.into_any(),
                        Ok(status) => view! { <Enrol status confirm /> }.into_any(),
                        // Not logged in (or the session ended): the login comes first.
                        Err(_) => view! {
                            <p class="alert alert-info" role="status">
                                <a href="/login?next=/two-factor">{locale.t("second_factor.login_first")}</a>
                            </p>
                        }.into_any(),
                    }
                })}
            </Transition>
            <div class="auth-links">
                <a href="/me">{locale.t("second_factor.back")}</a>
                <ActionForm action=logout>
                    <button class="btn btn-ghost" type="submit">{locale.t("nav.logout")}</button>
                </ActionForm>
            </div>
        </AuthFrame>
    }
}

/// Recovery codes just made, this once.
#[component]
fn Codes(codes: RecoveryCodes) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="alert alert-warn recovery-codes" aria-labelledby="recovery-title">
            <h2 id="recovery-title">{locale.t("second_factor.codes_title")}</h2>
            <p>{locale.t("second_factor.codes_intro")}</p>
            <ol class="mono" data-testid="recovery-codes">
                {codes.codes.into_iter().map(|code| view! { <li>{code}</li> }).collect_view()}
            </ol>
        </section>
    }
}

/// The secret being enrolled (made when the page first loads, the same on a reload) as a QR
/// code and as text, and the code from the app that turns it on.
#[component]
fn Enrol(status: SecondFactorStatus, confirm: ServerAction<ConfirmSecondFactor>) -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let next = move || params.read().get("next").unwrap_or_else(|| "/".into());
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

/// On: said so, with how many recovery codes are left, the form that makes new ones, and the
/// form that turns it off unless the policy requires it.
#[component]
fn Enabled(status: SecondFactorStatus, renew: ServerAction<RenewRecoveryCodes>) -> impl IntoView {
    let locale = use_locale();
    let disable = ServerAction::<DisableSecondFactor>::new();
    let (renewing, disabling) = (renew.pending(), disable.pending());
    let left = status.recovery_left.to_string();
    let few = status.recovery_left < 3;
    view! {
        <p class="alert alert-success" role="status">{locale.t("second_factor.enabled")}</p>
        <section class="form-section" aria-labelledby="renew-title">
            <h2 id="renew-title">{locale.t("second_factor.recovery_title")}</h2>
            <p class=if few { "alert alert-warn" } else { "field-hint" } data-testid="recovery-left">
                {locale.tf("second_factor.recovery_left", &[("n", left)])}
            </p>
            <ErrorBanner error=last_error(renew.value()) />
            <ActionForm action=renew attr:class="form" attr:novalidate=true>
                <CodeField id="renew-code" hint="second_factor.renew_hint" errors=field_errors(last_error(renew.value()), "code") />
                <button class="btn btn-secondary btn-block" type="submit" aria-busy=move || renewing.get().to_string()>
                    {locale.t("second_factor.renew")}
                </button>
            </ActionForm>
        </section>
        {if status.required {
            view! { <p class="field-hint">{locale.t("second_factor.cannot_disable")}</p> }.into_any()
        } else {
            view! {
                <section class="form-section" aria-labelledby="disable-title">
                    <h2 id="disable-title">{locale.t("second_factor.disable")}</h2>
                    <ErrorBanner error=last_error(disable.value()) />
                    <ActionForm action=disable attr:class="form" attr:novalidate=true>
                        <CodeField
                            id="disable-code"
                            hint="second_factor.disable_hint"
                            errors=field_errors(last_error(disable.value()), "code")
                        />
                        <button class="btn btn-danger btn-block" type="submit" aria-busy=move || disabling.get().to_string()>
                            {locale.t("second_factor.disable")}
                        </button>
                    </ActionForm>
                </section>
            }.into_any()
        }}
    }
}

/// The one-time code of an authenticator app (`code`): digits, filled in by the phone's
/// keyboard or its one-time-code suggestion; at login also a recovery code (`recovery`: the
/// phone's keyboard then keeps its letters). `id` where a page has two of them.
#[component]
pub(super) fn CodeField(
    errors: Signal<Vec<ErrorCode>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] recovery: bool,
) -> impl IntoView {
    let hint = hint.unwrap_or("login.code_hint");
    let inputmode = if recovery { "text" } else { "numeric" };
    match id {
        Some(id) => view! {
            <Field label="login.code" name="code" id autocomplete="one-time-code" inputmode required=true hint errors />
        }
        .into_any(),
        None => view! {
            <Field label="login.code" name="code" autocomplete="one-time-code" inputmode required=true hint errors />
        }
        .into_any(),
    }
}

/// A key in groups of four, as authenticator apps show theirs.
fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|group| String::from_utf8_lossy(group)).collect::<Vec<_>>().join(" ")
}

/// The version of the action's latest successful answer (0 before any).
fn succeeded<A, T>(action: ServerAction<A>) -> Memo<usize>
where
    A: leptos::server_fn::ServerFn<Output = T, Error = shared::error::AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    Memo::new(move |last: Option<&usize>| {
        if action.value().with(|answer| matches!(answer, Some(Ok(_)))) {
            action.version().get()
        } else {
            last.copied().unwrap_or(0)
        }
    })
}

//! The message for errors that belong to no single field, in the user's language.

use leptos::prelude::*;
use shared::error::AppError;

use crate::i18n::{Locale, use_locale};

pub fn error_message(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::BadCredentials => locale.t("errors.bad_credentials"),
        AppError::Locked { until } => locale.tf("errors.locked", &[("time", shared::time::clock(until.timestamp()))]),
        AppError::Inactive(status) => locale.t(&format!("errors.inactive.{status}")),
        AppError::Validation(errors) => locale.tf("errors.validation", &[("n", errors.len().to_string())]),
        AppError::Unauthorized => locale.t("errors.unauthorized"),
        AppError::Forbidden => locale.t("errors.forbidden"),
        AppError::NotFound => locale.t("errors.not_found"),
        // Each conflict says why (a stale page, an illegal step).
        AppError::Conflict(code) => locale.t(code.i18n_key()),
        AppError::Internal => locale.t("errors.internal"),
        AppError::Transport(_) => locale.t("errors.transport"),
        AppError::Unavailable => locale.t("errors.unavailable"),
        AppError::BadRequest(_) => locale.t("errors.bad_request"),
        AppError::TooManyRequests { retry_after_secs } => {
            locale.tf("errors.too_many_requests", &[("n", retry_after_secs.to_string())])
        }
    }
}

/// Shows the last error of an action (or nothing).
#[component]
pub fn ErrorBanner(error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    move || {
        error
            .get()
            .map(|error| view! { <div class="alert alert-error" role="alert">{error_message(locale, &error)}</div> })
    }
}

/// One error, said in the user's language. A page rendered on the server with an error in
/// place of its record answers with the error's status (a missing event is a 404, a record
/// outside the data scope a 403), not 200.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status())
    {
        response.set_status(status);
    }
    view! { <div class="alert alert-error" role="alert">{error_message(locale, &error)}</div> }
}

#[cfg(test)]
mod tests {
    use shared::time::clock as china_clock;

    #[test]
    fn lockout_times_are_said_in_china_time() {
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).expect("a time").timestamp();
        assert_eq!(china_clock(at("2026-11-24T23:05:00Z")), "07:05");
        assert_eq!(china_clock(at("2026-11-24T15:59:00Z")), "23:59");
        assert_eq!(china_clock(at("1969-12-31T16:00:00Z")), "00:00");
    }
}

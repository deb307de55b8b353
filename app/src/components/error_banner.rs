//! The message for errors that belong to no single field, in the user's language.

use chrono::FixedOffset;
use leptos::prelude::*;
use shared::error::AppError;

use crate::i18n::{Locale, use_locale};

pub fn error_message(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::BadCredentials { attempts_left } if *attempts_left < 5 => {
            locale.tf("errors.bad_credentials_left", &[("n", attempts_left.to_string())])
        }
        AppError::BadCredentials { .. } => locale.t("errors.bad_credentials"),
        AppError::Locked { until } => {
            // Times are shown in China Standard Time, whatever the server's zone.
            let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
            locale.tf("errors.locked", &[("time", until.with_timezone(&china).format("%H:%M").to_string())])
        }
        AppError::Inactive(status) => locale.t(&format!("errors.inactive.{status}")),
        AppError::Validation(errors) => locale.tf("errors.validation", &[("n", errors.len().to_string())]),
        AppError::Unauthorized => locale.t("errors.unauthorized"),
        AppError::Forbidden => locale.t("errors.forbidden"),
        AppError::NotFound => locale.t("errors.not_found"),
        // Conflicts that say why (a stale page, an illegal step) have their own message.
        AppError::Conflict(code) if code.starts_with("event.") || code.starts_with("routing.") => {
            locale.t(&format!("errors.{code}"))
        }
        AppError::Conflict(_) => locale.t("errors.conflict"),
        AppError::Internal => locale.t("errors.internal"),
        AppError::Transport(_) => locale.t("errors.transport"),
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

/// One error, said in the user's language.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    let locale = use_locale();
    view! { <div class="alert alert-error" role="alert">{error_message(locale, &error)}</div> }
}

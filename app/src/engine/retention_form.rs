//! The history section of a register's fields page: how many days versions stay online
//! before they move to the archive (still readable and restorable), and how many years they
//! are kept at all (empty: for ever) — the declaration's default until an administrator
//! changes it (`shared::engine::retention`). A plain form: it works without JavaScript.

use leptos::prelude::*;
use shared::engine::retention::{KEPT_YEARS_MAX, ONLINE_DAYS_MAX, ONLINE_DAYS_MIN, Retention, RetentionSettings};

use super::Meta;
use super::api::{ConfigureRetention, read_retention};
use crate::components::{ErrorAlert, ErrorBanner, Field, field_errors, last_error, successes};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

fn describe(locale: Locale, retention: Retention) -> String {
    let kept = match retention.kept_years {
        Some(years) => locale.tf("engine.retention.kept_years_n", &[("n", years.to_string())]),
        None => locale.t("engine.retention.forever"),
    };
    locale.tf("engine.retention.summary", &[("days", retention.online_days.to_string()), ("kept", kept)])
}

#[component]
pub fn RetentionSection(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<ConfigureRetention>::new();
    let (module, name) = (meta.module.clone(), meta.name.clone());
    // Read again after a save, not after a refusal (which keeps the form as typed).
    let saved = successes(action.value());
    let settings = resource(move || saved.get(), move |_| read_retention(module.clone(), name.clone()));
    view! {
        <section class="card" id="retention" aria-labelledby="retention-title" data-testid="retention">
            <h2 class="card-title" id="retention-title">{locale.t("engine.retention.title")}</h2>
            <p class="field-hint">{locale.t("engine.retention.intro")}</p>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let meta = meta.clone();
                    Suspend::new(async move {
                        match settings.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(settings) => view! { <RetentionForm meta settings action /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn RetentionForm(meta: Meta, settings: RetentionSettings, action: ServerAction<ConfigureRetention>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    let errors = move |name: &'static str| field_errors(error, name);
    let effective = settings.effective();
    let source =
        if settings.configured.is_some() { "engine.retention.configured" } else { "engine.retention.declared" };
    let hint = locale.tf(
        "engine.retention.rules",
        &[
            ("min", ONLINE_DAYS_MIN.to_string()),
            ("max", ONLINE_DAYS_MAX.to_string()),
            ("years", KEPT_YEARS_MAX.to_string()),
        ],
    );
    view! {
        <p data-testid="retention-now">
            <strong>{describe(locale, effective)}</strong>" "
            <span class="badge badge-muted">{locale.t(source)}</span>
        </p>
        <ErrorBanner error />
        <ActionForm action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="module" value=meta.module.clone() />
            <input type="hidden" name="register" value=meta.name.clone() />
            <div class="form-row">
                <Field label="engine.retention.online_days" name="online_days" arg="form" kind="number" inputmode="numeric"
                    required=true value=effective.online_days.to_string() errors=errors("online_days") />
                <Field label="engine.retention.kept_years" name="kept_years" arg="form" kind="number" inputmode="numeric"
                    hint="engine.retention.kept_years_hint"
                    value=effective.kept_years.map(|years| years.to_string()).unwrap_or_default() errors=errors("kept_years") />
            </div>
            <p class="field-hint">{hint}</p>
            <div class="form-actions">
                <button class="btn btn-primary" type="submit" data-testid="retention-save"
                    aria-busy=move || action.pending().get().to_string()>{locale.t("engine.save")}</button>
            </div>
        </ActionForm>
    }
}

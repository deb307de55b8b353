//! The peer platforms of `/admin/exchange`: the form that registers one (or changes the one
//! of the same code), and the secret the platform made for it, shown once. Stopping a peer
//! is a button of its row (`exchange_page`).

use leptos::prelude::*;
use shared::credentials::IssuedKey;
use shared::exchange::PeerKind;

use super::api::SaveExchangePeer;
use crate::components::{Choice, ErrorBanner, Field, FieldErrorText, Select, field_errors, last_error};
use crate::i18n::use_locale;

/// The signature algorithms a peer may use (`shared::exchange::signature::Algorithm`, which
/// the browser does not carry).
const ALGORITHMS: [&str; 2] = ["hmac-sm3", "hmac-sha256"];

#[component]
pub fn PeerEditor(action: ServerAction<SaveExchangePeer>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    let errors = move |name: &'static str| field_errors(error, name);
    let kinds: Vec<Choice> =
        PeerKind::ALL.iter().map(|kind| Choice::new(kind.as_str(), locale.t(kind.i18n_key()))).collect();
    let algorithms: Vec<Choice> = ALGORITHMS.iter().map(|code| Choice::new(code, code.to_uppercase())).collect();
    view! {
        <section class="card" aria-labelledby="exchange-peer-new-title" data-testid="exchange-peer-new">
            <h2 class="card-title" id="exchange-peer-new-title">{locale.t("exchange_page.peer_new")}</h2>
            <p class="muted">{locale.t("exchange_page.peer_new_hint")}</p>
            <ErrorBanner error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <div class="form-grid">
                    <Field label="exchange_page.peer_code" name="code" arg="form" required=true autocomplete="off" hint="exchange_page.peer_code_hint" errors=errors("code") />
                    <Field label="exchange_page.peer_name" name="name" arg="form" required=true autocomplete="off" errors=errors("name") />
                    <div class="field">
                        <label for="peer-kind">{locale.t("exchange_page.peer_kind")}</label>
                        <Select id="peer-kind" name="form[kind]" choices=kinds selected="county".to_owned() described_by="peer-kind-error" />
                        <FieldErrorText id="peer-kind-error".to_owned() errors=errors("kind") />
                    </div>
                    <div class="field">
                        <label for="peer-algorithm">{locale.t("exchange_page.peer_algorithm")}</label>
                        <Select id="peer-algorithm" name="form[algorithm]" choices=algorithms selected="hmac-sm3".to_owned() described_by="peer-algorithm-error" />
                        <FieldErrorText id="peer-algorithm-error".to_owned() errors=errors("algorithm") />
                    </div>
                    <Field label="exchange_page.peer_endpoint" name="endpoint" arg="form" kind="url" autocomplete="off" hint="exchange_page.peer_endpoint_hint" errors=errors("endpoint") />
                    <Field label="exchange_page.peer_max_attempts" name="max_attempts" arg="form" kind="number" inputmode="numeric" value="8".to_owned() errors=errors("max_attempts") />
                    <Field label="exchange_page.peer_secret" name="secret" arg="form" kind="password" autocomplete="new-password" hint="exchange_page.peer_secret_hint" errors=errors("secret") />
                    <div class="field">
                        <label for="peer-categories">{locale.t("exchange_page.peer_categories")}</label>
                        <textarea id="peer-categories" name="form[categories]" rows="4" class="mono"
                            placeholder="0101 = CG0101" aria-describedby="peer-categories-hint peer-categories-error"></textarea>
                        <p class="field-hint" id="peer-categories-hint">{locale.t("exchange_page.peer_categories_hint")}</p>
                        <FieldErrorText id="peer-categories-error".to_owned() errors=errors("categories") />
                    </div>
                </div>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="exchange-peer-save"
                        aria-busy=move || action.pending().get().to_string()>{locale.t("exchange_page.peer_save")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The secret the platform made for a new peer: shown this once, for the other side.
#[component]
pub fn MadeSecret(key: IssuedKey) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card alert-success" role="status" data-testid="exchange-peer-secret">
            <h2 class="card-title">{locale.t("exchange_page.secret_title")}</h2>
            <p><strong>{locale.t("exchange_page.secret_once")}</strong></p>
            <p><code class="secret">{key.key}</code></p>
        </section>
    }
}

//! A masked personal number with a button that shows it whole: only for a viewer
//! with the unmask permission, one number at a time, each reveal on the audit log.

use leptos::prelude::*;
use shared::personal::Column;

use super::api::reveal_personal;
use crate::components::error_message;
use crate::i18n::use_locale;

#[component]
pub fn Revealed(
    resident: i64,
    /// The resident's name, for the button's accessible label.
    name: String,
    column: Column,
    masked: String,
    /// Whether the viewer may reveal it.
    can_reveal: bool,
) -> impl IntoView {
    let locale = use_locale();
    // A resident without a mobile number has nothing to reveal.
    let has_value = !masked.is_empty();
    let reveal = Action::new(move |_: &()| reveal_personal(resident, column));
    let result = reveal.value();
    let shown = move || match result.get() {
        Some(Ok(value)) => value,
        _ => masked.clone(),
    };
    let error = move || match result.get() {
        Some(Err(error)) => {
            Some(view! { <span class="field-error" role="alert">{error_message(locale, &error)}</span> })
        }
        _ => None,
    };
    let revealed = move || matches!(result.get(), Some(Ok(_)));
    // The button works through a server function: it appears once the page runs its code, so
    // that a browser without JavaScript is never offered a button that does nothing.
    let interactive = RwSignal::new(false);
    Effect::new(move || interactive.set(true));
    let label = locale.tf("residents.reveal_label", &[("name", name), ("what", locale.t(column.i18n_key()))]);
    view! {
        <span class="mono" aria-live="polite">{shown}</span>
        {move || (can_reveal && has_value && interactive.get()).then(|| view! {
            <button
                type="button"
                class="btn btn-ghost btn-small reveal"
                aria-label=label.clone()
                title=label.clone()
                hidden=revealed
                disabled=move || reveal.pending().get()
                on:click=move |_| {
                    reveal.dispatch(());
                }
            >
                {locale.t("residents.reveal")}
            </button>
        })}
        {error}
    }
}

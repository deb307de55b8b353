//! A labelled form control with its hint and its errors, accessible by construction:
//! the label names the control, errors are announced and linked with aria-describedby.

use leptos::prelude::*;
use shared::error::{AppError, ErrorCode};

use crate::i18n::use_locale;

/// The last error of an action (server function call), if its last call failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(Result::err))
}

/// How many of an action's calls succeeded: what a page reloads its data on after a form
/// is sent, so that a refused form stays as the user filled it (reloading on every call would
/// rebuild the form from the stored values and lose what they typed). Counted in the
/// browser; without JavaScript a success redirects to a new page anyway.
pub fn successes<T, S>(value: S) -> ReadSignal<u64>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let count = RwSignal::new(0u64);
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            count.update(|n| *n += 1);
        }
    });
    count.read_only()
}

/// The error codes for one field out of an action's last error.
pub fn field_errors(
    error: Signal<Option<AppError>>,
    field: impl AsRef<str> + Send + Sync + 'static,
) -> Signal<Vec<ErrorCode>> {
    Signal::derive(move || error.get().map(|e| e.field_codes(field.as_ref())).unwrap_or_default())
}

#[component]
pub fn Field(
    /// Translation key of the label.
    label: &'static str,
    /// The field's name in its form; also its id (`field-{name}`) and the key of its errors.
    name: &'static str,
    /// The server function argument the form is (`form`): the control is then posted as
    /// `form[name]`, the serde_qs name of a field of that argument.
    #[prop(optional)]
    arg: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] inputmode: &'static str,
    #[prop(optional, into)] errors: Option<Signal<Vec<ErrorCode>>>,
    /// The control's id, where two forms of a page have a field of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let locale = use_locale();
    let id = id.map(str::to_owned).unwrap_or_else(|| format!("field-{name}"));
    let posted_name = match arg {
        Some(arg) => format!("{arg}[{name}]"),
        None => name.to_owned(),
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let errors = errors.unwrap_or_else(|| Signal::derive(Vec::new));
    let has_error = move || !errors.get().is_empty();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if has_error() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id.clone() class:required=required>
                {locale.t(label)}
            </label>
            <input
                id=id.clone()
                name=posted_name
                type=kind
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                required=required
                value=value.clone()
                // Also the property: when the page puts this form where another was (a field
                // page switching from adding to changing), the browser keeps what was typed
                // in a reused input unless its value is set.
                prop:value=value
                aria-invalid=move || if has_error() { "true" } else { "false" }
                aria-describedby=described_by
            />
            {hint.map(|key| view! { <p class="field-hint" id=hint_id.clone()>{locale.t(key)}</p> })}
            <FieldErrorText id=error_id errors />
        </div>
    }
}

/// The reasons a field was refused, said under it (`id` is what its control's
/// `aria-describedby` names); nothing while there are none. For a control other than
/// [`Field`]'s text input (a select, a group of checkboxes).
#[component]
pub fn FieldErrorText(id: String, #[prop(into)] errors: Signal<Vec<ErrorCode>>) -> impl IntoView {
    let locale = use_locale();
    move || {
        let codes = errors.get();
        (!codes.is_empty()).then(|| {
            let text = codes.iter().map(|code| locale.t(code.i18n_key())).collect::<Vec<_>>().join("；");
            view! { <p class="field-error" id=id.clone() role="alert">{text}</p> }
        })
    }
}

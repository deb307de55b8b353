//! `/m/<module>/<register>/fields`: the register's custom fields, for a user with its
//! `configure` permission — the fields added so far, and a form to add one (key, kind, a
//! label in each language, required, shown in the list, filterable, a choice's options). A
//! field added here is on the register's form, list, filters and record page at once, on
//! every server, with no rebuild (`shared::engine::custom`).

use std::sync::Arc;

use leptos::prelude::*;
use shared::engine::FieldKind;
use shared::engine::custom::CustomKind;

use super::Meta;
use super::api::{AddCustomField, describe_register};
use super::header::Header;
use crate::components::{Choice, ErrorAlert, ErrorBanner, Field, Select, field_errors, last_error};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

/// A custom field's kind as the table says it (custom fields are one of [`CustomKind`]).
fn kind_label(locale: Locale, kind: &FieldKind) -> String {
    let code = match kind {
        FieldKind::Text { .. } => CustomKind::Text,
        FieldKind::LongText => CustomKind::LongText,
        FieldKind::Integer { .. } => CustomKind::Integer,
        FieldKind::Decimal { .. } => CustomKind::Decimal,
        FieldKind::Date => CustomKind::Date,
        FieldKind::Boolean => CustomKind::Boolean,
        _ => CustomKind::Choice,
    };
    locale.t(&format!("engine.fields.kind.{}", code.code()))
}

#[component]
pub fn FieldsPage(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let add = ServerAction::<AddCustomField>::new();
    let error = last_error(add.value());
    // The fields as the server holds them after each addition (the page's own description
    // was read when it opened).
    let (module, name) = (meta.module.clone(), meta.name.clone());
    let current = resource(move || add.version().get(), move |_| describe_register(module.clone(), name.clone()));
    let errors = move |field: &'static str| field_errors(error, field);
    let kinds: Vec<Choice> = CustomKind::ALL
        .iter()
        .map(|kind| Choice::new(kind.code(), locale.t(&format!("engine.fields.kind.{}", kind.code()))))
        .collect();
    let check = move |name: &'static str| {
        let id = format!("field-{name}");
        view! {
            <label class="check" for=id.clone()>
                <input type="checkbox" id=id.clone() name=format!("form[{name}]") value="on" />
                {locale.t(&format!("engine.fields.{name}"))}
            </label>
        }
    };
    view! {
        <Header meta=meta.clone() heading=locale.t("engine.fields.title") />
        <section class="card" aria-labelledby="custom-fields">
            <h2 class="card-title" id="custom-fields">{locale.t("engine.fields.existing")}</h2>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(meta) => view! { <FieldTable meta=Arc::new(meta) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="custom-field-new">
            <h2 class="card-title" id="custom-field-new">{locale.t("engine.fields.add")}</h2>
            <ErrorBanner error />
            <ActionForm action=add attr:class="form" attr:novalidate=true>
                <input type="hidden" name="module" value=meta.module.clone() />
                <input type="hidden" name="register" value=meta.name.clone() />
                <div class="form-row">
                    <Field label="engine.fields.label_zh" name="label_zh" arg="form" required=true errors=errors("label_zh") />
                    <Field label="engine.fields.label_en" name="label_en" arg="form" required=true errors=errors("label_en") />
                    <Field label="engine.fields.key" name="key" arg="form" required=true hint="engine.fields.key_hint" errors=errors("key") />
                    <div class="field">
                        <label for="field-kind" class="required">{locale.t("engine.fields.type")}</label>
                        <Select id="field-kind" name="form[kind]" choices=kinds selected="text".to_owned() required=true />
                    </div>
                </div>
                <div class="field field-wide">
                    <label for="field-options">{locale.t("engine.fields.options")}</label>
                    <textarea id="field-options" name="form[options]" rows="4" aria-describedby="field-options-hint"></textarea>
                    <p class="field-hint" id="field-options-hint">{locale.t("engine.fields.options_hint")}</p>
                    {move || {
                        let codes = errors("options").get();
                        (!codes.is_empty()).then(|| view! {
                            <p class="field-error" role="alert">{codes.iter().map(|c| locale.t(c.i18n_key())).collect::<Vec<_>>().join("；")}</p>
                        })
                    }}
                </div>
                <div class="cluster">
                    {check("required")}
                    {check("in_list")}
                    {check("filterable")}
                </div>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="custom-field-add"
                        aria-busy=move || add.pending().get().to_string()>{locale.t("engine.fields.add")}</button>
                    <a class="btn btn-ghost" href=meta.path()>{locale.t("engine.back")}</a>
                </div>
            </ActionForm>
        </section>
    }
}

/// The custom fields added so far.
#[component]
fn FieldTable(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let yes_no = move |yes: bool| locale.t(if yes { "engine.yes" } else { "engine.no" });
    let rows: Vec<_> = meta.fields.iter().filter(|field| field.custom).collect();
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="custom-fields-empty">{locale.t("engine.fields.none")}</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid="custom-fields">
                <thead>
                    <tr>
                        <th scope="col">{locale.t("engine.fields.label")}</th>
                        <th scope="col">{locale.t("engine.fields.key")}</th>
                        <th scope="col">{locale.t("engine.fields.type")}</th>
                        <th scope="col">{locale.t("engine.fields.required")}</th>
                        <th scope="col">{locale.t("engine.fields.in_list")}</th>
                        <th scope="col">{locale.t("engine.fields.filterable")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|field| view! {
                        <tr>
                            <td data-label=locale.t("engine.fields.label")>{field.label.clone()}</td>
                            <td data-label=locale.t("engine.fields.key") class="mono">{field.name.clone()}</td>
                            <td data-label=locale.t("engine.fields.type")>{kind_label(locale, &field.kind)}</td>
                            <td data-label=locale.t("engine.fields.required")>{yes_no(field.required)}</td>
                            <td data-label=locale.t("engine.fields.in_list")>{yes_no(meta.list.contains(&field.name))}</td>
                            <td data-label=locale.t("engine.fields.filterable")>{yes_no(meta.filters.contains(&field.name))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

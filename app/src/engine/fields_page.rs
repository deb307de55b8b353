//! `/m/<module>/<register>/fields`: the register's custom fields, for a user with its
//! `configure` permission — every field added so far (retired ones too), a form to add one
//! (key, kind, a label in each language, required, shown in the list, filterable, a choice's
//! options), and, at `?edit=<key>`, the same form to change one: its labels, flags and
//! options, never its key or kind (the records' values are kept under them). A field can be
//! retired and reinstated. What is done here is on the register's form, list, filters,
//! statistics, import template and export at once, on every server, with no rebuild
//! (`shared::engine::custom`). Below, how long the register keeps its history
//! (`retention_form.rs`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::engine::custom::{ConfiguredField, CustomField, CustomKind};
use shared::error::{AppError, ErrorCode};

use super::Meta;
use super::api::{AddCustomField, ChangeCustomField, RetireCustomField, read_custom_fields};
use super::header::Header;
use super::retention_form::RetentionSection;
use crate::components::{Choice, ErrorAlert, ErrorBanner, Field, Select, field_errors, last_error, successes};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

fn kind_label(locale: Locale, kind: CustomKind) -> String {
    locale.t(&format!("engine.fields.kind.{}", kind.code()))
}

fn label_in(locale: Locale, field: &CustomField) -> String {
    match locale {
        Locale::ZhCn => field.label_zh.clone(),
        Locale::En => field.label_en.clone(),
    }
}

#[component]
pub fn FieldsPage(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let add = ServerAction::<AddCustomField>::new();
    let change = ServerAction::<ChangeCustomField>::new();
    let retire = ServerAction::<RetireCustomField>::new();
    let query = use_query_map();
    let editing = Memo::new(move |_| query.read().get("edit"));
    // The fields as the server holds them after each change (not after a refusal, which
    // keeps the form as the administrator filled it).
    let (module, name) = (meta.module.clone(), meta.name.clone());
    let (added, changed, retired) = (successes(add.value()), successes(change.value()), successes(retire.value()));
    let fields = resource(
        move || (added.get(), changed.get(), retired.get()),
        move |_| read_custom_fields(module.clone(), name.clone()),
    );
    let retire_error = last_error(retire.value());
    let form_meta = meta.clone();
    let retention_meta = meta.clone();
    view! {
        <Header meta=meta.clone() heading=locale.t("engine.fields.title") />
        <section class="card" aria-labelledby="custom-fields">
            <h2 class="card-title" id="custom-fields">{locale.t("engine.fields.existing")}</h2>
            <p class="field-hint">{locale.t("engine.fields.retired_hint")}</p>
            <ErrorBanner error=retire_error />
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let meta = meta.clone();
                    Suspend::new(async move {
                        match fields.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(fields) => view! { <FieldTable meta fields retire /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
        <Transition fallback=|| ()>
            {move || {
                let meta = form_meta.clone();
                Suspend::new(async move {
                    let edited = match (editing.get(), fields.await) {
                        (Some(key), Ok(fields)) => fields.into_iter().find(|entry| entry.field.key == key),
                        _ => None,
                    };
                    match edited {
                        Some(entry) => view! { <ChangeForm meta field=entry.field action=change /> }.into_any(),
                        None => view! { <AddForm meta action=add /> }.into_any(),
                    }
                })
            }}
        </Transition>
        <RetentionSection meta=retention_meta />
    }
}

#[component]
fn AddForm(meta: Meta, action: ServerAction<AddCustomField>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    // Added, the form is emptied for the next field (without JavaScript the page is new).
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(())))
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <section class="card" aria-labelledby="custom-field-form">
            <h2 class="card-title" id="custom-field-form">{locale.t("engine.fields.add")}</h2>
            <ErrorBanner error />
            <ActionForm action node_ref=form attr:class="form" attr:novalidate=true>
                <FieldInputs meta=meta.clone() field=None error />
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="custom-field-add"
                        aria-busy=move || action.pending().get().to_string()>{locale.t("engine.fields.add")}</button>
                    <a class="btn btn-ghost" href=meta.path()>{locale.t("engine.back")}</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangeForm(meta: Meta, field: CustomField, action: ServerAction<ChangeCustomField>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    let heading = format!("{}：{}", locale.t("engine.fields.change"), label_in(locale, &field));
    view! {
        <section class="card" aria-labelledby="custom-field-form" data-testid="custom-field-change-form">
            <h2 class="card-title" id="custom-field-form">{heading}</h2>
            <ErrorBanner error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FieldInputs meta=meta.clone() field=Some(field) error />
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="custom-field-save"
                        aria-busy=move || action.pending().get().to_string()>{locale.t("engine.save")}</button>
                    <a class="btn btn-ghost" href=format!("{}/fields", meta.path())>{locale.t("engine.cancel")}</a>
                </div>
            </ActionForm>
        </section>
    }
}

/// The inputs of a custom field's form, empty for a new field or holding `field`'s values;
/// a changed field shows its key and kind without letting them change.
#[component]
fn FieldInputs(meta: Meta, field: Option<CustomField>, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    let errors = move |name: &'static str| field_errors(error, name);
    let value = |read: fn(&CustomField) -> String| field.as_ref().map(read);
    let (label_zh, label_en) = (value(|f| f.label_zh.clone()), value(|f| f.label_en.clone()));
    let options = value(|f| f.options.join("\n")).unwrap_or_default();
    let options_property = options.clone();
    let flags = field.as_ref().map_or([false; 3], |f| [f.required, f.in_list, f.filterable]);
    let ticked = move |name: &str| match name {
        "required" => flags[0],
        "in_list" => flags[1],
        _ => flags[2],
    };
    let check = move |name: &'static str| {
        let id = format!("field-{name}");
        view! {
            <label class="check" for=id.clone()>
                <input type="checkbox" id=id.clone() name=format!("form[{name}]") value="on"
                    checked=ticked(name) prop:checked=ticked(name) />
                {locale.t(&format!("engine.fields.{name}"))}
            </label>
        }
    };
    let fixed = field.as_ref().map(|field| {
        view! {
            <input type="hidden" name="form[key]" value=field.key.clone() />
            <div class="field">
                <span class="field-label">{locale.t("engine.fields.key")}</span>
                <p class="mono" data-testid="custom-field-key">{field.key.clone()}</p>
            </div>
            <div class="field">
                <span class="field-label">{locale.t("engine.fields.type")}</span>
                <p>{kind_label(locale, field.kind)}</p>
            </div>
        }
    });
    let new = field.is_none().then(|| {
        let kinds: Vec<Choice> =
            CustomKind::ALL.iter().map(|kind| Choice::new(kind.code(), kind_label(locale, *kind))).collect();
        view! {
            <Field label="engine.fields.key" name="key" arg="form" required=true hint="engine.fields.key_hint" errors=errors("key") />
            <div class="field">
                <label for="field-kind" class="required">{locale.t("engine.fields.type")}</label>
                <Select id="field-kind" name="form[kind]" choices=kinds selected="text".to_owned() required=true />
            </div>
        }
    });
    view! {
        <input type="hidden" name="module" value=meta.module.clone() />
        <input type="hidden" name="register" value=meta.name.clone() />
        <div class="form-row">
            <Field label="engine.fields.label_zh" name="label_zh" arg="form" required=true value=label_zh.unwrap_or_default() errors=errors("label_zh") />
            <Field label="engine.fields.label_en" name="label_en" arg="form" required=true value=label_en.unwrap_or_default() errors=errors("label_en") />
            {new}
            {fixed}
        </div>
        <div class="field field-wide">
            <label for="field-options">{locale.t("engine.fields.options")}</label>
            <textarea id="field-options" name="form[options]" rows="4" aria-describedby="field-options-hint"
                prop:value=options_property>{options}</textarea>
            <p class="field-hint" id="field-options-hint">{locale.t("engine.fields.options_hint")}</p>
            {move || {
                let codes: Vec<ErrorCode> = errors("options").get();
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
    }
}

/// Every custom field, with a link to change it and a button to retire or reinstate it.
#[component]
fn FieldTable(meta: Meta, fields: Vec<ConfiguredField>, retire: ServerAction<RetireCustomField>) -> impl IntoView {
    let locale = use_locale();
    let yes_no = move |yes: bool| locale.t(if yes { "engine.yes" } else { "engine.no" });
    if fields.is_empty() {
        return view! { <p class="muted" data-testid="custom-fields-empty">{locale.t("engine.fields.none")}</p> }
            .into_any();
    }
    let head = |key: &str| locale.t(&format!("engine.fields.{key}"));
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid="custom-fields">
                <thead>
                    <tr>
                        <th scope="col">{head("label")}</th>
                        <th scope="col">{head("key")}</th>
                        <th scope="col">{head("type")}</th>
                        <th scope="col">{head("required")}</th>
                        <th scope="col">{head("in_list")}</th>
                        <th scope="col">{head("filterable")}</th>
                        <th scope="col">{head("status")}</th>
                        <th scope="col"><span class="visually-hidden">{head("actions")}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {fields.into_iter().map(|ConfiguredField { field, retired }| {
                        let label = label_in(locale, &field);
                        let (module, register) = (meta.module.clone(), meta.name.clone());
                        let testid = format!("custom-field-{}", field.key);
                        let edit = format!("{}/fields?edit={}", meta.path(), field.key);
                        let (status, button) = if retired {
                            (head("retired"), head("reinstate"))
                        } else {
                            (head("active"), head("retire"))
                        };
                        view! {
                            <tr class:muted=retired data-testid=testid>
                                <td data-label=head("label")>{label.clone()}</td>
                                <td data-label=head("key") class="mono">{field.key.clone()}</td>
                                <td data-label=head("type")>{kind_label(locale, field.kind)}</td>
                                <td data-label=head("required")>{yes_no(field.required)}</td>
                                <td data-label=head("in_list")>{yes_no(field.in_list)}</td>
                                <td data-label=head("filterable")>{yes_no(field.filterable)}</td>
                                <td data-label=head("status")>
                                    <span class=if retired { "badge badge-muted" } else { "badge badge-ok" }>{status}</span>
                                </td>
                                <td class="row-actions">
                                    <a class="btn btn-ghost btn-sm" href=edit
                                        aria-label=format!("{}：{label}", head("change"))>{head("change")}</a>
                                    <ActionForm action=retire attr:class="inline-form">
                                        <input type="hidden" name="module" value=module />
                                        <input type="hidden" name="register" value=register />
                                        <input type="hidden" name="key" value=field.key.clone() />
                                        <input type="hidden" name="retire" value=(!retired).to_string() />
                                        <button class="btn btn-ghost btn-sm" type="submit"
                                            aria-label=format!("{button}：{label}")>{button.clone()}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

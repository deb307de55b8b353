//! `/admin/registers`: the run-time registers (专项台账) of the deployment — a campaign's
//! ledger made without code (`shared::engine::runtime`). The administrator names it, titles
//! it in both languages and says where its records belong; its fields are added on its fields
//! page, which the new register opens; it may be retitled later (`?edit=<name>` opens the
//! form above the list), its name never. Plain forms answered with a redirect: they work
//! without JavaScript.

use leptos::prelude::*;
use shared::engine::declare::Place;
use shared::engine::runtime::{NAME_MAX, RuntimeRegister, TITLE_MAX};

use super::api::{CreateRuntimeRegister, RetitleRuntimeRegister, runtime_registers};
use crate::components::{
    Choice, ErrorAlert, ErrorBanner, Field, FieldErrorText, PageHeader, Select, field_errors, last_error,
};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn RegistersPage() -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateRuntimeRegister>::new();
    let retitle = ServerAction::<RetitleRuntimeRegister>::new();
    // Read again after a retitle (in the browser the answer's redirect keeps this page).
    let registers = resource(move || retitle.version().get(), |_| runtime_registers());
    let query = leptos_router::hooks::use_query_map();
    let editing = move || query.read().get("edit");
    let retitled = move || query.read().get("retitled").is_some();
    view! {
        <PageHeader title="nav.registers" section="nav.section.admin" description="registers.description" />
        <NewRegister action=create />
        <section class="card" aria-labelledby="registers-title">
            <h2 class="card-title" id="registers-title">{locale.t("registers.list")}</h2>
            <Show when=retitled>
                <p class="alert alert-success" role="status">{locale.t("registers.retitled")}</p>
            </Show>
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match registers.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(rows) => {
                            let edited = editing().and_then(|name| rows.iter().find(|row| row.name == name).cloned());
                            view! {
                                {edited.map(|row| view! { <Retitle row action=retitle /> })}
                                <RegisterTable rows />
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NewRegister(action: ServerAction<CreateRuntimeRegister>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    let errors = move |name: &'static str| field_errors(error, name);
    let places: Vec<Choice> = Place::ALL
        .iter()
        .map(|place| Choice::new(place.code(), locale.t(&format!("registers.place_{}", place.code()))))
        .collect();
    view! {
        <section class="card" aria-labelledby="register-new-title" data-testid="register-new">
            <h2 class="card-title" id="register-new-title">{locale.t("registers.new")}</h2>
            <p class="muted">{locale.t("registers.intro")}</p>
            <ErrorBanner error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <div class="form-grid">
                    <Field label="registers.title_zh" name="title_zh" arg="form" required=true errors=errors("title_zh") />
                    <Field label="registers.title_en" name="title_en" arg="form" required=true errors=errors("title_en") />
                    <Field label="registers.name" name="name" arg="form" required=true autocomplete="off" hint="registers.name_hint" errors=errors("name") />
                    <div class="field">
                        <label for="field-place" class="required">{locale.t("registers.place")}</label>
                        <Select id="field-place" name="form[place]" choices=places required=true />
                        <FieldErrorText id="field-place-error".to_owned() errors=errors("place") />
                    </div>
                </div>
                <p class="field-hint">{locale.tf("registers.rules", &[("name", NAME_MAX.to_string()), ("title", TITLE_MAX.to_string())])}</p>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="register-create"
                        aria-busy=move || action.pending().get().to_string()>{locale.t("registers.create")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The form that gives one register new titles (its name is shown, not editable).
#[component]
fn Retitle(row: RuntimeRegister, action: ServerAction<RetitleRuntimeRegister>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    let errors = move |name: &'static str| field_errors(error, name);
    let heading = locale.tf("registers.retitle_title", &[("name", row.title.in_locale(locale.code()).to_owned())]);
    view! {
        <div class="card-inset" id="register-retitle" data-testid="register-retitle">
            <h3>{heading}</h3>
            <p class="muted">{locale.t("registers.retitle_hint")} " " <code>{row.name.clone()}</code></p>
            <ErrorBanner error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="name" value=row.name.clone() />
                <div class="form-grid">
                    <Field label="registers.title_zh" name="title_zh" id="retitle-title_zh" arg="form" required=true value=row.title.zh.clone() errors=errors("title_zh") />
                    <Field label="registers.title_en" name="title_en" id="retitle-title_en" arg="form" required=true value=row.title.en.clone() errors=errors("title_en") />
                </div>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" data-testid="register-retitle-save"
                        aria-busy=move || action.pending().get().to_string()>{locale.t("registers.save")}</button>
                    <a class="btn btn-ghost" href="/admin/registers">{locale.t("registers.cancel")}</a>
                </div>
            </ActionForm>
        </div>
    }
}

#[component]
fn RegisterTable(rows: Vec<RuntimeRegister>) -> impl IntoView {
    let locale = use_locale();
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="registers">{locale.t("registers.none")}</p> }.into_any();
    }
    let head = |key: &str| locale.t(&format!("registers.{key}"));
    let rows = rows
        .into_iter()
        .map(|row| {
            let list = row.path();
            let fields = format!("{list}/fields");
            let edit = format!("/admin/registers?edit={}#register-retitle", row.name);
            let created = shared::time::local(row.created_at).format("%Y-%m-%d").to_string();
            let title = row.title.in_locale(locale.code()).to_owned();
            let (name, key) = (row.name.clone(), row.name);
            view! {
                <tr data-register=key>
                    <td data-label=head("title")><a href=list>{title}</a></td>
                    <td data-label=head("name")><code>{name}</code></td>
                    <td data-label=head("place")>{head(&format!("place_{}", row.place.code()))}</td>
                    <td data-label=head("fields")>{row.fields}</td>
                    <td data-label=head("created")>{format!("{created} {}", row.created_by)}</td>
                    <td class="row-actions">
                        <a class="btn btn-ghost btn-small" href=fields>{head("edit_fields")}</a>
                        <a class="btn btn-ghost btn-small" href=edit>{head("retitle")}</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid="registers">
                <thead>
                    <tr>
                        <th scope="col">{head("title")}</th>
                        <th scope="col">{head("name")}</th>
                        <th scope="col">{head("place")}</th>
                        <th scope="col">{head("fields")}</th>
                        <th scope="col">{head("created")}</th>
                        <th scope="col"><span class="visually-hidden">{locale.t("table.actions")}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

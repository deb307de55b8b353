//! `/admin/roles`: roles as sets of permission codes plus a data scope; the security
//! administrator creates custom roles (built-in ones are read-only).

use leptos::prelude::*;
use shared::accounts::SessionUser;
use shared::engine::meta::RegisterGrants;
use shared::error::AppError;
use shared::permissions::{DataScope, Permission, codes};

use super::api::{CreateRole, list_roles};
use crate::components::{Choice, ErrorAlert, ErrorBanner, Field, PageHeader, Select, field_errors, last_error};
use crate::engine::api::grant_catalogue;
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn RolesPage() -> impl IntoView {
    let locale = use_locale();
    let can_manage = use_context::<SessionUser>().is_some_and(|u| u.can(codes::ROLES_MANAGE));
    let create = ServerAction::<CreateRole>::new();
    let params = leptos_router::hooks::use_query_map();
    let roles = resource(move || create.version().get(), |_| list_roles());
    // The registers' permission codes and their labels (the registers' texts are the server's).
    let grants: Grants = resource(|| (), |_| grant_catalogue());
    view! {
        <PageHeader title="nav.roles" section="nav.section.admin" description="roles.description" />
        {move || params.read().get("created").is_some().then(|| view! { <div class="alert alert-success" role="status">{locale.t("roles.created")}</div> })}
        {can_manage.then(|| view! { <CreateRoleCard create grants /> })}
        <section class="card">
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    let grants = grants.await.unwrap_or_default();
                    match roles.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(roles) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile">
                                    <caption class="visually-hidden">{locale.t("nav.roles")}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{locale.t("roles.name")}</th>
                                            <th scope="col">{locale.t("roles.scope")}</th>
                                            <th scope="col">{locale.t("roles.permissions")}</th>
                                            <th scope="col" class="num">{locale.t("roles.users")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {roles
                                            .into_iter()
                                            .map(|role| {
                                                view! {
                                                    <tr>
                                                        <td data-label=locale.t("roles.name")>
                                                            <strong>{role.name}</strong>
                                                            {role.builtin.then(|| view! { " " <span class="badge badge-muted">{locale.t("roles.builtin")}</span> })}
                                                            <br />
                                                            <span class="muted">{role.description}</span>
                                                        </td>
                                                        <td data-label=locale.t("roles.scope")>{locale.t(&format!("scope.{}", role.scope.as_str()))}</td>
                                                        <td data-label=locale.t("roles.permissions")>
                                                            <span class="cluster">
                                                                {role
                                                                    .permissions
                                                                    .iter()
                                                                    .map(|p| view! { <span class="badge badge-info">{locale.t(p.i18n_key())}</span> })
                                                                    .collect_view()}
                                                                {role
                                                                    .records
                                                                    .iter()
                                                                    .map(|code| view! { <span class="badge badge-info">{record_label(&grants, code)}</span> })
                                                                    .collect_view()}
                                                            </span>
                                                        </td>
                                                        <td class="num" data-label=locale.t("roles.users")>{role.users}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

type Grants = Resource<Result<Vec<RegisterGrants>, AppError>, crate::wire::Data>;

#[component]
fn CreateRoleCard(create: ServerAction<CreateRole>, grants: Grants) -> impl IntoView {
    let locale = use_locale();
    let errors = move |field| field_errors(last_error(create.value()), field);
    let inline = move |field: &'static str| {
        move || {
            let codes = errors(field).get();
            (!codes.is_empty()).then(|| view! { <p class="field-error" role="alert">{codes.iter().map(|c| locale.t(&format!("errors.{c}"))).collect::<Vec<_>>().join("；")}</p> })
        }
    };
    view! {
        <details class="card" open=move || create.value().get().is_some_and(|r| r.is_err())>
            <summary class="card-title">{locale.t("roles.create")}</summary>
            <ErrorBanner error=last_error(create.value()) />
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <div class="form-row">
                    <Field label="roles.code" name="code" arg="form" required=true hint="roles.code_hint" errors=errors("code") />
                    <Field label="roles.name" name="name" arg="form" required=true errors=errors("name") />
                </div>
                <Field label="roles.description_field" name="description" arg="form" errors=errors("description") />
                <div class="field">
                    <label for="field-scope">{locale.t("roles.scope")}</label>
                    <Select
                        id="field-scope"
                        name="form[scope]"
                        choices={DataScope::ALL
                            .iter()
                            .map(|s| Choice::new(s.as_str(), locale.t(&format!("scope.{}", s.as_str()))))
                            .collect::<Vec<_>>()}
                        selected={DataScope::Village.as_str().to_owned()}
                    />
                    {inline("scope")}
                </div>
                <fieldset class="field">
                    <legend>{locale.t("roles.permissions")}</legend>
                    <div class="cluster">
                        {Permission::ALL
                            .iter()
                            .enumerate()
                            .map(|(i, permission)| {
                                let id = format!("perm-{i}");
                                view! {
                                    <label class="checkbox" for=id.clone()>
                                        <input type="checkbox" id=id.clone() name=format!("form[permissions][{i}]") value=permission.as_str() />
                                        {locale.t(permission.i18n_key())}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    {inline("permissions")}
                </fieldset>
                <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                    {move || Suspend::new(async move {
                        match grants.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(grants) => view! { <RegisterPermissions grants offset=Permission::ALL.len() /> }.into_any(),
                        }
                    })}
                </Suspense>
                <button class="btn btn-primary" type="submit">{locale.t("roles.create_submit")}</button>
            </ActionForm>
        </details>
    }
}

/// "党员 · 查看" for a stored code `m.party.members.view` (the code itself if no declared
/// register has it: the service logged it and it grants nothing).
fn record_label(grants: &[RegisterGrants], code: &str) -> String {
    grants
        .iter()
        .find_map(|register| {
            register
                .grants
                .iter()
                .find(|grant| grant.code == code)
                .map(|grant| format!("{} · {}", register.title, grant.label))
        })
        .unwrap_or_else(|| code.to_owned())
}

/// Every register's grants, grouped by module and register, as checkboxes of the same
/// `form[permissions][i]` list (numbered on from `offset`): a register added to a module
/// appears here without a change to this page.
#[component]
fn RegisterPermissions(grants: Vec<RegisterGrants>, offset: usize) -> impl IntoView {
    let locale = use_locale();
    let mut index = offset;
    // Registers come module by module: a new legend where the module changes.
    let mut modules: Vec<(String, Vec<RegisterGrants>)> = Vec::new();
    for register in grants {
        match modules.last_mut() {
            Some((title, registers)) if *title == register.module_title => registers.push(register),
            _ => modules.push((register.module_title.clone(), vec![register])),
        }
    }
    let modules = modules
        .into_iter()
        .map(|(module_title, registers)| {
            let registers = registers
                .into_iter()
                .map(|register| {
                    let actions = register
                        .grants
                        .into_iter()
                        .map(|grant| {
                            let id = format!("perm-{index}");
                            let name = format!("form[permissions][{index}]");
                            index += 1;
                            view! {
                                <label class="checkbox" for=id.clone()>
                                    <input type="checkbox" id=id.clone() name=name value=grant.code />
                                    {grant.label}
                                </label>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="field">
                            <strong>{register.title}</strong>
                            <div class="cluster">{actions}</div>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="field">
                    <legend>{module_title}</legend>
                    {registers}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <p class="card-title">{locale.t("roles.registers")}</p>
            {modules}
        </div>
    }
}

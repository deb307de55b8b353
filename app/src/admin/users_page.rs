//! `/admin/users`: accounts of the township — create staff, review enterprise
//! registrations, disable and re-enable accounts, reset a forgotten password.

use leptos::prelude::*;
use shared::accounts::{SessionUser, TemporaryPassword, UserKind, UserRow, UserStatus};
use shared::permissions::codes;

use super::api::{CreateStaff, ResetPassword, SetUserStatus, list_roles, list_users, temporary_password};
use super::shown_note::ShownOnce;
use crate::components::{
    Choice, Column, ErrorBanner, Field, ListTable, PageHeader, SearchForm, Select, field_errors, last_error,
    table_query,
};
use crate::i18n::use_locale;
use crate::wire::resource;

const FILTERS: &[&str] = &["staff", "enterprise", "public", "pending", "active", "disabled"];

/// The table's columns.
const COLUMNS: &[Column] = &[
    Column::sorted("username", "users.username"),
    Column::sorted("display_name", "users.display_name"),
    Column::plain("users.kind"),
    Column::plain("users.roles"),
    Column::plain("users.status"),
    Column::sorted("last_login_at", "users.last_login"),
    Column::plain("table.actions"),
];

#[component]
pub fn UsersPage() -> impl IntoView {
    let locale = use_locale();
    let me = use_context::<SessionUser>();
    let can_manage = me.as_ref().is_some_and(|u| u.can(codes::USERS_MANAGE));
    let can_approve = me.as_ref().is_some_and(|u| u.can(codes::ENTERPRISES_APPROVE));
    let query = table_query();
    let params = leptos_router::hooks::use_query_map();
    let created = move || params.read().get("created").is_some();
    let set_status = ServerAction::<SetUserStatus>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let create = ServerAction::<CreateStaff>::new();
    let page = resource(
        move || (query.get(), set_status.version().get(), reset.version().get(), create.version().get()),
        |(q, ..)| list_users(q),
    );
    let me_id = me.as_ref().map(|u| u.id);
    view! {
        <PageHeader title="nav.users" section="nav.section.admin" description="users.description" />
        {move || created().then(|| view! { <div class="alert alert-success" role="status">{locale.t("users.created")}</div> })}
        {can_manage.then(|| view! { <CreateStaffCard create /> })}
        <ErrorBanner error=last_error(set_status.value()) />
        <ErrorBanner error=last_error(reset.value()) />
        // The temporary password just set, shown this once: the administrator gives it to its holder.
        <ShownOnce
            answer=Signal::derive(move || reset.value().get().and_then(Result::ok))
            param="reset"
            fetch=temporary_password
            expired="users.reset_expired"
            show=|done| view! { <Temporary done /> }
        />
        <section class="card">
            <SearchForm query label="users.search">
                <div class="field">
                    <label for="filter">{locale.t("users.filter")}</label>
                    <Select
                        id="filter"
                        name="filter"
                        choices=move || {
                            std::iter::once(Choice::empty(locale.t("table.all")))
                                .chain(FILTERS.iter().map(|f| Choice::new(f, locale.t(&format!("users.filter_{f}")))))
                                .collect::<Vec<_>>()
                        }
                        selected=move || query.get().filter
                    />
                </div>
            </SearchForm>
            <ListTable query page caption="nav.users" columns=COLUMNS row=move |row: UserRow| view! { <UserRowView row set_status reset can_manage can_approve me_id /> } />
        </section>
    }
}

fn status_badge(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => "badge badge-ok",
        UserStatus::Pending => "badge badge-warn",
        UserStatus::Rejected => "badge badge-danger",
        UserStatus::Disabled => "badge badge-muted",
    }
}

#[component]
fn UserRowView(
    row: UserRow,
    set_status: ServerAction<SetUserStatus>,
    reset: ServerAction<ResetPassword>,
    can_manage: bool,
    can_approve: bool,
    me_id: Option<i64>,
) -> impl IntoView {
    let locale = use_locale();
    let last_login = row
        .last_login_at
        .map(|t| shared::time::local(t).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".into());
    let pending_enterprise = row.kind == UserKind::Enterprise && row.status == UserStatus::Pending;
    let mut actions: Vec<(&'static str, &'static str, &'static str)> = Vec::new();
    if pending_enterprise && can_approve {
        actions.push(("active", "users.approve", "btn btn-primary btn-small"));
        actions.push(("rejected", "users.reject", "btn btn-danger btn-small"));
    } else if can_manage && row.status == UserStatus::Active {
        actions.push(("disabled", "users.disable", "btn btn-ghost btn-small"));
    } else if can_manage && row.status == UserStatus::Disabled {
        actions.push(("active", "users.enable", "btn btn-ghost btn-small"));
    }
    // Not an enterprise awaiting review, nor one's own account (that is 修改密码).
    let resettable = can_manage && !pending_enterprise && me_id != Some(row.id);
    let subject = row
        .enterprise_name
        .clone()
        .map(|e| format!("{} · {e}", row.display_name))
        .unwrap_or_else(|| row.display_name.clone());
    view! {
        <tr>
            <td class="mono" data-label=locale.t("users.username")>{row.username.clone()}</td>
            <td data-label=locale.t("users.display_name")>
                {subject.clone()}
                {row.credit_code.clone().map(|c| view! { <br /><span class="muted mono">{c}</span> })}
            </td>
            <td data-label=locale.t("users.kind")>{locale.t(&format!("users.kind_{}", row.kind.as_str()))}</td>
            <td data-label=locale.t("users.roles")>{row.roles.join("、")}</td>
            <td data-label=locale.t("users.status")>
                <span class=status_badge(row.status)>{locale.t(&format!("users.status_{}", row.status.as_str()))}</span>
            </td>
            <td data-label=locale.t("users.last_login")>{last_login}</td>
            <td data-label=locale.t("table.actions")>
                <div class="cluster">
                    {actions
                        .into_iter()
                        .map(|(status, label, class)| {
                            let name = format!("{} {}", locale.t(label), subject);
                            view! {
                                <ActionForm action=set_status>
                                    <input type="hidden" name="user_id" value=row.id />
                                    <input type="hidden" name="status" value=status />
                                    <button class=class type="submit" aria-label=name>{locale.t(label)}</button>
                                </ActionForm>
                            }
                        })
                        .collect_view()}
                    {resettable.then(|| {
                        let name = format!("{} {}", locale.t("users.reset_password"), subject);
                        view! {
                            <ActionForm action=reset>
                                <input type="hidden" name="user_id" value=row.id />
                                <button class="btn btn-ghost btn-small" type="submit" aria-label=name>{locale.t("users.reset_password")}</button>
                            </ActionForm>
                        }
                    })}
                </div>
            </td>
        </tr>
    }
}

#[component]
fn Temporary(done: TemporaryPassword) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card alert-success" role="status" data-testid="temporary-password">
            <p>{locale.tf("users.reset_done", &[("username", done.username.clone())])}</p>
            <p>
                {locale.t("users.reset_password_label")}" "
                <strong class="mono">{done.password.clone()}</strong>
            </p>
            <p class="muted">{locale.t("users.reset_hint")}</p>
        </section>
    }
}

#[component]
fn CreateStaffCard(create: ServerAction<CreateStaff>) -> impl IntoView {
    let locale = use_locale();
    let roles = resource(|| (), |_| list_roles());
    let errors = move |field| field_errors(last_error(create.value()), field);
    view! {
        <details class="card" open=move || create.value().get().is_some_and(|r| r.is_err())>
            <summary class="card-title">{locale.t("users.create")}</summary>
            <ErrorBanner error=last_error(create.value()) />
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <div class="form-row">
                    <Field label="users.username" name="username" arg="form" autocomplete="off" required=true hint="users.username_hint" errors=errors("username") />
                    <Field label="users.display_name" name="display_name" arg="form" required=true errors=errors("display_name") />
                </div>
                <div class="form-row">
                    <Field label="register.phone" name="phone" arg="form" kind="tel" inputmode="numeric" errors=errors("phone") />
                    <div class="field">
                        <label for="field-role_code">{locale.t("users.role")}</label>
                        <Suspense fallback=move || view! { <Select id="field-role_code" name="form[role_code]" choices={Vec::<Choice>::new()} disabled=true /> }>
                            {move || Suspend::new(async move {
                                let choices: Vec<Choice> = roles
                                    .await
                                    .unwrap_or_default()
                                    .iter()
                                    .filter(|r| r.code != "public" && r.code != "enterprise")
                                    .map(|r| Choice::new(&r.code, r.name.clone()))
                                    .collect();
                                view! { <Select id="field-role_code" name="form[role_code]" choices required=true /> }
                            })}
                        </Suspense>
                        {move || {
                            let codes = errors("role_code").get();
                            (!codes.is_empty()).then(|| view! { <p class="field-error" role="alert">{codes.iter().map(|c| locale.t(&format!("errors.{c}"))).collect::<Vec<_>>().join("；")}</p> })
                        }}
                    </div>
                </div>
                <Field label="users.initial_password" name="password" arg="form" kind="password" autocomplete="new-password" required=true hint="register.password_hint" errors=errors("password") />
                <button class="btn btn-primary" type="submit">{locale.t("users.create_submit")}</button>
            </ActionForm>
        </details>
    }
}

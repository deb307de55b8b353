//! Server functions of the administration module. Each meets its caller through
//! [`session::require`] or [`session::authorized`] (the rule is written there); the services
//! check again.

use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::accounts::{NewStaff, RoleRow, UserRow};
use shared::audit::{AuditRow, AuditSearch, ChainVerification};
use shared::error::AppError;
use shared::paging::{Page, TableQuery};

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
#[cfg(feature = "ssr")]
use shared::permissions::codes;

#[server(endpoint = "admin/users", output = Postcard)]
pub async fn list_users(query: TableQuery) -> Result<Page<UserRow>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::USERS_VIEW).await?;
    shared::accounts::service::users::list(&mut conn, &user, &query).await
}

/// Creates a staff account (system administrator). The form's fields are `form[…]`.
#[server(endpoint = "admin/create_staff", output = Postcard)]
pub async fn create_staff(form: NewStaff) -> Result<i64, AppError> {
    let Authorized { user, mut conn } = session::require(codes::USERS_MANAGE).await?;
    let form = NewStaff { username: form.username.trim().to_owned(), ..form };
    let id = shared::accounts::service::users::create_staff(&mut conn, &user, &form).await?;
    // Back to the list, filtered to the new account, with or without JavaScript.
    leptos_axum::redirect(&format!("/admin/users?created=1&q={}", form.username));
    Ok(id)
}

/// Approve / reject an enterprise, or disable / enable an account.
#[server(endpoint = "admin/set_status", output = Postcard)]
pub async fn set_user_status(user_id: i64, status: String) -> Result<(), AppError> {
    use shared::accounts::UserStatus;
    // Approving needs `users.approve`, disabling `users.manage`: the service decides which.
    let Authorized { user: actor, mut conn } = session::require(codes::USERS_VIEW).await?;
    let status =
        UserStatus::parse(&status).ok_or_else(|| AppError::field("status", shared::error::ErrorCode::Required))?;
    shared::accounts::service::users::set_status(&mut conn, &actor, user_id, status).await
}

/// A temporary password for an account whose holder forgot theirs. With JavaScript it comes
/// back in the answer; a plain form post is redirected to the list with a one-time note
/// (`shown_once`) that shows it once.
#[server(endpoint = "admin/reset_password", output = Postcard)]
pub async fn reset_password(user_id: i64) -> Result<shared::accounts::TemporaryPassword, AppError> {
    let Authorized { user: actor, mut conn } = session::require(codes::USERS_MANAGE).await?;
    let reset = shared::accounts::service::password::reset(&mut conn, &actor, user_id).await?;
    crate::admin::shown_once::TEMPORARY_PASSWORDS.keep_for_plain_form(actor.id, &reset, "/admin/users", "reset");
    Ok(reset)
}

/// The temporary password a plain form post set, once (see [`reset_password`]).
#[server(endpoint = "admin/temporary_password", output = Postcard)]
pub async fn temporary_password(note: String) -> Result<Option<shared::accounts::TemporaryPassword>, AppError> {
    let Authorized { user, .. } = session::require(codes::USERS_MANAGE).await?;
    Ok(crate::admin::shown_once::TEMPORARY_PASSWORDS.take(user.id, &note))
}

#[server(endpoint = "admin/roles", output = Postcard)]
pub async fn list_roles() -> Result<Vec<RoleRow>, AppError> {
    // The role list is also what the system administrator picks from when creating staff:
    // two permissions admit it, and the service checks none.
    let Authorized { user, mut conn } = session::authorized().await?;
    if !user.can(codes::ROLES_VIEW) && !user.can(codes::USERS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    shared::accounts::service::roles::list(&mut conn).await
}

/// A custom role as the form sends it: `form[code]`, …, `form[permissions][i]` for each
/// ticked permission (none ticked: the field is absent).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewRole {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// Creates a custom role (security administrator).
#[server(endpoint = "admin/create_role", output = Postcard)]
pub async fn create_role(form: NewRole) -> Result<i32, AppError> {
    use shared::accounts::service::roles::{RoleForm, create_custom};
    let Authorized { user, mut conn } = session::require(codes::ROLES_MANAGE).await?;
    let NewRole { code, name, description, scope, permissions } = form;
    let form = RoleForm { code: code.trim().to_owned(), name, description, permissions, scope };
    let id = create_custom(&mut conn, &user, &form).await?;
    leptos_axum::redirect("/admin/roles?created=1");
    Ok(id)
}

#[server(endpoint = "admin/audit", output = Postcard)]
pub async fn list_audit(search: AuditSearch) -> Result<Page<AuditRow>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::AUDIT_VIEW).await?;
    shared::audit::service::list(&mut conn, &user, &search).await
}

#[server(endpoint = "admin/audit_verify", output = Postcard)]
pub async fn verify_audit() -> Result<ChainVerification, AppError> {
    let Authorized { user, mut conn } = session::require(codes::AUDIT_VIEW).await?;
    shared::audit::service::verify(&mut conn, &user).await
}

/// The run-time registers (专项台账) of the deployment.
#[server(endpoint = "admin/registers", output = Postcard)]
pub async fn runtime_registers() -> Result<Vec<shared::engine::runtime::RuntimeRegister>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::REGISTERS_MANAGE).await?;
    shared::engine::service::runtime::list(&mut conn, &user).await
}

/// Gives a run-time register new titles; back to the list.
#[server(endpoint = "admin/retitle_register", output = Postcard)]
pub async fn retitle_runtime_register(
    name: String,
    form: shared::engine::runtime::RuntimeTitleForm,
) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::REGISTERS_MANAGE).await?;
    shared::engine::service::runtime::retitle(&mut conn, &user, &name, &form).await?;
    leptos_axum::redirect("/admin/registers?retitled=1");
    Ok(())
}

/// Creates a run-time register, then opens its fields page, where its fields are added.
#[server(endpoint = "admin/create_register", output = Postcard)]
pub async fn create_runtime_register(form: shared::engine::runtime::RuntimeRegisterForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::REGISTERS_MANAGE).await?;
    let register = shared::engine::service::runtime::create(&mut conn, &user, &form).await?;
    // The built-in roles took its codes: the sessions this process keeps are read again now,
    // not when PostgreSQL's announcement of the change arrives, so the page this answer
    // redirects to already lets the administrator configure it.
    session::state()?.sessions.forget("*");
    leptos_axum::redirect(&format!("/m/{}/{}/fields?created=1", register.module, register.name));
    Ok(())
}

/// The township's API keys (never their secrets).
#[server(endpoint = "admin/api_keys", output = Postcard)]
pub async fn api_keys() -> Result<Vec<shared::credentials::ApiKeyRow>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    let translate = |key: &str| crate::i18n::Locale::from_request().t(key);
    shared::credentials::service::list(&mut conn, &user, &translate).await
}

/// The villages and registers the issue form offers.
#[server(endpoint = "admin/api_key_choices", output = Postcard)]
pub async fn api_key_choices() -> Result<shared::credentials::ApiKeyChoices, AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    let translate = |key: &str| crate::i18n::Locale::from_request().t(key);
    shared::credentials::service::choices(&mut conn, &user, &translate).await
}

/// The newest calls of the service layer's APIs (the system administrator's and the
/// auditor's: the service checks).
#[server(endpoint = "admin/api_calls", output = Postcard)]
pub async fn api_calls() -> Result<Vec<shared::credentials::ApiCallRow>, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    shared::credentials::service::calls(&mut conn, &user, None).await
}

/// Issues a key. With JavaScript the key comes back in the answer; a plain form post is
/// redirected to the page with a one-time note (`shown_once`) that shows it once.
#[server(endpoint = "admin/issue_api_key", output = Postcard)]
pub async fn issue_api_key(form: shared::credentials::ApiKeyForm) -> Result<shared::credentials::IssuedKey, AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    let key = form.parse(shared::time::today())?;
    let issued = shared::credentials::service::issue(&mut conn, &user, &key).await?;
    crate::admin::shown_once::ISSUED_KEYS.keep_for_plain_form(user.id, &issued, "/admin/api-keys", "issued");
    Ok(issued)
}

/// The key a plain form post issued, once (see [`issue_api_key`]).
#[server(endpoint = "admin/issued_api_key", output = Postcard)]
pub async fn issued_api_key(note: String) -> Result<Option<shared::credentials::IssuedKey>, AppError> {
    let Authorized { user, .. } = session::require(codes::INTERFACES_MANAGE).await?;
    Ok(crate::admin::shown_once::ISSUED_KEYS.take(user.id, &note))
}

/// Revokes a key at once; back to the list.
#[server(endpoint = "admin/revoke_api_key", output = Postcard)]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    shared::credentials::service::revoke(&mut conn, &user, id).await?;
    leptos_axum::redirect("/admin/api-keys?revoked=1");
    Ok(())
}

/// The exchange with upper-level platforms: peers, the outbox's tabs and the newest messages
/// of one tab.
#[server(endpoint = "admin/exchange_outbox", output = Postcard)]
pub async fn exchange_outbox(view: shared::exchange::OutboxView) -> Result<shared::exchange::OutboxPage, AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    shared::exchange::service::outbox(&mut conn, &user, view).await
}

/// Sends a dead letter again; back to the dead letters.
#[server(endpoint = "admin/retry_exchange_message", output = Postcard)]
pub async fn retry_exchange_message(id: i64) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    shared::exchange::service::retry(&mut conn, &user, id).await?;
    leptos_axum::redirect("/admin/exchange?view=dead&retried=1");
    Ok(())
}

/// Registers or changes a peer platform. A secret the platform made comes back in the answer
/// (with JavaScript), or waits under a one-time note for the page a plain form post is
/// redirected to (the notes of `shown_once`, read by [`issued_api_key`]).
#[server(endpoint = "admin/save_exchange_peer", output = Postcard)]
pub async fn save_exchange_peer(
    form: shared::exchange::PeerForm,
) -> Result<Option<shared::credentials::IssuedKey>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    let change = form.parse()?;
    let (id, made) = shared::exchange::peers::save(&mut conn, &user, &change).await?;
    let made = made.map(|key| shared::credentials::IssuedKey { id: i64::from(id), key });
    if session::plain_form_post() {
        let note = made.clone().map(|key| crate::admin::shown_once::ISSUED_KEYS.keep(user.id, key));
        leptos_axum::redirect(&match note {
            Some(note) => format!("/admin/exchange?saved=1&secret={note}"),
            None => "/admin/exchange?saved=1".to_owned(),
        });
    }
    Ok(made)
}

/// Stops a peer platform at once; back to the page.
#[server(endpoint = "admin/stop_exchange_peer", output = Postcard)]
pub async fn stop_exchange_peer(code: String) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::INTERFACES_MANAGE).await?;
    shared::exchange::peers::stop(&mut conn, &user, &code).await?;
    leptos_axum::redirect("/admin/exchange?stopped=1");
    Ok(())
}

/// The operations page: health of the server, database, disks, jobs, exchange and backups.
#[server(endpoint = "admin/operations", output = Postcard)]
pub async fn operations_overview() -> Result<shared::operations::Overview, AppError> {
    let settings = session::state()?.settings;
    let Authorized { user, mut conn } = session::require(codes::OPS_VIEW).await?;
    shared::operations::service::overview(&mut conn, &user, &settings.operations).await
}

/// Starts a backup or a restore drill in the background and answers at once; the page shows
/// it running and reads it again until it ends. Another run in progress: `backup.busy`.
#[server(endpoint = "admin/start_backup_run", output = Postcard)]
pub async fn start_backup_run(
    kind: shared::operations::RunKind,
) -> Result<(i64, shared::operations::RunKind), AppError> {
    use shared::operations::{RunKind, Trigger, backup};
    let settings = session::state()?.settings;
    let Authorized { user, mut conn } = session::require(codes::OPS_VIEW).await?;
    let backups =
        settings.operations.backups.clone().ok_or(AppError::Conflict(shared::ErrorCode::BackupNotConfigured))?;
    let run = backup::begin(&backups, kind, Trigger::Page, &user.display_name).await?;
    let id = run.id();
    let action = match kind {
        RunKind::Backup => shared::audit::AuditAction::Backup,
        RunKind::Drill => shared::audit::AuditAction::Drill,
    };
    shared::audit::service::record(
        &mut conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        action,
        &id.to_string(),
        "",
    )
    .await?;
    tokio::spawn(async move {
        if let Err(error) = run.finish().await {
            tracing::error!(?error, run = id, "backup run not recorded");
        }
    });
    leptos_axum::redirect(&format!("/admin/ops?started={}", kind.as_str()));
    Ok((id, kind))
}

/// The township's live sessions (security administrator).
#[server(endpoint = "admin/online_sessions", output = Postcard)]
pub async fn online_sessions() -> Result<Vec<shared::accounts::OnlineSession>, AppError> {
    let policy = session::state()?.auth;
    let Authorized { user, mut conn } = session::require(codes::SESSIONS_MANAGE).await?;
    let current = session::session_token().map(|token| shared::accounts::service::session::token_hash(&token));
    shared::accounts::service::online::list(&mut conn, &user, &policy, current.as_deref().unwrap_or_default()).await
}

/// Ends a session at once; back to the list.
#[server(endpoint = "admin/end_session", output = Postcard)]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::SESSIONS_MANAGE).await?;
    shared::accounts::service::online::end(&mut conn, &user, handle.trim()).await?;
    leptos_axum::redirect("/admin/sessions?ended=1");
    Ok(())
}

/// Who has a second factor, and whether the policy requires it (security administrator).
#[server(endpoint = "admin/second_factors", output = Postcard)]
pub async fn second_factor_overview() -> Result<shared::accounts::SecondFactorOverview, AppError> {
    let policy = session::state()?.auth;
    let Authorized { user, mut conn } = session::require(codes::SESSIONS_MANAGE).await?;
    shared::accounts::service::second_factor::overview(&mut conn, &policy, &user).await
}

/// Takes away the second factor of a user who lost it; back to the list.
#[server(endpoint = "admin/reset_second_factor", output = Postcard)]
pub async fn reset_second_factor(user_id: i64) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::SESSIONS_MANAGE).await?;
    shared::accounts::service::second_factor::reset(&mut conn, &user, user_id).await?;
    leptos_axum::redirect("/admin/second-factors?reset=1");
    Ok(())
}

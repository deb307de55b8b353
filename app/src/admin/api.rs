//! Server functions of the administration module. Each checks its permission on the server.

use crate::wire::Postcard;
use leptos::prelude::*;
use shared::accounts::{RoleRow, UserRow};
use shared::audit::{AuditRow, ChainVerification};
use shared::error::AppError;
use shared::paging::{Page, TableQuery};

#[cfg(feature = "ssr")]
use crate::auth::session;
#[cfg(feature = "ssr")]
use shared::permissions::codes;

#[server(endpoint = "admin/users", output = Postcard)]
pub async fn list_users(query: TableQuery) -> Result<Page<UserRow>, AppError> {
    let user = session::require(codes::USERS_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::accounts::service::users::list(&mut conn, &user, &query).await
}

/// Creates a staff account (system administrator).
#[server(endpoint = "admin/create_staff", output = Postcard)]
pub async fn create_staff(
    username: String,
    display_name: String,
    phone: String,
    password: String,
    role_code: String,
) -> Result<i64, AppError> {
    use shared::accounts::NewStaff;
    let user = session::require(codes::USERS_MANAGE).await?;
    let mut conn = session::conn().await?;
    let form = NewStaff {
        username: username.trim().to_owned(),
        display_name,
        phone,
        password,
        role_code,
        village_id: None,
        grid_id: None,
    };
    let id = shared::accounts::service::users::create_staff(&mut conn, &user, &form).await?;
    // Back to the list, filtered to the new account, with or without JavaScript.
    leptos_axum::redirect(&format!("/admin/users?created=1&q={}", form.username));
    Ok(id)
}

/// Approve / reject an enterprise, or disable / enable an account.
#[server(endpoint = "admin/set_status", output = Postcard)]
pub async fn set_user_status(user_id: i64, status: String) -> Result<(), AppError> {
    use shared::accounts::UserStatus;
    let actor = session::current_user().await?;
    let status = UserStatus::parse(&status).ok_or_else(|| AppError::field("status", "required"))?;
    let mut conn = session::conn().await?;
    shared::accounts::service::users::set_status(&mut conn, &actor, user_id, status).await
}

#[server(endpoint = "admin/roles", output = Postcard)]
pub async fn list_roles() -> Result<Vec<RoleRow>, AppError> {
    // The role list is also what the system administrator picks from when creating staff.
    let user = session::current_user().await?;
    if !user.can(codes::ROLES_VIEW) && !user.can(codes::USERS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let mut conn = session::conn().await?;
    shared::accounts::service::roles::list(&mut conn).await
}

/// Creates a custom role (security administrator).
#[server(endpoint = "admin/create_role", output = Postcard)]
pub async fn create_role(
    code: String,
    name: String,
    description: String,
    scope: String,
    permissions: Option<Vec<String>>,
) -> Result<i32, AppError> {
    use shared::accounts::service::roles::{RoleForm, create_custom};
    let user = session::require(codes::ROLES_MANAGE).await?;
    let mut conn = session::conn().await?;
    let form = RoleForm {
        code: code.trim().to_owned(),
        name,
        description,
        permissions: permissions.unwrap_or_default(),
        scope,
    };
    let id = create_custom(&mut conn, &user, &form).await?;
    leptos_axum::redirect("/admin/roles?created=1");
    Ok(id)
}

#[server(endpoint = "admin/audit", output = Postcard)]
pub async fn list_audit(query: TableQuery) -> Result<Page<AuditRow>, AppError> {
    let user = session::require(codes::AUDIT_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::audit::service::list(&mut conn, &user, &query).await
}

#[server(endpoint = "admin/audit_verify", output = Postcard)]
pub async fn verify_audit() -> Result<ChainVerification, AppError> {
    let user = session::require(codes::AUDIT_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::audit::service::verify(&mut conn, &user).await
}

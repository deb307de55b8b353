//! Self-registration of the public and of enterprises.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::NewUser;
use super::{password_hash, roles};
use crate::accounts::builtin_roles;
use crate::accounts::{EnterpriseRegistration, PublicRegistration, UserKind, UserStatus};
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::error::{AppError, ErrorCode};
use crate::schema::{townships, users};

async fn ensure_township(conn: &mut AsyncPgConnection, township_id: i32) -> Result<(), AppError> {
    let exists: i64 = townships::table.filter(townships::id.eq(township_id)).count().get_result(conn).await?;
    if exists == 0 { Err(AppError::field("township_id", ErrorCode::TownshipUnknown)) } else { Ok(()) }
}

async fn ensure_username_free(conn: &mut AsyncPgConnection, username: &str, field: &str) -> Result<(), AppError> {
    let taken: i64 = users::table.filter(users::username.eq(username)).count().get_result(conn).await?;
    if taken > 0 { Err(AppError::field(field, ErrorCode::UsernameTaken)) } else { Ok(()) }
}

/// Registers a member of the public; the account is active at once.
pub async fn register_public(conn: &mut AsyncPgConnection, form: &PublicRegistration) -> Result<i64, AppError> {
    form.validate()?;
    ensure_township(conn, form.township_id).await?;
    let phone = form.phone.trim();
    ensure_username_free(conn, phone, "phone").await?;
    let hash = password_hash::hash(form.password.clone()).await?;
    let user_id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            township_id: form.township_id,
            kind: UserKind::Public.as_str(),
            username: phone,
            display_name: form.display_name.trim(),
            phone: Some(phone),
            password_hash: &hash,
            status: UserStatus::Active.as_str(),
            village_id: None,
            grid_id: None,
            credit_code: None,
            enterprise_name: None,
            must_change_password: false,
        })
        .returning(users::id)
        .get_result(conn)
        .await?;
    super::password::remember(conn, user_id, &hash).await?;
    roles::grant(conn, user_id, builtin_roles::PUBLIC).await?;
    audit::record(
        conn,
        form.township_id,
        Some(user_id),
        form.display_name.trim(),
        AuditAction::RegisterPublic,
        phone,
        "",
    )
    .await?;
    Ok(user_id)
}

/// Registers an enterprise user; it waits for staff approval before it can log in.
pub async fn register_enterprise(conn: &mut AsyncPgConnection, form: &EnterpriseRegistration) -> Result<i64, AppError> {
    form.validate()?;
    ensure_township(conn, form.township_id).await?;
    let phone = form.phone.trim();
    ensure_username_free(conn, phone, "phone").await?;
    let credit_code = form.credit_code.trim();
    let hash = password_hash::hash(form.password.clone()).await?;
    let user_id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            township_id: form.township_id,
            kind: UserKind::Enterprise.as_str(),
            username: phone,
            display_name: form.contact_name.trim(),
            phone: Some(phone),
            password_hash: &hash,
            status: UserStatus::Pending.as_str(),
            village_id: None,
            grid_id: None,
            credit_code: Some(credit_code),
            enterprise_name: Some(form.enterprise_name.trim()),
            must_change_password: false,
        })
        .returning(users::id)
        .get_result(conn)
        .await?;
    super::password::remember(conn, user_id, &hash).await?;
    roles::grant(conn, user_id, builtin_roles::ENTERPRISE).await?;
    audit::record(
        conn,
        form.township_id,
        Some(user_id),
        form.contact_name.trim(),
        AuditAction::RegisterEnterprise,
        credit_code,
        form.enterprise_name.trim(),
    )
    .await?;
    Ok(user_id)
}

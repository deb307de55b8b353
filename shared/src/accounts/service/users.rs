//! User administration: list, create staff, approve enterprises, enable and disable.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{NewUser, UserListing};
use super::{password_hash, roles, session};
use crate::accounts::{NewStaff, SessionUser, UserKind, UserRow, UserStatus};
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::error::{AppError, ErrorCode};
use crate::paging::{Page, SortDir, TableQuery};
use crate::permissions::{DataScope, codes};
use crate::schema::{roles as roles_table, townships, user_roles, users};

/// Users the actor may administer: their township's, or all with county scope.
pub async fn list(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    query: &TableQuery,
) -> Result<Page<UserRow>, AppError> {
    if !actor.can(codes::USERS_VIEW) {
        return Err(AppError::Forbidden);
    }
    query.validate()?;
    let build = || {
        let mut q = users::table.inner_join(townships::table).into_boxed();
        if actor.scope < DataScope::County {
            q = q.filter(users::township_id.eq(actor.township_id));
        }
        if !query.q.trim().is_empty() {
            let pattern = format!("%{}%", query.q.trim().replace('%', "\\%").replace('_', "\\_"));
            q = q.filter(
                users::username
                    .ilike(pattern.clone())
                    .or(users::display_name.ilike(pattern.clone()))
                    .or(users::enterprise_name.ilike(pattern)),
            );
        }
        if let Some(kind) = UserKind::parse(&query.filter) {
            q = q.filter(users::kind.eq(kind.as_str()));
        } else if let Some(status) = UserStatus::parse(&query.filter) {
            q = q.filter(users::status.eq(status.as_str()));
        }
        q
    };
    let total: i64 = build().count().get_result(conn).await?;
    let mut q = build();
    q = match (query.sort.as_str(), query.dir) {
        ("username", SortDir::Asc) => q.order(users::username.asc()),
        ("username", SortDir::Desc) => q.order(users::username.desc()),
        ("display_name", SortDir::Asc) => q.order(users::display_name.asc()),
        ("display_name", SortDir::Desc) => q.order(users::display_name.desc()),
        ("last_login_at", SortDir::Asc) => q.order(users::last_login_at.asc().nulls_first()),
        ("last_login_at", SortDir::Desc) => q.order(users::last_login_at.desc().nulls_last()),
        ("created_at", SortDir::Asc) => q.order(users::created_at.asc()),
        _ => q.order(users::created_at.desc()),
    };
    let rows: Vec<UserListing> = q
        .select(UserListing::as_select())
        .then_order_by(users::id.asc())
        .limit(query.per_page())
        .offset(query.offset())
        .load(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let role_names: Vec<(i64, String)> = user_roles::table
        .inner_join(roles_table::table)
        .filter(user_roles::user_id.eq_any(&ids))
        .select((user_roles::user_id, roles_table::name))
        .load(conn)
        .await?;
    let rows = rows
        .into_iter()
        .map(|user| UserRow {
            roles: role_names.iter().filter(|(uid, _)| *uid == user.id).map(|(_, n)| n.clone()).collect(),
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            kind: user.kind,
            status: user.status,
            township_name: user.township_name,
            credit_code: user.credit_code,
            enterprise_name: user.enterprise_name,
            created_at: user.created_at,
            last_login_at: user.last_login_at,
        })
        .collect();
    Ok(Page { rows, total, page: query.page(), per_page: query.per_page() })
}

/// Creates a staff account in the actor's township (system administrator).
pub async fn create_staff(conn: &mut AsyncPgConnection, actor: &SessionUser, form: &NewStaff) -> Result<i64, AppError> {
    if !actor.can(codes::USERS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    // Least privilege: nobody hands out a role wider than their own scope.
    let role_scope: Option<String> = roles_table::table
        .filter(roles_table::code.eq(&form.role_code))
        .select(roles_table::data_scope)
        .first(conn)
        .await
        .optional()?;
    match role_scope.as_deref().and_then(DataScope::parse) {
        None => return Err(AppError::field("role_code", ErrorCode::RoleUnknown)),
        Some(scope) if scope > actor.scope => return Err(AppError::field("role_code", ErrorCode::RoleScopeTooWide)),
        Some(_) => {}
    }
    // The administrator chose this password: its holder replaces it at the first login.
    let user_id = insert_staff(conn, actor.township_id, form, true).await?;
    audit::record(
        conn,
        actor.township_id,
        Some(actor.id),
        &actor.display_name,
        AuditAction::CreateStaff,
        &form.username,
        &form.role_code,
    )
    .await?;
    Ok(user_id)
}

/// Creates a staff account without an acting user: the CLI (with the deployer's own
/// password, `TONGGUAN_ADMIN_PASSWORD`) and the demo seeding use it.
pub async fn create_staff_unchecked(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    form: &NewStaff,
) -> Result<i64, AppError> {
    let user_id = insert_staff(conn, township_id, form, false).await?;
    audit::record(conn, township_id, None, "system", AuditAction::CreateStaff, &form.username, &form.role_code).await?;
    Ok(user_id)
}

async fn insert_staff(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    form: &NewStaff,
    must_change_password: bool,
) -> Result<i64, AppError> {
    form.validate()?;
    let role_known: i64 =
        roles_table::table.filter(roles_table::code.eq(&form.role_code)).count().get_result(conn).await?;
    if role_known == 0 {
        return Err(AppError::field("role_code", ErrorCode::RoleUnknown));
    }
    let taken: i64 = users::table.filter(users::username.eq(&form.username)).count().get_result(conn).await?;
    if taken > 0 {
        return Err(AppError::field("username", ErrorCode::UsernameTaken));
    }
    let hash = password_hash::hash(form.password.clone()).await?;
    let phone = Some(form.phone.trim()).filter(|p| !p.is_empty());
    let user_id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            township_id,
            kind: UserKind::Staff.as_str(),
            username: &form.username,
            display_name: form.display_name.trim(),
            phone,
            password_hash: &hash,
            status: UserStatus::Active.as_str(),
            village_id: form.village_id,
            grid_id: form.grid_id,
            credit_code: None,
            enterprise_name: None,
            must_change_password,
        })
        .returning(users::id)
        .get_result(conn)
        .await?;
    super::password::remember(conn, user_id, &hash).await?;
    roles::grant(conn, user_id, &form.role_code).await?;
    Ok(user_id)
}

/// Approve or reject a pending enterprise, or disable / re-enable an account.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    user_id: i64,
    status: UserStatus,
) -> Result<(), AppError> {
    let (township_id, kind, current): (i32, String, String) =
        users::table.find(user_id).select((users::township_id, users::kind, users::status)).first(conn).await?;
    if actor.scope < DataScope::County && township_id != actor.township_id {
        return Err(AppError::NotFound);
    }
    let is_enterprise_review = kind == UserKind::Enterprise.as_str() && current == UserStatus::Pending.as_str();
    let allowed = if is_enterprise_review {
        actor.can(codes::ENTERPRISES_APPROVE) && matches!(status, UserStatus::Active | UserStatus::Rejected)
    } else {
        actor.can(codes::USERS_MANAGE) && matches!(status, UserStatus::Active | UserStatus::Disabled)
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if user_id == actor.id {
        return Err(AppError::Conflict(ErrorCode::UserOwnStatus));
    }
    diesel::update(users::table.find(user_id)).set(users::status.eq(status.as_str())).execute(conn).await?;
    if status != UserStatus::Active {
        session::revoke_all(conn, user_id).await?;
    }
    audit::record(
        conn,
        township_id,
        Some(actor.id),
        &actor.display_name,
        AuditAction::SetUserStatus,
        &user_id.to_string(),
        status.as_str(),
    )
    .await?;
    Ok(())
}

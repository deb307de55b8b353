//! Roles: built-in ones kept in step with the code at start-up; custom ones made by the
//! security administrator from the known permission codes.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use crate::accounts::builtin_roles::BUILTIN_ROLES;
use crate::accounts::{RoleRow, SessionUser};
use crate::audit::service as audit;
use crate::error::{AppError, FieldError};
use crate::permissions::{DataScope, codes, is_known};
use crate::schema::{roles, user_roles};

/// Inserts or refreshes the built-in roles. Idempotent; runs at every start.
pub async fn ensure_builtin(conn: &mut AsyncPgConnection) -> Result<(), AppError> {
    for role in BUILTIN_ROLES {
        let permissions: Vec<String> = role.permissions.iter().map(|p| p.to_string()).collect();
        diesel::insert_into(roles::table)
            .values((
                roles::code.eq(role.code),
                roles::name.eq(role.name),
                roles::description.eq(role.description),
                roles::permissions.eq(&permissions),
                roles::data_scope.eq(role.scope.as_str()),
                roles::builtin.eq(true),
            ))
            .on_conflict(roles::code)
            .do_update()
            .set((
                roles::name.eq(role.name),
                roles::description.eq(role.description),
                roles::permissions.eq(&permissions),
                roles::data_scope.eq(role.scope.as_str()),
                roles::builtin.eq(true),
            ))
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn grant(conn: &mut AsyncPgConnection, user_id: i64, role_code: &str) -> Result<(), AppError> {
    let role_id: i32 = roles::table
        .filter(roles::code.eq(role_code))
        .select(roles::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| AppError::field("role_code", "role.unknown"))?;
    diesel::insert_into(user_roles::table)
        .values((user_roles::user_id.eq(user_id), user_roles::role_id.eq(role_id)))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list(conn: &mut AsyncPgConnection) -> Result<Vec<RoleRow>, AppError> {
    let rows: Vec<(i32, String, String, String, Vec<String>, String, bool)> = roles::table
        .order((roles::builtin.desc(), roles::id.asc()))
        .select((
            roles::id,
            roles::code,
            roles::name,
            roles::description,
            roles::permissions,
            roles::data_scope,
            roles::builtin,
        ))
        .load(conn)
        .await?;
    let counts: Vec<(i32, i64)> = user_roles::table
        .group_by(user_roles::role_id)
        .select((user_roles::role_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, description, permissions, scope, builtin)| RoleRow {
            users: counts.iter().find(|(role, _)| *role == id).map(|(_, n)| *n).unwrap_or(0),
            id,
            code,
            name,
            description,
            permissions,
            scope: DataScope::parse(&scope).unwrap_or(DataScope::SelfOnly),
            builtin,
        })
        .collect())
}

/// A custom role as the security administrator defines it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RoleForm {
    pub code: String,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub scope: String,
}

impl RoleForm {
    pub fn validate(&self, actor: &SessionUser) -> Result<DataScope, AppError> {
        let mut errors = Vec::new();
        let code_ok = (3..=32).contains(&self.code.len())
            && self.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            errors.push(FieldError::new("code", "role.code_format"));
        }
        if self.name.trim().is_empty() {
            errors.push(FieldError::new("name", "required"));
        }
        if self.permissions.is_empty() || !self.permissions.iter().all(|p| is_known(p)) {
            errors.push(FieldError::new("permissions", "role.permissions"));
        }
        let scope = DataScope::parse(&self.scope);
        match scope {
            None => errors.push(FieldError::new("scope", "role.scope")),
            // Least privilege: nobody hands out a wider scope than their own.
            Some(scope) if scope > actor.scope => errors.push(FieldError::new("scope", "role.scope_too_wide")),
            Some(_) => {}
        }
        if errors.is_empty() { Ok(scope.unwrap_or(DataScope::SelfOnly)) } else { Err(AppError::Validation(errors)) }
    }
}

pub async fn create_custom(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    form: &RoleForm,
) -> Result<i32, AppError> {
    if !actor.can(codes::ROLES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let scope = form.validate(actor)?;
    let taken: i64 = roles::table.filter(roles::code.eq(&form.code)).count().get_result(conn).await?;
    if taken > 0 {
        return Err(AppError::field("code", "role.code_taken"));
    }
    let id: i32 = diesel::insert_into(roles::table)
        .values((
            roles::code.eq(&form.code),
            roles::name.eq(form.name.trim()),
            roles::description.eq(form.description.trim()),
            roles::permissions.eq(&form.permissions),
            roles::data_scope.eq(scope.as_str()),
            roles::builtin.eq(false),
        ))
        .returning(roles::id)
        .get_result(conn)
        .await?;
    audit::record(
        conn,
        actor.township_id,
        Some(actor.id),
        &actor.display_name,
        "role.create",
        &form.code,
        &form.permissions.join(","),
    )
    .await?;
    Ok(id)
}

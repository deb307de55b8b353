//! Roles: built-in ones kept in step with the code at start-up; custom ones made by the
//! security administrator from the known permission codes.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::models::{NewUserRole, Role, RoleDefinition};
use crate::accounts::builtin_roles::BUILTIN_ROLES;
use crate::accounts::{RoleRow, SessionUser};
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::permissions::{DataScope, Grants, Permission, codes, is_record_code, parse_stored};
use crate::schema::{roles, user_roles};

/// Inserts or refreshes the built-in roles. Idempotent; runs at every start.
pub async fn ensure_builtin(conn: &mut AsyncPgConnection) -> Result<(), AppError> {
    for role in BUILTIN_ROLES {
        let records = role.records.codes();
        let permissions: Vec<&str> =
            role.permissions.iter().map(|p| p.as_str()).chain(records.iter().map(String::as_str)).collect();
        let definition = RoleDefinition {
            code: role.code,
            name: role.name,
            description: role.description,
            permissions: &permissions,
            data_scope: role.scope.as_str(),
            builtin: true,
        };
        // The code's definition wins over whatever is stored under its code.
        diesel::insert_into(roles::table)
            .values(&definition)
            .on_conflict(roles::code)
            .do_update()
            .set(&definition)
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
        .ok_or_else(|| AppError::field("role_code", ErrorCode::RoleUnknown))?;
    diesel::insert_into(user_roles::table)
        .values(NewUserRole { user_id, role_id })
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list(conn: &mut AsyncPgConnection) -> Result<Vec<RoleRow>, AppError> {
    let rows: Vec<Role> =
        roles::table.order((roles::builtin.desc(), roles::id.asc())).select(Role::as_select()).load(conn).await?;
    let counts: Vec<(i32, i64)> = user_roles::table
        .group_by(user_roles::role_id)
        .select((user_roles::role_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|role| {
            let grants = parse_stored(&role.code, role.permissions.iter().map(String::as_str));
            (role, grants)
        })
        .map(|(role, grants)| RoleRow {
            users: counts.iter().find(|(id, _)| *id == role.id).map(|(_, n)| *n).unwrap_or(0),
            permissions: grants.permissions,
            records: grants.records,
            scope: role.data_scope,
            id: role.id,
            code: role.code,
            name: role.name,
            description: role.description,
            builtin: role.builtin,
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
    /// The role's scope and permissions (the fixed ones, then the register ones), or every
    /// problem with the form at once.
    pub fn validate(&self, actor: &SessionUser) -> Result<(DataScope, Grants), AppError> {
        let mut errors = Vec::new();
        let code_ok = (3..=32).contains(&self.code.len())
            && self.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            errors.push(FieldError::new("code", ErrorCode::RoleCodeFormat));
        }
        if self.name.trim().is_empty() {
            errors.push(FieldError::new("name", ErrorCode::Required));
        }
        // Each code once, in the registry's order (register codes sorted); an unknown code is
        // the client's mistake.
        let mut grants = Grants::default();
        let mut unknown = false;
        for code in &self.permissions {
            match Permission::parse(code) {
                Some(permission) => grants.permissions.push(permission),
                None if is_record_code(code) => grants.records.push(code.clone()),
                None => unknown = true,
            }
        }
        grants.permissions.sort();
        grants.permissions.dedup();
        grants.records.sort();
        grants.records.dedup();
        let permissions = (!unknown).then_some(grants);
        match &permissions {
            Some(grants) if !self.permissions.is_empty() => {
                // Separation of duties: one role, one administrator's duty at most.
                if crate::accounts::builtin_roles::duties_held(&grants.permissions) > 1 {
                    errors.push(FieldError::new("permissions", ErrorCode::RoleDutiesCombined));
                }
            }
            _ => errors.push(FieldError::new("permissions", ErrorCode::RolePermissions)),
        }
        let scope = DataScope::parse(&self.scope);
        match scope {
            None => errors.push(FieldError::new("scope", ErrorCode::RoleScope)),
            // Least privilege: nobody hands out a wider scope than their own.
            Some(scope) if scope > actor.scope => errors.push(FieldError::new("scope", ErrorCode::RoleScopeTooWide)),
            Some(_) => {}
        }
        match (scope, permissions) {
            (Some(scope), Some(permissions)) if errors.is_empty() => Ok((scope, permissions)),
            _ => Err(AppError::Validation(errors)),
        }
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
    let (scope, grants) = form.validate(actor)?;
    let permissions: Vec<&str> =
        grants.permissions.iter().map(|p| p.as_str()).chain(grants.records.iter().map(String::as_str)).collect();
    let taken: i64 = roles::table.filter(roles::code.eq(&form.code)).count().get_result(conn).await?;
    if taken > 0 {
        return Err(AppError::field("code", ErrorCode::RoleCodeTaken));
    }
    let id: i32 = diesel::insert_into(roles::table)
        .values(RoleDefinition {
            code: &form.code,
            name: form.name.trim(),
            description: form.description.trim(),
            permissions: &permissions,
            data_scope: scope.as_str(),
            builtin: false,
        })
        .returning(roles::id)
        .get_result(conn)
        .await?;
    audit::record(
        conn,
        actor.township_id,
        Some(actor.id),
        &actor.display_name,
        AuditAction::CreateRole,
        &form.code,
        &permissions.join(","),
    )
    .await?;
    Ok(id)
}

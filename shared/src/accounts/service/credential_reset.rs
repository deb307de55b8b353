//! The one rule for an administrator taking away another account's credential (the system
//! administrator's password reset, the security administrator's second-factor reset): the
//! duty's permission, an account of the actor's township unless the actor sees the county,
//! never the actor's own (an administrator changes their own credential as any user does,
//! proving the old one), and the account's sessions end with the change, in one record.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::audit::{AuditAction, service as audit};
use crate::error::{AppError, ErrorCode};
use crate::permissions::{DataScope, Permission};
use crate::schema::users;

/// The account a reset is for, once the actor may reset it.
pub(super) struct Target {
    pub id: i64,
    pub township_id: i32,
    pub username: String,
}

/// The account `user_id`, if `actor` holds `permission` and may act on it; `own` is the
/// conflict to answer when it is the actor's own. Another township's account is "not found",
/// as it is everywhere else to a township's staff.
pub(super) async fn target(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    user_id: i64,
    permission: Permission,
    own: ErrorCode,
) -> Result<Target, AppError> {
    if !actor.can(permission) {
        return Err(AppError::Forbidden);
    }
    let (township_id, username): (i32, String) = users::table
        .find(user_id)
        .select((users::township_id, users::username))
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)?;
    if actor.scope < DataScope::County && township_id != actor.township_id {
        return Err(AppError::NotFound);
    }
    if user_id == actor.id {
        return Err(AppError::Conflict(own));
    }
    Ok(Target { id: user_id, township_id, username })
}

/// Ends the target's sessions and records `action` by `actor`, with how many ended; to be
/// called in the transaction that changes the credential.
pub(super) async fn end_sessions_and_record(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    target: &Target,
    action: AuditAction,
) -> Result<(), AppError> {
    let ended = super::session::revoke_all(conn, target.id).await?;
    let detail = format!("sessions_ended={ended}");
    audit::record(conn, target.township_id, Some(actor.id), &actor.display_name, action, &target.username, &detail)
        .await
}

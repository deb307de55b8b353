//! 在线用户 (GB/T 22239 level 3, R-9.3.2): the live sessions of the township for the security
//! administrator, who can end any of them at once. A session is named by a handle — the first
//! 16 hex digits of its token's SHA-256 — never by the token or the whole hash; ending it
//! revokes it, which the `sessions` trigger announces to every server process (migration
//! 000006), so the user's next request is refused wherever it lands.

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::AuthPolicy;
use crate::accounts::{OnlineSession, SessionUser};
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::error::{AppError, ErrorCode};
use crate::permissions::codes;

/// Hex digits of a session's handle.
pub const HANDLE_LEN: usize = 16;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    handle: String,
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Text)]
    display_name: String,
    #[diesel(sql_type = Array<Text>)]
    role_names: Vec<String>,
    #[diesel(sql_type = Timestamptz)]
    created_at: chrono::DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    last_seen_at: chrono::DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    expires_at: chrono::DateTime<Utc>,
    #[diesel(sql_type = Text)]
    user_agent: String,
}

/// The township's live sessions (not revoked, not past either timeout), most recently active
/// first; `current` is the caller's own token hash, marked so it is not ended by mistake.
pub async fn list(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    policy: &AuthPolicy,
    current: &str,
) -> Result<Vec<OnlineSession>, AppError> {
    if !actor.can(codes::SESSIONS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let idle_seconds = policy.idle_timeout.num_seconds();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT left(s.token_hash, 16) AS handle, u.id AS user_id, u.username, u.display_name, \
                coalesce(array_agg(r.name ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '{}') AS role_names, \
                s.created_at, s.last_seen_at, s.expires_at, s.user_agent \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id \
         WHERE s.township_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() \
           AND s.last_seen_at > now() - make_interval(secs => $2) \
         GROUP BY s.token_hash, u.id \
         ORDER BY s.last_seen_at DESC, s.created_at DESC LIMIT 1000",
    )
    .bind::<Integer, _>(actor.township_id)
    .bind::<diesel::sql_types::Double, _>(idle_seconds as f64)
    .load(conn)
    .await?;
    let current = &current[..HANDLE_LEN.min(current.len())];
    Ok(rows
        .into_iter()
        .map(|row| OnlineSession {
            current: row.handle == current,
            handle: row.handle,
            user_id: row.user_id,
            username: row.username,
            display_name: row.display_name,
            role_names: row.role_names,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            user_agent: row.user_agent,
        })
        .collect())
}

/// Ends a session of the township at once, audited. An unknown handle, one of another
/// township or one already ended is `session.unknown`.
pub async fn end(conn: &mut AsyncPgConnection, actor: &SessionUser, handle: &str) -> Result<(), AppError> {
    if !actor.can(codes::SESSIONS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    if handle.len() != HANDLE_LEN || !handle.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return Err(AppError::field("handle", ErrorCode::SessionUnknown));
    }
    #[derive(QueryableByName)]
    struct Ended {
        #[diesel(sql_type = Text)]
        username: String,
    }
    // A range of the primary key: the handle is a prefix of exactly one hash.
    let ended: Vec<Ended> = diesel::sql_query(
        "UPDATE sessions s SET revoked_at = now() FROM users u \
         WHERE u.id = s.user_id AND s.token_hash >= $1 AND s.token_hash < $1 || 'g' \
           AND s.township_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() \
         RETURNING u.username",
    )
    .bind::<Text, _>(handle)
    .bind::<Integer, _>(actor.township_id)
    .load(conn)
    .await?;
    let [Ended { username }] = ended.as_slice() else {
        return Err(AppError::field("handle", ErrorCode::SessionUnknown));
    };
    audit::record(
        conn,
        actor.township_id,
        Some(actor.id),
        &actor.display_name,
        AuditAction::EndSession,
        username,
        handle,
    )
    .await?;
    Ok(())
}

/// With the one-session policy, a login ends the account's other sessions.
pub async fn end_others(conn: &mut AsyncPgConnection, user_id: i64, keep_hash: &str) -> Result<usize, AppError> {
    Ok(diesel::sql_query(
        "UPDATE sessions SET revoked_at = now() \
         WHERE user_id = $1 AND token_hash <> $2 AND revoked_at IS NULL",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Text, _>(keep_hash)
    .execute(conn)
    .await?)
}

//! Server-side sessions stored in PostgreSQL: the cookie carries a random token, the table
//! only its SHA-256. Idle and absolute timeouts are checked on every request; logout and
//! administrative revocation take effect at once on every server process.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::AuthPolicy;
use crate::accounts::{SessionUser, UserKind};
use crate::error::AppError;
use crate::permissions::DataScope;
use crate::schema::{roles, sessions, townships, user_roles, users};

pub const COOKIE_NAME: &str = "tg_session";

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

/// Opens a session and returns the token for the cookie.
pub async fn create(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    user_id: i64,
    township_id: i32,
    user_agent: &str,
) -> Result<String, AppError> {
    let token = new_token();
    let now = Utc::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(&token)),
            sessions::user_id.eq(user_id),
            sessions::township_id.eq(township_id),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(now + policy.absolute_timeout),
            sessions::user_agent.eq(user_agent.chars().take(200).collect::<String>()),
        ))
        .execute(conn)
        .await?;
    Ok(token)
}

/// The user behind a session token, if the session is alive; touches it.
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    token: &str,
) -> Result<SessionUser, AppError> {
    let hash = token_hash(token);
    let now = Utc::now();
    let row: Option<(i64, chrono::DateTime<Utc>, chrono::DateTime<Utc>, Option<chrono::DateTime<Utc>>)> =
        sessions::table
            .filter(sessions::token_hash.eq(&hash))
            .select((sessions::user_id, sessions::last_seen_at, sessions::expires_at, sessions::revoked_at))
            .first(conn)
            .await
            .optional()?;
    let Some((user_id, last_seen, expires_at, revoked_at)) = row else {
        return Err(AppError::Unauthorized);
    };
    if revoked_at.is_some() || expires_at <= now {
        return Err(AppError::Unauthorized);
    }
    if last_seen + policy.idle_timeout <= now {
        revoke(conn, token).await?;
        return Err(AppError::Unauthorized);
    }
    // Touch at most once a minute: an idle timeout needs no finer clock, and it saves a
    // write on every request.
    if now - last_seen > chrono::Duration::seconds(60) {
        diesel::update(sessions::table.filter(sessions::token_hash.eq(&hash)))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)
            .await?;
    }
    let user = load_user(conn, user_id).await?;
    Ok(user)
}

pub async fn revoke(conn: &mut AsyncPgConnection, token: &str) -> Result<(), AppError> {
    diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash(token))))
        .set(sessions::revoked_at.eq(Utc::now()))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (account disabled, password changed).
pub async fn revoke_all(conn: &mut AsyncPgConnection, user_id: i64) -> Result<(), AppError> {
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(Utc::now()))
        .execute(conn)
        .await?;
    Ok(())
}

/// A user with the union of their roles' permissions and the widest of their scopes.
pub async fn load_user(conn: &mut AsyncPgConnection, user_id: i64) -> Result<SessionUser, AppError> {
    let (id, username, display_name, kind, status, township_id, township_name, village_id, grid_id): (
        i64,
        String,
        String,
        String,
        String,
        i32,
        String,
        Option<i32>,
        Option<i32>,
    ) = users::table
        .inner_join(townships::table)
        .filter(users::id.eq(user_id))
        .select((
            users::id,
            users::username,
            users::display_name,
            users::kind,
            users::status,
            users::township_id,
            townships::name,
            users::village_id,
            users::grid_id,
        ))
        .first(conn)
        .await?;
    if status != "active" {
        return Err(AppError::Unauthorized);
    }
    let role_rows: Vec<(String, Vec<String>, String)> = user_roles::table
        .inner_join(roles::table)
        .filter(user_roles::user_id.eq(user_id))
        .select((roles::name, roles::permissions, roles::data_scope))
        .load(conn)
        .await?;
    let mut permissions: Vec<String> = role_rows.iter().flat_map(|(_, p, _)| p.iter().cloned()).collect();
    permissions.sort();
    permissions.dedup();
    let scope = role_rows.iter().filter_map(|(_, _, s)| DataScope::parse(s)).max().unwrap_or(DataScope::SelfOnly);
    Ok(SessionUser {
        id,
        username,
        display_name,
        kind: UserKind::parse(&kind).unwrap_or(UserKind::Public),
        township_id,
        township_name,
        village_id,
        grid_id,
        role_names: role_rows.into_iter().map(|(name, _, _)| name).collect(),
        permissions,
        scope,
    })
}

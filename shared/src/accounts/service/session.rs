//! Server-side sessions stored in PostgreSQL: the cookie carries a random token, the table
//! only its SHA-256. Idle and absolute timeouts are checked on every request; logout and
//! administrative revocation take effect at once on every server process.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::AuthPolicy;
use super::models::NewSession;
use super::session_cache::{SessionCache, TOUCH_EVERY};
use crate::accounts::{SessionUser, UserKind, UserStatus};
use crate::error::AppError;
use crate::permissions::{DataScope, parse_stored};
use crate::schema::sessions;
use crate::sql::Sql;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz};

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
    let user_agent: String = user_agent.chars().take(200).collect();
    diesel::insert_into(sessions::table)
        .values(NewSession {
            token_hash: &token_hash(&token),
            user_id,
            township_id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + policy.absolute_timeout,
            user_agent: &user_agent,
        })
        .execute(conn)
        .await?;
    Ok(token)
}

/// The user behind a session token, if the session is alive: from `kept` when it holds the
/// session and it needs no touch, else from PostgreSQL through a connection of `pool`.
pub async fn authenticate_kept(
    pool: &crate::db::DbPool,
    policy: &AuthPolicy,
    kept: &SessionCache,
    token: &str,
) -> Result<SessionUser, AppError> {
    let hash = token_hash(token);
    if let Some(user) = kept.user(&hash, policy, Utc::now()) {
        return Ok(user);
    }
    let mut conn = pool.get().await?;
    lookup(&mut conn, policy, token, &hash, Some(kept)).await
}

/// The user behind a session token, if the session is alive; touches it. One query: a
/// logout or a disabled account takes effect at once (see `session_cache.rs` for how the
/// server keeps sessions without losing that).
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    token: &str,
) -> Result<SessionUser, AppError> {
    lookup(conn, policy, token, &token_hash(token), None).await
}

async fn lookup(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    token: &str,
    hash: &str,
    kept: Option<&SessionCache>,
) -> Result<SessionUser, AppError> {
    let generation = kept.map(SessionCache::generation);
    let now = Utc::now();
    // migrations/2026-11-24-000002_session_lookup: the same join as USER_SQL, plan cached.
    let row: Option<SessionRow> = diesel::sql_query("SELECT * FROM session_user_by_token($1)")
        .bind::<Text, _>(hash)
        .get_result(conn)
        .await
        .optional()?;
    let Some(row) = row else {
        return Err(AppError::Unauthorized);
    };
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(AppError::Unauthorized);
    }
    if row.last_seen_at + policy.idle_timeout <= now {
        revoke(conn, token).await?;
        return Err(AppError::Unauthorized);
    }
    // Touch at most once a minute: an idle timeout needs no finer clock, and it saves a
    // write on every request.
    let mut last_seen_at = row.last_seen_at;
    if now - row.last_seen_at > TOUCH_EVERY {
        diesel::update(sessions::table.filter(sessions::token_hash.eq(hash)))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)
            .await?;
        last_seen_at = now;
    }
    let expires_at = row.expires_at;
    let user = row.user.into_session_user(policy)?;
    if let (Some(kept), Some(generation)) = (kept, generation) {
        kept.keep(hash, generation, last_seen_at, expires_at, &user);
    }
    Ok(user)
}

pub async fn revoke(conn: &mut AsyncPgConnection, token: &str) -> Result<(), AppError> {
    diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash(token))))
        .set(sessions::revoked_at.eq(Utc::now()))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (account disabled, password reset); says how many were live.
pub async fn revoke_all(conn: &mut AsyncPgConnection, user_id: i64) -> Result<usize, AppError> {
    let ended =
        diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
            .set(sessions::revoked_at.eq(Utc::now()))
            .execute(conn)
            .await?;
    Ok(ended)
}

/// A user with the union of their roles' permissions and the widest of their scopes.
pub async fn load_user(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    user_id: i64,
) -> Result<SessionUser, AppError> {
    let row: UserRow = Sql::new(USER_SQL)
        .push(" WHERE u.id = ")
        .bind(user_id)
        .push(" GROUP BY u.id, t.name")
        .query()
        .get_result(conn)
        .await?;
    row.into_session_user(policy)
}

/// A user, their township and their roles aggregated into one row.
const USER_SQL: &str = "SELECT u.id, u.username, u.display_name, u.kind, u.status, u.township_id, \
       t.name AS township_name, u.village_id, u.grid_id, u.department_id, \
       u.password_changed_at, u.must_change_password, u.totp_secret IS NOT NULL AS second_factor, \
       coalesce(array_agg(r.name ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '{}') AS role_names, \
       coalesce(string_agg(array_to_string(r.permissions, ','), ','), '') AS permissions, \
       coalesce(array_agg(r.data_scope) FILTER (WHERE r.id IS NOT NULL), '{}') AS scopes \
     FROM users u JOIN townships t ON t.id = u.township_id \
     LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id";

#[derive(QueryableByName)]
struct UserRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Text)]
    display_name: String,
    #[diesel(sql_type = Text)]
    kind: UserKind,
    #[diesel(sql_type = Text)]
    status: UserStatus,
    #[diesel(sql_type = Integer)]
    township_id: i32,
    #[diesel(sql_type = Text)]
    township_name: String,
    #[diesel(sql_type = Nullable<Integer>)]
    village_id: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    grid_id: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    department_id: Option<i32>,
    #[diesel(sql_type = Timestamptz)]
    password_changed_at: chrono::DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    must_change_password: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    second_factor: bool,
    #[diesel(sql_type = Array<Text>)]
    role_names: Vec<String>,
    #[diesel(sql_type = Text)]
    permissions: String,
    #[diesel(sql_type = Array<Text>)]
    scopes: Vec<String>,
}

#[derive(QueryableByName)]
struct SessionRow {
    #[diesel(sql_type = Timestamptz)]
    last_seen_at: chrono::DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    expires_at: chrono::DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    revoked_at: Option<chrono::DateTime<Utc>>,
    #[diesel(embed)]
    user: UserRow,
}

impl UserRow {
    fn into_session_user(self, policy: &AuthPolicy) -> Result<SessionUser, AppError> {
        if self.status != UserStatus::Active {
            return Err(AppError::Unauthorized);
        }
        // Parsed once here: an unknown code is logged (with the user's roles) and grants nothing.
        let grants = parse_stored(&self.role_names.join(","), self.permissions.split(','));
        // As with permissions: a scope the registry does not know is logged and widens nothing.
        let scope = self
            .scopes
            .iter()
            .filter_map(|stored| {
                let scope = DataScope::parse(stored);
                if scope.is_none() {
                    tracing::error!(roles = %self.role_names.join(","), scope = %stored, "unknown data scope in a role");
                }
                scope
            })
            .max()
            .unwrap_or(DataScope::SelfOnly);
        let user = SessionUser {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            kind: self.kind,
            township_id: self.township_id,
            township_name: self.township_name,
            village_id: self.village_id,
            grid_id: self.grid_id,
            department_id: self.department_id,
            role_names: self.role_names,
            permissions: grants.permissions.into_iter().collect(),
            scope,
            records: grants.records.into_iter().collect(),
            registers: Vec::new(),
            password_due: super::password::due(policy, self.password_changed_at, self.must_change_password, Utc::now()),
            second_factor_due: false,
        };
        let second_factor_due =
            policy.admin_second_factor && !self.second_factor && super::second_factor::is_administrator(&user);
        Ok(SessionUser { second_factor_due, ..user }.with_register_links())
    }
}

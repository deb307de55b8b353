//! Login with lockout (GB/T 22239: lock after repeated failures, say so plainly).

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{AuthPolicy, password_hash, session};
use crate::accounts::SessionUser;
use crate::audit::service as audit;
use crate::error::AppError;
use crate::schema::users;

#[derive(Debug)]
pub struct LoginOutcome {
    pub user: SessionUser,
    pub token: String,
}

pub async fn login(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    username: &str,
    password: &str,
    user_agent: &str,
) -> Result<LoginOutcome, AppError> {
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        let mut errors = Vec::new();
        if username.is_empty() {
            errors.push(crate::FieldError::new("username", "required"));
        }
        if password.is_empty() {
            errors.push(crate::FieldError::new("password", "required"));
        }
        return Err(AppError::Validation(errors));
    }
    let found: Option<(i64, i32, String, String, i32, Option<chrono::DateTime<Utc>>)> = users::table
        .filter(users::username.eq(username))
        .select((
            users::id,
            users::township_id,
            users::password_hash,
            users::status,
            users::failed_logins,
            users::locked_until,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((user_id, township_id, stored_hash, status, failed, locked_until)) = found else {
        // Same work as a real check, so timing does not reveal which user names exist.
        password_hash::verify(password.to_owned(), password_hash::decoy_hash().to_owned()).await;
        return Err(AppError::BadCredentials { attempts_left: policy.max_failed_logins });
    };
    let now = Utc::now();
    if let Some(until) = locked_until.filter(|until| *until > now) {
        return Err(AppError::Locked { until });
    }
    if !password_hash::verify(password.to_owned(), stored_hash).await {
        let failed = failed + 1;
        if failed >= policy.max_failed_logins {
            let until = now + policy.lockout;
            diesel::update(users::table.find(user_id))
                .set((users::failed_logins.eq(0), users::locked_until.eq(Some(until))))
                .execute(conn)
                .await?;
            audit::record(conn, township_id, Some(user_id), username, "auth.locked", username, "").await?;
            return Err(AppError::Locked { until });
        }
        diesel::update(users::table.find(user_id)).set(users::failed_logins.eq(failed)).execute(conn).await?;
        audit::record(conn, township_id, Some(user_id), username, "auth.login_failed", username, "").await?;
        return Err(AppError::BadCredentials { attempts_left: policy.max_failed_logins - failed });
    }
    if status != "active" {
        return Err(AppError::Inactive(status));
    }
    diesel::update(users::table.find(user_id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<chrono::DateTime<Utc>>),
            users::last_login_at.eq(Some(now)),
        ))
        .execute(conn)
        .await?;
    let token = session::create(conn, policy, user_id, township_id, user_agent).await?;
    let user = session::load_user(conn, user_id).await?;
    audit::record(conn, township_id, Some(user_id), &user.display_name, "auth.login", username, "").await?;
    Ok(LoginOutcome { user, token })
}

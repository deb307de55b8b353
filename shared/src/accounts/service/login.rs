//! Login with lockout (GB/T 22239: lock after repeated failures, say so plainly).

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{Credentials, LoginCounter};
use super::{AuthPolicy, password_hash, second_factor, session};
use crate::accounts::SessionUser;
use crate::accounts::UserStatus;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::error::{AppError, ErrorCode};
use crate::schema::users;

#[derive(Debug)]
pub struct LoginOutcome {
    pub user: SessionUser,
    pub token: String,
}

/// What a login form sends: the code only from an account with a second factor.
#[derive(Debug, Clone, Copy)]
pub struct LoginAttempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The one-time code of the account's authenticator app ("" when none was asked for).
    pub code: &'a str,
    pub user_agent: &'a str,
}

/// A login with a name and password alone: an account with a second factor is refused
/// (`second_factor.required`, on the field `code`).
pub async fn login(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    username: &str,
    password: &str,
    user_agent: &str,
) -> Result<LoginOutcome, AppError> {
    login_with_code(conn, policy, LoginAttempt { username, password, code: "", user_agent }).await
}

/// A login from the login form: name, password and, for an account with a second factor,
/// the code of its authenticator app.
pub async fn login_with_code(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    attempt: LoginAttempt<'_>,
) -> Result<LoginOutcome, AppError> {
    let LoginAttempt { username, password, code, user_agent } = attempt;
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        let mut errors = Vec::new();
        if username.is_empty() {
            errors.push(crate::FieldError::new("username", ErrorCode::Required));
        }
        if password.is_empty() {
            errors.push(crate::FieldError::new("password", ErrorCode::Required));
        }
        return Err(AppError::Validation(errors));
    }
    let found: Option<Credentials> = users::table
        .filter(users::username.eq(username))
        .select(Credentials::as_select())
        .first(conn)
        .await
        .optional()?;
    let now = Utc::now();
    let Some(Credentials {
        id: user_id,
        township_id,
        password_hash: stored_hash,
        status,
        failed_logins,
        locked_until,
        totp_secret,
        totp_last_step,
    }) = found
    else {
        // An unknown name is answered exactly as a known one with a wrong password: the same
        // work (a real argon2 check), the same error, and after the same number of failures
        // the same lockout, so neither the answer nor its timing says whether it exists.
        if let Some(until) = unknown_names::locked_until(username, now) {
            return Err(AppError::Locked { until });
        }
        password_hash::verify(password.to_owned(), password_hash::decoy_hash().to_owned()).await;
        return Err(match unknown_names::fail(username, policy, now) {
            Some(until) => AppError::Locked { until },
            None => AppError::BadCredentials,
        });
    };
    if let Some(until) = locked_until.filter(|until| *until > now) {
        return Err(AppError::Locked { until });
    }
    let failure = Failure { user_id, township_id, username, failed_logins, now };
    if !password_hash::verify(password.to_owned(), stored_hash).await {
        return Err(failure.count(conn, policy, "", AppError::BadCredentials).await?);
    }
    if status != UserStatus::Active {
        return Err(AppError::Inactive(status.as_str().to_owned()));
    }
    // The password was right: an account with a second factor needs its code too. A wrong
    // code counts towards the lockout as a wrong password does.
    if let Some(secret) = totp_secret {
        if code.trim().is_empty() {
            return Err(AppError::field("code", ErrorCode::SecondFactorRequired));
        }
        match second_factor::spend(conn, user_id, &secret, totp_last_step, code, now).await? {
            None => {
                let wrong = AppError::field("code", ErrorCode::SecondFactorWrong);
                return Err(failure.count(conn, policy, "second factor", wrong).await?);
            }
            Some(second_factor::Proof::App) => {}
            Some(second_factor::Proof::Recovery { left }) => {
                let left = format!("left={left}");
                let action = AuditAction::UseRecoveryCode;
                audit::record(conn, township_id, Some(user_id), username, action, username, &left).await?;
            }
        }
    }
    diesel::update(users::table.find(user_id))
        .set((LoginCounter { failed_logins: 0, locked_until: None }, users::last_login_at.eq(Some(now))))
        .execute(conn)
        .await?;
    let token = session::create(conn, policy, user_id, township_id, user_agent).await?;
    if policy.single_session {
        super::online::end_others(conn, user_id, &session::token_hash(&token)).await?;
    }
    let user = session::load_user(conn, policy, user_id).await?;
    audit::record(conn, township_id, Some(user_id), &user.display_name, AuditAction::Login, username, "").await?;
    Ok(LoginOutcome { user, token })
}

/// A wrong code from the app given by a logged-in user (to renew the recovery codes or turn
/// the factor off): counted as a failed login, since whoever holds a stolen session may be
/// guessing codes to take the factor away. The answer to give: the wrong code, or the lock,
/// which also ends the account's sessions.
pub(super) async fn wrong_code_in_session(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    user: &SessionUser,
    now: chrono::DateTime<Utc>,
) -> Result<AppError, AppError> {
    let failed_logins: i32 = users::table.find(user.id).select(users::failed_logins).first(conn).await?;
    let failure =
        Failure { user_id: user.id, township_id: user.township_id, username: &user.username, failed_logins, now };
    let wrong = AppError::field("code", ErrorCode::SecondFactorWrong);
    let answer = failure.count(conn, policy, "second factor in a session", wrong).await?;
    if matches!(answer, AppError::Locked { .. }) {
        session::revoke_all(conn, user.id).await?;
    }
    Ok(answer)
}

/// A failed attempt on a real account: counted, and the account locked at the policy's limit.
struct Failure<'a> {
    user_id: i64,
    township_id: i32,
    username: &'a str,
    failed_logins: i32,
    now: chrono::DateTime<Utc>,
}

impl Failure<'_> {
    /// Counts the failure and records it (`detail` says what was wrong when not the password);
    /// the error to answer: `error`, or the lock if this failure locks the account.
    async fn count(
        self,
        conn: &mut AsyncPgConnection,
        policy: &AuthPolicy,
        detail: &str,
        error: AppError,
    ) -> Result<AppError, AppError> {
        let Failure { user_id, township_id, username, failed_logins, now } = self;
        let failed = failed_logins + 1;
        if failed >= policy.max_failed_logins {
            let until = now + policy.lockout;
            diesel::update(users::table.find(user_id))
                .set(LoginCounter { failed_logins: 0, locked_until: Some(until) })
                .execute(conn)
                .await?;
            audit::record(conn, township_id, Some(user_id), username, AuditAction::Locked, username, detail).await?;
            return Ok(AppError::Locked { until });
        }
        diesel::update(users::table.find(user_id)).set(users::failed_logins.eq(failed)).execute(conn).await?;
        audit::record(conn, township_id, Some(user_id), username, AuditAction::LoginFailed, username, detail).await?;
        Ok(error)
    }
}

/// Failed logins under names that do not exist, counted in the process as the database counts
/// them for real accounts (`failed_logins`, `locked_until`), so that "locked" after repeated
/// failures is no sign that an account exists. Bounded: at `MAX_NAMES` the names no longer
/// locked are forgotten (and if all are, all), so a flood of made-up names cannot grow it.
mod unknown_names {
    use std::collections::HashMap;
    use std::sync::{Mutex, PoisonError};

    use chrono::{DateTime, Utc};

    use crate::accounts::service::AuthPolicy;

    pub const MAX_NAMES: usize = 10_000;

    #[derive(Default)]
    struct Entry {
        failed: i32,
        locked_until: Option<DateTime<Utc>>,
    }

    static NAMES: Mutex<Option<HashMap<String, Entry>>> = Mutex::new(None);

    fn with<T>(change: impl FnOnce(&mut HashMap<String, Entry>) -> T) -> T {
        let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
        change(names.get_or_insert_with(HashMap::new))
    }

    /// The end of the lock of this unknown name, if it is locked now.
    pub fn locked_until(username: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        with(|names| names.get(username)?.locked_until.filter(|until| *until > now))
    }

    /// Counts one failure; `Some(until)` when it locks the name, as the fifth wrong password
    /// locks an account (and resets its count).
    pub fn fail(username: &str, policy: &AuthPolicy, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        with(|names| {
            if names.len() >= MAX_NAMES && !names.contains_key(username) {
                names.retain(|_, entry| entry.locked_until.is_some_and(|until| until > now));
                if names.len() >= MAX_NAMES {
                    names.clear();
                }
            }
            let entry = names.entry(username.to_owned()).or_default();
            entry.failed += 1;
            if entry.failed >= policy.max_failed_logins {
                let until = now + policy.lockout;
                *entry = Entry { failed: 0, locked_until: Some(until) };
                return Some(until);
            }
            None
        })
    }
}

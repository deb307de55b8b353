//! The password lifecycle of GB/T 22239 level 3 (identity authentication): an initial
//! password set by an administrator is replaced at the first login, a password expires after
//! the policy's age, and none of the last [`HISTORY`] passwords may be chosen again.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{AuthPolicy, credential_reset, online, password_hash};
use crate::accounts::{PasswordChange, PasswordDue, PasswordStatus, SessionUser, TemporaryPassword, password_policy};
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::error::{AppError, ErrorCode};
use crate::permissions::codes;
use crate::schema::{password_history, users};

/// How many of the newest passwords of an account may not be chosen again (the current one
/// among them).
pub const HISTORY: usize = 5;

/// Whether a password set at `changed_at` must be replaced now.
pub fn due(
    policy: &AuthPolicy,
    changed_at: DateTime<Utc>,
    must_change: bool,
    now: DateTime<Utc>,
) -> Option<PasswordDue> {
    if must_change {
        Some(PasswordDue::Initial)
    } else if policy.password_max_age.is_some_and(|age| changed_at + age <= now) {
        Some(PasswordDue::Expired)
    } else {
        None
    }
}

/// Where the caller's password stands.
pub async fn status(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    user: &SessionUser,
) -> Result<PasswordStatus, AppError> {
    let (changed_at, must_change): (DateTime<Utc>, bool) = users::table
        .find(user.id)
        .select((users::password_changed_at, users::must_change_password))
        .first(conn)
        .await?;
    Ok(PasswordStatus {
        due: due(policy, changed_at, must_change, Utc::now()),
        changed_at,
        expires_at: policy.password_max_age.map(|age| changed_at + age),
    })
}

/// Records a password just set (its hash), keeping the newest [`HISTORY`].
pub async fn remember(conn: &mut AsyncPgConnection, user_id: i64, hash: &str) -> Result<(), AppError> {
    // One statement: the DELETE does not see the row its CTE inserts, so it keeps the newest
    // `HISTORY - 1` earlier ones beside it.
    diesel::sql_query(
        "WITH added AS (INSERT INTO password_history (user_id, set_at, password_hash) VALUES ($1, $2, $3)) \
         DELETE FROM password_history WHERE user_id = $1 AND set_at NOT IN \
           (SELECT set_at FROM password_history WHERE user_id = $1 ORDER BY set_at DESC LIMIT $4 - 1)",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Timestamptz, _>(Utc::now())
    .bind::<Text, _>(hash)
    .bind::<BigInt, _>(HISTORY as i64)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores an account's new password (its hash), remembered among the last [`HISTORY`]; its age
/// starts now, `must_change` says whether its holder must replace it at the next login, and
/// any lockout ends (whoever holds the new password has not failed with it).
async fn replace(conn: &mut AsyncPgConnection, user_id: i64, hash: &str, must_change: bool) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(Utc::now()),
            users::must_change_password.eq(must_change),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await?;
    remember(conn, user_id, hash).await
}

/// Replaces the caller's password: the current one must be right and the new one must pass
/// the policy and differ from the last [`HISTORY`]. Ends the account's other sessions (whoever
/// knew the old password is logged out) but not `session_hash`, the caller's own.
pub async fn change(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    session_hash: &str,
    form: &PasswordChange,
) -> Result<(), AppError> {
    form.validate(&user.username)?;
    let stored: String = users::table.find(user.id).select(users::password_hash).first(conn).await?;
    if !password_hash::verify(form.current_password.clone(), stored).await {
        audit::record(
            conn,
            user.township_id,
            Some(user.id),
            &user.display_name,
            AuditAction::PasswordChangeFailed,
            &user.username,
            "",
        )
        .await?;
        return Err(AppError::field("current_password", ErrorCode::PasswordWrong));
    }
    let recent: Vec<String> = password_history::table
        .filter(password_history::user_id.eq(user.id))
        .order(password_history::set_at.desc())
        .limit(HISTORY as i64)
        .select(password_history::password_hash)
        .load(conn)
        .await?;
    for old in recent {
        if password_hash::verify(form.password.clone(), old).await {
            return Err(AppError::field("password", ErrorCode::PasswordReused));
        }
    }
    let hash = password_hash::hash(form.password.clone()).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        replace(conn, user.id, &hash, false).await?;
        let ended = online::end_others(conn, user.id, session_hash).await?;
        audit::record(
            conn,
            user.township_id,
            Some(user.id),
            &user.display_name,
            AuditAction::PasswordChange,
            &user.username,
            &format!("sessions_ended={ended}"),
        )
        .await
    })
    .await
}

/// The system administrator's reset of an account's password, for a holder who forgot it or an
/// account that may be compromised: a new random password, shown to the administrator once,
/// that the holder must replace at the next login (as an initial password). The account is
/// unlocked, and its sessions end at once. Not for the administrator's own account.
pub async fn reset(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    user_id: i64,
) -> Result<TemporaryPassword, AppError> {
    let target =
        credential_reset::target(conn, actor, user_id, codes::USERS_MANAGE, ErrorCode::UserOwnPassword).await?;
    let password = temporary(&target.username);
    let hash = password_hash::hash(password.clone()).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        replace(conn, user_id, &hash, true).await?;
        credential_reset::end_sessions_and_record(conn, actor, &target, AuditAction::ResetPassword).await
    })
    .await?;
    Ok(TemporaryPassword { user_id, username: target.username, password })
}

/// A random password that passes the policy: 14 characters of upper and lower case letters,
/// digits and a sign, without the ones that read alike (0/O, 1/l/I).
fn temporary(username: &str) -> String {
    use rand::seq::{IndexedRandom, SliceRandom};
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    const SIGNS: &[u8] = b"@#%+=";
    let mut rng = rand::rng();
    loop {
        let mut chars: Vec<u8> = [UPPER, LOWER, DIGITS, SIGNS]
            .iter()
            .map(|class| *class.choose(&mut rng).expect("a class has characters"))
            .collect();
        let all: Vec<u8> = [UPPER, LOWER, DIGITS].concat();
        chars.extend((0..10).map(|_| *all.choose(&mut rng).expect("characters")));
        chars.shuffle(&mut rng);
        let password = String::from_utf8(chars).expect("ASCII");
        // Random text passes all but by a freak chance (the username inside it): draw again.
        if password_policy::validate(&password, username).is_ok() {
            return password;
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn temporary_passwords_pass_the_policy_and_differ() {
        let drawn: std::collections::HashSet<String> = (0..200).map(|_| temporary("clerk")).collect();
        assert_eq!(drawn.len(), 200);
        for password in &drawn {
            assert_eq!(password.chars().count(), 14);
            assert_eq!(password_policy::validate(password, "clerk"), Ok(()), "{password}");
            assert!(!password.contains(['0', 'O', '1', 'l', 'I']), "{password}");
        }
    }

    #[test]
    fn an_initial_password_is_due_at_once_and_an_old_one_when_it_reaches_the_age() {
        let policy = AuthPolicy::default();
        let now = Utc::now();
        assert_eq!(due(&policy, now, true, now), Some(PasswordDue::Initial));
        assert_eq!(due(&policy, now - Duration::days(89), false, now), None);
        assert_eq!(due(&policy, now - Duration::days(90), false, now), Some(PasswordDue::Expired));
        let never = AuthPolicy { password_max_age: None, ..AuthPolicy::default() };
        assert_eq!(due(&never, now - Duration::days(9_000), false, now), None);
        assert_eq!(due(&never, now, true, now), Some(PasswordDue::Initial), "an initial password is due either way");
    }
}

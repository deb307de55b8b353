//! A second factor at login: a one-time code from an authenticator app (TOTP, RFC 6238:
//! HMAC-SHA1, six digits, 30-second steps, which every authenticator app reads from a QR
//! code). GB/T 22239 8.1.4.1 d asks administrators for two kinds of authentication; the
//! policy (`AuthPolicy::admin_second_factor`) makes it a must for them, anyone may enrol.
//!
//! - `begin` makes a secret and keeps it pending; `confirm` takes a code the app shows for it
//!   and makes it the account's; `disable` takes it away again, with a code, unless the
//!   policy requires it of the account.
//! - At login (`login.rs`) an account with a secret needs a code besides its password.
//! - A code is accepted once: its time step must come after the last one accepted.
//! - Turning it on gives ten recovery codes, each good for one login in place of the app's
//!   code (a lost phone); `renew_recovery` makes a new ten. Only their SHA-256 is kept.
//! - A user who lost both asks the security administrator, who takes the factor away
//!   (`reset`): not the system administrator, who resets passwords, so that neither alone
//!   can take over an account that has two factors.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rand::RngCore;
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::{AuthPolicy, credential_reset};
use crate::accounts::builtin_roles::DUTIES;
use crate::accounts::{
    RecoveryCodes, SecondFactorAccount, SecondFactorEnrolment, SecondFactorOverview, SecondFactorStatus, SessionUser,
};
use crate::audit::{AuditAction, service as audit};
use crate::error::{AppError, ErrorCode};
use crate::permissions::codes;
use crate::personal::Column;
use crate::schema::{second_factor_recovery_codes as recovery, users};

/// The name the app lists the account under.
const ISSUER: &str = "Tongguan";
/// Bytes of a secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Recovery codes made at once.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of a recovery code: 80 bits, 16 base32 characters, shown in four groups of four.
const RECOVERY_BYTES: usize = 10;

/// Whether `user` is one of the administrators the policy may require a second factor of.
pub fn is_administrator(user: &SessionUser) -> bool {
    DUTIES.iter().any(|duty| duty.iter().any(|permission| user.can(*permission)))
}

fn totp(secret: Secret, account: &str) -> Result<Totp, AppError> {
    // The label is `issuer:account`, so a colon in the account would end it early.
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        // One step either side: a phone's clock a little off, a code typed as it turned.
        .with_skew(1)
        .with_secret(secret)
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|error| {
            tracing::error!(%error, "a second factor");
            AppError::Internal
        })
}

/// A secret as `users` keeps it: sealed with the personal-data keyring (`crate::personal`).
fn stored(secret: &str) -> Result<Secret, AppError> {
    let secret = crate::personal::service::open_text(Column::UserTotpSecret, secret)?;
    Secret::try_from_base32(&secret).map_err(|error| {
        tracing::error!(%error, "a stored second-factor secret");
        AppError::Internal
    })
}

/// The time step a code is good for at `now`, if it is one of `secret`'s, within a step of
/// `now` and after `last_step`.
pub fn accepted_step(
    secret: &str,
    code: &str,
    last_step: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let totp = totp(stored(secret)?, "")?;
    let Some(step) = totp.check(&code, now.timestamp().max(0) as u64) else { return Ok(None) };
    let step = step as i64;
    Ok((last_step.is_none_or(|last| step > last)).then_some(step))
}

#[derive(Queryable)]
struct Factor {
    secret: Option<String>,
    pending: Option<String>,
    last_step: Option<i64>,
}

async fn factor(conn: &mut AsyncPgConnection, user_id: i64) -> Result<Factor, AppError> {
    Ok(users::table
        .find(user_id)
        .select((users::totp_secret, users::totp_pending, users::totp_last_step))
        .first(conn)
        .await?)
}

/// Whether the caller has a second factor, and whether they must.
pub async fn status(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    user: &SessionUser,
) -> Result<SecondFactorStatus, AppError> {
    let factor = factor(conn, user.id).await?;
    Ok(SecondFactorStatus {
        enabled: factor.secret.is_some(),
        required: policy.admin_second_factor && is_administrator(user),
        recovery_left: recovery_left(conn, user.id).await?,
    })
}

async fn recovery_left(conn: &mut AsyncPgConnection, user_id: i64) -> Result<i64, AppError> {
    Ok(recovery::table
        .filter(recovery::user_id.eq(user_id).and(recovery::used_at.is_null()))
        .count()
        .get_result(conn)
        .await?)
}

/// The secret for the caller's app, pending until `confirm`: the one already pending, so that
/// a reload or a refused code shows the QR code the app has scanned, or a new one.
pub async fn begin(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<SecondFactorEnrolment, AppError> {
    let secret = match factor(conn, user.id).await?.pending {
        Some(pending) => stored(&pending)?,
        None => {
            let mut bytes = vec![0u8; SECRET_BYTES];
            rand::rng().fill_bytes(&mut bytes);
            let secret = Secret::from(bytes);
            let sealed = crate::personal::service::seal_text(Column::UserTotpSecret, &secret.to_base32())?;
            // Two first loads at once (a page and its refetch) must show one secret: the first
            // stored is kept, and each reads back what is kept — else the page could show one
            // secret while another waits, and the app's code from it would be refused.
            #[derive(QueryableByName)]
            struct Kept {
                #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
                totp_pending: Option<String>,
            }
            let kept: Kept = diesel::sql_query(
                "UPDATE users SET totp_pending = coalesce(totp_pending, $2) WHERE id = $1 RETURNING totp_pending",
            )
            .bind::<diesel::sql_types::BigInt, _>(user.id)
            .bind::<diesel::sql_types::Text, _>(&sealed)
            .get_result(conn)
            .await?;
            match kept.totp_pending {
                Some(pending) if pending != sealed => stored(&pending)?,
                _ => secret,
            }
        }
    };
    let totp = totp(secret, &user.username)?;
    let uri = totp.to_url().map_err(|error| {
        tracing::error!(%error, "a second factor's URI");
        AppError::Internal
    })?;
    Ok(SecondFactorEnrolment { qr_svg: qr_svg(&uri)?, uri, secret: totp.secret().to_base32() })
}

/// The QR code of `uri` as an SVG image.
fn qr_svg(uri: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|error| {
        tracing::error!(%error, "a QR code");
        AppError::Internal
    })?;
    Ok(code.render::<svg::Color>().min_dimensions(200, 200).quiet_zone(true).build())
}

/// Makes the pending secret the caller's, once they show a code their app makes from it; the
/// answer is the account's recovery codes, to be shown this once.
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<RecoveryCodes, AppError> {
    let factor = factor(conn, user.id).await?;
    let Some(pending) = factor.pending else {
        return Err(AppError::field("code", ErrorCode::SecondFactorNotStarted));
    };
    let Some(step) = accepted_step(&pending, code, None, now)? else {
        return Err(AppError::field("code", ErrorCode::SecondFactorWrong));
    };
    conn.transaction::<_, AppError, _>(async |conn| {
        diesel::update(users::table.find(user.id))
            .set((
                users::totp_secret.eq(Some(&pending)),
                users::totp_pending.eq(None::<String>),
                users::totp_last_step.eq(Some(step)),
            ))
            .execute(conn)
            .await?;
        new_recovery_codes(conn, user, AuditAction::EnableSecondFactor).await
    })
    .await
}

/// A new set of recovery codes for the caller, in place of the old ones (used or not), with a
/// code from the app: whoever finds the account open cannot make codes of their own.
pub async fn renew_recovery(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    user: &SessionUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<RecoveryCodes, AppError> {
    let factor = factor(conn, user.id).await?;
    let Some(secret) = factor.secret else {
        return Err(AppError::field("code", ErrorCode::SecondFactorNotEnabled));
    };
    if !spend_code(conn, user.id, &secret, factor.last_step, code, now).await? {
        return Err(super::login::wrong_code_in_session(conn, policy, user, now).await?);
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        new_recovery_codes(conn, user, AuditAction::RenewRecoveryCodes).await
    })
    .await
}

/// Replaces the user's recovery codes with `RECOVERY_CODES` new ones and records `action` (to
/// be called in the transaction of the change that makes them).
async fn new_recovery_codes(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    action: AuditAction,
) -> Result<RecoveryCodes, AppError> {
    let user_id = user.id;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_BYTES];
            rand::rng().fill_bytes(&mut bytes);
            let text = Secret::from(bytes.to_vec()).to_base32();
            text.as_bytes().chunks(4).map(|group| String::from_utf8_lossy(group)).collect::<Vec<_>>().join("-")
        })
        .collect();
    let rows: Vec<_> = codes
        .iter()
        .filter_map(|code| recovery_hash(code))
        .map(|hash| (recovery::user_id.eq(user_id), recovery::code_hash.eq(hash)))
        .collect();
    diesel::delete(recovery::table.filter(recovery::user_id.eq(user_id))).execute(conn).await?;
    diesel::insert_into(recovery::table).values(rows).execute(conn).await?;
    audit::record(conn, user.township_id, Some(user.id), &user.display_name, action, &user.username, "").await?;
    Ok(RecoveryCodes { codes })
}

/// The stored hash of a recovery code as typed (any case, with or without the dashes and
/// spaces), or `None` when it is not of a recovery code's form (six digits from the app, say).
fn recovery_hash(code: &str) -> Option<String> {
    use sha2::{Digest, Sha256};
    let code: String =
        code.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    let base32 = |c: char| c.is_ascii_uppercase() || ('2'..='7').contains(&c);
    (code.len() == RECOVERY_BYTES * 8 / 5 && code.chars().all(base32)).then(|| hex::encode(Sha256::digest(&code)))
}

/// Takes the caller's second factor away, with a code from it; refused while the policy
/// requires one of them.
pub async fn disable(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    user: &SessionUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if policy.admin_second_factor && is_administrator(user) {
        return Err(AppError::field("code", ErrorCode::SecondFactorRequiredByPolicy));
    }
    let factor = factor(conn, user.id).await?;
    let Some(secret) = factor.secret else {
        return Err(AppError::field("code", ErrorCode::SecondFactorNotEnabled));
    };
    if accepted_step(&secret, code, factor.last_step, now)?.is_none() {
        return Err(super::login::wrong_code_in_session(conn, policy, user, now).await?);
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        take_away(conn, user.id).await?;
        let (id, name) = (Some(user.id), &user.display_name);
        audit::record(conn, user.township_id, id, name, AuditAction::DisableSecondFactor, &user.username, "").await
    })
    .await
}

/// Removes the account's secret, pending secret, last step and recovery codes.
async fn take_away(conn: &mut AsyncPgConnection, user_id: i64) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_pending.eq(None::<String>),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)
        .await?;
    diesel::delete(recovery::table.filter(recovery::user_id.eq(user_id))).execute(conn).await?;
    Ok(())
}

/// What let a login through besides the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// A code from the app.
    App,
    /// A recovery code, with so many left.
    Recovery { left: i64 },
}

/// At login: whether `code` is good for the account now, either as the app's code for its
/// `secret` (past `last_step`, as read with its credentials) or as one of its unused recovery
/// codes, and if so, spends it.
pub(super) async fn spend(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    secret: &str,
    last_step: Option<i64>,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<Proof>, AppError> {
    let Some(hash) = recovery_hash(code) else {
        return Ok(spend_code(conn, user_id, secret, last_step, code, now).await?.then_some(Proof::App));
    };
    // Used in one conditional statement: two logins racing with one code cannot both pass.
    let used = diesel::update(recovery::table.find((user_id, hash)).filter(recovery::used_at.is_null()))
        .set(recovery::used_at.eq(Some(now)))
        .execute(conn)
        .await?;
    if used != 1 {
        return Ok(None);
    }
    Ok(Some(Proof::Recovery { left: recovery_left(conn, user_id).await? }))
}

/// Whether `code` is the app's code for `secret` now, past `last_step`; if so, spends its time
/// step. The step is spent only if it is still past the last one spent, in one statement, so
/// that two logins racing with one code cannot both spend it.
async fn spend_code(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    secret: &str,
    last_step: Option<i64>,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(step) = accepted_step(secret, code, last_step, now)? else { return Ok(false) };
    let spent = diesel::update(
        users::table.find(user_id).filter(users::totp_last_step.is_null().or(users::totp_last_step.lt(step))),
    )
    .set(users::totp_last_step.eq(Some(step)))
    .execute(conn)
    .await?;
    Ok(spent == 1)
}

/// The accounts of the security administrator's township that have a second factor or are
/// staff, administrators first, for 两步验证管理; and whether the policy requires it.
pub async fn overview(
    conn: &mut AsyncPgConnection,
    policy: &AuthPolicy,
    actor: &SessionUser,
) -> Result<SecondFactorOverview, AppError> {
    use diesel::sql_types::{Array, BigInt, Bool, Integer, Text};
    if !actor.can(codes::SESSIONS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        username: String,
        #[diesel(sql_type = Text)]
        display_name: String,
        #[diesel(sql_type = Array<Text>)]
        role_names: Vec<String>,
        #[diesel(sql_type = Bool)]
        enabled: bool,
        #[diesel(sql_type = Bool)]
        administrator: bool,
        #[diesel(sql_type = BigInt)]
        recovery_left: i64,
    }
    let duties: Vec<&str> = DUTIES.iter().flat_map(|duty| duty.iter().map(|p| p.as_str())).collect();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT u.id, u.username, u.display_name, \
                coalesce(array_agg(r.name ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '{}') AS role_names, \
                u.totp_secret IS NOT NULL AS enabled, \
                coalesce(bool_or(r.permissions && $2), false) AS administrator, \
                (SELECT count(*) FROM second_factor_recovery_codes c \
                 WHERE c.user_id = u.id AND c.used_at IS NULL) AS recovery_left \
         FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id \
         WHERE u.township_id = $1 AND (u.kind = $3 OR u.totp_secret IS NOT NULL) \
         GROUP BY u.id \
         ORDER BY administrator DESC, u.username LIMIT 1000",
    )
    .bind::<Integer, _>(actor.township_id)
    .bind::<Array<Text>, _>(duties)
    .bind::<Text, _>(crate::accounts::UserKind::Staff.as_str())
    .load(conn)
    .await?;
    Ok(SecondFactorOverview {
        required_of_administrators: policy.admin_second_factor,
        accounts: rows
            .into_iter()
            .map(|row| SecondFactorAccount {
                current: row.id == actor.id,
                user_id: row.id,
                username: row.username,
                display_name: row.display_name,
                role_names: row.role_names,
                enabled: row.enabled,
                administrator: row.administrator,
                recovery_left: row.recovery_left,
            })
            .collect(),
    })
}

/// Takes away the second factor of a user who lost their phone and their recovery codes (the
/// security administrator, for an account of their township, not their own): the user logs
/// in with the password alone, and enrols again, at once if the policy requires it of them.
/// Their sessions end, so that whoever holds one must log in again.
pub async fn reset(conn: &mut AsyncPgConnection, actor: &SessionUser, user_id: i64) -> Result<(), AppError> {
    let own = ErrorCode::SecondFactorResetOwn;
    let target = credential_reset::target(conn, actor, user_id, codes::SESSIONS_MANAGE, own).await?;
    if factor(conn, user_id).await?.secret.is_none() {
        return Err(AppError::Conflict(ErrorCode::SecondFactorNotEnabled));
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        take_away(conn, user_id).await?;
        credential_reset::end_sessions_and_record(conn, actor, &target, AuditAction::ResetSecondFactor).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's own test vector (appendix B: the ASCII secret "12345678901234567890", SHA-1,
    /// 59 s gives 94287082, whose last six digits are the code), and the window around it.
    #[test]
    fn codes_are_rfc_6238_and_each_is_good_once_within_a_step() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let at = |seconds| DateTime::from_timestamp(seconds, 0).expect("a time");
        assert_eq!(accepted_step(&secret, "287082", None, at(59)), Ok(Some(1)));
        assert_eq!(accepted_step(&secret, "287 082", None, at(59)), Ok(Some(1)), "spaces as apps show them");
        assert_eq!(accepted_step(&secret, "287082", None, at(89)), Ok(Some(1)), "a step late");
        assert_eq!(accepted_step(&secret, "287082", None, at(120)), Ok(None), "two steps late");
        assert_eq!(accepted_step(&secret, "287082", Some(1), at(59)), Ok(None), "spent already");
        assert_eq!(accepted_step(&secret, "287083", None, at(59)), Ok(None));
        assert_eq!(accepted_step(&secret, "28708", None, at(59)), Ok(None));
        assert_eq!(accepted_step(&secret, "２８７０８２", None, at(59)), Ok(None), "digits are ASCII");
    }
}

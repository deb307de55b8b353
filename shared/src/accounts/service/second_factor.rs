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

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::RngCore;
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::AuthPolicy;
use crate::accounts::builtin_roles::DUTIES;
use crate::accounts::{SecondFactorEnrolment, SecondFactorStatus, SessionUser};
use crate::audit::{AuditAction, service as audit};
use crate::error::{AppError, ErrorCode};
use crate::schema::users;

/// The name the app lists the account under.
const ISSUER: &str = "Tongguan";
/// Bytes of a secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

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

fn stored(secret: &str) -> Result<Secret, AppError> {
    Secret::try_from_base32(secret).map_err(|error| {
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
    })
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
            diesel::update(users::table.find(user.id))
                .set(users::totp_pending.eq(Some(secret.to_base32())))
                .execute(conn)
                .await?;
            secret
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

/// Makes the pending secret the caller's, once they show a code their app makes from it.
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let factor = factor(conn, user.id).await?;
    let Some(pending) = factor.pending else {
        return Err(AppError::field("code", ErrorCode::SecondFactorNotStarted));
    };
    let Some(step) = accepted_step(&pending, code, None, now)? else {
        return Err(AppError::field("code", ErrorCode::SecondFactorWrong));
    };
    diesel::update(users::table.find(user.id))
        .set((
            users::totp_secret.eq(Some(&pending)),
            users::totp_pending.eq(None::<String>),
            users::totp_last_step.eq(Some(step)),
        ))
        .execute(conn)
        .await?;
    let (id, name) = (Some(user.id), &user.display_name);
    audit::record(conn, user.township_id, id, name, AuditAction::EnableSecondFactor, &user.username, "").await
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
        return Err(AppError::field("code", ErrorCode::SecondFactorWrong));
    }
    diesel::update(users::table.find(user.id))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_pending.eq(None::<String>),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)
        .await?;
    let (id, name) = (Some(user.id), &user.display_name);
    audit::record(conn, user.township_id, id, name, AuditAction::DisableSecondFactor, &user.username, "").await
}

/// At login: whether `code` is good for the account's `secret` now (past `last_step`, as read
/// with its credentials), and if so, spends it. The step is spent only if it is still past the
/// last one spent, in one statement, so that two logins racing with one code cannot both
/// spend it.
pub(super) async fn spend(
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

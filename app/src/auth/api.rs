//! Server functions of the auth module: most serve callers not logged in yet, and take a
//! bare connection ([`session::authorized`] says when that is right).

use crate::wire::Postcard;
use leptos::prelude::*;
use shared::accounts::{
    EnterpriseRegistration, PasswordChange, PasswordStatus, PublicRegistration, RecoveryCodes, SecondFactorEnrolment,
    SecondFactorStatus, SessionUser, TownshipOption,
};
use shared::error::AppError;

#[cfg(feature = "ssr")]
use super::session::{self, Authorized};

/// The logged-in user, or `None`.
#[server(endpoint = "auth/me", output = Postcard)]
pub async fn get_me() -> Result<Option<SessionUser>, AppError> {
    match session::current_user().await {
        Ok(user) => Ok(Some(user)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Logs in with a name, a password and, for an account with a second factor, the code of
/// its authenticator app (the form asks for it when the answer says so).
#[server(endpoint = "auth/login", output = Postcard)]
pub async fn login(
    username: String,
    password: String,
    #[server(default)] code: String,
    next: String,
) -> Result<(), AppError> {
    use shared::accounts::service::login::{self, LoginAttempt};
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    let user_agent = session::user_agent();
    let attempt = LoginAttempt { username: &username, password: &password, code: &code, user_agent: &user_agent };
    let outcome = login::login_with_code(&mut conn, &state.auth, attempt).await?;
    session::set_session_cookie(&outcome.token)?;
    let next = session::safe_next(&next);
    // A password due comes first, then a second factor to enrol, then the page asked for.
    leptos_axum::redirect(&outcome.user.due_page(&next).unwrap_or(next));
    Ok(())
}

/// Whether the caller logs in with a second factor, and whether they must.
#[server(endpoint = "auth/second_factor", output = Postcard)]
pub async fn read_second_factor() -> Result<SecondFactorStatus, AppError> {
    // Not `authorized`: a user who must enrol one reads why here.
    let user = session::current_user().await?;
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    shared::accounts::service::second_factor::status(&mut conn, &state.auth, &user).await
}

/// A new secret for the caller's authenticator app (pending until confirmed).
#[server(endpoint = "auth/second_factor/begin", output = Postcard)]
pub async fn begin_second_factor() -> Result<SecondFactorEnrolment, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::accounts::service::second_factor::begin(&mut conn, &user).await
}

/// Confirms the pending secret with a code from the app; the answer is the recovery codes, to
/// be shown once (a plain form is sent to the page with a one-time note of them, keeping
/// `next` for the link that goes on).
#[server(endpoint = "auth/second_factor/confirm", output = Postcard)]
pub async fn confirm_second_factor(code: String, #[server(default)] next: String) -> Result<RecoveryCodes, AppError> {
    let user = session::current_user().await?;
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    let codes = shared::accounts::service::second_factor::confirm(&mut conn, &user, &code, chrono::Utc::now()).await?;
    // The cached session still says a factor is due: this process forgets it at once.
    if let Some(token) = session::session_token() {
        state.sessions.forget(&shared::accounts::service::session::token_hash(&token));
    }
    let page = shared::accounts::second_factor_page(&session::safe_next(&next));
    crate::admin::shown_once::RECOVERY_CODES.keep_for_plain_form(user.id, &codes, &page, "codes");
    Ok(codes)
}

/// A new set of recovery codes in place of the old, with a code from the app; shown once.
#[server(endpoint = "auth/second_factor/renew_recovery", output = Postcard)]
pub async fn renew_recovery_codes(code: String) -> Result<RecoveryCodes, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let state = session::state()?;
    let codes = shared::accounts::service::second_factor::renew_recovery(
        &mut conn,
        &state.auth,
        &user,
        &code,
        chrono::Utc::now(),
    )
    .await?;
    crate::admin::shown_once::RECOVERY_CODES.keep_for_plain_form(user.id, &codes, "/two-factor", "codes");
    Ok(codes)
}

/// The recovery codes a plain form post made, once (see [`confirm_second_factor`]).
#[server(endpoint = "auth/second_factor/recovery_codes", output = Postcard)]
pub async fn noted_recovery_codes(note: String) -> Result<Option<RecoveryCodes>, AppError> {
    let user = session::current_user().await?;
    Ok(crate::admin::shown_once::RECOVERY_CODES.take(user.id, &note))
}

/// Turns the caller's second factor off, with a code from it.
#[server(endpoint = "auth/second_factor/disable", output = Postcard)]
pub async fn disable_second_factor(code: String) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let state = session::state()?;
    shared::accounts::service::second_factor::disable(&mut conn, &state.auth, &user, &code, chrono::Utc::now()).await?;
    leptos_axum::redirect("/two-factor?disabled=1");
    Ok(())
}

#[server(endpoint = "auth/logout", output = Postcard)]
pub async fn logout() -> Result<(), AppError> {
    use shared::accounts::service::session as sessions;
    if let Some(token) = session::session_token() {
        let user = session::current_user().await.ok();
        let mut conn = session::conn().await?;
        if let Some(user) = user {
            shared::audit::service::record(
                &mut conn,
                user.township_id,
                Some(user.id),
                &user.display_name,
                shared::audit::AuditAction::Logout,
                &user.username,
                "",
            )
            .await?;
        }
        sessions::revoke(&mut conn, &token).await?;
        // Other processes hear of it from PostgreSQL; this one forgets it before answering.
        session::state()?.sessions.forget(&sessions::token_hash(&token));
    }
    session::clear_session_cookie()?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Where the caller's password stands (due, changed, expiring).
#[server(endpoint = "auth/password_status", output = Postcard)]
pub async fn read_password_status() -> Result<PasswordStatus, AppError> {
    // Not `authorized`: a user whose password is due must read why.
    let user = session::current_user().await?;
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    shared::accounts::service::password::status(&mut conn, &state.auth, &user).await
}

/// Changes the caller's password and goes on to `next` (a local page). The form's fields are
/// `form[…]`.
#[server(endpoint = "auth/change_password", output = Postcard)]
pub async fn change_password(form: PasswordChange, #[server(default)] next: String) -> Result<(), AppError> {
    use shared::accounts::service::{password, session as sessions};
    // Not `authorized`: this is what a user whose password is due must be able to call.
    let user = session::current_user().await?;
    let token = session::session_token().ok_or(AppError::Unauthorized)?;
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    let hash = sessions::token_hash(&token);
    password::change(&mut conn, &user, &hash, &form).await?;
    // This process forgets the session's user (its password was due) before answering; other
    // processes hear of the change to the account from PostgreSQL.
    state.sessions.forget(&hash);
    let next = session::safe_next(&next);
    leptos_axum::redirect(if next == "/password" { "/" } else { &next });
    Ok(())
}

/// Townships one can register in (a county deployment hosts several).
#[server(endpoint = "auth/townships", output = Postcard)]
pub async fn list_townships() -> Result<Vec<TownshipOption>, AppError> {
    let mut conn = session::conn().await?;
    shared::basedata::townships::all(&mut conn).await
}

/// Registers a member of the public and logs them in. The form's fields are `form[…]`.
#[server(endpoint = "auth/register", output = Postcard)]
pub async fn register_public(form: PublicRegistration) -> Result<(), AppError> {
    use shared::accounts::service::{login, register};
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    register::register_public(&mut conn, &form).await?;
    let outcome = login::login(&mut conn, &state.auth, &form.phone, &form.password, &session::user_agent()).await?;
    session::set_session_cookie(&outcome.token)?;
    leptos_axum::redirect("/me?welcome=1");
    Ok(())
}

/// Registers an enterprise user; it can log in once staff approve it. The form's fields are
/// `form[…]`.
#[server(endpoint = "auth/register_enterprise", output = Postcard)]
pub async fn register_enterprise(form: EnterpriseRegistration) -> Result<(), AppError> {
    use shared::accounts::service::register;
    let mut conn = session::conn().await?;
    let form = EnterpriseRegistration { credit_code: form.credit_code.trim().to_uppercase(), ..form };
    register::register_enterprise(&mut conn, &form).await?;
    leptos_axum::redirect("/login?pending=1");
    Ok(())
}

/// The demo accounts, shown on the login page only in demo mode.
#[server(endpoint = "auth/demo_accounts", output = Postcard)]
pub async fn demo_accounts() -> Result<Vec<(String, String)>, AppError> {
    use shared::accounts::demo_accounts;
    if !session::state()?.demo {
        return Ok(Vec::new());
    }
    Ok(demo_accounts::all().map(|a| (a.username.to_owned(), a.note.to_owned())).collect())
}

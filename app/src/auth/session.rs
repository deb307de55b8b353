//! Server side of authentication for server functions: who is calling, may they, and the
//! session cookie.

use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use shared::accounts::SessionUser;
use shared::accounts::service::session::{self, COOKIE_NAME};
use shared::db::DbConn;
use shared::error::AppError;
use shared::state::AppState;

use crate::i18n::cookie_value;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

/// A connection without a caller: for the functions anyone may call (see [`authorized`]).
pub async fn conn() -> Result<DbConn, AppError> {
    Ok(state()?.pool.get().await?)
}

fn request_header(name: http::header::HeaderName) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts.headers.get(name)?.to_str().ok().map(str::to_owned)
}

pub fn session_token() -> Option<String> {
    cookie_value(&request_header(COOKIE)?, COOKIE_NAME).filter(|t| !t.is_empty())
}

/// Whether this call is a form a browser posted without JavaScript (it asks for a page back,
/// where the app's own calls ask for postcard).
pub fn plain_form_post() -> bool {
    request_header(http::header::ACCEPT).is_some_and(|accept| accept.contains("text/html"))
}

pub fn user_agent() -> String {
    request_header(USER_AGENT).unwrap_or_default()
}

/// The user the server found behind this page request's cookie (put there by the router's
/// `attach_user` layer), known before anything renders.
pub fn request_user() -> Option<SessionUser> {
    use_context::<http::request::Parts>()?.extensions.get::<SessionUser>().cloned()
}

/// The calling user, or `Unauthorized`.
pub async fn current_user() -> Result<SessionUser, AppError> {
    let token = session_token().ok_or(AppError::Unauthorized)?;
    let state = state()?;
    let user = session::authenticate_kept(&state.pool, &state.auth, &state.sessions, &token).await?;
    // A refusal the service decides later is recorded for this caller (`server::audit_refusals`).
    if let Some(watch) = refusal_watch() {
        watch.identify((&user).into());
    }
    Ok(user)
}

/// The request's refusal watch, which the server's audit layer puts in every request.
fn refusal_watch() -> Option<std::sync::Arc<shared::audit::refusal::RefusalWatch>> {
    use_context::<http::request::Parts>()?.extensions.get().cloned()
}

/// The calling user, who owes no new password: a user whose password is due (an initial
/// password, an expired one) may only change it (`auth::api::change_password`) or log out.
pub async fn active_user() -> Result<SessionUser, AppError> {
    current_user().await?.active()
}

/// A logged-in caller and a database connection: what a server function works with.
pub struct Authorized {
    pub user: SessionUser,
    pub conn: DbConn,
}

/// The one way a server function meets its caller.
///
/// - A function serving logged-in users starts with [`require`]`(permission)` when one
///   permission admits every caller its service admits: the permission of the registry
///   entry (`MODULES` in the module's `lib` file) of the page it serves, or the narrower
///   code of the action it performs (saving a category needs `events.configure`).
/// - It starts with [`authorized`] (a login, no code) when the service admits callers by a
///   rule one code cannot say: either of two codes, the reporter of the event, the channel
///   of a report, or every page of several modules (the event choices, the base map).
/// - Only functions for people not logged in (login, registration, public tracking) take a
///   bare [`conn`].
///
/// Either way the service checks again and always enforces the data scope: these checks
/// turn a caller away early, they never widen what the service lets through.
pub async fn authorized() -> Result<Authorized, AppError> {
    let user = active_user().await?;
    let conn = conn().await?;
    Ok(Authorized { user, conn })
}

/// [`authorized`], for a caller who holds `permission`.
pub async fn require(permission: shared::permissions::Permission) -> Result<Authorized, AppError> {
    let user = active_user().await?;
    if !user.can(permission) {
        record_denial(&user, permission).await;
        return Err(AppError::Forbidden);
    }
    let conn = conn().await?;
    Ok(Authorized { user, conn })
}

/// Audits a logged-in caller turned away for a permission they lack: the function they called
/// and the permission. A failure to record is logged, not answered: the caller is refused
/// either way. The request's refusal is then on record, and the server's layer leaves it.
async fn record_denial(user: &SessionUser, permission: shared::permissions::Permission) {
    if let Some(watch) = refusal_watch() {
        watch.mark_recorded();
    }
    let path = use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_owned()).unwrap_or_default();
    let recorded = async {
        let mut conn = conn().await?;
        shared::audit::service::record(
            &mut conn,
            user.township_id,
            Some(user.id),
            &user.display_name,
            shared::audit::AuditAction::Denied,
            &path,
            permission.as_str(),
        )
        .await
    };
    if let Err(error) = recorded.await {
        tracing::warn!(%error, "recording a refusal");
    }
}

pub fn set_session_cookie(token: &str) -> Result<(), AppError> {
    let state = state()?;
    let secure = if state.auth.secure_cookies { "; Secure" } else { "" };
    // No Max-Age: the cookie ends with the browser; the server enforces idle and absolute limits.
    let cookie = format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax{secure}");
    append_cookie(&cookie)
}

pub fn clear_session_cookie() -> Result<(), AppError> {
    append_cookie(&format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"))
}

fn append_cookie(cookie: &str) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    response.append_header(SET_COOKIE, http::HeaderValue::from_str(cookie).map_err(|_| AppError::Internal)?);
    Ok(())
}

/// Only our own pages are followed after login: never an open redirect.
pub fn safe_next(next: &str) -> String {
    shared::redirect::local_target(next)
}

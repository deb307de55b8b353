//! Authentication for the plain axum endpoints (photos, live updates, exports): the same
//! session cookie and lookup the server functions use, and errors as JSON.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::AppError;
use shared::accounts::SessionUser;
use shared::accounts::service::session::{self, COOKIE_NAME};
use shared::state::AppState;

/// The user behind the request's session cookie, who owes no new password (as
/// `app::auth::session::active_user` for the server functions).
pub async fn user(state: &AppState, headers: &HeaderMap) -> Result<SessionUser, AppError> {
    session_user(state, headers).await?.active()
}

/// The user behind the request's session cookie, whether or not their password is due.
pub async fn session_user(state: &AppState, headers: &HeaderMap) -> Result<SessionUser, AppError> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| app::i18n::cookie_value(cookies, COOKIE_NAME))
        .filter(|t| !t.is_empty())
        .ok_or(AppError::Unauthorized)?;
    session::authenticate_kept(&state.pool, &state.auth, &state.sessions, &token).await
}

/// An error as the browser's code expects it: the status and the same JSON the server
/// functions use.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self.0).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        if let Some(seconds) = crate::api_errors::retry_after(&self.0) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

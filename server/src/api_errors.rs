//! Server functions answer their errors with the error's own status (400, 401, 403, 404, 409,
//! 413, 422, 423, 429) instead of server_fn's fixed 500, so monitoring that counts 5xx sees
//! only real faults. server_fn marks an error answer with its `serverfnerror` header and the
//! error in postcard; this layer reads the (small) error and sets its status. Form posts
//! without JavaScript are redirects to the form's page and stay so.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER, ServerFnUrlError};
use shared::AppError;

/// An error answer is one `AppError` in postcard: a few hundred bytes at most.
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn status_from_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let error = AppError::de(bytes.clone());
    parts.status = status_of(&error);
    if let Some(seconds) = retry_after(&error) {
        parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// How long a client waits after a 503 before sending again: about the time PostgreSQL takes
/// to restart or a standby to be promoted.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

pub fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Seconds to wait before trying again, for the errors that have one.
pub fn retry_after(error: &AppError) -> Option<u64> {
    match error {
        AppError::Locked { until } => Some((*until - chrono::Utc::now()).num_seconds().max(1) as u64),
        AppError::TooManyRequests { retry_after_secs } => Some(u64::from(*retry_after_secs)),
        AppError::Unavailable => Some(UNAVAILABLE_RETRY_SECS),
        _ => None,
    }
}

/// The answer a server function would give for `error`, for a request refused before it
/// reached the function (the input guard): postcard with the status for the browser's code,
/// or, for a plain form post without JavaScript, a redirect back to the form carrying the
/// error in its URL exactly as server_fn does.
pub fn server_fn_error(path: &str, accepts_html: bool, referer: Option<&str>, error: AppError) -> Response {
    if accepts_html
        && let Some(referer) = referer
        && let Ok(url) = ServerFnUrlError::new(path, error.clone()).to_url(referer)
    {
        return (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response();
    }
    let status = status_of(&error);
    let mut response = (status, Body::from(error.ser())).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-postcard"));
    if let Ok(path) = HeaderValue::from_str(path) {
        headers.insert(HeaderName::from_static(SERVER_FN_ERROR_HEADER), path);
    }
    response
}

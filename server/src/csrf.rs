//! Protection against cross-site request forgery on every state-changing request.
//!
//! Session cookies are `SameSite=Lax`, and on top of that every POST/PUT/PATCH/DELETE must
//! come from our own origin: browsers send `Sec-Fetch-Site` and `Origin` on such requests
//! (also for plain HTML forms without JavaScript), and a foreign page cannot forge them.
//! Requests with neither header (curl, server-to-server) carry no ambient cookie risk
//! only if they also carry no session cookie, so those are refused too when a cookie is present.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn same_origin(request: &Request<Body>) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host =
        |value: &str| value.split("://").nth(1).map(|rest| rest.split('/').next().unwrap_or_default().to_owned());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return origin_host(origin).is_some_and(|h| h == host);
    }
    if let Some(referer) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        return origin_host(referer).is_some_and(|h| h == host);
    }
    // Neither header: not a browser. Without a cookie there is no ambient authority to abuse.
    !headers.contains_key(header::COOKIE)
}

/// Paths that never act on a cookie: their callers prove themselves with an API key sent as
/// a parameter (Open311) or a header (a station's readings), or a signature over the body
/// (the exchange), which a forging page cannot make, so they serve other origins' clients.
fn key_authenticated(path: &str) -> bool {
    path.starts_with("/open311/") || path.starts_with("/exchange/") || path == crate::sharing::READINGS_PATH
}

pub async fn verify_origin(request: Request<Body>, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || key_authenticated(request.uri().path()) || same_origin(&request) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        (StatusCode::FORBIDDEN, "跨站请求已拒绝 (cross-site request refused)").into_response()
    }
}

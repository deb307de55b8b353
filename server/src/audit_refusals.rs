//! Every refusal of a logged-in caller goes on record (GB/T 22239 8.1.4.3 a), including the
//! ones a service decides after the function's door let the caller in: a record outside the
//! caller's data scope, a step their role may not take, another person's event. The layer sees
//! the request end with a 403 and records it, unless the door recorded it already with the
//! permission lacking (`shared::audit::refusal` says how the two meet). A form posted without
//! JavaScript is refused by a redirect back to its page with the error in the URL, which
//! server_fn writes and this layer reads the same way.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::server_fn::error::ServerFnUrlError;
use shared::AppError;
use shared::accounts::SessionUser;
use shared::audit::AuditAction;
use shared::audit::refusal::{Caller, RefusalWatch};
use shared::state::AppState;

pub async fn record(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let watch = Arc::new(RefusalWatch::default());
    // A page's caller is known before it renders (`router::attach_user`); a server
    // function's once it has read the session (`app::auth::session::active_user`).
    if let Some(user) = request.extensions().get::<SessionUser>() {
        watch.identify(Caller::from(user));
    }
    request.extensions_mut().insert(watch.clone());
    let path = request.uri().path().to_owned();
    let cookie = request.headers().get(header::COOKIE).cloned();
    let response = next.run(request).await;
    if !refused(&response) {
        return response;
    }
    // An endpoint outside the app (an export) reads its caller itself: read it again here,
    // only for the rare refusal.
    if let Some(cookie) = cookie.filter(|_| watch.wants_caller()) {
        let headers = axum::http::HeaderMap::from_iter([(header::COOKIE, cookie)]);
        if let Ok(user) = crate::auth::session_user(&app, &headers).await {
            watch.identify(Caller::from(&user));
        }
    }
    if let Some(caller) = watch.unrecorded() {
        let recorded = async {
            let mut conn = app.pool.get().await?;
            shared::audit::service::record(
                &mut conn,
                caller.township_id,
                Some(caller.user_id),
                &caller.name,
                AuditAction::Denied,
                &path,
                "",
            )
            .await
        };
        // The caller is refused either way; a refusal that cannot be recorded is logged.
        if let Err(error) = recorded.await {
            tracing::warn!(%error, "recording a refusal");
        }
    }
    response
}

/// Whether the answer refuses the caller: a 403, or a plain form's redirect carrying a
/// server function's `Forbidden` in its URL.
fn refused(response: &Response) -> bool {
    if response.status() == StatusCode::FORBIDDEN {
        return true;
    }
    if !response.status().is_redirection() {
        return false;
    }
    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let query = location.split_once('?').map_or("", |(_, query)| query);
    form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == "__err")
        .any(|(_, error)| ServerFnUrlError::<AppError>::decode_err(&error) == AppError::Forbidden)
}

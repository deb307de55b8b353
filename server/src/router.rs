//! The HTTP router: health checks, the language switch and the browser's texts, static files (precompressed), the
//! Leptos pages and server functions, with CSRF protection, compression and request logs.

use axum::Router;
use axum::extract::{FromRef, Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use serde::Deserialize;
use shared::state::AppState;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::security_headers::{self, SecurityHeaders};
use crate::{api_errors, csrf, engine_io, events, health, input_guard, open311, rate_limit};

#[derive(Clone)]
pub struct ServerState {
    pub leptos: LeptosOptions,
    pub app: AppState,
    /// Where photos live (a directory or an S3-compatible bucket).
    pub photos: std::sync::Arc<dyn object_store::ObjectStore>,
    /// Live event changes from PostgreSQL notifications.
    pub live: crate::events::live::Live,
    /// Per-address quotas of login, registration, reports and tracking (`rate_limit.rs`).
    pub rate_limits: crate::rate_limit::RateLimits,
    /// What `/metrics` reports (`metrics.rs`).
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos.clone()
    }
}

#[derive(Deserialize)]
struct LangQuery {
    next: Option<String>,
}

/// Switching language without JavaScript: remember the choice in a cookie, go back.
async fn switch_language(Path(code): Path<String>, Query(query): Query<LangQuery>) -> Response {
    let Some(locale) = app::i18n::Locale::parse(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    // Only local paths: never an open redirect.
    let next = shared::redirect::local_target(query.next.as_deref().unwrap_or("/"));
    let cookie = format!("{}={}; Path=/; Max-Age=31536000; SameSite=Lax", app::i18n::COOKIE_NAME, locale.code());
    (StatusCode::SEE_OTHER, [(header::LOCATION, next), (header::SET_COOKIE, cookie)]).into_response()
}

/// The browser's texts of one language (`app::i18n::texts`): the address names the build's
/// version of them, so they are kept as long as a browser likes.
async fn texts(Path(file): Path<String>) -> Response {
    let Some(texts) = app::i18n::texts::served(&file) else {
        return (StatusCode::NOT_FOUND, "no such texts").into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
    ];
    (headers, texts).into_response()
}

/// Looks up the session of a page request before the page renders, so the shell knows its
/// user at once (see `app::layout::app_shell`). Server functions and files look it up
/// themselves.
async fn attach_user(
    axum::extract::State(app): axum::extract::State<AppState>,
    mut request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let path = request.uri().path();
    let page = request.method() == axum::http::Method::GET
        && !["/api/", "/pkg/", "/vendor/", "/icons/", "/texts/", "/open311/", "/docs/", "/exchange/", "/metrics"]
            .iter()
            .any(|p| path.starts_with(p));
    if page {
        match crate::auth::session_user(&app, request.headers()).await {
            // A password due comes first, then a second factor to enrol: every page but
            // those two and the login leads there, and back here once it is done.
            Ok(user) if !matches!(path, "/password" | "/two-factor" | "/login") => {
                let here = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
                match user.due_page(here) {
                    Some(due) => return (StatusCode::FOUND, [(header::LOCATION, due)]).into_response(),
                    None => {
                        request.extensions_mut().insert(user);
                    }
                }
            }
            Ok(user) => {
                request.extensions_mut().insert(user);
            }
            // A session that cannot be read now is not a session gone: no login form.
            Err(shared::AppError::Unavailable) => return crate::unavailable::page(request.headers()),
            Err(_) => {}
        }
    }
    next.run(request).await
}

/// Every request's handling knows its client's address for the audit records it writes
/// (`shared::audit::origin`): the same address the rate limits count.
async fn audit_origin(
    axum::extract::State(trust_proxy): axum::extract::State<bool>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let address = rate_limit::client_address(&request, trust_proxy);
    shared::audit::origin::serve(address, next.run(request)).await
}

pub fn build(state: ServerState) -> Router {
    let routes = generate_route_list(app::App);
    let security = std::sync::Arc::new(SecurityHeaders::new(
        state.app.settings.tile_url.as_deref(),
        state.app.auth.secure_cookies,
    ));
    let context = {
        let app_state = state.app.clone();
        let security = security.clone();
        move || {
            provide_context(app_state.clone());
            security_headers::page_policy(&security);
        }
    };
    let shell = {
        let options = state.leptos.clone();
        move || app::shell(options.clone())
    };
    let pkg_dir = format!("{}/{}", state.leptos.site_root, state.leptos.site_pkg_dir);
    // The wasm, JS and CSS are compressed once at build time (`make`), served as they are.
    let pkg = ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip();
    // Static files of the site root. They are routed explicitly because the app's own
    // `/*any` route (the module pages) would otherwise answer for them.
    let site_root = state.leptos.site_root.to_string();
    let file = |name: &str| ServeFile::new(format!("{site_root}/{name}"));
    Router::new()
        .route_service("/sw.js", file("sw.js"))
        .route_service("/manifest.webmanifest", file("manifest.webmanifest"))
        .route_service("/offline.html", file("offline.html"))
        .route_service("/offline.js", file("offline.js"))
        .nest_service("/icons", ServeDir::new(format!("{site_root}/icons")))
        .nest_service("/vendor", ServeDir::new(format!("{site_root}/vendor")))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::metrics::scrape))
        .route("/lang/{code}", get(switch_language))
        .route("/texts/{file}", get(texts))
        .route("/docs/{name}", get(crate::docs::document))
        .merge(events::photos::routes())
        .merge(events::live::routes())
        .merge(events::export::routes())
        .merge(crate::audit_export::routes())
        .merge(engine_io::routes())
        .merge(open311::routes(&state.rate_limits))
        .merge(crate::exchange::routes())
        .merge(crate::sharing::routes(&state.rate_limits))
        .leptos_routes_with_context(&state, routes, context.clone(), shell)
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
                .service(pkg),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, app::shell))
        // Inside out: a server function's error gets its status, a 403 goes on record for
        // the caller, the caller of a page is read, the request's address is set for the
        // audit records its handling writes.
        .layer(middleware::from_fn(api_errors::status_from_error))
        .layer(middleware::from_fn_with_state(state.app.clone(), crate::audit_refusals::record))
        .layer(middleware::from_fn_with_state(state.app.clone(), attach_user))
        .layer(middleware::from_fn_with_state(state.rate_limits.trust_proxy, audit_origin))
        .layer(middleware::from_fn(input_guard::check))
        .layer(middleware::from_fn_with_state(rate_limit::Limiters::new(&state.rate_limits), rate_limit::limit))
        .layer(middleware::from_fn(csrf::verify_origin))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(security, security_headers::add))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(state.metrics.clone(), crate::metrics::track))
        .with_state(state)
}

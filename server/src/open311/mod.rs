//! Open311 GeoReport v2 over HTTP (`/open311/v2/…`, `shared::open311` does the work): every
//! path in `.json` and `.xml`, errors as the specification shapes them (`[{code,
//! description}]`, `<errors><error>…`) with 400, 403, 404 or 429, in the caller's language
//! (`Accept-Language`). A call with an API key counts against the key's quota, one without
//! against its address's (`guard.rs`); every call is logged (`api_calls`). Calls carry no
//! cookie authority (a key is a parameter), so cross-origin clients are welcome (CORS) and the
//! CSRF check does not apply.

mod guard;
pub mod xml;

use std::sync::Arc;
use std::time::Instant;

use app::i18n::Locale;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Serialize;
use shared::AppError;
use shared::credentials::service::{self as credentials, ApiCall, ApiClient};
use shared::events::EventState;
use shared::open311::{params, service, types};
use tower_http::cors::{Any, CorsLayer};

pub use guard::Guard;

use crate::router::ServerState;

/// The largest body a `POST requests` may have (a description of 2,000 characters and a few
/// attributes fit many times).
const MAX_BODY: usize = 64 * 1024;

pub fn routes(limits: &crate::rate_limit::RateLimits) -> Router<ServerState> {
    let cors = CorsLayer::new().allow_origin(Any).allow_methods([Method::GET, Method::POST]).allow_headers(Any);
    Router::new()
        .route("/open311/v2/{file}", reader(Read::Top).post(post_request))
        .route("/open311/v2/services/{file}", reader(Read::Service))
        .route("/open311/v2/requests/{file}", reader(Read::Request))
        .route("/open311/v2/tokens/{file}", reader(Read::Token))
        .layer(Extension(Arc::new(Guard::new(limits))))
        .layer(cors)
}

/// The two formats of every path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `services.json` → (`services`, JSON). An unknown extension answers in JSON.
fn split(file: &str) -> (&str, Option<Format>) {
    match file.rsplit_once('.') {
        Some((name, "json")) => (name, Some(Format::Json)),
        Some((name, "xml")) => (name, Some(Format::Xml)),
        Some((name, _)) => (name, None),
        None => (file, None),
    }
}

/// The language of the answer's texts: English when the client prefers it, else Chinese.
pub(crate) fn locale_of(request: &Request) -> Locale {
    let accept = request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let first = accept.split(',').next().unwrap_or_default().trim().to_ascii_lowercase();
    if first.starts_with("en") { Locale::En } else { Locale::ZhCn }
}

/// The answers' words, from the UI's translations.
struct Words(Locale);

impl service::Words for Words {
    fn state(&self, state: EventState) -> String {
        self.0.t(&format!("event.state.{}", state.as_str()))
    }

    fn action(&self, action: &str) -> String {
        self.0.t(&format!("event.action.{action}"))
    }

    fn notice(&self, number: &str, token: &str) -> String {
        self.0.tf("open311_api.notice", &[("number", number.to_owned()), ("token", token.to_owned())])
    }
}

/// One call as it is answered and logged.
struct Call {
    started: Instant,
    method: Method,
    path: String,
    address: Option<std::net::IpAddr>,
    locale: Locale,
    format: Format,
    /// The query string's parameters (a POST's body is read by its handler).
    query: Vec<(String, String)>,
}

impl Call {
    fn begin(request: &Request, guard: &Guard, format: Format) -> Self {
        let query = request.uri().query().unwrap_or_default();
        Self {
            started: Instant::now(),
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
            address: crate::rate_limit::client_address(request, guard.trust_proxy),
            locale: locale_of(request),
            format,
            query: form_urlencoded::parse(query.as_bytes()).into_owned().collect(),
        }
    }
}

/// A body to answer: its root element in XML, and how many rows it holds (for the log).
struct Reply {
    json: serde_json::Value,
    xml: Result<Vec<u8>, String>,
    rows: usize,
}

impl Reply {
    fn new<T: Serialize>(root: &str, body: &T, rows: usize) -> Self {
        Self { json: serde_json::to_value(body).unwrap_or_default(), xml: xml::document(root, body), rows }
    }
}

/// An error as Open311 says it.
#[derive(Serialize)]
struct ErrorBody {
    code: u16,
    description: String,
}

/// The status of an error: 403 for a key's problem, 404 for something that does not exist,
/// else the error's own (400 for bad parameters).
fn status_of(error: &AppError) -> StatusCode {
    use shared::ErrorCode::*;
    let status = match error {
        AppError::Validation(fields)
            if fields.iter().any(|f| matches!(f.code, ApiKeyRequired | ApiKeyInvalid | ApiKeyScope)) =>
        {
            403
        }
        AppError::Validation(fields)
            if fields.iter().any(|f| {
                matches!(
                    f.code,
                    Open311ServiceUnknown | Open311RequestUnknown | Open311FormatUnknown | Open311JurisdictionUnknown
                )
            }) =>
        {
            404
        }
        AppError::Validation(fields) if fields.iter().any(|f| f.code.is_too_large()) => 413,
        AppError::Validation(_) | AppError::BadRequest(_) => 400,
        other => other.status(),
    };
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn error_bodies(error: &AppError, status: StatusCode, locale: Locale) -> Vec<ErrorBody> {
    let code = status.as_u16();
    match error {
        AppError::Validation(fields) => fields
            .iter()
            .map(|f| ErrorBody { code, description: format!("{}: {}", f.field, locale.t(f.code.i18n_key())) })
            .collect(),
        other => vec![ErrorBody { code, description: app::components::error_message(locale, other) }],
    }
}

/// An error in the caller's format (also for the input guard, before any handler ran).
pub fn error_response(error: &AppError, format: Format, locale: Locale) -> Response {
    if matches!(error, AppError::Internal) {
        tracing::error!("open311 call failed");
    }
    let status = status_of(error);
    let bodies = error_bodies(error, status, locale);
    let mut response = match format {
        Format::Json => (status, axum::Json(bodies)).into_response(),
        Format::Xml => match xml::document("errors", &bodies) {
            Ok(bytes) => (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], bytes).into_response(),
            Err(_) => status.into_response(),
        },
    };
    if let AppError::TooManyRequests { retry_after_secs } = error {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
    }
    response
}

/// The refusal of the input guard for an Open311 path: the format its extension names.
pub fn refuse(path: &str, request_locale: Option<&HeaderValue>, error: AppError) -> Response {
    let file = path.rsplit('/').next().unwrap_or_default();
    let format = split(file).1.unwrap_or(Format::Json);
    let accept = request_locale.and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let locale = if accept.starts_with("en") { Locale::En } else { Locale::ZhCn };
    error_response(&error, format, locale)
}

/// Answers and logs a call.
async fn finish(
    state: &ServerState,
    call: Call,
    client: Option<&ApiClient>,
    result: Result<Reply, AppError>,
) -> Response {
    let (response, rows) = match result {
        Ok(reply) => {
            let rows = reply.rows;
            let response = match (call.format, reply.xml) {
                (Format::Json, _) => axum::Json(reply.json).into_response(),
                (Format::Xml, Ok(bytes)) => {
                    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], bytes).into_response()
                }
                (Format::Xml, Err(error)) => {
                    tracing::error!(%error, "open311 XML");
                    error_response(&AppError::Internal, Format::Xml, call.locale)
                }
            };
            (response, rows)
        }
        Err(error) => (error_response(&error, call.format, call.locale), 0),
    };
    let address = call.address.map(|a| a.to_string()).unwrap_or_default();
    let logged = ApiCall {
        client,
        api: shared::credentials::Api::Open311,
        method: call.method.as_str(),
        path: &call.path,
        status: response.status().as_u16(),
        rows,
        address: &address,
        millis: call.started.elapsed().as_millis(),
    };
    crate::call_log::record(&state.app.pool, &logged).await;
    response
}

/// The caller's key, if it sent one, checked and counted; else its address counted.
async fn client(
    conn: &mut shared::db::DbConn,
    guard: &Guard,
    call: &Call,
    api_key: Option<&str>,
) -> Result<Option<ApiClient>, AppError> {
    let Some(key) = api_key else {
        guard.check_address(call.address).map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
        return Ok(None);
    };
    let client = credentials::authenticate(conn, key).await?;
    guard
        .check_key(client.key_id, client.per_minute)
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    Ok(Some(client))
}

fn unknown_format() -> AppError {
    AppError::field("format", shared::ErrorCode::Open311FormatUnknown)
}

/// The GET paths: the top-level files, and the three with an id in the file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// `discovery`, `services`, `requests` and `servicerequestupdates`.
    Top,
    /// `services/{service_code}`: the service's attributes.
    Service,
    /// `requests/{service_request_id}`: one request, as a list of one (the specification's shape).
    Request,
    /// `tokens/{token}`: the request a token stands for.
    Token,
}

/// Every GET: the format, the key or the address counted, the call answered and logged.
async fn read(read: Read, state: ServerState, guard: Arc<Guard>, file: String, request: Request) -> Response {
    let (name, format) = split(&file);
    let call = Call::begin(&request, &guard, format.unwrap_or(Format::Json));
    let base = base_url(&request);
    drop(request);
    let mut client_used = None;
    let result = async {
        if format.is_none() {
            return Err(unknown_format());
        }
        let mut conn = state.app.pool.get().await.map_err(|_| AppError::Internal)?;
        let client = client(&mut conn, &guard, &call, params::first(&call.query, "api_key")).await?;
        client_used = client.clone();
        let words = Words(call.locale);
        let named = params::first(&call.query, "jurisdiction_id");
        match (read, name) {
            (Read::Top, "discovery") => Ok(Reply::new("discovery", &discovery(&base), 1)),
            (Read::Top, "services") => {
                let services = service::services(&mut conn).await?;
                Ok(Reply::new("services", &services, services.len()))
            }
            (Read::Top, "requests") => {
                let query = params::parse_query(&call.query)?;
                let township = service::jurisdiction(&mut conn, named, client.as_ref()).await?;
                let requests = service::requests(&mut conn, &township, &query, &words).await?;
                Ok(Reply::new("service_requests", &requests, requests.len()))
            }
            (Read::Top, "servicerequestupdates") => {
                let query = params::parse_updates(&call.query)?;
                let township = service::jurisdiction(&mut conn, named, client.as_ref()).await?;
                let updates = service::updates(&mut conn, &township, &query, &words).await?;
                Ok(Reply::new("service_requests_updates", &updates, updates.len()))
            }
            (Read::Top, _) => Err(AppError::NotFound),
            (Read::Service, code) => {
                let definition = service::definition(&mut conn, code).await?;
                Ok(Reply::new("service_definition", &definition, definition.attributes.len()))
            }
            (Read::Request, id) => {
                let township = service::jurisdiction(&mut conn, named, client.as_ref()).await?;
                let found = service::request(&mut conn, &township, id, &words).await?;
                Ok(Reply::new("service_requests", &vec![found], 1))
            }
            (Read::Token, token) => {
                let township = service::jurisdiction(&mut conn, named, client.as_ref()).await?;
                let answer = service::token(&mut conn, &township, token).await?;
                Ok(Reply::new("service_requests", &vec![answer], 1))
            }
        }
    }
    .await;
    finish(&state, call, client_used.as_ref(), result).await
}

/// The handler of one kind of GET.
fn reader(kind: Read) -> axum::routing::MethodRouter<ServerState> {
    get(
        move |State(state): State<ServerState>,
              Extension(guard): Extension<Arc<Guard>>,
              Path(file): Path<String>,
              request: Request| read(kind, state, guard, file, request),
    )
}

/// The server's own address as the client reached it.
fn base_url(request: &Request) -> String {
    let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let scheme = request.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("http");
    let scheme = if scheme == "https" { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn discovery(base: &str) -> types::Discovery {
    types::Discovery {
        changeset: shared::open311::CHANGESET,
        contact: format!("{base}/docs/open311.md · 本镇城运中心（一网统管平台管理员）"),
        key_service: "API keys are issued by the township's administrator (系统管理 → 接口密钥)".into(),
        endpoints: vec![types::Endpoint {
            specification: shared::open311::SPECIFICATION,
            url: format!("{base}/open311/v2"),
            changeset: shared::open311::CHANGESET,
            kind: "production",
            formats: vec!["text/xml", "application/json"],
        }],
    }
}

/// `POST requests`: a new service request, with its API key.
async fn post_request(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    Path(file): Path<String>,
    request: Request,
) -> Response {
    let (name, format) = split(&file);
    let call = Call::begin(&request, &guard, format.unwrap_or(Format::Json));
    let mut client_used = None;
    let result = async {
        if format.is_none() {
            return Err(unknown_format());
        }
        if name != "requests" {
            return Err(AppError::NotFound);
        }
        let body = axum::body::to_bytes(request.into_body(), MAX_BODY)
            .await
            .map_err(|_| AppError::field("form", shared::ErrorCode::RequestTooLarge))?;
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        // Some clients send the key in the query string.
        pairs.extend(call.query.iter().filter(|(n, _)| n == "api_key").cloned());
        let api_key = params::first(&pairs, "api_key")
            .ok_or_else(|| AppError::field("api_key", shared::ErrorCode::ApiKeyRequired))?;
        let mut conn = state.app.pool.get().await.map_err(|_| AppError::Internal)?;
        let client = client(&mut conn, &guard, &call, Some(api_key)).await?.ok_or(AppError::Internal)?;
        client_used = Some(client.clone());
        let post = params::parse_post(&pairs)?;
        let township = service::jurisdiction(&mut conn, post.jurisdiction_id.as_deref(), Some(&client)).await?;
        let filed = service::file(&mut conn, &client, &township, &post, &Words(call.locale)).await?;
        Ok(Reply::new("service_requests", &vec![filed], 1))
    }
    .await;
    finish(&state, call, client_used.as_ref(), result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_format() {
        assert_eq!(split("services.json"), ("services", Some(Format::Json)));
        assert_eq!(split("TG-2026-000001.xml"), ("TG-2026-000001", Some(Format::Xml)));
        assert_eq!(split("services.html"), ("services", None));
        assert_eq!(split("services"), ("services", None));
    }
}

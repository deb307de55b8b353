//! The data-sharing API over HTTP (`/api/v1/…`, clause 7.4; `shared::sharing` does the work).
//! A partner system calls with `Authorization: Bearer <key>`; the key's scopes decide which
//! datasets it reads, and personal data is masked unless one of them grants it. Errors are
//! `{"errors": [{"field", "code", "message"}]}` in the caller's language, with 400, 401 (no
//! key, or one unknown, revoked or expired), 403 (a dataset the key may not read) or 429.
//! Every call is logged with the rows it returned (`api_calls`, shown to administrators and
//! auditors).
//!
//! The OpenAPI 3.1 description at `/api/openapi.json` is generated from these handlers and
//! the shared types (utoipa): it cannot say something the code does not do.

mod geo;
mod readings;

pub use readings::READINGS_PATH;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Serialize;
use shared::AppError;
use shared::credentials::ApiScope;
use shared::credentials::service::{self as credentials, ApiCall};
use shared::sharing::{self, FeedQuery, StatsQuery, service};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::open311::{Guard, locale_of};
use crate::router::ServerState;

/// The description's frame; the paths and schemas are added from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "统管 · 数据共享接口 (Tongguan data sharing)",
        version = "1",
        description = "Authorised sharing of a township's data with other platforms (DB3205/T 1107—2024, 7.4). \
                       Call with `Authorization: Bearer <key>`; keys are issued on 系统管理 → 接口密钥 with the \
                       datasets they may read. Feeds are ordered by their last change: keep `next` (or the last \
                       row's `updated_at`) and ask again with `after` (or `updated_since`) to stay in sync."
    ),
    modifiers(&BearerKey),
    tags(
        (name = "events", description = "事件数据：全渠道事件及其办理状态"),
        (name = "stats", description = "事件统计"),
        (name = "basedata", description = "基础数据：村（社区）与网格"),
        (name = "datasets", description = "数据目录台账：按共享级别授权的专题数据集"),
        (name = "sensing", description = "互联感知：监测站点读数上传（设备或网关，`readings.write`）"),
        (name = "geo", description = "地理编码：国家基本比例尺地形图图幅编号（GB/T 13989—2012），无需密钥"),
    )
)]
struct ApiDoc;

/// The key, as the description's security scheme.
struct BearerKey;

impl utoipa::Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("tgk_…").build()),
        );
    }
}

/// One problem of a refused call.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// The parameter or header at fault (`authorization`, `limit` …).
    pub field: String,
    /// A stable code for programs (`sharing.limit_range` …).
    pub code: String,
    /// The problem in the caller's language (`Accept-Language`: English or Chinese).
    pub message: String,
}

/// A refused call.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problems {
    pub errors: Vec<Problem>,
}

pub fn routes(limits: &crate::rate_limit::RateLimits) -> Router<ServerState> {
    let (router, api) = OpenApiRouter::<ServerState>::with_openapi(ApiDoc::openapi())
        .routes(routes!(events))
        .routes(routes!(stats))
        .routes(routes!(villages))
        .routes(routes!(grids))
        .routes(routes!(datasets))
        .routes(routes!(records))
        .routes(routes!(geo::map_sheet))
        .routes(routes!(readings::readings))
        .split_for_parts();
    let document = Arc::new(api.to_json().unwrap_or_default());
    router
        .route(
            "/api/openapi.json",
            get(move || {
                let document = document.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], (*document).clone()) }
            }),
        )
        .layer(Extension(Arc::new(Guard::new(limits))))
}

/// What a path serves.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dataset {
    Events,
    Stats,
    Villages,
    Grids,
    /// The registers of the data catalogue the key may read.
    Catalogue,
    /// One register's feed, by key (`party.stations`).
    Records(String),
}

impl Dataset {
    fn scope(&self) -> ApiScope {
        match self {
            Dataset::Events => ApiScope::EventsRead,
            Dataset::Stats => ApiScope::StatsRead,
            Dataset::Villages | Dataset::Grids => ApiScope::BaseDataRead,
            Dataset::Catalogue | Dataset::Records(_) => ApiScope::RecordsRead,
        }
    }
}

/// The events the key may read, in the order of their last change.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    params(
        ("updated_since" = Option<String>, Query, description = "Only events changed at or after this time (RFC 3339)."),
        ("after" = Option<String>, Query, description = "The `next` of the previous page."),
        ("limit" = Option<i64>, Query, description = "Rows per page, 1 to 1000 (100).", minimum = 1, maximum = 1000),
    ),
    responses(
        (status = 200, description = "A page of events; contact details masked without the personal-data scope.", body = sharing::EventFeed),
        (status = 400, description = "A parameter is wrong or unknown.", body = Problems),
        (status = 401, description = "No key, or one unknown, revoked or expired.", body = Problems),
        (status = 403, description = "The key may not read events.", body = Problems),
        (status = 429, description = "Over the key's calls a minute (see `Retry-After`).", body = Problems),
    ),
    security(("api_key" = []))
)]
async fn events(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    request: Request,
) -> Response {
    answer(&state, &guard, request, Dataset::Events).await
}

/// The events' statistics over a period.
#[utoipa::path(
    get,
    path = "/api/v1/stats/events",
    tag = "stats",
    params(
        ("by" = Option<String>, Query, description = "`category` (default), `department`, `village`, `grid` or `month`."),
        ("from" = Option<String>, Query, description = "First day reported (YYYY-MM-DD, the township's calendar)."),
        ("to" = Option<String>, Query, description = "Last day reported."),
    ),
    responses(
        (status = 200, description = "One row per group, and the total.", body = sharing::SharedStats),
        (status = 400, description = "A parameter is wrong or unknown.", body = Problems),
        (status = 401, description = "No key, or one unknown, revoked or expired.", body = Problems),
        (status = 403, description = "The key may not read statistics.", body = Problems),
        (status = 429, description = "Over the key's calls a minute.", body = Problems),
    ),
    security(("api_key" = []))
)]
async fn stats(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    request: Request,
) -> Response {
    answer(&state, &guard, request, Dataset::Stats).await
}

/// The township's villages and communities, with their boundaries (GeoJSON).
#[utoipa::path(
    get,
    path = "/api/v1/villages",
    tag = "basedata",
    responses(
        (status = 200, description = "Every village and community.", body = Vec<sharing::SharedVillage>),
        (status = 401, description = "No key, or one unknown, revoked or expired.", body = Problems),
        (status = 403, description = "The key may not read base data.", body = Problems),
    ),
    security(("api_key" = []))
)]
async fn villages(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    request: Request,
) -> Response {
    answer(&state, &guard, request, Dataset::Villages).await
}

/// The township's grids, with their boundaries (GeoJSON).
#[utoipa::path(
    get,
    path = "/api/v1/grids",
    tag = "basedata",
    responses(
        (status = 200, description = "Every grid.", body = Vec<sharing::SharedGrid>),
        (status = 401, description = "No key, or one unknown, revoked or expired.", body = Problems),
        (status = 403, description = "The key may not read base data.", body = Problems),
    ),
    security(("api_key" = []))
)]
async fn grids(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    request: Request,
) -> Response {
    answer(&state, &guard, request, Dataset::Grids).await
}

/// The registers of the data catalogue the key may read: those shared openly (无条件共享), and
/// the conditionally shared ones (有条件共享) it is granted; with each, its fields, which of
/// them are personal data, and the codes of its code fields.
#[utoipa::path(
    get,
    path = "/api/v1/datasets",
    tag = "datasets",
    responses(
        (status = 200, description = "The datasets the key may read.", body = Vec<sharing::SharedDataset>),
        (status = 401, description = "No key, or one unknown, revoked or expired.", body = Problems),
        (status = 403, description = "The key may not read registers.", body = Problems),
    ),
    security(("api_key" = []))
)]
async fn datasets(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    request: Request,
) -> Response {
    answer(&state, &guard, request, Dataset::Catalogue).await
}

/// A dataset's records in the order of their last change, deleted ones included (with
/// `deleted_at` and no values), in the key's village if it is limited to one.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{dataset}/records",
    tag = "datasets",
    params(
        ("dataset" = String, Path, description = "The dataset's key, as `/api/v1/datasets` lists it (`party.stations`)."),
        ("updated_since" = Option<String>, Query, description = "Only records changed at or after this time (RFC 3339)."),
        ("after" = Option<String>, Query, description = "The `next` of the previous page."),
        ("limit" = Option<i64>, Query, description = "Rows per page, 1 to 1000 (100).", minimum = 1, maximum = 1000),
    ),
    responses(
        (status = 200, description = "A page of records; personal fields masked without the personal-data scope.", body = sharing::RecordFeed),
        (status = 400, description = "A parameter is wrong or unknown.", body = Problems),
        (status = 401, description = "No key, or one unknown, revoked or expired.", body = Problems),
        (status = 403, description = "The key may not read registers.", body = Problems),
        (status = 404, description = "No such dataset, or one the key is not granted.", body = Problems),
        (status = 429, description = "Over the key's calls a minute.", body = Problems),
    ),
    security(("api_key" = []))
)]
async fn records(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    Path(dataset): Path<String>,
    request: Request,
) -> Response {
    answer(&state, &guard, request, Dataset::Records(dataset)).await
}

/// The key of `Authorization: Bearer <key>`.
fn bearer(request: &Request) -> Option<String> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_owned())
}

fn status_of(error: &AppError) -> StatusCode {
    use shared::ErrorCode::{ApiKeyInvalid, ApiKeyScope, SharingDatasetUnknown, SharingKeyRequired};
    match error {
        AppError::Validation(fields) if fields.iter().any(|f| matches!(f.code, SharingKeyRequired | ApiKeyInvalid)) => {
            StatusCode::UNAUTHORIZED
        }
        AppError::Validation(fields) if fields.iter().any(|f| f.code == ApiKeyScope) => StatusCode::FORBIDDEN,
        AppError::Validation(fields) if fields.iter().any(|f| f.code == SharingDatasetUnknown) => StatusCode::NOT_FOUND,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        // A reading refused is an entity that parsed but is wrong (422), or a body too large
        // (413) or not the readings' JSON (400): its own status.
        AppError::Validation(fields) if fields.iter().any(|f| f.code.as_str().starts_with("sensing.")) => {
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
        }
        AppError::Validation(fields) if fields.iter().any(|f| f.code.is_too_large()) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Validation(_) => StatusCode::BAD_REQUEST,
        other => StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

pub(crate) fn refusal(error: &AppError, locale: app::i18n::Locale) -> Response {
    let status = status_of(error);
    let errors = match error {
        AppError::Validation(fields) => fields
            .iter()
            .map(|f| Problem {
                field: f.field.clone(),
                code: f.code.as_str().to_owned(),
                message: locale.t(f.code.i18n_key()),
            })
            .collect(),
        other => {
            if status.is_server_error() {
                tracing::error!(?other, "data sharing call failed");
            }
            vec![Problem {
                field: String::new(),
                code: status.as_u16().to_string(),
                message: app::components::error_message(locale, other),
            }]
        }
    };
    let mut response = (status, axum::Json(Problems { errors })).into_response();
    if let AppError::TooManyRequests { retry_after_secs } = error {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
    }
    response
}

/// The client of a call's bearer `key`: known, live, within its calls a minute, and granted
/// `scope`. The client is kept in `used` as soon as the key is known, so that a call refused
/// for its quota or scope is logged against it.
pub(crate) async fn keyed(
    conn: &mut shared::db::DbConn,
    guard: &Guard,
    key: Option<String>,
    scope: ApiScope,
    used: &mut Option<credentials::ApiClient>,
) -> Result<credentials::ApiClient, AppError> {
    let key = key.ok_or_else(|| AppError::field("authorization", shared::ErrorCode::SharingKeyRequired))?;
    // The key's problem is named by this API's header; a failure of the database stays one.
    let client = credentials::authenticate(conn, &key).await.map_err(|error| match error {
        AppError::Validation(_) => AppError::field("authorization", shared::ErrorCode::ApiKeyInvalid),
        other => other,
    })?;
    *used = Some(client.clone());
    guard
        .check_key(client.key_id, client.per_minute)
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    if !client.may(scope) {
        return Err(AppError::field("authorization", shared::ErrorCode::ApiKeyScope));
    }
    Ok(client)
}

/// Every call: the key checked and counted, its scope for the dataset, the dataset read as
/// the key's reader, the answer logged.
async fn answer(state: &ServerState, guard: &Guard, request: Request, dataset: Dataset) -> Response {
    let started = Instant::now();
    let locale = locale_of(&request);
    let address = crate::rate_limit::client_address(&request, guard.trust_proxy).map(|a| a.to_string());
    let path = request.uri().to_string();
    let query: Vec<(String, String)> =
        form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes()).into_owned().collect();
    let key = bearer(&request);
    drop(request);
    let mut client_used = None;
    let result: Result<(serde_json::Value, usize), AppError> = async {
        let mut conn = state.app.pool.get().await.map_err(|_| AppError::Internal)?;
        let client = keyed(&mut conn, guard, key, dataset.scope(), &mut client_used).await?;
        let reader = service::reader(&client);
        let pairs = || query.iter().map(|(name, value)| (name.as_str(), value.as_str()));
        let no_parameters = || match query.first() {
            Some((name, _)) => Err(AppError::field(name, shared::ErrorCode::SharingParameterUnknown)),
            None => Ok(()),
        };
        match &dataset {
            Dataset::Catalogue => {
                no_parameters()?;
                let translate = |key: &str| locale.t(key);
                let rows = service::datasets(&mut conn, &reader, &translate).await?;
                Ok((to_json(&rows), rows.len()))
            }
            Dataset::Records(key) => {
                let feed = service::records(&mut conn, &reader, key, &FeedQuery::parse(pairs())?).await?;
                Ok((to_json(&feed), feed.data.len()))
            }
            Dataset::Events => {
                let feed = service::events(&mut conn, &reader, &FeedQuery::parse(pairs())?).await?;
                Ok((to_json(&feed), feed.data.len()))
            }
            Dataset::Stats => {
                let stats = service::stats(&mut conn, &reader, &StatsQuery::parse(pairs())?).await?;
                Ok((to_json(&stats), stats.rows.len()))
            }
            Dataset::Villages => {
                no_parameters()?;
                let rows = service::villages(&mut conn, &reader).await?;
                Ok((to_json(&rows), rows.len()))
            }
            Dataset::Grids => {
                no_parameters()?;
                let rows = service::grids(&mut conn, &reader).await?;
                Ok((to_json(&rows), rows.len()))
            }
        }
    }
    .await;
    let (response, rows) = match result {
        Ok((body, rows)) => (axum::Json(body).into_response(), rows),
        Err(error) => (refusal(&error, locale), 0),
    };
    let address = address.unwrap_or_default();
    let call = ApiCall {
        client: client_used.as_ref(),
        api: shared::credentials::Api::Data,
        method: "GET",
        path: &path,
        status: response.status().as_u16(),
        rows,
        address: &address,
        millis: started.elapsed().as_millis(),
    };
    crate::call_log::record(&state.app.pool, &call).await;
    response
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

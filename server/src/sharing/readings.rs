//! `POST /api/v1/readings`: a monitoring station, or the gateway that collects a township's
//! stations, sends its readings in batches with a key of scope `readings.write`
//! (`shared::sensing` stores and judges them). The same body as an MQTT message's
//! (`crate::sensing_mqtt`).

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::AppError;
use shared::credentials::service::ApiCall;
use shared::credentials::{Api, ApiScope};
use shared::sensing::readings::{Accepted, Batch};
use shared::sensing::service::{self as sensing, Sender};

use super::{Problems, bearer, keyed, refusal};
use crate::open311::{Guard, locale_of};
use crate::router::ServerState;

/// The path, which the CSRF layer lets through without an origin (a key, not a cookie).
pub const READINGS_PATH: &str = "/api/v1/readings";

/// The largest body: a full batch of 5,000 readings with long station codes is about 600 KB.
const BODY_MAX: usize = 1024 * 1024;

/// Takes a batch of readings: all of them, or none with every problem named.
#[utoipa::path(
    post,
    path = "/api/v1/readings",
    tag = "sensing",
    request_body(content = Batch, description = "Up to 5,000 readings: `station` (the station's code), \
        `measurand` (`water_level`, `do`, `codmn`, `cod`, `bod5`, `nh3n`, `tp`, `tn`, `pm25`, `pm10`, `so2`, \
        `no2`, `co`, `o3`, `leq`, `online`), `at` (RFC 3339, at most 5 minutes ahead and 90 days back) and \
        `value` in the measurand's unit."),
    responses(
        (status = 200, description = "Stored; a reading sent before (same station, measurand and time) counted as a duplicate.", body = Accepted),
        (status = 400, description = "The body is not the readings' JSON.", body = Problems),
        (status = 401, description = "No key, or one unknown, revoked or expired.", body = Problems),
        (status = 403, description = "The key may not send readings.", body = Problems),
        (status = 413, description = "The body is over 1 MiB.", body = Problems),
        (status = 422, description = "A reading is wrong: `readings[i].field` names it; nothing was stored.", body = Problems),
        (status = 429, description = "Over the key's calls a minute.", body = Problems),
    ),
    security(("api_key" = []))
)]
pub(super) async fn readings(
    State(state): State<ServerState>,
    Extension(guard): Extension<Arc<Guard>>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let locale = locale_of(&request);
    let address = crate::rate_limit::client_address(&request, guard.trust_proxy).map(|a| a.to_string());
    let key = bearer(&request);
    let mut client_used = None;
    let mut rows = 0;
    let result: Result<Accepted, AppError> = async {
        let mut conn = state.app.pool.get().await.map_err(|_| AppError::Unavailable)?;
        let client = keyed(&mut conn, &guard, key, ApiScope::ReadingsWrite, &mut client_used).await?;
        let body = axum::body::to_bytes(request.into_body(), BODY_MAX)
            .await
            .map_err(|_| AppError::field("body", shared::ErrorCode::RequestTooLarge))?;
        let batch: Batch =
            serde_json::from_slice(&body).map_err(|_| AppError::field("body", shared::ErrorCode::SensingMalformed))?;
        let readings = batch.check(chrono::Utc::now(), None)?;
        rows = readings.len();
        let sender = Sender { township_id: client.township_id, village_id: client.village_id };
        sensing::ingest(&mut conn, sender, readings).await
    }
    .await;
    let response = match result {
        Ok(accepted) => (StatusCode::OK, axum::Json(accepted)).into_response(),
        Err(error) => {
            rows = 0;
            refusal(&error, locale)
        }
    };
    let address = address.unwrap_or_default();
    let call = ApiCall {
        client: client_used.as_ref(),
        api: Api::Data,
        method: "POST",
        path: READINGS_PATH,
        status: response.status().as_u16(),
        rows,
        address: &address,
        millis: started.elapsed().as_millis(),
    };
    crate::call_log::record(&state.app.pool, &call).await;
    response
}

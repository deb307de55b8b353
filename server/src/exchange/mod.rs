//! The exchange with upper-level platforms over HTTP (protocol: docs/exchange.md, the work:
//! `shared::exchange`): `POST /exchange/v1/instructions` takes a signed instruction and
//! answers with its receipt; `deliver.rs` sends every step of an instruction's event back.
//! Answers are JSON: `{"instruction_id", "event_number", "duplicate"}`, or
//! `{"error": code, "field": name, "message": text}` with 400, 401, 409 or 413.

pub mod deliver;
pub mod simulator;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use shared::AppError;
use shared::exchange::service::{self, Signed};
use shared::exchange::signature::{self, Algorithm, HEADER_NONCE, HEADER_PEER, HEADER_SIGNATURE, HEADER_TIMESTAMP};

use crate::router::ServerState;

/// The largest instruction (a description of a few thousand characters fits many times).
const MAX_BODY: usize = 64 * 1024;

pub fn routes() -> Router<ServerState> {
    Router::new().route("/exchange/v1/instructions", post(instruction))
}

#[derive(Serialize)]
struct Refused {
    error: String,
    field: String,
    message: String,
}

/// A refusal in Chinese (the peers are Chinese platforms; the code is for their programs).
fn refuse(error: AppError) -> Response {
    let zh = app::i18n::Locale::ZhCn;
    let (status, body) = match &error {
        AppError::Validation(fields) => {
            let first = fields.first();
            let code = first.map(|f| f.code.as_str()).unwrap_or("invalid");
            let status = match first.map(|f| f.code) {
                Some(shared::ErrorCode::ExchangePeerUnknown | shared::ErrorCode::ExchangeSignature) => {
                    StatusCode::UNAUTHORIZED
                }
                Some(shared::ErrorCode::ExchangeStale) => StatusCode::UNAUTHORIZED,
                Some(code) if code.is_too_large() => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            let message =
                fields.iter().map(|f| format!("{}: {}", f.field, zh.t(f.code.i18n_key()))).collect::<Vec<_>>();
            (
                status,
                Refused {
                    error: code.to_owned(),
                    field: first.map(|f| f.field.clone()).unwrap_or_default(),
                    message: message.join("；"),
                },
            )
        }
        AppError::Conflict(code) => (
            StatusCode::CONFLICT,
            Refused { error: code.as_str().to_owned(), field: "x-tg-nonce".into(), message: zh.t(code.i18n_key()) },
        ),
        other => {
            tracing::error!(?other, "exchange instruction failed");
            let status = StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Refused { error: "internal".into(), field: String::new(), message: zh.t("errors.internal") })
        }
    };
    (status, axum::Json(body)).into_response()
}

/// A signed JSON POST, as both sides of the exchange send them: the peer's code, the time,
/// a fresh random nonce and the signature over them and the body.
pub fn signed_post(
    client: &reqwest::Client,
    url: &str,
    peer: &str,
    algorithm: Algorithm,
    secret: &str,
    body: Vec<u8>,
) -> reqwest::RequestBuilder {
    let timestamp = chrono::Utc::now().timestamp();
    let nonce = {
        let mut bytes = [0u8; 16];
        rand::fill(&mut bytes);
        hex::encode(bytes)
    };
    let signature = signature::sign(algorithm, secret.as_bytes(), timestamp, &nonce, &body);
    client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(HEADER_PEER, peer)
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(HEADER_NONCE, nonce)
        .header(HEADER_SIGNATURE, signature)
        .body(body)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// `POST /exchange/v1/instructions`.
async fn instruction(State(state): State<ServerState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => return refuse(AppError::field("body", shared::ErrorCode::RequestTooLarge)),
    };
    let signed = Signed {
        peer: header(&parts.headers, HEADER_PEER),
        timestamp: header(&parts.headers, HEADER_TIMESTAMP),
        nonce: header(&parts.headers, HEADER_NONCE),
        signature: header(&parts.headers, HEADER_SIGNATURE),
    };
    let result = async {
        let mut conn = state.app.pool.get().await?;
        let peer = service::authenticate(&mut conn, &signed, &body).await?;
        service::receive(&mut conn, &peer, &body).await
    }
    .await;
    match result {
        Ok(receipt) => {
            let status = if receipt.duplicate { StatusCode::OK } else { StatusCode::CREATED };
            (status, axum::Json(receipt)).into_response()
        }
        Err(error) => refuse(error),
    }
}

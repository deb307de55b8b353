//! `GET /healthz` (the process is up) and `GET /readyz` (database reachable, migrations current).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::router::ServerState;

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

pub async fn readyz(State(state): State<ServerState>) -> (StatusCode, Json<Value>) {
    let database = match state.app.pool.get().await {
        Ok(mut conn) => {
            use diesel_async::RunQueryDsl;
            diesel::sql_query("SELECT 1").execute(&mut conn).await.is_ok()
        }
        Err(_) => false,
    };
    let migrations = database && crate::database::migrations_current(&state.app.pool).await.unwrap_or(false);
    let ready = database && migrations;
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        Json(
            json!({ "status": if ready { "ready" } else { "not_ready" }, "database": database, "migrations": migrations }),
        ),
    )
}

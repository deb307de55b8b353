//! The service layer's calls on the interface log (接口调用记录, `shared::credentials`), for
//! every endpoint that takes a key: Open311, the data-sharing API, the readings.

use shared::credentials::service::{ApiCall, log_call};
use shared::db::DbPool;

/// Records `call` on its own connection, after the answer is made: a log that cannot be
/// written is the operator's problem (logged here), never the caller's.
pub async fn record(pool: &DbPool, call: &ApiCall<'_>) {
    match pool.get().await {
        Ok(mut conn) => {
            if let Err(error) = log_call(&mut conn, call).await {
                tracing::error!(?error, path = call.path, "interface call not logged");
            }
        }
        Err(error) => tracing::error!(%error, path = call.path, "interface call not logged"),
    }
}

//! How long the interface call log (`api_calls`) keeps its rows. The log is what the system
//! administrator and the auditor read of each key's use; past the retention its rows are
//! deleted, in batches that each hold their locks briefly. A data-sharing call is also on the
//! audit chain (`sharing.call`), which is archived, never deleted (`crate::audit::archive`).

use chrono::{DateTime, Duration, Utc};
use diesel::sql_types::{BigInt, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::AppError;

/// The least retention, in days: the six months a network operator must keep its logs
/// (网络安全法 第二十一条), as the audit log's.
pub const MIN_RETENTION_DAYS: u32 = crate::audit::archive::MIN_RETENTION_DAYS;
/// Rows deleted per statement.
pub const BATCH: i64 = 10_000;

/// Deletes the calls made more than `retention_days` (at least [`MIN_RETENTION_DAYS`]) before
/// `now`, and says how many.
pub async fn purge(conn: &mut AsyncPgConnection, retention_days: u32, now: DateTime<Utc>) -> Result<i64, AppError> {
    purge_in_batches_of(conn, retention_days, now, BATCH).await
}

/// [`purge`] with another batch size, for the tests.
pub async fn purge_in_batches_of(
    conn: &mut AsyncPgConnection,
    retention_days: u32,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<i64, AppError> {
    let before = now - Duration::days(i64::from(retention_days.max(MIN_RETENTION_DAYS)));
    let mut purged = 0;
    loop {
        // The BRIN index on `at` finds the old rows without reading the young ones.
        let deleted =
            diesel::sql_query("DELETE FROM api_calls WHERE id IN (SELECT id FROM api_calls WHERE at < $1 LIMIT $2)")
                .bind::<Timestamptz, _>(before)
                .bind::<BigInt, _>(batch)
                .execute(conn)
                .await?;
        purged += deleted as i64;
        if (deleted as i64) < batch {
            return Ok(purged);
        }
    }
}

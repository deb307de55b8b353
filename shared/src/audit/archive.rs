//! Archiving the audit log (R-9.3.1: records kept at least 180 days, archived, not deleted,
//! after that). Records older than the retention move from `audit_log` to
//! `audit_log_archive` in batches, each batch copied and removed in one transaction; the
//! database refuses to remove any record that is younger than 180 days, has no identical
//! archived copy, or ends its chain (migration 000036). Search and verification read both
//! tables (`audit_log_all`), so the auditor loses nothing and the chain runs on across them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::AuditAction;
use super::service as audit;
use crate::error::AppError;

/// The least retention the standard allows, in days; the database enforces it as well.
pub const MIN_RETENTION_DAYS: u32 = 180;
/// Records moved per transaction: each batch holds its records' ids in memory and its locks
/// until it commits.
pub const BATCH: i64 = 10_000;
/// Serialises archiving across processes: two at once would both copy a record.
const ARCHIVE_LOCK: i64 = 0x0061_7263_6869_7665;

/// What one run moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Archived {
    /// Records moved to the archive.
    pub moved: i64,
    /// The records older than this were due.
    pub before: DateTime<Utc>,
}

/// Moves every record older than `retention_days` (at least [`MIN_RETENTION_DAYS`]) before
/// `now` into the archive, except the newest record of each chain, which the next append
/// links to; each township whose records moved gets a record of how many (by `system`).
pub async fn archive(
    conn: &mut AsyncPgConnection,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<Archived, AppError> {
    archive_in_batches_of(conn, retention_days, now, BATCH).await
}

/// [`archive`] with a batch size of the caller's (tests take several small batches).
pub async fn archive_in_batches_of(
    conn: &mut AsyncPgConnection,
    retention_days: u32,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<Archived, AppError> {
    let before = now - Duration::days(i64::from(retention_days.max(MIN_RETENTION_DAYS)));
    let mut by_township: BTreeMap<i32, i64> = BTreeMap::new();
    loop {
        let moved = conn.transaction::<_, AppError, _>(async |conn| move_batch(conn, before, batch).await).await?;
        for record in &moved {
            *by_township.entry(record.township_id).or_default() += 1;
        }
        if (moved.len() as i64) < batch {
            break;
        }
    }
    let day = crate::time::local_date(before);
    for (&township_id, n) in &by_township {
        let detail = format!("moved={n} before={day}");
        audit::record(conn, township_id, None, "system", AuditAction::ArchiveAudit, "audit_log", &detail).await?;
    }
    Ok(Archived { moved: by_township.values().sum(), before })
}

/// A record the archive took.
#[derive(diesel::QueryableByName)]
struct Copied {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    township_id: i32,
}

/// Copies up to `batch` of the oldest due records into the archive and removes them from the
/// live table; the records it moved. Runs in the caller's transaction.
async fn move_batch(conn: &mut AsyncPgConnection, before: DateTime<Utc>, batch: i64) -> Result<Vec<Copied>, AppError> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(ARCHIVE_LOCK).execute(conn).await?;
    // The chains' ends are found by the (chain, id) index, as the checkpoints find them.
    let copied: Vec<Copied> = diesel::sql_query(
        "INSERT INTO audit_log_archive \
             (id, township_id, at, actor_id, actor_name, action, target, detail, ip, prev_hash, hash, chain) \
         SELECT id, township_id, at, actor_id, actor_name, action, target, detail, ip, prev_hash, hash, chain \
         FROM audit_log \
         WHERE at < $1 \
           AND id NOT IN ( \
               SELECT newest.id \
               FROM generate_series(0, (SELECT coalesce(max(chain), 0) FROM audit_log)) AS chain \
               CROSS JOIN LATERAL ( \
                   SELECT id FROM audit_log a WHERE a.chain = chain.chain ORDER BY id DESC LIMIT 1 \
               ) newest) \
         ORDER BY id \
         LIMIT $2 \
         RETURNING id, township_id",
    )
    .bind::<Timestamptz, _>(before)
    .bind::<BigInt, _>(batch)
    .load(conn)
    .await?;
    if copied.is_empty() {
        return Ok(copied);
    }
    let ids: Vec<i64> = copied.iter().map(|c| c.id).collect();
    diesel::sql_query("DELETE FROM audit_log WHERE id = ANY($1)").bind::<Array<BigInt>, _>(&ids).execute(conn).await?;
    Ok(copied)
}

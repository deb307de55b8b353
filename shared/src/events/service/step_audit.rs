//! Every change of an event's state on the audit log, after the step commits: the
//! step's statement queues it (`intake::add_step`, table `event_step_audit_queue`), and
//! [`drain`] — a background job on every server process, every second — appends the records
//! in batches. One append per batch instead of one per step keeps the chain's lock, its end's
//! read and the HMACs off the reports' transactions (see docs/benchmarks.md).

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::audit::AuditAction;
use crate::audit::service::{self as audit, Entry};
use crate::error::AppError;

/// Steps audited per transaction.
pub const BATCH: i64 = 1_000;

#[derive(diesel::QueryableByName)]
struct Queued {
    #[diesel(sql_type = Integer)]
    township_id: i32,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<BigInt>)]
    actor_id: Option<i64>,
    #[diesel(sql_type = Text)]
    actor_name: String,
    #[diesel(sql_type = Text)]
    number: String,
    /// "action: from→to", as the auditor reads it.
    #[diesel(sql_type = Text)]
    change: String,
    #[diesel(sql_type = Text)]
    ip: String,
}

/// Appends the records of up to `batch` queued steps, oldest first, and takes them off the
/// queue in the same transaction; the number appended. Steps another process is taking are
/// skipped, so each is recorded once.
async fn drain_batch(conn: &mut AsyncPgConnection, batch: i64) -> Result<usize, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let queued: Vec<Queued> = diesel::sql_query(
            "WITH taken AS ( \
                 DELETE FROM event_step_audit_queue q \
                 WHERE q.step_id IN (SELECT step_id FROM event_step_audit_queue ORDER BY step_id \
                                     LIMIT $1 FOR UPDATE SKIP LOCKED) \
                 RETURNING q.step_id, q.ip) \
             SELECT s.township_id, s.at, s.actor_id, s.actor_name, e.number, \
                    s.action || ': ' || coalesce(s.from_state, '') || '→' || s.to_state AS change, taken.ip \
             FROM taken JOIN event_steps s ON s.id = taken.step_id JOIN events e ON e.id = s.event_id \
             ORDER BY s.id",
        )
        .bind::<BigInt, _>(batch)
        .load(conn)
        .await?;
        let entries: Vec<Entry> = queued
            .iter()
            .map(|step| Entry {
                township_id: step.township_id,
                at: step.at,
                actor_id: step.actor_id,
                actor_name: &step.actor_name,
                action: AuditAction::EventStep,
                target: &step.number,
                detail: &step.change,
                ip: &step.ip,
            })
            .collect();
        audit::append(conn, &entries).await?;
        Ok(entries.len())
    })
    .await
}

/// Drains the queue: batch after batch of [`BATCH`] until one comes back short; the number
/// appended.
pub async fn drain(conn: &mut AsyncPgConnection) -> Result<usize, AppError> {
    drain_in_batches_of(conn, BATCH).await
}

/// [`drain`] with batches of `batch` steps.
pub async fn drain_in_batches_of(conn: &mut AsyncPgConnection, batch: i64) -> Result<usize, AppError> {
    let mut appended = 0;
    loop {
        let drained = drain_batch(conn, batch).await?;
        appended += drained;
        if (drained as i64) < batch {
            return Ok(appended);
        }
    }
}

/// Steps committed and not yet on the log (`/metrics`: it should stay near zero).
pub async fn queued(conn: &mut AsyncPgConnection) -> Result<i64, AppError> {
    use diesel::QueryDsl;
    Ok(crate::schema::event_step_audit_queue::table.count().get_result(conn).await?)
}

//! The audit log's background jobs, on every server process (`crate::jobs`):
//! checkpoints of the chains, the event steps queued for the log, and the archive; and the
//! retention of the interface call log.

use std::sync::Arc;

use shared::db::DbPool;

use crate::jobs::{AT_START, every, failed};
use crate::metrics::{Job, Metrics};

/// Every ten minutes each chain's newest record is written to `audit_checkpoints` (once: the
/// record's id is unique there), so that `tongguan audit verify` and the auditor's page catch
/// the newest records deleted before then.
pub fn start(pool: DbPool, metrics: Arc<Metrics>) {
    every(Job::AuditCheckpoint, AT_START, pool, metrics, |mut conn| async move {
        shared::audit::service::checkpoint(&mut conn).await.map(drop).map_err(failed)
    });
}

/// Once a day (and at start) the audit records older than `retention_days` move to the
/// archive (`shared::audit::archive`; processes take turns). Each look reads the live log
/// once.
pub fn start_archive(pool: DbPool, metrics: Arc<Metrics>, retention_days: u32) {
    every(Job::AuditArchive, AT_START, pool, metrics, move |mut conn| async move {
        let archived =
            shared::audit::archive::archive(&mut conn, retention_days, chrono::Utc::now()).await.map_err(failed)?;
        if archived.moved > 0 {
            tracing::info!(moved = archived.moved, before = %archived.before, "audit records archived");
        }
        Ok(())
    });
}

/// Every second the event steps queued since are appended to the audit log
/// (`shared::events::service::step_audit`); processes share the queue without taking a step
/// twice.
pub fn start_step_audit(pool: DbPool, metrics: Arc<Metrics>) {
    every(Job::StepAudit, AT_START, pool, metrics, |mut conn| async move {
        shared::events::service::step_audit::drain(&mut conn).await.map(drop).map_err(failed)
    });
}

/// Once a day (and at start) the rows of the interface call log older than `retention_days`
/// are deleted (`shared::credentials::call_log`); two processes at once delete each row once.
pub fn start_call_log_retention(pool: DbPool, metrics: Arc<Metrics>, retention_days: u32) {
    every(Job::CallLogRetention, AT_START, pool, metrics, move |mut conn| async move {
        let purged = shared::credentials::call_log::purge(&mut conn, retention_days, chrono::Utc::now())
            .await
            .map_err(failed)?;
        if purged > 0 {
            tracing::info!(purged, "interface call log past its retention deleted");
        }
        Ok(())
    });
}

//! The audit chain's checkpoints: every ten minutes, on every server process, the
//! chain's newest record is written to `audit_checkpoints` (once: the record's id is unique
//! there), so that `tongguan audit verify` and the auditor's page catch the newest records
//! deleted before then.

use std::sync::Arc;
use std::time::Duration;

use shared::db::DbPool;

use crate::metrics::{Job, Metrics};

const EVERY: Duration = Duration::from_secs(600);

pub fn start(pool: DbPool, metrics: Arc<Metrics>) {
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(EVERY);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let written = match pool.get().await {
                Ok(mut conn) => shared::audit::service::checkpoint(&mut conn).await.map_err(|e| format!("{e:?}")),
                Err(error) => Err(error.to_string()),
            };
            if let Err(error) = &written {
                tracing::warn!(%error, "audit checkpoint");
            }
            metrics.job(Job::AuditCheckpoint, written.err());
        }
    });
}

/// How often records past the retention are looked for: each look reads the live log once.
const ARCHIVE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// Once a day (and at start), on every server process, the audit records older than
/// `retention_days` move to the archive (`shared::audit::archive`; processes take turns).
pub fn start_archive(pool: DbPool, metrics: Arc<Metrics>, retention_days: u32) {
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(ARCHIVE_EVERY);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let archived = match pool.get().await {
                Ok(mut conn) => shared::audit::archive::archive(&mut conn, retention_days, chrono::Utc::now())
                    .await
                    .map_err(|e| format!("{e:?}")),
                Err(error) => Err(error.to_string()),
            };
            match &archived {
                Ok(archived) if archived.moved > 0 => {
                    tracing::info!(moved = archived.moved, before = %archived.before, "audit records archived");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "audit archive"),
            }
            metrics.job(Job::AuditArchive, archived.err());
        }
    });
}

/// How often the queue of event steps is taken onto the audit log.
const STEPS_EVERY: Duration = Duration::from_secs(1);

/// Every second, on every server process, the event steps queued since are appended to the
/// audit log (`shared::events::service::step_audit`); processes share the queue without
/// taking a step twice.
pub fn start_step_audit(pool: DbPool, metrics: Arc<Metrics>) {
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(STEPS_EVERY);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let drained = match pool.get().await {
                Ok(mut conn) => {
                    shared::events::service::step_audit::drain(&mut conn).await.map_err(|e| format!("{e:?}"))
                }
                Err(error) => Err(error.to_string()),
            };
            if let Err(error) = &drained {
                tracing::warn!(%error, "event steps to the audit log");
            }
            metrics.job(Job::StepAudit, drained.err());
        }
    });
}

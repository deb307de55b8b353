//! The supervision job's clock: every 30 seconds, on every server process (`crate::jobs`).
//! The job's own conditional updates make concurrent and repeated runs harmless.

use shared::db::DbPool;
use shared::events::service::supervision;

use crate::jobs::{AT_START, every, failed};
use crate::metrics::{Job, Metrics};

/// `grace`: how long after its deadline an overdue event is escalated
/// (`TONGGUAN_ESCALATION_GRACE_MINUTES`, see `config::SupervisionConfig`).
pub fn start(pool: DbPool, grace: chrono::Duration, metrics: std::sync::Arc<Metrics>) {
    every(Job::Supervision, AT_START, pool, metrics, move |mut conn| async move {
        let report = supervision::tick(&mut conn, chrono::Utc::now(), grace).await.map_err(failed)?;
        if report != supervision::TickReport::default() {
            tracing::info!(
                warned = report.warned,
                overdue = report.overdue,
                escalated = report.escalated,
                "supervision"
            );
        }
        Ok(())
    });
}

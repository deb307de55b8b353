//! The supervision job's clock: every 30 seconds, on every server process. The job's own
//! conditional updates make concurrent and repeated runs harmless.

use std::time::Duration;

use shared::db::DbPool;
use shared::events::service::supervision;

/// `grace`: how long after its deadline an overdue event is escalated
/// (`TONGGUAN_ESCALATION_GRACE_MINUTES`, see `config::SupervisionConfig`).
pub fn start(pool: DbPool, grace: chrono::Duration, metrics: std::sync::Arc<crate::metrics::Metrics>) {
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(Duration::from_secs(30));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let result = match pool.get().await {
                Ok(mut conn) => supervision::tick(&mut conn, chrono::Utc::now(), grace).await,
                Err(error) => Err(error.into()),
            };
            metrics.job(crate::metrics::Job::Supervision, result.as_ref().err().map(|e| format!("{e:?}")));
            match result {
                Ok(report) if report != supervision::TickReport::default() => {
                    tracing::info!(
                        warned = report.warned,
                        overdue = report.overdue,
                        escalated = report.escalated,
                        "supervision"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(?error, "supervision job"),
            }
        }
    });
}

//! The sensing module's jobs, on every server process (`crate::jobs`):
//! - the readings' partitions (`shared::sensing::service::partitions`): once a day and at
//!   start, the months readings may fall in are made ahead (`IF NOT EXISTS` in effect: a
//!   month another process made is left), and the months past the retention dropped;
//! - the vital-sign indicators (`shared::sensing::service::indicators`): every 15 seconds,
//!   those due computed and judged, each claimed with `SKIP LOCKED` so that processes share
//!   the work instead of doing it twice; once an hour, values past the retention pruned.

use std::sync::Arc;
use std::time::Instant;

use shared::db::DbPool;

use crate::jobs::{AT_START, every, failed};
use crate::metrics::{Job, Metrics};

pub fn start(pool: DbPool, metrics: Arc<Metrics>, retention_months: i32) {
    every(Job::ReadingsPartitions, AT_START, pool, metrics, move |mut conn| async move {
        let dropped =
            shared::sensing::service::partitions::maintain(&mut conn, retention_months).await.map_err(failed)?;
        if dropped > 0 {
            tracing::info!(dropped, retention_months, "readings' months past the retention dropped");
        }
        Ok(())
    });
}

/// How often the indicators' old values are pruned.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

pub fn start_indicators(pool: DbPool, metrics: Arc<Metrics>) {
    let mut pruned: Option<Instant> = None;
    every(Job::Indicators, AT_START, pool, metrics, move |mut conn| {
        let prune = pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY);
        if prune {
            pruned = Some(Instant::now());
        }
        async move {
            use shared::sensing::service::indicators;
            let done = indicators::evaluate_due(&mut conn, chrono::Utc::now()).await.map_err(failed)?;
            if done.opened + done.cleared > 0 {
                tracing::info!(
                    computed = done.computed,
                    opened = done.opened,
                    cleared = done.cleared,
                    "indicators judged"
                );
            }
            if prune {
                indicators::prune(&mut conn).await.map_err(failed)?;
            }
            Ok(())
        }
    });
}

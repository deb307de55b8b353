//! The readings' partitions (`shared::sensing::service::partitions`), on every server process
//! (`crate::jobs`): once a day and at start, the months readings may fall in are made ahead
//! (`IF NOT EXISTS` in effect: a month another process made is left), and the months past the
//! retention dropped.

use std::sync::Arc;

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

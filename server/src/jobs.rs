//! The one shape of the server's background jobs: on every server process, a run at start-up
//! (or after a first delay) and then every period (`Job::period`), each on a connection of the pool; its
//! outcome reported to `/metrics` and 运行维护 (`Metrics::job`), a failure logged. A run that
//! gets no connection has failed. A run that takes longer than the period delays the next
//! one instead of bunching them. What each job does, and why running it on every process at
//! once is harmless, is said where it is started.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use shared::db::{DbConn, DbPool};

use crate::metrics::{Job, Metrics};

/// Runs `work` as `job`, on its own task: after `first`, then every `job.period()` (the one
/// place a job's period is said, which 运行维护 also reads to tell a late job). `work` takes
/// the run's connection and says what went wrong, if anything; what it did worth telling it
/// logs itself.
pub fn every<W, F>(job: Job, first: Duration, pool: DbPool, metrics: Arc<Metrics>, mut work: W)
where
    W: FnMut(DbConn) -> F + Send + 'static,
    F: Future<Output = Result<(), String>> + Send,
{
    tokio::spawn(async move {
        tokio::time::sleep(first).await;
        let period = job.period().to_std().expect("a job's period is positive");
        let mut clock = tokio::time::interval(period);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let outcome = match pool.get().await {
                Ok(conn) => work(conn).await,
                Err(error) => Err(format!("no connection: {error}")),
            };
            if let Err(error) = &outcome {
                tracing::warn!(job = job.as_str(), %error, "background job failed");
            }
            metrics.job(job, outcome.err());
        }
    });
}

/// At once.
pub const AT_START: Duration = Duration::ZERO;

/// The error of a service, as a job reports it.
pub fn failed(error: impl std::fmt::Debug) -> String {
    format!("{error:?}")
}

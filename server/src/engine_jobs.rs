//! The module engine's clock: at start-up and every five minutes, on every server process.
//! It reminds approvers of records whose deadline nears or has passed
//! (`shared::engine::service::notice::remind`), fails imports whose writing process has
//! stopped and drops the files of previews left for a day
//! (`shared::engine::service::imports::sweep`), and moves history past each register's online
//! period to the archive, deleting archived versions past its retention
//! (`shared::engine::service::retention::archive`). Their conditional writes make concurrent
//! and repeated runs harmless. Every ten seconds it reads the run-time registers again
//! (`shared::engine::service::runtime::refresh`).

use std::time::Duration;

use shared::db::DbPool;
use shared::engine::service::{imports, notice, retention, runtime};

use crate::metrics::{Job, Metrics};

/// How often a process reads the run-time registers again: a register created on another
/// process is on this one's menu and role editor within this time (its pages open at once).
const RUNTIME_REGISTERS_EVERY: Duration = Duration::from_secs(10);

pub fn start(pool: DbPool, metrics: std::sync::Arc<Metrics>) {
    let registers = pool.clone();
    let refresh_metrics = metrics.clone();
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(RUNTIME_REGISTERS_EVERY);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let refreshed = match registers.get().await {
                Ok(mut conn) => runtime::refresh(&mut conn).await.map_err(|error| format!("{error:?}")),
                Err(error) => Err(format!("{error:?}")),
            };
            refresh_metrics.job(Job::RuntimeRegisters, refreshed.as_ref().err().cloned());
            if let Err(error) = refreshed {
                tracing::warn!(%error, "run-time registers: not read");
            }
        }
    });
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(Duration::from_secs(300));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let mut conn = match pool.get().await {
                Ok(conn) => conn,
                Err(error) => {
                    for job in [Job::ApprovalReminders, Job::ImportsSweep, Job::HistoryArchive] {
                        metrics.job(job, Some(format!("no connection: {error}")));
                    }
                    tracing::warn!(?error, "engine jobs: no connection");
                    continue;
                }
            };
            let reminded = notice::remind(&mut conn, chrono::Utc::now()).await;
            metrics.job(Job::ApprovalReminders, reminded.as_ref().err().map(|e| format!("{e:?}")));
            match reminded {
                Ok(sent) if sent != notice::Reminded::default() => {
                    tracing::info!(due_soon = sent.due_soon, overdue = sent.overdue, "approval reminders");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(?error, "approval reminders"),
            }
            let swept = imports::sweep(&mut conn).await;
            metrics.job(Job::ImportsSweep, swept.as_ref().err().map(|e| format!("{e:?}")));
            match swept {
                Ok(swept) if swept != imports::Swept::default() => {
                    tracing::info!(abandoned = swept.abandoned, expired = swept.expired, "imports swept");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(?error, "imports sweep"),
            }
            let archived = retention::archive(&mut conn, chrono::Utc::now()).await;
            metrics.job(Job::HistoryArchive, archived.as_ref().err().map(|e| format!("{e:?}")));
            match archived {
                Ok(done) if done != retention::Archived::default() => {
                    tracing::info!(moved = done.moved, purged = done.purged, "history archived");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(?error, "history archive"),
            }
        }
    });
}

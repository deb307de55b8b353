//! The module engine's clocks (`crate::jobs`): at start-up and every five minutes, on every
//! server process.
//! It reminds approvers of records whose deadline nears or has passed
//! (`shared::engine::service::notice::remind`), fails imports whose writing process has
//! stopped and drops the files of previews left for a day
//! (`shared::engine::service::imports::sweep`), and moves history past each register's online
//! period to the archive, deleting archived versions past its retention
//! (`shared::engine::service::retention::archive`). Their conditional writes make concurrent
//! and repeated runs harmless. Every ten seconds it reads the run-time registers again
//! (`shared::engine::service::runtime::refresh`).

use std::sync::Arc;

use shared::db::DbPool;
use shared::engine::service::{imports, notice, retention, runtime};

use crate::jobs::{AT_START, every, failed};
use crate::metrics::{Job, Metrics};

pub fn start(pool: DbPool, metrics: Arc<Metrics>) {
    every(Job::RuntimeRegisters, AT_START, pool.clone(), metrics.clone(), |mut conn| async move {
        runtime::refresh(&mut conn).await.map_err(failed)
    });
    every(Job::ApprovalReminders, AT_START, pool.clone(), metrics.clone(), |mut conn| async move {
        let sent = notice::remind(&mut conn, chrono::Utc::now()).await.map_err(failed)?;
        if sent != notice::Reminded::default() {
            tracing::info!(due_soon = sent.due_soon, overdue = sent.overdue, "approval reminders");
        }
        Ok(())
    });
    every(Job::ImportsSweep, AT_START, pool.clone(), metrics.clone(), |mut conn| async move {
        let swept = imports::sweep(&mut conn).await.map_err(failed)?;
        if swept != imports::Swept::default() {
            tracing::info!(abandoned = swept.abandoned, expired = swept.expired, "imports swept");
        }
        Ok(())
    });
    every(Job::HistoryArchive, AT_START, pool, metrics, |mut conn| async move {
        let done = retention::archive(&mut conn, chrono::Utc::now()).await.map_err(failed)?;
        if done != retention::Archived::default() {
            tracing::info!(moved = done.moved, purged = done.purged, "history archived");
        }
        Ok(())
    });
}

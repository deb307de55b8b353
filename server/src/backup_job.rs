//! The backup schedule (R-backup): a minute after start-up and every five minutes after, on
//! every server process, a backup is made when none has succeeded within
//! `TONGGUAN_BACKUP_INTERVAL_HOURS`, and a restore drill when none has passed within
//! `TONGGUAN_DRILL_INTERVAL_HOURS`. The run's advisory lock lets one process do it; the others
//! find it busy and wait for the next check.

use std::sync::Arc;
use std::time::Duration;

use shared::db::{DbConn, DbPool};
use shared::error::{AppError, ErrorCode};
use shared::operations::backup::{self, BackupSettings};
use shared::operations::service::due;
use shared::operations::{RunKind, RunOutcome, Trigger};

use crate::jobs::{every, failed};
use crate::metrics::{Job, Metrics};

const FIRST_CHECK: Duration = Duration::from_secs(60);

pub fn start(settings: BackupSettings, pool: DbPool, metrics: Arc<Metrics>) {
    if settings.interval_hours == 0 && settings.drill_interval_hours == 0 {
        return;
    }
    every(Job::Backups, FIRST_CHECK, pool, metrics, move |conn| check(settings.clone(), conn));
}

/// Runs what is due, backup first (a drill restores the newest backup). The connection only
/// asks what is due: a run makes its own.
async fn check(settings: BackupSettings, mut conn: DbConn) -> Result<(), String> {
    let mut runs = Vec::new();
    for (kind, hours) in [(RunKind::Backup, settings.interval_hours), (RunKind::Drill, settings.drill_interval_hours)] {
        if due(&mut conn, kind, hours, chrono::Utc::now()).await.map_err(failed)? {
            runs.push(kind);
        }
    }
    drop(conn);
    for kind in runs {
        let run = match backup::begin(&settings, kind, Trigger::Schedule, "").await {
            Ok(run) => run,
            Err(AppError::Conflict(ErrorCode::BackupBusy)) => return Ok(()),
            Err(error) => return Err(failed(error)),
        };
        let done = run.finish().await.map_err(failed)?;
        if done.outcome != Some(RunOutcome::Ok) {
            return Err(format!("{} failed: {}", kind.as_str(), done.error));
        }
        tracing::info!(kind = kind.as_str(), file = done.file, bytes = done.bytes, "scheduled run done");
    }
    Ok(())
}

//! The backup schedule (R-backup): a minute after start-up and every five minutes after, on
//! every server process, a backup is made when none has succeeded within
//! `TONGGUAN_BACKUP_INTERVAL_HOURS`, and a restore drill when none has passed within
//! `TONGGUAN_DRILL_INTERVAL_HOURS`. The run's advisory lock lets one process do it; the others
//! find it busy and wait for the next check.

use std::sync::Arc;
use std::time::Duration;

use shared::db::DbPool;
use shared::error::{AppError, ErrorCode};
use shared::operations::backup::{self, BackupSettings};
use shared::operations::service::due;
use shared::operations::{RunKind, RunOutcome, Trigger};

use crate::metrics::{Job, Metrics};

const FIRST_CHECK: Duration = Duration::from_secs(60);
const CHECK_EVERY: Duration = Duration::from_secs(300);

pub fn start(settings: BackupSettings, pool: DbPool, metrics: Arc<Metrics>) {
    if settings.interval_hours == 0 && settings.drill_interval_hours == 0 {
        return;
    }
    tokio::spawn(async move {
        tokio::time::sleep(FIRST_CHECK).await;
        let mut clock = tokio::time::interval(CHECK_EVERY);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let result = check(&settings, &pool).await;
            if let Err(error) = &result {
                tracing::warn!(%error, "scheduled backup");
            }
            metrics.job(Job::Backups, result.err());
        }
    });
}

/// Runs what is due, backup first (a drill restores the newest backup).
async fn check(settings: &BackupSettings, pool: &DbPool) -> Result<(), String> {
    for (kind, hours) in [(RunKind::Backup, settings.interval_hours), (RunKind::Drill, settings.drill_interval_hours)] {
        let is_due = {
            let mut conn = pool.get().await.map_err(|e| e.to_string())?;
            due(&mut conn, kind, hours, chrono::Utc::now()).await.map_err(|e| format!("{e:?}"))?
        };
        if !is_due {
            continue;
        }
        let run = match backup::begin(settings, kind, Trigger::Schedule, "").await {
            Ok(run) => run,
            Err(AppError::Conflict(ErrorCode::BackupBusy)) => return Ok(()),
            Err(error) => return Err(format!("{error:?}")),
        };
        let done = run.finish().await.map_err(|e| format!("{e:?}"))?;
        if done.outcome != Some(RunOutcome::Ok) {
            return Err(format!("{} failed: {}", kind.as_str(), done.error));
        }
        tracing::info!(kind = kind.as_str(), file = done.file, bytes = done.bytes, "scheduled run done");
    }
    Ok(())
}

//! The operations page's readings, and the background jobs' last runs that feed it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::backup::{self, BackupSettings};
use super::{
    BackupRun, BackupSection, DatabaseSection, DiskSection, ExchangeSection, Finding, Health, Job, JobSection,
    LONG_QUERY_SECONDS, Overview, RunKind, RunOutcome, RunningQuery, ServerSection,
};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::permissions::codes;
use crate::schema::{backup_runs, job_runs};

/// What the server tells the operations page about itself (`server::cli` fills it in).
#[derive(Debug, Clone, Default)]
pub struct OperationsSettings {
    pub backups: Option<BackupSettings>,
    /// The directories whose disks are watched: (purpose, path).
    pub disks: Vec<(String, PathBuf)>,
    pub started_at: Option<DateTime<Utc>>,
}

/// One job's runs as this process saw them, written to `job_runs` now and then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    pub job: Job,
    pub last_run_at: DateTime<Utc>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub failures_in_a_row: i32,
}

/// Writes the jobs' states; the newer time of each kind wins when processes disagree.
pub async fn record_jobs(conn: &mut AsyncPgConnection, states: &[JobState]) -> Result<(), AppError> {
    for state in states {
        diesel::sql_query(
            "INSERT INTO job_runs (job, last_run_at, last_success_at, last_failure_at, last_error, failures_in_a_row) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (job) DO UPDATE SET \
               last_run_at = GREATEST(job_runs.last_run_at, EXCLUDED.last_run_at), \
               last_success_at = GREATEST(job_runs.last_success_at, EXCLUDED.last_success_at), \
               last_failure_at = GREATEST(job_runs.last_failure_at, EXCLUDED.last_failure_at), \
               last_error = CASE WHEN EXCLUDED.last_failure_at >= coalesce(job_runs.last_failure_at, '-infinity') \
                            THEN EXCLUDED.last_error ELSE job_runs.last_error END, \
               failures_in_a_row = EXCLUDED.failures_in_a_row",
        )
        .bind::<Text, _>(state.job.as_str())
        .bind::<Timestamptz, _>(state.last_run_at)
        .bind::<Nullable<Timestamptz>, _>(state.last_success_at)
        .bind::<Nullable<Timestamptz>, _>(state.last_failure_at)
        .bind::<Text, _>(cut(&state.last_error, 500))
        .bind::<Integer, _>(state.failures_in_a_row)
        .execute(conn)
        .await?;
    }
    Ok(())
}

impl Job {
    /// How often the job runs (`server::jobs` runs it so): one that has not run for twice
    /// this (and a minute for the writes of its state, `server::metrics`) is late.
    pub fn period(self) -> Duration {
        match self {
            Job::Supervision => Duration::seconds(30),
            // The shortest refresh interval is a minute: computed within 15 s of its due time.
            Job::Indicators => Duration::seconds(15),
            // A run-time register created on another process is on this one's menu and role
            // editor within this time (its pages open at once).
            Job::RuntimeRegisters => Duration::seconds(10),
            Job::ApprovalReminders | Job::ImportsSweep | Job::HistoryArchive | Job::Backups => Duration::minutes(5),
            Job::ExchangeDelivery | Job::StepAudit => Duration::seconds(1),
            Job::AuditCheckpoint => Duration::minutes(10),
            Job::AuditArchive | Job::CallLogRetention | Job::ReadingsPartitions => Duration::days(1),
        }
    }
}

/// The backups and drills, newest first.
pub async fn runs(conn: &mut AsyncPgConnection, limit: i64) -> Result<Vec<BackupRun>, AppError> {
    let rows: Vec<backup::models::Row> = backup_runs::table
        .order(backup_runs::id.desc())
        .limit(limit)
        .select(backup::models::Row::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(BackupRun::from).collect())
}

/// The newest finished run of a kind, and the newest good one.
async fn last(conn: &mut AsyncPgConnection, kind: RunKind, ok_only: bool) -> Result<Option<BackupRun>, AppError> {
    let mut query = backup_runs::table
        .filter(backup_runs::kind.eq(kind.as_str()))
        .filter(backup_runs::finished_at.is_not_null())
        .into_boxed();
    if ok_only {
        query = query.filter(backup_runs::outcome.eq(RunOutcome::Ok.as_str()));
    }
    let row =
        query.order(backup_runs::id.desc()).select(backup::models::Row::as_select()).first(conn).await.optional()?;
    Ok(row.map(BackupRun::from))
}

/// When the last good backup and drill started: what the schedule and `/metrics` ask.
pub async fn last_good(conn: &mut AsyncPgConnection, kind: RunKind) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(last(conn, kind, true).await?.map(|run| run.started_at))
}

/// Whether the schedule asks for a run of `kind` now: none good within the interval, and
/// none tried within the last hour (a failing run is retried hourly, not every check).
pub async fn due(
    conn: &mut AsyncPgConnection,
    kind: RunKind,
    interval_hours: u32,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if interval_hours == 0 {
        return Ok(false);
    }
    let good = last_good(conn, kind).await?;
    if good.is_some_and(|at| now - at < Duration::hours(i64::from(interval_hours))) {
        return Ok(false);
    }
    let tried: Option<DateTime<Utc>> = backup_runs::table
        .filter(backup_runs::kind.eq(kind.as_str()))
        .select(diesel::dsl::max(backup_runs::started_at))
        .first(conn)
        .await?;
    Ok(tried.is_none_or(|at| now - at >= Duration::hours(1)))
}

/// Everything the operations page shows (system administrator, `ops.view`).
pub async fn overview(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    settings: &OperationsSettings,
) -> Result<Overview, AppError> {
    if !actor.can(codes::OPS_VIEW) {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    let mut findings = vec![];
    let database = database(conn, &mut findings).await?;
    let disks = settings.disks.iter().filter_map(|(purpose, path)| disk(purpose, path, &mut findings)).collect();
    let jobs = jobs(conn, now, &mut findings).await?;
    let exchange = exchange(conn, &mut findings).await?;
    let backups = backups(conn, settings.backups.as_ref(), now, &mut findings).await?;
    findings.sort();
    findings.dedup();
    let health = findings.iter().map(|f| f.health()).max().unwrap_or(Health::Ok);
    Ok(Overview {
        checked_at: now,
        health,
        findings,
        server: ServerSection {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            started_at: settings.started_at,
            host: std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_default(),
        },
        database,
        disks,
        jobs,
        exchange,
        backups,
    })
}

async fn database(conn: &mut AsyncPgConnection, findings: &mut Vec<Finding>) -> Result<DatabaseSection, AppError> {
    #[derive(QueryableByName)]
    struct Sizes {
        #[diesel(sql_type = Text)]
        version: String,
        #[diesel(sql_type = BigInt)]
        size: i64,
        #[diesel(sql_type = BigInt)]
        connections: i64,
        #[diesel(sql_type = BigInt)]
        max_connections: i64,
    }
    #[derive(QueryableByName)]
    struct Long {
        #[diesel(sql_type = Integer)]
        pid: i32,
        #[diesel(sql_type = Double)]
        seconds: f64,
        #[diesel(sql_type = Text)]
        state: String,
        #[diesel(sql_type = Text)]
        application: String,
        #[diesel(sql_type = Text)]
        query: String,
    }
    #[derive(QueryableByName)]
    struct Table {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        bytes: i64,
        #[diesel(sql_type = BigInt)]
        rows: i64,
    }
    let sizes: Sizes = diesel::sql_query(
        "SELECT current_setting('server_version') AS version, pg_database_size(current_database()) AS size, \
                (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections, \
                current_setting('max_connections')::bigint AS max_connections",
    )
    .get_result(conn)
    .await?;
    let long: Vec<Long> = diesel::sql_query(
        "SELECT pid, extract(epoch FROM now() - query_start)::float8 AS seconds, coalesce(state, '') AS state, \
                application_name AS application, left(query, 300) AS query \
         FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' \
           AND query_start < now() - make_interval(secs => $1) \
         ORDER BY query_start LIMIT 10",
    )
    .bind::<Double, _>(LONG_QUERY_SECONDS)
    .load(conn)
    .await?;
    let largest: Vec<Table> = diesel::sql_query(
        "SELECT n.nspname || '.' || c.relname AS name, pg_total_relation_size(c.oid) AS bytes, \
                greatest(c.reltuples, 0)::bigint AS rows \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
           AND n.nspname NOT LIKE 'pg\\_%' \
         ORDER BY 2 DESC LIMIT 8",
    )
    .load(conn)
    .await?;
    let mut health = Health::Ok;
    if sizes.connections * 5 >= sizes.max_connections * 4 {
        findings.push(Finding::ConnectionsNearLimit);
        health = Health::Alert;
    }
    if long.iter().any(|q| q.seconds >= 60.0) {
        findings.push(Finding::LongQueries);
        health = health.max(Health::Warning);
    }
    Ok(DatabaseSection {
        health,
        version: sizes.version,
        size_bytes: sizes.size,
        connections: sizes.connections,
        max_connections: sizes.max_connections,
        long_queries: long
            .into_iter()
            .map(|q| RunningQuery {
                pid: q.pid,
                seconds: q.seconds,
                state: q.state,
                application: q.application,
                query: q.query,
            })
            .collect(),
        largest: largest.into_iter().map(|t| (t.name, t.bytes, t.rows)).collect(),
    })
}

/// The disk a directory is on (the nearest existing parent of one not made yet).
fn disk(purpose: &str, path: &Path, findings: &mut Vec<Finding>) -> Option<DiskSection> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let stats = nix::sys::statvfs::statvfs(existing).ok()?;
    let block = stats.fragment_size() as u64;
    let total = stats.blocks() as u64 * block;
    let free = stats.blocks_available() as u64 * block;
    let health = if total == 0 {
        Health::Ok
    } else if free * 10 < total {
        findings.push(Finding::DiskLow);
        Health::Alert
    } else if free * 5 < total {
        Health::Warning
    } else {
        Health::Ok
    };
    Some(DiskSection {
        health,
        purpose: purpose.to_owned(),
        path: path.display().to_string(),
        total_bytes: total,
        free_bytes: free,
    })
}

async fn jobs(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    findings: &mut Vec<Finding>,
) -> Result<Vec<JobSection>, AppError> {
    type Row = (String, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>, String, i32);
    let rows: Vec<Row> = job_runs::table
        .select((
            job_runs::job,
            job_runs::last_run_at,
            job_runs::last_success_at,
            job_runs::last_failure_at,
            job_runs::last_error,
            job_runs::failures_in_a_row,
        ))
        .load(conn)
        .await?;
    Ok(Job::ALL
        .iter()
        .map(|&job| {
            let row = rows.iter().find(|row| row.0 == job.as_str());
            let Some((_, last_run_at, last_success_at, last_failure_at, last_error, failures)) = row.cloned() else {
                return JobSection {
                    health: Health::Ok,
                    job,
                    last_run_at: None,
                    last_success_at: None,
                    last_failure_at: None,
                    last_error: String::new(),
                    failures_in_a_row: 0,
                };
            };
            let late = now - last_run_at > job.period() * 2 + Duration::minutes(1);
            let health = if failures >= 3 {
                findings.push(Finding::JobFailing);
                Health::Alert
            } else if late {
                findings.push(Finding::JobLate);
                Health::Warning
            } else if failures > 0 {
                Health::Warning
            } else {
                Health::Ok
            };
            JobSection {
                health,
                job,
                last_run_at: Some(last_run_at),
                last_success_at,
                last_failure_at,
                last_error,
                failures_in_a_row: failures,
            }
        })
        .collect())
}

async fn exchange(conn: &mut AsyncPgConnection, findings: &mut Vec<Finding>) -> Result<ExchangeSection, AppError> {
    let counts = crate::exchange::service::counts(conn, None).await?;
    let health = if counts.dead > 0 {
        findings.push(Finding::ExchangeDead);
        Health::Alert
    } else if counts.failing > 0 {
        findings.push(Finding::ExchangeFailing);
        Health::Warning
    } else {
        Health::Ok
    };
    Ok(ExchangeSection { health, waiting: counts.waiting, failing: counts.failing, dead: counts.dead })
}

async fn backups(
    conn: &mut AsyncPgConnection,
    settings: Option<&BackupSettings>,
    now: DateTime<Utc>,
    findings: &mut Vec<Finding>,
) -> Result<BackupSection, AppError> {
    let mut recent = runs(conn, 12).await?;
    // A run without an outcome whose process no longer holds the lock died part-way.
    let running_now = backup::running(conn).await?;
    for run in recent.iter_mut().filter(|run| run.outcome.is_none()) {
        if !running_now {
            run.outcome = Some(RunOutcome::Interrupted);
        }
    }
    let running = recent.iter().find(|run| run.outcome.is_none()).cloned();
    let last_backup = last(conn, RunKind::Backup, false).await?;
    let last_good_backup = last(conn, RunKind::Backup, true).await?;
    let last_drill = last(conn, RunKind::Drill, false).await?;
    let mut section_findings = vec![];
    match settings {
        None => section_findings.push(Finding::BackupsOff),
        Some(settings) => {
            if settings.interval_hours == 0 {
                section_findings.push(Finding::BackupsOff);
            }
            match &last_good_backup {
                None => section_findings.push(Finding::BackupMissing),
                Some(good) => {
                    let allowed = Duration::hours(i64::from(settings.interval_hours.max(24)) * 2);
                    if now - good.started_at > allowed {
                        section_findings.push(Finding::BackupOld);
                    }
                }
            }
        }
    }
    if last_backup.as_ref().is_some_and(|run| run.outcome == Some(RunOutcome::Failed)) {
        section_findings.push(Finding::BackupFailed);
    }
    match &last_drill {
        None => section_findings.push(Finding::DrillMissing),
        Some(drill) if drill.outcome != Some(RunOutcome::Ok) => section_findings.push(Finding::DrillFailed),
        Some(_) => {}
    }
    let health = section_findings.iter().map(|f| f.health()).max().unwrap_or(Health::Ok);
    findings.extend(section_findings);
    let files = match settings {
        Some(settings) => backup::list(&settings.directory).await.unwrap_or_default(),
        None => vec![],
    };
    Ok(BackupSection {
        health,
        policy: settings.map(BackupSettings::policy),
        last_backup: last_good_backup,
        last_drill,
        running,
        recent,
        files,
    })
}

fn cut(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

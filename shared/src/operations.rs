//! Operations (9.2.2, R-backup): what the system administrator's operations page shows —
//! the server, the database, disk space, the background jobs, the data exchange, the backups
//! and restore drills — each with a health that turns red when a person is needed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod backup;
#[cfg(feature = "ssr")]
pub mod service;

crate::code_enum::code_enum! {
    /// The background jobs the server runs.
    pub enum Job in "job" {
        /// Deadline warnings and escalations of events.
        Supervision = "supervision",
        RuntimeRegisters = "runtime_registers",
        ApprovalReminders = "approval_reminders",
        ImportsSweep = "imports_sweep",
        HistoryArchive = "history_archive",
        ExchangeDelivery = "exchange_delivery",
        /// Scheduled backups and restore drills.
        Backups = "backups",
        /// Checkpoints of the audit chain.
        AuditCheckpoint = "audit_checkpoint",
        /// Event state changes appended to the audit log after they commit.
        StepAudit = "step_audit",
        /// Audit records past the retention moved to the archive.
        AuditArchive = "audit_archive",
        /// Rows of the interface call log past its retention deleted.
        CallLogRetention = "call_log_retention",
        /// The readings' monthly partitions made ahead, and those past the retention dropped.
        ReadingsPartitions = "readings_partitions",
        /// The vital-sign indicators computed when due, their alarms judged, old values pruned.
        Indicators = "indicators",
    }
}

crate::code_enum::code_enum! {
    /// How a part of the platform is doing.
    pub enum Health in "health" {
        Ok = "ok",
        /// Worth a look soon.
        Warning = "warning",
        /// Needs a person now.
        Alert = "alert",
    }
}

crate::code_enum::code_enum! {
    /// What needs a person, each said in one line on the operations page.
    pub enum Finding in "finding" {
        ConnectionsNearLimit = "connections_near_limit",
        LongQueries = "long_queries",
        DiskLow = "disk_low",
        JobFailing = "job_failing",
        JobLate = "job_late",
        ExchangeFailing = "exchange_failing",
        ExchangeDead = "exchange_dead",
        BackupsOff = "backups_off",
        BackupMissing = "backup_missing",
        BackupOld = "backup_old",
        BackupFailed = "backup_failed",
        DrillMissing = "drill_missing",
        DrillFailed = "drill_failed",
    }
}

impl Finding {
    /// How much it matters.
    pub fn health(self) -> Health {
        match self {
            Finding::LongQueries | Finding::ExchangeFailing | Finding::JobLate | Finding::DrillMissing => {
                Health::Warning
            }
            _ => Health::Alert,
        }
    }
}

crate::code_enum::code_enum! {
    /// A backup, or a restore drill of one.
    pub enum RunKind in "backup_kind" {
        Backup = "backup",
        Drill = "drill",
    }
}

crate::code_enum::code_enum! {
    /// Who started a run.
    pub enum Trigger in "backup_trigger" {
        Schedule = "schedule",
        Command = "command",
        Page = "page",
    }
}

crate::code_enum::code_enum! {
    /// How a run ended.
    pub enum RunOutcome in "backup_outcome" {
        Ok = "ok",
        Failed = "failed",
        /// Its process died before it finished.
        Interrupted = "interrupted",
    }
}

/// One table of a backup: its rows and checksum at the dump's snapshot and, after a drill,
/// in the restored copy and (for comparison, since the live one keeps changing) live now.
/// No field is ever skipped when serialized: Postcard, the wire format of the server
/// functions and of resources, cannot tell a skipped field from the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableCheck {
    pub table: String,
    pub rows: i64,
    pub checksum: String,
    #[serde(default)]
    pub restored_rows: Option<i64>,
    #[serde(default)]
    pub restored_checksum: Option<String>,
    #[serde(default)]
    pub live_rows: Option<i64>,
}

impl TableCheck {
    /// The restored copy holds exactly what the dump's snapshot held.
    pub fn restored_intact(&self) -> bool {
        self.restored_rows == Some(self.rows) && self.restored_checksum.as_deref() == Some(&self.checksum)
    }
}

/// One backup or drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRun {
    pub id: i64,
    pub kind: RunKind,
    pub trigger: Trigger,
    pub actor_name: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// None while it runs.
    pub outcome: Option<RunOutcome>,
    pub file: String,
    pub bytes: Option<i64>,
    pub sha256: String,
    pub tables: Vec<TableCheck>,
    pub error: String,
}

/// A dump in the backup directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFile {
    pub name: String,
    pub bytes: u64,
    pub modified: DateTime<Utc>,
    /// Its checksum file is there and names it.
    pub has_checksum: bool,
}

/// The backup settings as the page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupPolicy {
    pub directory: String,
    /// Hours between scheduled backups; 0: none are scheduled.
    pub interval_hours: u32,
    /// Hours between scheduled drills; 0: none are scheduled.
    pub drill_interval_hours: u32,
    /// Dumps kept.
    pub keep: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSection {
    pub health: Health,
    /// None: this server has no backup settings (tests).
    pub policy: Option<BackupPolicy>,
    pub last_backup: Option<BackupRun>,
    pub last_drill: Option<BackupRun>,
    pub running: Option<BackupRun>,
    pub recent: Vec<BackupRun>,
    pub files: Vec<BackupFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerSection {
    pub version: String,
    pub started_at: Option<DateTime<Utc>>,
    pub host: String,
}

/// A statement running longer than [`LONG_QUERY_SECONDS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningQuery {
    pub pid: i32,
    pub seconds: f64,
    pub state: String,
    pub application: String,
    /// The statement's text, cut to 300 characters (values are bound, so it holds none).
    pub query: String,
}

/// Statements longer than this are shown (and more than a few make a warning).
pub const LONG_QUERY_SECONDS: f64 = 5.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseSection {
    pub health: Health,
    pub version: String,
    pub size_bytes: i64,
    pub connections: i64,
    pub max_connections: i64,
    pub long_queries: Vec<RunningQuery>,
    /// The largest tables: name, bytes with indexes, estimated rows.
    pub largest: Vec<(String, i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskSection {
    pub health: Health,
    /// Which directory: `data`, `uploads`, `backups`.
    pub purpose: String,
    pub path: String,
    pub total_bytes: u64,
    pub free_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSection {
    pub health: Health,
    pub job: Job,
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub failures_in_a_row: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeSection {
    pub health: Health,
    pub waiting: i64,
    pub failing: i64,
    pub dead: i64,
}

/// Everything the operations page shows, read at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub checked_at: DateTime<Utc>,
    pub health: Health,
    pub findings: Vec<Finding>,
    pub server: ServerSection,
    pub database: DatabaseSection,
    pub disks: Vec<DiskSection>,
    pub jobs: Vec<JobSection>,
    pub exchange: ExchangeSection,
    pub backups: BackupSection,
}

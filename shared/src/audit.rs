//! The tamper-evident audit log: every security-relevant action, kept
//! as a hash chain that the auditor can verify.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// The result of walking the chain from the first record to the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainVerification {
    pub checked: i64,
    /// Checkpoints whose record was found with its hash.
    pub checkpoints: i64,
    /// The first record whose hash does not match its content and predecessor, or the record
    /// a checkpoint names that is gone or changed (the newest records deleted).
    pub broken_at: Option<i64>,
}

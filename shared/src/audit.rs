//! The tamper-evident audit log: every security-relevant action, kept
//! as a chain of HMAC-SM3 values under a key of the server's (`key`) that the auditor can verify.

use serde::{Deserialize, Serialize};

mod action;
#[cfg(feature = "ssr")]
pub mod archive;
#[cfg(feature = "ssr")]
pub mod key;
#[cfg(feature = "ssr")]
pub mod origin;
#[cfg(feature = "ssr")]
pub mod refusal;
#[cfg(feature = "ssr")]
pub mod service;

mod search;

pub use action::{AuditAction, AuditOutcome};
pub use search::{AuditSearch, PARAMS as SEARCH_PARAMS};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_name: String,
    /// The action's code: an [`AuditAction`] (text, so that a record of an action retired
    /// since still lists).
    pub action: String,
    pub target: String,
    pub detail: String,
    /// The client's address ("" for the command line and background work).
    pub ip: String,
}

/// The result of walking the chain from the first record to the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainVerification {
    pub checked: i64,
    /// Of those, the records written before the log was sealed with a key (a plain SHA-256
    /// chain; none on a database that started with the key).
    pub legacy: i64,
    /// The chains the records are in (appends made at once take chains of their own).
    pub chains: i64,
    /// Checkpoints whose record was found with its hash.
    pub checkpoints: i64,
    /// The first record whose hash does not match its content and predecessor, or the record
    /// a checkpoint names that is gone or changed (the newest records deleted).
    pub broken_at: Option<i64>,
}

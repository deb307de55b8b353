//! The exchange with upper-level platforms (clause 6.4, R-6.4; protocol in docs/exchange.md):
//! a county or city platform, or a 12345 hotline, pushes instructions (交办任务, 督办通知,
//! 信息调度, 工单) signed with the secret it shares with the township; each becomes an event of
//! the loop with the sender's deadline (channel 上级交办), once, however often it is sent. Every
//! later step of such an event goes back to the sender through a transactional outbox: the
//! step's own transaction writes the message (a trigger on `event_steps`), a background job
//! delivers it, in order per instruction, until the sender acknowledges it, with exponential
//! back-off and jitter, and after the peer's limit of attempts keeps it as a dead letter an
//! operator may retry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod signature;

crate::code_enum::code_enum! {
    /// What a peer asks the township to do.
    pub enum InstructionKind in "exchange_kind" {
        /// 交办任务
        Task = "task",
        /// 督办通知
        Supervision = "supervision",
        /// 信息调度 (a request for information)
        InformationRequest = "information_request",
        /// 12345 工单 (签收 → 办理 → 答复 → 回访)
        WorkOrder = "work_order",
    }
}

crate::code_enum::code_enum! {
    /// What kind of platform a peer is.
    pub enum PeerKind in "exchange_peer" {
        County = "county",
        City = "city",
        Hotline = "hotline",
    }
}

/// An instruction as a peer sends it (`POST /exchange/v1/instructions`, JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instruction {
    /// The sender's own id: the same id sent again is the same instruction.
    pub instruction_id: String,
    pub kind: InstructionKind,
    pub title: String,
    pub description: String,
    /// The sender's category code, mapped through the peer's table (or one of ours).
    pub category: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub address: String,
    /// The sender's deadline (RFC 3339); without it, the category's.
    #[serde(default)]
    pub deadline: Option<DateTime<Utc>>,
    /// `normal`, `urgent` or `critical`.
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
}

/// The answer to an instruction: the event it is (also for a repeat, marked `duplicate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub instruction_id: String,
    pub event_number: String,
    pub duplicate: bool,
}

/// One step of an instruction's event, as it is sent back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Unique per message: the receiver acknowledges it (`{"ack": message_id}`) and ignores a
    /// message it has already taken.
    pub message_id: i64,
    pub instruction_id: String,
    pub event_number: String,
    /// The step's action (`accept`, `dispatch`, `start`, `handle`, `close` …) and the state
    /// it led to.
    pub action: String,
    pub state: String,
    /// True for the last message of the instruction (closed, rejected or merged).
    #[serde(rename = "final")]
    pub is_final: bool,
    pub at: DateTime<Utc>,
    pub note: String,
}

/// A message of the outbox as operators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub peer: String,
    pub instruction_id: String,
    pub event_number: String,
    pub action: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

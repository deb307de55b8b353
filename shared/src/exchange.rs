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
pub mod peers;
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

crate::code_enum::code_enum! {
    /// Where a 12345 work order stands, as a hotline counts it: 签收 → 办理 → 答复 → 回访.
    /// Sent with every step of a work order's event so the hotline's own flow advances.
    pub enum WorkOrderStage in "exchange_stage" {
        /// 签收: the township took the order (立案).
        Sign = "sign",
        /// 办理: dispatched, worked on, returned, suspended, supervised …
        Handle = "handle",
        /// 答复: the handler's result, for the hotline to answer the caller with.
        Reply = "reply",
        /// 回访: checked and closed, the caller's verdict taken.
        Revisit = "revisit",
        /// 退单: the township refused the order (不予立案) or merged it into another.
        Return = "return",
    }
}

impl WorkOrderStage {
    /// The stage a step of our loop moves a work order to.
    #[cfg(feature = "ssr")]
    pub fn of(action: crate::events::Action) -> Self {
        use crate::events::Action;
        match action {
            Action::Accept => Self::Sign,
            Action::Reject | Action::Merge => Self::Return,
            Action::Handle => Self::Reply,
            Action::Verify | Action::Close | Action::Confirm => Self::Revisit,
            Action::Dispatch
            | Action::Start
            | Action::Return
            | Action::Rework
            | Action::Suspend
            | Action::Resume
            | Action::Reopen
            | Action::Dispute
            | Action::Escalate
            | Action::Supervise => Self::Handle,
        }
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
    /// For a work order only: the hotline's stage this step moved it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<WorkOrderStage>,
}

crate::code_enum::code_enum! {
    /// Where a message of the outbox is.
    pub enum OutboxState in "exchange_state" {
        /// Not yet acknowledged: due now, or waiting out its back-off.
        Pending = "pending",
        /// Acknowledged by the peer: never sent again.
        Delivered = "delivered",
        /// Refused or unanswered as often as the peer allows: waits for an operator's retry,
        /// and its instruction's later messages wait behind it.
        Dead = "dead",
    }
}

crate::code_enum::code_enum! {
    /// The outbox page's tabs.
    pub enum OutboxView in "exchange_view" {
        /// Pending, not yet tried.
        Waiting = "waiting",
        /// Pending after a failed attempt (backing off).
        Failing = "failing",
        Dead = "dead",
        Delivered = "delivered",
        All = "all",
    }
}

impl OutboxView {
    /// The tab a message is in (besides All).
    pub fn of(state: OutboxState, attempts: i32) -> Self {
        match state {
            OutboxState::Pending if attempts == 0 => Self::Waiting,
            OutboxState::Pending => Self::Failing,
            OutboxState::Delivered => Self::Delivered,
            OutboxState::Dead => Self::Dead,
        }
    }
}

/// A message of the outbox as operators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub peer: String,
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// What is (or was) sent: the message as the peer receives it, and as JSON text.
    pub message: Progress,
    pub payload: String,
}

impl OutboxRow {
    pub fn view(&self) -> OutboxView {
        OutboxView::of(self.state, self.attempts)
    }
}

/// A platform the township exchanges with, as operators see it (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerRow {
    /// Stopped peers are listed too: their instructions are refused, their outbox kept.
    pub active: bool,
    pub code: String,
    pub name: String,
    pub kind: PeerKind,
    pub algorithm: String,
    pub endpoint: String,
    pub max_attempts: i32,
    pub instructions: i64,
}

/// The peer form as a browser posts it (`service::PeerForm::parse` checks it): every field
/// as typed. The categories are one mapping a line, `their code = our code`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PeerForm {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub algorithm: String,
    pub endpoint: String,
    pub categories: String,
    pub max_attempts: String,
    /// Empty: keep a known peer's secret, or make one for a new peer (shown once).
    pub secret: String,
}

/// The longest secret a form takes, and the length of one the platform makes (random
/// letters and digits: 256 bits at 43).
pub const SECRET_MAX: usize = 200;
pub const SECRET_MADE: usize = 43;

/// The outbox page: the township's peers, how many messages each tab holds, and the newest
/// messages of the tab shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub peers: Vec<PeerRow>,
    /// Per tab, in the order of [`OutboxView::ALL`].
    pub counts: Vec<(OutboxView, i64)>,
    pub rows: Vec<OutboxRow>,
}

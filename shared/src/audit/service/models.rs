//! The audit log as its service reads and writes it, checked against `schema.rs` at compile time.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::audit_log;

diesel::table! {
    /// The view of the whole log, archived and live (migration 000036), which search and
    /// verification read; appends go to `audit_log`. Declared here because `diesel
    /// print-schema` prints tables only; `id` is unique across both tables.
    audit_log_all (id) {
        id -> Int8,
        township_id -> Int4,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        actor_name -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        ip -> Text,
        prev_hash -> Text,
        hash -> Text,
        chain -> Int2,
    }
}

/// One record with everything its hash covers, as the chain check walks it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log_all, check_for_backend(diesel::pg::Pg))]
pub struct ChainLink {
    pub id: i64,
    pub chain: i16,
    pub township_id: i32,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
    pub prev_hash: String,
    pub hash: String,
}

/// One record as the auditor's list shows it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log_all, check_for_backend(diesel::pg::Pg))]
pub struct Listed {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

impl From<Listed> for crate::audit::AuditRow {
    fn from(Listed { id, at, actor_name, action, target, detail, ip }: Listed) -> Self {
        Self { id, at, actor_name, action, target, detail, ip }
    }
}

/// A record to append.
#[derive(Insertable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct NewRecord<'a> {
    pub chain: i16,
    pub township_id: i32,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

//! Appending to and verifying the audit hash chain.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::{AuditRow, ChainVerification};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::paging::{Page, TableQuery};
use crate::permissions::{DataScope, codes};
use crate::schema::audit_log;

const GENESIS: &str = "genesis";
/// Serialises appends so that each record links to the one before it.
const CHAIN_LOCK: i64 = 0x0074_6761_7564_6974;

#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev_hash: &str,
    township_id: i32,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_name: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev_hash,
        &township_id.to_string(),
        &at.timestamp_micros().to_string(),
        &actor_id.map(|id| id.to_string()).unwrap_or_default(),
        actor_name,
        action,
        target,
        detail,
    ] {
        // Length-prefixed, so that moving text between fields changes the hash.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Appends one record. Runs in its own (nested) transaction holding the chain lock.
pub async fn record(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    actor_id: Option<i64>,
    actor_name: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), AppError> {
    let (actor_name, action, target, detail) =
        (actor_name.to_owned(), action.to_owned(), target.to_owned(), detail.to_owned());
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(CHAIN_LOCK)
            .execute(conn)
            .await?;
        let prev: Option<String> =
            audit_log::table.order(audit_log::id.desc()).select(audit_log::hash).first(conn).await.optional()?;
        let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
        let at = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap_or_default();
        let hash = chain_hash(&prev, township_id, at, actor_id, &actor_name, &action, &target, &detail);
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::township_id.eq(township_id),
                audit_log::at.eq(at),
                audit_log::actor_id.eq(actor_id),
                audit_log::actor_name.eq(&actor_name),
                audit_log::action.eq(&action),
                audit_log::target.eq(&target),
                audit_log::detail.eq(&detail),
                audit_log::prev_hash.eq(&prev),
                audit_log::hash.eq(&hash),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
    .await?;
    Ok(())
}

/// The audit log, newest first, for the auditor only.
pub async fn list(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    query: &TableQuery,
) -> Result<Page<AuditRow>, AppError> {
    if !actor.can(codes::AUDIT_VIEW) {
        return Err(AppError::Forbidden);
    }
    query.validate()?;
    let build = || {
        let mut q = audit_log::table.into_boxed();
        if actor.scope < DataScope::County {
            q = q.filter(audit_log::township_id.eq(actor.township_id));
        }
        if !query.q.trim().is_empty() {
            let pattern = format!("%{}%", query.q.trim());
            q = q.filter(
                audit_log::action
                    .ilike(pattern.clone())
                    .or(audit_log::actor_name.ilike(pattern.clone()))
                    .or(audit_log::target.ilike(pattern)),
            );
        }
        q
    };
    let total: i64 = build().count().get_result(conn).await?;
    let rows: Vec<(i64, DateTime<Utc>, String, String, String, String)> = build()
        .order(audit_log::id.desc())
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_name,
            audit_log::action,
            audit_log::target,
            audit_log::detail,
        ))
        .limit(query.per_page())
        .offset(query.offset())
        .load(conn)
        .await?;
    let rows = rows
        .into_iter()
        .map(|(id, at, actor_name, action, target, detail)| AuditRow { id, at, actor_name, action, target, detail })
        .collect();
    Ok(Page { rows, total, page: query.page(), per_page: query.per_page() })
}

/// Walks the whole chain; any edited, inserted or deleted record breaks it.
pub async fn verify(conn: &mut AsyncPgConnection, actor: &SessionUser) -> Result<ChainVerification, AppError> {
    if !actor.can(codes::AUDIT_VIEW) {
        return Err(AppError::Forbidden);
    }
    verify_chain(conn).await
}

pub async fn verify_chain(conn: &mut AsyncPgConnection) -> Result<ChainVerification, AppError> {
    let rows: Vec<(i64, i32, DateTime<Utc>, Option<i64>, String, String, String, String, String, String)> =
        audit_log::table
            .order(audit_log::id.asc())
            .select((
                audit_log::id,
                audit_log::township_id,
                audit_log::at,
                audit_log::actor_id,
                audit_log::actor_name,
                audit_log::action,
                audit_log::target,
                audit_log::detail,
                audit_log::prev_hash,
                audit_log::hash,
            ))
            .load(conn)
            .await?;
    let mut expected_prev = GENESIS.to_owned();
    for (index, (id, township_id, at, actor_id, actor_name, action, target, detail, prev_hash, hash)) in
        rows.iter().enumerate()
    {
        let recomputed = chain_hash(&expected_prev, *township_id, *at, *actor_id, actor_name, action, target, detail);
        if *prev_hash != expected_prev || *hash != recomputed {
            return Ok(ChainVerification { checked: index as i64, broken_at: Some(*id) });
        }
        expected_prev = hash.clone();
    }
    Ok(ChainVerification { checked: rows.len() as i64, broken_at: None })
}

//! Appending to and verifying the audit hash chain.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use self::models::{ChainLink, Listed, NewRecord, audit_log_all};
use super::key::{self, AuditKey};
use super::{AuditAction, AuditRow, AuditSearch, ChainVerification};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::paging::{Page, TableQuery};
use crate::permissions::{DataScope, codes};
use crate::schema::{audit_log, audit_seal};
use crate::sql::contains;
use crate::time;

mod models;

const GENESIS: &str = "genesis";
/// The chains an append may take (migration 000032): one per append that can hold a lock at
/// once, more than the connections that audit together under load.
pub const CHAINS: i16 = 16;
/// The advisory lock class of the chains' locks; the chain's number is the second key. A
/// transaction holds its chain's lock from its append to its commit, so each record links to
/// the one committed before it in its chain.
const CHAIN_LOCK_CLASS: i32 = 0x6175_6474;
/// Serialises sealing the log with its key (once, the first time).
const SEAL_LOCK: i64 = 0x0074_6761_7564_6974;

/// What a record's hash covers, besides the hash of the record before it.
struct Content<'a> {
    chain: i16,
    township_id: i32,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_name: &'a str,
    action: &'a str,
    target: &'a str,
    detail: &'a str,
    ip: &'a str,
}

/// How a record's chain value is made.
#[derive(Clone, Copy)]
enum Sealing<'k> {
    /// A plain SHA-256: the records written before the log was sealed with a key.
    Legacy,
    /// An HMAC-SM3 under the audit key.
    Keyed(&'k AuditKey),
}

impl<'a> Content<'a> {
    fn chain_value(&self, prev_hash: &str, sealing: Sealing) -> String {
        let township = self.township_id.to_string();
        let at = self.at.timestamp_micros().to_string();
        let actor = self.actor_id.map(|id| id.to_string()).unwrap_or_default();
        let mut parts: Vec<&[u8]> =
            [prev_hash, &township, &at, &actor, self.actor_name, self.action, self.target, self.detail]
                .map(str::as_bytes)
                .to_vec();
        // The address joined the records later (the column was there, empty): in a legacy
        // record an empty one adds nothing, so that the records written before still verify.
        if matches!(sealing, Sealing::Keyed(_)) || !self.ip.is_empty() {
            parts.push(self.ip.as_bytes());
        }
        // The chain joined later still: chain 0, where every earlier record is, adds nothing.
        let chain = self.chain.to_string();
        if self.chain != 0 {
            parts.push(chain.as_bytes());
        }
        let message = key::framed(&parts);
        match sealing {
            Sealing::Keyed(key) => key.seal(&message),
            Sealing::Legacy => hex::encode(Sha256::digest(&message)),
        }
    }

    /// The row to append: this content linked to its predecessor.
    fn record(self, prev_hash: &'a str, hash: &'a str) -> NewRecord<'a> {
        let Content { chain, township_id, at, actor_id, actor_name, action, target, detail, ip } = self;
        NewRecord { chain, township_id, at, actor_id, actor_name, action, target, detail, ip, prev_hash, hash }
    }
}

impl ChainLink {
    fn content(&self) -> Content<'_> {
        Content {
            chain: self.chain,
            township_id: self.township_id,
            at: self.at,
            actor_id: self.actor_id,
            actor_name: &self.actor_name,
            action: &self.action,
            target: &self.target,
            detail: &self.detail,
            ip: &self.ip,
        }
    }
}

/// Appends one record, sealed with the process's key, with the address of the request being
/// served (`origin`). Runs in its own (nested) transaction holding the chain lock.
pub async fn record(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    actor_id: Option<i64>,
    actor_name: &str,
    action: AuditAction,
    target: &str,
    detail: &str,
) -> Result<(), AppError> {
    record_many(conn, township_id, actor_id, actor_name, action, &[target.to_owned()], detail).await
}

/// Audit rows per statement when appending many (11 bound values each).
const APPEND_CHUNK: usize = 1_000;

/// Appends one record per target, in order, linked one to the next in one chain: one lock
/// and one read of the chain's end for all of them (a register import audits each of its
/// records without a lock and a query per record).
pub async fn record_many(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    actor_id: Option<i64>,
    actor_name: &str,
    action: AuditAction,
    targets: &[String],
    detail: &str,
) -> Result<(), AppError> {
    let ip = super::origin::current();
    let at = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap_or_default();
    let entries: Vec<Entry> = targets
        .iter()
        .map(|target| Entry { township_id, at, actor_id, actor_name, action, target, detail, ip: &ip })
        .collect();
    append(conn, &entries).await
}

/// A record to append, with its own time and address: one that happened in a transaction
/// before (an event's step, audited after it commits) keeps when and from where.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub township_id: i32,
    /// To the microsecond, as the database keeps it (the chain value covers it).
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: AuditAction,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

impl<'a> Entry<'a> {
    fn content(&self, chain: i16) -> Content<'a> {
        let Entry { township_id, at, actor_id, actor_name, action, target, detail, ip } = *self;
        Content { chain, township_id, at, actor_id, actor_name, action: action.as_str(), target, detail, ip }
    }
}

/// Appends `entries`, in order, linked one to the next in one chain, sealed with the
/// process's key: one lock and one read of the chain's end for all of them.
pub async fn append(conn: &mut AsyncPgConnection, entries: &[Entry<'_>]) -> Result<(), AppError> {
    if entries.is_empty() {
        return Ok(());
    }
    let key = key::installed().ok_or(SealError::NoKey)?;
    let append = async |conn: &mut AsyncPgConnection| -> Result<(), AppError> {
        let chain = take_chain(conn, key).await?;
        let prev: Option<String> = audit_log::table
            .filter(audit_log::chain.eq(chain))
            .order(audit_log::id.desc())
            .select(audit_log::hash)
            .first(conn)
            .await
            .optional()?;
        let mut prev = prev.unwrap_or_else(|| GENESIS.to_owned());
        // (prev_hash, hash) of each entry, in order.
        let mut links = Vec::with_capacity(entries.len());
        for entry in entries {
            let hash = entry.content(chain).chain_value(&prev, Sealing::Keyed(key));
            links.push((std::mem::replace(&mut prev, hash.clone()), hash));
        }
        for (entries, links) in entries.chunks(APPEND_CHUNK).zip(links.chunks(APPEND_CHUNK)) {
            let rows: Vec<NewRecord> = entries
                .iter()
                .zip(links)
                .map(|(entry, (prev_hash, hash))| entry.content(chain).record(prev_hash, hash))
                .collect();
            diesel::insert_into(audit_log::table).values(rows).execute(conn).await?;
        }
        Ok(())
    };
    // The chain's lock lasts until the transaction ends: the caller's, when there is one (no
    // savepoint, two statements fewer), or one of its own.
    if in_transaction(conn) { append(conn).await } else { conn.transaction::<_, AppError, _>(append).await }
}

fn in_transaction(conn: &mut AsyncPgConnection) -> bool {
    use diesel_async::{AnsiTransactionManager, TransactionManager};
    matches!(AnsiTransactionManager::transaction_manager_status_mut(conn).transaction_depth(), Ok(Some(_)))
}

/// Checks the log's seal against `key` (sealing it if nothing is sealed yet: every record
/// from here on is past the seal's boundary, ids only growing), takes a chain's lock for the
/// rest of this transaction and returns the chain; one statement when the log is sealed.
///
/// The chain is the first that is free, from chain 0 on, so that a quiet log stays one chain
/// and concurrent appends spread instead of queueing. It waits only when every chain is
/// taken, and then for chain 0: this transaction holds none then (one it held would have been
/// free to it, the locks being re-entrant), so two appenders never wait for each other's chain.
async fn take_chain(conn: &mut AsyncPgConnection, key: &AuditKey) -> Result<i16, SealError> {
    use diesel::sql_types::{BigInt, Integer, Nullable, SmallInt, Text};
    #[derive(diesel::QueryableByName)]
    struct Taken {
        #[diesel(sql_type = Nullable<BigInt>)]
        sealed_from: Option<i64>,
        #[diesel(sql_type = Nullable<Text>)]
        key_check: Option<String>,
        #[diesel(sql_type = Nullable<SmallInt>)]
        chain: Option<i16>,
    }
    // The filter runs row by row under the limit: it takes one lock, the first it can.
    let taken: Taken = diesel::sql_query(
        "SELECT (SELECT sealed_from FROM audit_seal) AS sealed_from, (SELECT key_check FROM audit_seal) AS key_check, \
                (SELECT chain::int2 FROM generate_series(0, $2 - 1) AS chain \
                 WHERE pg_try_advisory_xact_lock($1, chain) LIMIT 1) AS chain",
    )
    .bind::<Integer, _>(CHAIN_LOCK_CLASS)
    .bind::<Integer, _>(i32::from(CHAINS))
    .get_result(conn)
    .await?;
    match (taken.sealed_from, taken.key_check) {
        (Some(from), Some(check)) if check == key_check(key, from) => {}
        (Some(sealed_from), _) => return Err(SealError::WrongKey { sealed_from }),
        _ => {
            sealed_from(conn, key).await?;
        }
    }
    if let Some(chain) = taken.chain {
        return Ok(chain);
    }
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, 0)").bind::<Integer, _>(CHAIN_LOCK_CLASS).execute(conn).await?;
    Ok(0)
}

/// Why the log cannot be sealed with, appended to or checked against the process's key.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("no audit key is installed in this process")]
    NoKey,
    #[error(
        "the audit key (TONGGUAN_AUDIT_KEY or the key file) is not the key this database's audit log was sealed with \
         (from record {sealed_from} on)"
    )]
    WrongKey { sealed_from: i64 },
    #[error("{0}")]
    Database(#[from] AppError),
}

impl From<diesel::result::Error> for SealError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Database(error.into())
    }
}

impl From<SealError> for AppError {
    fn from(error: SealError) -> Self {
        match error {
            SealError::Database(error) => error,
            other => {
                tracing::error!(error = %other, "audit log");
                AppError::Internal
            }
        }
    }
}

/// The seal's check value: an HMAC of the first sealed record's number under the key, which
/// proves both the key and where the keyed records begin.
fn key_check(key: &AuditKey, sealed_from: i64) -> String {
    key.seal(&key::framed(&[b"tongguan audit seal", &sealed_from.to_be_bytes()]))
}

/// The first record sealed with `key`, if the log is sealed yet; a seal that `key` did not
/// make (another key, or a boundary moved) is `WrongKey`.
async fn read_seal(conn: &mut AsyncPgConnection, key: &AuditKey) -> Result<Option<i64>, SealError> {
    let seal: Option<(i64, String)> =
        audit_seal::table.select((audit_seal::sealed_from, audit_seal::key_check)).first(conn).await.optional()?;
    match seal {
        None => Ok(None),
        Some((from, check)) if check == key_check(key, from) => Ok(Some(from)),
        Some((sealed_from, _)) => Err(SealError::WrongKey { sealed_from }),
    }
}

/// The first record sealed with `key`; seals the log from its next record on if nothing is
/// sealed yet (under the seal's lock, looking again once it holds it: another append may
/// have sealed it meanwhile).
async fn sealed_from(conn: &mut AsyncPgConnection, key: &AuditKey) -> Result<i64, SealError> {
    if let Some(from) = read_seal(conn, key).await? {
        return Ok(from);
    }
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(SEAL_LOCK)
        .execute(conn)
        .await?;
    match read_seal(conn, key).await? {
        Some(from) => Ok(from),
        None => {
            let last: Option<i64> = audit_log::table.select(diesel::dsl::max(audit_log::id)).first(conn).await?;
            let from = last.unwrap_or(0) + 1;
            diesel::insert_into(audit_seal::table)
                .values((audit_seal::sealed_from.eq(from), audit_seal::key_check.eq(key_check(key, from))))
                .execute(conn)
                .await?;
            Ok(from)
        }
    }
}

/// Seals the log with the process's key, or checks that it is the key the log was sealed
/// with: at start-up, so that a server with the wrong key stops with a message instead of
/// failing at its first audited action.
pub async fn seal(conn: &mut AsyncPgConnection) -> Result<i64, SealError> {
    let key = key::installed().ok_or(SealError::NoKey)?;
    conn.transaction::<_, SealError, _>(async |conn| sealed_from(conn, key).await).await
}

/// The audit log, newest first, for the auditor only, as `search` narrows it.
pub async fn list(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    search: &AuditSearch,
) -> Result<Page<AuditRow>, AppError> {
    if !actor.can(codes::AUDIT_VIEW) {
        return Err(AppError::Forbidden);
    }
    search.validate()?;
    let paging = TableQuery { page: search.page, ..TableQuery::default() };
    let total: i64 = searched(actor, search).count().get_result(conn).await?;
    let rows: Vec<Listed> = searched(actor, search)
        .order(audit_log_all::id.desc())
        .select(Listed::as_select())
        .limit(paging.per_page())
        .offset(paging.offset())
        .load(conn)
        .await?;
    // The auditor's own reads are audited too (GB/T 22239 8.1.5.2 a).
    record(
        conn,
        actor.township_id,
        Some(actor.id),
        &actor.display_name,
        AuditAction::ReadAudit,
        "audit_log",
        &search.describe(),
    )
    .await?;
    let rows = rows.into_iter().map(AuditRow::from).collect();
    Ok(Page { rows, total, page: paging.page(), per_page: paging.per_page() })
}

/// The records of the actor's township (every township's for a county auditor) that
/// `search` finds, in no order yet.
fn searched<'a>(actor: &SessionUser, search: &'a AuditSearch) -> audit_log_all::BoxedQuery<'a, diesel::pg::Pg> {
    let mut q = audit_log_all::table.into_boxed();
    if actor.scope < DataScope::County {
        q = q.filter(audit_log_all::township_id.eq(actor.township_id));
    }
    if !search.actor.is_empty() {
        q = q.filter(audit_log_all::actor_name.ilike(contains(&search.actor)));
    }
    if let Some(action) = search.action {
        q = q.filter(audit_log_all::action.eq(action.as_str()));
    }
    if !search.target.is_empty() {
        q = q.filter(audit_log_all::target.ilike(contains(&search.target)));
    }
    if let Some(outcome) = search.outcome {
        q = q.filter(audit_log_all::action.eq_any(outcome.actions().map(AuditAction::as_str).collect::<Vec<_>>()));
    }
    if let Some(from) = search.from {
        q = q.filter(audit_log_all::at.ge(time::start_of_day(from)));
    }
    if let Some(next) = search.to.and_then(|to| to.succ_opt()) {
        q = q.filter(audit_log_all::at.lt(time::start_of_day(next)));
    }
    q
}

/// The most records one export of the log carries. A search that finds more is refused, not
/// cut: an auditor's file must hold all that it claims to.
pub const EXPORT_LIMIT: i64 = 100_000;

/// One record as exported: with its number and chain value, so that the file can be checked
/// against the log later.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedRecord {
    pub row: AuditRow,
    pub hash: String,
}

/// The records `search` finds, oldest first, for the auditor's file; the export itself is
/// recorded by the caller once the file is under way (`data.export`).
pub async fn export(
    conn: &mut AsyncPgConnection,
    actor: &SessionUser,
    search: &AuditSearch,
) -> Result<Vec<ExportedRecord>, AppError> {
    if !actor.can(codes::AUDIT_VIEW) {
        return Err(AppError::Forbidden);
    }
    search.validate()?;
    let found: i64 = searched(actor, search).count().get_result(conn).await?;
    if found > EXPORT_LIMIT {
        return Err(AppError::field("export", crate::error::ErrorCode::ExportTooManyRows));
    }
    let rows: Vec<(Listed, String)> = searched(actor, search)
        .order(audit_log_all::id.asc())
        .select((Listed::as_select(), audit_log_all::hash))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|(listed, hash)| ExportedRecord { row: listed.into(), hash }).collect())
}

/// Walks the whole chain; any edited, inserted or deleted record breaks it.
pub async fn verify(conn: &mut AsyncPgConnection, actor: &SessionUser) -> Result<ChainVerification, AppError> {
    if !actor.can(codes::AUDIT_VIEW) {
        return Err(AppError::Forbidden);
    }
    let verified = verify_chain(conn).await?;
    let outcome = match verified.broken_at {
        None => format!(
            "intact: {} records in {} chain{}, {} checkpoints",
            verified.checked,
            verified.chains,
            if verified.chains == 1 { "" } else { "s" },
            verified.checkpoints
        ),
        Some(id) => format!("broken at record {id}"),
    };
    record(
        conn,
        actor.township_id,
        Some(actor.id),
        &actor.display_name,
        AuditAction::VerifyAudit,
        "audit_log",
        &outcome,
    )
    .await?;
    Ok(verified)
}

/// Records read per query when walking the chain: memory stays bounded however long it is.
const VERIFY_BATCH: i64 = 5_000;

/// Walks every chain in one pass over the records in batches; any edited, inserted or deleted
/// record, or one moved to another chain, breaks its chain, and a checkpoint whose record is
/// gone or changed catches the newest records of a chain deleted.
pub async fn verify_chain(conn: &mut AsyncPgConnection) -> Result<ChainVerification, AppError> {
    let key = key::installed().ok_or(SealError::NoKey)?;
    // Without a seal every record is a legacy one: a keyed record then fails, so removing the
    // seal to pass the chain off as unkeyed is caught too.
    let sealed_from = match read_seal(conn, key).await {
        Ok(seal) => seal.unwrap_or(i64::MAX),
        Err(SealError::WrongKey { sealed_from }) => {
            return Ok(ChainVerification {
                checked: 0,
                legacy: 0,
                chains: 0,
                checkpoints: 0,
                broken_at: Some(sealed_from),
            });
        }
        Err(other) => return Err(other.into()),
    };
    let mut checked = 0;
    let mut legacy = 0;
    // The newest chain value seen in each chain.
    let mut ends: std::collections::BTreeMap<i16, String> = std::collections::BTreeMap::new();
    let mut after = 0i64;
    loop {
        let rows: Vec<ChainLink> = audit_log_all::table
            .filter(audit_log_all::id.gt(after))
            .order(audit_log_all::id.asc())
            .limit(VERIFY_BATCH)
            .select(ChainLink::as_select())
            .load(conn)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for link in rows {
            let sealing = if link.id >= sealed_from { Sealing::Keyed(key) } else { Sealing::Legacy };
            let expected_prev = ends.get(&link.chain).map_or(GENESIS, String::as_str);
            if link.prev_hash != expected_prev || link.hash != link.content().chain_value(expected_prev, sealing) {
                let chains = ends.len() as i64;
                return Ok(ChainVerification { checked, legacy, chains, checkpoints: 0, broken_at: Some(link.id) });
            }
            if matches!(sealing, Sealing::Legacy) {
                legacy += 1;
            }
            ends.insert(link.chain, link.hash);
            checked += 1;
        }
    }
    #[derive(diesel::QueryableByName)]
    struct Checkpoints {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        held: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        first_missing: Option<i64>,
    }
    let found: Checkpoints = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE a.hash = c.last_hash) AS held, \
                min(c.last_id) FILTER (WHERE a.hash IS DISTINCT FROM c.last_hash) AS first_missing \
         FROM audit_checkpoints c LEFT JOIN audit_log_all a ON a.id = c.last_id",
    )
    .get_result(conn)
    .await?;
    Ok(ChainVerification {
        checked,
        legacy,
        chains: ends.len() as i64,
        checkpoints: found.held,
        broken_at: found.first_missing,
    })
}

/// Writes a checkpoint of each chain's newest record, unless it has one already; whether it
/// wrote any.
pub async fn checkpoint(conn: &mut AsyncPgConnection) -> Result<bool, AppError> {
    // Every chain up to the highest in use, each end found by the (chain, id) index.
    let written = diesel::sql_query(
        "INSERT INTO audit_checkpoints (last_id, last_hash) \
         SELECT newest.id, newest.hash \
         FROM generate_series(0, (SELECT coalesce(max(chain), 0) FROM audit_log)) AS chain \
         CROSS JOIN LATERAL (SELECT id, hash FROM audit_log a WHERE a.chain = chain.chain ORDER BY id DESC LIMIT 1) newest \
         ON CONFLICT (last_id) DO NOTHING",
    )
    .execute(conn)
    .await?;
    Ok(written > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records written before the key keep verifying: the legacy chain value is the SHA-256 of
    /// the same framing as ever (values worked out apart from this code).
    #[test]
    fn the_legacy_chain_value_is_unchanged() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_000_000).expect("a time");
        let content = |ip| Content {
            chain: 0,
            township_id: 1,
            at,
            actor_id: Some(7),
            actor_name: "沈晓燕",
            action: "auth.login",
            target: "staff",
            detail: "",
            ip,
        };
        assert_eq!(
            content("").chain_value(GENESIS, Sealing::Legacy),
            "b2dc1fbfd3d389eb10fe364f6da16448e3c1702e41053aba9ef45c62f75ce3e1"
        );
        assert_eq!(
            content("203.0.113.7").chain_value(GENESIS, Sealing::Legacy),
            "1a9ca983d5b87c3b15d9a3fd0768168b017f1a374d85b64147ac626a41b4287c"
        );
        let key = AuditKey::from_hex(&"ab".repeat(32)).expect("a key");
        let keyed = content("").chain_value(GENESIS, Sealing::Keyed(&key));
        assert_ne!(keyed, content("").chain_value(GENESIS, Sealing::Legacy));
        assert_eq!(keyed.len(), 64, "an SM3 value in hex");
    }
}

//! Issuing, listing, revoking and checking API keys, and the log of calls: the only code
//! that reads or writes `api_keys` and `api_calls`.

use chrono::{DateTime, Duration, Utc};
use diesel::OptionalExtension;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::{ApiCallRow, ApiKeyRow, ApiScope, IssuedKey, NewApiKey};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::engine::service::Translate;
use crate::error::{AppError, ErrorCode};
use crate::permissions::codes;

/// Keys start so: a secret scanner (or a person) recognises one pasted where it should not be.
pub const KEY_START: &str = "tgk_";
/// Random letters of the prefix (40 bits: unique among a township's keys by a wide margin;
/// a clash is refused by the unique index and another is drawn).
const PREFIX_LEN: usize = 8;
/// Random letters of the secret (160 bits).
const SECRET_LEN: usize = 32;
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

fn random_text(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::fill(&mut bytes[..]);
    // 31 letters: the modulo bias (256 = 8·31 + 8) is far below anything guessable.
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// `tgk_<prefix>_<secret>` → the prefix (with its start), if the key has that shape.
fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(KEY_START)?;
    let (prefix, secret) = rest.split_once('_')?;
    let ok = |part: &str, len| part.len() == len && part.bytes().all(|b| ALPHABET.contains(&b));
    (ok(prefix, PREFIX_LEN) && ok(secret, SECRET_LEN)).then(|| &key[..KEY_START.len() + PREFIX_LEN])
}

/// Issues a key for the administrator's township. The key is in the answer only.
pub async fn issue(conn: &mut AsyncPgConnection, user: &SessionUser, form: &NewApiKey) -> Result<IssuedKey, AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    issue_for(conn, user.township_id, Some((user.id, &user.display_name)), form).await
}

/// Issues a key for a township, by an administrator or (`None`) from the command line.
pub async fn issue_for(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    issuer: Option<(i64, &str)>,
    form: &NewApiKey,
) -> Result<IssuedKey, AppError> {
    form.validate(crate::time::today())?;
    let prefix = format!("{KEY_START}{}", random_text(PREFIX_LEN));
    let key = format!("{prefix}_{}", random_text(SECRET_LEN));
    // The end of the last day, on the township's calendar.
    let expires_at = form.expires_on.map(|day| crate::time::start_of_day(day + Duration::days(1)));
    let scopes: Vec<&str> = form.scopes.iter().map(|s| s.as_str()).collect();
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    // A village of another township (or none such) inserts nothing: refused, not stored.
    let issued: Option<Id> = diesel::sql_query(
        "INSERT INTO api_keys \
             (township_id, name, prefix, secret_hash, scopes, per_minute, expires_at, created_by, village_id, datasets) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
         WHERE $9::integer IS NULL OR EXISTS (SELECT 1 FROM villages WHERE id = $9 AND township_id = $1) \
         RETURNING id",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Text, _>(form.name.trim())
    .bind::<Text, _>(&prefix)
    .bind::<Text, _>(hash(&key))
    .bind::<Array<Text>, _>(&scopes)
    .bind::<Integer, _>(form.per_minute)
    .bind::<Nullable<Timestamptz>, _>(expires_at)
    .bind::<Nullable<BigInt>, _>(issuer.map(|(id, _)| id))
    .bind::<Nullable<Integer>, _>(form.village_id)
    .bind::<Array<Text>, _>(&form.datasets)
    .get_result(conn)
    .await
    .optional()?;
    let issued = issued.ok_or_else(|| AppError::field("village", ErrorCode::ApiKeyVillageUnknown))?;
    let (actor_id, actor_name) = issuer.map_or((None, "命令行"), |(id, name)| (Some(id), name));
    let mut detail = format!("{} · {}", form.name.trim(), scopes.join(","));
    if !form.datasets.is_empty() {
        detail = format!("{detail} · {}", form.datasets.join(","));
    }
    if let Some(village) = form.village_id {
        detail = format!("{detail} · village {village}");
    }
    audit::record(conn, township_id, actor_id, actor_name, AuditAction::IssueApiKey, &prefix, &detail).await?;
    Ok(IssuedKey { id: issued.id, key })
}

/// The villages and the conditionally shared registers (有条件共享; child tables are shared
/// with their parent, and openly shared registers need no grant) of the issue form.
pub async fn choices(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    translate: Translate<'_>,
) -> Result<super::ApiKeyChoices, AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let villages = crate::basedata::service::villages_of_township(conn, user.township_id).await?;
    let datasets = crate::modules::registers()
        .filter(|register| {
            register.parent.is_none() && register.sharing == crate::engine::declare::Sharing::Conditional
        })
        .map(|register| (register.key(), dataset_title(&register.key(), translate)))
        .collect();
    Ok(super::ApiKeyChoices { villages, datasets })
}

/// A register's title as the key form and list show it, `module · register`; a key that is
/// no register (one retired since it was granted) as it is.
fn dataset_title(key: &str, translate: Translate<'_>) -> String {
    let Some(register) = key.split_once('.').and_then(|(module, name)| crate::modules::register(module, name)) else {
        return key.to_owned();
    };
    let title = crate::engine::service::runtime::titles(register)
        .map_or_else(|| translate(&register.title_key()), |title| title.zh);
    format!("{} · {title}", translate(&register.module_key()))
}

/// Which key to revoke.
#[derive(Debug, Clone, Copy)]
pub enum KeyRef<'a> {
    Id(i64),
    /// Its public start, `tgk_XXXXXXXX`, as lists and logs show it.
    Prefix(&'a str),
}

/// Revokes a key of the administrator's township, at once: its next call is refused.
pub async fn revoke(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<(), AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    revoke_in(conn, user.township_id, Some((user.id, &user.display_name)), KeyRef::Id(id)).await.map(|_| ())
}

/// Revokes a live key of a township, by an administrator or (`None`) from the command line;
/// returns its prefix. `NotFound` for no such live key.
pub async fn revoke_in(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    revoker: Option<(i64, &str)>,
    key: KeyRef<'_>,
) -> Result<String, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Prefix {
        #[diesel(sql_type = Text)]
        prefix: String,
    }
    let (id, prefix) = match key {
        KeyRef::Id(id) => (Some(id), None),
        KeyRef::Prefix(prefix) => (None, Some(prefix)),
    };
    let revoked: Option<Prefix> = diesel::sql_query(
        "UPDATE api_keys SET revoked_at = now() \
         WHERE township_id = $1 AND revoked_at IS NULL AND (id = $2 OR prefix = $3) RETURNING prefix",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Nullable<BigInt>, _>(id)
    .bind::<Nullable<Text>, _>(prefix)
    .get_result(conn)
    .await
    .optional()?;
    let revoked = revoked.ok_or(AppError::NotFound)?;
    let (actor_id, actor_name) = revoker.map_or((None, "命令行"), |(id, name)| (Some(id), name));
    audit::record(conn, township_id, actor_id, actor_name, AuditAction::RevokeApiKey, &revoked.prefix, "").await?;
    Ok(revoked.prefix)
}

#[derive(diesel::QueryableByName)]
struct KeyRaw {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    prefix: String,
    #[diesel(sql_type = Array<Text>)]
    scopes: Vec<String>,
    #[diesel(sql_type = Nullable<Text>)]
    village: Option<String>,
    #[diesel(sql_type = Array<Text>)]
    datasets: Vec<String>,
    #[diesel(sql_type = Integer)]
    per_minute: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    expires_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    revoked_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    created_by: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_used_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    calls: i64,
}

fn scopes(codes: &[String]) -> Vec<ApiScope> {
    codes.iter().filter_map(|c| ApiScope::parse(c)).collect()
}

/// The administrator's township's keys, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    translate: Translate<'_>,
) -> Result<Vec<ApiKeyRow>, AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    list_in(conn, user.township_id, translate).await
}

/// A township's keys, newest first.
pub async fn list_in(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    translate: Translate<'_>,
) -> Result<Vec<ApiKeyRow>, AppError> {
    let rows: Vec<KeyRaw> = diesel::sql_query(
        "SELECT k.id, k.name, k.prefix, k.scopes, v.name AS village, k.datasets, k.per_minute, k.expires_at, \
                k.revoked_at, k.created_at, u.display_name AS created_by, k.last_used_at, \
                (SELECT count(*) FROM api_calls c WHERE c.api_key_id = k.id AND c.at > now() - interval '30 days') \
                    AS calls \
         FROM api_keys k LEFT JOIN users u ON u.id = k.created_by LEFT JOIN villages v ON v.id = k.village_id \
         WHERE k.township_id = $1 ORDER BY k.created_at DESC, k.id DESC",
    )
    .bind::<Integer, _>(township_id)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiKeyRow {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: scopes(&r.scopes),
            village: r.village,
            datasets: r
                .datasets
                .into_iter()
                .map(|key| {
                    let title = dataset_title(&key, translate);
                    (key, title)
                })
                .collect(),
            per_minute: r.per_minute,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            created_at: r.created_at,
            created_by: r.created_by,
            last_used_at: r.last_used_at,
            calls: r.calls,
        })
        .collect())
}

/// A caller proven by its key.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiClient {
    pub key_id: i64,
    pub prefix: String,
    pub name: String,
    pub township_id: i32,
    pub scopes: Vec<ApiScope>,
    pub per_minute: i32,
    /// The one village it reads, if it is limited to one.
    pub village_id: Option<i32>,
    /// The conditionally shared registers it is granted.
    pub datasets: Vec<String>,
}

impl ApiClient {
    pub fn may(&self, scope: ApiScope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// The live key behind `key`, or `ApiKeyInvalid` for an unknown, wrong, revoked or expired
/// one alike (the answer never tells which part was wrong). Read from the database at every
/// call, so a revocation takes effect at once.
pub async fn authenticate(conn: &mut AsyncPgConnection, key: &str) -> Result<ApiClient, AppError> {
    let invalid = || AppError::field("api_key", ErrorCode::ApiKeyInvalid);
    let prefix = prefix_of(key.trim()).ok_or_else(invalid)?;
    #[derive(diesel::QueryableByName)]
    struct Live {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        secret_hash: String,
        #[diesel(sql_type = Integer)]
        township_id: i32,
        #[diesel(sql_type = Array<Text>)]
        scopes: Vec<String>,
        #[diesel(sql_type = Integer)]
        per_minute: i32,
        #[diesel(sql_type = Nullable<Integer>)]
        village_id: Option<i32>,
        #[diesel(sql_type = Array<Text>)]
        datasets: Vec<String>,
    }
    let live: Live = diesel::sql_query(
        "UPDATE api_keys SET last_used_at = now() \
         WHERE prefix = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) \
         RETURNING id, name, secret_hash, township_id, scopes, per_minute, village_id, datasets",
    )
    .bind::<Text, _>(prefix)
    .get_result(conn)
    .await
    .optional()?
    .ok_or_else(invalid)?;
    // Compared as hashes of equal length: no early exit tells how much of a guess was right.
    let given = hash(key.trim());
    let same = given.len() == live.secret_hash.len()
        && given.bytes().zip(live.secret_hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !same {
        return Err(invalid());
    }
    Ok(ApiClient {
        key_id: live.id,
        prefix: prefix.to_owned(),
        name: live.name,
        township_id: live.township_id,
        scopes: scopes(&live.scopes),
        per_minute: live.per_minute,
        village_id: live.village_id,
        datasets: live.datasets,
    })
}

/// One call to log.
#[derive(Debug, Clone)]
pub struct ApiCall<'a> {
    /// The key the call proved, if any.
    pub client: Option<&'a ApiClient>,
    pub api: super::Api,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub rows: usize,
    pub address: &'a str,
    pub millis: u128,
}

/// Appends a call to the log; a data-sharing call made with a key goes on the audit log as
/// well (R-9.3.1: data-sharing access is security-relevant), in the same transaction, under
/// the key's name, township and the caller's address. Open311's calls are reports of
/// citizens' matters, which the event loop records.
pub async fn log_call(conn: &mut AsyncPgConnection, call: &ApiCall<'_>) -> Result<(), AppError> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, AppError, _>(async |conn| {
        insert_call(conn, call).await?;
        match call.client {
            Some(client) if call.api == super::Api::Data => audit_data_call(conn, client, call).await,
            _ => Ok(()),
        }
    })
    .await
}

async fn audit_data_call(conn: &mut AsyncPgConnection, client: &ApiClient, call: &ApiCall<'_>) -> Result<(), AppError> {
    let path: String = call.path.chars().take(300).collect();
    let detail = format!("status={} rows={}", call.status, call.rows);
    let at = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap_or_default();
    let entry = audit::Entry {
        township_id: client.township_id,
        at,
        actor_id: None,
        actor_name: &client.name,
        action: AuditAction::ShareData,
        target: &path,
        detail: &detail,
        ip: call.address,
    };
    audit::append(conn, &[entry]).await
}

async fn insert_call(conn: &mut AsyncPgConnection, call: &ApiCall<'_>) -> Result<(), AppError> {
    let path: String = call.path.chars().take(300).collect();
    diesel::sql_query(
        "INSERT INTO api_calls (api_key_id, api, method, path, status, rows, address, millis) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind::<Nullable<BigInt>, _>(call.client.map(|client| client.key_id))
    .bind::<Text, _>(call.api.as_str())
    .bind::<Text, _>(call.method)
    .bind::<Text, _>(path)
    .bind::<SmallInt, _>(call.status as i16)
    .bind::<Integer, _>(i32::try_from(call.rows).unwrap_or(i32::MAX))
    .bind::<Text, _>(call.address)
    .bind::<Integer, _>(i32::try_from(call.millis).unwrap_or(i32::MAX))
    .execute(conn)
    .await?;
    Ok(())
}

/// The township's newest calls (at most 200), of one key or all.
pub async fn calls(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    key_id: Option<i64>,
) -> Result<Vec<ApiCallRow>, AppError> {
    if !user.can(codes::INTERFACES_MANAGE) && !user.can(codes::AUDIT_VIEW) {
        return Err(AppError::Forbidden);
    }
    #[derive(diesel::QueryableByName)]
    struct Raw {
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
        #[diesel(sql_type = Nullable<Text>)]
        key: Option<String>,
        #[diesel(sql_type = Text)]
        api: String,
        #[diesel(sql_type = Text)]
        method: String,
        #[diesel(sql_type = Text)]
        path: String,
        #[diesel(sql_type = SmallInt)]
        status: i16,
        #[diesel(sql_type = Integer)]
        rows: i32,
        #[diesel(sql_type = Text)]
        address: String,
        #[diesel(sql_type = Integer)]
        millis: i32,
    }
    // Calls without a key (Open311's public reads) belong to no township: they are listed
    // with every township's calls.
    let rows: Vec<Raw> = diesel::sql_query(
        "SELECT c.at, k.prefix || ' ' || k.name AS key, c.api, c.method, c.path, c.status, c.rows, c.address, c.millis \
         FROM api_calls c LEFT JOIN api_keys k ON k.id = c.api_key_id \
         WHERE (k.township_id = $1 OR c.api_key_id IS NULL) AND ($2::bigint IS NULL OR c.api_key_id = $2) \
         ORDER BY c.at DESC, c.id DESC LIMIT 200",
    )
    .bind::<Integer, _>(user.township_id)
    .bind::<Nullable<BigInt>, _>(key_id)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiCallRow {
            at: r.at,
            key: r.key,
            api: r.api,
            method: r.method,
            path: r.path,
            status: r.status,
            rows: r.rows,
            address: r.address,
            millis: r.millis,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_recognised_by_its_shape() {
        let prefix = format!("{KEY_START}{}", random_text(PREFIX_LEN));
        let key = format!("{prefix}_{}", random_text(SECRET_LEN));
        assert_eq!(prefix_of(&key), Some(prefix.as_str()));
        assert_eq!(prefix_of(&prefix), None);
        assert_eq!(prefix_of(&format!("{key}x")), None);
        assert_eq!(prefix_of(&key.to_uppercase()), None);
        assert_eq!(prefix_of("tgk_abcdefgh_"), None);
        assert_ne!(hash(&key), hash(&format!("{prefix}_{}", random_text(SECRET_LEN))));
    }
}

//! Personal data sealed in the database: the keyring checked against the database at start,
//! values that arrived in the clear sealed, every value re-sealed under the newest key, and a
//! value revealed to a user who may see it — on the audit log.

use diesel::sql_types::{Array, BigInt, Binary, Nullable, SmallInt, Text};
use diesel::{QueryableByName, sql_query};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::Column;
use super::keys::{INDEX_KEY_VERSION, Keyring};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::error::{AppError, ErrorCode};
use crate::permissions::codes;
use crate::scope::ScopeFilter;
use crate::sql::Sql;

/// Rows sealed or re-sealed in one transaction.
const BATCH: i64 = 1_000;

/// Why a keyring does not fit the database.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "personal-data key {0} (TONGGUAN_PERSONAL_KEYS or the key file) is not the key of that version this \
         database's personal data was sealed with"
    )]
    WrongKey(i16),
    #[error(
        "the personal-data index key (TONGGUAN_PERSONAL_KEYS or the key file) is not the one this database's \
         personal data is indexed with"
    )]
    WrongIndexKey,
    #[error(
        "this database holds personal data sealed with key {0}, which the keyring (TONGGUAN_PERSONAL_KEYS or the \
         key file) does not hold"
    )]
    MissingKey(i16),
    #[error("{0}")]
    Database(#[from] AppError),
}

impl From<diesel::result::Error> for KeyringError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Database(error.into())
    }
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = SmallInt)]
    version: i16,
    #[diesel(sql_type = Text)]
    key_check: String,
}

/// Checks `keyring` against the check values the database keeps, first recording those of
/// keys new to it: a process whose keys would not open the data, or would seal and index it
/// differently, stops here.
pub async fn check_keys(conn: &mut AsyncPgConnection, keyring: &Keyring) -> Result<(), KeyringError> {
    let held = std::iter::once(INDEX_KEY_VERSION).chain(keyring.versions().into_iter().map(i16::from));
    for version in held {
        let check = keyring.check(version).expect("a key the keyring holds");
        // Two processes starting at once record the same value; the second's insert is a no-op.
        Sql::new("INSERT INTO personal_key_checks (version, key_check) VALUES (")
            .bind(i32::from(version))
            .push("::int2, ")
            .bind(check)
            .push(") ON CONFLICT (version) DO NOTHING")
            .query()
            .execute(conn)
            .await?;
    }
    let recorded: Vec<Check> =
        sql_query("SELECT version, key_check FROM personal_key_checks ORDER BY version").load(conn).await?;
    for row in recorded {
        match keyring.check(row.version) {
            // A key left out of the keyring is missing only if a value is still sealed with
            // it; otherwise it was retired (a process that still held it recorded it again).
            None if row.version != INDEX_KEY_VERSION => {
                let in_use: bool = diesel::select(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("EXISTS (SELECT 1 FROM sealed_values WHERE version = ")
                        .bind::<diesel::sql_types::Integer, _>(i32::from(row.version))
                        .sql(")"),
                )
                .get_result(conn)
                .await?;
                if in_use {
                    return Err(KeyringError::MissingKey(row.version));
                }
                sql_query("DELETE FROM personal_key_checks WHERE version = $1")
                    .bind::<SmallInt, _>(row.version)
                    .execute(conn)
                    .await?;
            }
            None => return Err(KeyringError::MissingKey(row.version)),
            Some(check) if check == row.key_check => {}
            Some(_) if row.version == INDEX_KEY_VERSION => return Err(KeyringError::WrongIndexKey),
            Some(_) => return Err(KeyringError::WrongKey(row.version)),
        }
    }
    Ok(())
}

/// A resident's ID and mobile numbers as stored: each sealed beside its blind index. A
/// resident without a mobile number has neither.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedNumbers {
    pub id_number_sealed: Vec<u8>,
    pub id_number_index: Vec<u8>,
    pub phone_sealed: Option<Vec<u8>>,
    pub phone_index: Option<Vec<u8>>,
}

impl SealedNumbers {
    pub fn new(keyring: &Keyring, id_number: &str, phone: &str) -> Self {
        let (id_number_sealed, id_number_index) =
            sealed_and_indexed(keyring, Column::ResidentIdNumber, id_number).unwrap_or_default();
        let (phone_sealed, phone_index) = sealed_and_indexed(keyring, Column::ResidentPhone, phone).unzip();
        Self { id_number_sealed, id_number_index, phone_sealed, phone_index }
    }
}

/// `value` in its canonical spelling, sealed and indexed; none for an empty value (a resident
/// without a mobile number).
fn sealed_and_indexed(keyring: &Keyring, column: Column, value: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let value = column.canonical(value);
    (!value.is_empty()).then(|| (keyring.seal(column, &value), keyring.blind_index(column, &value)))
}

#[derive(QueryableByName)]
struct Clear {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    id_number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    phone: Option<String>,
}

/// Seals what is still held in the clear — rows written before sealing began, or put in by
/// hand with SQL: residents' numbers, second-factor and peer secrets. Returns the rows sealed.
pub async fn seal_clear(conn: &mut AsyncPgConnection, keyring: &Keyring) -> Result<u64, AppError> {
    Ok(seal_clear_residents(conn, keyring).await? + seal_text_columns(conn, keyring, Unsealed::Clear).await?)
}

/// A text column that holds values sealed with the keyring (`sm4:` and hex).
struct SealedText {
    table: &'static str,
    column: &'static str,
    sealed_as: Column,
}

/// Every text column of sealed values. Only these names are ever written into the statements
/// below; every value is bound.
const SEALED_TEXT: &[SealedText] = &[
    SealedText { table: "users", column: "totp_secret", sealed_as: Column::UserTotpSecret },
    SealedText { table: "users", column: "totp_pending", sealed_as: Column::UserTotpSecret },
    SealedText { table: "exchange_peers", column: "secret", sealed_as: Column::PeerSecret },
    SealedText { table: "events", column: "contact_phone", sealed_as: Column::EventContactPhone },
];

#[derive(QueryableByName)]
struct TextValue {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    value: String,
}

/// Which text values to seal (again) under the current key.
#[derive(Clone, Copy)]
enum Unsealed {
    /// Those an earlier release left in the clear (at start).
    Clear,
    /// Those not sealed with the current key: in the clear or under an older one (a rotation).
    NotCurrent,
}

/// Seals under the current key the text values `which` names, a batch per transaction in the
/// order of the rows. Returns how many were sealed.
async fn seal_text_columns(conn: &mut AsyncPgConnection, keyring: &Keyring, which: Unsealed) -> Result<u64, AppError> {
    let current = i32::from(keyring.current());
    let mut sealed = 0;
    for SealedText { table, column, sealed_as } in SEALED_TEXT {
        let condition = match which {
            Unsealed::Clear => format!("{column} NOT LIKE 'sm4:%'"),
            Unsealed::NotCurrent => format!("sealed_text_version({column}) IS DISTINCT FROM $3"),
        };
        let select = format!(
            "SELECT id::int8 AS id, {column} AS value FROM {table} \
             WHERE id > $1 AND {column} <> '' AND {condition} ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED"
        );
        let update = format!(
            "UPDATE {table} SET {column} = t.value FROM unnest($1::int8[], $2::text[]) AS t(id, value) WHERE {table}.id = t.id"
        );
        let mut after = 0_i64;
        loop {
            let batch = conn
                .transaction::<_, AppError, _>(async |conn| {
                    let rows: Vec<TextValue> = sql_query(&select)
                        .bind::<BigInt, _>(after)
                        .bind::<BigInt, _>(BATCH)
                        .bind::<diesel::sql_types::Integer, _>(current)
                        .load(conn)
                        .await?;
                    let mut values = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let value = keyring.open_text(*sealed_as, &row.value).map_err(|error| {
                            tracing::error!(table, column, id = row.id, %error, "a sealed value does not open");
                            AppError::Internal
                        })?;
                        values.push(keyring.seal_text(*sealed_as, &value));
                    }
                    sql_query(&update)
                        .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.id).collect::<Vec<_>>())
                        .bind::<Array<Text>, _>(values)
                        .execute(conn)
                        .await?;
                    Ok(rows.last().map(|row| (row.id, rows.len() as u64)))
                })
                .await?;
            let Some((last, n)) = batch else { break };
            after = last;
            sealed += n;
        }
    }
    Ok(sealed)
}

/// `value` sealed for the text column `column` with the process's keyring; the empty text,
/// which means "none", stays empty.
pub fn seal_text(column: Column, value: &str) -> Result<String, AppError> {
    if value.is_empty() {
        return Ok(String::new());
    }
    Ok(super::keys::installed()?.seal_text(column, value))
}

/// The value of the text column `column`, opened with the process's keyring. One that will not
/// open is a fault of the deployment (the wrong keys, or a value changed in the database).
pub fn open_text(column: Column, text: &str) -> Result<String, AppError> {
    // A value an earlier release left in the clear needs no key (it is sealed at the next start).
    if !text.starts_with(super::cipher::SEALED_TEXT_PREFIX) {
        return Ok(text.to_owned());
    }
    super::keys::installed()?.open_text(column, text).map_err(|error| {
        tracing::error!(column = column.as_str(), %error, "a sealed value does not open");
        AppError::Internal
    })
}

/// Seals the residents' numbers still held in the clear and empties their clear columns, a
/// batch per transaction. Processes starting at once share the work (`SKIP LOCKED`).
async fn seal_clear_residents(conn: &mut AsyncPgConnection, keyring: &Keyring) -> Result<u64, AppError> {
    let mut sealed = 0;
    loop {
        let batch = conn
            .transaction::<_, AppError, _>(async |conn| {
                let rows: Vec<Clear> = sql_query(
                    "SELECT id, id_number, phone FROM residents WHERE id_number IS NOT NULL OR phone IS NOT NULL \
                     ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                )
                .bind::<BigInt, _>(BATCH)
                .load(conn)
                .await?;
                let mut ids = Vec::with_capacity(rows.len());
                let mut columns: [Vec<Option<Vec<u8>>>; 4] = Default::default();
                for row in &rows {
                    ids.push(row.id);
                    // What is in the clear is sealed; an empty mobile number is none at all.
                    let seal =
                        |column: Column, value: &Option<String>| sealed_and_indexed(keyring, column, value.as_deref()?);
                    let (id_sealed, id_index) = seal(Column::ResidentIdNumber, &row.id_number).unzip();
                    let (phone_sealed, phone_index) = seal(Column::ResidentPhone, &row.phone).unzip();
                    for (column, value) in columns.iter_mut().zip([id_sealed, id_index, phone_sealed, phone_index]) {
                        column.push(value);
                    }
                }
                let [id_sealed, id_index, phone_sealed, phone_index] = columns;
                sql_query(
                    "UPDATE residents r SET \
                       id_number_sealed = coalesce(t.id_sealed, r.id_number_sealed), \
                       id_number_index = coalesce(t.id_index, r.id_number_index), \
                       phone_sealed = coalesce(t.phone_sealed, r.phone_sealed), \
                       phone_index = coalesce(t.phone_index, r.phone_index), \
                       id_number = NULL, phone = NULL \
                     FROM unnest($1::int8[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[]) \
                       AS t(id, id_sealed, id_index, phone_sealed, phone_index) \
                     WHERE r.id = t.id",
                )
                .bind::<Array<BigInt>, _>(ids)
                .bind::<Array<Nullable<Binary>>, _>(id_sealed)
                .bind::<Array<Nullable<Binary>>, _>(id_index)
                .bind::<Array<Nullable<Binary>>, _>(phone_sealed)
                .bind::<Array<Nullable<Binary>>, _>(phone_index)
                .execute(conn)
                .await?;
                Ok(rows.len() as u64)
            })
            .await?;
        if batch == 0 {
            return Ok(sealed);
        }
        sealed += batch;
    }
}

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Binary>)]
    id_number: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Binary>)]
    phone: Option<Vec<u8>>,
}

/// What [`reseal`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resealed {
    /// Residents whose numbers were sealed anew under the current key.
    pub residents: u64,
    /// Secrets in text columns sealed anew (second factors, peer platforms).
    pub secrets: u64,
    /// Key versions no value is sealed with any more: their check values are dropped, so that
    /// the keys can leave the keyring.
    pub retired: Vec<i16>,
}

/// Seals again, under the keyring's current key, every number sealed with an older one (the
/// second half of a key rotation, after every process has the new key), a batch per
/// transaction in the order of the residents; then retires the keys nothing uses. The blind
/// indexes stay as they are: they are made with the index key.
pub async fn reseal(conn: &mut AsyncPgConnection, keyring: &Keyring) -> Result<Resealed, AppError> {
    let current = i32::from(keyring.current());
    let mut after = 0_i64;
    let mut residents = 0;
    loop {
        let batch = conn
            .transaction::<_, AppError, _>(async |conn| {
                let rows: Vec<Stored> = sql_query(
                    "SELECT id, id_number_sealed AS id_number, phone_sealed AS phone FROM residents \
                     WHERE id > $1 AND (get_byte(id_number_sealed, 0) <> $2 OR get_byte(phone_sealed, 0) <> $2) \
                     ORDER BY id LIMIT $3 FOR UPDATE",
                )
                .bind::<BigInt, _>(after)
                .bind::<diesel::sql_types::Integer, _>(current)
                .bind::<BigInt, _>(BATCH)
                .load(conn)
                .await?;
                let reseal = |column: Column, id: i64, sealed: &Option<Vec<u8>>| -> Result<Option<Vec<u8>>, AppError> {
                    let Some(sealed) = sealed else { return Ok(None) };
                    let value = keyring.open(column, sealed).map_err(|error| {
                        tracing::error!(resident = id, column = column.as_str(), %error, "a sealed value does not open");
                        AppError::Internal
                    })?;
                    Ok(Some(keyring.seal(column, &value)))
                };
                let mut ids = Vec::with_capacity(rows.len());
                let (mut id_numbers, mut phones) = (Vec::with_capacity(rows.len()), Vec::with_capacity(rows.len()));
                for row in &rows {
                    ids.push(row.id);
                    id_numbers.push(reseal(Column::ResidentIdNumber, row.id, &row.id_number)?);
                    phones.push(reseal(Column::ResidentPhone, row.id, &row.phone)?);
                }
                sql_query(
                    "UPDATE residents r SET id_number_sealed = coalesce(t.id_number, r.id_number_sealed), \
                       phone_sealed = coalesce(t.phone, r.phone_sealed) \
                     FROM unnest($1::int8[], $2::bytea[], $3::bytea[]) AS t(id, id_number, phone) WHERE r.id = t.id",
                )
                .bind::<Array<BigInt>, _>(ids.clone())
                .bind::<Array<Nullable<Binary>>, _>(id_numbers)
                .bind::<Array<Nullable<Binary>>, _>(phones)
                .execute(conn)
                .await?;
                Ok(ids)
            })
            .await?;
        let Some(last) = batch.last() else { break };
        after = *last;
        residents += batch.len() as u64;
    }
    // The secrets in text columns (second factors, peer platforms).
    let secrets = seal_text_columns(conn, keyring, Unsealed::NotCurrent).await?;
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = SmallInt)]
        version: i16,
    }
    let retired: Vec<Version> = sql_query(
        "DELETE FROM personal_key_checks k WHERE k.version NOT IN (0, $1) \
           AND NOT EXISTS (SELECT 1 FROM sealed_values s WHERE s.version = k.version) \
         RETURNING version",
    )
    .bind::<diesel::sql_types::Integer, _>(current)
    .load(conn)
    .await?;
    let mut retired: Vec<i16> = retired.into_iter().map(|row| row.version).collect();
    retired.sort_unstable();
    Ok(Resealed { residents, secrets, retired })
}

/// The key versions the stored values are sealed with, each with how many values use it
/// (`tongguan personal-data status`).
pub async fn versions_in_use(conn: &mut AsyncPgConnection) -> Result<Vec<(i16, i64)>, AppError> {
    #[derive(QueryableByName)]
    struct InUse {
        #[diesel(sql_type = SmallInt)]
        version: i16,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<InUse> = sql_query(
        "SELECT version::int2 AS version, count(*) AS n FROM sealed_values GROUP BY version ORDER BY version",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.version, row.n)).collect())
}

/// One resident's number in the clear, for a user with the unmask permission who may see the
/// resident; the reveal is on the audit log before the number leaves. A resident without a
/// mobile number reveals an empty one.
pub async fn reveal(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    resident: i64,
    column: Column,
) -> Result<String, AppError> {
    if !user.can(codes::PERSONAL_DATA_UNMASK) {
        return Err(AppError::Forbidden);
    }
    let pick: fn(Stored) -> Option<Vec<u8>> = match column {
        Column::ResidentIdNumber => |stored| stored.id_number,
        Column::ResidentPhone => |stored| stored.phone,
        // A secret is never shown; an event's contact number is not a resident's (the
        // event's page shows it to who may see it).
        Column::UserTotpSecret | Column::PeerSecret | Column::EventContactPhone => {
            return Err(AppError::field("column", ErrorCode::FieldNotAChoice));
        }
    };
    let keyring = super::keys::installed()?;
    let scope = ScopeFilter::for_user(user);
    // Outside the viewer's scope a resident is not there for them (404), as everywhere.
    let stored: Stored = Sql::new(
        "SELECT r.id, r.id_number_sealed AS id_number, r.phone_sealed AS phone FROM residents r WHERE r.id = ",
    )
    .bind(resident)
    .push(" AND ")
    .append(scope.rows("r"))
    .query()
    .get_result(conn)
    .await?;
    let value = match pick(stored) {
        None => String::new(),
        Some(sealed) => keyring.open(column, &sealed).map_err(|error| {
            tracing::error!(resident, column = column.as_str(), %error, "a sealed value does not open");
            AppError::Internal
        })?,
    };
    crate::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::RevealPersonal,
        &format!("resident:{resident}"),
        column.as_str(),
    )
    .await?;
    Ok(value)
}

/// A sealed number for a list: opened and masked with `mask`, or left out (`"******"`) for a
/// viewer who may not see personal data at all. A value that will not open is a fault of the
/// deployment (the wrong keys), logged; the list shows it as unreadable rather than failing.
pub fn masked(
    keyring: &Keyring,
    column: Column,
    sealed: Option<&[u8]>,
    personal: bool,
    mask: fn(&str) -> String,
) -> String {
    if !personal {
        return "******".into();
    }
    let Some(sealed) = sealed else { return String::new() };
    match keyring.open(column, sealed) {
        Ok(value) => mask(&value),
        Err(error) => {
            tracing::error!(column = column.as_str(), %error, "a sealed value does not open");
            "??????".into()
        }
    }
}

//! The imports table (`engine_imports`): an import from its preview to the end of its commit.
//! The file is kept between the two steps and dropped at the end; the commit, which runs in
//! the background, is claimed once (a conditional update: two clicks never write a file
//! twice) and counts its progress in `done`, which a page polls. Only the user who uploaded
//! a file sees its import.
//!
//! Nothing is left hanging: the process writing an import holds an advisory lock on it for
//! as long as it writes ([`hold`]), which PostgreSQL releases when that process's connection
//! ends however it ends; a [`sweep`] on any process marks a running import whose lock is free
//! as failed (its transaction died with its writer: nothing was written), and drops the file
//! of a preview nobody committed within [`PREVIEW_KEPT_HOURS`].

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::import::Checked;
use super::require;
use crate::accounts::SessionUser;
use crate::engine::declare::Register;
use crate::engine::record::Action;
use crate::engine::transfer::{ImportPreview, ImportProgress, ImportStatus, RowError};
use crate::error::{AppError, ErrorCode};
use crate::schema::engine_imports;

/// How long the file of a clean preview waits for its commit.
pub const PREVIEW_KEPT_HOURS: i32 = 24;

/// The advisory locks of running imports: `(IMPORT_LOCKS, id)`, a namespace of their own.
const IMPORT_LOCKS: i32 = 0x7467_494d; // "tgIM"

/// The second key of an import's lock (ids past 2^31 share keys: a dead import then waits
/// for the next sweep after its twin ends, which is harmless).
fn lock_key(id: i64) -> i32 {
    (id & 0x7fff_ffff) as i32
}

/// Takes the import's lock on the writer's connection (a session lock: it outlives the
/// write's transaction, and ends with the connection if the process dies).
pub async fn hold(conn: &mut AsyncPgConnection, id: i64) -> Result<(), AppError> {
    lock(conn, "SELECT pg_advisory_lock($1, $2)", id).await
}

/// Gives the import's lock back, before the connection returns to the pool.
pub async fn release(conn: &mut AsyncPgConnection, id: i64) -> Result<(), AppError> {
    lock(conn, "SELECT pg_advisory_unlock($1, $2)", id).await
}

async fn lock(conn: &mut AsyncPgConnection, call: &'static str, id: i64) -> Result<(), AppError> {
    diesel::sql_query(call)
        .bind::<diesel::sql_types::Integer, _>(IMPORT_LOCKS)
        .bind::<diesel::sql_types::Integer, _>(lock_key(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// What a [`sweep`] found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Running imports whose writer is gone, now failed.
    pub abandoned: usize,
    /// Clean previews never committed, their files dropped.
    pub expired: usize,
}

/// Ends what no one will finish: running imports whose writer has stopped (their lock is
/// free; a claim takes its lock within milliseconds, so one caught in between is at worst
/// shown failed until its own end records it done), and previews older than
/// [`PREVIEW_KEPT_HOURS`] that still keep their file.
pub async fn sweep(conn: &mut AsyncPgConnection) -> Result<Swept, AppError> {
    let running: Vec<i64> = engine_imports::table
        .filter(engine_imports::status.eq(ImportStatus::Running.as_str()))
        .select(engine_imports::id)
        .load(conn)
        .await?;
    let mut swept = Swept::default();
    for id in running {
        #[derive(QueryableByName)]
        struct Free {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            free: bool,
        }
        let lock = diesel::sql_query("SELECT pg_try_advisory_lock($1, $2) AS free")
            .bind::<diesel::sql_types::Integer, _>(IMPORT_LOCKS)
            .bind::<diesel::sql_types::Integer, _>(lock_key(id));
        let Free { free } = lock.get_result(conn).await?;
        if !free {
            continue;
        }
        let ended = end(conn, id, ImportStatus::Running, ErrorCode::ImportAbandoned).await;
        release(conn, id).await?;
        swept.abandoned += ended?;
    }
    let stale: Vec<i64> = engine_imports::table
        .filter(engine_imports::status.eq(ImportStatus::Previewed.as_str()))
        .filter(engine_imports::file.is_not_null())
        .filter(engine_imports::created_at.lt(Utc::now() - chrono::Duration::hours(PREVIEW_KEPT_HOURS.into())))
        .select(engine_imports::id)
        .load(conn)
        .await?;
    for id in stale {
        swept.expired += end(conn, id, ImportStatus::Previewed, ErrorCode::ImportExpired).await?;
    }
    Ok(swept)
}

/// Fails an import still in `from`, its file dropped, saying why; how many rows changed.
async fn end(conn: &mut AsyncPgConnection, id: i64, from: ImportStatus, why: ErrorCode) -> Result<usize, AppError> {
    let errors =
        serde_json::to_value([RowError { row: 0, field: String::new(), code: why }]).map_err(|_| AppError::Internal)?;
    let ended = diesel::update(
        engine_imports::table.filter(engine_imports::id.eq(id)).filter(engine_imports::status.eq(from.as_str())),
    )
    .set((
        engine_imports::status.eq(ImportStatus::Failed.as_str()),
        engine_imports::errors.eq(errors),
        engine_imports::file.eq(None::<Vec<u8>>),
        engine_imports::finished_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?;
    Ok(ended)
}

/// The file formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    GeoJson,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::GeoJson => "geojson",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        [Format::Csv, Format::Xlsx, Format::GeoJson].into_iter().find(|format| format.as_str() == text)
    }
}

#[derive(Insertable)]
#[diesel(table_name = engine_imports, check_for_backend(diesel::pg::Pg))]
struct NewImport<'a> {
    township_id: i32,
    register: String,
    user_id: i64,
    file_name: &'a str,
    format: &'static str,
    file: Option<&'a [u8]>,
    status: &'static str,
    total: i32,
    good: i32,
    errors: serde_json::Value,
}

/// Records a checked file (nothing of it written yet) and says what the check found.
pub async fn previewed(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    file_name: &str,
    format: Format,
    file: &[u8],
    checked: &Checked,
) -> Result<ImportPreview, AppError> {
    let errors = serde_json::to_value(&checked.errors).map_err(|_| AppError::Internal)?;
    let id: i64 = diesel::insert_into(engine_imports::table)
        .values(NewImport {
            township_id: user.township_id,
            register: register.key(),
            user_id: user.id,
            file_name,
            format: format.as_str(),
            // Kept for the commit; a file with problems can only be uploaded again.
            file: (checked.errors.is_empty() && checked.good() > 0).then_some(file),
            status: ImportStatus::Previewed.as_str(),
            total: checked.total as i32,
            good: checked.good() as i32,
            errors,
        })
        .returning(engine_imports::id)
        .get_result(conn)
        .await?;
    Ok(ImportPreview { import_id: id, total: checked.total, good: checked.good(), errors: checked.errors.clone() })
}

/// A commit's claim on an import: its file, to check again and write.
pub struct Claimed {
    pub id: i64,
    pub register: &'static Register,
    pub format: Format,
    pub file: Vec<u8>,
}

/// Marks the user's previewed, clean import as running and hands over its file. A file
/// with problems, or one already committed, is a conflict; another user's import is not found.
pub async fn claim(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<Claimed, AppError> {
    let (register, status, total, good): (String, String, i32, i32) = engine_imports::table
        .filter(engine_imports::id.eq(id).and(engine_imports::user_id.eq(user.id)))
        .select((engine_imports::register, engine_imports::status, engine_imports::total, engine_imports::good))
        .first(conn)
        .await?;
    let register = registered(conn, &register).await?;
    require(user, register, Action::Import)?;
    if status != ImportStatus::Previewed.as_str() {
        return Err(AppError::Conflict(ErrorCode::ImportNotPending));
    }
    if good != total || total == 0 {
        return Err(AppError::Conflict(ErrorCode::ImportHasErrors));
    }
    let claimed: Option<(String, Option<Vec<u8>>)> = diesel::update(
        engine_imports::table
            .filter(engine_imports::id.eq(id))
            .filter(engine_imports::status.eq(ImportStatus::Previewed.as_str())),
    )
    .set(engine_imports::status.eq(ImportStatus::Running.as_str()))
    .returning((engine_imports::format, engine_imports::file))
    .get_result(conn)
    .await
    .optional()?;
    // Claimed by a commit at the same moment.
    let Some((format, Some(file))) = claimed else { return Err(AppError::Conflict(ErrorCode::ImportNotPending)) };
    let format = Format::parse(&format).ok_or(AppError::Internal)?;
    Ok(Claimed { id, register, format, file })
}

/// How many records of a running import are written.
pub async fn progress(conn: &mut AsyncPgConnection, id: i64, done: u32) -> Result<(), AppError> {
    diesel::update(engine_imports::table.filter(engine_imports::id.eq(id)))
        .set(engine_imports::done.eq(done as i32))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a running import: done with every record written, or failed with the problems that
/// stopped it (nothing written); the file is dropped either way.
pub async fn finish(
    conn: &mut AsyncPgConnection,
    id: i64,
    outcome: Result<u32, Vec<RowError>>,
) -> Result<(), AppError> {
    let (status, done, errors) = match outcome {
        Ok(written) => (ImportStatus::Done, written as i32, Vec::new()),
        Err(errors) => (ImportStatus::Failed, 0, errors),
    };
    let errors = serde_json::to_value(&errors).map_err(|_| AppError::Internal)?;
    diesel::update(engine_imports::table.filter(engine_imports::id.eq(id)))
        .set((
            engine_imports::status.eq(status.as_str()),
            engine_imports::done.eq(done),
            engine_imports::errors.eq(errors),
            engine_imports::file.eq(None::<Vec<u8>>),
            engine_imports::finished_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One of the user's imports.
pub async fn get(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<ImportProgress, AppError> {
    #[allow(clippy::type_complexity)]
    let row: (String, String, String, i32, i32, i32, serde_json::Value, DateTime<Utc>, Option<DateTime<Utc>>) =
        engine_imports::table
            .filter(engine_imports::id.eq(id).and(engine_imports::user_id.eq(user.id)))
            .select((
                engine_imports::register,
                engine_imports::file_name,
                engine_imports::status,
                engine_imports::total,
                engine_imports::good,
                engine_imports::done,
                engine_imports::errors,
                engine_imports::created_at,
                engine_imports::finished_at,
            ))
            .first(conn)
            .await?;
    let (register, file_name, status, total, good, done, errors, created_at, finished_at) = row;
    let status = ImportStatus::parse(&status).ok_or_else(|| {
        tracing::error!(id, %status, "unknown import status");
        AppError::Internal
    })?;
    let errors: Vec<RowError> = serde_json::from_value(errors).map_err(|error| {
        tracing::error!(id, %error, "unreadable import errors");
        AppError::Internal
    })?;
    Ok(ImportProgress {
        id,
        register,
        file_name,
        status,
        total: total as u32,
        good: good as u32,
        done: done as u32,
        errors,
        created_at,
        finished_at,
    })
}

/// The user's latest imports of `register` (at most `limit`, newest first), without their
/// problems: the import page's list to come back to.
pub async fn recent(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    limit: i64,
) -> Result<Vec<ImportProgress>, AppError> {
    require(user, register, Action::Import)?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, String, String, i32, i32, i32, DateTime<Utc>, Option<DateTime<Utc>>)> = engine_imports::table
        .filter(engine_imports::user_id.eq(user.id).and(engine_imports::register.eq(register.key())))
        .order(engine_imports::id.desc())
        .limit(limit)
        .select((
            engine_imports::id,
            engine_imports::file_name,
            engine_imports::status,
            engine_imports::total,
            engine_imports::good,
            engine_imports::done,
            engine_imports::created_at,
            engine_imports::finished_at,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, file_name, status, total, good, done, created_at, finished_at)| {
            Some(ImportProgress {
                id,
                register: register.key(),
                file_name,
                status: ImportStatus::parse(&status)?,
                total: total as u32,
                good: good as u32,
                done: done as u32,
                errors: Vec::new(),
                created_at,
                finished_at,
            })
        })
        .collect())
}

async fn registered(conn: &mut AsyncPgConnection, key: &str) -> Result<&'static Register, AppError> {
    let (module, name) = key.split_once('.').ok_or(AppError::Internal)?;
    super::runtime::resolve(conn, module, name).await.inspect_err(|_| {
        tracing::error!(register = key, "an import of a register no longer declared");
    })
}

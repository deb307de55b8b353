//! History retention and archiving ([`crate::engine::retention`]): the settings of a register,
//! and [`archive`], run by the engine's clock on every server process, which moves versions
//! past a register's online period into `record_history_archive` and deletes archived ones
//! past its retention — each record's newest version stays, in bounded batches, each batch
//! one statement (`DELETE … RETURNING` feeding the `INSERT`), so processes running it at once
//! never move a version twice.

use chrono::{DateTime, Duration, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Integer, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::require;
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::engine::declare::Register;
use crate::engine::record::Action;
use crate::engine::retention::{Retention, RetentionForm, RetentionSettings};
use crate::error::AppError;
use crate::sql::Sql;

/// Versions moved or deleted per statement.
pub const BATCH: i64 = 5_000;
/// Statements per register and run: a run moves at most `BATCH * BATCHES` versions of a
/// register; the next run goes on.
const BATCHES: usize = 20;

/// What one [`archive`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Archived {
    /// Versions moved to the archive.
    pub moved: usize,
    /// Archived versions deleted.
    pub purged: usize,
}

/// The register's retention as declared and as an administrator set it (its `configure`
/// permission).
pub async fn settings(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
) -> Result<RetentionSettings, AppError> {
    require(user, register, Action::Configure)?;
    Ok(RetentionSettings { declared: register.history, configured: configured(conn, register).await? })
}

/// Sets the register's retention (its `configure` permission), applied at the clock's next
/// run on every process.
pub async fn configure(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    form: &RetentionForm,
) -> Result<Retention, AppError> {
    require(user, register, Action::Configure)?;
    let retention = form.check()?;
    Sql::new("INSERT INTO register_settings (register, history_online_days, history_kept_years, updated_by) VALUES (")
        .bind(register.key())
        .push(", ")
        .bind(i32::try_from(retention.online_days).unwrap_or(i32::MAX))
        .push(", ")
        .bind(i32::from(retention.kept_years.unwrap_or(0)))
        .push(", ")
        .bind(user.id)
        .push(
            ") ON CONFLICT (register) DO UPDATE SET history_online_days = excluded.history_online_days, \
             history_kept_years = excluded.history_kept_years, updated_by = excluded.updated_by, updated_at = now()",
        )
        .query()
        .execute(conn)
        .await?;
    let kept = retention.kept_years.map_or_else(|| "forever".to_owned(), |years| format!("{years}y"));
    let detail = format!("online {}d, kept {kept}", retention.online_days);
    audit::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::SetRetention,
        &register.key(),
        &detail,
    )
    .await?;
    Ok(retention)
}

/// What an administrator set, if anything.
async fn configured(conn: &mut AsyncPgConnection, register: &Register) -> Result<Option<Retention>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Integer>)]
        history_online_days: Option<i32>,
        #[diesel(sql_type = Nullable<Integer>)]
        history_kept_years: Option<i32>,
    }
    let rows: Vec<Row> =
        Sql::new("SELECT history_online_days, history_kept_years FROM register_settings WHERE register = ")
            .bind(register.key())
            .query()
            .load(conn)
            .await?;
    Ok(rows.into_iter().next().and_then(|row| {
        let online_days = u32::try_from(row.history_online_days?).ok()?;
        let kept_years = match row.history_kept_years {
            None | Some(0) => None,
            Some(years) => Some(u16::try_from(years).ok()?),
        };
        Some(Retention { online_days, kept_years })
    }))
}

/// Archives and purges the history of every declared register as of `now`.
pub async fn archive(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> Result<Archived, AppError> {
    archive_in(conn, crate::modules::registers(), now).await
}

/// [`archive`] over the given registers (a test's own).
pub async fn archive_in(
    conn: &mut AsyncPgConnection,
    registers: impl Iterator<Item = &'static Register>,
    now: DateTime<Utc>,
) -> Result<Archived, AppError> {
    let mut done = Archived::default();
    for register in registers {
        let retention = configured(conn, register).await?.unwrap_or(register.history);
        let online_until = now - Duration::days(i64::from(retention.online_days));
        for _ in 0..BATCHES {
            let moved = move_batch(conn, register, online_until).await?;
            done.moved += moved;
            if (moved as i64) < BATCH {
                break;
            }
        }
        let Some(years) = retention.kept_years else { continue };
        let kept_until = now - Duration::days(i64::from(years) * 365);
        for _ in 0..BATCHES {
            let purged = purge_batch(conn, register, kept_until).await?;
            done.purged += purged;
            if (purged as i64) < BATCH {
                break;
            }
        }
    }
    Ok(done)
}

/// Moves up to [`BATCH`] versions of the register older than `until`, none the newest of its
/// record, into the archive, in one statement.
async fn move_batch(
    conn: &mut AsyncPgConnection,
    register: &Register,
    until: DateTime<Utc>,
) -> Result<usize, AppError> {
    let moved = Sql::new(
        "WITH moved AS (DELETE FROM record_history h WHERE h.id IN (\
         SELECT o.id FROM record_history o WHERE o.register = ",
    )
    .bind(register.key())
    .push(" AND o.at < ")
    .bind(until)
    .push(
        " AND EXISTS (SELECT 1 FROM record_history n WHERE n.register = o.register AND n.record_id = o.record_id \
         AND n.version > o.version) ORDER BY o.at LIMIT ",
    )
    .bind(BATCH)
    .push(
        ") RETURNING h.id, h.register, h.record_id, h.version, h.operation, h.actor_id, h.at, h.changed, h.data) \
         INSERT INTO record_history_archive (id, register, record_id, version, operation, actor_id, at, changed, data) \
         SELECT * FROM moved ON CONFLICT (id) DO NOTHING",
    )
    .query()
    .execute(conn)
    .await?;
    Ok(moved)
}

/// Deletes up to [`BATCH`] archived versions of the register older than `until`. The archive
/// never holds a record's newest version, so every record keeps at least that one.
async fn purge_batch(
    conn: &mut AsyncPgConnection,
    register: &Register,
    until: DateTime<Utc>,
) -> Result<usize, AppError> {
    let purged = Sql::new(
        "DELETE FROM record_history_archive WHERE id IN (SELECT a.id FROM record_history_archive a WHERE a.register = ",
    )
    .bind(register.key())
    .push(" AND a.at < ")
    .bind(until)
    .push(" ORDER BY a.at LIMIT ")
    .bind(BATCH)
    .push(")")
    .query()
    .execute(conn)
    .await?;
    Ok(purged)
}

//! Reading one record, its history and its version as of a moment. A record outside the
//! user's scope is not found (never forbidden), so its existence does not leak.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::decode::{Source, data_object, decode, extra, labels_object};
use super::{require, table, visible};
use crate::accounts::SessionUser;
use crate::engine::declare::Register;
use crate::engine::record::{Action, ApprovalGiven, HISTORY_PAGE, Operation, Record, Version};
use crate::error::AppError;
use crate::sql::Sql;

#[derive(QueryableByName)]
struct RecordRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Nullable<Text>)]
    number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    state: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    state_since: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    state_due: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Integer>)]
    village_id: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    grid_id: Option<i32>,
    #[diesel(sql_type = Text)]
    place: String,
    #[diesel(sql_type = Jsonb)]
    data: serde_json::Value,
    #[diesel(sql_type = Jsonb)]
    labels: serde_json::Value,
    #[diesel(sql_type = Jsonb)]
    extra: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    created_by: String,
    #[diesel(sql_type = Text)]
    updated_by: String,
}

/// The place's names ("梅李村 · 第3网格"), from the joins `v` and `g`.
pub(super) const PLACE_SQL: &str = "concat_ws(' · ', v.name, g.name)";
/// The joins [`PLACE_SQL`] reads.
pub(super) const PLACE_JOINS: &str =
    " LEFT JOIN villages v ON v.id = r.village_id LEFT JOIN grids g ON g.id = r.grid_id";

/// One live record in the user's scope.
pub async fn get(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
) -> Result<Record, AppError> {
    require(user, register, Action::View)?;
    let row: RecordRow =
        Sql::new("SELECT r.id, r.version, r.number, r.state, r.state_since, r.state_due, r.village_id, r.grid_id, ")
            .push(PLACE_SQL)
            .push(" AS place, ")
            .append(data_object(register.fields, Source::Row))
            .push(" AS data, ")
            .append(labels_object(register, register.fields))
            .push(
                " AS labels, r.extra, r.created_at, r.updated_at, coalesce(cu.display_name, '') AS created_by, \
             coalesce(uu.display_name, '') AS updated_by FROM ",
            )
            .append(table(register))
            .push(" r")
            .push(PLACE_JOINS)
            .push(
                " LEFT JOIN users cu ON cu.id = r.created_by LEFT JOIN users uu ON uu.id = r.updated_by WHERE r.id = ",
            )
            .bind(id)
            .push(" AND r.deleted_at IS NULL AND ")
            .append(visible(user, "r"))
            .prepared()
            .get_result(conn)
            .await?;
    let approvals = match register.workflow {
        Some(_) => approvals(conn, register, id).await?,
        None => Vec::new(),
    };
    Ok(Record {
        id: row.id,
        version: row.version,
        number: row.number,
        approvals,
        deadline: row.state_since.and_then(|since| super::deadline::status(since, row.state_due, chrono::Utc::now())),
        state: row.state,
        state_due: row.state_due,
        village_id: row.village_id,
        grid_id: row.grid_id,
        place: row.place,
        values: decode(register, &row.data),
        labels: extra(&row.labels),
        extra: extra(&row.extra),
        created_at: row.created_at,
        updated_at: row.updated_at,
        created_by: row.created_by,
        updated_by: row.updated_by,
    })
}

/// The most approvals a record shows (its newest).
const APPROVALS_SHOWN: i64 = 100;

/// The approvals given on record `id` (its newest [`APPROVALS_SHOWN`]), oldest first: the
/// step, who approved, and who gave it for them while they were away.
async fn approvals(conn: &mut AsyncPgConnection, register: &Register, id: i64) -> Result<Vec<ApprovalGiven>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        transition: String,
        #[diesel(sql_type = Text)]
        approver: String,
        #[diesel(sql_type = Nullable<Text>)]
        acted_by: Option<String>,
        #[diesel(sql_type = Nullable<Text>)]
        reason: Option<String>,
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
    }
    let rows: Vec<Row> = Sql::new(
        "SELECT a.transition, u.display_name AS approver, d.display_name AS acted_by, a.reason, a.at \
         FROM record_approvals a JOIN users u ON u.id = a.approver_id LEFT JOIN users d ON d.id = a.acted_by \
         WHERE a.register = ",
    )
    .bind(register.key())
    .push(" AND a.record_id = ")
    .bind(id)
    .push(" AND a.decision = 'approve' ORDER BY a.at DESC, a.id DESC LIMIT ")
    .bind(APPROVALS_SHOWN)
    .prepared()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .rev()
        .map(|row| ApprovalGiven {
            step: row.transition,
            approver: row.approver,
            acted_by: row.acted_by,
            reason: row.reason,
            at: row.at,
        })
        .collect())
}

#[derive(QueryableByName)]
pub(super) struct VersionRow {
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Text)]
    operation: String,
    #[diesel(sql_type = Text)]
    actor: String,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Array<Text>)]
    changed: Vec<String>,
    #[diesel(sql_type = Jsonb)]
    data: serde_json::Value,
    /// The place the version had.
    #[diesel(sql_type = Nullable<Integer>)]
    pub(super) village_id: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub(super) grid_id: Option<i32>,
    /// The custom fields the version had (a restore writes them back).
    #[diesel(sql_type = Jsonb)]
    pub(super) extra: serde_json::Value,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    archived: bool,
}

impl VersionRow {
    pub(super) fn into_version(self, register: &Register) -> Result<Version, AppError> {
        let operation = operation(&self.operation).ok_or_else(|| {
            tracing::error!(register = %register.key(), operation = %self.operation, "unknown operation in record_history");
            AppError::Internal
        })?;
        Ok(Version {
            version: self.version,
            operation,
            actor: self.actor,
            at: self.at,
            changed: self.changed,
            archived: self.archived,
            values: decode(register, &self.data),
        })
    }
}

fn operation(text: &str) -> Option<Operation> {
    Some(match text {
        "create" => Operation::Create,
        "edit" => Operation::Edit,
        "delete" => Operation::Delete,
        "restore" => Operation::Restore,
        "step" => Operation::Step,
        _ => return None,
    })
}

/// The versions of a record (alias `h`), online and archived, their place and actor's name,
/// for the condition that follows.
pub(super) fn versions(register: &Register, id: i64) -> Sql {
    let part = |table: &'static str, archived: &'static str| {
        Sql::new("SELECT id, version, operation, actor_id, at, changed, data, ")
            .push(archived)
            .push(" AS archived FROM ")
            .push(table)
            .push(" WHERE register = ")
            .bind(register.key())
            .push(" AND record_id = ")
            .bind(id)
    };
    Sql::new("SELECT h.version, h.operation, coalesce(u.display_name, '') AS actor, h.at, h.changed, ")
        .append(data_object(register.fields, Source::History))
        .push(
            " AS data, (h.data ->> 'village_id')::int AS village_id, (h.data ->> 'grid_id')::int AS grid_id, \
             coalesce(h.data -> 'extra', '{}'::jsonb) AS extra, h.archived FROM (",
        )
        .append(part("record_history", "false"))
        .push(" UNION ALL ")
        .append(part("record_history_archive", "true"))
        .push(") h LEFT JOIN users u ON u.id = h.actor_id WHERE true")
}

/// Whether the record (live or deleted) is in the user's scope: its history is readable, and
/// a deleted record can be restored.
pub(super) async fn exists(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    id: i64,
) -> Result<bool, AppError> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    let found: Found = Sql::new("SELECT EXISTS (SELECT 1 FROM ")
        .append(table(register))
        .push(" r WHERE r.id = ")
        .bind(id)
        .push(" AND ")
        .append(visible(user, "r"))
        .push(") AS found")
        .prepared()
        .get_result(conn)
        .await?;
    Ok(found.found)
}

/// A record's newest versions, newest first (at most [`HISTORY_PAGE`]).
pub async fn history(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
) -> Result<Vec<Version>, AppError> {
    history_before(conn, user, register, id, None).await
}

/// A record's versions older than version `before` (all: `None`), newest first, at most
/// [`HISTORY_PAGE`]: the keyset of the `(register, record_id, version)` indexes.
pub async fn history_before(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    before: Option<i32>,
) -> Result<Vec<Version>, AppError> {
    require(user, register, Action::View)?;
    if !exists(conn, user, register, id).await? {
        return Err(AppError::NotFound);
    }
    let mut query = versions(register, id);
    if let Some(before) = before {
        query = query.push(" AND h.version < ").bind(before);
    }
    let rows: Vec<VersionRow> = query
        .push(" ORDER BY h.version DESC, h.id DESC LIMIT ")
        .bind(HISTORY_PAGE as i64)
        .prepared()
        .load(conn)
        .await?;
    rows.into_iter().map(|row| row.into_version(register)).collect()
}

/// The version that was current at `at` (none: the record did not exist yet).
pub async fn as_of(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    at: DateTime<Utc>,
) -> Result<Option<Version>, AppError> {
    require(user, register, Action::View)?;
    if !exists(conn, user, register, id).await? {
        return Err(AppError::NotFound);
    }
    let row: Option<VersionRow> = versions(register, id)
        .push(" AND h.at <= ")
        .bind(at)
        .push(" ORDER BY h.version DESC, h.id DESC LIMIT 1")
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    row.map(|row| row.into_version(register)).transpose()
}

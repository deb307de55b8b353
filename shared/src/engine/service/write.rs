//! Writing records: create, edit, soft delete and restore, each in one transaction with its
//! history (the table's trigger, told the actor and the operation here) and its audit entry.
//! Every problem with a form is reported at once and nothing is written.

use chrono::{Datelike, Utc};
use diesel::QueryableByName;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{BigInt, Integer, Jsonb, Nullable};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value as Json};

use super::custom::in_use_and_retired;
use super::decode::{bind_value, encode};
use super::naming::next_numbers;
use super::place::{Located, locate};
use super::read::{VersionRow, versions};
use super::{base_table, name_field, require, table, target, visible, written};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::engine::custom::parse_extra;
use crate::engine::ddl::index_name;
use crate::engine::declare::{Field, Kind, Register, Target};
use crate::engine::record::Action;
use crate::engine::value::{RecordForm, Value, Values, parse_form};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::scope::ScopeFilter;
use crate::sql::Sql;

/// What the trigger writes into `record_history.operation`.
#[derive(Clone, Copy)]
pub(super) enum Operation {
    Create,
    Edit,
    Delete,
    Restore,
    Step,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Edit => "edit",
            Operation::Delete => "delete",
            Operation::Restore => "restore",
            Operation::Step => "step",
        }
    }
}

/// A new record; returns its id.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    form: &RecordForm,
) -> Result<i64, AppError> {
    require(user, register, Action::Create)?;
    let parsed = parse(conn, register, form).await?;
    let township = user.township_id;
    let place = locate(conn, user, register, township, form.village_id, form.grid_id).await?;
    let ((values, extra), place) = checked(parsed, place)?;
    let record = NewRecord { values, extra: extra.values, place };
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut problems = reference_problems(conn, user, register, &record.values).await?;
        problems.extend(unique_problems(conn, register, township, &record.values, None).await?);
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
        let ids = insert(conn, user, register, township, std::slice::from_ref(&record)).await?;
        audit_created(conn, user, register, township, &ids).await?;
        ids.into_iter().next().ok_or(AppError::Internal)
    })
    .await
}

/// A new record whose values and place are checked.
pub(super) struct NewRecord {
    pub values: Values,
    /// The custom fields' values (`extra`).
    pub extra: Map<String, Json>,
    pub place: Located,
}

/// Records per INSERT when writing many (one bound JSON array each).
const INSERT_CHUNK: usize = 500;

/// Writes checked new records of `register` in `township`, inside the caller's transaction:
/// the one way a new record is written, from a form (`create`, one) or a file (an import,
/// many). Each gets the workflow's first state, the series' next number (in the order given)
/// and its first version in the history (the trigger, told the actor here). The audit entries
/// are [`audit_created`]'s, which the caller writes once it has written them all.
pub(super) async fn insert(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    township: i32,
    records: &[NewRecord],
) -> Result<Vec<i64>, AppError> {
    let numbers = match register.naming.filter(|series| series.on_state.is_none()) {
        Some(series) => {
            let year = crate::time::today().year();
            let n = i32::try_from(records.len()).map_err(|_| AppError::Internal)?;
            next_numbers(conn, register, &series, year, n).await?
        }
        None => Vec::new(),
    };
    // Every record of the call enters the first state at once, with one deadline.
    let entered = Utc::now();
    let due = match register.workflow {
        Some(workflow) => super::deadline::due(conn, register, workflow.initial, entered).await?,
        None => None,
    };
    act_as(conn, user, Operation::Create).await?;
    #[derive(QueryableByName)]
    struct Created {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let columns = || {
        Sql::new(
            "township_id, village_id, grid_id, owner_id, number, state, state_since, state_due, extra, created_by, \
             updated_by",
        )
        .push(if register.is_runtime() { ", register" } else { "" })
        .append(field_columns(register, ", ", ""))
    };
    let mut ids = Vec::with_capacity(records.len());
    let mut numbers = numbers.into_iter();
    for chunk in records.chunks(INSERT_CHUNK) {
        let rows: Vec<Json> = chunk
            .iter()
            .map(|record| {
                let mut row = encode(&record.values);
                row.insert("township_id".into(), Json::from(township));
                row.insert("village_id".into(), Json::from(record.place.village_id));
                row.insert("grid_id".into(), Json::from(record.place.grid_id));
                row.insert("owner_id".into(), Json::from(user.id));
                row.insert("extra".into(), Json::Object(record.extra.clone()));
                row.insert("created_by".into(), Json::from(user.id));
                row.insert("updated_by".into(), Json::from(user.id));
                if register.is_runtime() {
                    row.insert("register".into(), Json::from(register.name));
                }
                if let Some(workflow) = register.workflow {
                    row.insert("state".into(), Json::from(workflow.initial));
                    row.insert("state_since".into(), Json::from(entered.to_rfc3339()));
                    row.insert("state_due".into(), due.map_or(Json::Null, |due| Json::from(due.to_rfc3339())));
                }
                if let Some(number) = numbers.next() {
                    row.insert("number".into(), Json::from(number));
                }
                Json::Object(row)
            })
            .collect();
        let created: Vec<Created> = Sql::new("INSERT INTO ")
            .append(written(register))
            .push(" (")
            .append(columns())
            .push(") SELECT ")
            .append(columns())
            .push(" FROM jsonb_populate_recordset(NULL::")
            .append(written(register))
            .push(", ")
            .append(Sql::value(Json::from(rows.clone()).to_string()).push("::jsonb"))
            .push(") RETURNING id")
            .query()
            .load(conn)
            .await
            .map_err(|error| taken(register, error))?;
        ids.extend(created.into_iter().map(|created| created.id));
        let written: Vec<Map<String, Json>> =
            rows.into_iter().filter_map(|row| if let Json::Object(row) = row { Some(row) } else { None }).collect();
        super::tally::created(conn, user, register, &written).await?;
        act_as(conn, user, Operation::Create).await?;
    }
    if let Some(workflow) = register.workflow {
        super::notice::entered(conn, register, &ids, workflow.initial, user.id).await?;
    }
    Ok(ids)
}

/// The audit entries of new records, one each, appended at once: an import holds the audit
/// chain's lock (to its commit) only from its last write, not through all of them.
pub(super) async fn audit_created(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    township: i32,
    ids: &[i64],
) -> Result<(), AppError> {
    let targets: Vec<String> = ids.iter().map(|id| format!("{}#{id}", register.key())).collect();
    audit::record_many(conn, township, Some(user.id), &user.display_name, AuditAction::CreateRecord, &targets, "").await
}

/// Edits a record: `form.version` must be the version stored, else `Conflict(RecordStale)`
/// and nothing changes. A form that changes nothing writes nothing.
pub async fn update(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    form: &RecordForm,
) -> Result<(), AppError> {
    require(user, register, Action::Edit)?;
    let parsed = parse(conn, register, form).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let current = lock(conn, user, register, id, true).await?;
        if form.version != Some(current.version) {
            return Err(AppError::Conflict(ErrorCode::RecordStale));
        }
        let place = locate(conn, user, register, current.township_id, form.village_id, form.grid_id).await?;
        let ((values, extra), place) = checked(parsed, place)?;
        let mut problems = reference_problems(conn, user, register, &values).await?;
        problems.extend(unique_problems(conn, register, current.township_id, &values, Some(id)).await?);
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
        super::tally::guard(conn, register, id, Some(&encode(&values))).await?;
        let change = Change { values, extra: ExtraChange::Custom(extra), place, deleted_at: None };
        rewrite(conn, user, register, &current, id, change, Operation::Edit).await
    })
    .await
}

/// Soft-deletes a record (it stays in the history and can be restored); `version` is the
/// version the user saw.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    version: i32,
) -> Result<(), AppError> {
    require(user, register, Action::Delete)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let current = lock(conn, user, register, id, true).await?;
        if current.version != version {
            return Err(AppError::Conflict(ErrorCode::RecordStale));
        }
        super::tally::guard(conn, register, id, None).await?;
        act_as(conn, user, Operation::Delete).await?;
        Sql::new("UPDATE ")
            .append(written(register))
            .push(" SET deleted_at = now(), version = version + 1, updated_at = now(), updated_by = ")
            .bind(user.id)
            .push(" WHERE id = ")
            .bind(id)
            .query()
            .execute(conn)
            .await?;
        audit_entry(conn, user, register, current.township_id, id, Operation::Delete).await
    })
    .await
}

/// Writes the values and place of an earlier version as a new version (undeleting the record
/// when the version was live). Restoring what the record already holds writes nothing.
pub async fn restore(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    version: i32,
) -> Result<(), AppError> {
    require(user, register, Action::Edit)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let current = lock(conn, user, register, id, false).await?;
        let old: VersionRow =
            versions(register, id).push(" AND h.version = ").bind(version).query().get_result(conn).await?;
        let place = Located { village_id: old.village_id, grid_id: old.grid_id };
        let deleted = deleted_at(conn, register, id, version).await?;
        let extra = old.extra.clone();
        let values = old.into_version(register)?.values;
        let problems = unique_problems(conn, register, current.township_id, &values, Some(id)).await?;
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
        super::tally::guard(conn, register, id, Some(&encode(&values))).await?;
        let change = Change { values, extra: ExtraChange::Whole(extra), place, deleted_at: Some(deleted) };
        rewrite(conn, user, register, &current, id, change, Operation::Restore).await
    })
    .await
}

/// A form's custom fields, checked: their values, and every key a custom field has (an
/// edit replaces those and keeps what `extra` holds beside them).
pub(super) struct Extra {
    values: Map<String, Json>,
    keys: Vec<String>,
}

/// The form's declared and custom fields, or every problem with either (the register's
/// custom fields read now: one added a moment ago on another server is checked too).
async fn parse(
    conn: &mut AsyncPgConnection,
    register: &Register,
    form: &RecordForm,
) -> Result<Result<(Values, Extra), Vec<FieldError>>, AppError> {
    let (custom, retired) = in_use_and_retired(conn, register).await?;
    let keys = custom.iter().map(|field| field.key.clone()).collect();
    // A form opened before a field was retired still posts it: that value is not taken (the
    // record keeps what it held under the key) and the rest of the form is saved.
    let posted = form.extra.iter().filter(|(key, _)| !retired.contains(key)).map(|(k, v)| (k.clone(), v.clone()));
    Ok(match (parse_form(register, &form.values), parse_extra(&custom, &posted.collect())) {
        (Ok(values), Ok(extra)) => Ok((values, Extra { values: extra, keys })),
        (values, extra) => {
            let mut problems = values.err().unwrap_or_default();
            problems.extend(extra.err().unwrap_or_default());
            Err(problems)
        }
    })
}

/// The form's values and place, or every problem with either.
fn checked<T>(
    parsed: Result<T, Vec<FieldError>>,
    place: Result<Located, Vec<FieldError>>,
) -> Result<(T, Located), AppError> {
    match (parsed, place) {
        (Ok(values), Ok(place)) => Ok((values, place)),
        (parsed, place) => {
            let mut problems = parsed.err().unwrap_or_default();
            problems.extend(place.err().unwrap_or_default());
            Err(AppError::Validation(problems))
        }
    }
}

/// The stored record as an edit starts from it, locked to the commit.
struct Current {
    version: i32,
    township_id: i32,
}

/// Locks a record in the user's scope (`live`: not deleted), or says it is not found.
async fn lock(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    id: i64,
    live: bool,
) -> Result<Current, AppError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Integer)]
        version: i32,
        #[diesel(sql_type = Integer)]
        township_id: i32,
    }
    let locked: Locked = Sql::new("SELECT r.version, r.township_id FROM ")
        .append(table(register))
        .push(" r WHERE r.id = ")
        .bind(id)
        .push(if live { " AND r.deleted_at IS NULL AND " } else { " AND " })
        .append(visible(user, "r"))
        .push(" FOR UPDATE")
        .query()
        .get_result(conn)
        .await?;
    Ok(Current { version: locked.version, township_id: locked.township_id })
}

/// Whether the record was deleted in `version` (the moment, as the history holds it).
async fn deleted_at(
    conn: &mut AsyncPgConnection,
    register: &Register,
    id: i64,
    version: i32,
) -> Result<Json, AppError> {
    #[derive(QueryableByName)]
    struct Deleted {
        #[diesel(sql_type = Nullable<Jsonb>)]
        deleted_at: Option<Json>,
    }
    // Online or archived (`read::versions`).
    let part = |table: &'static str| {
        Sql::new("SELECT h.data -> 'deleted_at' AS deleted_at FROM ")
            .push(table)
            .push(" h WHERE h.register = ")
            .bind(register.key())
            .push(" AND h.record_id = ")
            .bind(id)
            .push(" AND h.version = ")
            .bind(version)
    };
    let row: Deleted = part("record_history")
        .push(" UNION ALL ")
        .append(part("record_history_archive"))
        .push(" LIMIT 1")
        .query()
        .get_result(conn)
        .await?;
    Ok(row.deleted_at.unwrap_or(Json::Null))
}

/// What an edit or a restore writes.
struct Change {
    values: Values,
    extra: ExtraChange,
    place: Located,
    /// When restoring: the version's `deleted_at` (null: the record lives again).
    deleted_at: Option<Json>,
}

enum ExtraChange {
    /// An edit: the custom fields' values replace what `extra` held under their keys.
    Custom(Extra),
    /// A restore: `extra` as the version had it.
    Whole(Json),
}

/// Writes the declared fields, the custom fields and the place as a new version of a locked
/// record, if they differ from what it holds; `deleted_at` too when restoring.
async fn rewrite(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    current: &Current,
    id: i64,
    change: Change,
    operation: Operation,
) -> Result<(), AppError> {
    let Change { values, extra, place, deleted_at } = change;
    let mut row = encode(&values);
    row.insert("village_id".into(), Json::from(place.village_id));
    row.insert("grid_id".into(), Json::from(place.grid_id));
    let restoring = deleted_at.is_some();
    if let Some(deleted_at) = deleted_at {
        row.insert("deleted_at".into(), deleted_at);
    }
    let new_extra = match extra {
        ExtraChange::Custom(Extra { values, keys }) => {
            row.insert("extra".into(), Json::Object(values));
            Sql::new("(r.extra - ").bind(keys).push("::text[]) || p.extra")
        }
        ExtraChange::Whole(extra) => {
            row.insert("extra".into(), if extra.is_object() { extra } else { Json::Object(Map::new()) });
            Sql::new("p.extra")
        }
    };
    act_as(conn, user, operation).await?;
    let mut assignments =
        Sql::new("village_id = p.village_id, grid_id = p.grid_id, extra = ").append(new_extra.clone());
    let mut old = Sql::new("r.village_id, r.grid_id, r.extra");
    let mut new = Sql::new("p.village_id, p.grid_id, ").append(new_extra);
    if restoring {
        assignments = assignments.push(", deleted_at = p.deleted_at");
        old = old.push(", r.deleted_at");
        new = new.push(", p.deleted_at");
    }
    for field in register.fields {
        assignments = assignments.push(", ").push(field.name).push(" = p.").push(field.name);
        old = old.push(", r.").push(field.name);
        new = new.push(", p.").push(field.name);
    }
    let changed = Sql::new("UPDATE ")
        .append(written(register))
        .push(" r SET ")
        .append(assignments)
        .push(", version = r.version + 1, updated_at = now(), updated_by = ")
        .bind(user.id)
        .push(" FROM jsonb_populate_record(NULL::")
        .append(written(register))
        .push(", ")
        .append(json(row))
        .push(") p WHERE r.id = ")
        .bind(id)
        .push(" AND ROW(")
        .append(old)
        .push(") IS DISTINCT FROM ROW(")
        .append(new)
        .push(")")
        .query()
        .execute(conn)
        .await
        .map_err(|error| taken(register, error))?;
    if changed > 0 {
        audit_entry(conn, user, register, current.township_id, id, operation).await?;
    }
    Ok(())
}

/// The declared fields' columns, each with `prefix`, each after `separator`.
fn field_columns(register: &Register, separator: &'static str, prefix: &'static str) -> Sql {
    register.fields.iter().fold(Sql::new(""), |sql, field| sql.push(separator).push(prefix).push(field.name))
}

/// A JSON object bound as one `jsonb` parameter.
fn json(row: Map<String, Json>) -> Sql {
    Sql::value(Json::Object(row).to_string()).push("::jsonb")
}

/// Tells the history trigger who acts and what they do, for this transaction only.
pub(super) async fn act_as(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    operation: Operation,
) -> Result<(), AppError> {
    Sql::new("SELECT set_config('tongguan.actor', ")
        .bind(user.id.to_string())
        .push(", true), set_config('tongguan.operation', ")
        .bind(operation.as_str())
        .push(", true)")
        .query()
        .execute(conn)
        .await?;
    Ok(())
}

async fn audit_entry(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    township: i32,
    id: i64,
    operation: Operation,
) -> Result<(), AppError> {
    let action = match operation {
        Operation::Create => AuditAction::CreateRecord,
        Operation::Edit => AuditAction::EditRecord,
        Operation::Delete => AuditAction::DeleteRecord,
        Operation::Restore => AuditAction::RestoreRecord,
        Operation::Step => AuditAction::StepRecord,
    };
    let target = format!("{}#{id}", register.key());
    audit::record(conn, township, Some(user.id), &user.display_name, action, &target, "").await
}

/// A unique value taken by a concurrent record between the check and the write (the unique
/// index of the field): said as the field's error, never a 500.
fn taken(register: &Register, error: DieselError) -> AppError {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        let constraint = info.constraint_name().unwrap_or_default();
        if let Some(field) = register
            .fields
            .iter()
            .find(|field| field.unique && index_name(register.table, field.name, "key") == constraint)
        {
            return AppError::field(field.name, ErrorCode::FieldTaken);
        }
    }
    error.into()
}

/// Fields whose value another live record of the township already has.
async fn unique_problems(
    conn: &mut AsyncPgConnection,
    register: &Register,
    township: i32,
    values: &Values,
    except: Option<i64>,
) -> Result<Vec<FieldError>, AppError> {
    let mut problems = Vec::new();
    for field in register.fields.iter().filter(|field| field.unique) {
        let Some(value) = values.get(field.name) else { continue };
        let found = count(
            conn,
            Sql::new("SELECT count(*) AS n FROM ")
                .append(table(register))
                .push(" r WHERE r.township_id = ")
                .bind(township)
                .push(" AND r.deleted_at IS NULL AND r.")
                .push(field.name)
                .push(" = ")
                .append(bind_value(value))
                .push(" AND r.id <> ")
                .bind(except.unwrap_or(0)),
        )
        .await?;
        if found > 0 {
            problems.push(FieldError::new(field.name, ErrorCode::FieldTaken));
        }
    }
    Ok(problems)
}

/// Reference and user fields naming what does not exist or the user may not see: a live
/// record of the register in scope, base data in scope, an active user of the township.
async fn reference_problems(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    values: &Values,
) -> Result<Vec<FieldError>, AppError> {
    let mut problems = Vec::new();
    for field in register.fields {
        let ids = match values.get(field.name) {
            Some(Value::Id(id)) => vec![*id],
            Some(Value::Ids(ids)) if matches!(field.kind, Kind::Users) => ids.clone(),
            _ => continue,
        };
        let mut wanted = ids.clone();
        wanted.sort_unstable();
        wanted.dedup();
        let Some(source) = reference_source(user, register, field)? else { continue };
        let found = count(
            conn,
            Sql::new("SELECT count(*) AS n ")
                .append(source.from)
                .push(" AND t.id = ANY (")
                .bind(wanted.clone())
                .push(")"),
        )
        .await?;
        if found != wanted.len() as i64 {
            problems.push(FieldError::new(field.name, ErrorCode::FieldNotAReference));
        }
    }
    Ok(problems)
}

/// What a reference or user field may point at, for `user`.
pub(super) struct ReferenceSource {
    /// `FROM <table> t WHERE <what the user may pick>`: a live record of the register in
    /// scope, base data in scope, an active user of the township.
    pub from: Sql,
    /// The column of `t` that names a row (what a person types for it in a file).
    pub name: &'static str,
}

/// The rows `field` may point at (`None`: the field is not a reference).
pub(super) fn reference_source(
    user: &SessionUser,
    register: &'static Register,
    field: &Field,
) -> Result<Option<ReferenceSource>, AppError> {
    let scope = ScopeFilter::for_user(user);
    let base = |target: Target, rows: Sql| {
        base_table(target).map(|(table, name)| ReferenceSource {
            from: Sql::new("FROM ").push(table).push(" t WHERE ").append(rows),
            name,
        })
    };
    let source = match field.kind {
        Kind::Reference(Target::Register(key)) => {
            let Some(other) = target(register, key) else {
                tracing::error!(register = %register.key(), field = field.name, key, "reference to an unknown register");
                return Err(AppError::Internal);
            };
            let Some(name) = name_field(other) else { return Ok(None) };
            Some(ReferenceSource {
                from: Sql::new("FROM reg.")
                    .push(other.table)
                    .push(" t WHERE t.deleted_at IS NULL AND ")
                    .append(visible(user, "t")),
                name: name.name,
            })
        }
        Kind::Reference(target @ Target::Village) => base(target, scope.villages("t")),
        Kind::Reference(target @ Target::Grid) => base(target, scope.grids("t")),
        Kind::Reference(target @ Target::EventCategory) => base(target, Sql::new("t.active")),
        Kind::Reference(target @ Target::Department) => {
            base(target, Sql::new("t.township_id = ").bind(user.township_id))
        }
        Kind::Reference(target) => base(target, scope.rows("t")),
        Kind::User | Kind::Users => Some(ReferenceSource {
            from: Sql::new("FROM users t WHERE t.status = 'active' AND t.township_id = ").bind(user.township_id),
            name: "display_name",
        }),
        _ => None,
    };
    Ok(source)
}

/// The `n` a counting query answers (also the workflow's approvals, `step.rs`).
pub(super) async fn count(conn: &mut AsyncPgConnection, sql: Sql) -> Result<i64, AppError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let counted: Count = sql.query().get_result(conn).await?;
    Ok(counted.n)
}

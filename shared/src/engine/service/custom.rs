//! A register's custom fields (`crate::engine::custom`): read on every request (a field added
//! on one server process is seen by all at once), added, changed and retired by a user with
//! the register's `configure` permission. A filterable field gets its expression index built
//! concurrently: PostgreSQL reads the table without a lock that stops writes and never
//! rewrites it. Nothing here touches the records: a relabelled field keeps its key, so its
//! values keep their meaning; a retired one keeps its values in `extra` and in the history,
//! and comes back with them when reinstated.

use diesel::QueryableByName;
use diesel::sql_types::{Bool, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Language, require, write::count};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::engine::custom::{ConfiguredField, CustomField, CustomFieldForm, CustomKind, FIELDS_MAX};
use crate::engine::declare::Register;
use crate::engine::record::Action;
use crate::error::{AppError, ErrorCode};
use crate::sql::Sql;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    label_zh: String,
    #[diesel(sql_type = Text)]
    label_en: String,
    #[diesel(sql_type = Bool)]
    required: bool,
    #[diesel(sql_type = Bool)]
    in_list: bool,
    #[diesel(sql_type = Bool)]
    filterable: bool,
    #[diesel(sql_type = Jsonb)]
    options: serde_json::Value,
    #[diesel(sql_type = Bool)]
    retired: bool,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
}

impl CustomField {
    /// Its label in `language` (an administrator writes both).
    pub fn label(&self, language: Language) -> &str {
        match language {
            Language::Chinese => &self.label_zh,
            Language::English => &self.label_en,
        }
    }
}

/// The register's custom fields in use (not retired), in the order they were added: what its
/// forms, lists, filters, statistics, imports and exports show.
pub async fn custom_fields(conn: &mut AsyncPgConnection, register: &Register) -> Result<Vec<CustomField>, AppError> {
    let rows = rows(conn, register).await?;
    rows.into_iter().filter(|row| !row.retired).map(|row| decoded(register, row)).collect()
}

/// The register's custom fields in use, and the keys of its retired ones (what a form opened
/// before a retirement may still post).
pub(super) async fn in_use_and_retired(
    conn: &mut AsyncPgConnection,
    register: &Register,
) -> Result<(Vec<CustomField>, Vec<String>), AppError> {
    let (in_use, retired) = in_use_and_retired_fields(conn, register).await?;
    Ok((in_use, retired.into_iter().map(|field| field.key).collect()))
}

/// The register's custom fields in use, and its retired ones (whose columns an import made
/// from an older export may still carry).
pub(super) async fn in_use_and_retired_fields(
    conn: &mut AsyncPgConnection,
    register: &Register,
) -> Result<(Vec<CustomField>, Vec<CustomField>), AppError> {
    let (retired, in_use): (Vec<Row>, Vec<Row>) = rows(conn, register).await?.into_iter().partition(|row| row.retired);
    let decode = |rows: Vec<Row>| rows.into_iter().map(|row| decoded(register, row)).collect::<Result<Vec<_>, _>>();
    Ok((decode(in_use)?, decode(retired)?))
}

/// Every custom field of the register, retired ones too, for those who configure it.
pub async fn configured_fields(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
) -> Result<Vec<ConfiguredField>, AppError> {
    require(user, register, Action::Configure)?;
    rows(conn, register)
        .await?
        .into_iter()
        .map(|row| {
            let retired = row.retired;
            Ok(ConfiguredField { field: decoded(register, row)?, retired })
        })
        .collect()
}

async fn rows(conn: &mut AsyncPgConnection, register: &Register) -> Result<Vec<Row>, AppError> {
    let rows = Sql::new(
        "SELECT id, key, kind, label_zh, label_en, required, in_list, filterable, options, \
         retired_at IS NOT NULL AS retired FROM custom_fields WHERE register = ",
    )
    .bind(register.key())
    .push(" ORDER BY position, id")
    .prepared()
    .load(conn)
    .await?;
    Ok(rows)
}

fn decoded(register: &Register, row: Row) -> Result<CustomField, AppError> {
    let kind = CustomKind::parse(&row.kind).ok_or_else(|| {
        tracing::error!(register = %register.key(), key = %row.key, kind = %row.kind, "unknown custom field kind");
        AppError::Internal
    })?;
    let options = serde_json::from_value(row.options).unwrap_or_default();
    Ok(CustomField {
        key: row.key,
        kind,
        label_zh: row.label_zh,
        label_en: row.label_en,
        required: row.required,
        in_list: row.in_list,
        filterable: row.filterable,
        options,
    })
}

/// The custom field `key` of the register (retired or not) and its row's id; a 404 when
/// there is none.
async fn one(conn: &mut AsyncPgConnection, register: &Register, key: &str) -> Result<(i32, CustomField), AppError> {
    let row = rows(conn, register).await?.into_iter().find(|row| row.key == key).ok_or(AppError::NotFound)?;
    let id = row.id;
    Ok((id, decoded(register, row)?))
}

/// Adds a custom field; a filterable one is indexed before this returns, so its first filter
/// is as fast as its thousandth. Every problem with the form is said at once.
pub async fn add_custom_field(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    form: &CustomFieldForm,
) -> Result<CustomField, AppError> {
    require(user, register, Action::Configure)?;
    // Retired fields keep their keys: their values are still in the records.
    let existing: Vec<CustomField> =
        rows(conn, register).await?.into_iter().map(|row| decoded(register, row)).collect::<Result<_, _>>()?;
    let field = form
        .parse(|key| register.field(key).is_some() || existing.iter().any(|field| field.key == key))
        .map_err(AppError::Validation)?;
    if existing.len() as i64 >= FIELDS_MAX {
        return Err(AppError::field("key", ErrorCode::CustomFieldTooMany));
    }
    #[derive(QueryableByName)]
    struct Added {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        id: i32,
    }
    // The UNIQUE (register, key) constraint settles two administrators adding one key at once.
    let added: Added = Sql::new(
        "INSERT INTO custom_fields (register, key, kind, label_zh, label_en, required, in_list, filterable, \
         options, position) SELECT ",
    )
    .bind(register.key())
    .push(", ")
    .bind(field.key.clone())
    .push(", ")
    .bind(field.kind.code())
    .push(", ")
    .bind(field.label_zh.clone())
    .push(", ")
    .bind(field.label_en.clone())
    .push(", ")
    .bind(field.required)
    .push(", ")
    .bind(field.in_list)
    .push(", ")
    .bind(field.filterable)
    .push(", ")
    .bind(serde_json::Value::from(field.options.clone()).to_string())
    .push("::jsonb, coalesce(max(position), 0) + 1 FROM custom_fields WHERE register = ")
    .bind(register.key())
    .push(" RETURNING id")
    .query()
    .get_result(conn)
    .await
    .map_err(|error| match error {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            AppError::field("key", ErrorCode::CustomFieldKeyTaken)
        }
        other => other.into(),
    })?;
    if field.filterable {
        index(conn, register, added.id, &field.key).await?;
    }
    let target = format!("{}.{}", register.key(), field.key);
    audit::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::AddCustomField,
        &target,
        field.kind.code(),
    )
    .await?;
    Ok(field)
}

/// Changes a custom field as `form` says (labels, required, shown in the list, filterable, a
/// choice's options: see [`CustomField::changed`]); its key and kind stay. Made filterable, it
/// is indexed before this returns; no longer filterable, its index is dropped (concurrently:
/// writers are not stopped), so records do not pay for an index nobody uses.
pub async fn change_custom_field(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    form: &CustomFieldForm,
) -> Result<CustomField, AppError> {
    require(user, register, Action::Configure)?;
    let (id, old) = one(conn, register, form.key.trim()).await?;
    let field = old.changed(form).map_err(AppError::Validation)?;
    Sql::new("UPDATE custom_fields SET label_zh = ")
        .bind(field.label_zh.clone())
        .push(", label_en = ")
        .bind(field.label_en.clone())
        .push(", required = ")
        .bind(field.required)
        .push(", in_list = ")
        .bind(field.in_list)
        .push(", filterable = ")
        .bind(field.filterable)
        .push(", options = ")
        .bind(serde_json::Value::from(field.options.clone()).to_string())
        .push("::jsonb WHERE id = ")
        .bind(id)
        .query()
        .execute(conn)
        .await?;
    if field.filterable && !old.filterable {
        index(conn, register, id, &field.key).await?;
    } else if !field.filterable && old.filterable {
        drop_index(conn, id).await?;
    }
    let target = format!("{}.{}", register.key(), field.key);
    audit::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::ChangeCustomField,
        &target,
        "",
    )
    .await?;
    Ok(field)
}

/// Retires a custom field (`retired`), or reinstates it. Retired, it is on no form, list,
/// filter, statistic, import or export; its values stay in the records' `extra` (an edit of a
/// record keeps them, as it keeps any key it does not know) and come back when it is
/// reinstated. Its index is kept, so a reinstated filter is fast at once.
pub async fn retire_custom_field(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    key: &str,
    retired: bool,
) -> Result<(), AppError> {
    require(user, register, Action::Configure)?;
    let (id, field) = one(conn, register, key).await?;
    Sql::new("UPDATE custom_fields SET retired_at = CASE WHEN ")
        .bind(retired)
        .push(" THEN coalesce(retired_at, now()) END WHERE id = ")
        .bind(id)
        .query()
        .execute(conn)
        .await?;
    let action = if retired { AuditAction::RetireCustomField } else { AuditAction::ReinstateCustomField };
    let target = format!("{}.{}", register.key(), field.key);
    audit::record(conn, user.township_id, Some(user.id), &user.display_name, action, &target, "").await?;
    Ok(())
}

/// `CREATE INDEX CONCURRENTLY` on `(extra ->> key)` of live records (after `register` in the
/// run-time registers' shared table), named by the field's
/// id. DDL takes no parameters: the key is one the form and the table's CHECK allow
/// (`^[a-z][a-z0-9_]{0,39}$`), so it is written as it is. A build that fails leaves an
/// invalid index behind, which is dropped so that the field can be indexed again.
async fn index(conn: &mut AsyncPgConnection, register: &Register, id: i32, key: &str) -> Result<(), AppError> {
    let name = index_name(id);
    debug_assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
    // The run-time registers' shared table: the register's name leads, as it leads every
    // query of one of them (a name is checked as a key is).
    // Then the list's default order, as a declared filter's index (`ddl::indexes`): a filter
    // on the field reads its newest page from the index.
    let leading = if register.is_runtime() { "register, " } else { "" };
    let sort = register.sort.column;
    let order = if sort == "id" { "id".to_owned() } else { format!("{sort}, id") };
    let create = format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON reg.{table} ({leading}(extra ->> '{key}'), {order}) \
         WHERE deleted_at IS NULL",
        table = register.table
    );
    if let Err(error) = diesel::sql_query(create).execute(conn).await {
        tracing::error!(register = %register.key(), key, %error, "building a custom field's index failed");
        let _ = drop_index(conn, id).await;
        return Err(error.into());
    }
    Ok(())
}

/// A custom field's index is named by the field's id (DDL takes no parameters: the name is
/// made of a number the database gave).
fn index_name(id: i32) -> String {
    format!("custom_field_{id}")
}

/// Drops a custom field's index without stopping writers.
async fn drop_index(conn: &mut AsyncPgConnection, id: i32) -> Result<(), AppError> {
    let drop = format!("DROP INDEX CONCURRENTLY IF EXISTS reg.{}", index_name(id));
    diesel::sql_query(drop).execute(conn).await?;
    Ok(())
}

/// Whether the custom field's index exists and is valid (what a test and an operator ask).
pub async fn indexed(conn: &mut AsyncPgConnection, register: &Register, key: &str) -> Result<bool, AppError> {
    let found = count(
        conn,
        Sql::new(
            "SELECT count(*) AS n FROM custom_fields f JOIN pg_class c ON c.relname = 'custom_field_' || f.id \
             JOIN pg_index i ON i.indexrelid = c.oid WHERE i.indisvalid AND f.register = ",
        )
        .bind(register.key())
        .push(" AND f.key = ")
        .bind(key.to_owned()),
    )
    .await?;
    Ok(found > 0)
}

//! A register's custom fields (`crate::engine::custom`): read on every request (a field added
//! on one server process is seen by all at once), added by a user with the register's
//! `configure` permission. A filterable field gets its expression index built concurrently:
//! PostgreSQL reads the table without a lock that stops writes and never rewrites it.

use diesel::QueryableByName;
use diesel::sql_types::{Bool, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{require, write::count};
use crate::accounts::SessionUser;
use crate::audit::service as audit;
use crate::engine::custom::{CustomField, CustomFieldForm, CustomKind, FIELDS_MAX};
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
}

/// The register's custom fields, in the order they were added.
pub async fn custom_fields(conn: &mut AsyncPgConnection, register: &Register) -> Result<Vec<CustomField>, AppError> {
    let rows: Vec<Row> = Sql::new(
        "SELECT key, kind, label_zh, label_en, required, in_list, filterable, options FROM custom_fields \
         WHERE register = ",
    )
    .bind(register.key())
    .push(" ORDER BY position, id")
    .query()
    .load(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
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
        })
        .collect()
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
    let existing = custom_fields(conn, register).await?;
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
        "custom_field.add",
        &target,
        field.kind.code(),
    )
    .await?;
    Ok(field)
}

/// `CREATE INDEX CONCURRENTLY` on `(extra ->> key)` of live records, named by the field's
/// id. DDL takes no parameters: the key is one the form and the table's CHECK allow
/// (`^[a-z][a-z0-9_]{0,39}$`), so it is written as it is. A build that fails leaves an
/// invalid index behind, which is dropped so that the field can be indexed again.
async fn index(conn: &mut AsyncPgConnection, register: &Register, id: i32, key: &str) -> Result<(), AppError> {
    let name = format!("custom_field_{id}");
    debug_assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
    let create = format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON reg.{table} ((extra ->> '{key}')) WHERE deleted_at IS NULL",
        table = register.table
    );
    if let Err(error) = diesel::sql_query(create).execute(conn).await {
        tracing::error!(register = %register.key(), key, %error, "building a custom field's index failed");
        let _ = diesel::sql_query(format!("DROP INDEX CONCURRENTLY IF EXISTS reg.{name}")).execute(conn).await;
        return Err(error.into());
    }
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

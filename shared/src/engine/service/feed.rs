//! A register's change feed, for the data-sharing API (R-7.4): the records in the reader's
//! scope in the order of their last change, `(updated_at, id)`, after a cursor and from a
//! time — deleted ones too, so a receiving system learns of a deletion. Read through the
//! register's `<table>_updated_at_feed` index (`ddl::indexes`): a page costs what its rows
//! cost, however long the register. The values are the declared fields, decoded by the
//! declaration, and the custom fields as stored; what a partner may see of them is the
//! sharing service's to decide.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::decode::{Source, data_object, decode};
use super::{require, table, visible};
use crate::accounts::SessionUser;
use crate::engine::declare::Register;
use crate::engine::record::Action;
use crate::engine::value::Values;
use crate::error::AppError;
use crate::sql::Sql;

/// Where a page of the feed starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedFrom {
    /// Records changed at or after it.
    pub since: Option<DateTime<Utc>>,
    /// After this record's `(updated_at, id)`.
    pub after: Option<(DateTime<Utc>, i64)>,
    pub limit: i64,
}

/// One record as the feed gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedRecord {
    pub id: i64,
    pub number: Option<String>,
    pub state: Option<String>,
    /// The codes of its village and grid, where it has them.
    pub village: Option<String>,
    pub grid: Option<String>,
    /// The declared fields (empty for a deleted record).
    pub values: Values,
    /// The custom fields as stored (`{}` for a deleted record).
    pub extra: serde_json::Value,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    state: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    village: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    grid: Option<String>,
    #[diesel(sql_type = Jsonb)]
    data: serde_json::Value,
    #[diesel(sql_type = Jsonb)]
    extra: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    deleted_at: Option<DateTime<Utc>>,
}

/// At most `from.limit` records of the register the reader may view, in the feed's order.
pub async fn feed(
    conn: &mut AsyncPgConnection,
    reader: &SessionUser,
    register: &'static Register,
    from: FeedFrom,
) -> Result<Vec<FeedRecord>, AppError> {
    require(reader, register, Action::View)?;
    let mut conditions = vec![visible(reader, "r")];
    if let Some(since) = from.since {
        conditions.push(Sql::new("r.updated_at >= ").bind(since));
    }
    if let Some((at, id)) = from.after {
        conditions.push(Sql::new("(r.updated_at, r.id) > (").bind(at).push(", ").bind(id).push(")"));
    }
    // A deleted record's values are not read: the feed says only that it is gone.
    let rows: Vec<Row> = Sql::new(
        "SELECT r.id, r.number, r.state, v.code AS village, g.code AS grid, r.updated_at, r.deleted_at, \
                CASE WHEN r.deleted_at IS NULL THEN ",
    )
    .append(data_object(register.fields, Source::Row))
    .push(" ELSE '{}'::jsonb END AS data, CASE WHEN r.deleted_at IS NULL THEN r.extra ELSE '{}'::jsonb END AS extra FROM ")
    .append(table(register))
    .push(" r LEFT JOIN villages v ON v.id = r.village_id LEFT JOIN grids g ON g.id = r.grid_id WHERE ")
    .append(Sql::all(conditions))
    .push(" ORDER BY r.updated_at, r.id LIMIT ")
    .bind(from.limit)
    .prepared()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| FeedRecord {
            values: decode(register, &row.data),
            id: row.id,
            number: row.number,
            state: row.state,
            village: row.village,
            grid: row.grid,
            extra: row.extra,
            updated_at: row.updated_at,
            deleted_at: row.deleted_at,
        })
        .collect())
}

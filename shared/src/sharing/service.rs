//! The reads of the data-sharing API. Each starts from the key's reader ([`reader`]) and the
//! same conditions a person's reads use (`events::service::visible`, the statistics of the
//! events module), so a key sees no more than a township-wide reader with its scopes would.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Jsonb, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{
    Cursor, EventFeed, FeedQuery, SharedEvent, SharedGrid, SharedStats, SharedStatsRow, SharedVillage, StatsQuery, mask,
};
use crate::accounts::{SessionUser, UserKind};
use crate::credentials::ApiScope;
use crate::credentials::service::ApiClient;
use crate::engine::declare::{Register, Sharing};
use crate::engine::record::Action;
use crate::error::AppError;
use crate::events::service::visible;
use crate::events::types::{EventFilter, StatsRow};
use crate::permissions::{DataScope, Permission, PermissionSet};
use crate::personal::Column;
use crate::personal::service::open_text;
use crate::sql::Sql;

mod records;
pub use records::{datasets, records};

/// The reader a key reads as: the whole township, with the permissions its scopes stand
/// for (events and their statistics are read through the events module's own checks; the
/// personal-data scope is the permission that shows contact details to staff).
pub fn reader(client: &ApiClient) -> SessionUser {
    let mut permissions = PermissionSet::new();
    if client.may(ApiScope::EventsRead) || client.may(ApiScope::StatsRead) {
        permissions.insert(Permission::EventsView);
    }
    if client.may(ApiScope::StatsRead) {
        permissions.insert(Permission::EventsStats);
    }
    if client.may(ApiScope::PersonalData) {
        permissions.insert(Permission::PersonalDataView);
    }
    // A register is read through the engine's own check: the view of each register the key
    // may share (the same code a person's role grants).
    let records = crate::modules::registers()
        .filter(|register| client.may(ApiScope::RecordsRead) && shared_with(register, client))
        .map(|register| Action::View.code(register))
        .collect();
    let (scope, village_id) = match client.village_id {
        Some(village) => (DataScope::Village, Some(village)),
        None => (DataScope::Township, None),
    };
    SessionUser {
        // No person: nothing it reads is "its own" (no event has reporter or assignee 0).
        id: 0,
        username: client.prefix.clone(),
        display_name: format!("接口：{}", client.name),
        kind: UserKind::Staff,
        township_id: client.township_id,
        township_name: String::new(),
        village_id,
        grid_id: None,
        department_id: None,
        role_names: Vec::new(),
        permissions,
        scope,
        records,
        registers: Vec::new(),
        password_due: None,
        second_factor_due: false,
    }
}

/// Whether a key with the `records.read` scope may read the register: an openly shared one
/// (无条件共享) always, a conditionally shared one (有条件共享) when granted by name, one not
/// to be shared (不予共享) never; a child table only inside its parent's records, which the
/// API does not serve.
pub fn shared_with(register: &Register, client: &ApiClient) -> bool {
    register.parent.is_none()
        && match register.sharing {
            Sharing::Open => true,
            Sharing::Conditional => client.datasets.iter().any(|key| *key == register.key()),
            Sharing::None => false,
        }
}

#[derive(QueryableByName)]
struct EventRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    channel: String,
    #[diesel(sql_type = Text)]
    category_code: String,
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = Text)]
    priority: String,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Text)]
    address: String,
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lon: f64,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Text)]
    grid: String,
    #[diesel(sql_type = Nullable<Text>)]
    department: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    reported_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    deadline: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    contact_name: String,
    #[diesel(sql_type = Text)]
    contact_phone: String,
    #[diesel(sql_type = Nullable<SmallInt>)]
    satisfaction: Option<i16>,
}

/// Rows were read one more than `limit` asked: cuts them to the page and returns the cursor
/// of the next page, if there is one.
fn next_page<T>(rows: &mut Vec<T>, limit: i64, cursor: impl Fn(&T) -> Cursor) -> Option<String> {
    if rows.len() as i64 <= limit {
        return None;
    }
    rows.truncate(limit as usize);
    rows.last().map(|row| cursor(row).encode())
}

/// A page of the events the key may read, in the order of their last change, from
/// `updated_since` and after the cursor.
pub async fn events(
    conn: &mut AsyncPgConnection,
    reader: &SessionUser,
    query: &FeedQuery,
) -> Result<EventFeed, AppError> {
    if !reader.can(Permission::EventsView) {
        return Err(AppError::Forbidden);
    }
    let mut sql = Sql::new(
        "SELECT e.id, e.number, e.channel, c.code AS category_code, c.name AS category, e.priority, e.state, e.title, \
                e.description, e.address, ST_Y(e.location) AS lat, ST_X(e.location) AS lon, v.name AS village, \
                g.name AS grid, d.name AS department, e.reported_at, e.deadline, e.closed_at, e.updated_at, \
                e.contact_name, e.contact_phone, e.satisfaction \
         FROM events e JOIN event_categories c ON c.id = e.category_id JOIN villages v ON v.id = e.village_id \
         JOIN grids g ON g.id = e.grid_id LEFT JOIN departments d ON d.id = e.department_id WHERE ",
    )
    .append(visible(reader));
    if let Some(since) = query.updated_since {
        sql = sql.push(" AND e.updated_at >= ").bind(since);
    }
    if let Some(Cursor { at, id }) = query.after {
        sql = sql.push(" AND (e.updated_at, e.id) > (").bind(at).push(", ").bind(id).push(")");
    }
    // One row more than asked: whether there is a next page.
    let mut rows: Vec<EventRow> =
        sql.push(" ORDER BY e.updated_at, e.id LIMIT ").bind(query.limit + 1).query().load(conn).await?;
    let next = next_page(&mut rows, query.limit, |r| Cursor { at: r.updated_at, id: r.id });
    let personal = reader.can(Permission::PersonalDataView);
    let data = rows
        .into_iter()
        .map(|r| {
            let phone = open_text(Column::EventContactPhone, &r.contact_phone)?;
            Ok(SharedEvent {
                contact_name: if personal { r.contact_name } else { mask::name(&r.contact_name) },
                contact_phone: if personal { phone } else { mask::phone(&phone) },
                number: r.number,
                channel: r.channel,
                category_code: r.category_code,
                category: r.category,
                priority: r.priority,
                state: r.state,
                title: r.title,
                description: r.description,
                address: r.address,
                lat: r.lat,
                lon: r.lon,
                village: r.village,
                grid: r.grid,
                department: r.department,
                reported_at: r.reported_at,
                deadline: r.deadline,
                closed_at: r.closed_at,
                updated_at: r.updated_at,
                satisfaction: r.satisfaction,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(EventFeed { data, next })
}

fn stats_row(row: StatsRow) -> SharedStatsRow {
    SharedStatsRow {
        key: row.key,
        reported: row.reported,
        closed: row.closed,
        on_time: row.on_time,
        overdue_open: row.overdue_open,
        avg_hours: row.avg_hours,
        p90_hours: row.p90_hours,
        satisfaction: row.satisfaction,
    }
}

/// The events' statistics over a period, grouped as asked: the events module's own.
pub async fn stats(
    conn: &mut AsyncPgConnection,
    reader: &SessionUser,
    query: &StatsQuery,
) -> Result<SharedStats, AppError> {
    let filter = EventFilter { from: query.from, to: query.to, ..EventFilter::default() };
    let stats = crate::events::service::stats::stats(conn, reader, &filter, query.by).await?;
    Ok(SharedStats {
        by: query.by.as_str().to_owned(),
        rows: stats.rows.into_iter().map(stats_row).collect(),
        total: stats_row(stats.total),
    })
}

/// The village a key limited to one reads, else none (the whole township).
fn limited_to(reader: &SessionUser) -> Option<i32> {
    if reader.scope == DataScope::Village { reader.village_id } else { None }
}

/// The township's villages and communities with their boundaries (the key's one, if it is
/// limited to one).
pub async fn villages(conn: &mut AsyncPgConnection, reader: &SessionUser) -> Result<Vec<SharedVillage>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        code: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Jsonb)]
        boundary: serde_json::Value,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT code, name, kind, ST_AsGeoJSON(boundary, 6)::jsonb AS boundary FROM villages \
         WHERE township_id = $1 AND ($2::integer IS NULL OR id = $2) ORDER BY code",
    )
    .bind::<diesel::sql_types::Integer, _>(reader.township_id)
    .bind::<Nullable<diesel::sql_types::Integer>, _>(limited_to(reader))
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SharedVillage { code: r.code, name: r.name, kind: r.kind, boundary: r.boundary })
        .collect())
}

/// The township's grids with their boundaries (the key's village's, if it is limited to one).
pub async fn grids(conn: &mut AsyncPgConnection, reader: &SessionUser) -> Result<Vec<SharedGrid>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        code: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        village_code: String,
        #[diesel(sql_type = Jsonb)]
        boundary: serde_json::Value,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT g.code, g.name, v.code AS village_code, ST_AsGeoJSON(g.boundary, 6)::jsonb AS boundary \
         FROM grids g JOIN villages v ON v.id = g.village_id \
         WHERE g.township_id = $1 AND ($2::integer IS NULL OR g.village_id = $2) ORDER BY g.code",
    )
    .bind::<diesel::sql_types::Integer, _>(reader.township_id)
    .bind::<Nullable<diesel::sql_types::Integer>, _>(limited_to(reader))
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SharedGrid { code: r.code, name: r.name, village_code: r.village_code, boundary: r.boundary })
        .collect())
}

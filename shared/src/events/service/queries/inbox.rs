//! The inbox: a filtered page of events, every row of a filter for exports, and the counts
//! on the inbox's tabs, the dashboard and the big screen.

use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::filter::{OPEN, RUNNING, filter_conditions, warning_interval};
use super::rows::{Count, EVENT_ROW_SQL, RawRow};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::service::visible;
use crate::events::types::{EventFilter, EventRow, StateCounts};
use crate::paging::{DEFAULT_PER_PAGE, MAX_PER_PAGE, Page};
use crate::permissions::codes;
use crate::sql::Sql;

/// The inbox: newest first (or soonest deadline first), 50 a page at most.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    by_deadline: bool,
) -> Result<Page<EventRow>, AppError> {
    if !user.can(codes::EVENTS_VIEW) && !filter.mine {
        return Err(AppError::Forbidden);
    }
    let per_page = if filter.per_page <= 0 { DEFAULT_PER_PAGE } else { filter.per_page.min(MAX_PER_PAGE) };
    let page = filter.page.max(1);
    let conditions = filter_conditions(conn, user, filter).await?;
    let order = if by_deadline { " ORDER BY e.deadline, e.id" } else { " ORDER BY e.reported_at DESC, e.id DESC" };
    let rows: Vec<RawRow> = Sql::new(EVENT_ROW_SQL)
        .push(" WHERE ")
        .append(conditions.clone())
        .push(order)
        .page(per_page, (page - 1) * per_page)
        .query()
        .load(conn)
        .await?;
    // The conditions read only the event's own columns, and every event has a category: the
    // count needs no join (less to plan and run on every page).
    let total: Count =
        Sql::new("SELECT count(*) AS n FROM events e WHERE ").append(conditions).query().get_result(conn).await?;
    Ok(Page { rows: rows.into_iter().map(RawRow::into_row).collect(), total: total.n, page, per_page })
}

/// Every row of a filter, for exports (bounded, newest first).
pub async fn export_rows(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    if !user.can(codes::EVENTS_STATS) && !user.can(codes::EVENTS_VIEW) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<RawRow> = Sql::new(EVENT_ROW_SQL)
        .push(" WHERE ")
        .append(filter_conditions(conn, user, filter).await?)
        .push(" ORDER BY e.reported_at DESC, e.id DESC LIMIT ")
        .bind(limit)
        .query()
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(RawRow::into_row).collect())
}

#[derive(diesel::QueryableByName)]
struct RawCounts {
    #[diesel(sql_type = BigInt)]
    open: i64,
    #[diesel(sql_type = BigInt)]
    reported: i64,
    #[diesel(sql_type = BigInt)]
    overdue: i64,
    #[diesel(sql_type = BigInt)]
    due_soon: i64,
    #[diesel(sql_type = BigInt)]
    escalated: i64,
    #[diesel(sql_type = BigInt)]
    closed_today: i64,
}

/// Counts for the inbox's tabs, the dashboard and the big screen.
pub async fn counts(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<StateCounts, AppError> {
    if !user.can(codes::EVENTS_VIEW) {
        return Err(AppError::Forbidden);
    }
    let c: RawCounts = Sql::new("SELECT count(*) FILTER (WHERE ")
        .push(OPEN)
        .push(") AS open, count(*) FILTER (WHERE e.state = 'reported') AS reported, count(*) FILTER (WHERE ")
        .push(RUNNING)
        .push(" AND e.deadline < now()) AS overdue, count(*) FILTER (WHERE ")
        .push(RUNNING)
        .push(" AND e.deadline >= now() AND e.deadline < now() + ")
        .append(warning_interval())
        .push(") AS due_soon, count(*) FILTER (WHERE e.escalation > 0 AND ")
        .push(OPEN)
        .push(
            ") AS escalated, count(*) FILTER (WHERE e.state = 'closed' AND e.closed_at >= \
               date_trunc('day', now() AT TIME ZONE app_time_zone()) AT TIME ZONE app_time_zone()) AS closed_today \
             FROM events e WHERE (",
        )
        .push(OPEN)
        .push(" OR e.closed_at >= now() - interval '1 day') AND ")
        .append(visible(user))
        .query()
        .get_result(conn)
        .await?;
    Ok(StateCounts {
        open: c.open,
        reported: c.reported,
        overdue: c.overdue,
        due_soon: c.due_soon,
        escalated: c.escalated,
        closed_today: c.closed_today,
    })
}

/// The open events the user may see, counted by grid: the wall's map colours its grids by
/// them. Grids with none are left out.
pub async fn open_by_grid(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<(i32, i64)>, AppError> {
    if !user.can(codes::EVENTS_VIEW) {
        return Err(AppError::Forbidden);
    }
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        grid_id: i32,
        #[diesel(sql_type = BigInt)]
        open: i64,
    }
    let rows: Vec<Row> = Sql::new("SELECT e.grid_id, count(*) AS open FROM events e WHERE ")
        .push(OPEN)
        .push(" AND ")
        .append(visible(user))
        .push(" GROUP BY e.grid_id")
        .query()
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.grid_id, row.open)).collect())
}

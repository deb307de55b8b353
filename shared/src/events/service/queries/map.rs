//! The command map's events.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::filter::filter_conditions;
use super::rows::{Count, EVENT_ROW_SQL, RawRow};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::types::{EventFilter, EventMap, StateFilter};
use crate::permissions::codes;
use crate::sql::Sql;

/// How many events the command map draws at most (the newest of the filter); the answer
/// says how many more there are, and the page says so with a link to the list of them all.
pub const MAP_LIMIT: i64 = 20_000;

/// Running events for the command map (lightweight rows): the newest `limit` of the filter
/// and, beside them, how many the filter matches in all. The count reads the same
/// conditions (the partial index of running events serves both), and only when the limit
/// was reached: below it the rows are all there is.
pub async fn map_events(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    limit: i64,
) -> Result<EventMap, AppError> {
    if !user.can(codes::EVENTS_VIEW) {
        return Err(AppError::Forbidden);
    }
    let limit = limit.max(1);
    let mut filter = filter.clone();
    if filter.state.is_empty() {
        filter.state = StateFilter::Open.as_str().into();
    }
    let conditions = filter_conditions(conn, user, &filter).await?;
    let rows: Vec<RawRow> = Sql::new(EVENT_ROW_SQL)
        .push(" WHERE ")
        .append(conditions.clone())
        .push(" ORDER BY e.reported_at DESC, e.id DESC LIMIT ")
        .bind(limit)
        .query()
        .load(conn)
        .await?;
    let total = if (rows.len() as i64) < limit {
        rows.len() as i64
    } else {
        // As in the inbox: the conditions read only the event's own columns, so no join.
        let count: Count =
            Sql::new("SELECT count(*) AS n FROM events e WHERE ").append(conditions).query().get_result(conn).await?;
        count.n.max(rows.len() as i64)
    };
    Ok(EventMap { events: rows.into_iter().map(RawRow::into_row).collect(), total })
}

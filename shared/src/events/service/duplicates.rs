//! Possible duplicates: events of the same category near the same place within a time
//! window (default 100 m and 7 days), still running. Staff decide whether to merge.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::queries::{EVENT_ROW_SQL, OPEN, RawRow};
use super::visible;
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::types::EventRow;
use crate::sql::Sql;

/// Configured by `TONGGUAN_DUPLICATE_METRES` and `TONGGUAN_DUPLICATE_DAYS` (read and
/// checked in the server's `config.rs`, handed over in `Settings`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateWindow {
    pub metres: f64,
    pub days: i32,
}

impl Default for DuplicateWindow {
    fn default() -> Self {
        Self { metres: 100.0, days: 7 }
    }
}

/// Running events that may be the same as event `id`.
pub async fn candidates(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    id: i64,
    window: DuplicateWindow,
) -> Result<Vec<EventRow>, AppError> {
    let rows: Vec<RawRow> = Sql::new(EVENT_ROW_SQL)
        .push(" JOIN events o ON o.id = ")
        .bind(id)
        .push(" WHERE e.id <> o.id AND e.category_id = o.category_id AND e.township_id = o.township_id AND ")
        .push(OPEN)
        .push(" AND e.reported_at BETWEEN o.reported_at - make_interval(days => ")
        .bind(window.days)
        .push(") AND o.reported_at + make_interval(days => ")
        .bind(window.days)
        .push(") AND ST_DWithin(e.location::geography, o.location::geography, ")
        .bind(window.metres)
        .push(") AND ")
        .append(visible(user))
        .push(" ORDER BY ST_Distance(e.location::geography, o.location::geography), e.id LIMIT 10")
        .query()
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(RawRow::into_row).collect())
}

//! Possible duplicates: events of the same category near the same place within a time
//! window (default 100 m and 7 days), still running. Staff decide whether to merge.

use diesel::sql_types::{BigInt, Double, Integer};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::queries::{EVENT_ROW_SQL, RawRow};
use super::visible_sql;
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::types::EventRow;

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

impl DuplicateWindow {
    /// From `TONGGUAN_DUPLICATE_METRES` and `TONGGUAN_DUPLICATE_DAYS`, else the defaults.
    pub fn from_env() -> Self {
        let default = Self::default();
        let read = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<f64>().ok());
        Self {
            metres: read("TONGGUAN_DUPLICATE_METRES").filter(|m| *m > 0.0).unwrap_or(default.metres),
            days: read("TONGGUAN_DUPLICATE_DAYS").filter(|d| *d > 0.0).map(|d| d as i32).unwrap_or(default.days),
        }
    }
}

/// Running events that may be the same as event `id`.
pub async fn candidates(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    id: i64,
    window: DuplicateWindow,
) -> Result<Vec<EventRow>, AppError> {
    let rows: Vec<RawRow> = diesel::sql_query(format!(
        "{EVENT_ROW_SQL} JOIN events o ON o.id = $1 \
         WHERE e.id <> o.id AND e.category_id = o.category_id AND e.township_id = o.township_id \
           AND e.state NOT IN ('closed', 'rejected', 'merged') \
           AND e.reported_at BETWEEN o.reported_at - make_interval(days => $3) AND o.reported_at + make_interval(days => $3) \
           AND ST_DWithin(e.location::geography, o.location::geography, $2) \
           AND {} \
         ORDER BY ST_Distance(e.location::geography, o.location::geography), e.id LIMIT 10",
        visible_sql(user)
    ))
    .bind::<BigInt, _>(id)
    .bind::<Double, _>(window.metres)
    .bind::<Integer, _>(window.days)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(RawRow::into_row).collect())
}

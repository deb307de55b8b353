//! What the pages, boards and the API read of the sensing data: the alarms, each station's
//! latest readings, and a measurand's series down-sampled to the points a chart can draw.

use chrono::{DateTime, Duration, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

pub use super::alarms::AlarmRow;
use crate::error::{AppError, ErrorCode};
use crate::scope::ScopeFilter;
use crate::sensing::measurand::Measurand;
use crate::sql::Sql;

/// The most points a series is down-sampled to: more than a chart the width of a wall has
/// pixels to show.
pub const POINTS_MAX: i64 = 1000;
/// The longest range a series covers: the retention.
pub const RANGE_MAX: Duration = Duration::days(2 * 366);

/// The alarms of the stations in `scope`: the open ones first, newest first, then the
/// cleared ones of the last `days` days.
pub async fn alarms(
    conn: &mut AsyncPgConnection,
    scope: &ScopeFilter,
    days: i64,
    limit: i64,
) -> Result<Vec<AlarmRow>, AppError> {
    let sql = Sql::new(
        "SELECT a.id, a.station_id, s.name AS station, a.measurand, a.severity, a.opened_at, a.cleared_at, \
                a.value, a.peak, a.event_id, e.number AS event_number \
         FROM sensing_alarms a JOIN reg.sensing_stations s ON s.id = a.station_id \
         LEFT JOIN events e ON e.id = a.event_id \
         WHERE ",
    )
    .append(scope.rows("s"))
    .push(" AND (a.cleared_at IS NULL OR a.cleared_at > now() - make_interval(days => ")
    .bind(days.clamp(0, 366) as i32)
    .push(")) ORDER BY a.cleared_at IS NULL DESC, a.opened_at DESC, a.id DESC LIMIT ")
    .bind(limit.clamp(1, 500));
    Ok(sql.query().load(conn).await?)
}

/// One measurand's latest value at one station.
#[derive(Debug, Clone, PartialEq, QueryableByName, serde::Serialize)]
pub struct Latest {
    #[diesel(sql_type = BigInt)]
    pub station_id: i64,
    #[diesel(sql_type = Text)]
    pub measurand: Measurand,
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    #[diesel(sql_type = Double)]
    pub value: f64,
}

/// The latest value of each measurand of each station in `scope` over the last day (a
/// station silent for longer shows as silent, not with a stale value).
pub async fn latest(conn: &mut AsyncPgConnection, scope: &ScopeFilter) -> Result<Vec<Latest>, AppError> {
    let sql = Sql::new(
        "SELECT DISTINCT ON (r.station_id, r.measurand) r.station_id, r.measurand, r.at, r.value \
         FROM sensing_readings r JOIN reg.sensing_stations s ON s.id = r.station_id \
         WHERE r.at > now() - interval '1 day' AND s.deleted_at IS NULL AND ",
    )
    .append(scope.rows("s"))
    .push(" ORDER BY r.station_id, r.measurand, r.at DESC");
    Ok(sql.query().load(conn).await?)
}

/// One point of a down-sampled series: a bucket's start, mean, least and greatest value.
#[derive(Debug, Clone, PartialEq, QueryableByName, serde::Serialize)]
pub struct Point {
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    #[diesel(sql_type = Double)]
    pub mean: f64,
    #[diesel(sql_type = Double)]
    pub min: f64,
    #[diesel(sql_type = Double)]
    pub max: f64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// A station's measurand between `from` and `to`, in at most `points` buckets of equal
/// length (whole seconds), each with its mean, least and greatest value — a year of minute
/// readings is half a million rows, and a chart wants a few hundred points with the spikes
/// still visible. The station must be in `scope`.
pub async fn series(
    conn: &mut AsyncPgConnection,
    scope: &ScopeFilter,
    station_id: i64,
    measurand: Measurand,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    points: i64,
) -> Result<Vec<Point>, AppError> {
    if to <= from || to - from > RANGE_MAX {
        return Err(AppError::field("to", ErrorCode::FilterDateOrder));
    }
    let points = points.clamp(1, POINTS_MAX);
    let bucket = ((to - from).num_seconds() + points - 1) / points;
    let sql = Sql::new("SELECT date_bin(make_interval(secs => ")
        .bind(bucket as f64)
        .push("), r.at, ")
        .bind(from)
        .push(
            ") AS at, avg(r.value) AS mean, min(r.value) AS min, max(r.value) AS max, count(*) AS n \
         FROM sensing_readings r JOIN reg.sensing_stations s ON s.id = r.station_id WHERE r.station_id = ",
        )
        .bind(station_id)
        .push(" AND r.measurand = ")
        .bind(measurand.as_str())
        .push(" AND r.at >= ")
        .bind(from)
        .push(" AND r.at < ")
        .bind(to)
        .push(" AND ")
        .append(scope.rows("s"))
        .push(" GROUP BY 1 ORDER BY 1");
    Ok(sql.query().load(conn).await?)
}

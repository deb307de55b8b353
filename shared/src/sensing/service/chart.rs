//! A station's chart ([`StationChart`]): each of its measurands over the span, down-sampled by
//! [`super::queries::series`], with the levels of the station's rule for it that holds now.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::queries;
use crate::accounts::types::SessionUser;
use crate::engine::Action;
use crate::engine::service::visible;
use crate::error::AppError;
use crate::scope::ScopeFilter;
use crate::sensing::STATIONS;
use crate::sensing::chart::{ChartLine, ChartPoint, Span, StationChart};
use crate::sensing::measurand::Measurand;
use crate::sensing::noise::Period;
use crate::sql::Sql;

/// The chart of station `station_id` over the `span` up to `now`, for a user who may view
/// the station (not found otherwise, as its page).
pub async fn station_chart(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    station_id: i64,
    span: Span,
    now: DateTime<Utc>,
) -> Result<StationChart, AppError> {
    if !user.may(&STATIONS, Action::View) {
        return Err(AppError::Forbidden);
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let found: Count =
        Sql::new("SELECT count(*) AS n FROM reg.sensing_stations s WHERE s.deleted_at IS NULL AND s.id = ")
            .bind(station_id)
            .push(" AND ")
            .append(visible(user, "s"))
            .query()
            .get_result(conn)
            .await?;
    if found.n == 0 {
        return Err(AppError::NotFound);
    }
    let (from, to) = (now - span.duration(), now);
    let levels = rule_levels(conn, station_id, now).await?;
    let measured = measured(conn, station_id, from, to).await?;
    let scope = ScopeFilter::for_user(user);
    let mut lines = Vec::new();
    for measurand in Measurand::ALL.iter().copied() {
        let level = levels.get(&measurand).copied();
        if !measured.contains(&measurand) && level.is_none() {
            continue;
        }
        let points = if measured.contains(&measurand) {
            queries::series(conn, &scope, station_id, measurand, from, to, span.points())
                .await?
                .into_iter()
                .map(|p| ChartPoint { at: p.at, mean: p.mean, min: p.min, max: p.max })
                .collect()
        } else {
            Vec::new()
        };
        let (warning, alarm) = level.unwrap_or((None, None));
        lines.push(ChartLine { measurand, points, warning, alarm });
    }
    Ok(StationChart { span, from, to, lines })
}

/// The measurands the station has readings of in the range: one probe of the primary key
/// `(station_id, measurand, at)` each, not a scan of the range.
async fn measured(
    conn: &mut AsyncPgConnection,
    station_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Measurand>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        measurand: Measurand,
    }
    let all: Vec<&str> = Measurand::ALL.iter().map(|m| m.as_str()).collect();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT m AS measurand FROM unnest($2::text[]) m \
         WHERE EXISTS (SELECT 1 FROM sensing_readings r \
                       WHERE r.station_id = $1 AND r.measurand = m AND r.at >= $3 AND r.at < $4)",
    )
    .bind::<BigInt, _>(station_id)
    .bind::<diesel::sql_types::Array<Text>, _>(all)
    .bind::<diesel::sql_types::Timestamptz, _>(from)
    .bind::<diesel::sql_types::Timestamptz, _>(to)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|row| row.measurand).collect())
}

/// The warning and alarm levels of the station's rules that hold at `now` (a night rule at
/// night), the first such rule of each measurand.
async fn rule_levels(
    conn: &mut AsyncPgConnection,
    station_id: i64,
    now: DateTime<Utc>,
) -> Result<HashMap<Measurand, (Option<f64>, Option<f64>)>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        measurand: Measurand,
        #[diesel(sql_type = Nullable<Double>)]
        warning: Option<f64>,
        #[diesel(sql_type = Nullable<Double>)]
        alarm: Option<f64>,
        #[diesel(sql_type = Nullable<Text>)]
        period: Option<Period>,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT measurand, warning::float8 AS warning, alarm::float8 AS alarm, period FROM reg.sensing_rules \
         WHERE parent_id = $1 AND deleted_at IS NULL ORDER BY id",
    )
    .bind::<BigInt, _>(station_id)
    .load(conn)
    .await?;
    let period = Period::at(crate::time::local(now).time());
    let mut levels = HashMap::new();
    for row in rows.into_iter().filter(|row| row.period.is_none_or(|p| p == period)) {
        levels.entry(row.measurand).or_insert((row.warning, row.alarm));
    }
    Ok(levels)
}

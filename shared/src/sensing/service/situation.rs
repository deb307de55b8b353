//! The vital signs a user may see (`crate::sensing::situation`): the indicators' tiles and
//! the open alarms of the stations and the indicators, for the wall, the dashboard and
//! 监测态势. What a user may not see is left out, not refused: a wall shows what it can.

use chrono::{DateTime, Duration, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::indicators::{COLUMNS, Indicator};
use crate::accounts::SessionUser;
use crate::engine::Action;
use crate::engine::service::visible;
use crate::error::AppError;
use crate::scope::ScopeFilter;
use crate::sensing::measurand::Measurand;
use crate::sensing::situation::{AlarmOrigin, IndicatorTile, LiveAlarm, Situation, StationMarker};
use crate::sensing::threshold::Severity;
use crate::sensing::{INDICATORS, STATIONS};
use crate::sql::Sql;

/// Which indicators: those marked for the big screen, or all of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tiles {
    OnScreen,
    All,
}

/// The most alarms listed: a wall has room for a screenful.
const ALARMS_MAX: i64 = 50;

pub async fn situation(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    which: Tiles,
    now: DateTime<Utc>,
) -> Result<Situation, AppError> {
    let mut situation = Situation::default();
    if user.may(&INDICATORS, Action::View) {
        situation.tiles = tiles(conn, user, which, now).await?;
        situation.alarms.extend(indicator_alarms(conn, user).await?);
    }
    if user.may(&STATIONS, Action::View) {
        situation.alarms.extend(station_alarms(conn, user).await?);
        situation.stations = stations(conn, user).await?;
    }
    if user.can(crate::permissions::codes::EVENTS_VIEW) {
        situation.open_by_grid = crate::events::service::queries::open_by_grid(conn, user).await?;
    }
    // Newest first: on a wall with room for a few, the one that just opened is on top (the
    // colour says how bad each is).
    situation.alarms.sort_by(|a, b| b.opened_at.cmp(&a.opened_at).then(b.severity.cmp(&a.severity)));
    situation.alarms.truncate(ALARMS_MAX as usize);
    Ok(situation)
}

async fn tiles(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    which: Tiles,
    now: DateTime<Utc>,
) -> Result<Vec<IndicatorTile>, AppError> {
    let mut sql = Sql::new("SELECT ")
        .push(COLUMNS)
        .push(" FROM reg.sensing_indicators i WHERE i.deleted_at IS NULL AND ")
        .append(visible(user, "i"));
    if which == Tiles::OnScreen {
        sql = sql.push(" AND i.on_screen");
    }
    let indicators: Vec<Indicator> = sql.push(" ORDER BY i.id LIMIT 100").query().load(conn).await?;
    if indicators.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();

    #[derive(QueryableByName)]
    struct Recent {
        #[diesel(sql_type = BigInt)]
        indicator_id: i64,
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
        #[diesel(sql_type = Double)]
        value: f64,
    }
    // The latest two values of each, by the primary key's order.
    let recent: Vec<Recent> = diesel::sql_query(
        "SELECT i.id AS indicator_id, v.at, v.value FROM unnest($1::bigint[]) AS i(id) \
         CROSS JOIN LATERAL (SELECT at, value FROM indicator_values \
                             WHERE indicator_id = i.id ORDER BY at DESC LIMIT 2) v \
         ORDER BY i.id, v.at DESC",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .load(conn)
    .await?;

    #[derive(QueryableByName)]
    struct Point {
        #[diesel(sql_type = BigInt)]
        indicator_id: i64,
        #[diesel(sql_type = Double)]
        value: f64,
    }
    // The last day, hourly means: a line of at most 25 points however often it refreshes.
    let points: Vec<Point> = diesel::sql_query(
        "SELECT indicator_id, avg(value)::float8 AS value FROM indicator_values \
         WHERE indicator_id = ANY($1) AND at > $2 \
         GROUP BY indicator_id, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01') \
         ORDER BY indicator_id, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01')",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Timestamptz, _>(now - Duration::hours(24))
    .load(conn)
    .await?;

    #[derive(QueryableByName)]
    struct Open {
        #[diesel(sql_type = BigInt)]
        indicator_id: i64,
        #[diesel(sql_type = Text)]
        severity: Severity,
    }
    let open: Vec<Open> = diesel::sql_query(
        "SELECT indicator_id, severity FROM indicator_alarms WHERE indicator_id = ANY($1) AND cleared_at IS NULL",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .load(conn)
    .await?;

    Ok(indicators
        .into_iter()
        .map(|indicator| {
            let mut mine = recent.iter().filter(|r| r.indicator_id == indicator.id);
            let latest = mine.next();
            let previous = mine.next();
            IndicatorTile {
                id: indicator.id,
                unit: indicator.unit(),
                value: latest.map(|r| r.value),
                at: latest.map(|r| r.at),
                previous: previous.map(|r| r.value),
                severity: open.iter().find(|o| o.indicator_id == indicator.id).map_or(Severity::Normal, |o| o.severity),
                points: points.iter().filter(|p| p.indicator_id == indicator.id).map(|p| p.value).collect(),
                name: indicator.name,
            }
        })
        .collect())
}

async fn indicator_alarms(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<LiveAlarm>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        alarm_id: i64,
        #[diesel(sql_type = Text)]
        severity: Severity,
        #[diesel(sql_type = Double)]
        value: f64,
        #[diesel(sql_type = Timestamptz)]
        opened_at: DateTime<Utc>,
        #[diesel(embed)]
        indicator: Indicator,
    }
    let rows: Vec<Row> = Sql::new("SELECT a.id AS alarm_id, a.severity, a.value, a.opened_at, ")
        .push(COLUMNS)
        .push(
            " FROM indicator_alarms a JOIN reg.sensing_indicators i ON i.id = a.indicator_id \
             WHERE a.cleared_at IS NULL AND i.deleted_at IS NULL AND ",
        )
        .append(visible(user, "i"))
        .push(" ORDER BY a.opened_at DESC LIMIT ")
        .bind(ALARMS_MAX)
        .query()
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| LiveAlarm {
            id: row.alarm_id,
            origin: AlarmOrigin::Indicator { indicator_id: row.indicator.id },
            unit: row.indicator.unit(),
            name: row.indicator.name,
            severity: row.severity,
            value: row.value,
            opened_at: row.opened_at,
            event: None,
        })
        .collect())
}

async fn station_alarms(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<LiveAlarm>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = BigInt)]
        station_id: i64,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        measurand: Measurand,
        #[diesel(sql_type = Text)]
        severity: Severity,
        #[diesel(sql_type = Double)]
        value: f64,
        #[diesel(sql_type = Timestamptz)]
        opened_at: DateTime<Utc>,
        #[diesel(sql_type = Nullable<BigInt>)]
        event_id: Option<i64>,
        #[diesel(sql_type = Nullable<Text>)]
        event_number: Option<String>,
    }
    let scope = ScopeFilter::for_user(user);
    let rows: Vec<Row> = Sql::new(
        "SELECT a.id, a.station_id, s.name, a.measurand, a.severity, a.value, a.opened_at, \
                a.event_id, e.number AS event_number \
         FROM sensing_alarms a JOIN reg.sensing_stations s ON s.id = a.station_id \
         LEFT JOIN events e ON e.id = a.event_id \
         WHERE a.cleared_at IS NULL AND ",
    )
    .append(scope.rows("s"))
    .push(" ORDER BY a.opened_at DESC LIMIT ")
    .bind(ALARMS_MAX)
    .query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| LiveAlarm {
            id: row.id,
            origin: AlarmOrigin::Station { station_id: row.station_id, measurand: row.measurand },
            name: row.name,
            severity: row.severity,
            value: row.value,
            unit: row.measurand.unit().to_owned(),
            opened_at: row.opened_at,
            event: row.event_id.zip(row.event_number),
        })
        .collect())
}

/// The stations in the user's scope where they stand, each marked by its worst open alarm.
async fn stations(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<StationMarker>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Double)]
        lon: f64,
        #[diesel(sql_type = Double)]
        lat: f64,
        #[diesel(sql_type = Text)]
        severity: Severity,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        in_service: bool,
    }
    let rows: Vec<Row> = Sql::new(
        "SELECT s.id, s.name, ST_X(s.location) AS lon, ST_Y(s.location) AS lat, \
                coalesce((SELECT CASE WHEN bool_or(a.severity = 'alarm') THEN 'alarm' ELSE 'warning' END \
                          FROM sensing_alarms a WHERE a.station_id = s.id AND a.cleared_at IS NULL \
                          HAVING count(*) > 0), 'normal') AS severity, \
                s.status = 'in_service' AS in_service \
         FROM reg.sensing_stations s WHERE s.deleted_at IS NULL AND ",
    )
    .append(visible(user, "s"))
    .push(" ORDER BY s.code")
    .query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| StationMarker {
            id: row.id,
            name: row.name,
            lon: row.lon,
            lat: row.lat,
            severity: row.severity,
            in_service: row.in_service,
        })
        .collect())
}

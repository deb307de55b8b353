//! 体征指标 computed: each indicator of the catalogue (`crate::sensing::indicators`) when its
//! refresh interval has passed — counted over the events, the base data and the stations'
//! alarms, or read from a station — its value kept in `indicator_values`, stepped through its
//! levels ([`Threshold::step`], the stations' rule), an alarm opened, moved and cleared in
//! `indicator_alarms` (one open per indicator), and the owner department told when one opens
//! or worsens. A new indicator draws its last day at once, computed as of each past hour
//! where its source can say (`Source::has_history`).
//!
//! The counts read other modules' tables (events, residents, enterprises) without writing
//! them: an indicator is by nature a figure across modules, and one query per figure is what
//! a wall refreshed every minute can afford.

use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::accounts::service::handlers;
use crate::error::AppError;
use crate::permissions::codes;
use crate::sensing::indicators::{Source, unit_of};
use crate::sensing::measurand::Measurand;
use crate::sensing::threshold::{Direction, Severity, Threshold, Transition, Watch};
use crate::sql::Sql;

/// An indicator as stored by the engine (`reg.sensing_indicators`).
#[derive(Debug, Clone, QueryableByName)]
pub struct Indicator {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Integer)]
    pub version: i32,
    #[diesel(sql_type = Integer)]
    pub township_id: i32,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub source: Source,
    #[diesel(sql_type = Nullable<Integer>)]
    pub village: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub station: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub measurand: Option<Measurand>,
    #[diesel(sql_type = Text)]
    pub unit: String,
    #[diesel(sql_type = BigInt)]
    pub refresh_minutes: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub direction: Option<Direction>,
    #[diesel(sql_type = Nullable<Double>)]
    pub warning: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub alarm: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub duration_minutes: i64,
    #[diesel(sql_type = Double)]
    pub clear_margin: f64,
    #[diesel(sql_type = Nullable<Integer>)]
    pub department: Option<i32>,
}

/// The columns of [`Indicator`] from `reg.sensing_indicators i`.
pub const COLUMNS: &str = "i.id, i.version, i.township_id, i.name, i.source, i.village, i.station, \
     i.measurand, coalesce(i.unit, '') AS unit, i.refresh_minutes, i.direction, i.warning::float8 AS warning, \
     i.alarm::float8 AS alarm, coalesce(i.duration_minutes, 0) AS duration_minutes, \
     coalesce(i.clear_margin, 0)::float8 AS clear_margin, i.department";

impl Indicator {
    /// Its levels, when it has any.
    pub fn threshold(&self) -> Option<Threshold> {
        let direction = self.direction?;
        if self.warning.is_none() && self.alarm.is_none() {
            return None;
        }
        Some(Threshold {
            direction,
            warning: self.warning,
            alarm: self.alarm,
            duration_secs: self.duration_minutes * 60,
            clear_margin: self.clear_margin,
        })
    }

    pub fn unit(&self) -> String {
        unit_of(&self.unit, self.source, self.measurand)
    }
}

/// Its value at `at`: counted over what was true then, or the station's latest reading of
/// the day before `at`. `None` when there is nothing to say (no event closed in the window
/// of the on-time rate, a station silent for a day).
pub async fn value_at(
    conn: &mut AsyncPgConnection,
    indicator: &Indicator,
    at: DateTime<Utc>,
) -> Result<Option<f64>, AppError> {
    let township = indicator.township_id;
    // The events of the indicator's township (and village), open at `at`.
    let events = || {
        let mut sql = Sql::new("FROM events e WHERE e.township_id = ").bind(township);
        if let Some(village) = indicator.village {
            sql = sql.push(" AND e.village_id = ").bind(village);
        }
        sql
    };
    let open_at = |sql: Sql| {
        sql.push(" AND e.reported_at <= ")
            .bind(at)
            .push(" AND (e.closed_at IS NULL OR e.closed_at > ")
            .bind(at)
            .push(") AND e.state NOT IN ('rejected', 'merged')")
    };
    let sql = match indicator.source {
        Source::EventsOpen => open_at(Sql::new("SELECT count(*)::float8 AS value ").append(events())),
        Source::EventsOverdue => open_at(Sql::new("SELECT count(*)::float8 AS value ").append(events()))
            .push(" AND e.state <> 'suspended' AND e.deadline < ")
            .bind(at),
        Source::EventsToday => Sql::new("SELECT count(*)::float8 AS value ")
            .append(events())
            .push(" AND e.reported_at >= ")
            .bind(crate::time::start_of_day(crate::time::local_date(at)))
            .push(" AND e.reported_at <= ")
            .bind(at),
        Source::OnTimeRate => Sql::new(
            "SELECT (100.0 * count(*) FILTER (WHERE e.closed_at <= e.deadline) / nullif(count(*), 0))::float8 AS value ",
        )
        .append(events())
        .push(" AND e.state = 'closed' AND e.closed_at > ")
        .bind(at - Duration::days(30))
        .push(" AND e.closed_at <= ")
        .bind(at),
        Source::StationAlarms => {
            let mut sql = Sql::new("SELECT count(*)::float8 AS value FROM sensing_alarms a WHERE a.township_id = ")
                .bind(township)
                .push(" AND a.opened_at <= ")
                .bind(at)
                .push(" AND (a.cleared_at IS NULL OR a.cleared_at > ")
                .bind(at)
                .push(")");
            if let Some(village) = indicator.village {
                sql = sql
                    .push(" AND a.station_id IN (SELECT s.id FROM reg.sensing_stations s WHERE s.village_id = ")
                    .bind(village)
                    .push(")");
            }
            sql
        }
        Source::Residents | Source::Enterprises => {
            let table = if indicator.source == Source::Residents { "residents" } else { "enterprises" };
            let mut sql = Sql::new("SELECT count(*)::float8 AS value FROM ")
                .push(table)
                .push(" r WHERE r.township_id = ")
                .bind(township);
            if let Some(village) = indicator.village {
                sql = sql.push(" AND r.village_id = ").bind(village);
            }
            sql
        }
        Source::Reading => {
            let (Some(station), Some(measurand)) = (indicator.station, indicator.measurand) else {
                return Ok(None);
            };
            Sql::new("SELECT value FROM sensing_readings WHERE station_id = ")
                .bind(station)
                .push(" AND measurand = ")
                .bind(measurand.as_str())
                .push(" AND at <= ")
                .bind(at)
                .push(" AND at > ")
                .bind(at - Duration::days(1))
                .push(" ORDER BY at DESC LIMIT 1")
        }
    };
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = Nullable<Double>)]
        value: Option<f64>,
    }
    let row: Option<Value> = sql.query().get_result(conn).await.map(Some).or_else(|error| match error {
        diesel::result::Error::NotFound => Ok(None),
        error => Err(error),
    })?;
    Ok(row.and_then(|row| row.value))
}

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Evaluated {
    pub computed: usize,
    pub opened: usize,
    pub cleared: usize,
}

/// The most indicators one run computes: the rest wait for the next run seconds later.
const BATCH: i64 = 200;

/// Computes every indicator whose interval has passed at `now`, each in its own
/// transaction; an indicator another process is computing is skipped.
pub async fn evaluate_due(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> Result<Evaluated, AppError> {
    let due: Vec<Indicator> = Sql::new("SELECT ")
        .push(COLUMNS)
        .push(
            " FROM reg.sensing_indicators i LEFT JOIN indicator_watches w ON w.indicator_id = i.id \
             WHERE i.deleted_at IS NULL AND (w.computed_at IS NULL OR w.computed_at <= ",
        )
        .bind(now)
        .push(" - make_interval(mins => i.refresh_minutes::integer)) ORDER BY w.computed_at NULLS FIRST, i.id LIMIT ")
        .bind(BATCH)
        .query()
        .load(conn)
        .await?;
    let mut done = Evaluated::default();
    let mut townships = Vec::new();
    for indicator in &due {
        let outcome = conn.transaction::<_, AppError, _>(async |conn| evaluate(conn, indicator, now).await).await?;
        if let Some(transitions) = outcome {
            done.computed += 1;
            for transition in transitions {
                match transition {
                    Transition::Opened(_) => done.opened += 1,
                    Transition::Cleared => done.cleared += 1,
                    _ => {}
                }
            }
            townships.push(indicator.township_id);
        }
    }
    townships.sort_unstable();
    townships.dedup();
    for township in townships {
        announce(conn, township).await?;
    }
    Ok(done)
}

/// Tells the walls of `township` that its situation changed (the live channel, `situation`):
/// they refetch their tiles and alarms within a second.
pub async fn announce(conn: &mut AsyncPgConnection, township: i32) -> Result<(), AppError> {
    diesel::sql_query("SELECT pg_notify('situation', json_build_object('township_id', $1)::text)")
        .bind::<Integer, _>(township)
        .execute(conn)
        .await?;
    Ok(())
}

/// Makes the township's counts of open station alarms due at the job's next run (within
/// 15 seconds), instead of at the end of their interval: an alarm just opened or cleared.
pub async fn recount_station_alarms(conn: &mut AsyncPgConnection, township: i32) -> Result<(), AppError> {
    diesel::sql_query(
        "UPDATE indicator_watches w SET computed_at = w.computed_at - interval '1 day' \
         FROM reg.sensing_indicators i \
         WHERE i.id = w.indicator_id AND i.township_id = $1 AND i.source = 'station_alarms' \
           AND i.deleted_at IS NULL AND w.computed_at IS NOT NULL",
    )
    .bind::<Integer, _>(township)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Kept {
    #[diesel(sql_type = Integer)]
    indicator_version: i32,
    #[diesel(sql_type = Jsonb)]
    state: serde_json::Value,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    computed_at: Option<DateTime<Utc>>,
}

/// One indicator's computation; `None` when another process holds it or did it meanwhile.
async fn evaluate(
    conn: &mut AsyncPgConnection,
    indicator: &Indicator,
    now: DateTime<Utc>,
) -> Result<Option<Vec<Transition>>, AppError> {
    diesel::sql_query("INSERT INTO indicator_watches (indicator_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind::<BigInt, _>(indicator.id)
        .execute(conn)
        .await?;
    let kept: Option<Kept> = diesel::sql_query(
        "SELECT indicator_version, state, computed_at FROM indicator_watches \
         WHERE indicator_id = $1 AND (computed_at IS NULL OR computed_at <= $2 - make_interval(mins => $3)) \
         FOR UPDATE SKIP LOCKED",
    )
    .bind::<BigInt, _>(indicator.id)
    .bind::<Timestamptz, _>(now)
    .bind::<Integer, _>(indicator.refresh_minutes as i32)
    .get_result(conn)
    .await
    .map(Some)
    .or_else(|error| match error {
        diesel::result::Error::NotFound => Ok(None),
        error => Err(error),
    })?;
    let Some(kept) = kept else { return Ok(None) };
    if kept.computed_at.is_none() && indicator.source.has_history() {
        backfill(conn, indicator, now).await?;
    }
    let value = value_at(conn, indicator, now).await?;
    let mut watch = serde_json::from_value::<Watch>(kept.state)
        .map(|watch| {
            // Levels edited since: what is open stays open, but time past a level counts afresh.
            if kept.indicator_version == indicator.version {
                watch
            } else {
                Watch { warning_since: None, alarm_since: None, ..watch }
            }
        })
        .unwrap_or_default();
    let mut transitions = Vec::new();
    if let Some(value) = value {
        diesel::sql_query(
            "INSERT INTO indicator_values (indicator_id, at, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind::<BigInt, _>(indicator.id)
        .bind::<Timestamptz, _>(now)
        .bind::<Double, _>(value)
        .execute(conn)
        .await?;
        match indicator.threshold() {
            Some(threshold) => {
                let (next, transition) = threshold.step(&watch, now, value);
                watch = next;
                if let Some(transition) = transition {
                    apply(conn, indicator, &threshold, transition, now, value).await?;
                    transitions.push(transition);
                } else if watch.open != Severity::Normal {
                    follow(conn, indicator, &threshold, value).await?;
                }
            }
            // Levels removed: an open alarm has nothing left to hold it.
            None if watch.open != Severity::Normal => {
                clear(conn, indicator.id, now, value).await?;
                watch = Watch::default();
                transitions.push(Transition::Cleared);
            }
            None => {}
        }
    }
    diesel::sql_query(
        "UPDATE indicator_watches SET indicator_version = $2, state = $3, computed_at = $4, updated_at = now() \
         WHERE indicator_id = $1",
    )
    .bind::<BigInt, _>(indicator.id)
    .bind::<Integer, _>(indicator.version)
    .bind::<Jsonb, _>(serde_json::to_value(&watch).map_err(|_| AppError::Internal)?)
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await?;
    Ok(Some(transitions))
}

/// The last day of a new indicator, one value an hour, as of each hour: its tile has a line
/// from the start. Not stepped through its levels (an alarm is about now).
async fn backfill(conn: &mut AsyncPgConnection, indicator: &Indicator, now: DateTime<Utc>) -> Result<(), AppError> {
    let hour = now.duration_trunc(Duration::hours(1)).map_err(|_| AppError::Internal)?;
    for back in (1..=24).rev() {
        let at = hour - Duration::hours(back);
        if let Some(value) = value_at(conn, indicator, at).await? {
            diesel::sql_query(
                "INSERT INTO indicator_values (indicator_id, at, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind::<BigInt, _>(indicator.id)
            .bind::<Timestamptz, _>(at)
            .bind::<Double, _>(value)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Writes what one step did to the indicator's alarm, and tells the owner of an alarm that
/// opened or rose.
async fn apply(
    conn: &mut AsyncPgConnection,
    indicator: &Indicator,
    threshold: &Threshold,
    transition: Transition,
    at: DateTime<Utc>,
    value: f64,
) -> Result<(), AppError> {
    match transition {
        Transition::Opened(severity) => {
            diesel::sql_query(
                "INSERT INTO indicator_alarms \
                   (township_id, indicator_id, severity, opened_at, changed_at, value, peak) \
                 VALUES ($1, $2, $3, $4, $4, $5, $5)",
            )
            .bind::<Integer, _>(indicator.township_id)
            .bind::<BigInt, _>(indicator.id)
            .bind::<Text, _>(severity)
            .bind::<Timestamptz, _>(at)
            .bind::<Double, _>(value)
            .execute(conn)
            .await?;
            tell_owner(conn, indicator, severity, value).await
        }
        Transition::Raised(severity) | Transition::Lowered(severity) => {
            diesel::sql_query(
                "UPDATE indicator_alarms SET severity = $2, changed_at = $3 WHERE indicator_id = $1 AND cleared_at IS NULL",
            )
            .bind::<BigInt, _>(indicator.id)
            .bind::<Text, _>(severity)
            .bind::<Timestamptz, _>(at)
            .execute(conn)
            .await?;
            follow(conn, indicator, threshold, value).await?;
            if matches!(transition, Transition::Raised(_)) {
                tell_owner(conn, indicator, severity, value).await?;
            }
            Ok(())
        }
        Transition::Cleared => clear(conn, indicator.id, at, value).await,
    }
}

async fn clear(conn: &mut AsyncPgConnection, indicator_id: i64, at: DateTime<Utc>, value: f64) -> Result<(), AppError> {
    diesel::sql_query(
        "UPDATE indicator_alarms SET cleared_at = $2, changed_at = $2, value = $3 \
         WHERE indicator_id = $1 AND cleared_at IS NULL",
    )
    .bind::<BigInt, _>(indicator_id)
    .bind::<Timestamptz, _>(at)
    .bind::<Double, _>(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// The open alarm's latest value, and its worst.
async fn follow(
    conn: &mut AsyncPgConnection,
    indicator: &Indicator,
    threshold: &Threshold,
    value: f64,
) -> Result<(), AppError> {
    let sql = match threshold.direction {
        Direction::Above => {
            "UPDATE indicator_alarms SET value = $2, peak = greatest(peak, $2) WHERE indicator_id = $1 AND cleared_at IS NULL"
        }
        Direction::Below => {
            "UPDATE indicator_alarms SET value = $2, peak = least(peak, $2) WHERE indicator_id = $1 AND cleared_at IS NULL"
        }
    };
    diesel::sql_query(sql).bind::<BigInt, _>(indicator.id).bind::<Double, _>(value).execute(conn).await?;
    Ok(())
}

/// Notifies the people of the indicator's owner department, linking to the situation page.
/// When none is named, or it has nobody active, the command centre's dispatchers are told
/// instead: an alarm told to nobody would only be seen by whoever looks at the wall.
async fn tell_owner(
    conn: &mut AsyncPgConnection,
    indicator: &Indicator,
    severity: Severity,
    value: f64,
) -> Result<(), AppError> {
    let owners = match indicator.department {
        Some(department) => handlers::recipients(conn, indicator.township_id, &[], &[department], &[]).await?,
        None => Vec::new(),
    };
    let recipients = if owners.is_empty() {
        handlers::recipients(conn, indicator.township_id, &[], &[], &[codes::EVENTS_DISPATCH]).await?
    } else {
        owners
    };
    let word = if severity == Severity::Alarm { "报警" } else { "预警" };
    let level = match severity {
        Severity::Alarm => indicator.alarm,
        _ => indicator.warning,
    };
    let side = match indicator.direction {
        Some(Direction::Below) => "低于",
        _ => "高于",
    };
    let unit = indicator.unit();
    let value = crate::sensing::situation::format_value(value);
    let level = level
        .map(|level| format!("，{side}{word}值 {}{unit}", crate::sensing::situation::format_value(level)))
        .unwrap_or_default();
    let message = format!("体征指标{word}：{} 当前 {value}{unit}{level}", indicator.name);
    diesel::sql_query(
        "INSERT INTO notifications (township_id, user_id, kind, message, link) \
         SELECT $1, u, 'indicator_alarm', $2, '/m/sensing/monitor' FROM unnest($3::bigint[]) u",
    )
    .bind::<Integer, _>(indicator.township_id)
    .bind::<Text, _>(message)
    .bind::<diesel::sql_types::Array<BigInt>, _>(recipients)
    .execute(conn)
    .await?;
    Ok(())
}

/// The values past the retention deleted: a year and a month, so a year-on-year tile has
/// its year.
pub async fn prune(conn: &mut AsyncPgConnection) -> Result<usize, AppError> {
    Ok(diesel::sql_query("DELETE FROM indicator_values WHERE at < now() - interval '400 days'").execute(conn).await?)
}

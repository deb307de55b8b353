//! The alarms: each stored reading stepped through the rules of its station and measurand
//! ([`Threshold::step`]; a rule of the day or the night only rests outside its period,
//! [`Threshold::rest`]), the rule's state kept in `sensing_watches`, and what a step did
//! written to `sensing_alarms` — at most one open alarm per rule, by a unique index — and,
//! where the rule says so, filed as an event of the loop (channel 物联感知).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::ingest::{Station, Stored};
use crate::error::AppError;
use crate::events::service::intake::{self, SystemFiler};
use crate::events::types::{Channel, NewEvent, Priority};
use crate::sensing::measurand::Measurand;
use crate::sensing::noise::Period;
use crate::sensing::threshold::{Direction, Severity, Threshold, Transition, Watch};

/// A rule of a station, as stored by the engine (`reg.sensing_rules`, a child of the station).
#[derive(Debug, Clone, QueryableByName)]
struct Rule {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = BigInt)]
    station_id: i64,
    #[diesel(sql_type = Text)]
    measurand: Measurand,
    #[diesel(sql_type = Text)]
    direction: Direction,
    #[diesel(sql_type = Nullable<Double>)]
    warning: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    alarm: Option<f64>,
    #[diesel(sql_type = BigInt)]
    duration_minutes: i64,
    #[diesel(sql_type = Nullable<Double>)]
    clear_margin: Option<f64>,
    /// Holds by day or by night only; `None`, always.
    #[diesel(sql_type = Nullable<Text>)]
    period: Option<Period>,
    #[diesel(sql_type = Nullable<Text>)]
    event_from: Option<Severity>,
    #[diesel(sql_type = Nullable<Integer>)]
    event_category: Option<i32>,
}

impl Rule {
    fn threshold(&self) -> Threshold {
        Threshold {
            direction: self.direction,
            warning: self.warning,
            alarm: self.alarm,
            duration_secs: self.duration_minutes * 60,
            clear_margin: self.clear_margin.unwrap_or(0.0),
        }
    }

    /// Whether the rule holds at `at` (its period, in China time).
    fn holds_at(&self, at: DateTime<Utc>) -> bool {
        self.period.is_none_or(|period| Period::at(crate::time::local(at).time()) == period)
    }

    /// Whether an alarm of `severity` is to be filed as an event.
    fn files(&self, severity: Severity) -> bool {
        self.event_category.is_some() && self.event_from.is_some_and(|from| severity >= from)
    }
}

/// A rule's kept state: the watch, and the rule's version it was kept for.
#[derive(Debug, QueryableByName)]
struct Kept {
    #[diesel(sql_type = BigInt)]
    rule_id: i64,
    #[diesel(sql_type = Integer)]
    rule_version: i32,
    #[diesel(sql_type = Jsonb)]
    state: serde_json::Value,
}

/// Steps every rule the stored readings concern and writes what changed; says whether an
/// alarm opened, moved or cleared. Runs in the ingest's transaction; the watches are locked
/// in the order of their rule, so two batches of the same station take turns instead of
/// deadlocking.
pub(super) async fn judge(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    stations: &HashMap<i64, Station>,
    mut stored: Vec<Stored>,
) -> Result<bool, AppError> {
    if stored.is_empty() {
        return Ok(false);
    }
    let mut station_ids: Vec<i64> = stored.iter().map(|reading| reading.station_id).collect();
    station_ids.sort_unstable();
    station_ids.dedup();
    let rules: Vec<Rule> = diesel::sql_query(
        "SELECT r.id, r.version, r.parent_id AS station_id, r.measurand, r.direction, \
                r.warning::float8 AS warning, r.alarm::float8 AS alarm, r.duration_minutes, \
                r.clear_margin::float8 AS clear_margin, r.period, r.event_from, r.event_category \
         FROM reg.sensing_rules r JOIN reg.sensing_stations s ON s.id = r.parent_id \
         WHERE r.parent_id = ANY($1) AND r.deleted_at IS NULL AND s.deleted_at IS NULL \
           AND s.status = 'in_service' \
         ORDER BY r.id",
    )
    .bind::<Array<BigInt>, _>(&station_ids)
    .load(conn)
    .await?;
    let rules: Vec<Rule> = rules
        .into_iter()
        .filter(|rule| stored.iter().any(|r| r.station_id == rule.station_id && r.measurand == rule.measurand))
        .collect();
    if rules.is_empty() {
        return Ok(false);
    }
    let rule_ids: Vec<i64> = rules.iter().map(|rule| rule.id).collect();
    diesel::sql_query("INSERT INTO sensing_watches (rule_id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING")
        .bind::<Array<BigInt>, _>(&rule_ids)
        .execute(conn)
        .await?;
    let kept: Vec<Kept> = diesel::sql_query(
        "SELECT rule_id, rule_version, state FROM sensing_watches WHERE rule_id = ANY($1) ORDER BY rule_id FOR UPDATE",
    )
    .bind::<Array<BigInt>, _>(&rule_ids)
    .load(conn)
    .await?;
    let kept: HashMap<i64, Kept> = kept.into_iter().map(|k| (k.rule_id, k)).collect();
    stored.sort_by_key(|reading| reading.at);
    let mut changed = false;
    for rule in &rules {
        let Some(station) = stations.get(&rule.station_id) else { continue };
        let mut watch = kept
            .get(&rule.id)
            .and_then(|k| serde_json::from_value::<Watch>(k.state.clone()).ok().map(|w| (k.rule_version, w)))
            .map(|(version, watch)| {
                // Levels edited since: what is open stays open (and is judged by the new
                // levels at once), but time past a level counts afresh.
                if version == rule.version { watch } else { Watch { warning_since: None, alarm_since: None, ..watch } }
            })
            .unwrap_or_default();
        let threshold = rule.threshold();
        // The open alarm's latest value and its worst in this batch.
        let mut open: Option<(f64, f64)> = None;
        for reading in stored.iter().filter(|r| r.station_id == rule.station_id && r.measurand == rule.measurand) {
            let (next, transition) = if rule.holds_at(reading.at) {
                threshold.step(&watch, reading.at, reading.value)
            } else {
                threshold.rest(&watch, reading.at)
            };
            let taken = next.last_at == Some(reading.at);
            watch = next;
            if let Some(transition) = transition {
                apply(conn, township_id, station, rule, transition, reading).await?;
                changed = true;
            }
            if taken {
                open = (watch.open != Severity::Normal).then(|| {
                    let worst = open.map_or(reading.value, |(_, worst)| threshold.worse(worst, reading.value));
                    (reading.value, worst)
                });
            }
        }
        if let Some((value, worst)) = open {
            follow(conn, rule, &threshold, value, worst).await?;
        }
        diesel::sql_query(
            "UPDATE sensing_watches SET rule_version = $2, state = $3, updated_at = now() WHERE rule_id = $1",
        )
        .bind::<BigInt, _>(rule.id)
        .bind::<Integer, _>(rule.version)
        .bind::<Jsonb, _>(serde_json::to_value(&watch).map_err(|_| AppError::Internal)?)
        .execute(conn)
        .await?;
    }
    Ok(changed)
}

/// Writes what one step did to the rule's alarm.
async fn apply(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    station: &Station,
    rule: &Rule,
    transition: Transition,
    reading: &Stored,
) -> Result<(), AppError> {
    match transition {
        Transition::Opened(severity) => {
            diesel::sql_query(
                "INSERT INTO sensing_alarms \
                   (township_id, station_id, rule_id, measurand, severity, opened_at, changed_at, value, peak) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7)",
            )
            .bind::<Integer, _>(township_id)
            .bind::<BigInt, _>(station.id)
            .bind::<BigInt, _>(rule.id)
            .bind::<Text, _>(rule.measurand)
            .bind::<Text, _>(severity)
            .bind::<Timestamptz, _>(reading.at)
            .bind::<Double, _>(reading.value)
            .execute(conn)
            .await?;
            file_if_due(conn, township_id, station, rule, severity, reading).await
        }
        Transition::Raised(severity) | Transition::Lowered(severity) => {
            diesel::sql_query(
                "UPDATE sensing_alarms SET severity = $2, changed_at = $3 WHERE rule_id = $1 AND cleared_at IS NULL",
            )
            .bind::<BigInt, _>(rule.id)
            .bind::<Text, _>(severity)
            .bind::<Timestamptz, _>(reading.at)
            .execute(conn)
            .await?;
            file_if_due(conn, township_id, station, rule, severity, reading).await
        }
        Transition::Cleared => {
            diesel::sql_query(
                "UPDATE sensing_alarms SET cleared_at = $2, changed_at = $2, value = $3 \
                 WHERE rule_id = $1 AND cleared_at IS NULL",
            )
            .bind::<BigInt, _>(rule.id)
            .bind::<Timestamptz, _>(reading.at)
            .bind::<Double, _>(reading.value)
            .execute(conn)
            .await?;
            Ok(())
        }
    }
}

/// The open alarm's latest value, and its worst: `worst` if it is worse than the kept one.
async fn follow(
    conn: &mut AsyncPgConnection,
    rule: &Rule,
    threshold: &Threshold,
    value: f64,
    worst: f64,
) -> Result<(), AppError> {
    let sql = match threshold.direction {
        Direction::Above => {
            "UPDATE sensing_alarms SET value = $2, peak = greatest(peak, $3) WHERE rule_id = $1 AND cleared_at IS NULL"
        }
        Direction::Below => {
            "UPDATE sensing_alarms SET value = $2, peak = least(peak, $3) WHERE rule_id = $1 AND cleared_at IS NULL"
        }
    };
    diesel::sql_query(sql)
        .bind::<BigInt, _>(rule.id)
        .bind::<Double, _>(value)
        .bind::<Double, _>(worst)
        .execute(conn)
        .await?;
    Ok(())
}

/// Files the open alarm as an event when its rule asks for one at this severity and it has
/// none yet: once per alarm, however often it rises and falls. An event the intake refuses
/// (the station stands outside every grid, the category was retired) leaves the alarm
/// standing without one, logged, and the readings stored: the alarm shows on the screens.
async fn file_if_due(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    station: &Station,
    rule: &Rule,
    severity: Severity,
    reading: &Stored,
) -> Result<(), AppError> {
    let (true, Some(category_id)) = (rule.files(severity), rule.event_category) else { return Ok(()) };
    #[derive(QueryableByName)]
    struct Open {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Nullable<BigInt>)]
        event_id: Option<i64>,
    }
    let open: Open =
        diesel::sql_query("SELECT id, event_id FROM sensing_alarms WHERE rule_id = $1 AND cleared_at IS NULL")
            .bind::<BigInt, _>(rule.id)
            .get_result(conn)
            .await?;
    if open.event_id.is_some() {
        return Ok(());
    }
    let form = event_form(station, rule, severity, reading, category_id);
    let filer = SystemFiler {
        township_id,
        channel: Channel::Sensor,
        name: format!("互联感知 · {}", station.name),
        deadline: None,
    };
    // A savepoint: a refused event rolls back itself, not the readings.
    let filed =
        conn.transaction::<_, AppError, _>(async |conn| intake::file_for_system(conn, &filer, &form).await).await;
    match filed {
        Ok(reported) => {
            diesel::sql_query("UPDATE sensing_alarms SET event_id = $2 WHERE id = $1")
                .bind::<BigInt, _>(open.id)
                .bind::<BigInt, _>(reported.id)
                .execute(conn)
                .await?;
        }
        Err(error) => {
            tracing::warn!(alarm = open.id, station = %station.code, ?error, "an alarm could not be filed as an event");
        }
    }
    Ok(())
}

/// The event an alarm becomes: where the station stands, what it read and against which
/// level, urgent when it is an alarm rather than a warning.
fn event_form(station: &Station, rule: &Rule, severity: Severity, reading: &Stored, category_id: i32) -> NewEvent {
    let measurand = rule.measurand;
    let (word, level, priority) = match severity {
        Severity::Alarm => ("报警", rule.alarm, Priority::Urgent),
        _ => ("预警", rule.warning, Priority::Normal),
    };
    let side = match rule.direction {
        Direction::Above => "高于",
        Direction::Below => "低于",
    };
    let unit = measurand.unit();
    let title: String =
        format!("{}{}{}：{} {}{}", station.name, measurand.name_zh(), word, measurand.name_zh(), reading.value, unit)
            .chars()
            .take(crate::events::types::TITLE_MAX)
            .collect();
    let level = level.map(|level| format!("，{side}{word}值 {level}{unit}")).unwrap_or_default();
    let lasted = match rule.duration_minutes {
        0 => String::new(),
        minutes => format!("，持续 {minutes} 分钟以上"),
    };
    let description = format!(
        "监测站点 {}（{}）于 {} 测得{} {}{}{}{}。此事件由互联感知报警规则自动生成。",
        station.name,
        station.code,
        crate::time::local(reading.at).format("%Y-%m-%d %H:%M"),
        measurand.name_zh(),
        reading.value,
        unit,
        level,
        lasted,
    );
    NewEvent {
        channel: Channel::Sensor.as_str().into(),
        category_id,
        priority: priority.as_str().into(),
        title,
        description,
        address: if station.address.is_empty() { station.name.clone() } else { station.address.clone() },
        lat: Some(station.lat),
        lng: Some(station.lng),
        ..NewEvent::default()
    }
}

/// An alarm as pages, boards and the API show it.
#[derive(Debug, Clone, QueryableByName, serde::Serialize)]
pub struct AlarmRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub station_id: i64,
    #[diesel(sql_type = Text)]
    pub station: String,
    #[diesel(sql_type = Text)]
    pub measurand: Measurand,
    #[diesel(sql_type = Text)]
    pub severity: Severity,
    #[diesel(sql_type = Timestamptz)]
    pub opened_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub cleared_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Double)]
    pub value: f64,
    #[diesel(sql_type = Double)]
    pub peak: f64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub event_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub event_number: Option<String>,
}

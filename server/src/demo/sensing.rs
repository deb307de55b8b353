//! The sensing module's demo data (`shared::sensing`): a dozen monitoring stations in the
//! villages — river gauges, water-quality and air-quality stations, noise points, river
//! cameras — each with the alarm rules a township would set by the national standards, and
//! thirty days of hourly readings that rise and fall with the day, never past an alarm level
//! (the demo's alarms come from readings sent while it runs). And the township's vital-sign
//! indicators: events, the on-time rate, the stations' alarms, a river's level, the air, the
//! population — most of them on the big screen, owned by the departments that answer for
//! them. The server computes them as it starts (`shared::sensing::service::indicators`).
//!
//! Deterministic: the same villages give the same stations and readings.

use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use shared::sensing::{INDICATORS, RULES, STATIONS};
use shared::sql::Sql;

use super::registers::{Id, Row, Town, insert, point};

/// A rule as the demo writes it: measurand, direction, warning, alarm, minutes, margin,
/// the severity it becomes an event from, the event category's code, and the period it
/// holds in (none: always).
type RuleSpec = (
    &'static str,
    &'static str,
    f64,
    Option<f64>,
    i64,
    f64,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// (code, name suffix, kind, extra fields, rules, readings: measurand, mean, daily swing).
struct StationSpec {
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    extra: &'static [(&'static str, &'static str)],
    rules: &'static [RuleSpec],
    series: &'static [(&'static str, f64, f64)],
}

const WATER_LEVEL: &[RuleSpec] =
    &[("water_level", "above", 3.0, Some(3.5), 10, 0.1, Some("alarm"), Some("TF0102"), None)];
const WATER_QUALITY: &[RuleSpec] = &[
    // Class Ⅲ's limits as the warning, Ⅳ's as the alarm (GB 3838—2002).
    ("nh3n", "above", 1.0, Some(1.5), 60, 0.05, Some("alarm"), Some("ZL0301"), None),
    ("do", "below", 5.0, Some(3.0), 60, 0.2, Some("alarm"), Some("ZL0301"), None),
    ("tp", "above", 0.2, Some(0.3), 60, 0.01, Some("alarm"), Some("ZL0301"), None),
];
// 24-hour PM2.5 at the top of 良 and of 轻度污染 (HJ 633—2012).
const AIR: &[RuleSpec] = &[("pm25", "above", 75.0, Some(115.0), 60, 5.0, Some("alarm"), Some("ZL0302"), None)];
// Class 2's limits as the warnings (GB 3096—2008: 60 dB(A) by day, 50 at night), ten above
// as the alarms: a rule for the day and one for the night.
const NOISE: &[RuleSpec] = &[
    ("leq", "above", 60.0, Some(70.0), 30, 2.0, Some("alarm"), Some("ZL0303"), Some("day")),
    ("leq", "above", 50.0, Some(60.0), 30, 2.0, Some("alarm"), Some("ZL0303"), Some("night")),
];
// Offline for ten minutes: a warning to the maintainers, not an event.
const CAMERA: &[RuleSpec] = &[("online", "below", 0.5, None, 10, 0.0, None, None, None)];

const STATIONS_LIST: &[StationSpec] = &[
    StationSpec {
        code: "WL-01",
        name: "水位站",
        kind: "water_level",
        extra: &[],
        rules: WATER_LEVEL,
        series: &[("water_level", 2.4, 0.15)],
    },
    StationSpec {
        code: "WL-02",
        name: "水位站",
        kind: "water_level",
        extra: &[],
        rules: WATER_LEVEL,
        series: &[("water_level", 2.6, 0.2)],
    },
    StationSpec {
        code: "WL-03",
        name: "水位站",
        kind: "water_level",
        extra: &[],
        rules: WATER_LEVEL,
        series: &[("water_level", 2.2, 0.1)],
    },
    StationSpec {
        code: "WQ-01",
        name: "水质自动站",
        kind: "water_quality",
        extra: &[("water_body", "river"), ("water_target", "III")],
        rules: WATER_QUALITY,
        series: &[("nh3n", 0.6, 0.1), ("do", 6.5, 0.6), ("tp", 0.12, 0.02), ("codmn", 4.5, 0.5)],
    },
    StationSpec {
        code: "WQ-02",
        name: "水质自动站",
        kind: "water_quality",
        extra: &[("water_body", "lake"), ("water_target", "III")],
        rules: WATER_QUALITY,
        series: &[("nh3n", 0.8, 0.15), ("do", 5.8, 0.5), ("tp", 0.04, 0.01), ("tn", 0.9, 0.1)],
    },
    StationSpec {
        code: "AQ-01",
        name: "空气质量微站",
        kind: "air_quality",
        extra: &[],
        rules: AIR,
        series: &[("pm25", 32.0, 12.0), ("pm10", 55.0, 18.0), ("o3", 80.0, 40.0), ("no2", 28.0, 10.0)],
    },
    StationSpec {
        code: "AQ-02",
        name: "空气质量微站",
        kind: "air_quality",
        extra: &[],
        rules: AIR,
        series: &[("pm25", 38.0, 14.0), ("pm10", 62.0, 20.0), ("o3", 76.0, 38.0), ("no2", 32.0, 12.0)],
    },
    StationSpec {
        code: "NS-01",
        name: "噪声监测点",
        kind: "noise",
        extra: &[("noise_zone", "2")],
        rules: NOISE,
        series: &[("leq", 52.0, 6.0)],
    },
    StationSpec {
        code: "NS-02",
        name: "噪声监测点",
        kind: "noise",
        extra: &[("noise_zone", "4a")],
        rules: NOISE,
        series: &[("leq", 58.0, 7.0)],
    },
    StationSpec {
        code: "CAM-01",
        name: "河道监控",
        kind: "river_camera",
        extra: &[],
        rules: CAMERA,
        series: &[("online", 1.0, 0.0)],
    },
    StationSpec {
        code: "CAM-02",
        name: "河道监控",
        kind: "river_camera",
        extra: &[],
        rules: CAMERA,
        series: &[("online", 1.0, 0.0)],
    },
];

/// Days of readings seeded.
const DAYS: i64 = 30;

pub async fn seed(conn: &mut AsyncPgConnection, township_id: i32) -> anyhow::Result<()> {
    let town = Town::load(conn, township_id).await?;
    let installed = shared::time::today() - Duration::days(400);
    let rows = STATIONS_LIST
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let village = &town.villages[i % town.villages.len()];
            // A little apart from the village's centre, each station its own spot.
            let (dx, dy) = (0.002 * ((i % 3) as f64 - 1.0), 0.0015 * ((i % 2) as f64 - 0.5));
            let mut row = Row::new(super::registers::at(installed))
                .place(Some(village.id), None)
                .set("name", format!("{}{}", village.name, spec.name))
                .set("code", spec.code)
                .set("kind", spec.kind)
                .set("status", "in_service")
                .set("location", point(village.lon + dx, village.lat + dy))
                .set("address", format!("{}境内", village.name))
                .set("maker", "示例环境科技 TG-100")
                .set("installed_on", installed.to_string());
            for (field, value) in spec.extra {
                row = row.set(field, *value);
            }
            row
        })
        .collect();
    let ids = insert(conn, &town, &STATIONS, rows).await?;
    let mut rules = Vec::new();
    for ((spec, id), index) in STATIONS_LIST.iter().zip(&ids).zip(0..) {
        let village = &town.villages[index % town.villages.len()];
        for (measurand, direction, warning, alarm, minutes, margin, from, category, period) in spec.rules {
            let category = match category {
                Some(code) => Some(category_id(conn, code).await?),
                None => None,
            };
            let mut row = Row::new(super::registers::at(installed))
                .place(Some(village.id), None)
                .set("measurand", *measurand)
                .set("direction", *direction)
                .set("warning", Value::from(*warning))
                .set("alarm", alarm.map(Value::from).unwrap_or(Value::Null))
                .set("duration_minutes", Value::from(*minutes))
                .set("clear_margin", Value::from(*margin));
            row.parent_id = Some(*id);
            if let Some(period) = period {
                row = row.set("period", *period);
            }
            if let (Some(from), Some(category)) = (from, category) {
                row = row.set("event_from", *from).set("event_category", Value::from(category));
            }
            rules.push(row);
        }
    }
    insert(conn, &town, &RULES, rules).await?;
    readings(conn, &ids).await?;
    indicators(conn, &town, &ids, installed).await
}

/// An indicator as the demo writes it: name, source, the station (by code) and measurand of a
/// reading, refresh minutes, levels (direction, warning, alarm, minutes), the owner
/// department's code, and whether it is on the big screen.
struct IndicatorSpec {
    name: &'static str,
    source: &'static str,
    reading: Option<(&'static str, &'static str)>,
    refresh: i64,
    levels: Option<(&'static str, f64, f64, i64)>,
    department: Option<&'static str>,
    on_screen: bool,
}

const INDICATORS_LIST: &[IndicatorSpec] = &[
    IndicatorSpec {
        name: "在办事件",
        source: "events_open",
        reading: None,
        refresh: 1,
        levels: None,
        department: None,
        on_screen: true,
    },
    IndicatorSpec {
        name: "超期事件",
        source: "events_overdue",
        reading: None,
        refresh: 1,
        levels: Some(("above", 5.0, 10.0, 0)),
        department: Some("zongzhi"),
        on_screen: true,
    },
    IndicatorSpec {
        name: "今日新增事件",
        source: "events_today",
        reading: None,
        refresh: 1,
        levels: None,
        department: None,
        on_screen: true,
    },
    IndicatorSpec {
        name: "按期办结率",
        source: "on_time_rate",
        reading: None,
        refresh: 10,
        levels: Some(("below", 90.0, 80.0, 0)),
        department: Some("zongzhi"),
        on_screen: true,
    },
    IndicatorSpec {
        name: "未解除站点报警",
        source: "station_alarms",
        reading: None,
        refresh: 1,
        levels: Some(("above", 1.0, 3.0, 0)),
        department: Some("shengtai"),
        on_screen: true,
    },
    IndicatorSpec {
        name: "河道水位",
        source: "reading",
        reading: Some(("WL-01", "water_level")),
        refresh: 1,
        levels: Some(("above", 3.0, 3.5, 10)),
        department: Some("shengtai"),
        on_screen: true,
    },
    IndicatorSpec {
        name: "PM2.5",
        source: "reading",
        reading: Some(("AQ-01", "pm25")),
        refresh: 5,
        levels: Some(("above", 75.0, 115.0, 60)),
        department: Some("shengtai"),
        on_screen: false,
    },
    IndicatorSpec {
        name: "实有人口",
        source: "residents",
        reading: None,
        refresh: 1440,
        levels: None,
        department: None,
        on_screen: false,
    },
];

async fn indicators(
    conn: &mut AsyncPgConnection,
    town: &Town,
    station_ids: &[i64],
    installed: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for spec in INDICATORS_LIST {
        let mut row = Row::new(super::registers::at(installed))
            .set("name", spec.name)
            .set("source", spec.source)
            .set("refresh_minutes", Value::from(spec.refresh))
            .set("on_screen", Value::from(spec.on_screen));
        if let Some((code, measurand)) = spec.reading {
            let index = STATIONS_LIST.iter().position(|s| s.code == code).expect("a demo station");
            row = row.set("station", Value::from(station_ids[index])).set("measurand", measurand);
        }
        if let Some((direction, warning, alarm, minutes)) = spec.levels {
            row = row
                .set("direction", direction)
                .set("warning", Value::from(warning))
                .set("alarm", Value::from(alarm))
                .set("duration_minutes", Value::from(minutes));
        }
        if let Some(code) = spec.department {
            let department: Id = Sql::new("SELECT id::bigint AS id FROM departments WHERE township_id = ")
                .bind(town.township_id)
                .push(" AND code = ")
                .bind(code)
                .query()
                .get_result(conn)
                .await?;
            row = row.set("department", Value::from(department.id));
        }
        rows.push(row);
    }
    insert(conn, town, &INDICATORS, rows).await?;
    Ok(())
}

async fn category_id(conn: &mut AsyncPgConnection, code: &str) -> anyhow::Result<i64> {
    let row: Id = Sql::new("SELECT id::bigint AS id FROM event_categories WHERE code = ")
        .bind(code)
        .query()
        .get_result(conn)
        .await?;
    Ok(row.id)
}

/// Hourly readings of the last [`DAYS`] days: each measurand's mean with a daily swing that
/// peaks mid-afternoon and a small deterministic wobble, written by the database in one
/// statement per station.
async fn readings(conn: &mut AsyncPgConnection, ids: &[i64]) -> anyhow::Result<()> {
    let now: DateTime<Utc> = Utc::now().duration_trunc(Duration::hours(1))?;
    for (spec, id) in STATIONS_LIST.iter().zip(ids) {
        for (measurand, mean, swing) in spec.series {
            Sql::new(
                "INSERT INTO sensing_readings (station_id, measurand, at, value) \
                 SELECT ",
            )
            .bind(*id)
            .push(", ")
            .bind(*measurand)
            .push(
                ", t, round((greatest(0, \
                   ",
            )
            .bind(*mean)
            .push(" + ")
            .bind(*swing)
            .push(
                " * (sin(2 * pi() * (extract(hour FROM t) - 9) / 24) + 0.3 * sin(extract(epoch FROM t) / 7919.0)) \
                 ))::numeric, 3)::float8 FROM generate_series(",
            )
            .bind(now - Duration::days(DAYS))
            .push(", ")
            .bind(now)
            .push(", interval '1 hour') AS t ON CONFLICT DO NOTHING")
            .query()
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

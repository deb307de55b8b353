//! 体征指标 (issue 17) on the demo township: an indicator declared through the engine's form
//! (its fields checked together), computed when due — a new one drawing its last day at once —
//! stepped through its levels into one alarm that rises, never doubles while the value stays
//! past a level, and clears; its owner department told (the dispatchers when it has nobody); the tiles and the alarms as a wall
//! reads them; the events counted as of a time agreeing with their states now; two processes
//! computing one indicator once.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shared::engine::service as engine;
use shared::engine::value::RecordForm;
use shared::sensing::INDICATORS;
use shared::sensing::indicators::Source;
use shared::sensing::measurand::Measurand;
use shared::sensing::readings::Reading;
use shared::sensing::service::indicators::{self, COLUMNS, Indicator};
use shared::sensing::service::situation::{Tiles, situation};
use shared::sensing::service::{self as sensing, Sender};
use shared::sensing::situation::AlarmOrigin;
use shared::sensing::threshold::Severity;
use shared::{AppError, ErrorCode};

use crate::harness::TestDb;

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count_where(conn: &mut AsyncPgConnection, sql: &'static str, id: i64) -> i64 {
    diesel::sql_query(sql).bind::<BigInt, _>(id).get_result::<N>(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}")).n
}

async fn department(conn: &mut AsyncPgConnection, township: i32, code: &str) -> i32 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    diesel::sql_query("SELECT id FROM departments WHERE township_id = $1 AND code = $2")
        .bind::<Integer, _>(township)
        .bind::<Text, _>(code)
        .get_result::<Id>(conn)
        .await
        .expect("a department")
        .id
}

async fn station_id(conn: &mut AsyncPgConnection, code: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    diesel::sql_query("SELECT id FROM reg.sensing_stations WHERE code = $1")
        .bind::<Text, _>(code)
        .get_result::<Id>(conn)
        .await
        .expect("a station")
        .id
}

async fn indicator(conn: &mut AsyncPgConnection, id: i64) -> Indicator {
    diesel::sql_query(format!("SELECT {COLUMNS} FROM reg.sensing_indicators i WHERE i.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
        .await
        .expect("the indicator")
}

fn form(values: &[(&str, String)]) -> RecordForm {
    RecordForm {
        values: values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect::<BTreeMap<_, _>>(),
        ..RecordForm::default()
    }
}

#[derive(QueryableByName, Debug)]
struct Alarm {
    #[diesel(sql_type = Text)]
    severity: String,
    #[diesel(sql_type = Timestamptz)]
    opened_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    cleared_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Double)]
    value: f64,
    #[diesel(sql_type = Double)]
    peak: f64,
}

async fn alarms_of(conn: &mut AsyncPgConnection, id: i64) -> Vec<Alarm> {
    diesel::sql_query(
        "SELECT severity, opened_at, cleared_at, value, peak FROM indicator_alarms WHERE indicator_id = $1 ORDER BY id",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await
    .expect("alarms")
}

/// A minute of the past, 17 seconds past it (never the time of a demo reading, on the hour).
fn minutes_ago(minutes: i64) -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::minutes(1)).expect("a minute") - Duration::minutes(minutes)
        + Duration::seconds(17)
}

#[tokio::test]
async fn an_indicator_is_computed_when_due_opens_one_alarm_tells_its_department_and_clears() {
    let db = TestDb::new().await;
    let staff = db.user("staff").await;
    let township = staff.township_id;
    let mut conn = db.conn().await;
    // The demo handler works in 综合行政执法大队: someone to be told.
    let owner = department(&mut conn, township, "zonghe").await;
    let wl02 = station_id(&mut conn, "WL-02").await;

    // The form checks what the fields ask of each other: a reading names its station.
    let mut values = vec![
        ("name", "二号河道水位".to_owned()),
        ("source", "reading".to_owned()),
        ("refresh_minutes", "1".to_owned()),
        ("direction", "above".to_owned()),
        ("warning", "3.0".to_owned()),
        ("alarm", "3.5".to_owned()),
        ("duration_minutes", "0".to_owned()),
        ("clear_margin", "0.1".to_owned()),
        ("department", owner.to_string()),
        ("on_screen", "true".to_owned()),
    ];
    let refused = engine::create(&mut conn, &staff, &INDICATORS, &form(&values)).await.expect_err("no station");
    let AppError::Validation(problems) = refused else { panic!("{refused:?}") };
    let problems: Vec<(String, ErrorCode)> = problems.into_iter().map(|p| (p.field, p.code)).collect();
    assert!(problems.contains(&("station".to_owned(), ErrorCode::SensingIndicatorStationRequired)), "{problems:?}");
    values.push(("station", wl02.to_string()));
    values.push(("measurand", "water_level".to_owned()));
    let id = engine::create(&mut conn, &staff, &INDICATORS, &form(&values)).await.expect("created");
    let watched = indicator(&mut conn, id).await;
    assert_eq!(
        (watched.source, watched.measurand, watched.unit()),
        (Source::Reading, Some(Measurand::WaterLevel), "m".to_owned())
    );

    let sender = Sender { township_id: township, village_id: None };
    let level = |at: DateTime<Utc>, value: f64| Reading {
        station: "WL-02".into(),
        measurand: Measurand::WaterLevel,
        at,
        value,
    };
    let told = "SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id \
                WHERE n.kind = 'indicator_alarm' AND u.department_id = $1";
    let told_before = count_where(&mut conn, told, owner as i64).await;

    // First computation: the last day drawn from the station's hourly readings, then now. The
    // demo's reading on the hour that may fall within the test's minutes is taken away: the
    // latest reading at each computation is the test's own.
    let start = minutes_ago(40);
    diesel::sql_query("DELETE FROM sensing_readings WHERE station_id = $1 AND at > $2")
        .bind::<BigInt, _>(wl02)
        .bind::<Timestamptz, _>(start - Duration::minutes(5))
        .execute(&mut conn)
        .await
        .expect("the demo's newest readings of WL-02 taken away");
    sensing::ingest(&mut conn, sender, vec![level(start, 2.5)]).await.expect("normal");
    let done = indicators::evaluate_due(&mut conn, start + Duration::seconds(1)).await.expect("evaluated");
    assert!(done.computed >= 1);
    let drawn = count_where(&mut conn, "SELECT count(*) AS n FROM indicator_values WHERE indicator_id = $1", id).await;
    assert!(drawn >= 24, "the last day and now: {drawn}");
    assert!(alarms_of(&mut conn, id).await.is_empty());
    // Not due again within its minute: nothing computed for it.
    indicators::evaluate_due(&mut conn, start + Duration::seconds(30)).await.expect("evaluated");
    assert_eq!(
        count_where(&mut conn, "SELECT count(*) AS n FROM indicator_values WHERE indicator_id = $1", id).await,
        drawn
    );

    // Past the warning level: a warning opens and the department hears of it.
    sensing::ingest(&mut conn, sender, vec![level(start + Duration::minutes(1), 3.2)]).await.expect("warning");
    indicators::evaluate_due(&mut conn, start + Duration::minutes(2)).await.expect("evaluated");
    let alarms = alarms_of(&mut conn, id).await;
    assert_eq!(alarms.len(), 1, "{alarms:?}");
    assert_eq!((alarms[0].severity.as_str(), alarms[0].opened_at), ("warning", start + Duration::minutes(2)));
    let told_warning = count_where(&mut conn, told, owner as i64).await;
    assert!(told_warning > told_before, "the department is told");

    // Higher: the same alarm rises, the department is told again; still high: nothing new.
    sensing::ingest(&mut conn, sender, vec![level(start + Duration::minutes(3), 3.8)]).await.expect("alarm");
    indicators::evaluate_due(&mut conn, start + Duration::minutes(4)).await.expect("evaluated");
    indicators::evaluate_due(&mut conn, start + Duration::minutes(6)).await.expect("evaluated");
    let alarms = alarms_of(&mut conn, id).await;
    assert_eq!(alarms.len(), 1, "one alarm while the value stays high: {alarms:?}");
    assert_eq!((alarms[0].severity.as_str(), alarms[0].value, alarms[0].peak), ("alarm", 3.8, 3.8));
    let told_alarm = count_where(&mut conn, told, owner as i64).await;
    assert!(told_alarm > told_warning);

    // The wall: the tile with its value, unit, severity and line; the alarm listed.
    let leader = db.user("leader").await;
    let wall = situation(&mut conn, &leader, Tiles::OnScreen, start + Duration::minutes(6)).await.expect("situation");
    let tile = wall.tiles.iter().find(|t| t.id == id).expect("the tile");
    assert_eq!((tile.value, tile.unit.as_str(), tile.severity), (Some(3.8), "m", Severity::Alarm));
    assert!(tile.points.len() >= 20, "{:?}", tile.points);
    // The map's overlay: every station where it stands, the grids' open events.
    assert_eq!(wall.stations.len(), 11);
    let gauge = wall.stations.iter().find(|s| s.id == wl02).expect("WL-02 on the map");
    assert!(gauge.in_service && (119.0..122.0).contains(&gauge.lon) && (30.0..33.0).contains(&gauge.lat), "{gauge:?}");
    assert!(!wall.open_by_grid.is_empty() && wall.open_by_grid.iter().all(|(_, open)| *open > 0));
    let listed = wall.alarms.iter().find(|a| a.origin == AlarmOrigin::Indicator { indicator_id: id }).expect("listed");
    assert_eq!((listed.severity, listed.value, listed.unit.as_str()), (Severity::Alarm, 3.8, "m"));
    // A grid worker may not view the catalogue: no tiles, no refusal.
    let grid = db.user("grid").await;
    let theirs = situation(&mut conn, &grid, Tiles::OnScreen, start + Duration::minutes(6)).await.expect("situation");
    assert!(theirs.tiles.is_empty());

    // Back under the warning level by its margin: cleared, still one alarm.
    sensing::ingest(&mut conn, sender, vec![level(start + Duration::minutes(7), 2.8)]).await.expect("low");
    indicators::evaluate_due(&mut conn, start + Duration::minutes(8)).await.expect("evaluated");
    let alarms = alarms_of(&mut conn, id).await;
    assert_eq!(alarms.len(), 1);
    assert_eq!((alarms[0].cleared_at, alarms[0].value), (Some(start + Duration::minutes(8)), 2.8));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn an_alarm_of_a_department_with_nobody_in_it_reaches_the_dispatchers() {
    let db = TestDb::new().await;
    let staff = db.user("staff").await;
    let township = staff.township_id;
    let mut conn = db.conn().await;
    // 生态环境办公室 has nobody in the demo: told alone, nobody would hear of its alarms.
    let empty = department(&mut conn, township, "shengtai").await;
    let members = count_where(
        &mut conn,
        "SELECT count(*) AS n FROM users WHERE status = 'active' AND department_id = $1",
        empty as i64,
    )
    .await;
    assert_eq!(members, 0, "the demo's 生态环境办公室 is empty");
    let values = [
        ("name", "无人部门的在办事件".to_owned()),
        ("source", "events_open".to_owned()),
        ("refresh_minutes", "1".to_owned()),
        ("direction", "above".to_owned()),
        ("warning", "1".to_owned()),
        ("alarm", "100000".to_owned()),
        ("duration_minutes", "0".to_owned()),
        ("clear_margin", "0".to_owned()),
        ("department", empty.to_string()),
    ];
    engine::create(&mut conn, &staff, &INDICATORS, &form(&values)).await.expect("created");
    indicators::evaluate_due(&mut conn, Utc::now()).await.expect("evaluated");

    // The demo's staff dispatch (指挥中心): they are told, by name of the indicator.
    let told = count_where(
        &mut conn,
        "SELECT count(*) AS n FROM notifications \
         WHERE kind = 'indicator_alarm' AND user_id = $1 AND message LIKE '%无人部门的在办事件%'",
        staff.id,
    )
    .await;
    assert_eq!(told, 1, "the dispatcher is told once");
    let grid = db.user("grid").await;
    let told_grid = count_where(
        &mut conn,
        "SELECT count(*) AS n FROM notifications \
         WHERE kind = 'indicator_alarm' AND user_id = $1 AND message LIKE '%无人部门的在办事件%'",
        grid.id,
    )
    .await;
    assert_eq!(told_grid, 0, "not everybody");
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn the_events_counted_as_of_now_agree_with_their_states() {
    let db = TestDb::new().await;
    let township = db.user("staff").await.township_id;
    let mut conn = db.conn().await;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let open_id: Id = diesel::sql_query(
        "SELECT id FROM reg.sensing_indicators WHERE source = 'events_open' AND township_id = $1 AND deleted_at IS NULL",
    )
    .bind::<Integer, _>(township)
    .get_result(&mut conn)
    .await
    .expect("the demo's open-events indicator");
    let open = indicator(&mut conn, open_id.id).await;
    let now = Utc::now();
    let counted = indicators::value_at(&mut conn, &open, now).await.expect("value").expect("a count");
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = Double)]
        n: f64,
    }
    let by_state: Count = diesel::sql_query(
        "SELECT count(*)::float8 AS n FROM events \
         WHERE township_id = $1 AND state NOT IN ('closed', 'rejected', 'merged')",
    )
    .bind::<Integer, _>(township)
    .get_result(&mut conn)
    .await
    .expect("count");
    assert!(counted > 0.0);
    assert_eq!(counted, by_state.n, "open as of now is open by state");
    // A day ago fewer or more, but a count: the line can be drawn.
    assert!(indicators::value_at(&mut conn, &open, now - Duration::days(1)).await.expect("value").is_some());
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn two_processes_compute_each_indicator_once() {
    let db = TestDb::new().await;
    let mut first = db.conn().await;
    let mut second = db.conn().await;
    let now = Utc::now();
    let (a, b) = tokio::join!(indicators::evaluate_due(&mut first, now), indicators::evaluate_due(&mut second, now));
    let (a, b) = (a.expect("first"), b.expect("second"));
    let live = count_where(
        &mut first,
        "SELECT count(*) AS n FROM reg.sensing_indicators WHERE deleted_at IS NULL AND id > $1",
        0,
    )
    .await;
    // Each claimed by one of them (FOR UPDATE SKIP LOCKED), none by both, none left out.
    assert_eq!((a.computed + b.computed) as i64, live, "{a:?} {b:?}");
    drop((first, second));
    db.finish().await;
}

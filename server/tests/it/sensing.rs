//! 互联感知 (issue 17) on the demo township: readings taken in batches — by the service, over
//! HTTP with a device key, and over MQTT from a real Mosquitto — stored once, judged by the
//! stations' alarm rules (an alarm opens only after its duration, never twice while the value
//! stays high, and clears with the margin), an alarm filed as one event of the loop; a series
//! down-sampled without losing its spikes; months of readings made ahead and dropped past
//! the retention.

use std::time::Duration as StdDuration;

use axum::body::Body;
use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use http::{Request, StatusCode, header};
use serde_json::{Value, json};
use shared::credentials::service as credentials;
use shared::credentials::{ApiScope, NewApiKey};
use shared::sensing::measurand::Measurand;
use shared::sensing::readings::{Accepted, Reading};
use shared::sensing::service::{self as sensing, Sender, partitions, queries};
use shared::{AppError, ErrorCode};

use crate::harness::TestDb;
use crate::http::{HOST, router, send};

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(sql).get_result::<N>(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}")).n
}

/// Readings taken at `at`, of any station.
async fn stored_at(conn: &mut AsyncPgConnection, at: DateTime<Utc>) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM sensing_readings WHERE at = $1")
        .bind::<Timestamptz, _>(at)
        .get_result::<N>(conn)
        .await
        .expect("count")
        .n
}

async fn township(db: &TestDb) -> Sender {
    Sender { township_id: db.user("sysadmin").await.township_id, village_id: None }
}

fn reading(station: &str, measurand: Measurand, at: DateTime<Utc>, value: f64) -> Reading {
    Reading { station: station.into(), measurand, at, value }
}

/// A minute of the past, 17 seconds past it: never the time of one of the demo's readings,
/// which are on the hour.
fn minutes_ago(minutes: i64) -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::minutes(1)).expect("a minute") - Duration::minutes(minutes)
        + Duration::seconds(17)
}

/// The readings of `station` every five minutes from `start`, one value each.
fn every_five_minutes(station: &str, start: DateTime<Utc>, values: &[f64]) -> Vec<Reading> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| reading(station, Measurand::WaterLevel, start + Duration::minutes(5 * i as i64), *value))
        .collect()
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
    #[diesel(sql_type = Nullable<BigInt>)]
    event_id: Option<i64>,
}

async fn alarms_of(conn: &mut AsyncPgConnection, station: &str) -> Vec<Alarm> {
    diesel::sql_query(
        "SELECT a.severity, a.opened_at, a.cleared_at, a.value, a.peak, a.event_id FROM sensing_alarms a \
         JOIN reg.sensing_stations s ON s.id = a.station_id WHERE s.code = $1 ORDER BY a.id",
    )
    .bind::<Text, _>(station)
    .load(conn)
    .await
    .expect("alarms")
}

#[tokio::test]
async fn a_level_held_for_its_duration_opens_one_alarm_filed_as_one_event_and_clears_with_the_margin() {
    let db = TestDb::new().await;
    let sender = township(&db).await;
    let mut conn = db.conn().await;
    let events_before = count(&mut conn, "SELECT count(*) AS n FROM events WHERE channel = 'sensor'").await;
    // WL-01: warning 3.0 m, alarm 3.5 m, ten minutes, margin 0.1, an event from the alarm.
    let start = minutes_ago(120);

    // Past the alarm level for five minutes only: nothing opens.
    let spike = every_five_minutes("WL-01", start, &[3.7, 3.8, 2.6]);
    let accepted = sensing::ingest(&mut conn, sender, spike).await.expect("spike");
    assert_eq!(accepted, Accepted { accepted: 3, duplicates: 0 });
    assert!(alarms_of(&mut conn, "WL-01").await.is_empty());

    // Ten minutes past it: one alarm, at the alarm's severity, at the reading that made ten.
    let rising = every_five_minutes("WL-01", start + Duration::minutes(30), &[3.6, 3.7, 3.9]);
    sensing::ingest(&mut conn, sender, rising.clone()).await.expect("rising");
    let alarms = alarms_of(&mut conn, "WL-01").await;
    assert_eq!(alarms.len(), 1, "{alarms:?}");
    assert_eq!((alarms[0].severity.as_str(), alarms[0].opened_at), ("alarm", start + Duration::minutes(40)));
    assert_eq!((alarms[0].value, alarms[0].peak), (3.9, 3.9));
    // Filed as an event of the loop: channel 物联感知, the rule's category, where the station is.
    let event_id = alarms[0].event_id.expect("filed as an event");
    #[derive(QueryableByName)]
    struct Filed {
        #[diesel(sql_type = Text)]
        channel: String,
        #[diesel(sql_type = Text)]
        category: String,
        #[diesel(sql_type = Text)]
        priority: String,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Double)]
        metres_away: f64,
    }
    let filed: Filed = diesel::sql_query(
        "SELECT e.channel, c.code AS category, e.priority, e.title, \
                ST_Distance(e.location::geography, s.location::geography) AS metres_away \
         FROM events e JOIN event_categories c ON c.id = e.category_id, reg.sensing_stations s \
         WHERE e.id = $1 AND s.code = 'WL-01'",
    )
    .bind::<BigInt, _>(event_id)
    .get_result(&mut conn)
    .await
    .expect("the event");
    assert_eq!(
        (filed.channel.as_str(), filed.category.as_str(), filed.priority.as_str()),
        ("sensor", "TF0102", "urgent")
    );
    assert!(filed.title.contains("水位报警") && filed.title.contains("3.9"), "{}", filed.title);
    assert!(filed.metres_away < 1.0, "{}", filed.metres_away);

    // The same batch again (MQTT delivers at least once): stored once, judged once.
    let again = sensing::ingest(&mut conn, sender, rising).await.expect("again");
    assert_eq!(again, Accepted { accepted: 0, duplicates: 3 });
    // Still high, higher, a little lower but within the margin: no second alarm or event.
    let high = every_five_minutes("WL-01", start + Duration::minutes(45), &[4.2, 3.8, 3.45]);
    sensing::ingest(&mut conn, sender, high).await.expect("high");
    let alarms = alarms_of(&mut conn, "WL-01").await;
    assert_eq!(alarms.len(), 1);
    assert_eq!((alarms[0].severity.as_str(), alarms[0].value, alarms[0].peak), ("alarm", 3.45, 4.2));
    // Back under the alarm level by the margin: a warning; under the warning's: cleared.
    let falling = every_five_minutes("WL-01", start + Duration::minutes(60), &[3.3, 2.95, 2.85]);
    sensing::ingest(&mut conn, sender, falling).await.expect("falling");
    let alarms = alarms_of(&mut conn, "WL-01").await;
    assert_eq!(alarms.len(), 1);
    assert_eq!(alarms[0].cleared_at, Some(start + Duration::minutes(70)));
    assert_eq!(alarms[0].value, 2.85);
    let events_after = count(&mut conn, "SELECT count(*) AS n FROM events WHERE channel = 'sensor'").await;
    assert_eq!(events_after, events_before + 1, "one event for one alarm");

    // A late reading, older than what was judged, is stored but opens nothing.
    let late = every_five_minutes("WL-01", start + Duration::minutes(15), &[4.5]);
    sensing::ingest(&mut conn, sender, late).await.expect("late");
    assert_eq!(alarms_of(&mut conn, "WL-01").await.len(), 1);

    // The page's list: the cleared alarm among the recent ones.
    let listed = queries::alarms(&mut conn, &shared::scope::ScopeFilter::for_user(&db.user("leader").await), 7, 50)
        .await
        .expect("alarms");
    assert!(listed.iter().any(|a| a.event_id == Some(event_id) && a.cleared_at.is_some()));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_warning_without_an_event_a_low_value_and_a_station_out_of_service() {
    let db = TestDb::new().await;
    let sender = township(&db).await;
    let mut conn = db.conn().await;
    let start = minutes_ago(60);
    // CAM-01 offline for ten minutes: a warning (the rule has no alarm level), and no event.
    let offline: Vec<Reading> =
        (0..4).map(|i| reading("CAM-01", Measurand::Online, start + Duration::minutes(5 * i), 0.0)).collect();
    sensing::ingest(&mut conn, sender, offline).await.expect("offline");
    let alarms = alarms_of(&mut conn, "CAM-01").await;
    assert_eq!(alarms.len(), 1);
    assert_eq!((alarms[0].severity.as_str(), alarms[0].event_id, alarms[0].peak), ("warning", None, 0.0));
    // WQ-01's dissolved oxygen below 3 mg/L for an hour: an alarm, the lowest value since
    // its peak.
    let oxygen: Vec<Reading> = [2.8, 2.5, 2.9, 2.2]
        .iter()
        .enumerate()
        .map(|(i, v)| reading("WQ-01", Measurand::DissolvedOxygen, start + Duration::minutes(30 * i as i64), *v))
        .collect();
    sensing::ingest(&mut conn, sender, oxygen).await.expect("oxygen");
    let alarms = alarms_of(&mut conn, "WQ-01").await;
    assert_eq!((alarms.len(), alarms[0].severity.as_str(), alarms[0].peak), (1, "alarm", 2.2));
    assert!(alarms[0].event_id.is_some());
    // A station in maintenance reports, but raises nothing.
    diesel::sql_query("UPDATE reg.sensing_stations SET status = 'maintenance' WHERE code = 'WL-02'")
        .execute(&mut conn)
        .await
        .expect("maintenance");
    let high = every_five_minutes("WL-02", start, &[4.0, 4.0, 4.0, 4.0]);
    assert_eq!(sensing::ingest(&mut conn, sender, high).await.expect("stored").accepted, 4);
    assert!(alarms_of(&mut conn, "WL-02").await.is_empty());
    // A station the township does not have refuses the whole batch, naming it.
    let mixed =
        vec![reading("WL-01", Measurand::WaterLevel, start, 1.0), reading("XX-99", Measurand::WaterLevel, start, 1.0)];
    let refused = sensing::ingest(&mut conn, sender, mixed).await.expect_err("unknown station");
    assert_eq!(
        refused,
        AppError::Validation(vec![shared::FieldError::new("readings[1].station", ErrorCode::SensingStationUnknown)])
    );
    let stored = count(
        &mut conn,
        "SELECT count(*) AS n FROM sensing_readings r JOIN reg.sensing_stations s ON s.id = r.station_id \
         WHERE s.code = 'WL-01' AND r.value = 1.0",
    )
    .await;
    assert_eq!(stored, 0, "nothing of a refused batch is kept");
    drop(conn);
    db.finish().await;
}

async fn post_readings(router: &axum::Router, key: Option<&str>, body: String) -> (StatusCode, Value) {
    let mut request = Request::post("/api/v1/readings")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "zh-CN");
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let (status, _, body) = send(router, request.body(Body::from(body)).expect("request")).await;
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

fn fields(answer: &Value) -> Vec<(String, String)> {
    answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_owned(), e["code"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[tokio::test]
async fn devices_send_batches_over_http_with_their_key_and_are_told_what_is_wrong() {
    let db = TestDb::new().await;
    let router = router(&db);
    let township = db.user("sysadmin").await.township_id;
    let issue = |scopes: Vec<ApiScope>| {
        let form = NewApiKey { name: "水位监测网关".into(), per_minute: 1000, scopes, ..Default::default() };
        let pool = db.pool.clone();
        async move {
            credentials::issue_for(&mut pool.get().await.expect("conn"), township, None, &form).await.expect("key").key
        }
    };
    let device = issue(vec![ApiScope::ReadingsWrite]).await;
    let reader = issue(vec![ApiScope::EventsRead]).await;
    let now = minutes_ago(0);
    let batch = json!({"readings": [
        {"station": "WL-03", "measurand": "water_level", "at": now - Duration::minutes(2), "value": 2.31},
        {"station": "AQ-01", "measurand": "pm25", "at": now - Duration::minutes(2), "value": 41.0},
    ]})
    .to_string();

    let (status, answer) = post_readings(&router, None, batch.clone()).await;
    assert_eq!(
        (status, fields(&answer)),
        (StatusCode::UNAUTHORIZED, vec![("authorization".into(), "sharing.key_required".into())])
    );
    let (status, _) = post_readings(&router, Some(&reader), batch.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a key without readings.write");
    let (status, answer) = post_readings(&router, Some(&device), batch.clone()).await;
    assert_eq!((status, &answer), (StatusCode::OK, &json!({"accepted": 2, "duplicates": 0})));
    let (status, answer) = post_readings(&router, Some(&device), batch).await;
    assert_eq!((status, &answer), (StatusCode::OK, &json!({"accepted": 0, "duplicates": 2})));

    // Every bad reading named with its index and field, in the caller's language; nothing kept.
    let bad = json!({"readings": [
        {"station": "WL-03", "measurand": "water_level", "at": now, "value": 2.0},
        {"station": "WL-03", "measurand": "radon", "at": now, "value": 2.0},
        {"station": "WL-03", "measurand": "water_level", "at": now + Duration::hours(1), "value": 2.0},
        {"station": "WL-03", "measurand": "leq", "at": now, "value": 900.0},
        {"station": "NOPE-1", "measurand": "leq", "at": now, "value": 50.0},
    ]})
    .to_string();
    let (status, answer) = post_readings(&router, Some(&device), bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&answer),
        [
            ("readings[1].measurand".into(), "sensing.measurand_unknown".into()),
            ("readings[2].at".into(), "sensing.time_out_of_range".into()),
            ("readings[3].value".into(), "sensing.value_implausible".into()),
        ]
    );
    assert!(answer["errors"][0]["message"].as_str().expect("a message").contains("监测项目"), "{answer}");
    let (status, answer) = post_readings(
        &router,
        Some(&device),
        json!({"readings": [{"station": "NOPE-1", "measurand": "leq", "at": now, "value": 50.0}]}).to_string(),
    )
    .await;
    assert_eq!(
        (status, fields(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec![("readings[0].station".into(), "sensing.station_unknown".into())])
    );
    let (status, answer) = post_readings(&router, Some(&device), "{\"readings\": [1, 2]}".into()).await;
    assert_eq!((status, fields(&answer)), (StatusCode::BAD_REQUEST, vec![("body".into(), "sensing.malformed".into())]));
    let (status, _) =
        post_readings(&router, Some(&device), format!("{{\"readings\": [{}]}}", "0".repeat(2 << 20))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let mut conn = db.conn().await;
    assert_eq!(stored_at(&mut conn, now - Duration::minutes(2)).await, 2);
    assert_eq!(stored_at(&mut conn, now).await, 0, "nothing of a refused batch");
    // Each call is on the interface log, with the readings it stored.
    let logged =
        count(&mut conn, "SELECT count(*) AS n FROM api_calls WHERE path = '/api/v1/readings' AND method = 'POST'")
            .await;
    assert!(logged >= 8, "{logged}");
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_series_is_down_sampled_to_buckets_that_keep_its_spikes() {
    let db = TestDb::new().await;
    let sender = township(&db).await;
    let mut conn = db.conn().await;
    let from = Utc::now().duration_trunc(Duration::hours(1)).expect("an hour") - Duration::hours(3);
    // Without the demo's hourly readings of the station.
    diesel::sql_query(
        "DELETE FROM sensing_readings WHERE station_id = (SELECT id FROM reg.sensing_stations WHERE code = 'NS-01')",
    )
    .execute(&mut conn)
    .await
    .expect("cleared");
    // NS-01 every minute for two hours: 50 dB, but 88 at one minute.
    let readings: Vec<Reading> = (0..120)
        .map(|m| {
            reading(
                "NS-01",
                Measurand::Noise,
                from + Duration::minutes(m) + Duration::seconds(30),
                if m == 77 { 88.0 } else { 50.0 },
            )
        })
        .collect();
    sensing::ingest(&mut conn, sender, readings).await.expect("stored");
    let station: i64 = count(&mut conn, "SELECT id AS n FROM reg.sensing_stations WHERE code = 'NS-01'").await;
    let leader = shared::scope::ScopeFilter::for_user(&db.user("leader").await);
    let points = queries::series(&mut conn, &leader, station, Measurand::Noise, from, from + Duration::hours(2), 4)
        .await
        .expect("series");
    let buckets: Vec<(i64, f64, f64, f64, i64)> =
        points.iter().map(|p| ((p.at - from).num_minutes(), p.mean, p.min, p.max, p.n)).collect();
    assert_eq!(
        buckets,
        [
            (0, 50.0, 50.0, 50.0, 30),
            (30, 50.0, 50.0, 50.0, 30),
            (60, 50.0 + 38.0 / 30.0, 50.0, 88.0, 30),
            (90, 50.0, 50.0, 50.0, 30),
        ]
    );
    // A range backwards, or longer than the retention, is refused.
    let backwards = queries::series(&mut conn, &leader, station, Measurand::Noise, from, from, 4).await;
    assert_eq!(backwards, Err(AppError::field("to", ErrorCode::FilterDateOrder)));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn months_are_made_ahead_and_dropped_past_the_retention() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let months = "SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'sensing_readings'::regclass";
    let before = count(&mut conn, months).await;
    // From 90 days back to next month, and the default: at least five.
    assert!(before >= 5, "{before}");
    diesel::sql_query(
        "CREATE TABLE sensing_readings_2020_01 PARTITION OF sensing_readings \
         FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00')",
    )
    .execute(&mut conn)
    .await
    .expect("an old month");
    assert_eq!(partitions::maintain(&mut conn, 24).await, Ok(1));
    assert_eq!(count(&mut conn, months).await, before);
    // The month of a reading is its partition, not the default one.
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM sensing_readings_default").await, 0);
    assert!(
        count(&mut conn, "SELECT count(*) AS n FROM sensing_readings").await > 10_000,
        "the demo's month of readings"
    );
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn stations_publish_over_mqtt_and_a_broken_message_is_answered_on_the_errors_topic() {
    use rumqttc::{AsyncClient, Event, Incoming, MqttOptions, QoS};
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let township_code: String = {
        #[derive(QueryableByName)]
        struct Code {
            #[diesel(sql_type = Text)]
            code: String,
        }
        diesel::sql_query("SELECT code FROM townships ORDER BY id LIMIT 1")
            .get_result::<Code>(&mut conn)
            .await
            .expect("code")
            .code
    };
    // A prefix of this test's own, on the machine's real broker.
    let prefix = format!("tgtest{}x{}", std::process::id(), Utc::now().timestamp_micros());
    let broker = server::sensing_mqtt::Broker::parse("mqtt://127.0.0.1:1883", &prefix, None).expect("broker");
    server::sensing_mqtt::start(db.pool.clone(), broker, format!("{prefix}-server"));

    let mut options = MqttOptions::new(format!("{prefix}-station"), "127.0.0.1", 1883);
    options.set_keep_alive(StdDuration::from_secs(5));
    let (station, mut events) = AsyncClient::new(options, 16);
    station.subscribe(format!("{prefix}/{township_code}/AQ-02/errors"), QoS::AtLeastOnce).await.expect("subscribe");
    let answers = tokio::spawn(async move {
        loop {
            match events.poll().await {
                Ok(Event::Incoming(Incoming::Publish(message))) => {
                    return serde_json::from_slice::<Value>(&message.payload).expect("json");
                }
                Ok(_) => {}
                Err(error) => panic!("the station's connection failed: {error}"),
            }
        }
    });
    // Give the server's subscription a moment to be in place (a shared subscription only
    // receives what is published after it).
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    let now = minutes_ago(0);
    let readings = json!({"readings": [
        {"measurand": "pm25", "at": now - Duration::minutes(1), "value": 36.5},
        {"measurand": "pm10", "at": now - Duration::minutes(1), "value": 58.0},
    ]});
    let topic = format!("{prefix}/{township_code}/AQ-02/readings");
    station.publish(&topic, QoS::AtLeastOnce, false, readings.to_string()).await.expect("publish");
    let mut waited = 0;
    while stored_at(&mut conn, now - Duration::minutes(1)).await < 2 {
        assert!(waited < 100, "the readings published were not stored within ten seconds");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        waited += 1;
    }
    // A message naming a measurand no station has is answered, and stores nothing.
    let broken = json!({"readings": [{"measurand": "radon", "at": now, "value": 1.0}]});
    station.publish(&topic, QoS::AtLeastOnce, false, broken.to_string()).await.expect("publish");
    let answer = tokio::time::timeout(StdDuration::from_secs(10), answers).await.expect("an answer").expect("task");
    assert_eq!(fields(&answer), [("readings[0].measurand".to_owned(), "sensing.measurand_unknown".to_owned())]);
    assert_eq!(stored_at(&mut conn, now).await, 0);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn the_monitor_grades_every_station_by_its_standard_and_lists_the_alarms_in_scope() {
    use shared::sensing::board::Grade;
    use shared::sensing::threshold::Severity;
    let db = TestDb::new().await;
    let sender = township(&db).await;
    let mut conn = db.conn().await;
    let start = minutes_ago(0);
    // WQ-01's ammonia at 1.7 mg/L for an hour: class Ⅴ, and an alarm.
    let ammonia: Vec<Reading> = (0..3)
        .map(|i| reading("WQ-01", Measurand::AmmoniaNitrogen, start - Duration::minutes(60 - 30 * i), 1.7))
        .collect();
    sensing::ingest(&mut conn, sender, ammonia).await.expect("stored");
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let monitor = sensing::board::monitor(&mut conn, &leader, &translate).await.expect("the monitor");
    assert_eq!(monitor.stations.len(), 11, "every demo station");
    let quality = monitor.stations.iter().find(|s| s.code == "WQ-01").expect("WQ-01");
    assert_eq!((quality.alarm, quality.kind_label.as_str()), (Severity::Alarm, "code.station_kind.water_quality"));
    let nh3n = quality.latest.iter().find(|v| v.measurand == Measurand::AmmoniaNitrogen).expect("ammonia");
    assert_eq!(nh3n.grade, Some(Grade::Water(shared::sensing::water_quality::WaterClass::V)));
    assert!(nh3n.grade.is_some_and(Grade::exceeds));
    let noise = monitor.stations.iter().find(|s| s.code == "NS-01").expect("NS-01");
    assert!(matches!(noise.latest[0].grade, Some(Grade::Noise { .. })), "graded against its zone");
    assert_eq!(monitor.open(Severity::Alarm), 1);
    let alarm = &monitor.alarms[0];
    assert_eq!((alarm.station.as_str(), alarm.measurand), (quality.name.as_str(), Measurand::AmmoniaNitrogen));
    assert!(alarm.event.as_ref().is_some_and(|(_, number)| number.starts_with("TG-")), "{:?}", alarm.event);
    // Who may not view the stations may not open the page.
    let citizen = db.user("13800000001").await;
    assert_eq!(sensing::board::monitor(&mut conn, &citizen, &translate).await, Err(AppError::Forbidden));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_station_chart_draws_each_measurand_with_its_rule_levels() {
    use shared::sensing::chart::Span;
    use shared::sensing::service::chart::station_chart;
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let gauge = count(&mut conn, "SELECT id AS n FROM reg.sensing_stations WHERE code = 'WL-01'").await;
    let now = Utc::now();

    // The demo's hourly readings of the last day, in 15-minute buckets: one a bucket an hour.
    let day = station_chart(&mut conn, &leader, gauge, Span::Day, now).await.expect("a chart");
    assert_eq!((day.from, day.to), (now - Duration::days(1), now));
    let measurands: Vec<Measurand> = day.lines.iter().map(|line| line.measurand).collect();
    assert_eq!(measurands, [Measurand::WaterLevel]);
    let level = &day.lines[0];
    assert!((23..=25).contains(&level.points.len()), "{}", level.points.len());
    assert!(level.points.iter().all(|p| p.min <= p.mean && p.mean <= p.max && (1.0..4.0).contains(&p.mean)));
    assert!(level.points.windows(2).all(|w| w[0].at < w[1].at), "in time order");
    // The demo rule: 预警 above 3.0 m, 报警 above 3.5 m.
    assert_eq!((level.warning, level.alarm), (Some(3.0), Some(3.5)));
    // A week: seven days of hourly buckets.
    let week = station_chart(&mut conn, &leader, gauge, Span::Week, now).await.expect("a chart");
    assert!(week.lines[0].points.len() > 150, "{}", week.lines[0].points.len());

    // An air station: each of its pollutants.
    let air = count(&mut conn, "SELECT id AS n FROM reg.sensing_stations WHERE code = 'AQ-01'").await;
    let chart = station_chart(&mut conn, &leader, air, Span::Day, now).await.expect("a chart");
    assert_eq!(chart.lines.len(), 4, "{:?}", chart.lines.iter().map(|l| l.measurand).collect::<Vec<_>>());

    // No such station: not found, as its page.
    assert_eq!(station_chart(&mut conn, &leader, -1, Span::Day, now).await, Err(AppError::NotFound));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_night_rule_holds_at_night_only_and_clears_when_the_day_comes() {
    let db = TestDb::new().await;
    let sender = township(&db).await;
    let mut conn = db.conn().await;
    // The demo's NS-01 (zone 2) has GB 3096's two rules: 60 dB(A) by day, 50 at night.
    #[derive(QueryableByName, Debug)]
    struct Kept {
        #[diesel(sql_type = Nullable<Text>)]
        period: Option<String>,
        #[diesel(sql_type = Text)]
        severity: String,
        #[diesel(sql_type = Timestamptz)]
        opened_at: DateTime<Utc>,
        #[diesel(sql_type = Nullable<Timestamptz>)]
        cleared_at: Option<DateTime<Utc>>,
    }
    let alarms = "SELECT r.period, a.severity, a.opened_at, a.cleared_at FROM sensing_alarms a \
                  JOIN reg.sensing_rules r ON r.id = a.rule_id \
                  JOIN reg.sensing_stations s ON s.id = a.station_id WHERE s.code = 'NS-01' ORDER BY a.id";
    // Two nights ago in China time, 22:30 to 23:10, 55 dB(A): quiet for the day, loud for the night.
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let day = Utc::now().with_timezone(&china).date_naive() - Duration::days(2);
    let local = |hour: u32, minute: u32| {
        day.and_hms_opt(hour, minute, 17)
            .expect("a time")
            .and_local_timezone(china)
            .single()
            .expect("one instant")
            .with_timezone(&Utc)
    };
    let night: Vec<Reading> =
        (0..9).map(|i| reading("NS-01", Measurand::Noise, local(22, 30) + Duration::minutes(5 * i), 55.0)).collect();
    sensing::ingest(&mut conn, sender, night).await.expect("stored");
    let kept: Vec<Kept> = diesel::sql_query(alarms).load(&mut conn).await.expect("alarms");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        (kept[0].period.as_deref(), kept[0].severity.as_str(), kept[0].opened_at, kept[0].cleared_at),
        (Some("night"), "warning", local(23, 0), None),
        "the night rule's thirty minutes past 50 dB(A); the day rule is not past 60"
    );
    // The next morning at 06:05, still 55: the night rule rests and its warning clears; the
    // day rule is not past its level.
    let morning = local(6, 5) + Duration::days(1);
    sensing::ingest(&mut conn, sender, vec![reading("NS-01", Measurand::Noise, morning, 55.0)]).await.expect("stored");
    let kept: Vec<Kept> = diesel::sql_query(alarms).load(&mut conn).await.expect("alarms");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].cleared_at, Some(morning));
    drop(conn);
    db.finish().await;
}

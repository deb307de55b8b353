//! The exchange with an upper-level platform through the real router, database and a real
//! receiving HTTP server: signatures (bad, stale, replayed nonce), instructions taken once
//! per sender's id with the sender's deadline, and every later step delivered back through
//! the outbox — in order, once acknowledged, through failures and timeouts, as a dead letter
//! after the peer's limit and again after an operator's retry.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::routing::post;
use chrono::{Duration, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};
use serde_json::{Value, json};
use shared::events::service::steps;
use shared::events::{Action, StepForm};
use shared::exchange::PeerKind;
use shared::exchange::service::{self, NewPeer};
use shared::exchange::signature::{self, Algorithm};

use crate::harness::TestDb;
use crate::http::{HOST, router, send};

pub(crate) const SECRET: &str = "county-secret-0123456789abcdef0123456789";

pub(crate) async fn add_peer(db: &TestDb, algorithm: Algorithm, endpoint: &str, max_attempts: i32) {
    let township_id = db.user("staff").await.township_id;
    let mut categories = serde_json::Map::new();
    categories.insert("0105".into(), json!("CG0501"));
    let peer = NewPeer {
        township_id,
        code: "county".into(),
        name: "县级社会治理平台".into(),
        kind: PeerKind::County,
        algorithm,
        secret: SECRET.into(),
        endpoint: endpoint.into(),
        categories,
        max_attempts,
    };
    service::save_peer(&mut *db.conn().await, &peer).await.expect("peer");
}

pub(crate) fn signed(body: &Value, algorithm: Algorithm, nonce: &str, timestamp: i64, secret: &str) -> Request<Body> {
    let body = serde_json::to_vec(body).expect("json");
    let signature = signature::sign(algorithm, secret.as_bytes(), timestamp, nonce, &body);
    Request::post("/exchange/v1/instructions")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-tg-peer", "county")
        .header("x-tg-timestamp", timestamp.to_string())
        .header("x-tg-nonce", nonce)
        .header("x-tg-signature", signature)
        .body(Body::from(body))
        .expect("request")
}

pub(crate) async fn point(db: &TestDb) -> (f64, f64) {
    #[derive(QueryableByName)]
    struct Point {
        #[diesel(sql_type = diesel::sql_types::Double)]
        lat: f64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        lng: f64,
    }
    let p: Point = diesel::sql_query(
        "SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lng FROM grids ORDER BY code LIMIT 1",
    )
    .get_result(&mut *db.conn().await)
    .await
    .expect("grid");
    (p.lat, p.lng)
}

pub(crate) fn instruction(id: &str, (lat, lon): (f64, f64), deadline: chrono::DateTime<Utc>) -> Value {
    json!({
        "instruction_id": id,
        "kind": "task",
        "title": "核查学校周边路灯",
        "description": "群众反映学校周边路灯夜间不亮，请核查处置并反馈。",
        "category": "0105",
        "lat": lat,
        "lon": lon,
        "deadline": deadline.to_rfc3339(),
        "priority": "urgent"
    })
}

async fn nonce(n: u32) -> String {
    format!("nonce-{n:016}")
}

/// A department to dispatch to.
pub(crate) async fn first_department(db: &TestDb) -> i32 {
    #[derive(QueryableByName)]
    struct D {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    diesel::sql_query("SELECT id FROM departments ORDER BY id LIMIT 1")
        .get_result::<D>(&mut *db.conn().await)
        .await
        .expect("department")
        .id
}

#[derive(QueryableByName)]
struct Made {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    channel: String,
    #[diesel(sql_type = Timestamptz)]
    deadline: chrono::DateTime<Utc>,
    #[diesel(sql_type = Text)]
    priority: String,
}

async fn events_of(db: &TestDb, number: &str) -> Vec<Made> {
    diesel::sql_query("SELECT id, channel, deadline, priority FROM events WHERE number = $1")
        .bind::<Text, _>(number)
        .load(&mut *db.conn().await)
        .await
        .expect("events")
}

#[tokio::test]
async fn instructions_are_signed_taken_once_and_keep_the_senders_deadline() {
    for algorithm in [Algorithm::HmacSm3, Algorithm::HmacSha256] {
        let db = TestDb::new().await;
        let router = router(&db);
        add_peer(&db, algorithm, "", 8).await;
        let at = point(&db).await;
        let deadline = (Utc::now() + Duration::days(3)).with_timezone(&Utc);
        let deadline = chrono::DateTime::from_timestamp(deadline.timestamp(), 0).expect("time");
        let body = instruction("XJ-2026-0001", at, deadline);
        let now = Utc::now().timestamp();

        let (status, _, answer) = send(&router, signed(&body, algorithm, &nonce(1).await, now, SECRET)).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let receipt: Value = serde_json::from_str(&answer).expect("json");
        assert_eq!(receipt["duplicate"], false);
        let number = receipt["event_number"].as_str().expect("number").to_owned();
        let made = events_of(&db, &number).await;
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].channel, "superior");
        assert_eq!(made[0].deadline, deadline, "the sender's deadline");
        assert_eq!(made[0].priority, "urgent");

        // The same instruction again (a new nonce): the same event, said so.
        let (status, _, answer) = send(&router, signed(&body, algorithm, &nonce(2).await, now, SECRET)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let again: Value = serde_json::from_str(&answer).expect("json");
        assert_eq!((again["duplicate"].clone(), again["event_number"].clone()), (json!(true), json!(number)));
        // The same request replayed (its nonce): refused.
        let (status, _, answer) = send(&router, signed(&body, algorithm, &nonce(2).await, now, SECRET)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert!(answer.contains("exchange.replay"), "{answer}");
        // A wrong secret, a stale or future timestamp, an unknown peer: refused.
        let other = instruction("XJ-2026-0002", at, deadline);
        let (status, _, answer) =
            send(&router, signed(&other, algorithm, &nonce(3).await, now, "wrong-secret-0123456789abcdef0123")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(answer.contains("exchange.signature"), "{answer}");
        let (status, _, answer) = send(&router, signed(&other, algorithm, &nonce(4).await, now - 301, SECRET)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(answer.contains("exchange.stale"), "{answer}");
        // (A minute past the window: the test may take seconds on a loaded machine.)
        let (status, _, _) = send(&router, signed(&other, algorithm, &nonce(5).await, now + 360, SECRET)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let mut unknown = signed(&other, algorithm, &nonce(6).await, now, SECRET);
        unknown.headers_mut().insert("x-tg-peer", "city".parse().expect("header"));
        assert_eq!(send(&router, unknown).await.0, StatusCode::UNAUTHORIZED);
        // A body that is not the agreed JSON, a category nobody maps: 400, named.
        let (status, _, answer) =
            send(&router, signed(&json!({"instruction_id": "x"}), algorithm, &nonce(7).await, now, SECRET)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(answer.contains("exchange.malformed"), "{answer}");
        let mut bad = instruction("XJ-2026-0003", at, deadline);
        bad["category"] = json!("9999");
        let (status, _, answer) = send(&router, signed(&bad, algorithm, &nonce(8).await, now, SECRET)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(answer.contains("\"field\":\"category\""), "{answer}");
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query(
            "SELECT (SELECT count(*) FROM events WHERE title = '核查学校周边路灯') \
                  + (SELECT count(*) FROM exchange_instructions) - 1 AS n",
        )
        .get_result(&mut *db.conn().await)
        .await
        .expect("count");
        assert_eq!(n.n, 1, "one event for everything sent");
        db.finish().await;
    }
}

/// A receiving platform: records the messages it takes, in order, and answers as told.
#[derive(Clone, Default)]
struct Receiver {
    taken: Arc<Mutex<Vec<Value>>>,
    /// "ok", "fail" (500), "slow" (answers after the client's timeout) or "wrong-ack".
    mode: Arc<Mutex<String>>,
}

async fn receive(State(receiver): State<Receiver>, body: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mode = receiver.mode.lock().expect("mode").clone();
    let message: Value = serde_json::from_str(&body).expect("a message");
    match mode.as_str() {
        "fail" => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        "slow" => {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            axum::Json(json!({"ack": message["message_id"]})).into_response()
        }
        "wrong-ack" => axum::Json(json!({"ack": -1})).into_response(),
        _ => {
            receiver.taken.lock().expect("taken").push(message.clone());
            axum::Json(json!({"ack": message["message_id"]})).into_response()
        }
    }
}

async fn start_receiver() -> (Receiver, String) {
    let receiver = Receiver::default();
    *receiver.mode.lock().expect("mode") = "ok".into();
    let app = Router::new().route("/results", post(receive)).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (receiver, format!("http://{address}/results"))
}

#[derive(QueryableByName)]
struct Outbox {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Text)]
    last_error: String,
}

async fn outbox(db: &TestDb) -> Vec<Outbox> {
    diesel::sql_query("SELECT id, state, attempts, last_error FROM exchange_outbox ORDER BY id")
        .load(&mut *db.conn().await)
        .await
        .expect("outbox")
}

/// Skips the back-off: what is pending is due now.
async fn due_now(db: &TestDb) {
    diesel::sql_query("UPDATE exchange_outbox SET next_attempt_at = now() WHERE state = 'pending'")
        .execute(&mut *db.conn().await)
        .await
        .expect("due");
}

#[tokio::test]
async fn every_step_goes_back_once_in_order_through_failures_dead_letters_and_retries() {
    let db = TestDb::new().await;
    let router = router(&db);
    let (status, _, document) = send(
        &router,
        Request::get("/docs/exchange.md").header(header::HOST, HOST).body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(document.starts_with("# Exchange with upper-level platforms"), "the server publishes the protocol");
    let (receiver, endpoint) = start_receiver().await;
    add_peer(&db, Algorithm::HmacSm3, &endpoint, 3).await;
    let at = point(&db).await;
    let body = instruction("XJ-2026-0100", at, Utc::now() + Duration::days(2));
    let (status, _, answer) =
        send(&router, signed(&body, Algorithm::HmacSm3, &nonce(1).await, Utc::now().timestamp(), SECRET)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let number = serde_json::from_str::<Value>(&answer).expect("json")["event_number"].as_str().expect("n").to_owned();
    let event = events_of(&db, &number).await.remove(0).id;
    assert!(outbox(&db).await.is_empty(), "the receipt answered the instruction itself");

    // Two steps: 立案, then 派遣. Each writes its message with the step.
    let staff = db.user("staff").await;
    steps::act(&mut *db.conn().await, &staff, &StepForm::new(event, 1, Action::Accept)).await.expect("accept");
    let department = first_department(&db).await;
    let dispatch = StepForm { department_id: Some(department), ..StepForm::new(event, 2, Action::Dispatch) };
    steps::act(&mut *db.conn().await, &staff, &dispatch).await.expect("dispatch");
    assert_eq!(outbox(&db).await.len(), 2);

    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(1)).build().expect("client");
    // The receiver is down: the first message fails, the second waits behind it.
    *receiver.mode.lock().expect("mode") = "fail".into();
    assert_eq!(server::exchange::deliver::round(&db.pool, &client).await.expect("round"), 1, "one per instruction");
    let rows = outbox(&db).await;
    assert_eq!((rows[0].state.as_str(), rows[0].attempts), ("pending", 1));
    assert!(rows[0].last_error.contains("503"), "{}", rows[0].last_error);
    assert_eq!(rows[1].attempts, 0, "in order: the second waits for the first");
    assert_eq!(server::exchange::deliver::round(&db.pool, &client).await.expect("round"), 0, "backing off");
    // Slow (past the client's timeout), then a wrong acknowledgement: still not delivered,
    // and now dead after three attempts.
    due_now(&db).await;
    *receiver.mode.lock().expect("mode") = "slow".into();
    server::exchange::deliver::round(&db.pool, &client).await.expect("round");
    due_now(&db).await;
    *receiver.mode.lock().expect("mode") = "wrong-ack".into();
    server::exchange::deliver::round(&db.pool, &client).await.expect("round");
    let rows = outbox(&db).await;
    assert_eq!((rows[0].state.as_str(), rows[0].attempts), ("dead", 3), "{}", rows[0].last_error);
    assert!(receiver.taken.lock().expect("taken").is_empty());
    due_now(&db).await;
    assert_eq!(
        server::exchange::deliver::round(&db.pool, &client).await.expect("round"),
        0,
        "a dead letter holds its instruction's queue"
    );

    // The receiver recovers; an operator retries the dead letter: both go, in order, once.
    *receiver.mode.lock().expect("mode") = "ok".into();
    let admin = db.user("sysadmin").await;
    service::retry(&mut *db.conn().await, &admin, rows[0].id).await.expect("retry");
    assert_eq!(service::retry(&mut *db.conn().await, &admin, rows[0].id).await, Err(shared::AppError::NotFound));
    for _ in 0..4 {
        server::exchange::deliver::round(&db.pool, &client).await.expect("round");
    }
    let rows = outbox(&db).await;
    assert!(rows.iter().all(|r| r.state == "delivered"), "{:?}", rows.iter().map(|r| &r.state).collect::<Vec<_>>());
    let taken = receiver.taken.lock().expect("taken").clone();
    let actions: Vec<&str> = taken.iter().filter_map(|m| m["action"].as_str()).collect();
    assert_eq!(actions, ["accept", "dispatch"], "each step once, in order");
    assert_eq!(taken[0]["instruction_id"], "XJ-2026-0100");
    assert_eq!(taken[1]["state"], "dispatched");
    assert_eq!(taken[1]["final"], false);
    // Nothing more to send, however often the job runs.
    assert_eq!(server::exchange::deliver::round(&db.pool, &client).await.expect("round"), 0);
    assert_eq!(receiver.taken.lock().expect("taken").len(), 2);
    let page =
        service::outbox(&mut *db.conn().await, &admin, shared::exchange::OutboxView::Delivered).await.expect("outbox");
    assert_eq!(page.rows.len(), 2);
    assert!(page.rows.iter().all(|r| r.message.instruction_id == "XJ-2026-0100"));
    assert_eq!(page.counts.last(), Some(&(shared::exchange::OutboxView::All, 2)));
    assert_eq!(page.peers.len(), 1);
    db.finish().await;
}

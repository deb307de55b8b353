//! The exchange's soak test: the simulated upper platform (`tongguan exchange simulate`, a
//! process of its own) sends 1,000 work orders to the real server over TCP, every tenth twice,
//! and refuses a share of what comes back, while the township takes each order (签收) and
//! dispatches some (办理). Midway the platform is killed and started again. At the end every
//! order has exactly one event, and every step came back, once, in order.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::RunQueryDsl;
use server::exchange::simulator::{Answered, read_lines, received_path, sent_path};
use shared::events::service::steps;
use shared::events::{Action, StepForm};
use shared::exchange::Progress;
use shared::exchange::signature::Algorithm;

use crate::exchange::{SECRET, add_peer, first_department, point};
use crate::harness::TestDb;
use crate::http::router;

const ORDERS: u32 = 1_000;
const REPEAT_EVERY: u32 = 10;

/// The simulator's record, removed when the test is over.
struct StateDir(std::path::PathBuf);

impl StateDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("tongguan-simulator-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&path).expect("state directory");
        Self(path)
    }
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        if std::env::var_os("KEEP_SIMULATOR").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port()
}

fn simulator(server: &str, port: u16, state: &std::path::Path, (lat, lon): (f64, f64)) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(state.join("simulator.log")).expect("log");
    Command::new(env!("CARGO_BIN_EXE_tongguan"))
        .args(["exchange", "simulate", "--server", server, "--listen", &format!("127.0.0.1:{port}")])
        .args(["--peer", "county", "--algorithm", "hmac-sm3", "--kind", "work_order", "--category", "0105"])
        .args(["--send", &ORDERS.to_string(), "--repeat-every", &REPEAT_EVERY.to_string(), "--concurrency", "6"])
        .args(["--fail-rate", "0.05", "--lat", &lat.to_string(), "--lon", &lon.to_string()])
        .arg("--state")
        .arg(state)
        .env("TONGGUAN_PEER_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start the simulator")
}

#[derive(QueryableByName)]
struct Pending {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    version: i32,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(&mut *db.conn().await).await.expect("count").n
}

/// The township's side: takes every new order, and dispatches every third. Returns how many
/// steps it took.
async fn work(db: &TestDb, done: &mut HashSet<i64>, department: i32) -> usize {
    let staff = db.user("staff").await;
    let new: Vec<Pending> = diesel::sql_query(
        "SELECT e.id, e.version FROM events e JOIN exchange_instructions i ON i.event_id = e.id \
             WHERE e.state = 'reported'",
    )
    .load(&mut *db.conn().await)
    .await
    .expect("new events");
    let mut steps_taken = 0;
    for event in new {
        if !done.insert(event.id) {
            continue;
        }
        let mut conn = db.conn().await;
        let version = steps::act(&mut conn, &staff, &StepForm::new(event.id, event.version, Action::Accept))
            .await
            .expect("accept");
        steps_taken += 1;
        if event.id % 3 == 0 {
            let dispatch =
                StepForm { department_id: Some(department), ..StepForm::new(event.id, version, Action::Dispatch) };
            steps::act(&mut conn, &staff, &dispatch).await.expect("dispatch");
            steps_taken += 1;
        }
    }
    steps_taken
}

#[tokio::test]
async fn a_thousand_orders_through_a_restarted_failing_platform_make_one_event_each_and_come_back_once() {
    let db = TestDb::new().await;
    let port = free_port();
    let state = StateDir::new();
    add_peer(&db, Algorithm::HmacSm3, &format!("http://127.0.0.1:{port}/results"), 50).await;
    let at = point(&db).await;
    let department = first_department(&db).await;

    // The real server on a real port, with its delivery job.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let app = router(&db).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    server::exchange::deliver::start(db.pool.clone(), std::sync::Arc::new(server::metrics::Metrics::new(None)));
    let server_url = format!("http://{address}");

    let mut platform = simulator(&server_url, port, state.path(), at);
    let mut restarted = false;
    let mut done = HashSet::new();
    let mut steps_taken = 0;
    let started = Instant::now();
    loop {
        steps_taken += work(&db, &mut done, department).await;
        let answered: Vec<Answered> = read_lines(&sent_path(state.path()));
        // Midway the platform dies (SIGKILL: nothing flushed, answers in flight lost) and
        // comes back a moment later; the township's deliveries fail meanwhile.
        if !restarted && answered.len() >= (ORDERS / 2) as usize {
            platform.kill().expect("kill");
            platform.wait().expect("reap");
            tokio::time::sleep(Duration::from_secs(2)).await;
            platform = simulator(&server_url, port, state.path(), at);
            restarted = true;
        }
        let answered_ids: HashSet<&str> = answered.iter().map(|a| a.instruction_id.as_str()).collect();
        let received = read_lines::<Progress>(&received_path(state.path())).len() as i64;
        let outbox = count(&db, "SELECT count(*) AS n FROM exchange_outbox").await;
        if restarted
            && answered_ids.len() == ORDERS as usize
            && done.len() == ORDERS as usize
            && outbox == steps_taken as i64
            && received == outbox
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "not settled: {} answered, {} taken, {outbox} messages, {received} received; simulator log:\n{}",
            answered_ids.len(),
            done.len(),
            std::fs::read_to_string(state.path().join("simulator.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    platform.kill().expect("kill");
    platform.wait().expect("reap");

    // Exactly one event per order, however often it was sent.
    assert_eq!(count(&db, "SELECT count(*) AS n FROM exchange_instructions").await, ORDERS as i64);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM events WHERE title LIKE '模拟交办 %'").await, ORDERS as i64);
    let answered: Vec<Answered> = read_lines(&sent_path(state.path()));
    let mut numbers: HashMap<&str, HashSet<&str>> = HashMap::new();
    for answer in &answered {
        assert!(matches!(answer.status, 200 | 201), "{answer:?}");
        numbers.entry(&answer.instruction_id).or_default().insert(&answer.event_number);
    }
    assert!(numbers.values().all(|n| n.len() == 1), "every answer to an order names its one event");
    let repeats = answered.iter().filter(|a| a.duplicate).count();
    assert!(repeats >= (ORDERS / REPEAT_EVERY) as usize, "{repeats} repeats answered as such");

    // Every step came back exactly once, each order's in order, with the hotline's stages.
    let received: Vec<Progress> = read_lines(&received_path(state.path()));
    let ids: HashSet<i64> = received.iter().map(|m| m.message_id).collect();
    assert_eq!(ids.len(), received.len(), "no message recorded twice");
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM exchange_outbox WHERE state = 'delivered'").await,
        ids.len() as i64
    );
    let mut last: HashMap<&str, i64> = HashMap::new();
    for message in &received {
        let before = last.insert(&message.instruction_id, message.message_id).unwrap_or(0);
        assert!(message.message_id > before, "{} came after {before}", message.message_id);
        let stage = message.stage.map(|s| s.as_str());
        match message.action.as_str() {
            "accept" => assert_eq!(stage, Some("sign")),
            "dispatch" => assert_eq!(stage, Some("handle")),
            other => panic!("an unexpected step {other}"),
        }
    }
    #[derive(QueryableByName)]
    struct Attempts {
        #[diesel(sql_type = Text)]
        state: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let retried: Vec<Attempts> =
        diesel::sql_query("SELECT state, count(*) AS n FROM exchange_outbox WHERE attempts > 1 GROUP BY state")
            .load(&mut *db.conn().await)
            .await
            .expect("attempts");
    assert!(retried.iter().any(|r| r.state == "delivered" && r.n > 0), "some messages needed more than one attempt");
    db.finish().await;
}

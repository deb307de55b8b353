//! Resilience (issue 16, R-9.2.2): the real `tongguan` binary in its own processes, under a
//! stream of citizens' reports, with a server process killed (and a second one serving on)
//! and with its database killed and brought back.
//!
//! The clients here keep the browser's offline-draft contract (`app/src/events/outbox.rs`):
//! each report carries its own `client_ref`, and a report that did not get a 2xx stays
//! queued and is sent again, to whichever process answers. What the tests prove is the
//! server's half: a 2xx means the report is stored, and a report sent twice is one event.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use server::config::DatabaseConfig;
use server::embedded_pg::EmbeddedPostgres;
use shared::AppError;
use shared::events::Reported;
use tokio::process::{Child, Command};

use crate::harness::{PASSWORD, TestDb};

/// The citizen every report comes from, and the dispatcher who watches them arrive.
const CITIZEN: &str = "13800000001";
const DISPATCHER: &str = "staff";

/// A `tongguan serve` process of the binary under test.
struct ServerProcess {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts a server on `port` against `database_url` and waits until it is ready.
    async fn start(database_url: &str, port: u16, dir: &Path) -> Self {
        let site = dir.join("site");
        std::fs::create_dir_all(site.join("pkg")).expect("site directory");
        std::fs::write(site.join("offline.html"), "<!doctype html><title>离线</title><p>网络已断开</p>")
            .expect("offline page");
        let log = dir.join(format!("server-{port}.log"));
        let output = std::fs::OpenOptions::new().create(true).append(true).open(&log).expect("server log");
        let child = Command::new(env!("CARGO_BIN_EXE_tongguan"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("TONGGUAN_AUDIT_KEY", crate::harness::AUDIT_KEY)
            .env("TONGGUAN_PERSONAL_KEYS", crate::harness::PERSONAL_KEYS)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", &site)
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_OUTPUT_NAME", "tongguan")
            .env("LEPTOS_ENV", "PROD")
            .env("TONGGUAN_DATA_DIR", dir.join("data"))
            .env("TONGGUAN_DB_POOL_SIZE", "8")
            .env("TONGGUAN_RATE_LIMIT_PER_MINUTE", "1000000")
            .env("TONGGUAN_REPORT_RATE_LIMIT_PER_MINUTE", "1000000")
            .env("TONGGUAN_TRACK_RATE_LIMIT_PER_MINUTE", "1000000")
            .env("TONGGUAN_BACKUP_INTERVAL_HOURS", "0")
            .env("TONGGUAN_DRILL_INTERVAL_HOURS", "0")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(output.try_clone().expect("log"))
            .stderr(output)
            .kill_on_drop(true)
            .spawn()
            .expect("start tongguan");
        let mut server = Self { child, port, log };
        server.wait_ready().await;
        server
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited with {status}:\n{}", self.log_text());
            }
            if readyz(&self.base()).await == Some(200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the server was not ready within two minutes:\n{}", self.log_text());
    }

    /// SIGKILL: no graceful shutdown, no flushing, as when the machine loses power.
    async fn kill(&mut self) {
        self.child.kill().await.expect("kill the server");
    }

    async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGTERM);
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("address").port()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A request is never left hanging: a server that cannot answer in time counts as down.
        .timeout(Duration::from_secs(15))
        .build()
        .expect("http client")
}

async fn readyz(base: &str) -> Option<u16> {
    let response = client().get(format!("{base}/readyz")).send().await.ok()?;
    Some(response.status().as_u16())
}

async fn get(base: &str, path: &str) -> Option<(u16, String)> {
    let response = client().get(format!("{base}{path}")).send().await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.unwrap_or_default()))
}

/// Logs in by the form, as a browser without JavaScript, and returns the session cookie.
async fn login(base: &str, username: &str) -> String {
    let body = format!("username={username}&password={}&next=%2F", PASSWORD.replace('@', "%40"));
    let response = client()
        .post(format!("{base}/api/auth/login"))
        .header("origin", base)
        .header("referer", format!("{base}/login"))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("login");
    assert_eq!(response.status().as_u16(), 302, "login of {username}");
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("a session cookie");
    cookie.split(';').next().expect("name=value").to_owned()
}

/// How one attempt to send a report ended.
#[derive(Debug)]
enum Sent {
    /// 2xx: the server says the report is stored, as this event.
    Accepted(Reported),
    /// An answer that is not 2xx, with its status and error.
    Refused(u16, Option<AppError>),
    /// No answer at all (connection refused or reset, timed out).
    NoAnswer,
}

/// Where the reports go: a category a citizen may choose and a point inside the town.
#[derive(Clone, Copy, diesel::QueryableByName)]
struct Place {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    category_id: i32,
    #[diesel(sql_type = diesel::sql_types::Double)]
    lat: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    lng: f64,
}

async fn place(database_url: &str) -> Place {
    let mut conn = AsyncPgConnection::establish(database_url).await.expect("connect");
    diesel::sql_query(
        "SELECT (SELECT c.id FROM event_categories c WHERE c.active AND NOT EXISTS \
                   (SELECT 1 FROM event_categories k WHERE k.parent_id = c.id) ORDER BY c.code LIMIT 1) AS category_id, \
                ST_Y(ST_PointOnSurface(g.boundary)) AS lat, ST_X(ST_PointOnSurface(g.boundary)) AS lng \
         FROM grids g JOIN users u ON u.township_id = g.township_id WHERE u.username = $1 ORDER BY g.code LIMIT 1",
    )
    .bind::<Text, _>(CITIZEN)
    .get_result(&mut conn)
    .await
    .expect("a category and a grid")
}

/// Sends one report through the server function the report page calls.
async fn report(http: &reqwest::Client, base: &str, cookie: &str, place: Place, client_ref: &str) -> Sent {
    let Place { category_id, lat, lng } = place;
    let body = format!(
        "form[channel]=public&form[category_id]={category_id}&form[priority]=normal\
         &form[title]=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE&form[description]=%E6%A1%A5%E5%A4%B4%E8%B7%AF%E7%81%AF%E5%9D%8F%E4%BA%86\
         &form[lat]={lat}&form[lng]={lng}&form[address]=&form[contact_name]=&form[contact_phone]=&form[resolution]=\
         &form[client_ref]={client_ref}"
    );
    let sent = http
        .post(format!("{base}/api/events/report"))
        .header("origin", base)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;
    let Ok(response) = sent else { return Sent::NoAnswer };
    let status = response.status().as_u16();
    let Ok(bytes) = response.bytes().await else { return Sent::NoAnswer };
    if (200..300).contains(&status) {
        Sent::Accepted(postcard::from_bytes(&bytes).expect("a report's answer"))
    } else {
        Sent::Refused(status, postcard::from_bytes(&bytes).ok())
    }
}

/// What the clients saw, by `client_ref`: the event each 2xx named.
#[derive(Default)]
struct Ledger {
    accepted: BTreeMap<String, Vec<Reported>>,
    refused: Vec<(u16, Option<AppError>)>,
    unanswered: usize,
}

impl Ledger {
    fn record(&mut self, client_ref: &str, sent: Sent) -> bool {
        match sent {
            Sent::Accepted(reported) => {
                self.accepted.entry(client_ref.to_owned()).or_default().push(reported);
                true
            }
            Sent::Refused(status, error) => {
                self.refused.push((status, error));
                false
            }
            Sent::NoAnswer => {
                self.unanswered += 1;
                false
            }
        }
    }
}

/// The events of these drafts as stored: `client_ref` → (id, number), one row each.
async fn stored(database_url: &str, refs: &BTreeSet<String>) -> BTreeMap<String, Vec<(i64, String)>> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        client_ref: String,
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        number: String,
    }
    let mut conn = AsyncPgConnection::establish(database_url).await.expect("connect");
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT client_ref, id, number FROM events WHERE client_ref = ANY($1) ORDER BY client_ref, id",
    )
    .bind::<diesel::sql_types::Array<Text>, _>(refs.iter().cloned().collect::<Vec<_>>())
    .load(&mut conn)
    .await
    .expect("the stored reports");
    let mut found: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for row in rows {
        found.entry(row.client_ref).or_default().push((row.id, row.number));
    }
    found
}

/// Every draft is one event, and every 2xx a client got named that event.
fn assert_exactly_once(refs: &BTreeSet<String>, stored: &BTreeMap<String, Vec<(i64, String)>>, ledger: &Ledger) {
    for client_ref in refs {
        let rows = stored.get(client_ref).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(rows.len(), 1, "draft {client_ref} is stored exactly once: {rows:?}");
        let (id, number) = &rows[0];
        let answers = ledger.accepted.get(client_ref).map(Vec::as_slice).unwrap_or_default();
        assert!(!answers.is_empty(), "draft {client_ref} was accepted in the end");
        for answer in answers {
            assert_eq!((&answer.id, &answer.number), (id, number), "every 2xx for {client_ref} named the stored event");
        }
    }
}

/// Sends every draft in `queue` once through `base`, `workers` at a time; what is not
/// accepted goes back to the queue.
async fn send_round(
    base: &str,
    cookie: &str,
    place: Place,
    queue: &Arc<Mutex<Vec<String>>>,
    ledger: &Arc<Mutex<Ledger>>,
    workers: usize,
) {
    let round: Vec<String> = std::mem::take(&mut *queue.lock().expect("queue"));
    let round = Arc::new(Mutex::new(round));
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (base, cookie, round, queue, ledger) =
            (base.to_owned(), cookie.to_owned(), round.clone(), queue.clone(), ledger.clone());
        tasks.push(tokio::spawn(async move {
            let http = client();
            loop {
                let Some(client_ref) = round.lock().expect("round").pop() else { break };
                let sent = report(&http, &base, &cookie, place, &client_ref).await;
                if !ledger.lock().expect("ledger").record(&client_ref, sent) {
                    queue.lock().expect("queue").push(client_ref);
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("worker");
    }
}

#[tokio::test]
async fn a_killed_server_process_loses_no_accepted_report_and_the_other_process_serves_on() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().expect("a working directory");
    let url = db.url();
    let place = place(&url).await;
    let mut first = ServerProcess::start(&url, free_port(), dir.path()).await;
    let second = ServerProcess::start(&url, free_port(), dir.path()).await;

    // One session, valid on every process: sessions live in the database.
    let citizen = login(&first.base(), CITIZEN).await;
    let (status, _) = get(&second.base(), "/api/live").await.expect("an answer");
    assert_eq!(status, 401, "the live channel needs a session");

    // A dispatcher watches the live channel of the second process.
    let dispatcher = login(&second.base(), DISPATCHER).await;
    let mut live = client()
        .get(format!("{}/api/live?since={}", second.base(), chrono::Utc::now().timestamp_millis()))
        .header("cookie", &dispatcher)
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .expect("the live channel");
    assert_eq!(live.status().as_u16(), 200);

    // A burst of reports through the first process, which is killed partway.
    let refs: BTreeSet<String> = (0..120).map(|i| format!("resilience-kill-{i:03}")).collect();
    let queue = Arc::new(Mutex::new(refs.iter().cloned().collect::<Vec<_>>()));
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let burst = {
        let (base, cookie, queue, ledger) = (first.base(), citizen.clone(), queue.clone(), ledger.clone());
        tokio::spawn(async move { send_round(&base, &cookie, place, &queue, &ledger, 6).await })
    };
    let started = Instant::now();
    while ledger.lock().expect("ledger").accepted.len() < 30 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "thirty reports within a minute: {:?}",
            <[_]>::first(&ledger.lock().expect("ledger").refused).cloned()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().await;
    burst.await.expect("the burst");
    let accepted_by_first = ledger.lock().expect("ledger").accepted.len();
    assert!(accepted_by_first >= 30 && accepted_by_first < refs.len(), "the kill fell inside the burst");

    // What the first process did not answer is sent again, to the second (same session).
    for _ in 0..5 {
        if queue.lock().expect("queue").is_empty() {
            break;
        }
        send_round(&second.base(), &citizen, place, &queue, &ledger, 6).await;
    }
    let ledger = Arc::into_inner(ledger).expect("one owner").into_inner().expect("ledger");
    assert!(queue.lock().expect("queue").is_empty(), "every draft was accepted: {:?}", ledger.refused);
    assert!(
        ledger.refused.iter().all(|(status, _)| *status >= 500),
        "only a dying process refused anything: {:?}",
        ledger.refused
    );
    assert_exactly_once(&refs, &stored(&url, &refs).await, &ledger);

    // The dispatcher's page on the second process heard of reports made through the first.
    let first_id = ledger.accepted.values().flatten().map(|r| r.id).min().expect("an event");
    let mut heard = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    // PostgreSQL's json_build_object writes `"id" : 76`.
    while !heard.replace(' ', "").contains(&format!("\"id\":{first_id},")) {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "the second process announced event {first_id}: {heard}");
        if let Ok(Ok(Some(chunk))) = tokio::time::timeout(left, live.chunk()).await {
            heard.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    // The killed process comes back on its port and serves the same session.
    let port = first.port;
    drop(first);
    let first = ServerProcess::start(&url, port, dir.path()).await;
    let (status, page) = get_with(&first.base(), "/track", &citizen).await;
    assert_eq!(status, 200, "{page}");
    first.stop().await;
    second.stop().await;
    db.finish().await;
}

async fn get_with(base: &str, path: &str, cookie: &str) -> (u16, String) {
    let response = client().get(format!("{base}{path}")).header("cookie", cookie).send().await.expect("an answer");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// A throwaway cluster of this test's own, which it may kill: the migrated, seeded demo.
async fn own_cluster(dir: &Path) -> (EmbeddedPostgres, String) {
    let config = DatabaseConfig {
        url: None,
        data_dir: dir.join("pg"),
        embedded_port: free_port(),
        pg_bin: std::env::var("TONGGUAN_PG_BIN").ok().map(Into::into),
        pool_size: 1,
    };
    let cluster = EmbeddedPostgres::new(&config).expect("PostgreSQL binaries");
    let url = cluster.start().await.expect("start the cluster");
    server::database::migrate(&url).await.expect("migrate");
    let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
    server::database::prepare(&mut conn).await.expect("reference data");
    server::demo::accounts::seed_if_empty(&mut conn, &server::demo::DemoOptions { seed: 7, scale: 0.02 })
        .await
        .expect("seed");
    (cluster, url)
}

/// Crashes the cluster as a power loss would: SIGQUIT to the postmaster (PostgreSQL's
/// immediate shutdown, with no checkpoint, so the next start replays the log).
fn crash(cluster: &EmbeddedPostgres) {
    let pidfile = std::fs::read_to_string(cluster.data_directory().join("postmaster.pid")).expect("postmaster.pid");
    let pid: i32 = pidfile.lines().next().and_then(|l| l.trim().parse().ok()).expect("the postmaster's pid");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGQUIT).expect("signal");
}

#[tokio::test]
async fn a_killed_database_makes_the_server_unready_not_dead_and_it_recovers_by_itself() {
    let dir = tempfile::Builder::new().prefix("tongguan-resilience-").tempdir_in("/tmp").expect("a working directory");
    let (cluster, url) = own_cluster(dir.path()).await;
    let place = place(&url).await;
    let server = ServerProcess::start(&url, free_port(), dir.path()).await;
    let base = server.base();
    let citizen = login(&base, CITIZEN).await;

    // Reports stream in while the database dies and comes back.
    let refs: BTreeSet<String> = (0..400).map(|i| format!("resilience-db-{i:03}")).collect();
    let queue = Arc::new(Mutex::new(refs.iter().cloned().collect::<Vec<_>>()));
    let pending = Arc::new(Mutex::new(Vec::new()));
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let load = {
        let (base, cookie, queue, pending, ledger) =
            (base.clone(), citizen.clone(), queue.clone(), pending.clone(), ledger.clone());
        tokio::spawn(async move {
            // Two senders, one report at a time each, paced like a busy morning.
            let http = client();
            let mut tasks = Vec::new();
            for _ in 0..2 {
                let (base, cookie, queue, pending, ledger, http) =
                    (base.clone(), cookie.clone(), queue.clone(), pending.clone(), ledger.clone(), http.clone());
                tasks.push(tokio::spawn(async move {
                    loop {
                        let Some(client_ref) = queue.lock().expect("queue").pop() else { break };
                        let sent = report(&http, &base, &cookie, place, &client_ref).await;
                        if !ledger.lock().expect("ledger").record(&client_ref, sent) {
                            pending.lock().expect("pending").push(client_ref);
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }));
            }
            for task in tasks {
                task.await.expect("sender");
            }
        })
    };
    let started = Instant::now();
    while ledger.lock().expect("ledger").accepted.len() < 20 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "twenty reports within a minute: {:?}",
            <[_]>::first(&ledger.lock().expect("ledger").refused).cloned()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    crash(&cluster);

    // Unready, not dead: /readyz says 503 at once, /healthz and the static pages still answer,
    // and a report is refused quickly with 503 (try again), not left hanging or called a bug.
    let outage = Instant::now();
    loop {
        if readyz(&base).await == Some(503) {
            break;
        }
        assert!(outage.elapsed() < Duration::from_secs(10), "/readyz said 503 within ten seconds");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _) = get(&base, "/healthz").await.expect("/healthz answers");
    assert_eq!(status, 200);
    let (status, page) = get(&base, "/offline.html").await.expect("the offline page answers");
    assert_eq!((status, page.contains("网络已断开")), (200, true));
    let asked = Instant::now();
    match report(&client(), &base, &citizen, place, "resilience-db-during").await {
        Sent::Refused(503, Some(AppError::Unavailable)) => {}
        other => panic!("a report during the outage is refused as unavailable: {other:?}"),
    }
    assert!(asked.elapsed() < Duration::from_secs(5), "refused quickly: {:?}", asked.elapsed());
    // A logged-in user's page says the service is briefly away, and keeps the session.
    let (status, page) = get_with(&base, "/", &citizen).await;
    assert_eq!(status, 503, "a page that needs the database says so: {page}");
    assert!(page.contains("服务暂时不可用"), "in the user's language: {page}");
    tokio::time::sleep(Duration::from_secs(2)).await;

    // The database comes back; the server notices by itself, without a restart.
    cluster.start().await.expect("restart the cluster");
    let back = Instant::now();
    while readyz(&base).await != Some(200) {
        assert!(back.elapsed() < Duration::from_secs(30), "ready again within thirty seconds:\n{}", server.log_text());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    load.await.expect("the load");

    // The drafts refused during the outage are sent again, as the outbox does.
    let mut retries = 0;
    loop {
        let waiting: Vec<String> = std::mem::take(&mut *pending.lock().expect("pending"));
        if waiting.is_empty() {
            break;
        }
        retries += 1;
        assert!(retries <= 5, "the outbox's retries all succeed after recovery: {waiting:?}");
        queue.lock().expect("queue").extend(waiting);
        let (queue, ledger) = (queue.clone(), ledger.clone());
        send_round(&base, &citizen, place, &queue, &ledger, 2).await;
        pending.lock().expect("pending").extend(std::mem::take(&mut *queue.lock().expect("queue")));
    }
    let ledger = Arc::into_inner(ledger).expect("one owner").into_inner().expect("ledger");
    assert!(ledger.refused.len() + ledger.unanswered > 0, "the outage fell inside the load");
    assert!(
        ledger.refused.iter().all(|(status, _)| *status == 503),
        "refused only as unavailable: {:?}",
        ledger.refused
    );
    let stored = stored(&url, &refs).await;
    assert_exactly_once(&refs, &stored, &ledger);

    server.stop().await;
    cluster.stop();
}

//! Test databases. Without `TEST_DATABASE_URL` the tests start their own throwaway cluster
//! under the temporary directory (the same embedded cluster the server uses). A template database
//! is migrated and seeded with a small demo township once per run; each test clones it
//! (`CREATE DATABASE … TEMPLATE …`), which takes milliseconds.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use server::config::DatabaseConfig;
use server::embedded_pg::EmbeddedPostgres;
use shared::accounts::SessionUser;
use shared::accounts::service::{AuthPolicy, session};
use shared::db::DbPool;
use shared::schema::users;
use shared::state::AppState;
use tokio::sync::OnceCell;

pub const TEMPLATE: &str = "tongguan_test_template";
/// The audit key of every test database (and of the server processes the tests start).
pub const AUDIT_KEY: &str = "74657374206175646974206b6579206f6620746f6e676775616e2c2033322062";

/// The personal-data keyring of every test database (and of the server processes the tests
/// start): index key and SM4 key 1.
pub const PERSONAL_KEYS: &str =
    "index:7465737420706572736f6e616c2d6461746120696e646578206b65792c203332 1:74657374207365616c696e67206b6579";

/// Installs the tests' audit key and personal-data keyring in this process (once).
pub fn install_audit_key() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let key = shared::audit::key::AuditKey::from_hex(AUDIT_KEY).expect("the tests' key");
        shared::audit::key::install(key).expect("no other key");
        let keyring = shared::personal::Keyring::parse(PERSONAL_KEYS).expect("the tests' keyring");
        shared::personal::keys::install(keyring).expect("no other keyring");
    });
}
static SERVER: OnceCell<Server> = OnceCell::const_new();

/// A PostgreSQL server as a URL with the database name left out.
#[derive(Clone)]
struct Server {
    prefix: String,
    suffix: String,
}

impl Server {
    fn parse(url: &str) -> Self {
        let (path, query) = url.split_once('?').map(|(p, q)| (p, format!("?{q}"))).unwrap_or((url, String::new()));
        let prefix = path.rsplit_once('/').map(|(base, _)| format!("{base}/")).expect("a database URL");
        Self { prefix, suffix: query }
    }

    fn url(&self, database: &str) -> String {
        format!("{}{database}{}", self.prefix, self.suffix)
    }
}
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Distinguishes checkouts, so that two of them on one machine never share a cluster.
fn checkout_id() -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_MANIFEST_DIR").hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// The test server, with a ready template database on it.
async fn test_server() -> Server {
    install_audit_key();
    SERVER
        .get_or_init(|| async {
            let base = match std::env::var("TEST_DATABASE_URL") {
                Ok(url) => Server::parse(&url),
                Err(_) => {
                    let config = DatabaseConfig {
                        url: None,
                        // Under the temporary directory: the checkout may sit below a directory
                        // (such as /root) that the cluster's unprivileged user cannot enter.
                        data_dir: std::env::temp_dir().join(format!("tongguan-test-pg-{}", checkout_id())),
                        // `TEST_PG_PORT` lets two checkouts run their suites side by side.
                        embedded_port: std::env::var("TEST_PG_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(54339),
                        pg_bin: std::env::var("TONGGUAN_PG_BIN").ok().map(Into::into),
                        pool_size: 4,
                    };
                    let embedded = EmbeddedPostgres::new(&config).expect("PostgreSQL binaries");
                    let started = embedded.start().await;
                    // Shared by every test process of this checkout: it outlives this one,
                    // and a failure here must not stop it under another.
                    embedded.keep_running();
                    Server::parse(&started.expect("start the test cluster"))
                }
            };
            build_template(&base).await;
            base
        })
        .await
        .clone()
}

async fn admin(server: &Server) -> AsyncPgConnection {
    AsyncPgConnection::establish(&server.url("postgres")).await.expect("connect to the postgres database")
}

async fn build_template(base: &Server) {
    let mut conn = admin(base).await;
    // Leftovers of earlier runs (a failed test keeps its database for inspection until then).
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let stale: Vec<Name> = diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE 'tg_test_%'")
        .load(&mut conn)
        .await
        .expect("list databases");
    for db in stale {
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db.datname)).execute(&mut conn).await.ok();
    }
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .expect("drop template");
    diesel::sql_query(format!("CREATE DATABASE {TEMPLATE}")).execute(&mut conn).await.expect("create template");
    let url = base.url(TEMPLATE);
    server::database::migrate(&url).await.expect("migrate template");
    let mut db = AsyncPgConnection::establish(&url).await.expect("connect template");
    server::database::prepare(&mut db).await.expect("reference data");
    server::demo::accounts::seed_if_empty(&mut db, &server::demo::DemoOptions { seed: 7, scale: 0.05 })
        .await
        .expect("seed template");
}

/// One test's own database, dropped when the test calls `finish`.
pub struct TestDb {
    server: Server,
    pub name: String,
    pub pool: DbPool,
}

impl TestDb {
    pub async fn new() -> Self {
        let base = test_server().await;
        let name = format!("tg_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut conn = admin(&base).await;
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
            .execute(&mut conn)
            .await
            .expect("clone template");
        let url = base.url(&name);
        let pool = shared::db::pool(&url, 4).expect("pool");
        Self { server: base, name, pool }
    }

    pub async fn conn(&self) -> shared::db::DbConn {
        self.pool.get().await.expect("connection")
    }

    pub fn url(&self) -> String {
        self.server.url(&self.name)
    }

    pub fn state(&self, auth: AuthPolicy) -> AppState {
        AppState {
            pool: self.pool.clone(),
            auth,
            demo: true,
            stats_cache: Default::default(),
            sessions: Default::default(),
            settings: Default::default(),
        }
    }

    /// A logged-in demo user (by user name), as the services see them.
    pub async fn user(&self, username: &str) -> SessionUser {
        let mut conn = self.conn().await;
        let id: i64 =
            users::table.filter(users::username.eq(username)).select(users::id).first(&mut conn).await.expect("user");
        session::load_user(&mut conn, &AuthPolicy::default(), id).await.expect("load user")
    }

    pub async fn finish(self) {
        let Self { server: base, name, pool, .. } = self;
        drop(pool);
        let mut conn = admin(&base).await;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .expect("drop test db");
    }
}

pub const PASSWORD: &str = shared::accounts::demo_accounts::DEMO_PASSWORD;

/// The plan PostgreSQL makes of `query` (bound as the services bind), with sequential scans
/// switched off so that a usable index shows: what a test asks when it says "answered by the
/// index".
pub async fn index_plan(conn: &mut AsyncPgConnection, query: shared::sql::Sql) -> String {
    #[derive(diesel::QueryableByName)]
    struct Plan {
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[diesel(column_name = "QUERY PLAN")]
        line: String,
    }
    diesel::sql_query("SET enable_seqscan = off").execute(conn).await.expect("set");
    let plan: Vec<Plan> = shared::sql::Sql::new("EXPLAIN ").append(query).query().load(conn).await.expect("explain");
    diesel::sql_query("RESET enable_seqscan").execute(conn).await.expect("reset");
    plan.into_iter().map(|line| line.line).collect::<Vec<_>>().join("\n")
}

//! Test databases. Without `TEST_DATABASE_URL` the tests start their own throwaway cluster
//! under `target/test-pg` (the same embedded cluster the server uses). A template database
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
static SERVER: OnceCell<String> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// URL of the server (ending in `/`), with a ready template database on it.
async fn server_url() -> String {
    SERVER
        .get_or_init(|| async {
            let base = match std::env::var("TEST_DATABASE_URL") {
                Ok(url) => url.rsplit_once('/').map(|(base, _)| format!("{base}/")).unwrap_or(url),
                Err(_) => {
                    let config = DatabaseConfig {
                        url: None,
                        data_dir: std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/test-pg")),
                        embedded_port: 54339,
                        pg_bin: std::env::var("TONGGUAN_PG_BIN").ok().map(Into::into),
                        pool_size: 4,
                    };
                    let embedded = EmbeddedPostgres::new(&config).expect("PostgreSQL binaries");
                    let url = embedded.start().await.expect("start the test cluster");
                    url.rsplit_once('/').map(|(base, _)| format!("{base}/")).expect("url")
                }
            };
            build_template(&base).await;
            base
        })
        .await
        .clone()
}

async fn admin(base: &str) -> AsyncPgConnection {
    AsyncPgConnection::establish(&format!("{base}postgres")).await.expect("connect to the postgres database")
}

async fn build_template(base: &str) {
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
    let url = format!("{base}{TEMPLATE}");
    server::database::migrate(&url).await.expect("migrate template");
    let mut db = AsyncPgConnection::establish(&url).await.expect("connect template");
    server::demo::accounts::seed_if_empty(&mut db, &server::demo::DemoOptions { seed: 7, scale: 0.05 })
        .await
        .expect("seed template");
}

/// One test's own database, dropped when the test calls `finish`.
pub struct TestDb {
    base: String,
    pub name: String,
    pub pool: DbPool,
}

impl TestDb {
    pub async fn new() -> Self {
        let base = server_url().await;
        let name = format!("tg_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut conn = admin(&base).await;
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
            .execute(&mut conn)
            .await
            .expect("clone template");
        let url = format!("{base}{name}");
        let pool = shared::db::pool(&url, 4).expect("pool");
        Self { base, name, pool }
    }

    pub async fn conn(&self) -> shared::db::DbConn {
        self.pool.get().await.expect("connection")
    }

    pub fn state(&self, auth: AuthPolicy) -> AppState {
        AppState { pool: self.pool.clone(), auth, demo: true }
    }

    /// A logged-in demo user (by user name), as the services see them.
    pub async fn user(&self, username: &str) -> SessionUser {
        let mut conn = self.conn().await;
        let id: i64 =
            users::table.filter(users::username.eq(username)).select(users::id).first(&mut conn).await.expect("user");
        session::load_user(&mut conn, id).await.expect("load user")
    }

    pub async fn finish(self) {
        let Self { base, name, pool, .. } = self;
        drop(pool);
        let mut conn = admin(&base).await;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .expect("drop test db");
    }
}

pub const PASSWORD: &str = shared::accounts::demo_accounts::DEMO_PASSWORD;

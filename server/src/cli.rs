//! The command line: `tongguan` serves; subcommands migrate, seed and administer.

use std::io::BufRead;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use shared::accounts::NewStaff;
use shared::accounts::service::users;
use shared::operations::service::OperationsSettings;
use shared::state::{AppState, Settings};

use crate::config::{Config, DatabaseConfig};
use crate::embedded_pg::EmbeddedPostgres;
use crate::router::{ServerState, build};
use crate::{database, demo};

#[derive(Parser)]
#[command(name = "tongguan", version, about = "统管 · 一网统管平台 (DB3205/T 1107—2024)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve {
        /// Seed the demo township into an empty database and show the demo accounts
        /// (also with TONGGUAN_DEMO=1).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Generate the demo township (deterministic) and its demo accounts.
    Seed {
        /// Multiply residents, houses and enterprises (1.0 ≈ 20,000 residents).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        #[arg(long, default_value_t = demo::DemoOptions::default().seed)]
        seed: u64,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The register tables the module declarations need, against DATABASE_URL as the
    /// migrations leave it (scripts/check-schema.sh makes one): print, write or check.
    Schema {
        #[command(subcommand)]
        command: crate::schema_cmd::SchemaCommand,
    },
    /// API keys for other systems (Open311 clients): create, list, revoke.
    Apikey {
        #[command(subcommand)]
        command: crate::apikey_cmd::ApiKeyCommand,
    },
    /// The platforms the township exchanges instructions and results with.
    Exchange {
        #[command(subcommand)]
        command: crate::exchange_cmd::ExchangeCommand,
    },
    /// The audit log: verify its hash chain and checkpoints.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The keys that seal residents' ID and mobile numbers: status, new-key, reseal.
    #[command(name = "personal-data")]
    PersonalData {
        #[command(subcommand)]
        command: PersonalDataCommand,
    },
    /// Backups: now, list, restore FILE, drill (TONGGUAN_BACKUP_DIR).
    Backup {
        #[command(subcommand)]
        command: crate::backup_cmd::BackupCommand,
    },
    /// Load generators for the benchmarks (docs/benchmarks.md, scripts/bench-events.sh).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a staff account. The password is read from TONGGUAN_ADMIN_PASSWORD or the
    /// first line of standard input; there is no default password.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Role code, e.g. system_admin, security_admin, auditor, town_leader.
        #[arg(long, default_value = "system_admin")]
        role: String,
        /// Township code (e.g. 320581115); defaults to the only township.
        #[arg(long)]
        township: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the whole hash chain and check every checkpoint; name the first broken record
    /// and exit non-zero if someone changed, inserted or deleted records in the database.
    Verify,
    /// Move the records older than the retention (TONGGUAN_AUDIT_RETENTION_DAYS, at least
    /// 180) to the archive, where search and verification still read them.
    Archive,
}

/// A key rotation is `new-key`, a restart of every process with the new keyring, then
/// `reseal`; the old key can leave the keyring once `reseal` says it is retired.
#[derive(Subcommand)]
pub enum PersonalDataCommand {
    /// Check the keyring against the database and count the values sealed with each key.
    Status,
    /// Add a new SM4 key after the newest: it seals from the next start on.
    NewKey,
    /// Seal again under the newest key every value sealed with an older one, and retire the
    /// keys nothing uses any more.
    Reseal,
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Add generated events to the demo township (run `tongguan seed` first), in chunks of
    /// 100,000, then VACUUM ANALYZE the event tables.
    SeedEvents {
        #[arg(long)]
        count: i64,
        /// Spread the events over this many days before now.
        #[arg(long, default_value_t = 365)]
        days: i32,
    },
    /// File reports through the intake service as the demo citizen from concurrent tasks
    /// and print the rate and the latencies.
    Intake {
        #[arg(long, default_value_t = 20_000)]
        events: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
    },
    /// Send generated readings of the demo's stations through the sensing service (checked,
    /// stored, judged by the alarm rules) in batches from concurrent tasks, and print the rate.
    Readings {
        #[arg(long, default_value_t = 1_000_000)]
        readings: usize,
        #[arg(long, default_value_t = 5000)]
        batch: usize,
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
}

/// A running database: the URL (it may carry a password), and the embedded cluster if we
/// started one, which stops when this is dropped, on every path out of a command.
pub struct Database {
    pub url: SecretString,
    pub embedded: Option<EmbeddedPostgres>,
}

pub async fn open_database(config: &DatabaseConfig) -> anyhow::Result<Database> {
    let database = match &config.url {
        Some(url) => Database { url: url.clone(), embedded: None },
        None => {
            let embedded = EmbeddedPostgres::new(config)?;
            let url = embedded.start().await?;
            Database { url: url.into(), embedded: Some(embedded) }
        }
    };
    database::migrate(database.url.expose_secret()).await?;
    Ok(database)
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve { demo: config.demo.enabled });
    // Before any work on the database: every audited action is sealed with the key.
    let audits = !matches!(
        command,
        Command::Schema { .. } | Command::Exchange { command: crate::exchange_cmd::ExchangeCommand::Simulate(_) }
    );
    if audits && shared::audit::key::install(config.audit.key()?).is_err() {
        anyhow::bail!("an audit key was installed already");
    }
    // Likewise every resident's numbers are sealed and opened with the keyring.
    if audits && shared::personal::keys::install(config.personal.keyring()?).is_err() {
        anyhow::bail!("a personal-data keyring was installed already");
    }
    match command {
        Command::Serve { demo } => {
            let demo = demo || config.demo.enabled;
            serve(config, demo).await
        }
        Command::Migrate => {
            let db = open_database(&config.database).await?;
            stop(db);
            Ok(())
        }
        Command::Seed { scale, seed } => {
            let db = open_database(&config.database).await?;
            let result = seed_demo(db.url.expose_secret(), &demo::DemoOptions { seed, scale }).await;
            stop(db);
            result
        }
        Command::Admin { command: AdminCommand::Create { username, name, role, township } } => {
            let db = open_database(&config.database).await?;
            let password = config.admin.password.clone();
            let result = create_admin(db.url.expose_secret(), password, username, name, role, township).await;
            stop(db);
            result
        }
        // No migrations first: the point is to compare what the migrations made.
        Command::Schema { command } => {
            let url = config.database.url.as_ref().map(|url| url.expose_secret().to_owned());
            crate::schema_cmd::run(url.as_deref(), command).await
        }
        Command::Apikey { command } => {
            let db = open_database(&config.database).await?;
            let result = crate::apikey_cmd::run(db.url.expose_secret(), command).await;
            stop(db);
            result
        }
        Command::Exchange { command: crate::exchange_cmd::ExchangeCommand::Simulate(options) } => {
            crate::exchange_cmd::simulate(options).await
        }
        Command::Exchange { command } => {
            let db = open_database(&config.database).await?;
            let result = crate::exchange_cmd::run(db.url.expose_secret(), command).await;
            stop(db);
            result
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let db = open_database(&config.database).await?;
            let result = verify_audit(db.url.expose_secret()).await;
            stop(db);
            result
        }
        Command::Audit { command: AuditCommand::Archive } => {
            let db = open_database(&config.database).await?;
            let result = archive_audit(db.url.expose_secret(), config.audit.retention_days).await;
            stop(db);
            result
        }
        Command::PersonalData { command: PersonalDataCommand::NewKey } => {
            println!("{}", config.personal.add_key()?);
            Ok(())
        }
        Command::PersonalData { command } => {
            let db = open_database(&config.database).await?;
            let result = personal_data(db.url.expose_secret(), matches!(command, PersonalDataCommand::Reseal)).await;
            stop(db);
            result
        }
        Command::Backup { command } => {
            let db = open_database(&config.database).await?;
            let settings = config.backups.settings(&db.url, config.database.pg_bin.as_deref());
            let result = crate::backup_cmd::run(db.url.expose_secret(), &settings, command).await;
            stop(db);
            result
        }
        Command::Bench { command } => {
            let db = open_database(&config.database).await?;
            let result = crate::bench::run(db.url.expose_secret(), command).await;
            stop(db);
            result
        }
    }
}

fn stop(db: Database) {
    if let Some(embedded) = db.embedded {
        embedded.stop();
    }
}

async fn seed_demo(url: &str, options: &demo::DemoOptions) -> anyhow::Result<()> {
    let pool = shared::db::pool(url, 2).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    database::prepare(&mut conn).await?;
    demo::accounts::seed_if_empty(&mut conn, options).await
}

/// Checks the keyring against the database, re-seals if asked, and counts the values sealed
/// with each key.
async fn personal_data(url: &str, reseal: bool) -> anyhow::Result<()> {
    use shared::personal::{keys, service};
    let pool = shared::db::pool(url, 1).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    let keyring = keys::installed()?;
    service::check_keys(&mut conn, keyring).await?;
    if reseal {
        let done = service::reseal(&mut conn, keyring).await?;
        println!(
            "{} residents and {} secrets sealed again under key {}",
            done.residents,
            done.secrets,
            keyring.current()
        );
        if !done.retired.is_empty() {
            println!("keys {:?} retired: nothing is sealed with them; they can leave the keyring", done.retired);
        }
    }
    println!("keyring: keys {:?}, key {} seals", keyring.versions(), keyring.current());
    for (version, values) in service::versions_in_use(&mut conn).await? {
        println!("key {version}: {values} values sealed");
    }
    Ok(())
}

async fn archive_audit(url: &str, retention_days: u32) -> anyhow::Result<()> {
    let pool = shared::db::pool(url, 1).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    shared::audit::service::seal(&mut conn).await?;
    let archived = shared::audit::archive::archive(&mut conn, retention_days, chrono::Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!(
        "{} audit records from before {} moved to the archive (kept {retention_days} days in the live log)",
        archived.moved,
        shared::time::local(archived.before).format("%Y-%m-%d %H:%M")
    );
    Ok(())
}

async fn verify_audit(url: &str) -> anyhow::Result<()> {
    let pool = shared::db::pool(url, 1).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    // The key first: with another one every keyed record would look changed.
    shared::audit::service::seal(&mut conn).await?;
    // A checkpoint of the chain as it stands, so that what follows is caught next time.
    shared::audit::service::checkpoint(&mut conn).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let verified = shared::audit::service::verify_chain(&mut conn).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    match verified.broken_at {
        None => {
            println!(
                "audit log intact: {} records in {} chains ({} of them from before the key sealed the log), {} checkpoints",
                verified.checked, verified.chains, verified.legacy, verified.checkpoints
            );
            Ok(())
        }
        Some(id) => anyhow::bail!(
            "audit log BROKEN at record {id}: changed, inserted or deleted in the database ({} records verified before it)",
            verified.checked
        ),
    }
}

/// An error of a service as the command line says it: the Chinese text of its code.
pub fn message(error: &shared::AppError) -> String {
    let zh = app::i18n::Locale::ZhCn;
    match error {
        shared::AppError::Conflict(code) => zh.t(code.i18n_key()),
        shared::AppError::Validation(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, zh.t(e.code.i18n_key()))).collect::<Vec<_>>().join(", ")
        }
        other => format!("{other}"),
    }
}

/// The township a command names by its code, or the only one.
pub async fn township_id(conn: &mut diesel_async::AsyncPgConnection, code: Option<&str>) -> anyhow::Result<i32> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use shared::schema::townships;
    let mut query = townships::table.select(townships::id).into_boxed();
    if let Some(code) = code {
        query = query.filter(townships::code.eq(code));
    }
    let ids: Vec<i32> = query.load(conn).await?;
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => anyhow::bail!("no such township; create one first (e.g. `tongguan seed` for the demo township)"),
        _ => anyhow::bail!("several townships: say which with --township CODE"),
    }
}

async fn create_admin(
    url: &str,
    password: Option<SecretString>,
    username: String,
    name: String,
    role: String,
    township: Option<String>,
) -> anyhow::Result<()> {
    let password = match password {
        Some(password) => password.expose_secret().to_owned(),
        None => {
            eprintln!("Password (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let pool = shared::db::pool(url, 2).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    database::prepare(&mut conn).await?;
    let township_id = township_id(&mut conn, township.as_deref()).await?;
    let form = NewStaff {
        username,
        display_name: name,
        phone: String::new(),
        password,
        role_code: role,
        village_id: None,
        grid_id: None,
    };
    match users::create_staff_unchecked(&mut conn, township_id, &form).await {
        Ok(id) => {
            println!("created user {} (id {id}) with role {}", form.username, form.role_code);
            Ok(())
        }
        Err(shared::AppError::Validation(errors)) => {
            // The same messages the web forms show, in Chinese.
            let zh = app::i18n::Locale::ZhCn;
            let list: Vec<String> =
                errors.iter().map(|e| format!("{}: {}", e.field, zh.t(e.code.i18n_key()))).collect();
            anyhow::bail!("invalid: {}", list.join(", "))
        }
        Err(other) => anyhow::bail!("{other}"),
    }
}

async fn serve(config: Config, demo_mode: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = open_database(&config.database).await?;
    let pool = shared::db::pool(db.url.expose_secret(), config.database.pool_size).map_err(anyhow::Error::msg)?;
    {
        let mut conn = pool.get().await.context("connecting to the database")?;
        database::prepare(&mut conn).await?;
        if demo_mode {
            demo::accounts::seed_if_empty(&mut conn, &demo::DemoOptions::default()).await?;
        }
    }
    let leptos = config.server.leptos.clone();
    let addr = config.server.address();
    let photos = crate::events::photos::open_store(&config.uploads)?;
    let stats_cache = Arc::new(shared::events::service::stats_cache::StatsCache::default());
    let sessions = Arc::new(shared::accounts::service::session_cache::SessionCache::default());
    let live =
        crate::events::live::Live::start(db.url.expose_secret().to_owned(), stats_cache.clone(), sessions.clone());
    let metrics = Arc::new(crate::metrics::Metrics::new(config.server.metrics_token.clone()));
    crate::events::jobs::start(pool.clone(), config.supervision.escalation_grace, metrics.clone());
    crate::engine_jobs::start(pool.clone(), metrics.clone());
    crate::exchange::deliver::start(pool.clone(), metrics.clone());
    let backups = config.backups.settings(&db.url, config.database.pg_bin.as_deref());
    crate::backup_job::start(backups.clone(), pool.clone(), metrics.clone());
    crate::metrics::flush_jobs(pool.clone(), metrics.clone());
    crate::audit_job::start(pool.clone(), metrics.clone());
    crate::audit_job::start_step_audit(pool.clone(), metrics.clone());
    crate::audit_job::start_archive(pool.clone(), metrics.clone(), config.audit.retention_days);
    crate::audit_job::start_call_log_retention(pool.clone(), metrics.clone(), config.audit.call_log_retention_days);
    crate::sensing_job::start(pool.clone(), metrics.clone(), config.sensing.retention_months);
    crate::sensing_job::start_indicators(pool.clone(), metrics.clone());
    if let Some(broker) = config.sensing.mqtt.clone() {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let default_id = format!("tongguan-{}-{}", host.trim(), addr.port());
        crate::sensing_mqtt::start(pool.clone(), broker, default_id);
    }
    let mut disks = vec![("data".to_owned(), config.database.data_dir.clone())];
    if let crate::config::UploadsConfig::Directory(uploads) = &config.uploads {
        disks.push(("uploads".to_owned(), uploads.clone()));
    }
    disks.push(("backups".to_owned(), backups.directory.clone()));
    let operations = OperationsSettings { backups: Some(backups), disks, started_at: Some(chrono::Utc::now()) };
    let settings =
        Arc::new(Settings { duplicate_window: config.duplicates, tile_url: config.map.tile_url.clone(), operations });
    let app = AppState { pool, auth: config.auth.clone(), demo: demo_mode, stats_cache, sessions, settings };
    let state = ServerState { leptos, app, photos, live, rate_limits: config.rate_limits, metrics };
    let router = build(state);
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "ready");
    println!("\n  统管 Tongguan is running at http://{addr}/\n");
    if demo_mode {
        demo::accounts::print_table();
    }
    // The peer address reaches the handlers (the rate limits count per address).
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await;
    stop(db);
    result.map_err(Into::into)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

//! Backups with a verified restore (R-backup, 9.2.2): `pg_dump` in custom format into the
//! backup directory, each dump beside its SHA-256 (`sha256sum -c` reads it) and a manifest of
//! every table's rows and checksum taken in the very snapshot the dump was made from; a drill
//! restores the newest dump into a scratch database and checks every table against that
//! manifest, so "the restore is complete" is proved exactly rather than guessed by comparing
//! with a live database that has moved on since.
//!
//! Runs are serialised across every server process and the command line by an advisory lock
//! held by the run's own connection: when a process dies mid-run, its connection closes, the
//! lock is freed, and the next run marks the orphaned row interrupted.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::{BackupFile, BackupPolicy, BackupRun, RunKind, RunOutcome, TableCheck, Trigger};
use crate::error::{AppError, ErrorCode};
use crate::schema::backup_runs;

/// Where and how often to back up (`TONGGUAN_BACKUP_*`, read by `server::config`).
#[derive(Debug, Clone)]
pub struct BackupSettings {
    pub directory: PathBuf,
    /// Hours between scheduled backups; 0: none.
    pub interval_hours: u32,
    /// Hours between scheduled drills; 0: none.
    pub drill_interval_hours: u32,
    /// Dumps kept; older ones are removed after each successful backup.
    pub keep: u32,
    /// The database to back up (it may carry a password: given to the tools by environment,
    /// never on their command line).
    pub database_url: SecretString,
    /// `TONGGUAN_PG_BIN`: where `pg_dump` and `pg_restore` are, if not beside the server's
    /// version under /usr/lib/postgresql or on PATH.
    pub pg_bin: Option<PathBuf>,
}

impl BackupSettings {
    pub fn policy(&self) -> BackupPolicy {
        BackupPolicy {
            directory: self.directory.display().to_string(),
            interval_hours: self.interval_hours,
            drill_interval_hours: self.drill_interval_hours,
            keep: self.keep,
        }
    }
}

/// The advisory lock key of backup runs ("tgbackup").
const RUN_LOCK: i64 = 0x7467_6261_636b_7570;
const DUMP_PREFIX: &str = "tongguan-";
const DUMP_SUFFIX: &str = ".dump";

/// A run holding the lock, its row written; [`Run::finish`] does the work.
pub struct Run {
    conn: AsyncPgConnection,
    settings: BackupSettings,
    id: i64,
    kind: RunKind,
}

/// Starts a backup or drill: takes the lock (another run in progress: `backup.busy`), marks
/// runs whose process died as interrupted, and writes the run's row, so the operations page
/// shows it running from now on.
pub async fn begin(
    settings: &BackupSettings,
    kind: RunKind,
    trigger: Trigger,
    actor_name: &str,
) -> Result<Run, AppError> {
    let mut conn = connect(&settings.database_url, None).await?;
    let lock: Locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<BigInt, _>(RUN_LOCK)
        .get_result(&mut conn)
        .await?;
    if !lock.locked {
        return Err(AppError::Conflict(ErrorCode::BackupBusy));
    }
    diesel::update(backup_runs::table.filter(backup_runs::finished_at.is_null()))
        .set((backup_runs::finished_at.eq(diesel::dsl::now), backup_runs::outcome.eq(RunOutcome::Interrupted.as_str())))
        .execute(&mut conn)
        .await?;
    let id: i64 = diesel::insert_into(backup_runs::table)
        .values((
            backup_runs::kind.eq(kind.as_str()),
            backup_runs::trigger.eq(trigger.as_str()),
            backup_runs::actor_name.eq(actor_name),
        ))
        .returning(backup_runs::id)
        .get_result(&mut conn)
        .await?;
    Ok(Run { conn, settings: settings.clone(), id, kind })
}

impl Run {
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Does the work and records how it ended; the lock is freed when the connection closes.
    pub async fn finish(mut self) -> Result<BackupRun, AppError> {
        let done = match self.kind {
            RunKind::Backup => backup(&mut self.conn, &self.settings).await,
            RunKind::Drill => drill(&mut self.conn, &self.settings).await,
        };
        let (outcome, error, done) = match done {
            Ok(done) => (RunOutcome::Ok, String::new(), done),
            Err(Failure { message, partial }) => {
                // Ends whatever the failure left open, so the row can be written.
                let _ = self.conn.batch_execute("ROLLBACK").await;
                tracing::error!(run = self.id, kind = self.kind.as_str(), error = %message, "backup run failed");
                (RunOutcome::Failed, message, partial)
            }
        };
        let tables = serde_json::to_value(&done.tables).unwrap_or_default();
        diesel::update(backup_runs::table.find(self.id))
            .set((
                backup_runs::finished_at.eq(diesel::dsl::now),
                backup_runs::outcome.eq(outcome.as_str()),
                backup_runs::file.eq(&done.file),
                backup_runs::bytes.eq(done.bytes),
                backup_runs::sha256.eq(&done.sha256),
                backup_runs::tables.eq(tables),
                backup_runs::error.eq(&error),
            ))
            .execute(&mut self.conn)
            .await?;
        if outcome == RunOutcome::Ok && self.kind == RunKind::Backup {
            prune(&self.settings).await;
        }
        let row = backup_runs::table.find(self.id).select(models::Row::as_select()).first(&mut self.conn).await?;
        Ok(row.into())
    }
}

/// What a run found, kept even when it fails part-way (a drill's table comparison).
#[derive(Debug, Default)]
struct Done {
    file: String,
    bytes: Option<i64>,
    sha256: String,
    tables: Vec<TableCheck>,
}

struct Failure {
    message: String,
    partial: Done,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure { message: error.to_string(), partial: Done::default() }
    }
}

/// The dump, its checksum file and its manifest, in one snapshot.
async fn backup(conn: &mut AsyncPgConnection, settings: &BackupSettings) -> Result<Done, Failure> {
    tokio::fs::create_dir_all(&settings.directory)
        .await
        .map_err(|e| format!("creating {}: {e}", settings.directory.display()))?;
    // Milliseconds: names sort by time and two runs never share one.
    let name = format!("{DUMP_PREFIX}{}{DUMP_SUFFIX}", Utc::now().format("%Y%m%dT%H%M%S%.3fZ"));
    let path = settings.directory.join(&name);
    let partial = settings.directory.join(format!("{name}.partial"));
    let tools = Tools::find(conn, settings.pg_bin.as_deref()).await?;
    deterministic_text(conn).await?;
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
    let snapshot: Snapshot = diesel::sql_query("SELECT pg_export_snapshot() AS id").get_result(conn).await?;
    // pg_dump reads the snapshot while this transaction counts the same rows.
    let target = Target::of(&settings.database_url, None)?;
    let mut dump = target.command(&tools.pg_dump);
    dump.arg("--format=custom").arg(format!("--snapshot={}", snapshot.id)).arg("--file").arg(&partial);
    let dump = spawn(dump)?;
    let tables = manifest(conn).await;
    let dumped = dump.wait_with_output().await.map_err(|e| format!("pg_dump: {e}"))?;
    conn.batch_execute("COMMIT").await?;
    if !dumped.status.success() {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(format!("pg_dump failed: {}", last_lines(&dumped.stderr)).into());
    }
    let tables = tables?;
    let (sha256, bytes) = digest(&partial).await?;
    tokio::fs::rename(&partial, &path).await.map_err(|e| format!("renaming the dump: {e}"))?;
    // `sha256sum -c` reads this file.
    write(&settings.directory.join(format!("{name}.sha256")), format!("{sha256}  {name}\n").as_bytes()).await?;
    let manifest = serde_json::to_vec_pretty(&tables).map_err(|e| e.to_string())?;
    write(&settings.directory.join(format!("{name}.manifest.json")), &manifest).await?;
    Ok(Done { file: name, bytes: Some(bytes as i64), sha256, tables })
}

/// Restores the newest dump into a scratch database and compares every table with the
/// manifest; the scratch database is dropped on every way out.
async fn drill(conn: &mut AsyncPgConnection, settings: &BackupSettings) -> Result<Done, Failure> {
    let newest = list(&settings.directory).await?.into_iter().next().ok_or("no backup to restore yet")?;
    let path = settings.directory.join(&newest.name);
    let sha256 = verify(&path).await?;
    let manifest = tokio::fs::read(settings.directory.join(format!("{}.manifest.json", newest.name)))
        .await
        .map_err(|e| format!("reading the manifest of {}: {e}", newest.name))?;
    let mut tables: Vec<TableCheck> =
        serde_json::from_slice(&manifest).map_err(|e| format!("the manifest of {}: {e}", newest.name))?;
    let mut done = Done { file: newest.name.clone(), bytes: Some(newest.bytes as i64), sha256, tables: vec![] };
    // Unique on the server: drills of two databases of one server may run at once.
    let scratch = format!("tongguan_drill_{}_{:08x}", Utc::now().format("%Y%m%d%H%M%S"), rand::random::<u32>());
    let tools = Tools::find(conn, settings.pg_bin.as_deref()).await?;
    create_database(conn, &scratch).await?;
    let restored = restore_into(&tools, settings, &path, &scratch, &mut tables).await;
    let dropped = drop_database(conn, &scratch).await;
    for table in &mut tables {
        let rows: Result<Count, _> = diesel::sql_query("SELECT backup_table_rows($1::regclass) AS n")
            .bind::<Text, _>(quoted(&table.table))
            .get_result(conn)
            .await;
        table.live_rows = rows.ok().map(|c| c.n);
    }
    done.tables = tables;
    let failed = |message: String, done: Done| Failure { message, partial: done };
    if let Err(message) = restored {
        return Err(failed(message, done));
    }
    if let Err(error) = dropped {
        return Err(failed(format!("dropping {scratch}: {error}"), done));
    }
    let broken: Vec<&str> = done.tables.iter().filter(|t| !t.restored_intact()).map(|t| t.table.as_str()).collect();
    if !broken.is_empty() {
        return Err(failed(format!("restored tables differ from the backup: {}", broken.join(", ")), done));
    }
    Ok(done)
}

async fn restore_into(
    tools: &Tools,
    settings: &BackupSettings,
    path: &Path,
    database: &str,
    tables: &mut [TableCheck],
) -> Result<(), String> {
    pg_restore(tools, settings, path, database).await?;
    let mut scratch = connect(&settings.database_url, Some(database)).await.map_err(|e| e.to_string())?;
    deterministic_text(&mut scratch).await.map_err(|e| e.to_string())?;
    for table in tables.iter_mut() {
        let check: Result<Checksum, _> = checksum(&mut scratch, &table.table).await;
        if let Ok(check) = check {
            table.restored_rows = Some(check.rows);
            table.restored_checksum = Some(check.checksum);
        }
    }
    Ok(())
}

async fn pg_restore(tools: &Tools, settings: &BackupSettings, path: &Path, database: &str) -> Result<(), String> {
    let target = Target::of(&settings.database_url, Some(database))?;
    let mut restore = target.command(&tools.pg_restore);
    restore.args(["--no-owner", "--no-privileges", "--exit-on-error"]).arg(path);
    let restored = spawn(restore)?.wait_with_output().await.map_err(|e| format!("pg_restore: {e}"))?;
    if !restored.status.success() {
        return Err(format!("pg_restore failed: {}", last_lines(&restored.stderr)));
    }
    Ok(())
}

/// `tongguan backup restore`: checks the dump's checksum, then restores it into a new
/// database (by default `tongguan_restore_<time>`). An existing database, the live one
/// above all, is replaced only when forced. Returns the database's name.
pub async fn restore(
    settings: &BackupSettings,
    path: &Path,
    into: Option<&str>,
    force: bool,
) -> Result<String, String> {
    verify(path).await?;
    let database = match into {
        Some(name) => name.to_owned(),
        None => format!("tongguan_restore_{}", Utc::now().format("%Y%m%d%H%M%S")),
    };
    if !is_plain_name(&database) {
        return Err(format!("{database:?} is not a database name (lower-case letters, digits and _)"));
    }
    let mut conn = connect(&settings.database_url, None).await.map_err(|e| e.to_string())?;
    let exists: Count = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(&database)
        .get_result(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    if exists.n > 0 {
        let live = Target::of(&settings.database_url, None)?.database == database;
        if !force {
            let which = if live { "the live database" } else { "an existing database" };
            return Err(format!("{database} is {which}: restore into a new one, or add --force to replace it"));
        }
        drop_database(&mut conn, &database).await.map_err(|e| e.to_string())?;
    }
    let tools = Tools::find(&mut conn, settings.pg_bin.as_deref()).await.map_err(|e| e.to_string())?;
    create_database(&mut conn, &database).await.map_err(|e| e.to_string())?;
    pg_restore(&tools, settings, path, &database).await?;
    Ok(database)
}

/// Whether a backup or drill is running now (its process holds the lock).
pub async fn running(conn: &mut AsyncPgConnection) -> Result<bool, AppError> {
    #[derive(QueryableByName)]
    struct Held {
        #[diesel(sql_type = Bool)]
        held: bool,
    }
    // A 64-bit advisory key shows in pg_locks as its high and low 32 bits.
    let held: Held = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted \
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
           AND classid = $1::oid AND objid = $2::oid AND objsubid = 1) AS held",
    )
    .bind::<BigInt, _>(RUN_LOCK >> 32)
    .bind::<BigInt, _>(RUN_LOCK & 0xffff_ffff)
    .get_result(conn)
    .await?;
    Ok(held.held)
}

/// The dumps in the directory, newest first (their names sort by time).
pub async fn list(directory: &Path) -> Result<Vec<BackupFile>, String> {
    let mut entries = match tokio::fs::read_dir(directory).await {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(error) => return Err(format!("reading {}: {error}", directory.display())),
    };
    let mut files = vec![];
    while let Some(entry) = entries.next_entry().await.map_err(|e| e.to_string())? {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if !(name.starts_with(DUMP_PREFIX) && name.ends_with(DUMP_SUFFIX)) {
            continue;
        }
        let Ok(metadata) = entry.metadata().await else { continue };
        let modified = metadata.modified().map(DateTime::<Utc>::from).unwrap_or_default();
        let has_checksum = tokio::fs::try_exists(directory.join(format!("{name}.sha256"))).await.unwrap_or(false);
        files.push(BackupFile { name, bytes: metadata.len(), modified, has_checksum });
    }
    files.sort_by(|a, b| b.name.cmp(&a.name));
    Ok(files)
}

/// Checks a dump against its `.sha256` file; returns the checksum.
pub async fn verify(path: &Path) -> Result<String, String> {
    let name = path.file_name().and_then(|n| n.to_str()).ok_or("not a file name")?;
    let expected = tokio::fs::read_to_string(path.with_file_name(format!("{name}.sha256")))
        .await
        .map_err(|e| format!("reading the checksum of {name}: {e}"))?;
    let expected = expected.split_whitespace().next().unwrap_or_default().to_owned();
    let (actual, _) = digest(path).await?;
    if actual != expected {
        return Err(format!("{name} does not match its checksum (damaged or changed since it was written)"));
    }
    Ok(actual)
}

/// Removes the oldest dumps beyond `keep`, with their checksum and manifest.
async fn prune(settings: &BackupSettings) {
    let Ok(files) = list(&settings.directory).await else { return };
    for file in files.iter().skip(settings.keep.max(1) as usize) {
        for name in [file.name.clone(), format!("{}.sha256", file.name), format!("{}.manifest.json", file.name)] {
            if let Err(error) = tokio::fs::remove_file(settings.directory.join(&name)).await
                && error.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(file = name, %error, "removing an old backup");
            }
        }
    }
}

/// Every table of the database's own schemas (not the extensions' tables) with its rows and
/// checksum, read in the current transaction.
async fn manifest(conn: &mut AsyncPgConnection) -> Result<Vec<TableCheck>, Failure> {
    let names: Vec<TableName> = diesel::sql_query(
        "SELECT n.nspname || '.' || c.relname AS name FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'r' AND c.relpersistence = 'p' \
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                           AND d.objid = c.oid AND d.deptype = 'e') \
         ORDER BY 1",
    )
    .load(conn)
    .await?;
    let mut tables = Vec::with_capacity(names.len());
    for TableName { name } in names {
        let check = checksum(conn, &name).await?;
        tables.push(TableCheck {
            table: name,
            rows: check.rows,
            checksum: check.checksum,
            restored_rows: None,
            restored_checksum: None,
            live_rows: None,
        });
    }
    Ok(tables)
}

/// A table's rows and order-free checksum (the `backup_table_check` function of migration
/// 000029: the table is a bound `regclass`).
async fn checksum(conn: &mut AsyncPgConnection, table: &str) -> QueryResult<Checksum> {
    diesel::sql_query("SELECT rows, checksum FROM backup_table_check($1::regclass)")
        .bind::<Text, _>(quoted(table))
        .get_result(conn)
        .await
}

/// `schema.table` as a quoted identifier: bound as a `regclass` value, and the name of a
/// database to create or drop (checked by [`is_plain_name`]; DDL cannot bind a name).
fn quoted(table: &str) -> String {
    table.split('.').map(|part| format!("\"{}\"", part.replace('"', "\"\""))).collect::<Vec<_>>().join(".")
}

/// Rows read as text the same way on both sides of a restore.
async fn deterministic_text(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    conn.batch_execute(
        "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; \
         SET extra_float_digits = 1; SET bytea_output = 'hex'",
    )
    .await
}

fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

async fn create_database(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<()> {
    debug_assert!(is_plain_name(name));
    diesel::sql_query(format!("CREATE DATABASE {}", quoted(name))).execute(conn).await.map(|_| ())
}

async fn drop_database(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<()> {
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quoted(name))).execute(conn).await.map(|_| ())
}

async fn connect(url: &SecretString, database: Option<&str>) -> Result<AsyncPgConnection, AppError> {
    let url = match database {
        Some(database) => Target::of(url, Some(database)).map_err(|_| AppError::Internal)?.url_with_password(url),
        None => url.expose_secret().to_owned(),
    };
    AsyncPgConnection::establish(&url).await.map_err(|error| {
        tracing::error!(%error, "connecting for a backup run");
        AppError::Internal
    })
}

/// The database a tool connects to: the URL without its password (that goes in
/// `PGPASSWORD`, which other users cannot read, unlike a command line).
struct Target {
    url: url::Url,
    password: Option<String>,
    database: String,
}

impl Target {
    fn of(url: &SecretString, database: Option<&str>) -> Result<Self, String> {
        let mut url = url::Url::parse(url.expose_secret()).map_err(|e| format!("the database URL: {e}"))?;
        let password = url.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned());
        let _ = url.set_password(None);
        if let Some(database) = database {
            url.set_path(&format!("/{database}"));
        }
        let database =
            percent_encoding::percent_decode_str(url.path().trim_start_matches('/')).decode_utf8_lossy().into_owned();
        Ok(Self { url, password, database })
    }

    fn url_with_password(&self, original: &SecretString) -> String {
        let mut url = self.url.clone();
        if let Ok(with) = url::Url::parse(original.expose_secret()) {
            let _ = url.set_password(with.password());
        }
        url.to_string()
    }

    fn command(&self, tool: &Path) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(tool);
        command.arg("--no-password").arg(format!("--dbname={}", self.url));
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        command
    }
}

fn spawn(mut command: tokio::process::Command) -> Result<tokio::process::Child, String> {
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).kill_on_drop(true);
    command.spawn().map_err(|e| format!("starting {:?}: {e}", command.as_std().get_program()))
}

fn last_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join(" / ")
}

/// `pg_dump` and `pg_restore` of the server's major version (older tools refuse a newer
/// server's dump).
struct Tools {
    pg_dump: PathBuf,
    pg_restore: PathBuf,
}

impl Tools {
    async fn find(conn: &mut AsyncPgConnection, configured: Option<&Path>) -> Result<Self, String> {
        let version: Version = diesel::sql_query("SELECT current_setting('server_version_num')::int / 10000 AS major")
            .get_result(conn)
            .await
            .map_err(|e| e.to_string())?;
        let mut candidates: Vec<PathBuf> = configured.map(Path::to_path_buf).into_iter().collect();
        candidates.push(PathBuf::from(format!("/usr/lib/postgresql/{}/bin", version.major)));
        candidates.extend(
            std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default(),
        );
        let dir = candidates
            .into_iter()
            .find(|dir| dir.join("pg_dump").is_file() && dir.join("pg_restore").is_file())
            .ok_or_else(|| {
                format!(
                    "pg_dump and pg_restore (PostgreSQL {}) not found: install postgresql-client-{} or set TONGGUAN_PG_BIN",
                    version.major, version.major
                )
            })?;
        Ok(Self { pg_dump: dir.join("pg_dump"), pg_restore: dir.join("pg_restore") })
    }
}

/// SHA-256 and size of a file, read in a blocking thread.
async fn digest(path: &Path) -> Result<(String, u64), String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let mut hasher = Sha256::new();
        let bytes = std::io::copy(&mut file, &mut hasher).map_err(|e| format!("reading {}: {e}", path.display()))?;
        Ok((hex::encode(hasher.finalize()), bytes))
    })
    .await
    .map_err(|e| e.to_string())?
}

async fn write(path: &Path, contents: &[u8]) -> Result<(), String> {
    tokio::fs::write(path, contents).await.map_err(|e| format!("writing {}: {e}", path.display()))
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

#[derive(QueryableByName)]
struct Snapshot {
    #[diesel(sql_type = Text)]
    id: String,
}

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Checksum {
    #[diesel(sql_type = BigInt)]
    rows: i64,
    #[diesel(sql_type = Text)]
    checksum: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Integer)]
    major: i32,
}

pub(super) mod models {
    use chrono::{DateTime, Utc};
    use diesel::prelude::*;

    use crate::operations::{BackupRun, RunKind, RunOutcome, Trigger};
    use crate::schema::backup_runs;

    #[derive(Queryable, Selectable)]
    #[diesel(table_name = backup_runs)]
    pub struct Row {
        pub id: i64,
        pub kind: String,
        pub trigger: String,
        pub actor_name: String,
        pub started_at: DateTime<Utc>,
        pub finished_at: Option<DateTime<Utc>>,
        pub outcome: Option<String>,
        pub file: String,
        pub bytes: Option<i64>,
        pub sha256: String,
        pub tables: serde_json::Value,
        pub error: String,
    }

    impl From<Row> for BackupRun {
        fn from(row: Row) -> Self {
            BackupRun {
                id: row.id,
                // The table's CHECK constraints admit only these codes.
                kind: RunKind::parse(&row.kind).unwrap_or(RunKind::Backup),
                trigger: Trigger::parse(&row.trigger).unwrap_or(Trigger::Command),
                actor_name: row.actor_name,
                started_at: row.started_at,
                finished_at: row.finished_at,
                outcome: row.outcome.as_deref().and_then(RunOutcome::parse),
                file: row.file,
                bytes: row.bytes,
                sha256: row.sha256,
                tables: serde_json::from_value(row.tables).unwrap_or_default(),
                error: row.error,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_the_tools_see() {
        let url = SecretString::from("postgres://tg:p%40ss@db.example:5433/tongguan?sslmode=require");
        let target = Target::of(&url, None).expect("parses");
        assert_eq!(target.url.as_str(), "postgres://tg@db.example:5433/tongguan?sslmode=require");
        assert_eq!(target.password.as_deref(), Some("p@ss"));
        assert_eq!(target.database, "tongguan");
        let scratch = Target::of(&url, Some("tongguan_drill_1")).expect("parses");
        assert_eq!(scratch.url.path(), "/tongguan_drill_1");
        assert_eq!(
            scratch.url_with_password(&url),
            "postgres://tg:p%40ss@db.example:5433/tongguan_drill_1?sslmode=require"
        );
    }

    #[test]
    fn only_plain_names_are_databases_to_restore_into() {
        assert!(is_plain_name("tongguan_restore_20261130"));
        for bad in ["", "Tongguan", "1abc", "a-b", "a;DROP", &"a".repeat(64)] {
            assert!(!is_plain_name(bad), "{bad}");
        }
        assert_eq!(quoted("reg.party_members"), "\"reg\".\"party_members\"");
        assert_eq!(quoted("we\"ird"), "\"we\"\"ird\"");
    }
}

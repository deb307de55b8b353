//! The embedded default database: when no `DATABASE_URL` is given, Tongguan runs its own
//! PostgreSQL cluster from the system's binaries under the data directory, creates it on
//! first start and stops it on shutdown — on every way out: dropping the handle stops the
//! cluster too, so an error between start and serve (a taken port) leaves none running.
//!
//! PostgreSQL refuses to run as root; these machines run everything as root, so the
//! cluster then runs as the unprivileged `postgres` system user (created by Debian's
//! packages), or `tongguan` if that does not exist.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};

use crate::config::DatabaseConfig;

pub struct EmbeddedPostgres {
    bin: PathBuf,
    pgdata: PathBuf,
    port: u16,
    run_as: Option<nix::unistd::User>,
    /// Set once `start` has the cluster running (started, or found running and adopted);
    /// cleared by `stop` and `keep_running`. Dropping the handle stops a cluster it owns.
    owned: AtomicBool,
}

const DATABASE: &str = "tongguan";

/// Finds `pg_ctl` and `initdb`: the configured directory, then PATH, then the newest
/// version under /usr/lib/postgresql.
fn find_binaries(configured: Option<&Path>) -> anyhow::Result<PathBuf> {
    let has_tools = |dir: &Path| dir.join("pg_ctl").is_file() && dir.join("initdb").is_file();
    if let Some(dir) = configured {
        if has_tools(dir) {
            return Ok(dir.to_path_buf());
        }
        bail!("TONGGUAN_PG_BIN={} has no pg_ctl and initdb", dir.display());
    }
    let mut candidates: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
                .collect()
        })
        .unwrap_or_default();
    versioned.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    candidates.extend(versioned.into_iter().map(|(_, dir)| dir));
    candidates.into_iter().find(|dir| has_tools(dir)).with_context(|| {
        "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them, e.g. on Debian: \
         `apt-get install postgresql postgresql-15-postgis-3` (PostGIS matching the server's major \
         version), or set DATABASE_URL to an existing server, or TONGGUAN_PG_BIN to their directory."
    })
}

fn unprivileged_user() -> anyhow::Result<Option<nix::unistd::User>> {
    if !nix::unistd::Uid::effective().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "tongguan"] {
        if let Some(user) = nix::unistd::User::from_name(name)? {
            return Ok(Some(user));
        }
    }
    let status = Command::new("useradd")
        .args(["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "tongguan"])
        .status()
        .context("running useradd to create the unprivileged `tongguan` user for PostgreSQL")?;
    if !status.success() {
        bail!("useradd tongguan failed; create an unprivileged user for PostgreSQL");
    }
    nix::unistd::User::from_name("tongguan")?.map(Some).context("user tongguan missing after useradd")
}

impl EmbeddedPostgres {
    pub fn new(config: &DatabaseConfig) -> anyhow::Result<Self> {
        let data_dir = std::path::absolute(&config.data_dir)?;
        Ok(Self {
            bin: find_binaries(config.pg_bin.as_deref())?,
            pgdata: data_dir.join("pg"),
            port: config.embedded_port,
            run_as: unprivileged_user()?,
            owned: AtomicBool::new(false),
        })
    }

    /// The cluster's data directory (`<data dir>/pg`).
    pub fn data_directory(&self) -> &Path {
        &self.pgdata
    }

    /// The cluster listens on a Unix socket inside its own directory only: no TCP port that
    /// another cluster (or a second checkout's tests) could already hold, and nothing
    /// reachable from the network.
    pub fn url(&self) -> String {
        self.url_for(DATABASE)
    }

    fn admin_url(&self) -> String {
        self.url_for("postgres")
    }

    fn url_for(&self, database: &str) -> String {
        format!("postgres://postgres@localhost:{}/{database}?host={}", self.port, self.pgdata.display())
    }

    fn command(&self, tool: &str) -> Command {
        let mut command = Command::new(self.bin.join(tool));
        if let Some(user) = &self.run_as {
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        // The cluster's own files only: it must not inherit a client's PG* settings.
        command.env_remove("PGDATA").env_remove("PGPORT").env_remove("PGHOST");
        command
    }

    fn run(&self, mut command: Command, what: &str) -> anyhow::Result<()> {
        let output = command.stdin(Stdio::null()).output().with_context(|| format!("starting {what}"))?;
        if !output.status.success() {
            bail!(
                "{what} failed ({}):\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }

    fn prepare_directory(&self) -> anyhow::Result<()> {
        let parent = self.pgdata.parent().context("data directory has no parent")?;
        std::fs::create_dir_all(parent)?;
        if let Some(user) = &self.run_as {
            // Every directory above must be enterable by the cluster's user, or PostgreSQL
            // cannot reach its own files: say so instead of failing obscurely.
            for ancestor in parent.ancestors().skip(1) {
                let mode = std::fs::metadata(ancestor)?.permissions().mode();
                if mode & 0o001 == 0 {
                    bail!(
                        "{} is not enterable by the unprivileged user `{}` that runs PostgreSQL (mode {:o}); \
                         choose a data directory elsewhere, e.g. TONGGUAN_DATA_DIR=/var/lib/tongguan",
                        ancestor.display(),
                        user.name,
                        mode & 0o777
                    );
                }
            }
            // The parent must be traversable by the cluster's user; the cluster directory is its own.
            let mut permissions = std::fs::metadata(parent)?.permissions();
            permissions.set_mode(permissions.mode() | 0o711);
            std::fs::set_permissions(parent, permissions)?;
            if !self.pgdata.exists() {
                std::fs::create_dir(&self.pgdata)?;
            }
            nix::unistd::chown(&self.pgdata, Some(user.uid), Some(user.gid))?;
            std::fs::set_permissions(&self.pgdata, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }

    /// Creates the cluster if needed, starts it and makes sure our database exists.
    pub async fn start(&self) -> anyhow::Result<String> {
        self.prepare_directory()?;
        if !self.pgdata.join("PG_VERSION").exists() {
            tracing::info!(dir = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
            let mut initdb = self.command("initdb");
            initdb.arg("-D").arg(&self.pgdata).args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            ]);
            self.run(initdb, "initdb")?;
        }
        // From here on the cluster is ours to stop, whatever fails next.
        self.owned.store(true, Ordering::SeqCst);
        if !self.is_running() {
            let log = self.pgdata.join("server.log");
            let mut start = self.command("pg_ctl");
            start
                .arg("-D")
                .arg(&self.pgdata)
                .arg("-l")
                .arg(&log)
                .arg("-o")
                .arg(format!("-p {} -c listen_addresses= -k {}", self.port, self.pgdata.display()))
                .args(["-w", "-t", "60", "start"]);
            self.run(start, "pg_ctl start").with_context(|| format!("see {}", log.display()))?;
            tracing::info!(port = self.port, "embedded PostgreSQL started");
        }
        self.ensure_database().await?;
        Ok(self.url())
    }

    /// Whether the cluster's postmaster is running.
    pub fn is_running(&self) -> bool {
        let mut status = self.command("pg_ctl");
        status.arg("-D").arg(&self.pgdata).arg("status").stdout(Stdio::null()).stderr(Stdio::null());
        status.status().is_ok_and(|s| s.success())
    }

    async fn ensure_database(&self) -> anyhow::Result<()> {
        use diesel::prelude::*;
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        let mut conn = AsyncPgConnection::establish(&self.admin_url()).await?;
        #[derive(QueryableByName)]
        struct Exists {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            exists: bool,
        }
        let found: Exists = diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(DATABASE)
            .get_result(&mut conn)
            .await?;
        if !found.exists {
            diesel::sql_query(format!("CREATE DATABASE {DATABASE}")).execute(&mut conn).await?;
        }
        Ok(())
    }

    /// Stops the cluster now (fast shutdown: open sessions are ended, their transactions
    /// rolled back). Dropping the handle afterwards does nothing more.
    pub fn stop(&self) {
        self.owned.store(false, Ordering::SeqCst);
        let mut stop = self.command("pg_ctl");
        stop.arg("-D").arg(&self.pgdata).args(["-m", "fast", "-w", "stop"]);
        match self.run(stop, "pg_ctl stop") {
            Ok(()) => tracing::info!("embedded PostgreSQL stopped"),
            Err(error) => tracing::warn!(%error, "could not stop the embedded PostgreSQL"),
        }
    }

    /// Leaves the cluster running after this handle is gone: the test harness shares one
    /// cluster between test processes, each of which ends on its own.
    pub fn keep_running(self) {
        self.owned.store(false, Ordering::SeqCst);
    }
}

impl Drop for EmbeddedPostgres {
    /// Stops a cluster this handle started (or adopted) and has not stopped yet. Synchronous:
    /// `pg_ctl stop -w` waits for the postmaster to exit, so nothing is left behind when the
    /// process ends right after.
    fn drop(&mut self) {
        if self.owned.swap(false, Ordering::SeqCst) && self.is_running() {
            self.stop();
        }
    }
}

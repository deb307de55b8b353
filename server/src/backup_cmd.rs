//! `tongguan backup …`: back up now, list the backups, restore one into a new database, and
//! run a restore drill (R-backup). Each prints what it did; a failed run exits non-zero.

use std::path::PathBuf;

use clap::Subcommand;
use shared::operations::backup::{self, BackupSettings};
use shared::operations::{BackupRun, RunKind, RunOutcome, Trigger};

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Back up the database now (pg_dump, custom format) into TONGGUAN_BACKUP_DIR, with its
    /// SHA-256 and a manifest of every table's rows and checksum.
    Now,
    /// The backups in the directory, newest first, and the last runs.
    List,
    /// Restore a backup into a new database (checked against its SHA-256 first). An existing
    /// database, the live one above all, is replaced only with --force.
    Restore {
        /// The dump (a file name in the backup directory, or a path).
        file: PathBuf,
        /// The database to restore into (default: tongguan_restore_<time>).
        #[arg(long)]
        into: Option<String>,
        /// Replace the database if it exists. Stop the servers first if it is the live one.
        #[arg(long)]
        force: bool,
    },
    /// Restore the newest backup into a scratch database, compare every table with the
    /// manifest taken when it was made, record the result and drop the scratch database.
    Drill,
}

pub async fn run(url: &str, settings: &BackupSettings, command: BackupCommand) -> anyhow::Result<()> {
    match command {
        BackupCommand::Now => report(execute(settings, RunKind::Backup).await?),
        BackupCommand::Drill => report(execute(settings, RunKind::Drill).await?),
        BackupCommand::List => list(url, settings).await,
        BackupCommand::Restore { file, into, force } => {
            let path = if file.components().count() == 1 { settings.directory.join(&file) } else { file };
            let database =
                backup::restore(settings, &path, into.as_deref(), force).await.map_err(anyhow::Error::msg)?;
            println!("restored {} into the database {database}", path.display());
            Ok(())
        }
    }
}

async fn execute(settings: &BackupSettings, kind: RunKind) -> anyhow::Result<BackupRun> {
    let run = backup::begin(settings, kind, Trigger::Command, "command line")
        .await
        .map_err(|error| anyhow::anyhow!("{}", crate::cli::message(&error)))?;
    run.finish().await.map_err(|error| anyhow::anyhow!("{error:?}"))
}

fn report(run: BackupRun) -> anyhow::Result<()> {
    let took = run.finished_at.map(|end| (end - run.started_at).num_milliseconds() as f64 / 1000.0).unwrap_or(0.0);
    match run.kind {
        RunKind::Backup => println!(
            "backup {}: {} ({} bytes, sha256 {}), {} tables, {took:.1} s",
            run.outcome.map_or("running", |o| o.as_str()),
            run.file,
            run.bytes.unwrap_or(0),
            run.sha256,
            run.tables.len()
        ),
        RunKind::Drill => {
            println!("restore drill of {}: {took:.1} s", run.file);
            println!("{:<48} {:>12} {:>12} {:>12}  ok", "table", "backup", "restored", "live");
            for table in &run.tables {
                let show = |n: Option<i64>| n.map_or("-".to_owned(), |n| n.to_string());
                println!(
                    "{:<48} {:>12} {:>12} {:>12}  {}",
                    table.table,
                    table.rows,
                    show(table.restored_rows),
                    show(table.live_rows),
                    if table.restored_intact() { "yes" } else { "NO" }
                );
            }
        }
    }
    if run.outcome == Some(RunOutcome::Ok) {
        println!("{}: passed", run.kind.as_str());
        Ok(())
    } else {
        anyhow::bail!("{} failed: {}", run.kind.as_str(), run.error)
    }
}

async fn list(url: &str, settings: &BackupSettings) -> anyhow::Result<()> {
    println!("backups in {}:", settings.directory.display());
    let files = backup::list(&settings.directory).await.map_err(anyhow::Error::msg)?;
    if files.is_empty() {
        println!("  (none)");
    }
    for file in files {
        let local = shared::time::local(file.modified).format("%Y-%m-%d %H:%M:%S");
        let checksum = if file.has_checksum { "" } else { "  (no checksum file)" };
        println!("  {}  {local}  {} bytes{checksum}", file.name, file.bytes);
    }
    let pool = shared::db::pool(url, 1).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    println!("last runs:");
    for run in shared::operations::service::runs(&mut conn, 10).await.map_err(|e| anyhow::anyhow!("{e:?}"))? {
        let local = shared::time::local(run.started_at).format("%Y-%m-%d %H:%M:%S");
        let outcome = run.outcome.map_or("running", |o| o.as_str());
        println!(
            "  {local}  {:<6} {:<9} {:<11} {} {}",
            run.kind.as_str(),
            run.trigger.as_str(),
            outcome,
            run.file,
            run.error
        );
    }
    Ok(())
}

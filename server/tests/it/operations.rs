//! Operations (9.2.2, R-backup) against the real PostgreSQL and its real `pg_dump` and
//! `pg_restore`: a backup with its checksum and manifest, one run at a time, a restore drill
//! that proves every table came back, a damaged dump caught, restores that never replace a
//! database unless forced, old dumps pruned, and the operations page's readings.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use secrecy::SecretString;
use shared::error::{AppError, ErrorCode};
use shared::operations::backup::{self, BackupSettings};
use shared::operations::service::{JobState, OperationsSettings, overview, record_jobs};
use shared::operations::{Finding, Health, Job, RunKind, RunOutcome, Trigger};

use crate::harness::TestDb;

fn settings(db: &TestDb, directory: &std::path::Path) -> BackupSettings {
    BackupSettings {
        directory: directory.to_path_buf(),
        interval_hours: 24,
        drill_interval_hours: 168,
        keep: 2,
        database_url: SecretString::from(db.url()),
        pg_bin: std::env::var("TONGGUAN_PG_BIN").ok().map(Into::into),
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let mut conn = db.conn().await;
    diesel::sql_query(sql).get_result::<Count>(&mut conn).await.expect(sql).n
}

async fn run(settings: &BackupSettings, kind: RunKind) -> shared::operations::BackupRun {
    backup::begin(settings, kind, Trigger::Command, "test").await.expect("begin").finish().await.expect("finish")
}

#[tokio::test]
async fn a_backup_is_checksummed_and_a_drill_restores_every_table_as_it_was() {
    let db = TestDb::new().await;
    let directory = tempfile::tempdir().expect("temp dir");
    let settings = settings(&db, directory.path());

    let made = run(&settings, RunKind::Backup).await;
    assert_eq!(made.outcome, Some(RunOutcome::Ok), "{}", made.error);
    let dump = directory.path().join(&made.file);
    assert!(dump.is_file() && made.bytes.unwrap_or(0) > 0);
    let sidecar = std::fs::read_to_string(directory.path().join(format!("{}.sha256", made.file))).expect("checksum");
    assert_eq!(sidecar, format!("{}  {}\n", made.sha256, made.file), "sha256sum -c reads it");
    // The manifest holds every table of ours, with the rows the snapshot held.
    let events = made.tables.iter().find(|t| t.table == "public.events").expect("events");
    assert_eq!(events.rows, count(&db, "SELECT count(*) AS n FROM events").await);
    for table in ["public.audit_log", "public.users", "reg.party_members", "public.__diesel_schema_migrations"] {
        assert!(made.tables.iter().any(|t| t.table == table), "{table} in the manifest");
    }
    assert!(!made.tables.iter().any(|t| t.table.ends_with("spatial_ref_sys")), "PostGIS's own table is not ours");

    // One run at a time, across processes: the second is refused while the first holds the lock.
    let holding = backup::begin(&settings, RunKind::Backup, Trigger::Page, "a").await.expect("first");
    match backup::begin(&settings, RunKind::Drill, Trigger::Page, "b").await {
        Err(AppError::Conflict(ErrorCode::BackupBusy)) => {}
        other => panic!("expected backup.busy, got {:?}", other.map(|run| run.id())),
    }
    let second = holding.finish().await.expect("second backup");
    assert_eq!(second.outcome, Some(RunOutcome::Ok));

    // The live database moves on; the drill compares with the snapshot, not with it.
    {
        let mut conn = db.conn().await;
        crate::audit::tamper(
            &mut conn,
            "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1)",
        )
        .await;
    }
    let drill = run(&settings, RunKind::Drill).await;
    assert_eq!(drill.outcome, Some(RunOutcome::Ok), "{}", drill.error);
    assert_eq!(drill.file, second.file, "the newest backup");
    assert_eq!(drill.tables.len(), second.tables.len());
    assert!(drill.tables.iter().all(|t| t.restored_intact()), "every table restored as it was");
    let audit = drill.tables.iter().find(|t| t.table == "public.audit_log").expect("audit log");
    assert_eq!(audit.live_rows, Some(audit.rows - 1), "the live count is shown beside it");
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM pg_database WHERE datname LIKE 'tongguan_drill_%'").await,
        0,
        "the scratch database is dropped"
    );

    // Keep 2: a third backup removes the oldest with its checksum and manifest.
    let third = run(&settings, RunKind::Backup).await;
    let files = backup::list(directory.path()).await.expect("list");
    assert_eq!(files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), [third.file.as_str(), second.file.as_str()]);
    assert!(!directory.path().join(format!("{}.sha256", made.file)).exists());
    assert!(!directory.path().join(format!("{}.manifest.json", made.file)).exists());

    // A damaged dump fails the drill, and the page says so.
    let newest = directory.path().join(&third.file);
    let mut bytes = std::fs::read(&newest).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&newest, bytes).expect("damage");
    let failed = run(&settings, RunKind::Drill).await;
    assert_eq!(failed.outcome, Some(RunOutcome::Failed));
    assert!(failed.error.contains("does not match its checksum"), "{}", failed.error);
    let admin = db.user("sysadmin").await;
    let operations = OperationsSettings { backups: Some(settings.clone()), ..Default::default() };
    let mut conn = db.conn().await;
    let seen = overview(&mut conn, &admin, &operations).await.expect("overview");
    assert!(seen.findings.contains(&Finding::DrillFailed), "{:?}", seen.findings);
    assert_eq!(seen.health, Health::Alert);
    assert_eq!(seen.backups.last_backup.as_ref().map(|r| r.id), Some(third.id));
    assert_eq!(seen.backups.files.len(), 2);
    db.finish().await;
}

#[tokio::test]
async fn a_restore_goes_into_a_new_database_and_replaces_one_only_when_forced() {
    let db = TestDb::new().await;
    let directory = tempfile::tempdir().expect("temp dir");
    let settings = settings(&db, directory.path());
    let made = run(&settings, RunKind::Backup).await;
    let dump = directory.path().join(&made.file);

    let live = backup::restore(&settings, &dump, Some(&db.name), false).await.expect_err("never over the live one");
    assert!(live.contains("the live database") && live.contains("--force"), "{live}");
    let bad = backup::restore(&settings, &dump, Some("x; DROP TABLE users"), false).await.expect_err("not a name");
    assert!(bad.contains("not a database name"), "{bad}");

    let restored = backup::restore(&settings, &dump, None, false).await.expect("restored");
    assert!(restored.starts_with("tongguan_restore_"));
    let users = count(&db, "SELECT count(*) AS n FROM users").await;
    let url = db.url().replace(&format!("/{}?", db.name), &format!("/{restored}?"));
    let mut copy = <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(&url)
        .await
        .expect("connect to the restored copy");
    let copied: Count =
        diesel::sql_query("SELECT count(*) AS n FROM users").get_result(&mut copy).await.expect("users");
    assert_eq!(copied.n, users);
    drop(copy);
    let again = backup::restore(&settings, &dump, Some(&restored), false).await.expect_err("exists");
    assert!(again.contains("an existing database"), "{again}");
    backup::restore(&settings, &dump, Some(&restored), true).await.expect("forced");

    let mut conn = db.conn().await;
    diesel::sql_query(format!("DROP DATABASE {restored} WITH (FORCE)")).execute(&mut conn).await.expect("drop copy");
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn the_operations_page_reads_health_jobs_and_interrupted_runs_for_the_system_administrator() {
    let db = TestDb::new().await;
    let directory = tempfile::tempdir().expect("temp dir");
    let settings = settings(&db, directory.path());
    let operations = OperationsSettings {
        backups: Some(settings.clone()),
        disks: vec![("backups".into(), directory.path().join("not-made-yet"))],
        started_at: Some(chrono::Utc::now()),
    };
    let mut conn = db.conn().await;
    let staff = db.user("staff").await;
    assert!(matches!(overview(&mut conn, &staff, &operations).await, Err(AppError::Forbidden)));
    let auditor = db.user("auditor").await;
    assert!(matches!(overview(&mut conn, &auditor, &operations).await, Err(AppError::Forbidden)));

    let admin = db.user("sysadmin").await;
    let fresh = overview(&mut conn, &admin, &operations).await.expect("overview");
    assert!(fresh.findings.contains(&Finding::BackupMissing) && fresh.findings.contains(&Finding::DrillMissing));
    assert_eq!(fresh.health, Health::Alert);
    assert!(fresh.database.size_bytes > 0 && fresh.database.connections >= 1);
    assert!(fresh.database.largest.len() >= 5);
    let disk = &fresh.disks[0];
    assert!(disk.total_bytes > 0 && disk.free_bytes <= disk.total_bytes, "the nearest existing parent's disk");
    assert!(fresh.jobs.iter().all(|job| job.last_run_at.is_none()), "no job has run yet");

    // A job failing three times in a row needs a person; one that recovers does not.
    let now = chrono::Utc::now();
    let state = |job, failures: i32| JobState {
        job,
        last_run_at: now,
        last_success_at: (failures == 0).then_some(now),
        last_failure_at: (failures > 0).then_some(now),
        last_error: if failures > 0 { "connection refused".into() } else { String::new() },
        failures_in_a_row: failures,
    };
    record_jobs(&mut conn, &[state(Job::Supervision, 3), state(Job::ExchangeDelivery, 0)]).await.expect("record");
    let seen = overview(&mut conn, &admin, &operations).await.expect("overview");
    let supervision = seen.jobs.iter().find(|j| j.job == Job::Supervision).expect("supervision");
    assert_eq!((supervision.health, supervision.failures_in_a_row), (Health::Alert, 3));
    assert_eq!(supervision.last_error, "connection refused");
    assert!(seen.findings.contains(&Finding::JobFailing));
    record_jobs(&mut conn, &[state(Job::Supervision, 0)]).await.expect("recovered");
    let seen = overview(&mut conn, &admin, &operations).await.expect("overview");
    let supervision = seen.jobs.iter().find(|j| j.job == Job::Supervision).expect("supervision");
    assert_eq!(supervision.health, Health::Ok);
    assert_eq!(supervision.last_error, "connection refused", "the last error is kept for reading");
    assert!(!seen.findings.contains(&Finding::JobFailing));

    // A run whose process died (no outcome, nobody holds the lock) reads as interrupted, and
    // the next run closes it.
    diesel::sql_query("INSERT INTO backup_runs (kind, trigger) VALUES ('backup', 'schedule')")
        .execute(&mut conn)
        .await
        .expect("orphan");
    let seen = overview(&mut conn, &admin, &operations).await.expect("overview");
    assert!(seen.backups.running.is_none());
    assert_eq!(seen.backups.recent[0].outcome, Some(RunOutcome::Interrupted));
    let made = run(&settings, RunKind::Backup).await;
    assert_eq!(made.outcome, Some(RunOutcome::Ok));
    let open = count(&db, "SELECT count(*) AS n FROM backup_runs WHERE finished_at IS NULL").await;
    assert_eq!(open, 0);
    let seen = overview(&mut conn, &admin, &operations).await.expect("overview");
    assert!(!seen.findings.contains(&Finding::BackupMissing));
    assert!(seen.findings.contains(&Finding::DrillMissing));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn the_operations_endpoints_answer_each_refusal_with_its_own_status() {
    use crate::http::{FORM, get, login, router, send, server_fn_call};
    use http::StatusCode;
    let db = TestDb::new().await;
    let router = router(&db);
    let admin = login(&router, "sysadmin").await;
    let auditor = login(&router, "auditor").await;
    let (status, _, page) = send(&router, get("/admin/ops", Some(&admin))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("运行维护") && page.contains("ops-health"), "the page renders on the server");
    let (status, _, _) = send(&router, server_fn_call("/api/admin/operations", Some(&auditor), FORM, "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the auditor does not run the platform");
    let (status, _, _) =
        send(&router, server_fn_call("/api/admin/start_backup_run", Some(&auditor), FORM, "kind=backup")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) =
        send(&router, server_fn_call("/api/admin/start_backup_run", Some(&admin), FORM, "kind=everything")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not a kind of run");
    // This router's server has no backup settings: said as a conflict, nothing recorded.
    let (status, _, _) =
        send(&router, server_fn_call("/api/admin/start_backup_run", Some(&admin), FORM, "kind=backup")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM backup_runs").await, 0);
    db.finish().await;
}

//! History retention and archiving (`shared::engine::service::retention`) on a register
//! declared only here: versions past the online period move to the archive — never a
//! record's newest —, stay in its history, its "as of" and its restore; archived versions
//! past a retention an administrator set are deleted; two processes archiving at once move
//! each version once.

use chrono::{Duration, Utc};
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shared::accounts::SessionUser;
use shared::engine::declare::fields::*;
use shared::engine::declare::{Place, Register};
use shared::engine::retention::{Retention, RetentionForm};
use shared::engine::service::retention::{self, Archived};
use shared::engine::service::{self as engine};
use shared::engine::{Action, RecordForm};
use shared::permissions::DataScope;
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;

/// 巡河日志: thirty days online, kept for ever unless an administrator says otherwise.
static LOGS: Register = Register {
    fields: &[text("river", 40).required(), integer("litter", 0, 1000)],
    list: &["river", "litter"],
    place: Place::Township,
    history: Retention { online_days: 30, kept_years: None },
    ..Register::new("test", "river_logs", "test_river_logs")
};

fn registers() -> impl Iterator<Item = &'static Register> {
    std::iter::once(&LOGS)
}

fn clerk(mut user: SessionUser) -> SessionUser {
    user.scope = DataScope::Township;
    user.records = Action::FIXED.iter().map(|action| action.code(&LOGS)).collect();
    user
}

fn form(litter: i32, version: Option<i32>) -> RecordForm {
    RecordForm {
        values: [("river".to_owned(), "望虞河".to_owned()), ("litter".to_owned(), litter.to_string())].into(),
        version,
        ..RecordForm::default()
    }
}

/// A record with `versions` versions: created with litter 1, then edited to 2, 3, ….
async fn record(conn: &mut AsyncPgConnection, user: &SessionUser, versions: i32) -> i64 {
    let id = engine::create(conn, user, &LOGS, &form(1, None)).await.expect("create");
    for version in 1..versions {
        engine::update(conn, user, &LOGS, id, &form(version + 1, Some(version))).await.expect("edit");
    }
    id
}

/// Moves version `version` of record `id` (all its versions: `None`) `days` into the past.
async fn age(conn: &mut AsyncPgConnection, id: i64, version: Option<i32>, days: i64) {
    diesel::sql_query(
        "UPDATE record_history SET at = at - make_interval(days => $1::int) \
         WHERE register = 'test.river_logs' AND record_id = $2 AND ($3::int IS NULL OR version = $3)",
    )
    .bind::<diesel::sql_types::Integer, _>(i32::try_from(days).expect("days"))
    .bind::<BigInt, _>(id)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Integer>, _>(version)
    .execute(conn)
    .await
    .expect("age a version");
}

/// How many versions of record `id` each table holds: (online, archived).
async fn held(conn: &mut AsyncPgConnection, id: i64) -> (i64, i64) {
    #[derive(diesel::QueryableByName)]
    struct Held {
        #[diesel(sql_type = BigInt)]
        online: i64,
        #[diesel(sql_type = BigInt)]
        archived: i64,
    }
    let held: Held = diesel::sql_query(
        "SELECT (SELECT count(*) FROM record_history WHERE register = $1 AND record_id = $2) AS online, \
         (SELECT count(*) FROM record_history_archive WHERE register = $1 AND record_id = $2) AS archived",
    )
    .bind::<Text, _>(LOGS.key())
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .expect("count versions");
    (held.online, held.archived)
}

#[tokio::test]
async fn old_versions_are_archived_kept_readable_and_purged_after_their_retention() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    for statement in shared::engine::ddl::create_register(&LOGS) {
        diesel::sql_query(statement).execute(&mut conn).await.expect("create the register's table");
    }
    let user = clerk(db.user("staff").await);

    // Record a: versions 1 and 2 four hundred days old, 3 forty days, 4 today. Record b: one
    // version, four hundred days old — its newest, so it stays.
    let a = record(&mut conn, &user, 4).await;
    age(&mut conn, a, Some(1), 400).await;
    age(&mut conn, a, Some(2), 400).await;
    age(&mut conn, a, Some(3), 40).await;
    let b = record(&mut conn, &user, 1).await;
    age(&mut conn, b, None, 400).await;

    let now = Utc::now();
    let done = retention::archive_in(&mut conn, registers(), now).await.expect("archive");
    assert_eq!(done, Archived { moved: 3, purged: 0 });
    assert_eq!(held(&mut conn, a).await, (1, 3));
    assert_eq!(held(&mut conn, b).await, (1, 0));
    // Again: nothing more to do.
    assert_eq!(retention::archive_in(&mut conn, registers(), now).await.expect("archive"), Archived::default());

    // The history still has every version, the archived ones marked; "as of" reads them.
    let history = engine::history(&mut conn, &user, &LOGS, a).await.expect("history");
    assert_eq!(
        history.iter().map(|v| (v.version, v.archived)).collect::<Vec<_>>(),
        [(4, false), (3, true), (2, true), (1, true)]
    );
    let then =
        engine::as_of(&mut conn, &user, &LOGS, a, now - Duration::days(100)).await.expect("as of").expect("a version");
    assert_eq!(then.version, 2);
    // An archived version is restored as a new version.
    engine::restore(&mut conn, &user, &LOGS, a, 1).await.expect("restore an archived version");
    let restored = engine::get(&mut conn, &user, &LOGS, a).await.expect("get");
    assert_eq!(
        (restored.version, restored.values.get("litter").cloned()),
        (5, Some(shared::engine::Value::Integer(1)))
    );

    // An administrator keeps the history one year: the two versions past it are deleted, the
    // one of forty days and the record's newest stay; record b keeps its only version.
    assert_eq!(
        retention::configure(
            &mut conn,
            &user,
            &LOGS,
            &RetentionForm { online_days: "30".into(), kept_years: "0".into() }
        )
        .await,
        Err(AppError::Validation(vec![FieldError::new("kept_years", ErrorCode::RetentionKeptRange)]))
    );
    let mut reader = user.clone();
    reader.records.remove(&Action::Configure.code(&LOGS));
    assert_eq!(
        retention::configure(
            &mut conn,
            &reader,
            &LOGS,
            &RetentionForm { online_days: "30".into(), kept_years: "1".into() }
        )
        .await,
        Err(AppError::Forbidden)
    );
    let set = retention::configure(
        &mut conn,
        &user,
        &LOGS,
        &RetentionForm { online_days: "30".into(), kept_years: "1".into() },
    )
    .await
    .expect("configured");
    assert_eq!(set, Retention { online_days: 30, kept_years: Some(1) });
    let settings = retention::settings(&mut conn, &user, &LOGS).await.expect("settings");
    assert_eq!((settings.declared, settings.configured), (LOGS.history, Some(set)));
    let done = retention::archive_in(&mut conn, registers(), Utc::now()).await.expect("archive");
    assert_eq!(done, Archived { moved: 0, purged: 2 });
    let history = engine::history(&mut conn, &user, &LOGS, a).await.expect("history");
    assert_eq!(history.iter().map(|v| v.version).collect::<Vec<_>>(), [5, 4, 3]);
    assert_eq!(held(&mut conn, b).await, (1, 0));

    // Two processes archiving at once move each version once.
    let c = record(&mut conn, &user, 40).await;
    age(&mut conn, c, None, 60).await;
    let mut other = db.conn().await;
    let (first, second) = tokio::join!(
        retention::archive_in(&mut conn, registers(), Utc::now()),
        retention::archive_in(&mut other, registers(), Utc::now()),
    );
    assert_eq!(first.expect("first").moved + second.expect("second").moved, 39);
    assert_eq!(held(&mut conn, c).await, (1, 39));
    drop((conn, other));
    db.finish().await;
}

/// A record's history is read a page at a time, newest first, by version: 120 versions are
/// three pages of at most `HISTORY_PAGE`, with nothing missed or repeated.
#[tokio::test]
async fn a_long_history_is_read_a_page_at_a_time() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    for statement in shared::engine::ddl::create_register(&LOGS) {
        diesel::sql_query(statement).execute(&mut conn).await.expect("create the register's table");
    }
    let user = clerk(db.user("staff").await);
    let id = record(&mut conn, &user, 120).await;
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = engine::history_before(&mut conn, &user, &LOGS, id, before).await.expect("a page");
        assert!(page.len() <= shared::engine::HISTORY_PAGE);
        let Some(last) = page.last() else { break };
        before = Some(last.version);
        seen.extend(page.iter().map(|version| version.version));
    }
    assert_eq!(seen, (1..=120).rev().collect::<Vec<_>>());
    let newest = engine::history(&mut conn, &user, &LOGS, id).await.expect("newest");
    assert_eq!((newest.len(), newest[0].version), (shared::engine::HISTORY_PAGE, 120));
    drop(conn);
    db.finish().await;
}

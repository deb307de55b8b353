//! The audit log is a hash chain: every change to a past record is detected.

use diesel_async::RunQueryDsl;
use shared::audit::service;

use crate::harness::TestDb;

#[tokio::test]
async fn the_chain_verifies_and_detects_edits_and_deletions() {
    let db = TestDb::new().await;
    let first = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert!(first.checked > 10, "seeding recorded the demo accounts: {first:?}");
    assert_eq!(first.broken_at, None);

    diesel::sql_query("UPDATE audit_log SET detail = 'edited' WHERE id = (SELECT min(id) + 3 FROM audit_log)")
        .execute(&mut *db.conn().await)
        .await
        .expect("tamper");
    let edited = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert_eq!(edited.broken_at, Some(first_id(&db).await + 3));

    let db2 = TestDb::new().await;
    diesel::sql_query("DELETE FROM audit_log WHERE id = (SELECT min(id) + 5 FROM audit_log)")
        .execute(&mut *db2.conn().await)
        .await
        .expect("delete");
    let deleted = service::verify_chain(&mut *db2.conn().await).await.expect("verify");
    assert_eq!(deleted.broken_at, Some(first_id(&db2).await + 6));
    db.finish().await;
    db2.finish().await;
}

async fn first_id(db: &TestDb) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Min {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query("SELECT min(id) AS id FROM audit_log")
        .get_result::<Min>(&mut *db.conn().await)
        .await
        .expect("min")
        .id
}

#[tokio::test]
async fn checkpoints_catch_the_newest_records_deleted_and_the_walk_is_bounded() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    assert!(service::checkpoint(&mut conn).await.expect("checkpoint"), "the tail is written");
    assert!(!service::checkpoint(&mut conn).await.expect("again"), "once per record");
    // More records than one batch of the walk, appended after the checkpoint.
    let targets: Vec<String> = (0..12_000).map(|n| format!("t{n}")).collect();
    service::record_many(&mut conn, 1, None, "test", "test.bulk", &targets, "").await.expect("append");
    service::checkpoint(&mut conn).await.expect("second checkpoint");
    let intact = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!((intact.broken_at, intact.checkpoints), (None, 2));
    assert!(intact.checked > 12_000);

    // Deleting the newest records leaves a chain that walks clean: the checkpoint catches it.
    #[derive(diesel::QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let newest =
        diesel::sql_query("SELECT max(id) AS id FROM audit_log").get_result::<Max>(&mut conn).await.expect("max").id;
    diesel::sql_query("DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)")
        .execute(&mut conn)
        .await
        .expect("delete the tail");
    let truncated = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!(truncated.broken_at, Some(newest), "the checkpointed record is missing");
    assert_eq!(truncated.checkpoints, 1);
    drop(conn);
    db.finish().await;
}

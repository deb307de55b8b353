//! The data catalogue (`service::catalogue`, R-7.3) on the demo township: every register
//! that is not a child table is a dataset with its declared owner, frequency and sharing
//! level; records are counted in the user's scope and the last change is the register's
//! newest history entry; a register the user may not view is described without its figures.

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use shared::engine::Count;
use shared::engine::service;

use crate::harness::TestDb;

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[tokio::test]
async fn every_register_is_a_dataset_with_its_figures_in_scope() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let datasets = service::catalogue(&mut conn, &leader, &translate).await.expect("catalogue");
    // Run-time registers another test made in its database are this process's too: counted apart.
    let registers: Vec<_> = shared::modules::declared().filter(|register| register.parent.is_none()).collect();
    assert_eq!(datasets.iter().filter(|dataset| dataset.module != "ledger").count(), registers.len());
    assert!(datasets.iter().all(|dataset| dataset.register != "meeting_attendance"), "a child table is its parent's");

    let members = datasets.iter().find(|d| d.module == "party" && d.register == "members").expect("members");
    assert_eq!((members.clause.as_str(), members.owner.as_str()), ("8.1", "dept.party_office"));
    assert_eq!(members.sharing, "conditional");
    assert!(members.fields.iter().any(|field| field.name == "id_number" && field.required));
    let all: N = diesel::sql_query("SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL")
        .get_result(&mut conn)
        .await
        .expect("count");
    assert_eq!(members.records, Some(Count::Exact(all.n as u64)));
    assert!(members.last_updated.is_some());
    let seals = datasets.iter().find(|d| d.register == "seals").expect("seals");
    assert_eq!(seals.sharing, "none");
    assert_eq!(seals.update_frequency, "yearly");

    // A village worker: their village's members counted; the office's registers described
    // without figures.
    let village = db.user("village").await;
    let theirs = service::catalogue(&mut conn, &village, &translate).await.expect("catalogue");
    let their_members: N =
        diesel::sql_query("SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL AND village_id = $1")
            .bind::<diesel::sql_types::Integer, _>(village.village_id.expect("a village"))
            .get_result(&mut conn)
            .await
            .expect("count");
    let members = theirs.iter().find(|d| d.register == "members").expect("members");
    assert_eq!(members.records, Some(Count::Exact(their_members.n as u64)));
    let seals = theirs.iter().find(|d| d.register == "seals").expect("seals");
    assert_eq!((seals.records, seals.last_updated), (None, None));
    drop(conn);
    db.finish().await;
}

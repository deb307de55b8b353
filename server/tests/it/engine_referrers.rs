//! What refers to a record (`shared::engine::service::referrers`), on the demo township's
//! party branches: each referring register and field counted in the user's scope, its newest
//! records named by their list columns, nothing from a register the user may not view.

use diesel::sql_types::{BigInt, Integer};
use diesel_async::RunQueryDsl;
use shared::engine::Count;
use shared::engine::service;
use shared::engine::service::REFERRERS_SHOWN;

use crate::harness::TestDb;

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[tokio::test]
async fn a_record_lists_what_refers_to_it_in_the_users_scope() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let organisations = shared::modules::register("party", "organisations").expect("declared");
    // The branch with the most members.
    let branch: N = diesel::sql_query(
        "SELECT organisation AS n FROM reg.party_members WHERE deleted_at IS NULL GROUP BY organisation ORDER BY count(*) DESC, organisation LIMIT 1",
    )
    .get_result(&mut conn)
    .await
    .expect("a branch");
    let translate = |key: &str| key.to_owned();
    let leader = db.user("leader").await;
    let groups = service::referrers(&mut conn, &leader, organisations, branch.n, &translate).await.expect("referrers");
    let members =
        groups.iter().find(|group| group.register == "members" && group.field == "organisation").expect("its members");
    let all: N =
        diesel::sql_query("SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL AND organisation = $1")
            .bind::<BigInt, _>(branch.n)
            .get_result(&mut conn)
            .await
            .expect("count");
    assert_eq!(members.count, Count::Exact(all.n as u64));
    assert_eq!(members.rows.len() as i64, all.n.min(REFERRERS_SHOWN));
    assert!(members.rows.iter().all(|row| !row.summary.is_empty()), "named by their list columns");
    assert!(!members.rows[0].summary.contains("party.organisations"), "not by the branch itself");
    assert_eq!(members.title, "reg.party.members");
    assert_eq!(
        members.list_path(branch.n).as_deref(),
        Some(format!("/m/party/members?organisation={}", branch.n).as_str())
    );
    assert!(groups.iter().all(|group| group.count != Count::Exact(0)), "no empty group");

    // A village worker counts only their village's members; a user who may not view the
    // register sees nothing of it.
    let village = db.user("village").await;
    if let Ok(theirs) = service::referrers(&mut conn, &village, organisations, branch.n, &translate).await {
        let in_village: N = diesel::sql_query(
            "SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL AND organisation = $1 AND village_id = $2",
        )
        .bind::<BigInt, _>(branch.n)
        .bind::<Integer, _>(village.village_id.expect("a village"))
        .get_result(&mut conn)
        .await
        .expect("count");
        let counted = theirs.iter().find(|g| g.register == "members").map(|g| g.count);
        assert_eq!(counted.unwrap_or(Count::Exact(0)), Count::Exact(in_village.n as u64));
    }
    let auditor = db.user("auditor").await;
    assert!(service::referrers(&mut conn, &auditor, organisations, branch.n, &translate).await.is_err());
    drop(conn);
    db.finish().await;
}

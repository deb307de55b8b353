//! The registers' declared figures (`service::counters`) on the demo township: each equals
//! the count or sum the register's rows give in the user's scope, links to the list it
//! counts, and a register the user may not view gives none.

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use shared::engine::service;

use crate::harness::TestDb;

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(conn: &mut diesel_async::AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<N>(conn).await.expect("count").n
}

#[tokio::test]
async fn the_figures_are_the_registers_counts_in_scope() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let figures = service::counters(&mut conn, &leader, &translate).await.expect("counters");
    let find = |register: &str, label: &str| {
        figures
            .iter()
            .find(|figure| figure.register == register && figure.label == label)
            .unwrap_or_else(|| panic!("{register}: {label}"))
    };

    let meetings = find("meetings", "reg.party.meetings.counter.meetings");
    let all = count(&mut conn, "SELECT count(*) AS n FROM reg.party_meetings WHERE deleted_at IS NULL").await;
    assert_eq!(meetings.value, all.to_string());
    assert_eq!(meetings.href, "/m/party/meetings");
    assert_eq!(meetings.module_title, "module.party");
    let theme_days = find("meetings", "reg.party.meetings.counter.theme_days");
    let themed = count(
        &mut conn,
        "SELECT count(*) AS n FROM reg.party_meetings WHERE deleted_at IS NULL AND kind = 'theme_day'",
    )
    .await;
    assert_eq!(theme_days.value, themed.to_string());
    assert_eq!(theme_days.href, "/m/party/meetings?kind=theme_day");
    let pending = find("requisitions", "reg.office.requisitions.counter.pending");
    let applied = count(
        &mut conn,
        "SELECT count(*) AS n FROM reg.office_requisitions WHERE deleted_at IS NULL AND state = 'applied'",
    )
    .await;
    assert_eq!(pending.value, applied.to_string());
    // An alert: supplies at or below their reorder level, flagged, opening the list lowest first.
    let low = find("supplies", "reg.office.supplies.counter.low_stock");
    let at_limit = count(
        &mut conn,
        "SELECT count(*) AS n FROM reg.office_supplies WHERE deleted_at IS NULL AND stock <= low_stock",
    )
    .await;
    assert!(at_limit > 0, "the demo has supplies running low");
    assert_eq!(low.value, at_limit.to_string());
    assert!(low.alert);
    assert_eq!(low.href, "/m/office/supplies?sort=stock&dir=asc");
    assert!(!find("supplies", "reg.office.supplies.counter.items").alert, "a count is not an alert");

    let dues = find("dues", "reg.party.dues.counter.amount");
    let sum: N = diesel::sql_query(
        "SELECT (coalesce(sum(amount), 0) * 100)::bigint AS n FROM reg.party_dues WHERE deleted_at IS NULL",
    )
    .get_result(&mut conn)
    .await
    .expect("sum");
    let value: f64 = dues.value.parse().expect("a number");
    assert_eq!((value * 100.0).round() as i64, sum.n);

    // A village worker counts their village's meetings only; nothing of registers they may not view.
    let village = db.user("village").await;
    let theirs = service::counters(&mut conn, &village, &translate).await.expect("counters");
    let their_meetings: N =
        diesel::sql_query("SELECT count(*) AS n FROM reg.party_meetings WHERE deleted_at IS NULL AND village_id = $1")
            .bind::<diesel::sql_types::Integer, _>(village.village_id.expect("a village"))
            .get_result(&mut conn)
            .await
            .expect("count");
    let figure = theirs.iter().find(|figure| figure.label == "reg.party.meetings.counter.meetings").expect("meetings");
    assert_eq!(figure.value, their_meetings.n.to_string());
    assert!(theirs.iter().all(|figure| figure.module != "office" || figure.register != "requisitions"));
    drop(conn);
    db.finish().await;
}

//! The command map's limit (issue 11, defect 11): past its limit the map's answer says how
//! many running events the filter matches in all, so the page can say what it left out;
//! what it draws are the newest.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shared::AppError;
use shared::events::service::{intake, queries, steps};
use shared::events::{Action, EventFilter, NewEvent, StepForm};

use crate::harness::TestDb;

#[derive(QueryableByName)]
struct Point {
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
    #[diesel(sql_type = Integer)]
    village_id: i32,
}

/// A point inside the n-th grid of the town.
async fn point(conn: &mut AsyncPgConnection, nth: i64) -> Point {
    diesel::sql_query(
        "SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lng, village_id \
         FROM grids ORDER BY code OFFSET $1 LIMIT 1",
    )
    .bind::<BigInt, _>(nth)
    .get_result(conn)
    .await
    .expect("a grid")
}

async fn category(conn: &mut AsyncPgConnection, code: &str) -> i32 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    diesel::sql_query("SELECT id FROM event_categories WHERE code = $1")
        .bind::<Text, _>(code)
        .get_result::<Id>(conn)
        .await
        .expect("category")
        .id
}

#[tokio::test]
async fn past_its_limit_the_map_says_how_many_it_left_out_and_draws_the_newest() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (citizen, staff) = (db.user("13800000001").await, db.user("staff").await);
    let stalls = category(&mut conn, "CG0201").await;
    // Running events already in the seeded township: the answer below the limit is all of them.
    let everything = queries::map_events(&mut conn, &staff, &EventFilter::default(), 1_000_000).await.expect("map");
    assert_eq!(everything.total, everything.events.len() as i64);
    assert_eq!(everything.left_out(), 0);

    let mut ids = Vec::new();
    let mut village = None;
    for nth in 0..6 {
        let at = point(&mut conn, nth).await;
        village.get_or_insert(at.village_id);
        let form = NewEvent {
            channel: "public".into(),
            category_id: stalls,
            priority: "normal".into(),
            title: format!("地图上限核对 {nth}"),
            description: "早市摊贩占用人行道，行人只能走机动车道".into(),
            address: "梅李路".into(),
            lat: Some(at.lat),
            lng: Some(at.lng),
            ..NewEvent::default()
        };
        ids.push(intake::report(&mut conn, &citizen, &form).await.expect("reported").id);
    }
    // One of them is no longer running: not on the map, and not counted.
    let rejected = ids.remove(0);
    let reject = StepForm { note: "重复".into(), ..StepForm::new(rejected, 1, Action::Reject) };
    steps::act(&mut conn, &staff, &reject).await.expect("rejected");

    // A limit of 3 with more running events than that: the newest 3, and the true total.
    let capped = queries::map_events(&mut conn, &staff, &EventFilter::default(), 3).await.expect("capped map");
    assert_eq!(capped.events.len(), 3);
    assert_eq!(capped.total, everything.total + 5);
    assert_eq!(capped.left_out(), everything.total + 2);
    let newest: Vec<i64> = ids.iter().rev().take(3).copied().collect();
    assert_eq!(capped.events.iter().map(|e| e.id).collect::<Vec<_>>(), newest);

    // The same count under a filter: only the five reports that match the search and still run.
    let ours = EventFilter { q: "地图上限核对".into(), ..EventFilter::default() };
    let filtered = queries::map_events(&mut conn, &staff, &ours, 3).await.expect("filtered map");
    assert_eq!((filtered.events.len(), filtered.total, filtered.left_out()), (3, 5, 2));
    assert!(filtered.events.iter().all(|e| e.id != rejected));
    // Below the limit the rows are the whole answer.
    let roomy = queries::map_events(&mut conn, &staff, &ours, 10).await.expect("roomy map");
    assert_eq!((roomy.events.len(), roomy.total), (5, 5));
    // A filter on one village counts in that village only.
    let here = EventFilter { village_id: village, ..ours.clone() };
    let in_village = queries::map_events(&mut conn, &staff, &here, 1).await.expect("village map");
    assert!(in_village.total >= 1 && in_village.total <= 5, "{}", in_village.total);
    assert_eq!(in_village.events.len(), 1);

    // The map is staff's: the public gets nothing, counted or not.
    assert_eq!(queries::map_events(&mut conn, &citizen, &ours, 3).await.err(), Some(AppError::Forbidden));
    db.finish().await;
}

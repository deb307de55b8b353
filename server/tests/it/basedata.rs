//! Data scope: county, township, village, grid, self — enforced in every base-data query
//! (R-8.7.2, R-multi), and personal data masked.

use diesel_async::RunQueryDsl;
use shared::AppError;
use shared::accounts::service::users;
use shared::basedata::service;
use shared::paging::{Page, TableQuery};

use crate::harness::TestDb;

/// A second township with one village, grid, house and resident, so that confinement
/// to one's own township can be seen.
async fn add_second_township(db: &TestDb) {
    diesel::sql_query(
        "WITH t AS (INSERT INTO townships (code, name, county, centre, boundary) VALUES ('320581999', '邻镇', '常熟市', \
           ST_SetSRID(ST_MakePoint(121.0, 31.7), 4326), \
           ST_Multi(ST_MakeEnvelope(120.99, 31.69, 121.01, 31.71, 4326))) RETURNING id), \
         v AS (INSERT INTO villages (township_id, code, name, kind, boundary) SELECT id, '320581999201', '邻村', 'village', \
           ST_MakeEnvelope(120.99, 31.69, 121.01, 31.71, 4326) FROM t RETURNING id, township_id), \
         g AS (INSERT INTO grids (township_id, village_id, code, name, boundary) SELECT township_id, id, '320581999201-G01', '邻村第一网格', \
           ST_MakeEnvelope(120.99, 31.69, 121.01, 31.71, 4326) FROM v RETURNING id, village_id, township_id), \
         h AS (INSERT INTO houses (township_id, village_id, grid_id, address, location) SELECT township_id, village_id, id, '邻村1号', \
           ST_SetSRID(ST_MakePoint(121.0, 31.7), 4326) FROM g RETURNING id, grid_id, village_id, township_id) \
         INSERT INTO residents (township_id, village_id, grid_id, house_id, name, id_number, gender, birth_date, phone) \
           SELECT township_id, village_id, grid_id, id, '外镇居民', '11010519491231002X', 'female', '1949-12-31', '13900000000' FROM h",
    )
    .execute(&mut *db.conn().await)
    .await
    .expect("second township");
}

async fn residents(db: &TestDb, username: &str) -> Result<Page<shared::basedata::ResidentRow>, AppError> {
    let user = db.user(username).await;
    service::residents(&mut *db.conn().await, &user, &TableQuery { per_page: 100, ..Default::default() }).await
}

#[tokio::test]
async fn each_role_sees_exactly_its_scope() {
    let db = TestDb::new().await;
    add_second_township(&db).await;
    let county = residents(&db, "county").await.expect("county");
    let town = residents(&db, "leader").await.expect("town");
    let village = residents(&db, "village").await.expect("village");
    let grid = residents(&db, "grid").await.expect("grid");

    assert_eq!(county.total, town.total + 1, "the county also sees the other township");
    assert!(town.rows.iter().all(|r| r.name != "外镇居民"), "a township never sees another's residents");
    assert!(village.total > 0 && village.total < town.total);
    assert!(grid.total > 0 && grid.total < village.total);
    let village_name = db.user("village").await;
    let own_village = village.rows[0].village.clone();
    assert!(
        village.rows.iter().all(|r| r.village == own_village),
        "{} sees only its village",
        village_name.display_name
    );
    let own_grid = grid.rows[0].grid.clone();
    assert!(grid.rows.iter().all(|r| r.grid == own_grid));

    // The public and enterprises see no base data at all.
    assert_eq!(residents(&db, "13800000001").await.err(), Some(AppError::Forbidden));
    assert_eq!(residents(&db, "13800000002").await.err(), Some(AppError::Forbidden));

    // Head counts follow the same scope.
    let leader = db.user("leader").await;
    let overview = service::overview(&mut *db.conn().await, &leader).await.expect("overview");
    assert_eq!(overview.residents, town.total);
    assert_eq!(overview.villages, 10);
    assert_eq!(overview.grids, 40);
    let gridworker = db.user("grid").await;
    let small = service::overview(&mut *db.conn().await, &gridworker).await.expect("overview");
    assert_eq!((small.villages, small.grids, small.residents), (1, 1, grid.total));
    db.finish().await;
}

#[tokio::test]
async fn personal_data_is_masked_and_hidden_without_the_permission() {
    let db = TestDb::new().await;
    let staff = residents(&db, "staff").await.expect("staff");
    let first = &staff.rows[0];
    assert_eq!(first.id_number.len(), 18);
    assert_eq!(&first.id_number[6..14], "********", "ID numbers are masked: {}", first.id_number);
    assert!(first.phone.contains("****"));
    // The town leader may see base data but not personal data.
    let leader = residents(&db, "leader").await.expect("leader");
    assert!(leader.rows.iter().all(|r| r.id_number == "******" && r.phone == "******"));
    db.finish().await;
}

#[tokio::test]
async fn administrators_only_see_users_of_their_own_township() {
    let db = TestDb::new().await;
    add_second_township(&db).await;
    diesel::sql_query(
        "INSERT INTO users (township_id, kind, username, display_name, password_hash, status) \
         SELECT id, 'public', '13911112222', '外镇用户', 'x', 'active' FROM townships WHERE code = '320581999'",
    )
    .execute(&mut *db.conn().await)
    .await
    .expect("foreign user");
    let sysadmin = db.user("sysadmin").await;
    let query = TableQuery { per_page: 100, ..Default::default() };
    let page = users::list(&mut *db.conn().await, &sysadmin, &query).await.expect("list");
    assert!(page.rows.iter().all(|u| u.username != "13911112222"));
    assert!(page.rows.iter().any(|u| u.username == "auditor"));
    db.finish().await;
}

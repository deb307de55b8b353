//! The township's time zone is named once for Rust (`shared::time`) and once for SQL
//! (`app_time_zone()`); this checks that the two agree, and that SQL's local day is Rust's.

use chrono::{TimeZone, Utc};
use diesel::sql_types::{Text, Timestamptz};
use diesel_async::RunQueryDsl;

use crate::harness::TestDb;

#[tokio::test]
async fn sql_and_rust_name_the_same_time_zone() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    #[derive(diesel::QueryableByName)]
    struct Zone {
        #[diesel(sql_type = Text)]
        zone: String,
        #[diesel(sql_type = Text)]
        local: String,
    }
    // Half past midnight in China is still the previous day in UTC.
    let at = Utc.with_ymd_and_hms(2026, 1, 31, 16, 30, 0).unwrap();
    let row: Zone = diesel::sql_query(
        "SELECT app_time_zone() AS zone, to_char($1 AT TIME ZONE app_time_zone(), 'YYYY-MM-DD HH24:MI') AS local",
    )
    .bind::<Timestamptz, _>(at)
    .get_result(&mut *conn)
    .await
    .expect("zone");
    assert_eq!(row.zone, shared::time::ZONE);
    assert_eq!(row.local, shared::time::local(at).format("%Y-%m-%d %H:%M").to_string());
    drop(conn);
    db.finish().await;
}

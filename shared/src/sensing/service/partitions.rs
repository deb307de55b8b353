//! The readings' monthly partitions: made ahead of the readings that will fall in them, so
//! that the default partition, which catches anything else, stays empty; and dropped whole
//! past the retention, which costs nothing like deleting rows would.

use diesel::sql_types::Integer;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::AppError;

/// How many months of readings are kept unless the configuration says otherwise: two years,
/// for a year-on-year comparison of every month.
pub const RETENTION_MONTHS: i32 = 24;

/// Makes the partitions of the months a reading may now fall in (from [`BACK_MAX`] ago to
/// next month) and drops those wholly older than `retention_months`. Idempotent; run at start
/// and daily. Returns how many partitions were dropped.
///
/// [`BACK_MAX`]: crate::sensing::readings::BACK_MAX
pub async fn maintain(conn: &mut AsyncPgConnection, retention_months: i32) -> Result<i32, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Dropped {
        #[diesel(sql_type = Integer)]
        dropped: i32,
    }
    diesel::sql_query("SELECT sensing_readings_partitions_ahead()").execute(conn).await?;
    let dropped: Dropped = diesel::sql_query("SELECT sensing_readings_partitions_drop($1) AS dropped")
        .bind::<Integer, _>(retention_months.max(4))
        .get_result(conn)
        .await?;
    Ok(dropped.dropped)
}

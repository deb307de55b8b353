//! Grid workers' positions on the command map.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Double, Integer, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::error::{AppError, ErrorCode};
use crate::events::types::WorkerPosition;
use crate::permissions::codes;

#[derive(diesel::QueryableByName)]
struct RawWorker {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
}

/// Grid workers' last known positions in the viewer's township (the last 12 hours).
pub async fn workers(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<WorkerPosition>, AppError> {
    if !user.can(codes::EVENTS_DISPATCH) && !user.can(codes::EVENTS_SUPERVISE) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<RawWorker> = diesel::sql_query(
        "SELECT p.user_id, u.display_name AS name, ST_Y(p.location) AS lat, ST_X(p.location) AS lng, p.at \
         FROM worker_positions p JOIN users u ON u.id = p.user_id \
         WHERE p.township_id = $1 AND p.at > now() - interval '12 hours' ORDER BY u.display_name",
    )
    .bind::<Integer, _>(user.township_id)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| WorkerPosition { user_id: r.user_id, name: r.name, lat: r.lat, lng: r.lng, at: r.at })
        .collect())
}

/// A grid worker's phone reports where they are (while the patrol page is open).
pub async fn set_position(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    lat: f64,
    lng: f64,
) -> Result<(), AppError> {
    if !user.can(codes::EVENTS_HANDLE) {
        return Err(AppError::Forbidden);
    }
    if !(lat.is_finite() && lng.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)) {
        return Err(AppError::field("location", ErrorCode::EventLocationRequired));
    }
    diesel::sql_query(
        "INSERT INTO worker_positions (user_id, township_id, location, at) \
         VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), now()) \
         ON CONFLICT (user_id) DO UPDATE SET location = EXCLUDED.location, at = EXCLUDED.at",
    )
    .bind::<BigInt, _>(user.id)
    .bind::<Integer, _>(user.township_id)
    .bind::<Double, _>(lng)
    .bind::<Double, _>(lat)
    .execute(conn)
    .await?;
    Ok(())
}

//! What citizens follow: the public tracking page (by tracking code) and their own reports.

use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::rows::{Count, EVENT_ROW_SQL, RawRow};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::state::EventState;
use crate::events::tracking;
use crate::events::types::{EventRow, PublicEvent};
use crate::paging::{DEFAULT_PER_PAGE, Page};
use crate::sql::Sql;

#[derive(diesel::QueryableByName)]
struct PublicRaw {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = Text)]
    state: EventState,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Timestamptz)]
    reported_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    merged_into: Option<String>,
}

#[derive(diesel::QueryableByName)]
struct PublicStep {
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    to_state: EventState,
}

/// The public tracking page: anyone with the tracking code (number and key, see
/// [`tracking`](crate::events::tracking)) sees the progress, never a name, a phone number, a
/// note or a photo. The bare number, a wrong key and a number that does not exist all get
/// the same "not found": nothing tells a guesser which part was wrong.
pub async fn track(conn: &mut AsyncPgConnection, code: &str) -> Result<PublicEvent, AppError> {
    let (number, key) = tracking::split(code).ok_or(AppError::NotFound)?;
    // The merged-into event's code: its reporter follows the event that goes on.
    let event: PublicRaw = diesel::sql_query(
        "SELECT e.id, e.number, e.title, c.name AS category, e.state, v.name AS village, e.reported_at, e.closed_at, \
                m.number || '-' || m.tracking_key AS merged_into \
         FROM events e JOIN event_categories c ON c.id = e.category_id JOIN villages v ON v.id = e.village_id \
         LEFT JOIN events m ON m.id = e.merged_into WHERE e.number = $1 AND e.tracking_key = $2",
    )
    .bind::<Text, _>(&number)
    .bind::<Text, _>(&key)
    .get_result(conn)
    .await
    .optional()?
    .ok_or(AppError::NotFound)?;
    let steps: Vec<PublicStep> =
        diesel::sql_query("SELECT at, action, to_state FROM event_steps WHERE event_id = $1 ORDER BY id")
            .bind::<BigInt, _>(event.id)
            .load(conn)
            .await?;
    Ok(PublicEvent {
        number: event.number,
        title: event.title,
        category: event.category,
        state: event.state,
        village: event.village,
        reported_at: event.reported_at,
        closed_at: event.closed_at,
        merged_into: event.merged_into,
        steps: steps.into_iter().map(|s| (s.at, s.action, s.to_state)).collect(),
    })
}

/// What the user reported themselves, newest first.
pub async fn my_reports(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    page: i64,
) -> Result<Page<EventRow>, AppError> {
    crate::paging::check_page(page, 0, "")?;
    let per_page = DEFAULT_PER_PAGE;
    let page = page.max(1);
    let rows: Vec<RawRow> = Sql::new(EVENT_ROW_SQL)
        .push(" WHERE e.reporter_id = ")
        .bind(user.id)
        .push(" ORDER BY e.reported_at DESC, e.id DESC")
        .page(per_page, (page - 1) * per_page)
        .query()
        .load(conn)
        .await?;
    let total: Count = diesel::sql_query("SELECT count(*) AS n FROM events WHERE reporter_id = $1")
        .bind::<BigInt, _>(user.id)
        .get_result(conn)
        .await?;
    // The reporter's own tracking codes, to copy and pass on.
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let codes: Vec<TrackingCode> = diesel::sql_query(
        "SELECT id, number || '-' || tracking_key AS code FROM events WHERE reporter_id = $1 AND id = ANY($2)",
    )
    .bind::<BigInt, _>(user.id)
    .bind::<Array<BigInt>, _>(&ids)
    .load(conn)
    .await?;
    let rows = rows
        .into_iter()
        .map(|raw| {
            let mut row = raw.into_row();
            row.tracking_code = codes.iter().find(|c| c.id == row.id).map(|c| c.code.clone());
            row
        })
        .collect();
    Ok(Page { rows, total: total.n, page, per_page })
}

#[derive(diesel::QueryableByName)]
struct TrackingCode {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    code: String,
}

//! The event as a step reads and writes it: loaded within the user's visible events (locked
//! for the step's transaction), written back only if nobody changed it meanwhile.

use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::error::{AppError, ErrorCode};
use crate::events::service::visible;
use crate::events::state::EventState;
use crate::events::types::Priority;
use crate::sql::Sql;

/// The parts of an event a step reads and may change.
#[derive(diesel::QueryableByName, Debug, Clone)]
pub(crate) struct EventCore {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Integer)]
    pub township_id: i32,
    #[diesel(sql_type = Text)]
    pub number: String,
    #[diesel(sql_type = Integer)]
    pub category_id: i32,
    #[diesel(sql_type = Text)]
    pub priority: Priority,
    #[diesel(sql_type = Text)]
    pub state: EventState,
    #[diesel(sql_type = Integer)]
    pub version: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    pub department_id: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub assignee_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub reporter_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub suspended_from: Option<EventState>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub remaining_min: Option<i32>,
    #[diesel(sql_type = Timestamptz)]
    pub deadline: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub accepted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub dispatched_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub handled_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub warned_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub overdue_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub escalated_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Integer)]
    pub escalation: i32,
    #[diesel(sql_type = Bool)]
    pub supervised: bool,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub merged_into: Option<i64>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    pub satisfaction: Option<i16>,
    #[diesel(sql_type = Text)]
    pub feedback: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub confirmed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    pub last_step_at: DateTime<Utc>,
}

const CORE_COLUMNS: &str = "SELECT e.id, e.township_id, e.number, e.category_id, e.priority, e.state, e.version, \
    e.department_id, e.assignee_id, e.reporter_id, e.suspended_from, e.remaining_min, e.deadline, e.accepted_at, \
    e.dispatched_at, e.handled_at, e.closed_at, e.warned_at, e.overdue_at, e.escalated_at, e.escalation, \
    e.supervised, e.merged_into, e.satisfaction, e.feedback, e.confirmed_at, \
    coalesce((SELECT max(s.at) FROM event_steps s WHERE s.event_id = e.id), e.reported_at) AS last_step_at";

/// Reads an event the user may see, locking it for the rest of the transaction.
pub(crate) async fn load_for_update(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    id: i64,
) -> Result<EventCore, AppError> {
    visible_event(user, id).push(" FOR UPDATE").query().get_result(conn).await.optional()?.ok_or(AppError::NotFound)
}

/// Reads an event the user may see.
pub(crate) async fn load(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<EventCore, AppError> {
    visible_event(user, id).query().get_result(conn).await.optional()?.ok_or(AppError::NotFound)
}

fn visible_event(user: &SessionUser, id: i64) -> Sql {
    Sql::new(CORE_COLUMNS).push(" FROM events e WHERE e.id = ").bind(id).push(" AND ").append(visible(user))
}

/// Writes the changed event back, if nobody else changed it meanwhile.
pub(crate) async fn save(conn: &mut AsyncPgConnection, event: &EventCore, seen_version: i32) -> Result<i32, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = Integer)]
        version: i32,
    }
    let saved: Option<Version> = diesel::sql_query(
        "UPDATE events SET state = $3, department_id = $4, assignee_id = $5, suspended_from = $6, remaining_min = $7, \
            deadline = $8, accepted_at = $9, dispatched_at = $10, handled_at = $11, closed_at = $12, warned_at = $13, \
            overdue_at = $14, escalated_at = $15, escalation = $16, supervised = $17, merged_into = $18, \
            satisfaction = $19, feedback = $20, confirmed_at = $21, version = version + 1, updated_at = now() \
         WHERE id = $1 AND version = $2 RETURNING version",
    )
    .bind::<BigInt, _>(event.id)
    .bind::<Integer, _>(seen_version)
    .bind::<Text, _>(event.state)
    .bind::<Nullable<Integer>, _>(event.department_id)
    .bind::<Nullable<BigInt>, _>(event.assignee_id)
    .bind::<Nullable<Text>, _>(event.suspended_from)
    .bind::<Nullable<Integer>, _>(event.remaining_min)
    .bind::<Timestamptz, _>(event.deadline)
    .bind::<Nullable<Timestamptz>, _>(event.accepted_at)
    .bind::<Nullable<Timestamptz>, _>(event.dispatched_at)
    .bind::<Nullable<Timestamptz>, _>(event.handled_at)
    .bind::<Nullable<Timestamptz>, _>(event.closed_at)
    .bind::<Nullable<Timestamptz>, _>(event.warned_at)
    .bind::<Nullable<Timestamptz>, _>(event.overdue_at)
    .bind::<Nullable<Timestamptz>, _>(event.escalated_at)
    .bind::<Integer, _>(event.escalation)
    .bind::<Bool, _>(event.supervised)
    .bind::<Nullable<BigInt>, _>(event.merged_into)
    .bind::<Nullable<SmallInt>, _>(event.satisfaction)
    .bind::<Text, _>(&event.feedback)
    .bind::<Nullable<Timestamptz>, _>(event.confirmed_at)
    .get_result(conn)
    .await
    .optional()?;
    saved.map(|v| v.version).ok_or(AppError::Conflict(ErrorCode::EventStale))
}

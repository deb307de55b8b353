//! Taking a step of the loop: permission, data scope, assignment, the state machine and
//! optimistic locking are all checked; the step, the event and the notifications are
//! written in one transaction, or nothing is.

use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::intake::{add_step, link_photos};
use super::notify::{self, Audience};
use super::{catalog, visible_sql, work_calendar};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::state::{Action, Actor, EventState, next_state};
use crate::events::types::{Priority, StepInput};
use crate::permissions::codes;

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
    pub priority: String,
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Integer)]
    pub version: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    pub department_id: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub assignee_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub reporter_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub suspended_from: Option<String>,
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

const CORE_COLUMNS: &str = "e.id, e.township_id, e.number, e.category_id, e.priority, e.state, e.version, \
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
    diesel::sql_query(format!(
        "SELECT {CORE_COLUMNS} FROM events e WHERE e.id = $1 AND {} FOR UPDATE",
        visible_sql(user)
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()?
    .ok_or(AppError::NotFound)
}

pub(crate) async fn load(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<EventCore, AppError> {
    diesel::sql_query(format!("SELECT {CORE_COLUMNS} FROM events e WHERE e.id = $1 AND {}", visible_sql(user)))
        .bind::<BigInt, _>(id)
        .get_result(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Whether the user may take `action` on this event now, ignoring the form's details.
pub(crate) fn may_take(user: &SessionUser, event: &EventCore, action: Action) -> bool {
    let Some(state) = EventState::parse(&event.state) else {
        return false;
    };
    if next_state(state, action, event.suspended_from.as_deref().and_then(EventState::parse)).is_err() {
        return false;
    }
    let allowed = match action.actor() {
        Actor::Reporter => event.reporter_id == Some(user.id) && event.confirmed_at.is_none(),
        Actor::Permission(code) => user.can(code),
    };
    if !allowed {
        return false;
    }
    if action.is_handler_action() {
        return event.assignee_id == Some(user.id)
            || (event.assignee_id.is_none()
                && user.department_id.is_some()
                && user.department_id == event.department_id);
    }
    true
}

/// Takes one step. Returns the event's new version.
pub async fn act(conn: &mut AsyncPgConnection, user: &SessionUser, input: &StepInput) -> Result<i32, AppError> {
    let action = input.validate()?;
    let user = user.clone();
    let input = input.clone();
    let calendar = work_calendar::load(conn).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut event = load_for_update(conn, &user, input.event_id).await?;
        if event.version != input.version {
            return Err(AppError::Conflict("event.stale".into()));
        }
        let from = EventState::parse(&event.state).ok_or(AppError::Internal)?;
        let suspended_from = event.suspended_from.as_deref().and_then(EventState::parse);
        let to = next_state(from, action, suspended_from)
            .map_err(|_| AppError::Conflict("event.illegal_transition".into()))?;
        if !may_take(&user, &event, action) {
            return Err(AppError::Forbidden);
        }
        let now = Utc::now();
        let note = input.note.trim().to_owned();
        let mut audience: Vec<Audience> = Vec::new();
        let mut step_department = None;
        match action {
            Action::Accept => event.accepted_at = Some(now),
            Action::Dispatch => {
                let department = input.department_id.ok_or(AppError::Internal)?;
                check_department(conn, event.township_id, department).await?;
                if let Some(assignee) = input.assignee_id {
                    check_assignee(conn, event.township_id, assignee).await?;
                    audience.push(Audience::User(assignee));
                } else {
                    audience.push(Audience::Department(department));
                }
                event.department_id = Some(department);
                event.assignee_id = input.assignee_id;
                event.dispatched_at = Some(now);
                step_department = Some(department);
            }
            Action::Start => {
                // Signing for it makes it the handler's own.
                event.assignee_id = Some(user.id);
            }
            Action::Return => {
                event.assignee_id = None;
                audience.push(Audience::Permission(codes::EVENTS_DISPATCH));
            }
            Action::Handle => {
                event.handled_at = Some(now);
                audience.push(Audience::Permission(codes::EVENTS_VERIFY));
            }
            Action::Rework => {
                if let Some(assignee) = event.assignee_id {
                    audience.push(Audience::User(assignee));
                }
            }
            Action::Close => event.closed_at = Some(now),
            Action::Merge => {
                let target = merge_target(conn, &user, &event, input.merge_into.trim()).await?;
                event.merged_into = Some(target);
                event.closed_at = Some(now);
            }
            Action::Reject => event.closed_at = Some(now),
            Action::Suspend => {
                event.remaining_min = Some(calendar.working_minutes_between(now, event.deadline).max(0) as i32);
                event.suspended_from = Some(from.as_str().to_owned());
            }
            Action::Resume => {
                let minutes = i64::from(event.remaining_min.unwrap_or(0));
                event.deadline = calendar.add_working_minutes(now, minutes);
                event.suspended_from = None;
                event.remaining_min = None;
            }
            Action::Reopen | Action::Dispute => {
                // A fresh clock: the event is handled again.
                let category = catalog::category_by_id(conn, event.category_id).await?;
                let priority = Priority::parse(&event.priority).unwrap_or_default();
                event.deadline = calendar.add_working_minutes(now, i64::from(category.hours(priority)) * 60);
                event.closed_at = None;
                event.handled_at = None;
                event.warned_at = None;
                event.overdue_at = None;
                event.escalated_at = None;
                event.assignee_id = None;
                audience.push(Audience::Permission(codes::EVENTS_DISPATCH));
            }
            Action::Confirm => {
                event.satisfaction = input.satisfaction;
                event.feedback = note.clone();
                event.confirmed_at = Some(now);
            }
            Action::Escalate => {
                event.escalation += 1;
                event.escalated_at = Some(now);
                audience.push(Audience::Permission(codes::EVENTS_SUPERVISE));
                audience.push(Audience::Permission(codes::EVENTS_DISPATCH));
            }
            Action::Supervise => {
                event.supervised = true;
                if let Some(assignee) = event.assignee_id {
                    audience.push(Audience::User(assignee));
                } else if let Some(department) = event.department_id {
                    audience.push(Audience::Department(department));
                }
            }
            Action::Verify => {}
        }
        event.state = to.as_str().to_owned();
        let spent = (now - event.last_step_at).num_seconds().max(0);
        let step = add_step(conn, &user, event.id, action.as_str(), Some(from), to, &note, step_department, spent, now)
            .await?;
        if let Some(assignee) = event.assignee_id.filter(|_| action == Action::Dispatch) {
            diesel::sql_query("UPDATE event_steps SET assignee_id = $2 WHERE id = $1")
                .bind::<BigInt, _>(step)
                .bind::<BigInt, _>(assignee)
                .execute(conn)
                .await?;
        }
        link_photos(conn, &user, event.id, step, &input.attachments).await?;
        let version = save(conn, &event, input.version).await?;
        // The reporter hears of every step but their own.
        if let Some(reporter) = event.reporter_id.filter(|r| *r != user.id) {
            audience.push(Audience::User(reporter));
        }
        audience.retain(|a| *a != Audience::User(user.id));
        if !audience.is_empty() {
            let message = format!("{}|{}|{}", event.number, action.as_str(), to.as_str());
            notify::send(conn, event.township_id, &audience, event.id, action.as_str(), &message).await?;
        }
        Ok(version)
    })
    .await
}

async fn check_department(conn: &mut AsyncPgConnection, township_id: i32, department: i32) -> Result<(), AppError> {
    let n: i64 = {
        use crate::schema::departments;
        use diesel::{BoolExpressionMethods, ExpressionMethods, QueryDsl};
        departments::table
            .filter(departments::id.eq(department).and(departments::township_id.eq(township_id)))
            .count()
            .get_result(conn)
            .await?
    };
    if n == 0 { Err(AppError::field("department_id", "event.department_unknown")) } else { Ok(()) }
}

async fn check_assignee(conn: &mut AsyncPgConnection, township_id: i32, user_id: i64) -> Result<(), AppError> {
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = Bool)]
        ok: bool,
    }
    let found: Found = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
           WHERE u.id = $1 AND u.township_id = $2 AND u.status = 'active' AND 'events.handle' = ANY (r.permissions)) AS ok",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Integer, _>(township_id)
    .get_result(conn)
    .await?;
    if found.ok { Ok(()) } else { Err(AppError::field("assignee_id", "event.assignee_unknown")) }
}

/// The event a duplicate is merged into: visible, running, not itself.
async fn merge_target(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    event: &EventCore,
    number: &str,
) -> Result<i64, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Target {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        state: String,
    }
    let target: Option<Target> =
        diesel::sql_query(format!("SELECT e.id, e.state FROM events e WHERE e.number = $1 AND {}", visible_sql(user)))
            .bind::<Text, _>(number.to_uppercase())
            .get_result(conn)
            .await
            .optional()?;
    match target {
        None => Err(AppError::field("merge_into", "event.merge_target_unknown")),
        Some(t) if t.id == event.id => Err(AppError::field("merge_into", "event.merge_into_itself")),
        Some(t) if EventState::parse(&t.state).is_none_or(EventState::is_final) => {
            Err(AppError::field("merge_into", "event.merge_target_finished"))
        }
        Some(t) => Ok(t.id),
    }
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
    .bind::<Text, _>(&event.state)
    .bind::<Nullable<Integer>, _>(event.department_id)
    .bind::<Nullable<BigInt>, _>(event.assignee_id)
    .bind::<Nullable<Text>, _>(event.suspended_from.as_deref())
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
    saved.map(|v| v.version).ok_or_else(|| AppError::Conflict("event.stale".into()))
}

/// Dispatches many events at once (the command view's bulk action). Each is a step of its
/// own; the first refusal stops the batch and nothing of it is kept.
pub async fn dispatch_many(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    events: &[(i64, i32)],
    department_id: i32,
    assignee_id: Option<i64>,
) -> Result<usize, AppError> {
    let user = user.clone();
    let events = events.to_vec();
    conn.transaction::<_, AppError, _>(async |conn| {
        for (event_id, version) in &events {
            let input = StepInput {
                event_id: *event_id,
                version: *version,
                action: Action::Dispatch.as_str().into(),
                department_id: Some(department_id),
                assignee_id,
                ..StepInput::default()
            };
            act(conn, &user, &input).await?;
        }
        Ok(events.len())
    })
    .await
}

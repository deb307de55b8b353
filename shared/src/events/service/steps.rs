//! Taking a step of the loop: permission, data scope, assignment, the state machine and
//! optimistic locking are all checked; the step, the event and the notifications are
//! written in one transaction, or nothing is. What each action changes is in `effects.rs`.

mod checks;
mod core;
mod effects;

use chrono::Utc;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

pub(crate) use self::core::{EventCore, load, load_for_update, save};
use super::intake::{NewStep, add_step, link_photos};
use super::notify::{self, Audience};
use super::work_calendar;
use crate::accounts::SessionUser;
use crate::error::{AppError, ErrorCode};
use crate::events::forms::StepForm;
use crate::events::state::{Action, Actor, next_state};
use effects::{Effects, Step};

/// Whether the user may take `action` on this event now, ignoring the form's details.
pub(crate) fn may_take(user: &SessionUser, event: &EventCore, action: Action) -> bool {
    if next_state(event.state, action, event.suspended_from).is_err() {
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
pub async fn act(conn: &mut AsyncPgConnection, user: &SessionUser, form: &StepForm) -> Result<i32, AppError> {
    form.validate()?;
    let action = form.action;
    let user = user.clone();
    let input = form.clone();
    let calendar = work_calendar::load(conn).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut event = load_for_update(conn, &user, input.event_id).await?;
        if event.version != input.version {
            return Err(AppError::Conflict(ErrorCode::EventStale));
        }
        let from = event.state;
        let to = next_state(from, action, event.suspended_from)
            .map_err(|_| AppError::Conflict(ErrorCode::EventIllegalTransition))?;
        if !may_take(&user, &event, action) {
            return Err(AppError::Forbidden);
        }
        let now = Utc::now();
        let note = input.note.trim();
        let step = Step { action, from, input: &input, calendar: &calendar, now, note };
        let Effects { mut audience, department } = effects::apply(conn, &user, &mut event, step).await?;
        event.state = to;
        let spent_seconds = (now - event.last_step_at).num_seconds().max(0);
        let step = NewStep {
            event_id: event.id,
            action: action.as_str(),
            from: Some(from),
            to,
            note,
            department,
            spent_seconds,
            at: now,
        };
        let step = add_step(conn, (&user).into(), &step).await?;
        if let Some(assignee) = event.assignee_id.filter(|_| action == Action::Dispatch) {
            diesel::sql_query("UPDATE event_steps SET assignee_id = $2 WHERE id = $1")
                .bind::<BigInt, _>(step)
                .bind::<BigInt, _>(assignee)
                .execute(conn)
                .await?;
        }
        link_photos(conn, user.id, event.id, step, &input.attachments).await?;
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
            let input = StepForm {
                department_id: Some(department_id),
                assignee_id,
                ..StepForm::new(*event_id, *version, Action::Dispatch)
            };
            act(conn, &user, &input).await?;
        }
        Ok(events.len())
    })
    .await
}

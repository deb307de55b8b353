//! What each action changes on the event, and who hears of it.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::checks;
use super::core::EventCore;
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::calendar::WorkCalendar;
use crate::events::forms::StepForm;
use crate::events::service::catalog;
use crate::events::service::notify::Audience;
use crate::events::state::{Action, EventState};
use crate::permissions::codes;

/// What a step did beyond its new state.
#[derive(Default)]
pub(super) struct Effects {
    /// Who hears of it (besides the reporter, who hears of every step).
    pub audience: Vec<Audience>,
    /// The department the step gave the event to (dispatching).
    pub department: Option<i32>,
}

/// Applies `action` to `event` (taken from state `from` at `now`) as the form says.
pub(super) async fn apply(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    event: &mut EventCore,
    step: Step<'_>,
) -> Result<Effects, AppError> {
    let Step { action, from, input, calendar, now, note } = step;
    let mut audience: Vec<Audience> = Vec::new();
    let mut step_department = None;
    match action {
        Action::Accept => event.accepted_at = Some(now),
        Action::Dispatch => {
            let department = input.department_id.ok_or(AppError::Internal)?;
            checks::department(conn, event.township_id, department).await?;
            if let Some(assignee) = input.assignee_id {
                checks::assignee(conn, event.township_id, assignee).await?;
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
            let target = checks::merge_target(conn, user, event, input.merge_into.trim()).await?;
            event.merged_into = Some(target);
            event.closed_at = Some(now);
        }
        Action::Reject => event.closed_at = Some(now),
        Action::Suspend => {
            event.remaining_min = Some(calendar.working_minutes_between(now, event.deadline).max(0) as i32);
            event.suspended_from = Some(from);
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
            event.deadline = calendar.add_working_minutes(now, i64::from(category.hours(event.priority)) * 60);
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
            event.feedback = note.to_owned();
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
    Ok(Effects { audience, department: step_department })
}

/// The step being taken.
pub(super) struct Step<'a> {
    pub action: Action,
    pub from: EventState,
    pub input: &'a StepForm,
    pub calendar: &'a WorkCalendar,
    pub now: DateTime<Utc>,
    /// The form's note, trimmed.
    pub note: &'a str,
}

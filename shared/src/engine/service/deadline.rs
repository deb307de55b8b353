//! How long a record may stay in its workflow state: a state declared `.within(n)` gives a
//! record entering it a deadline of `n` working days of the township's working calendar
//! (the one every event deadline is counted in), stored with the record (`state_due`) beside
//! the moment it entered the state (`state_since`), so that "my tasks" and the lists sort and
//! flag by an indexed column instead of recomputing calendars per row.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::engine::declare::Register;
use crate::error::AppError;
use crate::events::DeadlineStatus;
use crate::events::calendar::MINUTES_PER_DAY;
use crate::events::service::work_calendar;

/// The deadline of a record of `register` entering `state` at `entered`, if the state has
/// one. The stored working calendar is read only then.
pub async fn due(
    conn: &mut AsyncPgConnection,
    register: &Register,
    state: &str,
    entered: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(days) = register
        .workflow
        .and_then(|workflow| workflow.states.iter().find(|declared| declared.name == state))
        .and_then(|declared| declared.deadline_days)
    else {
        return Ok(None);
    };
    let calendar = work_calendar::load(conn).await?;
    Ok(Some(calendar.add_working_minutes(entered, i64::from(days) * MINUTES_PER_DAY)))
}

/// How a record stands against its state's deadline at `now` (none without one): overdue
/// past it, due soon once three quarters of its time have gone — a register's deadlines run
/// in days, so the event loop's fixed four hours would warn too late.
pub fn status(since: DateTime<Utc>, due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DeadlineStatus> {
    let due = due?;
    if now > due {
        return Some(DeadlineStatus::Overdue);
    }
    let allowed = (due - since).num_seconds().max(0);
    let gone = (now - since).num_seconds();
    Some(if gone * 4 >= allowed * 3 { DeadlineStatus::DueSoon } else { DeadlineStatus::OnTrack })
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn a_deadline_is_due_soon_at_three_quarters_and_is_overdue_after() {
        let since = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).expect("instant");
        let due = Some(since + TimeDelta::hours(100));
        let at = |hours| status(since, due, since + TimeDelta::hours(hours));
        assert_eq!(status(since, None, since + TimeDelta::days(999)), None);
        assert_eq!(at(10), Some(DeadlineStatus::OnTrack));
        assert_eq!(at(74), Some(DeadlineStatus::OnTrack));
        assert_eq!(at(75), Some(DeadlineStatus::DueSoon));
        assert_eq!(at(100), Some(DeadlineStatus::DueSoon));
        assert_eq!(at(101), Some(DeadlineStatus::Overdue));
    }
}

//! The supervision job (R-3.2-sla): warns before a deadline, flags events overdue after it,
//! and escalates them to the supervisor level after a grace period. Each mark is set by a
//! conditional UPDATE, so however often the job runs, on however many server processes, and
//! whenever it restarts, every event is warned, flagged and escalated exactly once.

use chrono::{DateTime, Duration, Utc};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::notify::{self, Audience};
use super::queries::{RUNNING, warning_interval};
use crate::error::AppError;
use crate::events::state::EventState;
use crate::permissions::codes;
use crate::sql::Sql;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TickReport {
    pub warned: usize,
    pub overdue: usize,
    pub escalated: usize,
}

#[derive(diesel::QueryableByName)]
struct Marked {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    township_id: i32,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    state: EventState,
    #[diesel(sql_type = Nullable<BigInt>)]
    assignee_id: Option<i64>,
    #[diesel(sql_type = Nullable<Integer>)]
    department_id: Option<i32>,
}

const RETURNING: &str = " RETURNING e.id, e.township_id, e.number, e.state, e.assignee_id, e.department_id";

fn handlers(event: &Marked) -> Vec<Audience> {
    match (event.assignee_id, event.department_id) {
        (Some(user), _) => vec![Audience::User(user)],
        (None, Some(department)) => vec![Audience::Department(department)],
        (None, None) => vec![Audience::Permission(codes::EVENTS_DISPATCH)],
    }
}

/// One pass of the job at time `now`. `grace` is how long after the deadline an overdue
/// event is escalated.
pub async fn tick(conn: &mut AsyncPgConnection, now: DateTime<Utc>, grace: Duration) -> Result<TickReport, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let warned: Vec<Marked> = Sql::new("UPDATE events e SET warned_at = ")
            .bind(now)
            .push(" WHERE ")
            .push(RUNNING)
            .push(" AND e.warned_at IS NULL AND e.deadline > ")
            .bind(now)
            .push(" AND e.deadline <= ")
            .bind(now)
            .push(" + ")
            .append(warning_interval())
            .push(RETURNING)
            .query()
            .load(conn)
            .await?;
        for event in &warned {
            let message = format!("{}|warn|{}", event.number, event.state.as_str());
            notify::send(conn, event.township_id, &handlers(event), event.id, "warn", &message).await?;
        }
        let overdue: Vec<Marked> = Sql::new("UPDATE events e SET overdue_at = ")
            .bind(now)
            .push(" WHERE ")
            .push(RUNNING)
            .push(" AND e.overdue_at IS NULL AND e.deadline <= ")
            .bind(now)
            .push(RETURNING)
            .query()
            .load(conn)
            .await?;
        for event in &overdue {
            let mut audience = handlers(event);
            audience.push(Audience::Permission(codes::EVENTS_DISPATCH));
            let message = format!("{}|overdue|{}", event.number, event.state.as_str());
            notify::send(conn, event.township_id, &audience, event.id, "overdue", &message).await?;
        }
        // The grace in whole seconds (an interval the builder binds as a number).
        let grace_seconds = grace.num_seconds();
        let escalated: Vec<Marked> = Sql::new("UPDATE events e SET escalated_at = ")
            .bind(now)
            .push(", escalation = e.escalation + 1, version = e.version + 1, updated_at = ")
            .bind(now)
            .push(" WHERE ")
            .push(RUNNING)
            .push(" AND e.escalated_at IS NULL AND e.overdue_at IS NOT NULL AND e.deadline + make_interval(secs => ")
            .bind(grace_seconds as f64)
            .push(") <= ")
            .bind(now)
            .push(RETURNING)
            .query()
            .load(conn)
            .await?;
        for event in &escalated {
            diesel::sql_query(
                "INSERT INTO event_steps (township_id, event_id, at, actor_name, action, from_state, to_state, note) \
                 VALUES ($1, $2, $3, '系统', 'auto_escalate', $4, $4, '超过处置时限，自动升级至指挥中心和分管领导')",
            )
            .bind::<Integer, _>(event.township_id)
            .bind::<BigInt, _>(event.id)
            .bind::<Timestamptz, _>(now)
            .bind::<Text, _>(event.state)
            .execute(conn)
            .await?;
            let audience =
                [Audience::Permission(codes::EVENTS_SUPERVISE), Audience::Permission(codes::EVENTS_DISPATCH)];
            let message = format!("{}|auto_escalate|{}", event.number, event.state.as_str());
            notify::send(conn, event.township_id, &audience, event.id, "escalate", &message).await?;
        }
        Ok(TickReport { warned: warned.len(), overdue: overdue.len(), escalated: escalated.len() })
    })
    .await
}

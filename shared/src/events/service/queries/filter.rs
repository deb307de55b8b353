//! The inbox's filter as one SQL condition: the viewer's visible events ([`visible`]) and
//! what the filter asks, every value bound. Lists, the map, statistics and exports all read
//! it, so each shows exactly the same events.

use diesel::sql_types::Integer;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::service::visible;
use crate::events::state::EventState;
use crate::events::types::{EventFilter, StateFilter, WARNING_MINUTES};
use crate::final_states_sql;
use crate::permissions::codes;
use crate::sql::Sql;

/// Not final: the partial indexes of open events have this very predicate.
pub(crate) const OPEN: &str = concat!("e.state NOT IN (", final_states_sql!(), ")");

/// The deadline clock runs (not final, not suspended).
pub(crate) const RUNNING: &str = concat!("e.state NOT IN (", final_states_sql!(), ", 'suspended')");

/// "Soon" before a deadline, as an SQL interval.
pub(crate) fn warning_interval() -> Sql {
    Sql::new("make_interval(mins => ").bind(WARNING_MINUTES as i32).push(")")
}

/// `e.state = <state>`.
fn state_is(state: EventState) -> Sql {
    Sql::new("e.state = ").bind(state.as_str())
}

/// "My tasks": events on which the user can take the next step.
fn tasks(user: &SessionUser) -> Sql {
    let mut parts = Vec::new();
    if user.can(codes::EVENTS_HANDLE) {
        let mut mine = vec![Sql::new("e.assignee_id = ").bind(user.id)];
        if let Some(department) = user.department_id {
            mine.push(Sql::new("e.assignee_id IS NULL AND e.department_id = ").bind(department));
        }
        parts.push(Sql::all([
            Sql::any([state_is(EventState::Dispatched), state_is(EventState::Handling)]),
            Sql::any(mine),
        ]));
    }
    if user.can(codes::EVENTS_VERIFY) {
        parts.push(state_is(EventState::Handled));
    }
    if user.can(codes::EVENTS_ACCEPT) {
        parts.push(state_is(EventState::Reported));
    }
    if user.can(codes::EVENTS_DISPATCH) {
        parts.push(Sql::any(
            [EventState::Accepted, EventState::Returned, EventState::Reopened].into_iter().map(state_is),
        ));
    }
    if user.can(codes::EVENTS_CLOSE) {
        parts.push(state_is(EventState::Verified));
    }
    Sql::any(parts)
}

/// The condition of a filter, checked first ([`EventFilter::validate`]).
pub(crate) async fn filter_conditions(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
) -> Result<Sql, AppError> {
    filter.validate()?;
    let categories = match filter.category_id {
        Some(id) => Some(category_and_children(conn, id).await?),
        None => None,
    };
    Ok(conditions(user, filter, categories.as_deref()))
}

#[derive(diesel::QueryableByName)]
struct CategoryId {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// A category and the categories under it. Resolved before the query is built, so that a
/// leaf category is a plain equality the inbox index can walk in order (an `OR` on the
/// joined category, or an `IN` list, makes PostgreSQL read and sort every match instead).
async fn category_and_children(conn: &mut AsyncPgConnection, id: i32) -> Result<Vec<i32>, AppError> {
    let ids: Vec<CategoryId> =
        diesel::sql_query("SELECT id FROM event_categories WHERE id = $1 OR parent_id = $1 ORDER BY id")
            .bind::<Integer, _>(id)
            .load(conn)
            .await?;
    Ok(ids.into_iter().map(|c| c.id).collect())
}

fn conditions(user: &SessionUser, filter: &EventFilter, categories: Option<&[i32]>) -> Sql {
    let mut parts = vec![visible(user)];
    match filter.state_filter() {
        None => {}
        Some(StateFilter::Open) => parts.push(Sql::new(OPEN)),
        Some(StateFilter::Overdue) => parts.push(Sql::new(RUNNING).push(" AND e.deadline < now()")),
        Some(StateFilter::DueSoon) => parts.push(
            Sql::new(RUNNING).push(" AND e.deadline >= now() AND e.deadline < now() + ").append(warning_interval()),
        ),
        Some(StateFilter::Escalated) => parts.push(Sql::new("e.escalation > 0 AND ").push(OPEN)),
        Some(StateFilter::Supervised) => parts.push(Sql::new("e.supervised AND ").push(OPEN)),
        Some(StateFilter::One(state)) => parts.push(state_is(state)),
    }
    match categories {
        None => {}
        Some([]) => parts.push(Sql::never()),
        Some([id]) => parts.push(Sql::new("e.category_id = ").bind(*id)),
        Some(ids) => parts.push(Sql::new("e.category_id = ANY(").bind(ids).push(")")),
    }
    if let Some(id) = filter.village_id {
        parts.push(Sql::new("e.village_id = ").bind(id));
    }
    if let Some(id) = filter.grid_id {
        parts.push(Sql::new("e.grid_id = ").bind(id));
    }
    if let Some(id) = filter.department_id {
        parts.push(Sql::new("e.department_id = ").bind(id));
    }
    if let Some(channel) = filter.channel_filter() {
        parts.push(Sql::new("e.channel = ").bind(channel.as_str()));
    }
    if let Some(from) = filter.from {
        parts.push(Sql::new("e.reported_at >= ").bind(from).push("::date AT TIME ZONE app_time_zone()"));
    }
    if let Some(to) = filter.to {
        parts.push(Sql::new("e.reported_at < (").bind(to).push("::date + 1) AT TIME ZONE app_time_zone()"));
    }
    if filter.mine {
        parts.push(tasks(user));
    }
    if !filter.q.trim().is_empty() {
        let pattern = pattern(&filter.q);
        parts.push(
            Sql::new("e.number ILIKE ")
                .bind(pattern.clone())
                .push(" OR e.title ILIKE ")
                .bind(pattern.clone())
                .push(" OR e.address ILIKE ")
                .bind(pattern),
        );
    }
    Sql::all(parts)
}

/// A `LIKE` pattern finding `q` anywhere, its wildcards taken literally.
pub(crate) fn pattern(q: &str) -> String {
    let escaped = q.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

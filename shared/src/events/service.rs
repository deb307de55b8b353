//! The event services: the only code that reads or writes the event tables. Every function
//! takes the acting user and checks permission and data scope itself.

pub mod attributes;
pub mod catalog;
pub mod duplicates;
pub mod intake;
mod models;
pub mod notify;
pub mod queries;
pub mod routing;
pub mod stats;
pub mod stats_cache;
pub mod stats_months;
pub mod step_audit;
pub mod steps;
pub mod supervision;
pub mod work_calendar;

use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::permissions::{DataScope, codes};
use crate::scope::ScopeFilter;
use crate::sql::Sql;

/// The reference data every deployment starts with (the category tree, the national
/// working calendar). Idempotent; runs at every start.
pub async fn ensure_reference_data(conn: &mut diesel_async::AsyncPgConnection) -> Result<(), AppError> {
    catalog::ensure_categories(conn).await?;
    attributes::ensure_defaults(conn).await?;
    work_calendar::ensure_builtin(conn).await?;
    // This year's and next year's number sequences, made now rather than by two reports
    // racing to create one at midnight on New Year's Eve.
    use diesel_async::RunQueryDsl;
    diesel::sql_query(
        "SELECT event_number_sequence(y) FROM generate_series( \
             extract(year FROM now() AT TIME ZONE app_time_zone())::int, \
             extract(year FROM now() AT TIME ZONE app_time_zone())::int + 1) y",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The events (alias `e`) a user may see: their data scope, narrowed to their department's
/// events for department handlers, and always what was given to them or what they reported
/// themselves. Every read of events — list, detail, export, statistics, map, photos — starts
/// from this condition.
pub fn visible(user: &SessionUser) -> Sql {
    let mine = || Sql::any([Sql::new("e.assignee_id = ").bind(user.id), Sql::new("e.reporter_id = ").bind(user.id)]);
    if !user.can(codes::EVENTS_VIEW) {
        return mine();
    }
    let scope = ScopeFilter::for_user(user).rows("e");
    let coordinates = user.can(codes::EVENTS_DISPATCH)
        || user.can(codes::EVENTS_ACCEPT)
        || user.can(codes::EVENTS_SUPERVISE)
        || user.can(codes::EVENTS_STATS);
    // A department handler with the whole township in scope sees their department's events;
    // village and grid staff see their place's events, whoever handles them.
    if let (Some(department), false, true) = (user.department_id, coordinates, user.scope >= DataScope::Township) {
        Sql::any([Sql::all([scope, Sql::new("e.department_id = ").bind(department)]), mine()])
    } else if user.scope >= DataScope::Township {
        // The whole township (or county) already holds what was given to them or what they
        // reported (both happen inside their township); leaving out the `OR` lets the inbox
        // index serve the query.
        scope.parenthesized()
    } else {
        Sql::any([scope, mine()])
    }
}

//! What a step's form names must exist where the event is: the department, the person, the
//! event a duplicate is merged into.

use diesel::OptionalExtension;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::core::EventCore;
use crate::accounts::SessionUser;
use crate::accounts::service::handlers;
use crate::error::{AppError, ErrorCode};
use crate::events::service::visible;
use crate::events::state::EventState;
use crate::permissions::codes;
use crate::sql::Sql;

pub(super) async fn department(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    department: i32,
) -> Result<(), AppError> {
    let n: i64 = {
        use crate::schema::departments;
        use diesel::{BoolExpressionMethods, ExpressionMethods, QueryDsl};
        departments::table
            .filter(departments::id.eq(department).and(departments::township_id.eq(township_id)))
            .count()
            .get_result(conn)
            .await?
    };
    if n == 0 { Err(AppError::field("department_id", ErrorCode::EventDepartmentUnknown)) } else { Ok(()) }
}

/// A person may be given an event if they handle events in its township.
pub(super) async fn assignee(conn: &mut AsyncPgConnection, township_id: i32, user_id: i64) -> Result<(), AppError> {
    if handlers::holds(conn, user_id, township_id, codes::EVENTS_HANDLE).await? {
        Ok(())
    } else {
        Err(AppError::field("assignee_id", ErrorCode::EventAssigneeUnknown))
    }
}

/// The event a duplicate is merged into: visible, running, not itself.
pub(super) async fn merge_target(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    event: &EventCore,
    number: &str,
) -> Result<i64, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Target {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        state: EventState,
    }
    let target: Option<Target> = Sql::new("SELECT e.id, e.state FROM events e WHERE e.number = ")
        .bind(number.to_uppercase())
        .push(" AND ")
        .append(visible(user))
        .query()
        .get_result(conn)
        .await
        .optional()?;
    match target {
        None => Err(AppError::field("merge_into", ErrorCode::EventMergeTargetUnknown)),
        Some(t) if t.id == event.id => Err(AppError::field("merge_into", ErrorCode::EventMergeIntoItself)),
        Some(t) if t.state.is_final() => Err(AppError::field("merge_into", ErrorCode::EventMergeTargetFinished)),
        Some(t) => Ok(t.id),
    }
}

//! Telling people: the reporter of each step, handlers of what is given to them, leaders of
//! escalations. Notifications are rows the user reads in the app (and a push channel could
//! deliver later); they are written in the same transaction as the step they announce.

use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::service::handlers;
use crate::error::AppError;

/// Who should hear about something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    User(i64),
    /// Everybody in a department.
    Department(i32),
    /// Everybody in the township holding a permission (e.g. dispatchers, leaders).
    Permission(crate::permissions::Permission),
}

pub async fn send(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    audience: &[Audience],
    event_id: i64,
    kind: &str,
    message: &str,
) -> Result<(), AppError> {
    let mut users = Vec::new();
    let mut departments = Vec::new();
    let mut permissions = Vec::new();
    for target in audience {
        match target {
            Audience::User(id) => users.push(*id),
            Audience::Department(id) => departments.push(*id),
            Audience::Permission(permission) => permissions.push(*permission),
        }
    }
    // Who they are is the accounts module's answer; the notifications are ours.
    let recipients = handlers::recipients(conn, township_id, &users, &departments, &permissions).await?;
    diesel::sql_query(
        "INSERT INTO notifications (township_id, user_id, event_id, kind, message) \
         SELECT $1, u, $2, $3, $4 FROM unnest($5::bigint[]) u",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Nullable<BigInt>, _>(Some(event_id))
    .bind::<Text, _>(kind)
    .bind::<Text, _>(message)
    .bind::<Array<BigInt>, _>(recipients)
    .execute(conn)
    .await?;
    Ok(())
}

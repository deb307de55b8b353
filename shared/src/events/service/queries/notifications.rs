//! The user's notifications (what the event loop told them).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::types::Notification;
use crate::schema::{events, notifications};

/// How many of the newest notifications the page lists.
const LATEST: i64 = 100;

/// The user's latest notifications, newest first.
pub async fn notifications(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<Notification>, AppError> {
    type Row = (i64, Option<String>, Option<i64>, String, String, Option<String>, DateTime<Utc>, Option<DateTime<Utc>>);
    let rows: Vec<Row> = notifications::table
        .left_join(events::table)
        .filter(notifications::user_id.eq(user.id))
        .order(notifications::id.desc())
        .limit(LATEST)
        .select((
            notifications::id,
            events::number.nullable(),
            notifications::event_id,
            notifications::kind,
            notifications::message,
            notifications::link,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, event_number, event_id, kind, message, link, created_at, read_at)| Notification {
            id,
            event_number,
            event_id,
            kind,
            message,
            link,
            created_at,
            read: read_at.is_some(),
        })
        .collect())
}

pub async fn mark_read(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<(), AppError> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user.id).and(notifications::read_at.is_null())),
    )
    .set(notifications::read_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    Ok(())
}

//! The `attachments` table: record an upload, find one for a viewer, link uploads to an
//! event, list an event's photos. Nothing else reads or writes it.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{EventPhoto, NewAttachment};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::schema::attachments;
use crate::sql::Sql;

/// Records a stored upload; its id.
pub async fn record(conn: &mut AsyncPgConnection, upload: &NewAttachment<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(attachments::table).values(upload).returning(attachments::id).get_result(conn).await?)
}

#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = Text)]
    storage_key: String,
}

/// The storage key of attachment `id` if `user` may see it: they uploaded it, or may see the
/// event it belongs to (the events module's own visibility rule). `None` otherwise, so that
/// a stranger cannot tell a hidden attachment from a missing one.
pub async fn visible_key(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    id: i64,
) -> Result<Option<String>, AppError> {
    let found: Option<Key> =
        Sql::new("SELECT a.storage_key FROM attachments a LEFT JOIN events e ON e.id = a.event_id WHERE a.id = ")
            .bind(id)
            .push(" AND (a.uploader_id = ")
            .bind(user.id)
            .push(" OR (e.id IS NOT NULL AND ")
            .append(crate::events::service::visible(user))
            .push("))")
            .query()
            .get_result(conn)
            .await
            .optional()?;
    Ok(found.map(|key| key.storage_key))
}

/// Links `ids` to step `step_id` of event `event_id`: only `uploader_id`'s own uploads that
/// belong to no event yet. The number linked; fewer than asked means some were not theirs
/// to link (or unknown), which the caller refuses.
pub async fn link_to_event(
    conn: &mut AsyncPgConnection,
    uploader_id: i64,
    event_id: i64,
    step_id: i64,
    ids: &[i64],
) -> Result<usize, AppError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let unlinked = attachments::table
        .filter(attachments::id.eq_any(ids))
        .filter(attachments::uploader_id.eq(uploader_id))
        .filter(attachments::event_id.is_null());
    Ok(diesel::update(unlinked)
        .set((attachments::event_id.eq(event_id), attachments::step_id.eq(step_id)))
        .execute(conn)
        .await?)
}

/// The photos of event `event_id`, oldest first.
pub async fn of_event(conn: &mut AsyncPgConnection, event_id: i64) -> Result<Vec<EventPhoto>, AppError> {
    Ok(attachments::table
        .filter(attachments::event_id.eq(event_id))
        .order(attachments::id)
        .select(EventPhoto::as_select())
        .load(conn)
        .await?)
}

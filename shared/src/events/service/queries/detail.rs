//! One event as its detail page shows it: the row, the timeline, photos, what the viewer may
//! do next, and possible duplicates.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Integer, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::rows::{EVENT_ROW_SQL, RawRow};
use crate::accounts::SessionUser;
use crate::attachments::service as attachments;
use crate::attachments::{EventPhoto, photo_url};
use crate::error::AppError;
use crate::events::service::duplicates;
use crate::events::service::steps::{load, may_take};
use crate::events::state::{Action, EventState};
use crate::events::tracking;
use crate::events::types::{EventDetail, Photo, StepRow};
use crate::permissions::codes;
use crate::personal::Column;
use crate::personal::service::open_text;
use crate::sql::Sql;

#[derive(diesel::QueryableByName)]
struct DetailExtra {
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Text)]
    address: String,
    #[diesel(sql_type = Integer)]
    category_id: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    department_id: Option<i32>,
    #[diesel(sql_type = Text)]
    contact_name: String,
    #[diesel(sql_type = Text)]
    contact_phone: String,
    #[diesel(sql_type = Nullable<SmallInt>)]
    satisfaction: Option<i16>,
    #[diesel(sql_type = Text)]
    feedback: String,
    #[diesel(sql_type = Nullable<Text>)]
    merged_into: Option<String>,
    #[diesel(sql_type = Text)]
    tracking_key: String,
    #[diesel(sql_type = Nullable<Text>)]
    merged_into_key: Option<String>,
}

#[derive(diesel::QueryableByName)]
struct RawStep {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    actor_name: String,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<Text>)]
    from_state: Option<EventState>,
    #[diesel(sql_type = Text)]
    to_state: EventState,
    #[diesel(sql_type = Text)]
    note: String,
    #[diesel(sql_type = Nullable<Text>)]
    department: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    assignee: Option<String>,
    #[diesel(sql_type = BigInt)]
    spent_seconds: i64,
}

/// One event with its timeline, photos, what the viewer may do and possible duplicates
/// (within the configured `window`, `Settings::duplicate_window`).
pub async fn detail(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    id: i64,
    window: duplicates::DuplicateWindow,
) -> Result<EventDetail, AppError> {
    let core = load(conn, user, id).await?;
    let row: RawRow = Sql::new(EVENT_ROW_SQL).push(" WHERE e.id = ").bind(id).query().get_result(conn).await?;
    let extra: DetailExtra = diesel::sql_query(
        "SELECT e.description, e.address, e.category_id, e.department_id, e.contact_name, e.contact_phone, \
                e.satisfaction, e.feedback, m.number AS merged_into, e.tracking_key, m.tracking_key AS merged_into_key \
         FROM events e LEFT JOIN events m ON m.id = e.merged_into WHERE e.id = $1",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await?;
    let steps: Vec<RawStep> = diesel::sql_query(
        "SELECT s.id, s.at, s.actor_name, s.action, s.from_state, s.to_state, s.note, d.name AS department, \
                u.display_name AS assignee, s.spent_seconds \
         FROM event_steps s LEFT JOIN departments d ON d.id = s.department_id LEFT JOIN users u ON u.id = s.assignee_id \
         WHERE s.event_id = $1 ORDER BY s.id",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    // The photos are the attachments module's: asked, not read.
    let photos = attachments::of_event(conn, id).await?;
    let photo = |p: &EventPhoto| Photo { id: p.id, url: photo_url(p.id), width: p.width, height: p.height };
    let first_step = <[RawStep]>::first(&steps).map(|s| s.id);
    let is_reporter = core.reporter_id == Some(user.id);
    let personal = user.can(codes::PERSONAL_DATA_VIEW) || is_reporter;
    let actions: Vec<Action> = Action::ALL.into_iter().filter(|a| may_take(user, &core, *a)).collect();
    let row = row.into_row();
    let contact_phone = open_text(Column::EventContactPhone, &extra.contact_phone)?;
    let duplicates = if user.can(codes::EVENTS_ACCEPT) && !row.state.is_final() {
        duplicates::candidates(conn, user, id, window).await?
    } else {
        Vec::new()
    };
    Ok(EventDetail {
        description: extra.description,
        address: extra.address,
        category_id: extra.category_id,
        department_id: extra.department_id,
        contact_name: if personal { extra.contact_name } else { mask_name(&extra.contact_name) },
        contact_phone: if personal { contact_phone } else { crate::codes::mobile::mask(&contact_phone) },
        is_reporter,
        // The reporter follows by tracking code (their own, and the merged-into event's);
        // staff by the readable number.
        tracking_code: is_reporter.then(|| tracking::code(&row.number, &extra.tracking_key)),
        merged_into: match (is_reporter, extra.merged_into, extra.merged_into_key) {
            (true, Some(number), Some(key)) => Some(tracking::code(&number, &key)),
            (_, number, _) => number,
        },
        satisfaction: extra.satisfaction,
        feedback: extra.feedback,
        photos: photos.iter().filter(|p| p.step_id == first_step || p.step_id.is_none()).map(photo).collect(),
        steps: steps
            .into_iter()
            .map(|s| StepRow {
                photos: photos
                    .iter()
                    .filter(|p| p.step_id == Some(s.id) && Some(s.id) != first_step)
                    .map(photo)
                    .collect(),
                id: s.id,
                at: s.at,
                actor: s.actor_name,
                action: s.action,
                from_state: s.from_state,
                to_state: s.to_state,
                note: s.note,
                department: s.department,
                assignee: s.assignee,
                spent_seconds: s.spent_seconds,
            })
            .collect(),
        actions,
        duplicates,
        row,
    })
}

fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

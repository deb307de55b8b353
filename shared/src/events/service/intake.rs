//! One intake for every channel: validate, locate (village and grid), route (department),
//! number, deadline, the first step of the timeline, photos linked — in one transaction.
//! A draft sent again by the same user with the same `client_ref` returns the event it
//! already made; another user's `client_ref` is not theirs to see (migration 000007 makes
//! the key unique per sender, `created_by`).

use chrono::{DateTime, Datelike, Utc};
use diesel::OptionalExtension;
use diesel::sql_types::{BigInt, Bool, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{catalog, routing, work_calendar};
use crate::accounts::{SessionUser, UserKind};
use crate::error::{AppError, ErrorCode};
use crate::events::state::{Action, EventState};
use crate::events::tracking;
use crate::events::types::{Channel, NewEvent, Priority, Reported};
use crate::permissions::codes;
use crate::personal::Column;
use crate::personal::service::seal_text;

/// Whether this user may report through this channel.
fn channel_allowed(user: &SessionUser, channel: Channel) -> bool {
    match channel {
        Channel::Public => user.can(codes::EVENTS_REPORT),
        Channel::Patrol => user.can(codes::EVENTS_REPORT) && user.kind == UserKind::Staff,
        Channel::SelfResolved => user.can(codes::EVENTS_REPORT) && user.can(codes::EVENTS_HANDLE),
        Channel::Hotline | Channel::WalkIn => user.can(codes::EVENTS_ENTER),
        // Upper-level instructions, sensor alarms and Open311 clients come through the
        // service layer only (`file_for_system`).
        Channel::Superior | Channel::Sensor | Channel::Open311 => false,
    }
}

#[derive(diesel::QueryableByName)]
struct Existing {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    tracking_key: String,
}

impl Existing {
    fn reported(self, created: bool) -> Reported {
        let tracking_code = tracking::code(&self.number, &self.tracking_key);
        Reported { id: self.id, number: self.number, tracking_code, created }
    }
}

#[derive(diesel::QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    last: i64,
}

pub fn format_number(year: i32, n: i64) -> String {
    format!("TG-{year}-{n:06}")
}

/// Files a report. Photos must have been uploaded by the same user and not be used yet.
pub async fn report(conn: &mut AsyncPgConnection, user: &SessionUser, form: &NewEvent) -> Result<Reported, AppError> {
    form.validate()?;
    let channel =
        Channel::parse(&form.channel).ok_or_else(|| AppError::field("channel", ErrorCode::EventChannelUnknown))?;
    if !channel_allowed(user, channel) {
        return Err(AppError::field("channel", ErrorCode::EventChannelNotAllowed));
    }
    let priority = Priority::parse(&form.priority).unwrap_or_default();
    // The public cannot raise priority: staff judge urgency.
    let priority = if user.kind == UserKind::Staff { priority } else { Priority::Normal };
    let client_ref = form.client_ref.trim();
    if !client_ref.is_empty()
        && let Some(existing) = by_client_ref(conn, user, client_ref).await?
    {
        return Ok(existing);
    }
    let (contact_name, contact_phone) = if channel.is_staff_entry() {
        (form.contact_name.trim().to_owned(), form.contact_phone.trim().to_owned())
    } else if user.kind == UserKind::Staff {
        (String::new(), String::new())
    } else {
        let name = if form.contact_name.trim().is_empty() {
            user.display_name.clone()
        } else {
            form.contact_name.trim().into()
        };
        (name, form.contact_phone.trim().to_owned())
    };
    let origin = Origin {
        township_id: user.township_id,
        created_by: Some(user.id),
        // Staff entering a call report for the citizen; the citizen is the reporter otherwise.
        reporter: (!channel.is_staff_entry()).then_some(user.id),
        actor_name: user.display_name.clone(),
        contact_name,
        contact_phone,
        deadline: None,
    };
    let client_ref = client_ref.to_owned();
    let reported = file(conn, &origin, form, channel, priority, &client_ref).await;
    match reported {
        // Two copies of a draft raced each other: the other one made the event.
        Err(AppError::Conflict(ErrorCode::EventDuplicateDraft)) => {
            by_client_ref(conn, user, &client_ref).await?.ok_or(AppError::Internal)
        }
        other => other,
    }
}

/// Who files an event that no signed-in user reports: a system of the service layer (an
/// Open311 client, the upper-level platform, a sensor's alarm rule) in one township.
#[derive(Debug, Clone)]
pub struct SystemFiler {
    pub township_id: i32,
    pub channel: Channel,
    /// Shown as the actor of the event's first step (`开放接口 · 随手拍`).
    pub name: String,
    /// The sender's deadline, where it sets one (an upper platform's instruction); else the
    /// category's.
    pub deadline: Option<DateTime<Utc>>,
}

/// Files an event for a system of the service layer: the same validation, location, routing,
/// numbering and first step as a user's report, in one transaction (nested in the caller's,
/// so that what the caller records beside the event is written with it or not at all).
pub async fn file_for_system(
    conn: &mut AsyncPgConnection,
    filer: &SystemFiler,
    form: &NewEvent,
) -> Result<Reported, AppError> {
    let form = NewEvent {
        channel: filer.channel.as_str().into(),
        client_ref: String::new(),
        attachments: Vec::new(),
        ..form.clone()
    };
    form.validate()?;
    if !matches!(filer.channel, Channel::Superior | Channel::Sensor | Channel::Open311) {
        return Err(AppError::field("channel", ErrorCode::EventChannelNotAllowed));
    }
    let priority = Priority::parse(&form.priority).unwrap_or_default();
    let origin = Origin {
        township_id: filer.township_id,
        created_by: None,
        reporter: None,
        actor_name: filer.name.clone(),
        contact_name: form.contact_name.trim().to_owned(),
        contact_phone: form.contact_phone.trim().to_owned(),
        deadline: filer.deadline,
    };
    file(conn, &origin, &form, filer.channel, priority, "").await
}

/// Who an event comes from, as the intake records it.
struct Origin {
    township_id: i32,
    /// The signed-in sender (`None` for a system of the service layer).
    created_by: Option<i64>,
    /// The citizen who follows it in "my reports".
    reporter: Option<i64>,
    actor_name: String,
    contact_name: String,
    contact_phone: String,
    deadline: Option<DateTime<Utc>>,
}

impl Origin {
    fn actor(&self) -> StepActor<'_> {
        StepActor { id: self.created_by, name: &self.actor_name }
    }
}

/// Locates, routes, numbers and stores a validated report with its first steps.
async fn file(
    conn: &mut AsyncPgConnection,
    origin: &Origin,
    form: &NewEvent,
    channel: Channel,
    priority: Priority,
    client_ref: &str,
) -> Result<Reported, AppError> {
    let category = catalog::category_by_id(conn, form.category_id).await?;
    if !category.active || category.parent_id.is_none() {
        return Err(AppError::field("category_id", ErrorCode::EventCategoryUnknown));
    }
    let (lat, lng) = (form.lat.unwrap_or_default(), form.lng.unwrap_or_default());
    let place = routing::locate(conn, origin.township_id, lat, lng).await?;
    let department = routing::route(conn, origin.township_id, category.id, place).await?;
    let calendar = work_calendar::load(conn).await?;
    let now = Utc::now();
    let deadline =
        origin.deadline.unwrap_or_else(|| calendar.add_working_minutes(now, i64::from(category.hours(priority)) * 60));
    let placed = Placed { channel, priority, place, department, deadline, now };
    conn.transaction::<_, AppError, _>(async |conn| insert(conn, origin, form, &placed, client_ref).await).await
}

/// The event this user already made from this draft (never another user's).
async fn by_client_ref(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    client_ref: &str,
) -> Result<Option<Reported>, AppError> {
    let existing: Option<Existing> =
        diesel::sql_query("SELECT id, number, tracking_key FROM events WHERE created_by = $1 AND client_ref = $2")
            .bind::<BigInt, _>(user.id)
            .bind::<Text, _>(client_ref)
            .get_result(conn)
            .await
            .optional()?;
    Ok(existing.map(|e| e.reported(false)))
}

/// Where and how an event is filed: worked out before its transaction.
struct Placed {
    channel: Channel,
    priority: Priority,
    place: routing::Place,
    department: Option<i32>,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
}

async fn insert(
    conn: &mut AsyncPgConnection,
    origin: &Origin,
    form: &NewEvent,
    placed: &Placed,
    client_ref: &str,
) -> Result<Reported, AppError> {
    let Placed { channel, priority, place, department, deadline, now } = *placed;
    let year = now.with_timezone(&crate::events::calendar::china()).year();
    // One sequence per year (migration 000004): no lock held to the commit, so reports are
    // numbered concurrently.
    let counter: Counter = diesel::sql_query("SELECT nextval(event_number_sequence($1)) AS last")
        .bind::<Integer, _>(year)
        .get_result(conn)
        .await?;
    let number = format_number(year, counter.last);
    let self_resolved = channel == Channel::SelfResolved;
    let state = if self_resolved { EventState::Closed } else { EventState::Reported };
    let closed_at = self_resolved.then_some(now);
    // The reporter's number is personal data: kept only sealed.
    let contact_phone = seal_text(Column::EventContactPhone, &origin.contact_phone)?;
    let inserted: Option<Existing> = diesel::sql_query(
        "INSERT INTO events (township_id, number, client_ref, channel, category_id, priority, title, description, \
            address, location, village_id, grid_id, department_id, state, reporter_id, contact_name, contact_phone, \
            created_by, reported_at, deadline, handled_at, closed_at, assignee_id) \
         VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, ST_SetSRID(ST_MakePoint($10, $11), 4326), $12, $13, \
            $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $23) \
         ON CONFLICT (created_by, client_ref) DO NOTHING RETURNING id, number, tracking_key",
    )
    .bind::<Integer, _>(origin.township_id)
    .bind::<Text, _>(&number)
    .bind::<Text, _>(client_ref)
    .bind::<Text, _>(channel.as_str())
    .bind::<Integer, _>(form.category_id)
    .bind::<Text, _>(priority.as_str())
    .bind::<Text, _>(form.title.trim())
    .bind::<Text, _>(form.description.trim())
    .bind::<Text, _>(form.address.trim())
    .bind::<Double, _>(form.lng.unwrap_or_default())
    .bind::<Double, _>(form.lat.unwrap_or_default())
    .bind::<Integer, _>(place.village_id)
    .bind::<Integer, _>(place.grid_id)
    .bind::<Nullable<Integer>, _>(department)
    .bind::<Text, _>(state.as_str())
    .bind::<Nullable<BigInt>, _>(origin.reporter)
    .bind::<Text, _>(&origin.contact_name)
    .bind::<Text, _>(&contact_phone)
    .bind::<Nullable<BigInt>, _>(origin.created_by)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(deadline)
    .bind::<Nullable<Timestamptz>, _>(closed_at)
    .bind::<Nullable<BigInt>, _>(if self_resolved { origin.created_by } else { None })
    .get_result(conn)
    .await
    .optional()?;
    let Some(event) = inserted else {
        return Err(AppError::Conflict(ErrorCode::EventDuplicateDraft));
    };
    let step = |action, from, to, note, department| NewStep {
        event_id: event.id,
        action,
        from,
        to,
        note,
        department,
        spent_seconds: 0,
        at: now,
    };
    let first_step =
        add_step(conn, origin.actor(), &step("report", None, EventState::Reported, "", department)).await?;
    if let Some(uploader) = origin.created_by {
        link_photos(conn, uploader, event.id, first_step, &form.attachments).await?;
    }
    if self_resolved {
        let resolution = form.resolution.trim();
        let handled = step(Action::Handle.as_str(), Some(EventState::Reported), EventState::Handled, resolution, None);
        add_step(conn, origin.actor(), &handled).await?;
        let closed = step(Action::Close.as_str(), Some(EventState::Handled), EventState::Closed, "", None);
        add_step(conn, origin.actor(), &closed).await?;
    }
    Ok(event.reported(true))
}

#[derive(diesel::QueryableByName)]
struct AddedStep {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// One step for the timeline.
pub struct NewStep<'a> {
    pub event_id: i64,
    /// The action's code (`Action::as_str`, or `report` for the first step).
    pub action: &'static str,
    pub from: Option<EventState>,
    pub to: EventState,
    pub note: &'a str,
    pub department: Option<i32>,
    /// Time since the previous step, in seconds.
    pub spent_seconds: i64,
    pub at: DateTime<Utc>,
}

/// Who took a step: a user, or a system (no id) by the name the timeline shows.
#[derive(Debug, Clone, Copy)]
pub struct StepActor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
}

impl<'a> From<&'a SessionUser> for StepActor<'a> {
    fn from(user: &'a SessionUser) -> Self {
        Self { id: (user.id > 0).then_some(user.id), name: &user.display_name }
    }
}

/// Appends one step to the timeline and returns its id. A step that changes the event's
/// state is queued for the audit log (R-9.3.1: every state change of an event) by the same
/// statement, with the request's address: the record is appended after the commit, in a batch
/// (`step_audit`), so a step is never kept without its record to come.
pub async fn add_step(conn: &mut AsyncPgConnection, actor: StepActor<'_>, step: &NewStep<'_>) -> Result<i64, AppError> {
    let added: AddedStep = diesel::sql_query(
        "WITH event AS (SELECT township_id, id, number FROM events WHERE id = $1), \
              step AS (INSERT INTO event_steps (township_id, event_id, at, actor_id, actor_name, action, from_state, \
                          to_state, note, department_id, spent_seconds) \
                       SELECT township_id, id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM event RETURNING id), \
              queued AS (INSERT INTO event_step_audit_queue (step_id, ip) SELECT id, $11 FROM step WHERE $12) \
         SELECT id FROM step",
    )
    .bind::<BigInt, _>(step.event_id)
    .bind::<Timestamptz, _>(step.at)
    .bind::<Nullable<BigInt>, _>(actor.id)
    .bind::<Text, _>(actor.name)
    .bind::<Text, _>(step.action)
    .bind::<Nullable<Text>, _>(step.from)
    .bind::<Text, _>(step.to)
    .bind::<Text, _>(step.note)
    .bind::<Nullable<Integer>, _>(step.department)
    .bind::<BigInt, _>(step.spent_seconds)
    .bind::<Text, _>(crate::audit::origin::current())
    .bind::<Bool, _>(step.from != Some(step.to))
    .get_result(conn)
    .await?;
    Ok(added.id)
}

/// Attaches uploaded photos to an event step. Only the uploader's own, unused photos.
pub async fn link_photos(
    conn: &mut AsyncPgConnection,
    uploader: i64,
    event_id: i64,
    step_id: i64,
    ids: &[i64],
) -> Result<(), AppError> {
    // The attachments are that module's: it links only the user's own, unlinked uploads.
    let linked = crate::attachments::service::link_to_event(conn, uploader, event_id, step_id, ids).await?;
    if linked != ids.len() {
        return Err(AppError::field("attachments", ErrorCode::EventPhotoUnknown));
    }
    Ok(())
}

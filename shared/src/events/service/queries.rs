//! Reading events: the inbox with its filters, "my tasks", the detail with its timeline,
//! the public tracking page, the command map, notifications.

use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use diesel::sql_types::{Array, BigInt, Bool, Double, Integer, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::steps::{load, may_take};
use super::{duplicates, visible_sql};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::state::{Action, EventState};
use crate::events::tracking;
use crate::events::types::{
    Channel, EventDetail, EventFilter, EventMap, EventRow, Notification, Photo, Priority, PublicEvent, StateCounts,
    StepRow, WorkerPosition,
};
use crate::paging::{DEFAULT_PER_PAGE, MAX_PER_PAGE, Page};
use crate::permissions::codes;

pub(crate) const EVENT_ROW_SQL: &str = "SELECT e.id, e.number, e.title, e.channel, c.name AS category, e.priority, \
       e.state, v.name AS village, g.name AS grid, d.name AS department, a.display_name AS assignee, e.reported_at, \
       e.deadline, e.escalation, e.supervised, ST_Y(e.location) AS lat, ST_X(e.location) AS lng, e.version \
     FROM events e JOIN event_categories c ON c.id = e.category_id JOIN villages v ON v.id = e.village_id \
     JOIN grids g ON g.id = e.grid_id LEFT JOIN departments d ON d.id = e.department_id \
     LEFT JOIN users a ON a.id = e.assignee_id";

#[derive(diesel::QueryableByName)]
pub(crate) struct RawRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    channel: String,
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = Text)]
    priority: String,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Text)]
    grid: String,
    #[diesel(sql_type = Nullable<Text>)]
    department: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    assignee: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    reported_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    deadline: DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    escalation: i32,
    #[diesel(sql_type = Bool)]
    supervised: bool,
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
    #[diesel(sql_type = Integer)]
    version: i32,
}

impl RawRow {
    pub(crate) fn into_row(self) -> EventRow {
        EventRow {
            id: self.id,
            number: self.number,
            title: self.title,
            channel: Channel::parse(&self.channel).unwrap_or(Channel::Public),
            category: self.category,
            priority: Priority::parse(&self.priority).unwrap_or_default(),
            state: EventState::parse(&self.state).unwrap_or(EventState::Reported),
            village: self.village,
            grid: self.grid,
            department: self.department,
            assignee: self.assignee,
            reported_at: self.reported_at,
            deadline: self.deadline,
            escalation: self.escalation,
            supervised: self.supervised,
            lat: self.lat,
            lng: self.lng,
            version: self.version,
            tracking_code: None,
        }
    }
}

const RUNNING: &str = "e.state NOT IN ('closed', 'rejected', 'merged', 'suspended')";

/// "My tasks": events on which the user can take the next step.
fn tasks_sql(user: &SessionUser) -> String {
    let mut parts = Vec::new();
    if user.can(codes::EVENTS_HANDLE) {
        let department = user.department_id.map(|d| format!(" OR (e.assignee_id IS NULL AND e.department_id = {d})"));
        parts.push(format!(
            "(e.state IN ('dispatched', 'handling') AND (e.assignee_id = {}{}))",
            user.id,
            department.unwrap_or_default()
        ));
    }
    if user.can(codes::EVENTS_VERIFY) {
        parts.push("e.state = 'handled'".into());
    }
    if user.can(codes::EVENTS_ACCEPT) {
        parts.push("e.state = 'reported'".into());
    }
    if user.can(codes::EVENTS_DISPATCH) {
        parts.push("e.state IN ('accepted', 'returned', 'reopened')".into());
    }
    if user.can(codes::EVENTS_CLOSE) {
        parts.push("e.state = 'verified'".into());
    }
    if parts.is_empty() { "FALSE".into() } else { format!("({})", parts.join(" OR ")) }
}

/// The WHERE clause of a filter. Everything but the free text is an id, a date or a
/// value checked against a closed list, so it is formatted in; the text is bound as $1.
pub(crate) async fn filter_conditions(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
) -> Result<String, AppError> {
    filter.validate()?;
    let categories = match filter.category_id {
        Some(id) => Some(category_and_children(conn, id).await?),
        None => None,
    };
    Ok(conditions_sql(user, filter, categories.as_deref()))
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

fn conditions_sql(user: &SessionUser, filter: &EventFilter, categories: Option<&[i32]>) -> String {
    let mut parts = vec![visible_sql(user)];
    match filter.state.as_str() {
        "" => {}
        "open" => parts.push("e.state NOT IN ('closed', 'rejected', 'merged')".into()),
        "overdue" => parts.push(format!("{RUNNING} AND e.deadline < now()")),
        "due_soon" => parts.push(format!(
            "{RUNNING} AND e.deadline >= now() AND e.deadline < now() + interval '{} minutes'",
            crate::events::types::WARNING_MINUTES
        )),
        "escalated" => parts.push("e.escalation > 0 AND e.state NOT IN ('closed', 'rejected', 'merged')".into()),
        "supervised" => parts.push("e.supervised AND e.state NOT IN ('closed', 'rejected', 'merged')".into()),
        other => match EventState::parse(other) {
            Some(state) => parts.push(format!("e.state = '{}'", state.as_str())),
            None => parts.push("FALSE".into()),
        },
    }
    match categories {
        None => {}
        Some([]) => parts.push("FALSE".into()),
        Some([id]) => parts.push(format!("e.category_id = {id}")),
        Some(ids) => {
            parts.push(format!("e.category_id IN ({})", ids.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")))
        }
    }
    if let Some(id) = filter.village_id {
        parts.push(format!("e.village_id = {id}"));
    }
    if let Some(id) = filter.grid_id {
        parts.push(format!("e.grid_id = {id}"));
    }
    if let Some(id) = filter.department_id {
        parts.push(format!("e.department_id = {id}"));
    }
    if let Some(channel) = Channel::parse(&filter.channel) {
        parts.push(format!("e.channel = '{}'", channel.as_str()));
    }
    if let Some(from) = filter.from {
        parts.push(format!("e.reported_at >= '{from}'::date AT TIME ZONE 'Asia/Shanghai'"));
    }
    if let Some(to) = filter.to {
        parts.push(format!("e.reported_at < ('{to}'::date + 1) AT TIME ZONE 'Asia/Shanghai'"));
    }
    if filter.mine {
        parts.push(tasks_sql(user));
    }
    if !filter.q.trim().is_empty() {
        parts.push("(e.number ILIKE $1 OR e.title ILIKE $1 OR e.address ILIKE $1)".into());
    }
    parts.join(" AND ")
}

pub(crate) fn pattern(q: &str) -> String {
    let escaped = q.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The inbox: newest first (or soonest deadline first), 50 a page at most.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    by_deadline: bool,
) -> Result<Page<EventRow>, AppError> {
    if !user.can(codes::EVENTS_VIEW) && !filter.mine {
        return Err(AppError::Forbidden);
    }
    let per_page = if filter.per_page <= 0 { DEFAULT_PER_PAGE } else { filter.per_page.min(MAX_PER_PAGE) };
    let page = filter.page.max(1);
    let conditions = filter_conditions(conn, user, filter).await?;
    let order = if by_deadline { "e.deadline, e.id" } else { "e.reported_at DESC, e.id DESC" };
    let pattern = pattern(&filter.q);
    let rows: Vec<RawRow> = diesel::sql_query(format!(
        "{EVENT_ROW_SQL} WHERE {conditions} ORDER BY {order} LIMIT {per_page} OFFSET {}",
        (page - 1) * per_page
    ))
    .bind::<Text, _>(&pattern)
    .load(conn)
    .await?;
    // The conditions read only the event's own columns, and every event has a category: the
    // count needs no join (less to plan and run on every page).
    let total: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM events e WHERE {conditions}"))
        .bind::<Text, _>(&pattern)
        .get_result(conn)
        .await?;
    Ok(Page { rows: rows.into_iter().map(RawRow::into_row).collect(), total: total.n, page, per_page })
}

/// Every row of a filter, for exports (bounded, newest first).
pub async fn export_rows(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    limit: i64,
) -> Result<Vec<EventRow>, AppError> {
    if !user.can(codes::EVENTS_STATS) && !user.can(codes::EVENTS_VIEW) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<RawRow> = diesel::sql_query(format!(
        "{EVENT_ROW_SQL} WHERE {} ORDER BY e.reported_at DESC, e.id DESC LIMIT {limit}",
        filter_conditions(conn, user, filter).await?
    ))
    .bind::<Text, _>(pattern(&filter.q))
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(RawRow::into_row).collect())
}

/// How many events the command map draws at most (the newest of the filter); the answer
/// says how many more there are, and the page says so with a link to the list of them all.
pub const MAP_LIMIT: i64 = 20_000;

/// Running events for the command map (lightweight rows): the newest `limit` of the filter
/// and, beside them, how many the filter matches in all. The count reads the same
/// conditions (the partial index of running events serves both), and only when the limit
/// was reached: below it the rows are all there is.
pub async fn map_events(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    limit: i64,
) -> Result<EventMap, AppError> {
    require_dispatch_or_view(user)?;
    let limit = limit.max(1);
    let mut filter = filter.clone();
    if filter.state.is_empty() {
        filter.state = "open".into();
    }
    let conditions = filter_conditions(conn, user, &filter).await?;
    let pattern = pattern(&filter.q);
    let rows: Vec<RawRow> = diesel::sql_query(format!(
        "{EVENT_ROW_SQL} WHERE {conditions} ORDER BY e.reported_at DESC, e.id DESC LIMIT {limit}"
    ))
    .bind::<Text, _>(&pattern)
    .load(conn)
    .await?;
    let total = if (rows.len() as i64) < limit {
        rows.len() as i64
    } else {
        // As in `list`: the conditions read only the event's own columns, so no join.
        let count: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM events e WHERE {conditions}"))
            .bind::<Text, _>(&pattern)
            .get_result(conn)
            .await?;
        count.n.max(rows.len() as i64)
    };
    Ok(EventMap { events: rows.into_iter().map(RawRow::into_row).collect(), total })
}

fn require_dispatch_or_view(user: &SessionUser) -> Result<(), AppError> {
    if user.can(codes::EVENTS_VIEW) { Ok(()) } else { Err(AppError::Forbidden) }
}

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
    from_state: Option<String>,
    #[diesel(sql_type = Text)]
    to_state: String,
    #[diesel(sql_type = Text)]
    note: String,
    #[diesel(sql_type = Nullable<Text>)]
    department: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    assignee: Option<String>,
    #[diesel(sql_type = BigInt)]
    spent_seconds: i64,
}

#[derive(diesel::QueryableByName)]
struct RawPhoto {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    step_id: Option<i64>,
    #[diesel(sql_type = Integer)]
    width: i32,
    #[diesel(sql_type = Integer)]
    height: i32,
}

pub fn photo_url(id: i64) -> String {
    format!("/api/photos/{id}")
}

/// One event with its timeline, photos, what the viewer may do and possible duplicates.
pub async fn detail(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<EventDetail, AppError> {
    let core = load(conn, user, id).await?;
    let row: RawRow =
        diesel::sql_query(format!("{EVENT_ROW_SQL} WHERE e.id = $1")).bind::<BigInt, _>(id).get_result(conn).await?;
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
    let photos: Vec<RawPhoto> =
        diesel::sql_query("SELECT id, step_id, width, height FROM attachments WHERE event_id = $1 ORDER BY id")
            .bind::<BigInt, _>(id)
            .load(conn)
            .await?;
    let photo = |p: &RawPhoto| Photo { id: p.id, url: photo_url(p.id), width: p.width, height: p.height };
    let first_step = <[RawStep]>::first(&steps).map(|s| s.id);
    let is_reporter = core.reporter_id == Some(user.id);
    let personal = user.can(codes::PERSONAL_DATA_VIEW) || is_reporter;
    let actions: Vec<Action> = Action::ALL.into_iter().filter(|a| may_take(user, &core, *a)).collect();
    let row = row.into_row();
    let duplicates = if user.can(codes::EVENTS_ACCEPT) && !row.state.is_final() {
        duplicates::candidates(conn, user, id, duplicates::DuplicateWindow::from_env()).await?
    } else {
        Vec::new()
    };
    Ok(EventDetail {
        description: extra.description,
        address: extra.address,
        category_id: extra.category_id,
        department_id: extra.department_id,
        contact_name: if personal { extra.contact_name } else { mask_name(&extra.contact_name) },
        contact_phone: if personal { extra.contact_phone } else { crate::codes::mobile::mask(&extra.contact_phone) },
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
                from_state: s.from_state.as_deref().and_then(EventState::parse),
                to_state: EventState::parse(&s.to_state).unwrap_or(EventState::Reported),
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

#[derive(diesel::QueryableByName)]
struct PublicRaw {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Timestamptz)]
    reported_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    merged_into: Option<String>,
}

#[derive(diesel::QueryableByName)]
struct PublicStep {
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    to_state: String,
}

/// The public tracking page: anyone with the tracking code (number and key, see
/// [`tracking`](crate::events::tracking)) sees the progress, never a name, a phone number, a
/// note or a photo. The bare number, a wrong key and a number that does not exist all get
/// the same "not found": nothing tells a guesser which part was wrong.
pub async fn track(conn: &mut AsyncPgConnection, code: &str) -> Result<PublicEvent, AppError> {
    let (number, key) = tracking::split(code).ok_or(AppError::NotFound)?;
    // The merged-into event's code: its reporter follows the event that goes on.
    let event: PublicRaw = diesel::sql_query(
        "SELECT e.id, e.number, e.title, c.name AS category, e.state, v.name AS village, e.reported_at, e.closed_at, \
                m.number || '-' || m.tracking_key AS merged_into \
         FROM events e JOIN event_categories c ON c.id = e.category_id JOIN villages v ON v.id = e.village_id \
         LEFT JOIN events m ON m.id = e.merged_into WHERE e.number = $1 AND e.tracking_key = $2",
    )
    .bind::<Text, _>(&number)
    .bind::<Text, _>(&key)
    .get_result(conn)
    .await
    .optional()?
    .ok_or(AppError::NotFound)?;
    let steps: Vec<PublicStep> =
        diesel::sql_query("SELECT at, action, to_state FROM event_steps WHERE event_id = $1 ORDER BY id")
            .bind::<BigInt, _>(event.id)
            .load(conn)
            .await?;
    Ok(PublicEvent {
        number: event.number,
        title: event.title,
        category: event.category,
        state: EventState::parse(&event.state).unwrap_or(EventState::Reported),
        village: event.village,
        reported_at: event.reported_at,
        closed_at: event.closed_at,
        merged_into: event.merged_into,
        steps: steps
            .into_iter()
            .map(|s| (s.at, s.action, EventState::parse(&s.to_state).unwrap_or(EventState::Reported)))
            .collect(),
    })
}

/// What the user reported themselves, newest first.
pub async fn my_reports(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    page: i64,
) -> Result<Page<EventRow>, AppError> {
    crate::paging::check_page(page, 0, "")?;
    let per_page = DEFAULT_PER_PAGE;
    let page = page.max(1);
    let rows: Vec<RawRow> = diesel::sql_query(format!(
        "{EVENT_ROW_SQL} WHERE e.reporter_id = $1 ORDER BY e.reported_at DESC, e.id DESC LIMIT {per_page} OFFSET {}",
        (page - 1) * per_page
    ))
    .bind::<BigInt, _>(user.id)
    .load(conn)
    .await?;
    let total: Count = diesel::sql_query("SELECT count(*) AS n FROM events WHERE reporter_id = $1")
        .bind::<BigInt, _>(user.id)
        .get_result(conn)
        .await?;
    // The reporter's own tracking codes, to copy and pass on.
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let codes: Vec<TrackingCode> = diesel::sql_query(
        "SELECT id, number || '-' || tracking_key AS code FROM events WHERE reporter_id = $1 AND id = ANY($2)",
    )
    .bind::<BigInt, _>(user.id)
    .bind::<Array<BigInt>, _>(&ids)
    .load(conn)
    .await?;
    let rows = rows
        .into_iter()
        .map(|raw| {
            let mut row = raw.into_row();
            row.tracking_code = codes.iter().find(|c| c.id == row.id).map(|c| c.code.clone());
            row
        })
        .collect();
    Ok(Page { rows, total: total.n, page, per_page })
}

#[derive(diesel::QueryableByName)]
struct TrackingCode {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    code: String,
}

#[derive(diesel::QueryableByName)]
struct RawCounts {
    #[diesel(sql_type = BigInt)]
    open: i64,
    #[diesel(sql_type = BigInt)]
    reported: i64,
    #[diesel(sql_type = BigInt)]
    overdue: i64,
    #[diesel(sql_type = BigInt)]
    due_soon: i64,
    #[diesel(sql_type = BigInt)]
    escalated: i64,
    #[diesel(sql_type = BigInt)]
    closed_today: i64,
}

/// Counts for the inbox's tabs, the dashboard and the big screen.
pub async fn counts(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<StateCounts, AppError> {
    require_dispatch_or_view(user)?;
    let c: RawCounts = diesel::sql_query(format!(
        "SELECT count(*) FILTER (WHERE e.state NOT IN ('closed', 'rejected', 'merged')) AS open, \
                count(*) FILTER (WHERE e.state = 'reported') AS reported, \
                count(*) FILTER (WHERE {RUNNING} AND e.deadline < now()) AS overdue, \
                count(*) FILTER (WHERE {RUNNING} AND e.deadline >= now() \
                                  AND e.deadline < now() + interval '{} minutes') AS due_soon, \
                count(*) FILTER (WHERE e.escalation > 0 AND e.state NOT IN ('closed', 'rejected', 'merged')) AS escalated, \
                count(*) FILTER (WHERE e.state = 'closed' AND e.closed_at >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai') AS closed_today \
         FROM events e WHERE (e.state NOT IN ('closed', 'rejected', 'merged') OR e.closed_at >= now() - interval '1 day') AND {}",
        crate::events::types::WARNING_MINUTES,
        visible_sql(user)
    ))
    .get_result(conn)
    .await?;
    Ok(StateCounts {
        open: c.open,
        reported: c.reported,
        overdue: c.overdue,
        due_soon: c.due_soon,
        escalated: c.escalated,
        closed_today: c.closed_today,
    })
}

#[derive(diesel::QueryableByName)]
struct RawWorker {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
}

/// Grid workers' last known positions in the viewer's township (the last 12 hours).
pub async fn workers(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<WorkerPosition>, AppError> {
    if !user.can(codes::EVENTS_DISPATCH) && !user.can(codes::EVENTS_SUPERVISE) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<RawWorker> = diesel::sql_query(
        "SELECT p.user_id, u.display_name AS name, ST_Y(p.location) AS lat, ST_X(p.location) AS lng, p.at \
         FROM worker_positions p JOIN users u ON u.id = p.user_id \
         WHERE p.township_id = $1 AND p.at > now() - interval '12 hours' ORDER BY u.display_name",
    )
    .bind::<Integer, _>(user.township_id)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| WorkerPosition { user_id: r.user_id, name: r.name, lat: r.lat, lng: r.lng, at: r.at })
        .collect())
}

/// A grid worker's phone reports where they are (while the patrol page is open).
pub async fn set_position(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    lat: f64,
    lng: f64,
) -> Result<(), AppError> {
    if !user.can(codes::EVENTS_HANDLE) {
        return Err(AppError::Forbidden);
    }
    if !(lat.is_finite() && lng.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)) {
        return Err(AppError::field("location", "event.location_required"));
    }
    diesel::sql_query(
        "INSERT INTO worker_positions (user_id, township_id, location, at) \
         VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), now()) \
         ON CONFLICT (user_id) DO UPDATE SET location = EXCLUDED.location, at = EXCLUDED.at",
    )
    .bind::<BigInt, _>(user.id)
    .bind::<Integer, _>(user.township_id)
    .bind::<Double, _>(lng)
    .bind::<Double, _>(lat)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct RawNotification {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    number: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    event_id: Option<i64>,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    message: String,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    read: bool,
}

/// The user's latest notifications.
pub async fn notifications(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<Notification>, AppError> {
    let rows: Vec<RawNotification> = diesel::sql_query(
        "SELECT n.id, e.number, n.event_id, n.kind, n.message, n.created_at, n.read_at IS NOT NULL AS read \
         FROM notifications n LEFT JOIN events e ON e.id = n.event_id \
         WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT 100",
    )
    .bind::<BigInt, _>(user.id)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            event_number: r.number,
            event_id: r.event_id,
            kind: r.kind,
            message: r.message,
            created_at: r.created_at,
            read: r.read,
        })
        .collect())
}

pub async fn unread_count(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<i64, AppError> {
    let c: Count = diesel::sql_query("SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind::<BigInt, _>(user.id)
        .get_result(conn)
        .await?;
    Ok(c.n)
}

pub async fn mark_read(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<(), AppError> {
    diesel::sql_query("UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL")
        .bind::<BigInt, _>(user.id)
        .execute(conn)
        .await?;
    Ok(())
}

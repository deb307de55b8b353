//! Server functions of the event module. Each checks the caller's permission and scope in
//! the service it calls; these functions only translate between the wire and the service.

// A step's form has one field per input; the `#[server]` macro's browser-side twin of
// `take_step` cannot carry an attribute of its own.
#![allow(clippy::too_many_arguments)]

use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::basedata::VillageOption;
use shared::error::AppError;
use shared::events::calendar::CalendarDay;
use shared::events::{
    Assignee, Category, Department, EventDetail, EventFilter, EventMap, EventRow, Notification, PublicEvent,
    RoutingRule, StateCounts, Stats, StatsDimension, WorkerPosition,
};
use shared::paging::Page;

#[cfg(feature = "ssr")]
use crate::auth::session;

/// What the forms and filters offer: categories, departments, villages with their grids,
/// and (for dispatchers) the people to assign to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EventChoices {
    pub categories: Vec<Category>,
    pub departments: Vec<Department>,
    pub villages: Vec<VillageOption>,
    pub grids: Vec<(i32, i32, String)>,
    pub assignees: Vec<Assignee>,
}

#[server(endpoint = "events/options", output = Postcard)]
pub async fn event_options() -> Result<EventChoices, AppError> {
    use shared::events::service::catalog;
    use shared::permissions::codes;
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    let villages = shared::basedata::service::villages_of_township(&mut conn, user.township_id).await?;
    let grids = shared::basedata::service::grids_of_township(&mut conn, user.township_id).await?;
    let assignees =
        if user.can(codes::EVENTS_DISPATCH) { catalog::assignees(&mut conn, &user).await? } else { Vec::new() };
    Ok(EventChoices {
        categories: catalog::categories(&mut conn).await?.into_iter().filter(|c| c.active).collect(),
        departments: catalog::departments(&mut conn, user.township_id).await?,
        villages,
        grids,
        assignees,
    })
}

#[server(endpoint = "events/report", output = Postcard)]
pub async fn report_event(form: shared::events::NewEvent) -> Result<shared::events::Reported, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::intake::report(&mut conn, &user, &form).await
}

#[server(endpoint = "events/list", output = Postcard)]
pub async fn list_events(filter: EventFilter, by_deadline: bool) -> Result<Page<EventRow>, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::list(&mut conn, &user, &filter, by_deadline).await
}

#[server(endpoint = "events/counts", output = Postcard)]
pub async fn event_counts() -> Result<StateCounts, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::counts(&mut conn, &user).await
}

#[server(endpoint = "events/get", output = Postcard)]
pub async fn get_event(id: i64) -> Result<EventDetail, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::detail(&mut conn, &user, id).await
}

#[cfg(feature = "ssr")]
fn parse_optional<T: std::str::FromStr>(value: &str, field: &str, code: &str) -> Result<Option<T>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| AppError::field(field, code))
}

/// One step of the loop, from a plain form (works without JavaScript). `attachments` is a
/// comma-separated list of uploaded photo ids.
#[server(endpoint = "events/step", output = Postcard)]
pub async fn take_step(
    event_id: i64,
    version: i32,
    action: String,
    #[server(default)] note: String,
    #[server(default)] department_id: String,
    #[server(default)] assignee_id: String,
    #[server(default)] merge_into: String,
    #[server(default)] satisfaction: String,
    #[server(default)] attachments: String,
    #[server(default)] back: String,
) -> Result<i32, AppError> {
    use shared::events::StepInput;
    let user = session::current_user().await?;
    let input = StepInput {
        event_id,
        version,
        action,
        note,
        department_id: parse_optional(&department_id, "department_id", "event.department_required")?,
        assignee_id: parse_optional(&assignee_id, "assignee_id", "event.assignee_unknown")?,
        merge_into,
        satisfaction: parse_optional(&satisfaction, "satisfaction", "event.satisfaction_required")?,
        attachments: attachments
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<i64>().map_err(|_| AppError::field("attachments", "event.photo_unknown")))
            .collect::<Result<_, _>>()?,
    };
    let mut conn = session::conn().await?;
    let version = shared::events::service::steps::act(&mut conn, &user, &input).await?;
    // Without JavaScript the browser follows the redirect back to the page it came from.
    if !back.is_empty() {
        leptos_axum::redirect(&session::safe_next(&back));
    }
    Ok(version)
}

#[server(endpoint = "events/dispatch_many", output = Postcard)]
pub async fn dispatch_many(
    #[server(default)] events: Vec<(i64, i32)>,
    department_id: i32,
    assignee_id: Option<i64>,
) -> Result<usize, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::steps::dispatch_many(&mut conn, &user, &events, department_id, assignee_id).await
}

/// The public tracking page: no login, the whole tracking code (number and key) or "not
/// found".
#[server(endpoint = "events/track", output = Postcard)]
pub async fn track_event(code: String) -> Result<PublicEvent, AppError> {
    let mut conn = session::conn().await?;
    shared::events::service::queries::track(&mut conn, &code).await
}

#[server(endpoint = "events/mine", output = Postcard)]
pub async fn my_reports(page: i64) -> Result<Page<EventRow>, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::my_reports(&mut conn, &user, page).await
}

#[server(endpoint = "events/map", output = Postcard)]
pub async fn map_events(filter: EventFilter) -> Result<EventMap, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    let limit = shared::events::service::queries::MAP_LIMIT;
    shared::events::service::queries::map_events(&mut conn, &user, &filter, limit).await
}

#[server(endpoint = "events/workers", output = Postcard)]
pub async fn worker_positions() -> Result<Vec<WorkerPosition>, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::workers(&mut conn, &user).await
}

#[server(endpoint = "events/position", output = Postcard)]
pub async fn report_position(lat: f64, lng: f64) -> Result<(), AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::set_position(&mut conn, &user, lat, lng).await
}

#[server(endpoint = "events/stats", output = Postcard)]
pub async fn get_stats(filter: EventFilter, by: StatsDimension) -> Result<Stats, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    let cache = session::state()?.stats_cache;
    shared::events::service::stats::stats_cached(&mut conn, &user, &filter, by, &cache).await
}

#[server(endpoint = "events/notifications", output = Postcard)]
pub async fn notifications() -> Result<Vec<Notification>, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::notifications(&mut conn, &user).await
}

#[server(endpoint = "events/unread", output = Postcard)]
pub async fn unread_notifications() -> Result<i64, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::unread_count(&mut conn, &user).await
}

#[server(endpoint = "events/mark_read", output = Postcard)]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::queries::mark_read(&mut conn, &user).await
}

#[server(endpoint = "events/routing", output = Postcard)]
pub async fn routing_rules() -> Result<Vec<RoutingRule>, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::routing::rules(&mut conn, &user).await
}

#[server(endpoint = "events/routing_save", output = Postcard)]
pub async fn save_routing_rule(
    #[server(default)] category_id: String,
    #[server(default)] village_id: String,
    #[server(default)] grid_id: String,
    #[server(default)] department_id: String,
) -> Result<(), AppError> {
    use shared::events::service::routing::{RuleForm, save_rule};
    let user = session::current_user().await?;
    let form = RuleForm {
        category_id: parse_optional(&category_id, "category_id", "event.category_unknown")?,
        village_id: parse_optional(&village_id, "village_id", "routing.village_unknown")?,
        grid_id: parse_optional(&grid_id, "grid_id", "routing.grid_outside_village")?,
        department_id: parse_optional(&department_id, "department_id", "event.department_required")?,
    };
    let mut conn = session::conn().await?;
    save_rule(&mut conn, &user, &form).await
}

#[server(endpoint = "events/routing_delete", output = Postcard)]
pub async fn delete_routing_rule(id: i32) -> Result<(), AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::routing::delete_rule(&mut conn, &user, id).await
}

#[server(endpoint = "events/categories", output = Postcard)]
pub async fn all_categories() -> Result<Vec<Category>, AppError> {
    session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::catalog::categories(&mut conn).await
}

#[server(endpoint = "events/category_save", output = Postcard)]
pub async fn save_category(
    id: i32,
    name: String,
    #[server(default)] active: String,
    hours_normal: String,
    hours_urgent: String,
    hours_critical: String,
) -> Result<(), AppError> {
    use shared::events::service::catalog::{CategoryForm, save_category};
    let user = session::current_user().await?;
    let hours = |value: &str| value.trim().parse::<i32>().unwrap_or(0);
    let form = CategoryForm {
        id: Some(id),
        parent_id: None,
        code: String::new(),
        name,
        active: !active.is_empty(),
        hours_normal: hours(&hours_normal),
        hours_urgent: hours(&hours_urgent),
        hours_critical: hours(&hours_critical),
    };
    let mut conn = session::conn().await?;
    save_category(&mut conn, &user, &form).await.map(|_| ())
}

#[server(endpoint = "events/calendar", output = Postcard)]
pub async fn calendar_days(year: i32) -> Result<Vec<CalendarDay>, AppError> {
    session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::work_calendar::list(&mut conn, year).await
}

#[server(endpoint = "events/calendar_set", output = Postcard)]
pub async fn set_calendar_day(day: String, kind: String, #[server(default)] name: String) -> Result<(), AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::events::service::work_calendar::set_day(&mut conn, &user, &day, &kind, &name).await
}

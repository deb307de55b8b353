//! Server functions of the event module. Each meets its caller through
//! [`session::authorized`] or [`session::require`] (the rule is written there); the service
//! it calls checks the permission again and enforces the data scope. These functions only
//! translate between the wire and the service.

use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::basedata::VillageOption;
use shared::error::AppError;
use shared::events::calendar::CalendarDay;
use shared::events::{
    Assignee, Category, CategoryEditForm, Department, EventDetail, EventFilter, EventMap, EventRow, Notification,
    PublicEvent, RoutingRule, RoutingRuleForm, StateCounts, Stats, StatsDimension, StepForm, WorkerPosition,
};
use shared::paging::Page;

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
#[cfg(feature = "ssr")]
use shared::permissions::codes;

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
    // Every page of the module offers these (the reporter's form, the inbox's filters).
    let Authorized { user, mut conn } = session::authorized().await?;
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
    let Authorized { user, mut conn } = session::require(codes::EVENTS_REPORT).await?;
    shared::events::service::intake::report(&mut conn, &user, &form).await
}

#[server(endpoint = "events/list", output = Postcard)]
pub async fn list_events(filter: EventFilter, by_deadline: bool) -> Result<Page<EventRow>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_VIEW).await?;
    shared::events::service::queries::list(&mut conn, &user, &filter, by_deadline).await
}

#[server(endpoint = "events/counts", output = Postcard)]
pub async fn event_counts() -> Result<StateCounts, AppError> {
    // The inbox and the big screen: `events.view` or `events.stats`, the service decides.
    let Authorized { user, mut conn } = session::authorized().await?;
    shared::events::service::queries::counts(&mut conn, &user).await
}

#[server(endpoint = "events/get", output = Postcard)]
pub async fn get_event(id: i64) -> Result<EventDetail, AppError> {
    // Staff within their scope, and the reporter of the event: the service decides.
    let Authorized { user, mut conn } = session::authorized().await?;
    let window = session::state()?.settings.duplicate_window;
    shared::events::service::queries::detail(&mut conn, &user, id, window).await
}

/// One step of the loop, from a plain form (works without JavaScript): the step's fields
/// are named `form[…]`, and `back` is the page the browser returns to without JavaScript.
/// Each action has its own permission, and two are the reporter's: the service decides.
#[server(endpoint = "events/step", output = Postcard)]
pub async fn take_step(form: StepForm, #[server(default)] back: String) -> Result<i32, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let version = shared::events::service::steps::act(&mut conn, &user, &form).await?;
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
    let Authorized { user, mut conn } = session::require(codes::EVENTS_DISPATCH).await?;
    shared::events::service::steps::dispatch_many(&mut conn, &user, &events, department_id, assignee_id).await
}

/// The public tracking page: no login, the whole tracking code (number and key) or "not
/// found".
#[server(endpoint = "events/track", output = Postcard)]
pub async fn track_event(code: String) -> Result<PublicEvent, AppError> {
    // Anyone, logged in or not.
    let mut conn = session::conn().await?;
    shared::events::service::queries::track(&mut conn, &code).await
}

#[server(endpoint = "events/mine", output = Postcard)]
pub async fn my_reports(page: i64) -> Result<Page<EventRow>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_REPORT).await?;
    shared::events::service::queries::my_reports(&mut conn, &user, page).await
}

#[server(endpoint = "events/map", output = Postcard)]
pub async fn map_events(filter: EventFilter) -> Result<EventMap, AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_DISPATCH).await?;
    let limit = shared::events::service::queries::MAP_LIMIT;
    shared::events::service::queries::map_events(&mut conn, &user, &filter, limit).await
}

#[server(endpoint = "events/workers", output = Postcard)]
pub async fn worker_positions() -> Result<Vec<WorkerPosition>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_DISPATCH).await?;
    shared::events::service::queries::workers(&mut conn, &user).await
}

#[server(endpoint = "events/position", output = Postcard)]
pub async fn report_position(lat: f64, lng: f64) -> Result<(), AppError> {
    // Sent from the report page, kept only for handlers (the command map shows them).
    let Authorized { user, mut conn } = session::require(codes::EVENTS_HANDLE).await?;
    shared::events::service::queries::set_position(&mut conn, &user, lat, lng).await
}

#[server(endpoint = "events/stats", output = Postcard)]
pub async fn get_stats(filter: EventFilter, by: StatsDimension) -> Result<Stats, AppError> {
    // The statistics page and the big screen: both need `events.stats`.
    let Authorized { user, mut conn } = session::require(codes::EVENTS_STATS).await?;
    let cache = session::state()?.stats_cache;
    shared::events::service::stats::stats_cached(&mut conn, &user, &filter, by, &cache).await
}

#[server(endpoint = "events/notifications", output = Postcard)]
pub async fn notifications() -> Result<Vec<Notification>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::PROFILE_VIEW).await?;
    let mut list = shared::events::service::queries::notifications(&mut conn, &user).await?;
    // A register's notices are put into the reader's language here: its texts stay on the server.
    let locale = crate::i18n::Locale::from_request();
    use shared::engine::service::notice;
    for item in list.iter_mut() {
        let text = match item.kind.as_str() {
            notice::APPROVAL_KIND => "engine.notice.approval",
            notice::DUE_SOON_KIND => "engine.notice.due_soon",
            notice::OVERDUE_KIND => "engine.notice.overdue",
            _ => continue,
        };
        if let Some((register, step, name)) = notice::parse(&item.message) {
            let parts = [
                ("register", locale.t(&register.title_key())),
                ("name", name.to_owned()),
                ("step", locale.t(&register.step_key(step))),
            ];
            item.message = locale.tf(text, &parts);
        }
    }
    Ok(list)
}

#[server(endpoint = "events/mark_read", output = Postcard)]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::PROFILE_VIEW).await?;
    shared::events::service::queries::mark_read(&mut conn, &user).await
}

#[server(endpoint = "events/routing", output = Postcard)]
pub async fn routing_rules() -> Result<Vec<RoutingRule>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::routing::rules(&mut conn, &user).await
}

#[server(endpoint = "events/routing_save", output = Postcard)]
pub async fn save_routing_rule(form: RoutingRuleForm) -> Result<(), AppError> {
    use shared::events::service::routing::{RuleForm, save_rule};
    let Authorized { user, mut conn } = session::require(codes::EVENTS_CONFIGURE).await?;
    let RoutingRuleForm { category_id, village_id, grid_id, department_id } = form;
    save_rule(&mut conn, &user, &RuleForm { category_id, village_id, grid_id, department_id }).await
}

#[server(endpoint = "events/routing_delete", output = Postcard)]
pub async fn delete_routing_rule(id: i32) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::routing::delete_rule(&mut conn, &user, id).await
}

#[server(endpoint = "events/categories", output = Postcard)]
pub async fn all_categories() -> Result<Vec<Category>, AppError> {
    let Authorized { mut conn, .. } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::catalog::categories(&mut conn).await
}

#[server(endpoint = "events/category_save", output = Postcard)]
pub async fn save_category(form: CategoryEditForm) -> Result<(), AppError> {
    use shared::events::service::catalog::{CategoryForm, save_category};
    let Authorized { user, mut conn } = session::require(codes::EVENTS_CONFIGURE).await?;
    // An empty deadline is out of range: the service names the field.
    let hours = |value: Option<i32>| value.unwrap_or(0);
    let form = CategoryForm {
        id: Some(form.id),
        parent_id: None,
        code: String::new(),
        name: form.name,
        active: form.active,
        hours_normal: hours(form.hours_normal),
        hours_urgent: hours(form.hours_urgent),
        hours_critical: hours(form.hours_critical),
    };
    save_category(&mut conn, &user, &form).await.map(|_| ())
}

#[server(endpoint = "events/calendar", output = Postcard)]
pub async fn calendar_days(year: i32) -> Result<Vec<CalendarDay>, AppError> {
    let Authorized { mut conn, .. } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::work_calendar::list(&mut conn, year).await
}

#[server(endpoint = "events/calendar_set", output = Postcard)]
pub async fn set_calendar_day(day: String, kind: String, #[server(default)] name: String) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::work_calendar::set_day(&mut conn, &user, &day, &kind, &name).await
}

/// Every category's attributes (what Open311's service definitions declare).
#[server(endpoint = "events/category_attributes", output = Postcard)]
pub async fn category_attributes() -> Result<Vec<shared::events::attributes::CategoryAttribute>, AppError> {
    let Authorized { mut conn, .. } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::attributes::list(&mut conn, None).await
}

/// Adds an attribute to a category, or changes the one of the same code; back to the page.
#[server(endpoint = "events/category_attribute_save", output = Postcard)]
pub async fn save_category_attribute(form: shared::events::attributes::AttributeForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::attributes::save(&mut conn, &user, &form).await?;
    leptos_axum::redirect("/events/settings?attribute_saved=1#attributes-title");
    Ok(())
}

#[server(endpoint = "events/category_attribute_remove", output = Postcard)]
pub async fn remove_category_attribute(id: i32) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::require(codes::EVENTS_CONFIGURE).await?;
    shared::events::service::attributes::remove(&mut conn, &user, id).await?;
    leptos_axum::redirect("/events/settings?attribute_removed=1#attributes-title");
    Ok(())
}

//! Event types seen by the browser. Contact details of a reporter travel only to staff
//! allowed to see personal data; the public tracking page gets `PublicEvent`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::state::{Action, EventState};
use crate::codes::mobile;
use crate::error::{AppError, ErrorCode, Validator};

/// Where an event came from. Upper-level instructions and sensor alarms arrive through the
/// service layer as two more channels of the same intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
pub enum Channel {
    /// 公众上报
    Public,
    /// 网格巡查
    Patrol,
    /// 自行处置: a grid worker fixed it on the spot; closes with evidence.
    SelfResolved,
    /// 热线电话 (entered by staff)
    Hotline,
    /// 来访 (entered by staff)
    WalkIn,
    /// 上级交办
    Superior,
    /// 物联感知
    Sensor,
    /// 开放接口: an Open311 GeoReport v2 client (a civic app) filed it with its API key.
    Open311,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::Public,
        Channel::Patrol,
        Channel::SelfResolved,
        Channel::Hotline,
        Channel::WalkIn,
        Channel::Superior,
        Channel::Sensor,
        Channel::Open311,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Public => "public",
            Channel::Patrol => "patrol",
            Channel::SelfResolved => "self_resolved",
            Channel::Hotline => "hotline",
            Channel::WalkIn => "walk_in",
            Channel::Superior => "superior",
            Channel::Sensor => "sensor",
            Channel::Open311 => "open311",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
    /// Channels a staff member enters on behalf of a citizen.
    pub fn is_staff_entry(self) -> bool {
        matches!(self, Channel::Hotline | Channel::WalkIn)
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Channel);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
pub enum Priority {
    /// 一般
    #[default]
    Normal,
    /// 紧急
    Urgent,
    /// 特急
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Normal, Priority::Urgent, Priority::Critical];
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Urgent => "urgent",
            Priority::Critical => "critical",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Priority);

/// A node of the category tree with its deadlines in working hours per priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub hours_normal: i32,
    pub hours_urgent: i32,
    pub hours_critical: i32,
}

impl Category {
    pub fn hours(&self, priority: Priority) -> i32 {
        match priority {
            Priority::Normal => self.hours_normal,
            Priority::Urgent => self.hours_urgent,
            Priority::Critical => self.hours_critical,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub id: i32,
    pub code: String,
    pub name: String,
}

/// A person a dispatcher can assign to, with the department they work in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignee {
    pub id: i64,
    pub name: String,
    pub department_id: Option<i32>,
    pub role: String,
}

/// A report, from any channel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewEvent {
    /// `public`, `patrol`, `self_resolved`, `hotline` or `walk_in` (what the user may use
    /// depends on their role).
    pub channel: String,
    pub category_id: i32,
    pub priority: String,
    pub title: String,
    pub description: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub contact_name: String,
    pub contact_phone: String,
    /// The device's id of the draft: the same draft sent twice makes one event.
    pub client_ref: String,
    /// Uploaded photos (ids from the upload endpoint).
    // An empty list is sent as nothing at all in a URL-encoded form: absent means none.
    #[serde(default)]
    pub attachments: Vec<i64>,
    /// For `self_resolved`: what was done on the spot.
    pub resolution: String,
}

pub const TITLE_MAX: usize = 60;
pub const DESCRIPTION_MAX: usize = 2000;
pub const NOTE_MAX: usize = 1000;
/// An address as written on a street sign, with room for directions.
pub const ADDRESS_MAX: usize = 200;
/// A person's name (the longest Chinese names with a title fit many times).
pub const CONTACT_NAME_MAX: usize = 50;
pub const MAX_PHOTOS: usize = 6;
/// A draft's idempotency key (`outbox::new_client_ref` makes ~28 characters).
pub const CLIENT_REF_MAX: usize = 64;

/// Empty (no draft key), or up to [`CLIENT_REF_MAX`] letters, digits, `-`, `_`, `.`, `:`.
fn client_ref_ok(client_ref: &str) -> bool {
    client_ref.len() <= CLIENT_REF_MAX
        && client_ref.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

impl NewEvent {
    /// Checks every field at once; the location inside the town is checked by the server.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        let title = self.title.trim().chars().count();
        let description = self.description.trim().chars().count();
        v.check("channel", Channel::parse(&self.channel).map(|_| ()).ok_or(ErrorCode::EventChannelUnknown));
        v.check("category_id", if self.category_id > 0 { Ok(()) } else { Err(ErrorCode::EventCategoryRequired) });
        v.check("priority", Priority::parse(&self.priority).map(|_| ()).ok_or(ErrorCode::EventPriorityUnknown));
        v.check(
            "title",
            match title {
                0 => Err(ErrorCode::EventTitleRequired),
                n if n > TITLE_MAX => Err(ErrorCode::EventTitleTooLong),
                _ => Ok(()),
            },
        );
        v.check(
            "description",
            match description {
                0..5 => Err(ErrorCode::EventDescriptionTooShort),
                n if n > DESCRIPTION_MAX => Err(ErrorCode::EventDescriptionTooLong),
                _ => Ok(()),
            },
        );
        v.check(
            "location",
            match (self.lat, self.lng) {
                (Some(lat), Some(lng)) if lat.is_finite() && lng.is_finite() => Ok(()),
                _ => Err(ErrorCode::EventLocationRequired),
            },
        );
        if !self.contact_phone.trim().is_empty() {
            v.check("contact_phone", mobile::validate(self.contact_phone.trim()));
        }
        v.check(
            "address",
            if self.address.trim().chars().count() <= ADDRESS_MAX {
                Ok(())
            } else {
                Err(ErrorCode::EventAddressTooLong)
            },
        );
        v.check(
            "contact_name",
            if self.contact_name.trim().chars().count() <= CONTACT_NAME_MAX {
                Ok(())
            } else {
                Err(ErrorCode::EventContactNameTooLong)
            },
        );
        v.check(
            "resolution",
            if self.resolution.trim().chars().count() <= NOTE_MAX { Ok(()) } else { Err(ErrorCode::EventNoteTooLong) },
        );
        v.check(
            "attachments",
            if self.attachments.len() <= MAX_PHOTOS { Ok(()) } else { Err(ErrorCode::EventTooManyPhotos) },
        );
        v.check(
            "client_ref",
            if client_ref_ok(self.client_ref.trim()) { Ok(()) } else { Err(ErrorCode::EventClientRefInvalid) },
        );
        if self.channel == Channel::SelfResolved.as_str() {
            v.check(
                "resolution",
                if self.resolution.trim().is_empty() { Err(ErrorCode::EventResolutionRequired) } else { Ok(()) },
            );
        }
        if Channel::parse(&self.channel).is_some_and(Channel::is_staff_entry) {
            v.check(
                "contact_name",
                if self.contact_name.trim().is_empty() { Err(ErrorCode::EventContactRequired) } else { Ok(()) },
            );
        }
        v.finish()
    }
}

/// What the reporter is told: the number staff know the event by, and the tracking code
/// (number + random key, [`tracking`](crate::events::tracking)) to follow it by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reported {
    pub id: i64,
    pub number: String,
    pub tracking_code: String,
    /// False when the same draft had already been received.
    pub created: bool,
}

/// A line of the inbox, a task list or the command queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub channel: Channel,
    pub category: String,
    pub priority: Priority,
    pub state: EventState,
    pub village: String,
    pub grid: String,
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub reported_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub escalation: i32,
    pub supervised: bool,
    pub lat: f64,
    pub lng: f64,
    pub version: i32,
    /// The public tracking code: only in the reporter's own list ("my reports"); staff
    /// lists carry the readable number alone.
    pub tracking_code: Option<String>,
}

/// The command map's events: the newest `events` of the filter, and how many match it in
/// all, so that the page says what it left out rather than dropping it silently.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EventMap {
    pub events: Vec<EventRow>,
    /// Every running event the filter and the viewer's scope match (≥ `events.len()`).
    pub total: i64,
}

impl EventMap {
    /// How many matching events are not on the map.
    pub fn left_out(&self) -> i64 {
        (self.total - self.events.len() as i64).max(0)
    }
}

/// How an event stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineStatus {
    OnTrack,
    /// Less than the warning share of its time is left.
    DueSoon,
    Overdue,
    /// Finished (or suspended): no clock.
    Stopped,
}

impl DeadlineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineStatus::OnTrack => "on_track",
            DeadlineStatus::DueSoon => "due_soon",
            DeadlineStatus::Overdue => "overdue",
            DeadlineStatus::Stopped => "stopped",
        }
    }
}

/// Warn when four working hours or less are left.
pub const WARNING_MINUTES: i64 = 240;

impl EventRow {
    pub fn deadline_status(&self, now: DateTime<Utc>) -> DeadlineStatus {
        if !self.state.is_running() {
            DeadlineStatus::Stopped
        } else if now > self.deadline {
            DeadlineStatus::Overdue
        } else if self.deadline - now <= chrono::Duration::minutes(WARNING_MINUTES) {
            DeadlineStatus::DueSoon
        } else {
            DeadlineStatus::OnTrack
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub from_state: Option<EventState>,
    pub to_state: EventState,
    pub note: String,
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub spent_seconds: i64,
    pub photos: Vec<Photo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Photo {
    pub id: i64,
    pub url: String,
    pub width: i32,
    pub height: i32,
}

/// Everything about one event a staff member (or its reporter) may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDetail {
    pub row: EventRow,
    pub description: String,
    pub address: String,
    pub category_id: i32,
    pub department_id: Option<i32>,
    pub contact_name: String,
    pub contact_phone: String,
    pub is_reporter: bool,
    /// The public tracking code, for the reporter only.
    pub tracking_code: Option<String>,
    pub satisfaction: Option<i16>,
    pub feedback: String,
    pub merged_into: Option<String>,
    pub photos: Vec<Photo>,
    pub steps: Vec<StepRow>,
    /// What the viewer may do now.
    pub actions: Vec<Action>,
    /// Possible duplicates: same category, near, recent.
    pub duplicates: Vec<EventRow>,
}

/// What anybody with the number sees: no names, no phone numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicEvent {
    pub number: String,
    pub title: String,
    pub category: String,
    pub state: EventState,
    pub village: String,
    pub reported_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The tracking code of the event it was merged into, whose progress it now follows.
    pub merged_into: Option<String>,
    pub steps: Vec<(DateTime<Utc>, String, EventState)>,
}

/// What the inbox's state filter can ask for: one state, or one of the views across states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Not final.
    Open,
    /// Deadline running and passed.
    Overdue,
    /// Deadline running and within the warning time.
    DueSoon,
    /// Escalated and not final.
    Escalated,
    /// Under supervision (督办) and not final.
    Supervised,
    One(EventState),
}

impl StateFilter {
    /// `None` for an unknown value; the empty string is no filter and is not parsed here.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "open" => StateFilter::Open,
            "overdue" => StateFilter::Overdue,
            "due_soon" => StateFilter::DueSoon,
            "escalated" => StateFilter::Escalated,
            "supervised" => StateFilter::Supervised,
            other => StateFilter::One(EventState::parse(other)?),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StateFilter::Open => "open",
            StateFilter::Overdue => "overdue",
            StateFilter::DueSoon => "due_soon",
            StateFilter::Escalated => "escalated",
            StateFilter::Supervised => "supervised",
            StateFilter::One(state) => state.as_str(),
        }
    }
}

/// The inbox's filters (in the URL, so a view can be bookmarked and exported as shown).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventFilter {
    pub q: String,
    /// A state, or `open` / `overdue` / `due_soon` / `escalated` / `supervised`.
    pub state: String,
    pub category_id: Option<i32>,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
    pub department_id: Option<i32>,
    pub channel: String,
    /// Only events assigned to the viewer or their department.
    pub mine: bool,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub page: i64,
    pub per_page: i64,
}

impl EventFilter {
    /// Reads a filter from URL query parameters (the inbox, the statistics and the exports
    /// share this one reading, so an export has exactly the filter the page shows).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let id = |key: &str| get(key).and_then(|v| v.trim().parse::<i32>().ok()).filter(|v| *v > 0);
        let date = |key: &str| get(key).and_then(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok());
        Self {
            q: get("q").unwrap_or_default(),
            state: get("state").unwrap_or_default(),
            category_id: id("category"),
            village_id: id("village"),
            grid_id: id("grid"),
            department_id: id("department"),
            channel: get("channel").unwrap_or_default(),
            mine: get("mine").is_some_and(|v| v == "1" || v == "true"),
            from: date("from"),
            to: date("to"),
            page: get("page").and_then(|v| v.trim().parse().ok()).unwrap_or(1),
            per_page: 0,
        }
    }

    /// Checks every value against its bounds: the one check of every list, map, statistic and
    /// export built from a filter (`queries::filter_conditions` calls it), so a far date can
    /// never become tens of thousands of monthly reads and a huge page never a negative OFFSET.
    pub fn validate(&self) -> Result<(), AppError> {
        crate::paging::check_page(self.page, self.per_page, &self.q)?;
        let mut v = Validator::new();
        let known_state = self.state.is_empty() || StateFilter::parse(&self.state).is_some();
        v.check("state", if known_state { Ok(()) } else { Err(ErrorCode::FilterStateUnknown) });
        let known_channel = self.channel.is_empty() || Channel::parse(&self.channel).is_some();
        v.check("channel", if known_channel { Ok(()) } else { Err(ErrorCode::EventChannelUnknown) });
        for (field, date) in [("from", self.from), ("to", self.to)] {
            v.check(
                field,
                if date.is_none_or(within_filter_dates) { Ok(()) } else { Err(ErrorCode::FilterDateOutOfRange) },
            );
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            v.check("to", if from <= to { Ok(()) } else { Err(ErrorCode::FilterDateOrder) });
        }
        v.finish()
    }

    /// Like [`from_query`](Self::from_query), but a value that does not parse is an error
    /// naming its field instead of being left out (exports: a file must hold what was asked).
    pub fn try_from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, AppError> {
        let filter = Self::from_query(&get);
        let mut v = Validator::new();
        let given = |key: &str| get(key).filter(|value| !value.trim().is_empty());
        for (key, parsed) in [("from", filter.from.is_some()), ("to", filter.to.is_some())] {
            v.check(key, if given(key).is_none() || parsed { Ok(()) } else { Err(ErrorCode::FilterDateFormat) });
        }
        for (key, parsed) in [
            ("category", filter.category_id.is_some()),
            ("village", filter.village_id.is_some()),
            ("grid", filter.grid_id.is_some()),
            ("department", filter.department_id.is_some()),
        ] {
            v.check(key, if given(key).is_none() || parsed { Ok(()) } else { Err(ErrorCode::FilterIdFormat) });
        }
        let page_ok = given("page").is_none_or(|p| p.trim().parse::<i64>().is_ok());
        v.check("page", if page_ok { Ok(()) } else { Err(ErrorCode::PagingPageOutOfRange) });
        v.finish()?;
        filter.validate()?;
        Ok(filter)
    }

    /// The state filter, typed (`None`: all states; [`validate`](Self::validate) refuses
    /// unknown values before any query reads this).
    pub fn state_filter(&self) -> Option<StateFilter> {
        StateFilter::parse(&self.state)
    }

    /// The channel filter, typed (`None`: all channels).
    pub fn channel_filter(&self) -> Option<Channel> {
        Channel::parse(&self.channel)
    }

    /// The filter as URL query parameters (without the page), percent-encoded.
    pub fn to_query(&self) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        let mut push = |key: &'static str, value: String| {
            if !value.is_empty() {
                parts.push((key, value));
            }
        };
        push("q", self.q.clone());
        push("state", self.state.clone());
        push("category", self.category_id.map(|v| v.to_string()).unwrap_or_default());
        push("village", self.village_id.map(|v| v.to_string()).unwrap_or_default());
        push("grid", self.grid_id.map(|v| v.to_string()).unwrap_or_default());
        push("department", self.department_id.map(|v| v.to_string()).unwrap_or_default());
        push("channel", self.channel.clone());
        push("mine", if self.mine { "1".into() } else { String::new() });
        push("from", self.from.map(|d| d.to_string()).unwrap_or_default());
        push("to", self.to.map(|d| d.to_string()).unwrap_or_default());
        parts
            .into_iter()
            .map(|(k, v)| format!("{k}={}", percent_encoding::utf8_percent_encode(&v, QUERY_VALUE)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What stays as it is in a query value: RFC 3986's unreserved characters; everything else
/// is percent-encoded.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The first and last day a filter may name: the platform's events lie well within them,
/// and the statistics read one month at a time over the span.
pub const FILTER_FIRST_DAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => panic!("a valid date"),
};
pub const FILTER_LAST_DAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2099, 12, 31) {
    Some(day) => day,
    None => panic!("a valid date"),
};

pub(crate) fn within_filter_dates(day: chrono::NaiveDate) -> bool {
    (FILTER_FIRST_DAY..=FILTER_LAST_DAY).contains(&day)
}

/// Counts by state for the inbox's tabs and the big screen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StateCounts {
    pub open: i64,
    pub reported: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub escalated: i64,
    pub closed_today: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub event_number: Option<String>,
    pub event_id: Option<i64>,
    pub kind: String,
    pub message: String,
    /// Where it opens when it is not about an event (a register record).
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// A routing rule as the administrator edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub id: i32,
    pub category: Option<String>,
    pub category_id: Option<i32>,
    pub village: Option<String>,
    pub village_id: Option<i32>,
    pub grid: Option<String>,
    pub grid_id: Option<i32>,
    pub department: String,
    pub department_id: i32,
}

/// One grid worker's last known position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerPosition {
    pub user_id: i64,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
}

/// What the statistics page groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum StatsDimension {
    #[default]
    Category,
    Department,
    Village,
    Grid,
    Month,
}

impl StatsDimension {
    pub const ALL: [StatsDimension; 5] = [
        StatsDimension::Category,
        StatsDimension::Department,
        StatsDimension::Village,
        StatsDimension::Grid,
        StatsDimension::Month,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StatsDimension::Category => "category",
            StatsDimension::Department => "department",
            StatsDimension::Village => "village",
            StatsDimension::Grid => "grid",
            StatsDimension::Month => "month",
        }
    }
    pub fn parse(value: &str) -> Self {
        Self::ALL.into_iter().find(|d| d.as_str() == value).unwrap_or_default()
    }
}

/// One line of the statistics: a category, department, village, grid or month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatsRow {
    pub key: String,
    /// The id to drill down with (category, department, village or grid id; month as yyyy-mm).
    pub drill: String,
    pub reported: i64,
    pub closed: i64,
    pub on_time: i64,
    pub overdue_open: i64,
    /// Hours from report to close.
    pub avg_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    pub satisfaction: Option<f64>,
    pub rated: i64,
}

impl StatsRow {
    /// Share of closed events closed before their deadline.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.on_time as f64 / self.closed as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Stats {
    pub dimension: StatsDimension,
    pub rows: Vec<StatsRow>,
    pub total: StatsRow,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewEvent {
        NewEvent {
            channel: "public".into(),
            category_id: 3,
            priority: "normal".into(),
            title: "路灯不亮".into(),
            description: "梅李路与通港路口的路灯已经坏了三天".into(),
            lat: Some(31.65),
            lng: Some(120.9),
            ..NewEvent::default()
        }
    }

    #[test]
    fn a_complete_report_passes() {
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let report = NewEvent { channel: "fax".into(), ..NewEvent::default() };
        let error = report.validate().unwrap_err();
        for field in ["channel", "category_id", "priority", "title", "description", "location"] {
            assert!(!error.field_codes(field).is_empty(), "{field} not reported");
        }
    }

    #[test]
    fn staff_entries_need_a_contact_and_self_resolved_a_resolution() {
        let hotline = NewEvent { channel: "hotline".into(), ..valid() };
        assert_eq!(hotline.validate().unwrap_err().field_codes("contact_name"), vec![ErrorCode::EventContactRequired]);
        let fixed = NewEvent { channel: "self_resolved".into(), ..valid() };
        assert_eq!(fixed.validate().unwrap_err().field_codes("resolution"), vec![ErrorCode::EventResolutionRequired]);
        let phone = NewEvent { contact_phone: "12345".into(), ..valid() };
        assert!(!phone.validate().unwrap_err().field_codes("contact_phone").is_empty());
    }

    #[test]
    fn a_draft_key_is_short_and_plain() {
        for good in ["", "19b8c3f2a10-0a1b2c3d4e5f6a7b", "draft-7f3a", &"a".repeat(CLIENT_REF_MAX)] {
            assert_eq!(NewEvent { client_ref: good.into(), ..valid() }.validate(), Ok(()), "{good:?}");
        }
        for bad in [&"a".repeat(CLIENT_REF_MAX + 1), &"x".repeat(100_000), "draft\0", "草稿", "a b", "<script>"] {
            let error = NewEvent { client_ref: bad.into(), ..valid() }.validate().unwrap_err();
            assert_eq!(error.field_codes("client_ref"), vec![ErrorCode::EventClientRefInvalid], "{bad:?}");
        }
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let filter = EventFilter {
            q: "路灯 5%".into(),
            state: "overdue".into(),
            category_id: Some(3),
            grid_id: Some(7),
            mine: true,
            from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
            page: 1,
            ..EventFilter::default()
        };
        let query = filter.to_query();
        let pairs: Vec<(String, String)> = query
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), percent_encoding::percent_decode_str(v).decode_utf8().unwrap().into_owned())
            })
            .collect();
        let read = EventFilter::from_query(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
        assert_eq!(read, filter);
    }
}

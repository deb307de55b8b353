//! The row every list of events shows, read the same way by the inbox, the map, exports and
//! "my reports".

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Bool, Double, Integer, Nullable, Text, Timestamptz};

use crate::events::state::EventState;
use crate::events::types::{Channel, EventRow, Priority};

pub(crate) const EVENT_ROW_SQL: &str = "SELECT e.id, e.number, e.title, e.channel, c.name AS category, e.priority, \
       e.state, v.name AS village, g.name AS grid, d.name AS department, a.display_name AS assignee, e.reported_at, \
       e.deadline, e.escalation, e.supervised, ST_Y(e.location) AS lat, ST_X(e.location) AS lng, e.version \
     FROM events e JOIN event_categories c ON c.id = e.category_id JOIN villages v ON v.id = e.village_id \
     JOIN grids g ON g.id = e.grid_id LEFT JOIN departments d ON d.id = e.department_id \
     LEFT JOIN users a ON a.id = e.assignee_id";

#[derive(diesel::QueryableByName)]
pub(crate) struct RawRow {
    #[diesel(sql_type = BigInt)]
    pub(crate) id: i64,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    channel: Channel,
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = Text)]
    priority: Priority,
    #[diesel(sql_type = Text)]
    state: EventState,
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
            channel: self.channel,
            category: self.category,
            priority: self.priority,
            state: self.state,
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

#[derive(diesel::QueryableByName)]
pub(crate) struct Count {
    #[diesel(sql_type = BigInt)]
    pub(crate) n: i64,
}

//! Reading events, one file per use: the inbox with its filter, the command map, one event's
//! detail, what citizens follow, workers' positions, notifications.

mod detail;
mod filter;
mod inbox;
mod map;
mod notifications;
mod positions;
mod public;
mod rows;

pub use detail::detail;
pub(crate) use filter::{OPEN, RUNNING, filter_conditions, warning_interval};
pub use inbox::{counts, export_rows, list, open_by_grid};
pub use map::{MAP_LIMIT, map_events};
pub use notifications::{mark_read, notifications};
pub use positions::{set_position, workers};
pub use public::{my_reports, track};
pub(crate) use rows::{EVENT_ROW_SQL, RawRow};

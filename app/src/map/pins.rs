//! What the map draws on top of the base layers (compiles for the browser and the server).

use serde::{Deserialize, Serialize};

/// One event or record on the map, drawn as a circle marker (or folded into a cluster when
/// zoomed out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPin {
    pub id: i64,
    pub lat: f64,
    pub lng: f64,
    /// Any CSS colour, e.g. by status or urgency.
    pub color: String,
    /// Radius in screen pixels.
    pub radius: f64,
    /// Shown as the marker's tooltip.
    pub title: String,
    /// Where a click on it goes (a register's record on the command map); `None`: the map's
    /// `on_select` hears the id.
    pub href: Option<String>,
    /// Folded into a cluster with its neighbours when zoomed out; `false`: always drawn.
    pub clustered: bool,
}

/// A grid worker's last known position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerPin {
    pub id: i64,
    pub lat: f64,
    pub lng: f64,
    pub name: String,
    /// When the position was reported, as display text.
    pub at: String,
}

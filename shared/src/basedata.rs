//! The base database (clause 7.2): the township's geography, population, legal entities
//! and housing, linked by grid. Read here within the user's data scope.

use serde::{Deserialize, Serialize};

pub mod geojson;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod townships;

/// Head counts for the dashboard and the big screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Overview {
    pub township_name: String,
    pub villages: i64,
    pub grids: i64,
    pub houses: i64,
    pub residents: i64,
    pub enterprises: i64,
    pub employees: i64,
    pub population_by_village: Vec<(String, i64)>,
    pub enterprises_by_industry: Vec<(String, i64)>,
    /// Residents per age band: 0–17, 18–34, 35–59, 60–79, 80+.
    pub age_bands: Vec<(String, i64)>,
}

/// The township's own vector layers as SVG path data (PostGIS `ST_AsSVG`, y pointing down),
/// drawn when no tile service is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MapLayers {
    pub view_box: String,
    /// Width of the coordinate plane the layers are projected onto.
    pub width: f64,
    pub township: String,
    pub villages: Vec<MapShape>,
    pub grids: Vec<MapShape>,
    pub roads: Vec<MapShape>,
    pub water: Vec<MapShape>,
    /// How degrees map onto the layers' plane: where to draw a point (a station) on them.
    pub plane: MapPlane,
}

/// The affine map from degrees onto the SVG plane of [`MapLayers`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct MapPlane {
    pub sx: f64,
    pub sy: f64,
    pub dx: f64,
    pub dy: f64,
}

impl MapPlane {
    /// Where the point at `lon`, `lat` falls on the plane (y pointing down, as `ST_AsSVG` writes
    /// the layers).
    pub fn point(self, lon: f64, lat: f64) -> (f64, f64) {
        (lon * self.sx + self.dx, -(lat * self.sy + self.dy))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapShape {
    pub id: i32,
    pub name: String,
    pub path: String,
    pub label_x: f64,
    pub label_y: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidentRow {
    pub id: i64,
    pub name: String,
    pub gender: String,
    pub birth_date: chrono::NaiveDate,
    /// Masked unless the viewer may see personal data.
    pub id_number: String,
    pub phone: String,
    pub village: String,
    pub grid: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseRow {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    pub legal_person: String,
    pub employees: i32,
    pub village: String,
    pub grid: String,
}

/// A village (and its grids) for filters and forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VillageOption {
    pub id: i32,
    pub name: String,
}

//! 地图: a reusable Leaflet map for the event pages — pick a point on the report form, watch
//! thousands of live event pins (clustered when zoomed out) and the grid workers on the command
//! view — over the township's own vector layers from PostGIS (`basedata::geojson`), with raster
//! tiles only when `TONGGUAN_TILE_URL` is configured.
//!
//! Leaflet itself (vendored under `public/vendor/leaflet`) is loaded lazily by the first map on
//! a page, in the browser only; the server renders an empty, labelled region.

mod cluster;
mod leaflet_map;
mod pins;
mod sheet_numbers;

pub use cluster::{Cluster, cluster};
pub use leaflet_map::{CLUSTER_BELOW_ZOOM, CLUSTER_CELL_PX, LeafletMap};
pub use pins::{MapPin, WorkerPin};
pub use sheet_numbers::SheetNumbers;

//! The township's own vector layers as GeoJSON, the base map of the Leaflet maps (event
//! reports, the command view): no tile server needed, a tile URL is optional configuration.

use serde::{Deserialize, Serialize};

/// Base-map geometry of one township. Each layer is a GeoJSON `FeatureCollection` (as text,
/// handed to Leaflet unparsed) whose features carry the properties `id` and `name`;
/// coordinates are WGS 84 (EPSG:4326) rounded to 6 decimals (about 0.1 m).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapGeo {
    /// The township's centre as (lat, lng).
    pub centre: (f64, f64),
    /// South-west and north-east corners of the boundary's bounding box, each (lat, lng).
    pub bounds: ((f64, f64), (f64, f64)),
    pub boundary: String,
    pub villages: String,
    pub grids: String,
    pub roads: String,
    pub water: String,
    /// A raster tile URL template (`{z}/{x}/{y}`), from `TONGGUAN_TILE_URL`; `None` draws
    /// the vector layers alone.
    pub tile_url: Option<String>,
}

#[cfg(feature = "ssr")]
pub use server::map_geo;

#[cfg(feature = "ssr")]
mod server {
    use diesel::QueryableByName;
    use diesel::sql_types::{Double, Text};
    use diesel_async::{AsyncPgConnection, RunQueryDsl};

    use super::MapGeo;
    use crate::accounts::SessionUser;
    use crate::error::AppError;
    use crate::sql::Sql;

    #[derive(QueryableByName)]
    struct GeoRow {
        #[diesel(sql_type = Double)]
        lat: f64,
        #[diesel(sql_type = Double)]
        lng: f64,
        #[diesel(sql_type = Double)]
        south: f64,
        #[diesel(sql_type = Double)]
        west: f64,
        #[diesel(sql_type = Double)]
        north: f64,
        #[diesel(sql_type = Double)]
        east: f64,
        #[diesel(sql_type = Text)]
        boundary: String,
        #[diesel(sql_type = Text)]
        villages: String,
        #[diesel(sql_type = Text)]
        grids: String,
        #[diesel(sql_type = Text)]
        roads: String,
        #[diesel(sql_type = Text)]
        water: String,
    }

    /// Tolerance of the polygon simplification, in degrees (about 2 m): invisible at the
    /// highest zoom, and it drops the densified vertices of straight edges.
    const SIMPLIFY: f64 = 0.00002;

    /// A scalar subquery building one FeatureCollection (never NULL: no rows give an empty
    /// `features` array) from `table` filtered by `filter`, each feature's geometry `geom`.
    fn collection(table: &'static str, geom: Sql, filter: Sql, order: &'static str) -> Sql {
        Sql::new(
            "(SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg( \
                 json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(",
        )
        .append(geom)
        .push(
            ", 6)::json, 'properties', json_build_object('id', id, 'name', name)) \
                 ORDER BY ",
        )
        .push(order)
        .push("), '[]'::json))::text FROM ")
        .push(table)
        .push(" WHERE ")
        .append(filter)
        .push(")")
    }

    /// The caller's township as GeoJSON layers. Every logged-in user may read it (the public
    /// pick the location of a report on it), so holding a session is the only check.
    /// `tile_url` is the configured tile service (`Settings::tile_url`), if any.
    pub async fn map_geo(
        conn: &mut AsyncPgConnection,
        user: &SessionUser,
        tile_url: Option<&str>,
    ) -> Result<MapGeo, AppError> {
        let town = user.township_id;
        let simplified = || Sql::new("ST_SimplifyPreserveTopology(boundary, ").bind(SIMPLIFY).push(")");
        let in_town = || Sql::new("township_id = ").bind(town);
        let lines = |kind: &'static str| in_town().push(" AND kind = ").bind(kind);
        let row: GeoRow = Sql::new(
            "SELECT ST_Y(t.centre) AS lat, ST_X(t.centre) AS lng, \
                    ST_YMin(t.boundary) AS south, ST_XMin(t.boundary) AS west, \
                    ST_YMax(t.boundary) AS north, ST_XMax(t.boundary) AS east, ",
        )
        .append(collection("townships", Sql::new("boundary"), Sql::new("id = ").bind(town), "id"))
        .push(" AS boundary, ")
        .append(collection("villages", simplified(), in_town(), "code"))
        .push(" AS villages, ")
        .append(collection("grids", simplified(), in_town(), "code"))
        .push(" AS grids, ")
        .append(collection("geo_lines", Sql::new("geom"), lines("road"), "id"))
        .push(" AS roads, ")
        .append(collection("geo_lines", Sql::new("geom"), lines("water"), "id"))
        .push(" AS water FROM townships t WHERE t.id = ")
        .bind(town)
        .query()
        .get_result(conn)
        .await?;
        Ok(MapGeo {
            centre: (row.lat, row.lng),
            bounds: ((row.south, row.west), (row.north, row.east)),
            boundary: row.boundary,
            villages: row.villages,
            grids: row.grids,
            roads: row.roads,
            water: row.water,
            tile_url: tile_url.map(str::to_owned),
        })
    }
}

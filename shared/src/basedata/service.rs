//! Base-data queries, each confined to the viewer's data scope.

use diesel::sql_types::{BigInt, Date, Double, Integer, Text};
use diesel::{QueryableByName, sql_query};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::scope::ScopeFilter;
use super::{EnterpriseRow, MapLayers, MapShape, Overview, ResidentRow, VillageOption};
use crate::accounts::SessionUser;
use crate::codes::{id_number, mobile};
use crate::error::AppError;
use crate::paging::{Page, SortDir, TableQuery};
use crate::permissions::codes;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Labelled {
    #[diesel(sql_type = Text)]
    label: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn require_view(user: &SessionUser) -> Result<ScopeFilter, AppError> {
    if user.can(codes::BASEDATA_VIEW) || user.can(codes::DASHBOARD_VIEW) {
        Ok(ScopeFilter::for_user(user))
    } else {
        Err(AppError::Forbidden)
    }
}

async fn count(conn: &mut AsyncPgConnection, sql: String) -> Result<i64, AppError> {
    Ok(sql_query(sql).get_result::<Count>(conn).await?.n)
}

async fn labelled(conn: &mut AsyncPgConnection, sql: String) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sql_query(sql).load::<Labelled>(conn).await?.into_iter().map(|r| (r.label, r.n)).collect())
}

/// Head counts within the viewer's scope.
pub async fn overview(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Overview, AppError> {
    let scope = require_view(user)?;
    let grid_scope = ScopeFilter { village_id: scope.village_id, ..scope };
    let villages_where = match (scope.township_id, scope.village_id, scope.grid_id) {
        (_, _, Some(grid)) => format!("v.id IN (SELECT village_id FROM grids WHERE id = {grid})"),
        (_, Some(village), None) => format!("v.id = {village}"),
        (Some(town), None, None) => format!("v.township_id = {town}"),
        (None, None, None) => "TRUE".to_owned(),
    };
    let grids_where = match scope.grid_id {
        Some(grid) => format!("g.id = {grid}"),
        None => grid_scope.sql("g"),
    };
    let residents = scope.sql("r");
    Ok(Overview {
        township_name: user.township_name.clone(),
        villages: count(conn, format!("SELECT count(*) AS n FROM villages v WHERE {villages_where}")).await?,
        grids: count(conn, format!("SELECT count(*) AS n FROM grids g WHERE {grids_where}")).await?,
        houses: count(conn, format!("SELECT count(*) AS n FROM houses h WHERE {}", scope.sql("h"))).await?,
        residents: count(conn, format!("SELECT count(*) AS n FROM residents r WHERE {residents}")).await?,
        enterprises: count(conn, format!("SELECT count(*) AS n FROM enterprises e WHERE {}", scope.sql("e"))).await?,
        employees: count(conn, format!("SELECT coalesce(sum(employees), 0)::bigint AS n FROM enterprises e WHERE {}", scope.sql("e")))
            .await?,
        population_by_village: labelled(
            conn,
            format!(
                "SELECT v.name AS label, count(*) AS n FROM residents r JOIN villages v ON v.id = r.village_id \
                 WHERE {residents} GROUP BY v.id, v.name ORDER BY n DESC, v.name"
            ),
        )
        .await?,
        enterprises_by_industry: labelled(
            conn,
            format!(
                "SELECT e.industry AS label, count(*) AS n FROM enterprises e WHERE {} GROUP BY e.industry ORDER BY n DESC, e.industry",
                scope.sql("e")
            ),
        )
        .await?,
        age_bands: labelled(
            conn,
            format!(
                "SELECT band AS label, count(*) AS n FROM ( \
                   SELECT CASE WHEN age < 18 THEN '0-17' WHEN age < 35 THEN '18-34' WHEN age < 60 THEN '35-59' \
                               WHEN age < 80 THEN '60-79' ELSE '80+' END AS band \
                   FROM (SELECT date_part('year', age(current_date, r.birth_date)) AS age FROM residents r WHERE {residents}) a \
                 ) b GROUP BY band ORDER BY band"
            ),
        )
        .await?,
    })
}

#[derive(QueryableByName)]
struct ShapeRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    path: String,
    #[diesel(sql_type = Double)]
    label_x: f64,
    #[diesel(sql_type = Double)]
    label_y: f64,
}

/// Width of the map's coordinate plane, in SVG units.
const MAP_WIDTH: f64 = 1000.0;

#[derive(QueryableByName)]
struct Frame {
    #[diesel(sql_type = Double)]
    xmin: f64,
    #[diesel(sql_type = Double)]
    ymin: f64,
    #[diesel(sql_type = Double)]
    xmax: f64,
    #[diesel(sql_type = Double)]
    ymax: f64,
}

async fn shapes(conn: &mut AsyncPgConnection, sql: &str, township_id: i32) -> Result<Vec<MapShape>, AppError> {
    Ok(sql_query(sql)
        .bind::<Integer, _>(township_id)
        .load::<ShapeRow>(conn)
        .await?
        .into_iter()
        .map(|r| MapShape { id: r.id, name: r.name, path: r.path, label_x: r.label_x, label_y: r.label_y })
        .collect())
}

/// The viewer's township as SVG layers: boundary, villages, grids, roads and water.
pub async fn map_layers(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<MapLayers, AppError> {
    require_view(user)?;
    let town = user.township_id;
    let frame: Option<Frame> = sql_query(
        "SELECT ST_XMin(boundary) AS xmin, ST_YMin(boundary) AS ymin, \
                ST_XMax(boundary) AS xmax, ST_YMax(boundary) AS ymax FROM townships WHERE id = $1",
    )
    .bind::<Integer, _>(town)
    .get_result(conn)
    .await
    .map(Some)
    .or_else(|e| if e == diesel::result::Error::NotFound { Ok(None) } else { Err(e) })?;
    let Some(frame) = frame else { return Ok(MapLayers::default()) };
    // Project onto a plane MAP_WIDTH units wide (degrees of longitude shrink by cos(latitude)),
    // so that stroke widths and font sizes in the SVG are plain units, not fractions of a degree.
    let cos_lat = ((frame.ymin + frame.ymax) / 2.0).to_radians().cos();
    let sx = MAP_WIDTH / (frame.xmax - frame.xmin);
    let sy = sx / cos_lat;
    let height = (frame.ymax - frame.ymin) * sy;
    let pad = MAP_WIDTH * 0.02;
    let view_box = format!("{:.1} {:.1} {:.1} {:.1}", -pad, -height - pad, MAP_WIDTH + 2.0 * pad, height + 2.0 * pad);
    let project =
        |geom: &str| format!("ST_Affine({geom}, {sx}, 0, 0, {sy}, {}, {})", -frame.xmin * sx, -frame.ymin * sy);
    // ST_AsSVG writes y negated (SVG's y points down), so labels are negated to match.
    let polygon = |table: &str| {
        format!(
            "SELECT id, name, ST_AsSVG({shape}, 0, 1) AS path, ST_X({label}) AS label_x, -ST_Y({label}) AS label_y \
             FROM {table} WHERE township_id = $1 ORDER BY code",
            shape = project("boundary"),
            label = project("ST_PointOnSurface(boundary)"),
        )
    };
    let line = |kind: &str| {
        format!(
            "SELECT id, name, ST_AsSVG({shape}, 0, 1) AS path, ST_X({label}) AS label_x, -ST_Y({label}) AS label_y \
             FROM geo_lines WHERE township_id = $1 AND kind = '{kind}' ORDER BY id",
            shape = project("geom"),
            label = project("ST_LineInterpolatePoint(geom, 0.5)"),
        )
    };
    let township = shapes(conn, &polygon("townships").replace("township_id = $1 ORDER BY code", "id = $1"), town)
        .await?
        .into_iter()
        .next()
        .map(|shape| shape.path)
        .unwrap_or_default();
    Ok(MapLayers {
        view_box,
        width: MAP_WIDTH,
        township,
        villages: shapes(conn, &polygon("villages"), town).await?,
        grids: shapes(conn, &polygon("grids"), town).await?,
        roads: shapes(conn, &line("road"), town).await?,
        water: shapes(conn, &line("water"), town).await?,
    })
}

pub async fn villages(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<VillageOption>, AppError> {
    let scope = require_view(user)?;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let mut filter = format!("v.township_id = {}", user.township_id);
    if let Some(village) = scope.village_id {
        filter.push_str(&format!(" AND v.id = {village}"));
    }
    if let Some(grid) = scope.grid_id {
        filter.push_str(&format!(" AND v.id IN (SELECT village_id FROM grids WHERE id = {grid})"));
    }
    let rows = sql_query(format!("SELECT v.id, v.name FROM villages v WHERE {filter} ORDER BY v.code"))
        .load::<Row>(conn)
        .await?;
    Ok(rows.into_iter().map(|r| VillageOption { id: r.id, name: r.name }).collect())
}

fn order(query: &TableQuery, columns: &[(&str, &str)], default: &str) -> String {
    let column = columns.iter().find(|(key, _)| *key == query.sort).map(|(_, sql)| *sql).unwrap_or(default);
    let dir = if query.dir == SortDir::Desc { "DESC" } else { "ASC" };
    format!("{column} {dir}, id ASC")
}

#[derive(QueryableByName)]
struct ResidentSql {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    gender: String,
    #[diesel(sql_type = Date)]
    birth_date: chrono::NaiveDate,
    #[diesel(sql_type = Text)]
    id_number: String,
    #[diesel(sql_type = Text)]
    phone: String,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Text)]
    grid: String,
    #[diesel(sql_type = Text)]
    address: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// Residents in scope: search by name, filter by village, sort, one page.
pub async fn residents(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    query: &TableQuery,
) -> Result<Page<ResidentRow>, AppError> {
    if !user.can(codes::BASEDATA_VIEW) {
        return Err(AppError::Forbidden);
    }
    query.validate()?;
    let scope = ScopeFilter::for_user(user);
    let order_by = order(query, &[("name", "name"), ("birth_date", "birth_date"), ("village", "village")], "id");
    let rows: Vec<ResidentSql> = sql_query(format!(
        "SELECT * FROM ( \
           SELECT r.id, r.name, r.gender, r.birth_date, r.id_number, r.phone, v.name AS village, g.name AS grid, \
                  h.address, count(*) OVER () AS total \
           FROM residents r JOIN villages v ON v.id = r.village_id JOIN grids g ON g.id = r.grid_id \
                JOIN houses h ON h.id = r.house_id \
           WHERE {} AND ($1 = '' OR r.name LIKE '%' || $1 || '%') AND ($2 = 0 OR r.village_id = $2) \
         ) t ORDER BY {order_by} LIMIT $3 OFFSET $4",
        scope.sql("r")
    ))
    .bind::<Text, _>(query.q.trim())
    .bind::<Integer, _>(query.filter.parse::<i32>().unwrap_or(0))
    .bind::<BigInt, _>(query.per_page())
    .bind::<BigInt, _>(query.offset())
    .load(conn)
    .await?;
    // Past the last page the window count is gone too; the total is then simply unknown (0).
    let total = rows.as_slice().first().map(|r| r.total).unwrap_or(0);
    let personal = user.can(codes::PERSONAL_DATA_VIEW);
    let rows = rows
        .into_iter()
        .map(|r| ResidentRow {
            id: r.id,
            name: r.name,
            gender: r.gender,
            birth_date: r.birth_date,
            // Even with the permission, lists show masked numbers; never the full number
            // to a viewer without it.
            id_number: if personal { id_number::mask(&r.id_number) } else { "******".into() },
            phone: if personal { mobile::mask(&r.phone) } else { "******".into() },
            village: r.village,
            grid: r.grid,
            address: r.address,
        })
        .collect();
    Ok(Page { rows, total, page: query.page(), per_page: query.per_page() })
}

#[derive(QueryableByName)]
struct EnterpriseSql {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    credit_code: String,
    #[diesel(sql_type = Text)]
    industry: String,
    #[diesel(sql_type = Text)]
    legal_person: String,
    #[diesel(sql_type = Integer)]
    employees: i32,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Text)]
    grid: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// Enterprises in scope: search by name or credit code, filter by industry, sort, one page.
pub async fn enterprises(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    query: &TableQuery,
) -> Result<Page<EnterpriseRow>, AppError> {
    if !user.can(codes::BASEDATA_VIEW) {
        return Err(AppError::Forbidden);
    }
    query.validate()?;
    let scope = ScopeFilter::for_user(user);
    let order_by = order(query, &[("name", "name"), ("employees", "employees"), ("industry", "industry")], "id");
    let rows: Vec<EnterpriseSql> = sql_query(format!(
        "SELECT * FROM ( \
           SELECT e.id, e.name, e.credit_code, e.industry, e.legal_person, e.employees, v.name AS village, g.name AS grid, \
                  count(*) OVER () AS total \
           FROM enterprises e JOIN villages v ON v.id = e.village_id JOIN grids g ON g.id = e.grid_id \
           WHERE {} AND ($1 = '' OR e.name LIKE '%' || $1 || '%' OR e.credit_code = upper($1)) AND ($2 = '' OR e.industry = $2) \
         ) t ORDER BY {order_by} LIMIT $3 OFFSET $4",
        scope.sql("e")
    ))
    .bind::<Text, _>(query.q.trim())
    .bind::<Text, _>(query.filter.trim())
    .bind::<BigInt, _>(query.per_page())
    .bind::<BigInt, _>(query.offset())
    .load(conn)
    .await?;
    let total = rows.as_slice().first().map(|r| r.total).unwrap_or(0);
    let rows = rows
        .into_iter()
        .map(|r| EnterpriseRow {
            id: r.id,
            name: r.name,
            credit_code: r.credit_code,
            industry: r.industry,
            legal_person: r.legal_person,
            employees: r.employees,
            village: r.village,
            grid: r.grid,
        })
        .collect();
    Ok(Page { rows, total, page: query.page(), per_page: query.per_page() })
}

/// Every village of a township (for event forms and filters: places are not personal data).
pub async fn villages_of_township(
    conn: &mut AsyncPgConnection,
    township_id: i32,
) -> Result<Vec<VillageOption>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<Row> = sql_query("SELECT id, name FROM villages WHERE township_id = $1 ORDER BY code")
        .bind::<Integer, _>(township_id)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| VillageOption { id: r.id, name: r.name }).collect())
}

/// Every grid of a township as (id, village id, name).
pub async fn grids_of_township(
    conn: &mut AsyncPgConnection,
    township_id: i32,
) -> Result<Vec<(i32, i32, String)>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Integer)]
        village_id: i32,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<Row> = sql_query("SELECT id, village_id, name FROM grids WHERE township_id = $1 ORDER BY code")
        .bind::<Integer, _>(township_id)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.village_id, r.name)).collect())
}

//! Base-data queries, each confined to the viewer's data scope.

use diesel::sql_types::{BigInt, Binary, Date, Double, Integer, Nullable, Text};
use diesel::{QueryableByName, sql_query};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{EnterpriseRow, MapLayers, MapShape, Overview, ResidentRow, VillageOption};
use crate::accounts::SessionUser;
use crate::codes::{id_number, mobile};
use crate::error::AppError;
use crate::paging::{Page, SortDir, TableQuery};
use crate::permissions::codes;
use crate::personal::{self, Column};
use crate::scope::ScopeFilter;
use crate::sql::Sql;

/// The township with this statistical division code (`320506100`), as a station's MQTT topic
/// names it.
pub async fn township_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i32>, AppError> {
    use crate::schema::townships::dsl;
    use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
    Ok(dsl::townships.filter(dsl::code.eq(code)).select(dsl::id).first::<i32>(conn).await.optional()?)
}

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

async fn count(conn: &mut AsyncPgConnection, sql: Sql) -> Result<i64, AppError> {
    Ok(sql.query().get_result::<Count>(conn).await?.n)
}

async fn labelled(conn: &mut AsyncPgConnection, sql: Sql) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sql.query().load::<Labelled>(conn).await?.into_iter().map(|r| (r.label, r.n)).collect())
}

/// Head counts within the viewer's scope.
pub async fn overview(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Overview, AppError> {
    let scope = require_view(user)?;
    let residents = || scope.rows("r");
    let enterprises = || scope.rows("e");
    Ok(Overview {
        township_name: user.township_name.clone(),
        villages: count(conn, Sql::new("SELECT count(*) AS n FROM villages v WHERE ").append(scope.villages("v")))
            .await?,
        grids: count(conn, Sql::new("SELECT count(*) AS n FROM grids g WHERE ").append(scope.grids("g"))).await?,
        houses: count(conn, Sql::new("SELECT count(*) AS n FROM houses h WHERE ").append(scope.rows("h"))).await?,
        residents: count(conn, Sql::new("SELECT count(*) AS n FROM residents r WHERE ").append(residents())).await?,
        enterprises: count(conn, Sql::new("SELECT count(*) AS n FROM enterprises e WHERE ").append(enterprises()))
            .await?,
        employees: count(
            conn,
            Sql::new("SELECT coalesce(sum(employees), 0)::bigint AS n FROM enterprises e WHERE ").append(enterprises()),
        )
        .await?,
        population_by_village: labelled(
            conn,
            Sql::new(
                "SELECT v.name AS label, count(*) AS n FROM residents r JOIN villages v ON v.id = r.village_id WHERE ",
            )
            .append(residents())
            .push(" GROUP BY v.id, v.name ORDER BY n DESC, v.name"),
        )
        .await?,
        enterprises_by_industry: labelled(
            conn,
            Sql::new("SELECT e.industry AS label, count(*) AS n FROM enterprises e WHERE ")
                .append(enterprises())
                .push(" GROUP BY e.industry ORDER BY n DESC, e.industry"),
        )
        .await?,
        age_bands: labelled(
            conn,
            Sql::new(
                "SELECT band AS label, count(*) AS n FROM ( \
                   SELECT CASE WHEN age < 18 THEN '0-17' WHEN age < 35 THEN '18-34' WHEN age < 60 THEN '35-59' \
                               WHEN age < 80 THEN '60-79' ELSE '80+' END AS band \
                   FROM (SELECT date_part('year', age(current_date, r.birth_date)) AS age FROM residents r WHERE ",
            )
            .append(residents())
            .push(") a) b GROUP BY band ORDER BY band"),
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

async fn shapes(conn: &mut AsyncPgConnection, sql: Sql) -> Result<Vec<MapShape>, AppError> {
    Ok(sql
        .query()
        .load::<ShapeRow>(conn)
        .await?
        .into_iter()
        .map(|r| MapShape { id: r.id, name: r.name, path: r.path, label_x: r.label_x, label_y: r.label_y })
        .collect())
}

/// The affine map from degrees onto the SVG plane (see [`map_layers`]).
#[derive(Clone, Copy)]
struct Plane {
    sx: f64,
    sy: f64,
    dx: f64,
    dy: f64,
}

impl Plane {
    fn project(self, geometry: &'static str) -> Sql {
        Sql::new("ST_Affine(")
            .push(geometry)
            .push(", ")
            .bind(self.sx)
            .push(", 0, 0, ")
            .bind(self.sy)
            .push(", ")
            .bind(self.dx)
            .push(", ")
            .bind(self.dy)
            .push(")")
    }

    /// id, name, the SVG path of `shape` and the label point `label` (ST_AsSVG writes y
    /// negated, SVG's y pointing down, so the label is negated to match).
    fn columns(self, shape: &'static str, label: &'static str) -> Sql {
        Sql::new("SELECT id, name, ST_AsSVG(")
            .append(self.project(shape))
            .push(", 0, 1) AS path, ST_X(")
            .append(self.project(label))
            .push(") AS label_x, -ST_Y(")
            .append(self.project(label))
            .push(") AS label_y")
    }
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
    let plane = Plane { sx, sy, dx: -frame.xmin * sx, dy: -frame.ymin * sy };
    let polygons = |table: &'static str| {
        plane
            .columns("boundary", "ST_PointOnSurface(boundary)")
            .push(" FROM ")
            .push(table)
            .push(" WHERE township_id = ")
            .bind(town)
            .push(" ORDER BY code")
    };
    let lines = |kind: &'static str| {
        plane
            .columns("geom", "ST_LineInterpolatePoint(geom, 0.5)")
            .push(" FROM geo_lines WHERE township_id = ")
            .bind(town)
            .push(" AND kind = ")
            .bind(kind)
            .push(" ORDER BY id")
    };
    let outline =
        plane.columns("boundary", "ST_PointOnSurface(boundary)").push(" FROM townships WHERE id = ").bind(town);
    let township = shapes(conn, outline).await?.into_iter().next().map(|shape| shape.path).unwrap_or_default();
    Ok(MapLayers {
        view_box,
        width: MAP_WIDTH,
        township,
        villages: shapes(conn, polygons("villages")).await?,
        grids: shapes(conn, polygons("grids")).await?,
        roads: shapes(conn, lines("road")).await?,
        water: shapes(conn, lines("water")).await?,
        plane: crate::basedata::MapPlane { sx, sy, dx: plane.dx, dy: plane.dy },
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
    // The user's own township even for county scope: the forms offer its villages.
    let own_township = ScopeFilter { township_id: Some(user.township_id), ..scope };
    let rows = Sql::new("SELECT v.id, v.name FROM villages v WHERE ")
        .append(Sql::all([own_township.villages("v"), Sql::new("v.township_id = ").bind(user.township_id)]))
        .push(" ORDER BY v.code")
        .query()
        .load::<Row>(conn)
        .await?;
    Ok(rows.into_iter().map(|r| VillageOption { id: r.id, name: r.name }).collect())
}

/// `ORDER BY` the column the query asks for, if it is one of `columns` (key → SQL text), else
/// `default`; ties broken by id so pages never overlap.
fn order(query: &TableQuery, columns: &[(&str, &'static str)], default: &'static str) -> Sql {
    let column = columns.iter().find(|(key, _)| *key == query.sort).map(|(_, sql)| *sql).unwrap_or(default);
    let dir = if query.dir == SortDir::Desc { " DESC" } else { " ASC" };
    Sql::new(" ORDER BY ").push(column).push(dir).push(", id ASC")
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
    #[diesel(sql_type = Nullable<Binary>)]
    id_number_sealed: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Binary>)]
    phone_sealed: Option<Vec<u8>>,
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
    let q = query.q.trim();
    let village = query.filter.parse::<i32>().unwrap_or(0);
    let keyring = personal::keys::installed()?;
    let personal = user.can(codes::PERSONAL_DATA_VIEW);
    // A whole ID or mobile number is looked up by its blind index (the database holds neither
    // in the clear), by a viewer who may see them — to anyone else a search would tell whose
    // number it is; anything else is part of a name.
    let searched = if personal && id_number::validate(&Column::ResidentIdNumber.canonical(q)).is_ok() {
        Sql::new(" AND r.id_number_index = ").bind(keyring.blind_index(Column::ResidentIdNumber, q))
    } else if personal && mobile::validate(q).is_ok() {
        Sql::new(" AND r.phone_index = ").bind(keyring.blind_index(Column::ResidentPhone, q))
    } else {
        Sql::new(" AND (").bind(q).push(" = '' OR r.name LIKE '%' || ").bind(q).push(" || '%')")
    };
    let rows: Vec<ResidentSql> = Sql::new(
        "SELECT * FROM ( \
           SELECT r.id, r.name, r.gender, r.birth_date, r.id_number_sealed, r.phone_sealed, v.name AS village, \
                  g.name AS grid, h.address, count(*) OVER () AS total \
           FROM residents r JOIN villages v ON v.id = r.village_id JOIN grids g ON g.id = r.grid_id \
                JOIN houses h ON h.id = r.house_id WHERE ",
    )
    .append(scope.rows("r"))
    .append(searched)
    .push(" AND (")
    .bind(village)
    .push(" = 0 OR r.village_id = ")
    .bind(village)
    .push(")) t")
    .append(order_by)
    .page(query.per_page(), query.offset())
    .query()
    .load(conn)
    .await?;
    // Past the last page the window count is gone too; the total is then simply unknown (0).
    let total = rows.as_slice().first().map(|r| r.total).unwrap_or(0);
    let rows = rows
        .into_iter()
        .map(|r| ResidentRow {
            id: r.id,
            name: r.name,
            gender: r.gender,
            birth_date: r.birth_date,
            // Even with the permission, lists show masked numbers (the whole one only through
            // an audited reveal); nothing of them to a viewer without it.
            id_number: personal::service::masked(
                keyring,
                Column::ResidentIdNumber,
                r.id_number_sealed.as_deref(),
                personal,
                id_number::mask,
            ),
            phone: personal::service::masked(
                keyring,
                Column::ResidentPhone,
                r.phone_sealed.as_deref(),
                personal,
                mobile::mask,
            ),
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
    let q = query.q.trim();
    let industry = query.filter.trim();
    let rows: Vec<EnterpriseSql> = Sql::new(
        "SELECT * FROM ( \
           SELECT e.id, e.name, e.credit_code, e.industry, e.legal_person, e.employees, v.name AS village, \
                  g.name AS grid, count(*) OVER () AS total \
           FROM enterprises e JOIN villages v ON v.id = e.village_id JOIN grids g ON g.id = e.grid_id WHERE ",
    )
    .append(scope.rows("e"))
    .push(" AND (")
    .bind(q)
    .push(" = '' OR e.name LIKE '%' || ")
    .bind(q)
    .push(" || '%' OR e.credit_code = upper(")
    .bind(q)
    .push(")) AND (")
    .bind(industry)
    .push(" = '' OR e.industry = ")
    .bind(industry)
    .push(")) t")
    .append(order_by)
    .page(query.per_page(), query.offset())
    .query()
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

/// A place of the township: a grid and its village.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Place {
    #[diesel(sql_type = Integer)]
    pub village_id: i32,
    #[diesel(sql_type = Integer)]
    pub grid_id: i32,
}

/// The grid (and its village) of the township containing a point, if any (the first by id
/// where two grids' boundaries touch it).
pub async fn place_at(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    lat: f64,
    lng: f64,
) -> Result<Option<Place>, AppError> {
    use diesel::OptionalExtension;
    Ok(sql_query(
        "SELECT g.village_id, g.id AS grid_id FROM grids g \
         WHERE g.township_id = $1 AND ST_Intersects(g.boundary, ST_SetSRID(ST_MakePoint($2, $3), 4326)) \
         ORDER BY g.id LIMIT 1",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Double, _>(lng)
    .bind::<Double, _>(lat)
    .get_result(conn)
    .await
    .optional()?)
}

/// Whether a village (if given) and a grid (if given, and then within that village) belong
/// to the township: `(village ok, grid ok)`.
pub async fn places_belong(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    village_id: Option<i32>,
    grid_id: Option<i32>,
) -> Result<(bool, bool), AppError> {
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ok_village: bool,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ok_grid: bool,
    }
    let check: Check = sql_query(
        "SELECT ($2::int IS NULL OR EXISTS (SELECT 1 FROM villages WHERE id = $2 AND township_id = $1)) AS ok_village, \
                ($3::int IS NULL OR EXISTS (SELECT 1 FROM grids WHERE id = $3 AND township_id = $1 \
                                              AND ($2::int IS NULL OR village_id = $2))) AS ok_grid",
    )
    .bind::<Integer, _>(township_id)
    .bind::<diesel::sql_types::Nullable<Integer>, _>(village_id)
    .bind::<diesel::sql_types::Nullable<Integer>, _>(grid_id)
    .get_result(conn)
    .await?;
    Ok((check.ok_village, check.ok_grid))
}

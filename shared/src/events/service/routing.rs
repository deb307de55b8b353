//! Where an event is and who handles it: point-in-polygon in PostGIS gives the village and
//! grid; the routing table (category × village/grid → department) gives the department.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::error::{AppError, ErrorCode};
use crate::events::types::RoutingRule;
use crate::permissions::codes;
use crate::schema::routing_rules;

pub use crate::basedata::service::Place;

/// The grid (and its village) containing a point of the township, or a `location` error
/// that says the point is outside the town.
pub async fn locate(conn: &mut AsyncPgConnection, township_id: i32, lat: f64, lng: f64) -> Result<Place, AppError> {
    crate::basedata::service::place_at(conn, township_id, lat, lng)
        .await?
        .ok_or_else(|| AppError::field("location", ErrorCode::EventLocationOutside))
}

#[derive(QueryableByName)]
struct DepartmentRow {
    #[diesel(sql_type = Integer)]
    department_id: i32,
}

/// The department for a category at a place: the most specific rule wins (grid before
/// village before the whole town; the category itself before its parent before any).
pub async fn route(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    category_id: i32,
    place: Place,
) -> Result<Option<i32>, AppError> {
    let row: Option<DepartmentRow> = diesel::sql_query(
        "SELECT r.department_id FROM routing_rules r \
         LEFT JOIN event_categories c ON c.id = $2 \
         WHERE r.township_id = $1 \
           AND (r.category_id IS NULL OR r.category_id = $2 OR r.category_id = c.parent_id) \
           AND (r.village_id IS NULL OR r.village_id = $3) \
           AND (r.grid_id IS NULL OR r.grid_id = $4) \
         ORDER BY (r.grid_id IS NOT NULL) DESC, (r.village_id IS NOT NULL) DESC, \
                  (r.category_id = $2) DESC NULLS LAST, (r.category_id IS NOT NULL) DESC, r.id \
         LIMIT 1",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Integer, _>(category_id)
    .bind::<Integer, _>(place.village_id)
    .bind::<Integer, _>(place.grid_id)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|r| r.department_id))
}

#[derive(QueryableByName)]
struct RuleRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Nullable<Text>)]
    category: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    category_id: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    village: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    village_id: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    grid: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    grid_id: Option<i32>,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = Integer)]
    department_id: i32,
}

/// The township's routing table, general rules first.
pub async fn rules(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<RoutingRule>, AppError> {
    if !user.can(codes::EVENTS_CONFIGURE) && !user.can(codes::EVENTS_DISPATCH) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<RuleRow> = diesel::sql_query(
        "SELECT r.id, c.name AS category, r.category_id, v.name AS village, r.village_id, g.name AS grid, r.grid_id, \
                d.name AS department, r.department_id \
         FROM routing_rules r JOIN departments d ON d.id = r.department_id \
         LEFT JOIN event_categories c ON c.id = r.category_id \
         LEFT JOIN villages v ON v.id = r.village_id LEFT JOIN grids g ON g.id = r.grid_id \
         WHERE r.township_id = $1 \
         ORDER BY (r.category_id IS NOT NULL), c.code NULLS FIRST, (r.village_id IS NOT NULL), v.code NULLS FIRST, \
                  g.code NULLS FIRST, r.id",
    )
    .bind::<Integer, _>(user.township_id)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RoutingRule {
            id: r.id,
            category: r.category,
            category_id: r.category_id,
            village: r.village,
            village_id: r.village_id,
            grid: r.grid,
            grid_id: r.grid_id,
            department: r.department,
            department_id: r.department_id,
        })
        .collect())
}

/// A rule as the administrator enters it: empty category / village / grid mean "any".
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct RuleForm {
    pub category_id: Option<i32>,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
    pub department_id: Option<i32>,
}

/// Adds a rule, or changes the department of the rule with the same conditions.
pub async fn save_rule(conn: &mut AsyncPgConnection, user: &SessionUser, form: &RuleForm) -> Result<(), AppError> {
    if !user.can(codes::EVENTS_CONFIGURE) {
        return Err(AppError::Forbidden);
    }
    let Some(department_id) = form.department_id else {
        return Err(AppError::field("department_id", ErrorCode::EventDepartmentRequired));
    };
    // Every id must belong to the administrator's township: the department ours, the
    // village and grid the base data's.
    #[derive(QueryableByName)]
    struct Known {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ok: bool,
    }
    let department: Known =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM departments WHERE id = $2 AND township_id = $1) AS ok")
            .bind::<Integer, _>(user.township_id)
            .bind::<Integer, _>(department_id)
            .get_result(conn)
            .await?;
    let (ok_village, ok_grid) =
        crate::basedata::service::places_belong(conn, user.township_id, form.village_id, form.grid_id).await?;
    let mut errors = Vec::new();
    if !department.ok {
        errors.push(crate::FieldError::new("department_id", ErrorCode::EventDepartmentUnknown));
    }
    if !ok_village {
        errors.push(crate::FieldError::new("village_id", ErrorCode::RoutingVillageUnknown));
    }
    if !ok_grid {
        errors.push(crate::FieldError::new("grid_id", ErrorCode::RoutingGridOutsideVillage));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if let Some(category_id) = form.category_id {
        super::catalog::category_by_id(conn, category_id).await?;
    }
    diesel::insert_into(routing_rules::table)
        .values((
            routing_rules::township_id.eq(user.township_id),
            routing_rules::category_id.eq(form.category_id),
            routing_rules::village_id.eq(form.village_id),
            routing_rules::grid_id.eq(form.grid_id),
            routing_rules::department_id.eq(department_id),
        ))
        .on_conflict((
            routing_rules::township_id,
            routing_rules::category_id,
            routing_rules::village_id,
            routing_rules::grid_id,
        ))
        .do_update()
        .set(routing_rules::department_id.eq(department_id))
        .execute(conn)
        .await?;
    crate::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::SaveRouting,
        &format!("{:?}/{:?}/{:?}", form.category_id, form.village_id, form.grid_id),
        &department_id.to_string(),
    )
    .await
}

/// Removes a rule; the township's default rule (no category, no place) stays.
pub async fn delete_rule(conn: &mut AsyncPgConnection, user: &SessionUser, id: i32) -> Result<(), AppError> {
    if !user.can(codes::EVENTS_CONFIGURE) {
        return Err(AppError::Forbidden);
    }
    let rule: Option<(Option<i32>, Option<i32>, Option<i32>)> = routing_rules::table
        .filter(routing_rules::id.eq(id).and(routing_rules::township_id.eq(user.township_id)))
        .select((routing_rules::category_id, routing_rules::village_id, routing_rules::grid_id))
        .first(conn)
        .await
        .optional()?;
    match rule {
        None => Err(AppError::NotFound),
        Some((None, None, None)) => Err(AppError::Conflict(ErrorCode::RoutingDefaultRule)),
        Some(_) => {
            diesel::delete(routing_rules::table.find(id)).execute(conn).await?;
            crate::audit::service::record(
                conn,
                user.township_id,
                Some(user.id),
                &user.display_name,
                AuditAction::DeleteRouting,
                &id.to_string(),
                "",
            )
            .await
        }
    }
}

//! A register as a layer of the map (its declared [`MapLayer`]): the places of the records
//! the list's query selects — the same selection as the list and the export, so data scope
//! and filters hold — at most [`MAX_MAP_POINTS`], through the geometry's GiST-indexed column.
//! A line or a polygon is drawn at a point inside it (`ST_PointOnSurface`).
//!
//! [`MapLayer`]: crate::engine::declare::MapLayer

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::custom::custom_fields;
use super::list::select;
use super::{Translate, require, table};
use crate::accounts::SessionUser;
use crate::engine::declare::Register;
use crate::engine::record::{Action, ListQuery, MAX_MAP_POINTS, MappedRegister, RecordPoint, RegisterMap};
use crate::error::AppError;
use crate::sql::Sql;

/// The map layer of `register` for the list query `query`; `NotFound` for a register that is
/// not on the map.
pub async fn map(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    query: &ListQuery,
) -> Result<RegisterMap, AppError> {
    require(user, register, Action::View)?;
    let layer = register.map.ok_or(AppError::NotFound)?;
    let custom = custom_fields(conn, register).await?;
    let mut problems = Vec::new();
    let selection = select(user, register, &custom, query, &mut problems);
    let Some(selection) = selection.filter(|_| problems.is_empty()) else {
        return Err(AppError::Validation(problems));
    };
    #[derive(QueryableByName)]
    struct Point {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Double)]
        lat: f64,
        #[diesel(sql_type = Double)]
        lng: f64,
        #[diesel(sql_type = Text)]
        label: String,
        #[diesel(sql_type = Nullable<Text>)]
        state: Option<String>,
    }
    let at = Sql::new("ST_PointOnSurface(r.").push(layer.geometry).push(")");
    let points: Vec<Point> = Sql::new("SELECT r.id, ST_Y(")
        .append(at.clone())
        .push(") AS lat, ST_X(")
        .append(at)
        .push(") AS lng, coalesce(r.")
        .push(layer.label)
        .push("::text, '') AS label, r.state FROM ")
        .append(table(register))
        .push(" r WHERE ")
        .append(Sql::all([selection.matching, Sql::new("r.").push(layer.geometry).push(" IS NOT NULL")]))
        .push(" ORDER BY r.id LIMIT ")
        .bind((MAX_MAP_POINTS + 1) as i64)
        .query()
        .load(conn)
        .await?;
    let more = points.len() > MAX_MAP_POINTS;
    Ok(RegisterMap {
        points: points
            .into_iter()
            .take(MAX_MAP_POINTS)
            .map(|point| RecordPoint {
                id: point.id,
                lat: point.lat,
                lng: point.lng,
                label: point.label,
                state: point.state,
            })
            .collect(),
        cluster: layer.cluster,
        more,
    })
}

/// The registers with a map layer that `user` may view, as layers the town map can offer
/// (the command map's layer control), in declared order.
pub fn mapped(user: &SessionUser, translate: Translate<'_>) -> Vec<MappedRegister> {
    crate::modules::registers()
        .filter(|register| register.map.is_some() && register.parent.is_none() && user.may(register, Action::View))
        .map(|register| MappedRegister {
            module: register.module.to_owned(),
            name: register.name.to_owned(),
            title: translate(&register.title_key()),
        })
        .collect()
}

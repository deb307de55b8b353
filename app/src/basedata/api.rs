//! Server functions of the base-data module.

use crate::wire::Postcard;
use leptos::prelude::*;
use shared::basedata::geojson::MapGeo;
use shared::basedata::{EnterpriseRow, ResidentRow, VillageOption};
use shared::error::AppError;
use shared::paging::{Page, TableQuery};

#[cfg(feature = "ssr")]
use crate::auth::session;

#[server(endpoint = "basedata/residents", output = Postcard)]
pub async fn list_residents(query: TableQuery) -> Result<Page<ResidentRow>, AppError> {
    let user = session::require(shared::permissions::codes::BASEDATA_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::basedata::service::residents(&mut conn, &user, &query).await
}

#[server(endpoint = "basedata/enterprises", output = Postcard)]
pub async fn list_enterprises(query: TableQuery) -> Result<Page<EnterpriseRow>, AppError> {
    let user = session::require(shared::permissions::codes::BASEDATA_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::basedata::service::enterprises(&mut conn, &user, &query).await
}

#[server(endpoint = "basedata/villages", output = Postcard)]
pub async fn list_villages() -> Result<Vec<VillageOption>, AppError> {
    let user = session::require(shared::permissions::codes::BASEDATA_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::basedata::service::villages(&mut conn, &user).await
}

/// The caller's township as GeoJSON layers, the base map of the Leaflet maps. Any logged-in
/// user may read it: the public pick the location of their reports on it.
#[server(endpoint = "basedata/map_geo", output = Postcard)]
pub async fn get_map_geo() -> Result<MapGeo, AppError> {
    let user = session::current_user().await?;
    let mut conn = session::conn().await?;
    shared::basedata::geojson::map_geo(&mut conn, &user).await
}

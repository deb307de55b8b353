//! Server functions of the base-data module (the rule of their checks: [`session::authorized`]).

use crate::wire::Postcard;
use leptos::prelude::*;
use shared::basedata::geojson::MapGeo;
use shared::basedata::{EnterpriseRow, ResidentRow, VillageOption};
use shared::error::AppError;
use shared::paging::{Page, TableQuery};

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
#[cfg(feature = "ssr")]
use shared::permissions::codes;

#[server(endpoint = "basedata/residents", output = Postcard)]
pub async fn list_residents(query: TableQuery) -> Result<Page<ResidentRow>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::BASEDATA_VIEW).await?;
    shared::basedata::service::residents(&mut conn, &user, &query).await
}

#[server(endpoint = "basedata/enterprises", output = Postcard)]
pub async fn list_enterprises(query: TableQuery) -> Result<Page<EnterpriseRow>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::BASEDATA_VIEW).await?;
    shared::basedata::service::enterprises(&mut conn, &user, &query).await
}

#[server(endpoint = "basedata/villages", output = Postcard)]
pub async fn list_villages() -> Result<Vec<VillageOption>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::BASEDATA_VIEW).await?;
    shared::basedata::service::villages(&mut conn, &user).await
}

/// The caller's township as GeoJSON layers, the base map of the Leaflet maps. Any logged-in
/// user may read it: the public pick the location of their reports on it.
#[server(endpoint = "basedata/map_geo", output = Postcard)]
pub async fn get_map_geo() -> Result<MapGeo, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let settings = session::state()?.settings;
    shared::basedata::geojson::map_geo(&mut conn, &user, settings.tile_url.as_deref()).await
}

/// The data catalogue: every register as a dataset, with its records counted where the
/// caller may view them. The data-sharing API reads the same `Dataset`s.
#[server(endpoint = "basedata/catalogue", output = Postcard)]
pub async fn read_catalogue() -> Result<Vec<shared::engine::catalogue::Dataset>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::BASEDATA_VIEW).await?;
    let locale = crate::i18n::Locale::from_request();
    let translate = move |key: &str| locale.t(key);
    shared::engine::service::catalogue(&mut conn, &user, &translate).await
}

/// One resident's ID or mobile number in the clear, for a user with the unmask
/// permission who may see the resident; each reveal is on the audit log.
#[server(endpoint = "basedata/reveal", output = Postcard)]
pub async fn reveal_personal(resident: i64, column: shared::personal::Column) -> Result<String, AppError> {
    let Authorized { user, mut conn } = session::require(codes::PERSONAL_DATA_UNMASK).await?;
    shared::personal::service::reveal(&mut conn, &user, resident, column).await
}

/// A national code table (R-5b): `filter` names it (the first without one), `q` searches its
/// codes and names.
#[server(endpoint = "basedata/code_table", output = Postcard)]
pub async fn read_code_table(query: TableQuery) -> Result<shared::codes::tables::CodeTableView, AppError> {
    let Authorized { mut conn, .. } = session::require(codes::BASEDATA_VIEW).await?;
    shared::codes::tables::service::view(&mut conn, &query.filter, &query.q).await
}

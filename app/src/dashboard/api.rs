//! Server functions of the dashboard.

use crate::wire::Postcard;
use leptos::prelude::*;
use shared::basedata::{MapLayers, Overview};
use shared::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::session;

/// Head counts within the caller's data scope.
#[server(endpoint = "dashboard/overview", output = Postcard)]
pub async fn get_overview() -> Result<Overview, AppError> {
    let user = session::require(shared::permissions::codes::DASHBOARD_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::basedata::service::overview(&mut conn, &user).await
}

/// The caller's township as map layers.
#[server(endpoint = "dashboard/map", output = Postcard)]
pub async fn get_map() -> Result<MapLayers, AppError> {
    let user = session::require(shared::permissions::codes::DASHBOARD_VIEW).await?;
    let mut conn = session::conn().await?;
    shared::basedata::service::map_layers(&mut conn, &user).await
}

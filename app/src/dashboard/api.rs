//! Server functions of the dashboard (the rule of their checks: [`session::authorized`]).

use crate::wire::Postcard;
use leptos::prelude::*;
use shared::basedata::{MapLayers, Overview};
use shared::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
#[cfg(feature = "ssr")]
use shared::permissions::codes;

/// Head counts within the caller's data scope.
#[server(endpoint = "dashboard/overview", output = Postcard)]
pub async fn get_overview() -> Result<Overview, AppError> {
    let Authorized { user, mut conn } = session::require(codes::DASHBOARD_VIEW).await?;
    shared::basedata::service::overview(&mut conn, &user).await
}

/// The caller's township as map layers.
#[server(endpoint = "dashboard/map", output = Postcard)]
pub async fn get_map() -> Result<MapLayers, AppError> {
    let Authorized { user, mut conn } = session::require(codes::DASHBOARD_VIEW).await?;
    shared::basedata::service::map_layers(&mut conn, &user).await
}

/// The figures the registers declare (党员, 待审批领用 …), in the caller's data scope, for
/// every register they may view.
#[server(endpoint = "dashboard/counters", output = Postcard)]
pub async fn get_register_counters() -> Result<Vec<shared::engine::RegisterCounter>, AppError> {
    let Authorized { user, mut conn } = session::require(codes::DASHBOARD_VIEW).await?;
    let locale = crate::i18n::Locale::from_request();
    let translate = move |key: &str| locale.t(key);
    shared::engine::service::counters(&mut conn, &user, &translate).await
}

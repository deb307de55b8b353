//! The sensing module's own server functions.

use leptos::prelude::*;
use shared::error::AppError;
use shared::sensing::board::Monitor;

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
use crate::wire::Postcard;

/// 监测态势 for this user (the service refuses a user who may not view the stations).
#[server(endpoint = "sensing/monitor", output = Postcard)]
pub async fn read_monitor() -> Result<Monitor, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let locale = crate::i18n::Locale::from_request();
    let translate = move |key: &str| locale.t(key);
    shared::sensing::service::board::monitor(&mut conn, &user, &translate).await
}

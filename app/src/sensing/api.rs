//! The sensing module's own server functions.

use leptos::prelude::*;
use shared::error::AppError;
use shared::sensing::board::Monitor;
use shared::sensing::chart::{Span, StationChart};
use shared::sensing::situation::Situation;

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

/// The vital signs this user may see: the indicators marked for the big screen (`on_screen`)
/// or the whole catalogue, and the alarms open now. Nothing visible is an empty answer, not
/// a refusal: a wall shows what it can.
#[server(endpoint = "sensing/situation", output = Postcard)]
pub async fn read_situation(on_screen: bool) -> Result<Situation, AppError> {
    use shared::sensing::service::situation::{Tiles, situation};
    let Authorized { user, mut conn } = session::authorized().await?;
    let which = if on_screen { Tiles::OnScreen } else { Tiles::All };
    situation(&mut conn, &user, which, chrono::Utc::now()).await
}

/// A station's 监测曲线 over the span, for a user who may view it.
#[server(endpoint = "sensing/station-chart", output = Postcard)]
pub async fn read_station_chart(station: i64, span: Span) -> Result<StationChart, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    shared::sensing::service::chart::station_chart(&mut conn, &user, station, span, chrono::Utc::now()).await
}

//! The party module's own server functions.

use leptos::prelude::*;
use shared::error::AppError;
use shared::party::board::PartyBoard;

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
use crate::wire::Postcard;

/// The party board for this user, today in the township's time zone (the service refuses a
/// user who may not view the organisations, members and meetings).
#[server(endpoint = "party/board", output = Postcard)]
pub async fn read_party_board() -> Result<PartyBoard, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let locale = crate::i18n::Locale::from_request();
    let translate = move |key: &str| locale.t(key);
    shared::party::service::board(&mut conn, &user, shared::time::today(), &translate).await
}

//! Server functions of the profile page (`/api/me/…`): the user's delegations while away.
//! The service checks who may delegate and what; these check the login.

use leptos::prelude::*;
use shared::engine::delegation::{DelegationForm, Delegations};
use shared::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
use crate::wire::Postcard;

/// The delegations the user gave and received, and the colleagues they may name.
#[server(endpoint = "me/delegations", output = Postcard)]
pub async fn read_delegations() -> Result<Delegations, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    shared::engine::service::delegation::delegations(&mut conn, &user).await
}

/// Names a colleague to approve in the user's place while away; back to the profile.
#[server(endpoint = "me/delegate", output = Postcard)]
pub async fn delegate(form: DelegationForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    shared::engine::service::delegation::delegate(&mut conn, &user, &form).await?;
    leptos_axum::redirect("/me#delegation");
    Ok(())
}

/// Ends one of the user's delegations now; back to the profile.
#[server(endpoint = "me/revoke_delegation", output = Postcard)]
pub async fn revoke_delegation(id: i64) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    shared::engine::service::delegation::revoke(&mut conn, &user, id).await?;
    leptos_axum::redirect("/me#delegation");
    Ok(())
}

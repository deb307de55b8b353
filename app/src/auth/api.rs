//! Server functions of the auth module.

use crate::wire::Postcard;
use leptos::prelude::*;
use shared::accounts::{SessionUser, TownshipOption};
use shared::error::AppError;

#[cfg(feature = "ssr")]
use super::session;

/// The logged-in user, or `None`.
#[server(endpoint = "auth/me", output = Postcard)]
pub async fn get_me() -> Result<Option<SessionUser>, AppError> {
    match session::current_user().await {
        Ok(user) => Ok(Some(user)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(other) => Err(other),
    }
}

#[server(endpoint = "auth/login", output = Postcard)]
pub async fn login(username: String, password: String, next: String) -> Result<(), AppError> {
    use shared::accounts::service::login;
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    let outcome = login::login(&mut conn, &state.auth, &username, &password, &session::user_agent()).await?;
    session::set_session_cookie(&outcome.token)?;
    leptos_axum::redirect(&session::safe_next(&next));
    Ok(())
}

#[server(endpoint = "auth/logout", output = Postcard)]
pub async fn logout() -> Result<(), AppError> {
    use shared::accounts::service::session as sessions;
    if let Some(token) = session::session_token() {
        let mut conn = session::conn().await?;
        sessions::revoke(&mut conn, &token).await?;
        // Other processes hear of it from PostgreSQL; this one forgets it before answering.
        session::state()?.sessions.forget(&sessions::token_hash(&token));
    }
    session::clear_session_cookie()?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Townships one can register in (a county deployment hosts several).
#[server(endpoint = "auth/townships", output = Postcard)]
pub async fn list_townships() -> Result<Vec<TownshipOption>, AppError> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use shared::schema::townships;
    let mut conn = session::conn().await?;
    let rows: Vec<(i32, String)> =
        townships::table.order(townships::code).select((townships::id, townships::name)).load(&mut conn).await?;
    Ok(rows.into_iter().map(|(id, name)| TownshipOption { id, name }).collect())
}

/// Registers a member of the public and logs them in.
#[server(endpoint = "auth/register", output = Postcard)]
pub async fn register_public(
    township_id: i32,
    phone: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use shared::accounts::PublicRegistration;
    use shared::accounts::service::{login, register};
    let state = session::state()?;
    let mut conn = state.pool.get().await?;
    let form = PublicRegistration { township_id, phone, display_name, password, password_confirm };
    register::register_public(&mut conn, &form).await?;
    let outcome = login::login(&mut conn, &state.auth, &form.phone, &form.password, &session::user_agent()).await?;
    session::set_session_cookie(&outcome.token)?;
    leptos_axum::redirect("/me?welcome=1");
    Ok(())
}

/// Registers an enterprise user; it can log in once staff approve it.
#[server(endpoint = "auth/register_enterprise", output = Postcard)]
#[allow(clippy::too_many_arguments)]
pub async fn register_enterprise(
    township_id: i32,
    credit_code: String,
    enterprise_name: String,
    contact_name: String,
    phone: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use shared::accounts::EnterpriseRegistration;
    use shared::accounts::service::register;
    let mut conn = session::conn().await?;
    let form = EnterpriseRegistration {
        township_id,
        credit_code: credit_code.trim().to_uppercase(),
        enterprise_name,
        contact_name,
        phone,
        password,
        password_confirm,
    };
    register::register_enterprise(&mut conn, &form).await?;
    leptos_axum::redirect("/login?pending=1");
    Ok(())
}

/// The demo accounts, shown on the login page only in demo mode.
#[server(endpoint = "auth/demo_accounts", output = Postcard)]
pub async fn demo_accounts() -> Result<Vec<(String, String)>, AppError> {
    use shared::accounts::demo_accounts;
    if !session::state()?.demo {
        return Ok(Vec::new());
    }
    Ok(demo_accounts::all().map(|a| (a.username.to_owned(), a.note.to_owned())).collect())
}

//! Server functions of the engine's pages (`/api/engine/…`). Each names its register by
//! module and name, as the path does; an unknown one is a 404 (after the login: a caller
//! not logged in learns nothing). They check the login here
//! ([`session::authorized`]) and leave the register's permission and the data scope to the
//! service (`shared::engine::service`), which checks both on every call.
//!
//! Those that change a record redirect to the page that shows the result: without
//! JavaScript the browser follows the redirect, with it the router does.

use leptos::prelude::*;
use shared::basedata::VillageOption;
use shared::engine::{ListPage, ListQuery, Record, RecordForm, Version};
use shared::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
use crate::wire::Postcard;

/// The register `module.name`, or `NotFound`.
#[cfg(feature = "ssr")]
fn register(module: &str, name: &str) -> Result<&'static shared::engine::Register, AppError> {
    shared::modules::register(module, name).ok_or(AppError::NotFound)
}

/// A record's page, the target of a redirect (module and register are declared names: a
/// found register's own, never the request's text).
#[cfg(feature = "ssr")]
fn record_path(register: &shared::engine::Register, id: i64) -> String {
    format!("/m/{}/{}/{id}", register.module, register.name)
}

#[server(endpoint = "engine/list", output = Postcard)]
pub async fn list_records(module: String, register: String, query: ListQuery) -> Result<ListPage, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    shared::engine::service::list(&mut conn, &user, register, &query).await
}

#[server(endpoint = "engine/get", output = Postcard)]
pub async fn get_record(module: String, register: String, id: i64) -> Result<Record, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    shared::engine::service::get(&mut conn, &user, register, id).await
}

/// A new record; the form's fields are `form[values][<field>]`, `form[village_id]`,
/// `form[grid_id]`.
#[server(endpoint = "engine/create", output = Postcard)]
pub async fn create_record(module: String, register: String, form: RecordForm) -> Result<i64, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    let id = shared::engine::service::create(&mut conn, &user, register, &form).await?;
    leptos_axum::redirect(&record_path(register, id));
    Ok(id)
}

/// An edit of the version the user saw (`form[version]`): another version is `RecordStale`.
#[server(endpoint = "engine/update", output = Postcard)]
pub async fn update_record(module: String, register: String, id: i64, form: RecordForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    shared::engine::service::update(&mut conn, &user, register, id, &form).await?;
    leptos_axum::redirect(&record_path(register, id));
    Ok(())
}

#[server(endpoint = "engine/delete", output = Postcard)]
pub async fn delete_record(module: String, register: String, id: i64, version: i32) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    shared::engine::service::delete(&mut conn, &user, register, id, version).await?;
    leptos_axum::redirect(&format!("/m/{}/{}", register.module, register.name));
    Ok(())
}

#[server(endpoint = "engine/history", output = Postcard)]
pub async fn record_history(module: String, register: String, id: i64) -> Result<Vec<Version>, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    shared::engine::service::history(&mut conn, &user, register, id).await
}

/// Makes an old version the record's newest (a new version with its values).
#[server(endpoint = "engine/restore", output = Postcard)]
pub async fn restore_version(module: String, register: String, id: i64, version: i32) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    shared::engine::service::restore(&mut conn, &user, register, id, version).await?;
    leptos_axum::redirect(&record_path(register, id));
    Ok(())
}

/// What a reference or user field may point at: (id, name), the names starting with `q`.
#[server(endpoint = "engine/references", output = Postcard)]
pub async fn reference_options(
    module: String,
    register: String,
    field: String,
    #[server(default)] q: String,
) -> Result<Vec<(i64, String)>, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&module, &register)?;
    shared::engine::service::reference_options(&mut conn, &user, register, &field, &q).await
}

/// The villages and grids of the caller's township, for a record's place: (villages, grids as
/// (id, village id, name)). Places are not personal data; which records a user may write
/// in which place the service decides.
#[server(endpoint = "engine/places", output = Postcard)]
pub async fn places() -> Result<(Vec<VillageOption>, Vec<(i32, i32, String)>), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let villages = shared::basedata::service::villages_of_township(&mut conn, user.township_id).await?;
    let grids = shared::basedata::service::grids_of_township(&mut conn, user.township_id).await?;
    Ok((villages, grids))
}

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
use shared::engine::custom::{ConfiguredField, CustomFieldForm};
use shared::engine::meta::RegisterGrants;
use shared::engine::retention::{RetentionForm, RetentionSettings};
use shared::engine::transfer::ImportProgress;
use shared::engine::{
    ListPage, ListQuery, PendingRecords, Record, RecordForm, Referrers, RegisterMap, RegisterMeta, RegisterStats,
    StatsQuery, StepOutcome, Version,
};
use shared::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::session::{self, Authorized};
use crate::wire::Postcard;

/// The register `module.name` (declared, or made at run time), or `NotFound`.
#[cfg(feature = "ssr")]
async fn register(
    conn: &mut shared::db::DbConn,
    module: &str,
    name: &str,
) -> Result<&'static shared::engine::Register, AppError> {
    shared::engine::service::runtime::resolve(conn, module, name).await
}

/// A record's page, the target of a redirect (module and register are declared names: a
/// found register's own, never the request's text).
#[cfg(feature = "ssr")]
fn record_path(register: &shared::engine::Register, id: i64) -> String {
    format!("/m/{}/{}/{id}", register.module, register.name)
}

/// The key's text in the request's language (the registers' texts live on the server).
#[cfg(feature = "ssr")]
fn translate(key: &str) -> String {
    crate::i18n::Locale::from_request().t(key)
}

/// A register as its pages show it to this user: fields (with the custom ones), labels in
/// the request's language, list, filters, workflow, and what the user may do. A 403 without
/// the register's view permission.
#[server(endpoint = "engine/meta", output = Postcard)]
pub async fn describe_register(module: String, register: String) -> Result<RegisterMeta, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    let language = crate::i18n::Locale::from_request().language();
    shared::engine::service::describe(&mut conn, &user, register, language, &translate).await
}

/// The register records waiting for this user (a step their role may take, an approval
/// asked of them), soonest deadline first: the registers' part of "my tasks".
#[server(endpoint = "engine/pending", output = Postcard)]
pub async fn records_waiting_for_me() -> Result<PendingRecords, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    shared::engine::service::pending(&mut conn, &user, &translate).await
}

/// Every register's permission codes with their labels, for the role editor (the same
/// permission as the roles page that asks).
#[server(endpoint = "engine/grants", output = Postcard)]
pub async fn grant_catalogue() -> Result<Vec<RegisterGrants>, AppError> {
    let Authorized { user, .. } = session::authorized().await?;
    if !user.can(shared::permissions::codes::ROLES_VIEW) {
        return Err(AppError::Forbidden);
    }
    Ok(shared::engine::service::grants(&translate))
}

/// Adds a custom field to a register (its `configure` permission); back to the fields page.
#[server(endpoint = "engine/add_field", output = Postcard)]
pub async fn add_custom_field(module: String, register: String, form: CustomFieldForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::add_custom_field(&mut conn, &user, register, &form).await?;
    leptos_axum::redirect(&format!("/m/{}/{}/fields", register.module, register.name));
    Ok(())
}

/// Every custom field of a register, retired ones too (its `configure` permission).
#[server(endpoint = "engine/fields", output = Postcard)]
pub async fn read_custom_fields(module: String, register: String) -> Result<Vec<ConfiguredField>, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::configured_fields(&mut conn, &user, register).await
}

/// Changes a custom field's labels, flags and options (its key and kind stay); back to the
/// fields page.
#[server(endpoint = "engine/change_field", output = Postcard)]
pub async fn change_custom_field(module: String, register: String, form: CustomFieldForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::change_custom_field(&mut conn, &user, register, &form).await?;
    leptos_axum::redirect(&format!("/m/{}/{}/fields", register.module, register.name));
    Ok(())
}

/// Retires a custom field (`retire`), or reinstates it; back to the fields page.
#[server(endpoint = "engine/retire_field", output = Postcard)]
pub async fn retire_custom_field(module: String, register: String, key: String, retire: bool) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::retire_custom_field(&mut conn, &user, register, &key, retire).await?;
    leptos_axum::redirect(&format!("/m/{}/{}/fields", register.module, register.name));
    Ok(())
}

/// How long the register keeps its history (its `configure` permission).
#[server(endpoint = "engine/retention", output = Postcard)]
pub async fn read_retention(module: String, register: String) -> Result<RetentionSettings, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::retention::settings(&mut conn, &user, register).await
}

/// Sets how long the register keeps its history; back to the fields page.
#[server(endpoint = "engine/configure_retention", output = Postcard)]
pub async fn configure_retention(module: String, register: String, form: RetentionForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::retention::configure(&mut conn, &user, register, &form).await?;
    leptos_axum::redirect(&format!("/m/{}/{}/fields#retention", register.module, register.name));
    Ok(())
}

/// Takes a workflow step on the version the user saw (with the reason, when the step asks
/// for one); back to the record.
#[server(endpoint = "engine/step", output = Postcard)]
pub async fn step_record(
    module: String,
    register: String,
    id: i64,
    version: i32,
    step: String,
    #[server(default)] reason: String,
) -> Result<StepOutcome, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    let reason = Some(reason.trim()).filter(|reason| !reason.is_empty());
    let outcome = shared::engine::service::step(&mut conn, &user, register, id, version, &step, reason).await?;
    leptos_axum::redirect(&record_path(register, id));
    Ok(outcome)
}

#[server(endpoint = "engine/list", output = Postcard)]
pub async fn list_records(module: String, register: String, query: ListQuery) -> Result<ListPage, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::list(&mut conn, &user, register, &query).await
}

/// One of the user's imports of the register: its preview, or its progress.
#[server(endpoint = "engine/import", output = Postcard)]
pub async fn read_import(module: String, register: String, id: i64) -> Result<ImportProgress, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    let progress = shared::engine::service::imports::get(&mut conn, &user, id).await?;
    // The page's path names the register: another register's import is not here.
    if progress.register != register.key() {
        return Err(AppError::NotFound);
    }
    Ok(progress)
}

/// The user's latest imports of the register, to come back to.
#[server(endpoint = "engine/imports", output = Postcard)]
pub async fn list_imports(module: String, register: String) -> Result<Vec<ImportProgress>, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::imports::recent(&mut conn, &user, register, 10).await
}

/// The register's map layer: the places of the records the list's query selects.
#[server(endpoint = "engine/map", output = Postcard)]
pub async fn map_layer(module: String, register: String, query: ListQuery) -> Result<RegisterMap, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::map(&mut conn, &user, register, &query).await
}

/// The registers the user may see on the town map as layers (the command map's layer control).
#[server(endpoint = "engine/mapped", output = Postcard)]
pub async fn mapped_registers() -> Result<Vec<shared::engine::MappedRegister>, AppError> {
    let user = session::active_user().await?;
    Ok(shared::engine::service::mapped(&user, &translate))
}

/// The register's statistics: the list query's records grouped and summed as `query` asks.
#[server(endpoint = "engine/stats", output = Postcard)]
pub async fn read_stats(module: String, register: String, query: StatsQuery) -> Result<RegisterStats, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    let language = crate::i18n::Locale::from_request().language();
    shared::engine::service::stats(&mut conn, &user, register, &query, &translate, language).await
}

#[server(endpoint = "engine/get", output = Postcard)]
pub async fn get_record(module: String, register: String, id: i64) -> Result<Record, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::get(&mut conn, &user, register, id).await
}

/// A new record; the form's fields are `form[values][<field>]`, `form[village_id]`,
/// `form[grid_id]`.
#[server(endpoint = "engine/create", output = Postcard)]
pub async fn create_record(module: String, register: String, form: RecordForm) -> Result<i64, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    let id = shared::engine::service::create(&mut conn, &user, register, &form).await?;
    leptos_axum::redirect(&record_path(register, id));
    Ok(id)
}

/// An edit of the version the user saw (`form[version]`): another version is `RecordStale`.
#[server(endpoint = "engine/update", output = Postcard)]
pub async fn update_record(module: String, register: String, id: i64, form: RecordForm) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::update(&mut conn, &user, register, id, &form).await?;
    leptos_axum::redirect(&record_path(register, id));
    Ok(())
}

#[server(endpoint = "engine/delete", output = Postcard)]
pub async fn delete_record(module: String, register: String, id: i64, version: i32) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::delete(&mut conn, &user, register, id, version).await?;
    leptos_axum::redirect(&format!("/m/{}/{}", register.module, register.name));
    Ok(())
}

/// The records of other registers that refer to this one, by register and field.
#[server(endpoint = "engine/referrers", output = Postcard)]
pub async fn record_referrers(module: String, register: String, id: i64) -> Result<Vec<Referrers>, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::referrers(&mut conn, &user, register, id, &translate).await
}

/// A record's newest versions, or those older than version `before`, a page at a time.
#[server(endpoint = "engine/history", output = Postcard)]
pub async fn record_history(
    module: String,
    register: String,
    id: i64,
    before: Option<i32>,
) -> Result<Vec<Version>, AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
    shared::engine::service::history_before(&mut conn, &user, register, id, before).await
}

/// Makes an old version the record's newest (a new version with its values).
#[server(endpoint = "engine/restore", output = Postcard)]
pub async fn restore_version(module: String, register: String, id: i64, version: i32) -> Result<(), AppError> {
    let Authorized { user, mut conn } = session::authorized().await?;
    let register = self::register(&mut conn, &module, &register).await?;
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
    let register = self::register(&mut conn, &module, &register).await?;
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

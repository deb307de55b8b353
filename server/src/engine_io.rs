//! Import and export of the module engine's registers (R-import), as plain endpoints beside
//! the engine's pages, with the session cookie of every other request:
//!
//! - `GET /api/engine/{module}/{register}/export.{csv|xlsx|geojson}?q=&<filter>=&sort=&dir=`:
//!   the list the page shows, as a file (`export.rs`);
//! - `GET /api/engine/{module}/{register}/template.{csv|xlsx}`: the import template
//!   (`template.rs`);
//! - `POST /api/engine/{module}/{register}/import` (multipart, field `file`): the preview,
//!   nothing written; `POST /api/engine/imports/{id}/commit`: the writing, in the background;
//!   `GET /api/engine/imports/{id}`: its progress (`import.rs`).
//!
//! The rules (permissions, data scope, filters, checks, the write path) are the engine
//! service's (`shared::engine::service::{export, import, imports}`); this module reads and
//! writes the files (`files.rs`, `sheets.rs`). `crate::engine_jobs` sweeps imports nobody will finish.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use shared::AppError;
use shared::engine::Register;
use shared::engine::transfer::MAX_FILE_BYTES;

use crate::router::ServerState;

mod export;
pub mod files;
mod import;
pub(crate) mod sheets;
mod template;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/engine/{module}/{register}/{file}", get(download))
        .route(
            "/api/engine/{module}/{register}/import",
            post(import::preview).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/api/engine/imports/{id}/commit", post(import::commit))
        .route("/api/engine/imports/{id}", get(import::progress))
}

/// The files a register offers: its export in three formats, its import template in two.
async fn download(
    state: axum::extract::State<ServerState>,
    headers: HeaderMap,
    path: axum::extract::Path<(String, String, String)>,
    query: axum::extract::Query<Vec<(String, String)>>,
) -> Result<axum::response::Response, crate::auth::ApiError> {
    let file = path.2.clone();
    match file.as_str() {
        "export.csv" | "export.xlsx" | "export.geojson" => export::export(state, headers, path, query).await,
        "template.csv" | "template.xlsx" => template::template(state, headers, path).await,
        _ => Err(AppError::NotFound.into()),
    }
}

/// A declared or run-time register, or 404.
async fn register(pool: &shared::db::DbPool, module: &str, name: &str) -> Result<&'static Register, AppError> {
    if let Some(register) = shared::modules::register(module, name) {
        return Ok(register);
    }
    let mut conn = pool.get().await?;
    shared::engine::service::runtime::resolve(&mut conn, module, name).await
}

/// Translations in the user's language, then in the others: the labels an import file's
/// headers and choices may be written in.
fn languages(first: app::i18n::Locale) -> Vec<app::i18n::Locale> {
    std::iter::once(first).chain(app::i18n::Locale::ALL.into_iter().filter(move |other| *other != first)).collect()
}

/// An Excel sheet's name from a title: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let name: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if name.trim().is_empty() { "Sheet1".to_owned() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_name_is_what_excel_accepts() {
        assert_eq!(sheet_name("党员"), "党员");
        assert_eq!(sheet_name("a/b[c]"), "abc");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name("//"), "Sheet1");
    }
}

//! `GET /api/engine/{module}/{register}/export.{csv|xlsx|geojson}`: the register's list as
//! the page shows it to the user (the same query parameters), as a file. The records are
//! read a batch at a time and handed to a writer on a blocking thread, so neither the
//! database rows nor the writing hold up the server's async threads; exports share the
//! event exports' two turns (`events::export::export_turn`).

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use shared::engine::ListQuery;
use shared::engine::service::export::{Export, ExportRow, geometry_field};
use shared::{AppError, ErrorCode};

use super::sheets::{self, CsvSheet, GeoJsonSheet, Sheet, XlsxSheet};
use super::{register, sheet_name};
use crate::auth::{self, ApiError};
use crate::events::export::{attachment, audit_export, export_turn};
use crate::router::ServerState;

pub async fn export(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((module, name, file)): Path<(String, String, String)>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let register = register(&state.app.pool, &module, &name).await?;
    let extension = file.trim_start_matches("export.");
    if extension == "geojson" && geometry_field(register).is_none() {
        return Err(AppError::field("format", ErrorCode::ExportNoGeometry).into());
    }
    let locale = app::i18n::Locale::from_headers(&headers);
    let label = move |key: &str| locale.t(key);
    let query = ListQuery::from_params(params.iter().map(|(name, value)| (name.as_str(), value.as_str())));
    let _turn = export_turn().await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let mut export = Export::start(&mut conn, &user, register, &query, &label, locale.language()).await?;
    let pairs = params.iter().map(|(name, value)| (name.as_str(), value.as_str()));
    audit_export(&mut conn, &user, &register.key(), extension, pairs).await?;
    let title = label(&register.title_key());
    let columns = export.columns().to_vec();
    let (sheet, content_type): (Box<dyn Sheet>, _) = match extension {
        "csv" => (Box::new(CsvSheet::new(&columns)?), sheets::CSV),
        "xlsx" => (Box::new(XlsxSheet::new(&sheet_name(&title), &columns)?), sheets::XLSX),
        _ => (Box::new(GeoJsonSheet::new(&columns, export.geometry_column())), sheets::GEOJSON),
    };
    // One batch in hand, one on its way to the writer: never more.
    let (batches, mut received) = tokio::sync::mpsc::channel::<Vec<ExportRow>>(1);
    let writer = tokio::task::spawn_blocking(move || {
        let mut sheet = sheet;
        while let Some(batch) = received.blocking_recv() {
            for row in &batch {
                sheet.row(row)?;
            }
        }
        sheet.finish()
    });
    while let Some(batch) = export.next_batch(&mut conn).await? {
        if batches.send(batch).await.is_err() {
            break;
        }
    }
    drop(batches);
    drop(conn);
    let body = writer.await.map_err(|_| AppError::Internal)??;
    Ok(attachment(&format!("{title}.{extension}"), content_type, body))
}

//! `GET /api/admin/audit.{csv,xlsx}`: the auditor's search of the audit log as a file (GB/T
//! 22239 8.1.5.2 b), with the page's own query parameters. Oldest first, each record with its
//! number and chain value, so that the file can be held against the log later. A search that
//! finds more than `audit::service::EXPORT_LIMIT` records is refused rather than cut.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use shared::AppError;
use shared::audit::service::{self as audit, ExportedRecord};
use shared::audit::{AuditAction, AuditSearch};
use shared::engine::service::export::{CellKind, Column, ExportRow};

use crate::auth::{self, ApiError};
use crate::engine_io::sheets::{self, CsvSheet, Sheet, XlsxSheet};
use crate::events::export::{attachment, audit_export, export_turn};
use crate::router::ServerState;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/admin/audit.csv", get(async |state, headers, query| export(state, headers, query, true).await))
        .route("/api/admin/audit.xlsx", get(async |state, headers, query| export(state, headers, query, false).await))
}

/// The columns: the page's, plus the record's number and chain value.
const COLUMNS: [(&str, CellKind); 9] = [
    ("audit.id", CellKind::Number),
    ("audit.at", CellKind::Text),
    ("audit.actor", CellKind::Text),
    ("audit.action", CellKind::Text),
    ("audit.outcome", CellKind::Text),
    ("audit.target", CellKind::Text),
    ("audit.detail", CellKind::Text),
    ("audit.ip", CellKind::Text),
    ("audit.hash", CellKind::Text),
];

async fn export(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
    csv: bool,
) -> Result<Response, ApiError> {
    let extension = if csv { "csv" } else { "xlsx" };
    let user = auth::user(&state.app, &headers).await?;
    let get = |key: &str| params.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value.clone());
    let search = AuditSearch::from_query(get)?;
    let locale = app::i18n::Locale::from_headers(&headers);
    let _turn = export_turn().await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let records = audit::export(&mut conn, &user, &search).await?;
    let pairs = params.iter().map(|(name, value)| (name.as_str(), value.as_str()));
    audit_export(&mut conn, &user, "audit_log", extension, pairs).await?;
    drop(conn);
    let columns: Vec<Column> = COLUMNS.iter().map(|(key, kind)| Column { title: locale.t(key), kind: *kind }).collect();
    let title = locale.t("nav.audit");
    let file_name = format!("{title}.{extension}");
    let body = tokio::task::spawn_blocking(move || {
        let mut sheet: Box<dyn Sheet> =
            if csv { Box::new(CsvSheet::new(&columns)?) } else { Box::new(XlsxSheet::new(&title, &columns)?) };
        for record in &records {
            sheet.row(&line(record, &|key| locale.t(key)))?;
        }
        sheet.finish()
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let content_type = if csv { sheets::CSV } else { sheets::XLSX };
    Ok(attachment(&file_name, content_type, body))
}

/// One record's cells (in a CSV file the sheet keeps text that looks like a formula as text).
fn line(record: &ExportedRecord, label: &dyn Fn(&str) -> String) -> ExportRow {
    let row = &record.row;
    let action = AuditAction::parse(&row.action);
    ExportRow {
        cells: vec![
            row.id.to_string(),
            shared::time::local(row.at).format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
            row.actor_name.clone(),
            action.map_or_else(|| row.action.clone(), |a| label(a.i18n_key())),
            action.map(|a| label(a.outcome().i18n_key())).unwrap_or_default(),
            row.target.clone(),
            row.detail.clone(),
            row.ip.clone(),
            record.hash.clone(),
        ],
        geometry: None,
    }
}

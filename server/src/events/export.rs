//! Exports with exactly the filters and permissions of the page they come from: the event
//! list as CSV or Excel, the statistics as Excel.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_xlsxwriter::{Format, Workbook};
use shared::AppError;
use shared::events::service::{queries, stats};
use shared::events::{EventFilter, StatsDimension};
use shared::permissions::codes;
use std::collections::HashMap;

use crate::auth::{self, ApiError};
use crate::router::ServerState;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/events/export.csv", get(events_csv))
        .route("/api/events/export.xlsx", get(events_xlsx))
        .route("/api/events/stats.xlsx", get(stats_xlsx))
}

/// The filter of the page the export comes from; a value that does not parse or lies out of
/// bounds is a 422 naming the field, never a file holding something else than was asked.
fn filter(query: &HashMap<String, String>) -> Result<EventFilter, AppError> {
    EventFilter::try_from_query(|key| query.get(key).cloned())
}

/// Exports build whole files in memory (up to `stats::EXPORT_LIMIT` rows): at most two at a
/// time, and a request that cannot start within half a minute is told to come back.
static EXPORTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
const EXPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

pub(crate) async fn export_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    match tokio::time::timeout(EXPORT_WAIT, EXPORTS.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(_)) => Err(AppError::Internal),
        Err(_) => Err(AppError::TooManyRequests { retry_after_secs: EXPORT_WAIT.as_secs() as u32 }),
    }
}

pub(crate) fn attachment(name: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    let today = chrono::Utc::now().with_timezone(&shared::events::calendar::china()).format("%Y%m%d");
    // RFC 5987: a UTF-8 file name for the Chinese title, an ASCII one for old clients.
    let disposition = format!(
        "attachment; filename=\"tongguan-{today}.{ext}\"; filename*=UTF-8''{}",
        name.bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            })
            .collect::<String>(),
        ext = name.rsplit('.').next().unwrap_or("bin")
    );
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

async fn events_csv(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let filter = filter(&query)?;
    let _turn = export_turn().await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let csv = stats::export_csv(&mut conn, &user, &filter).await?;
    audit_export(&mut conn, &user, "events", "csv", sorted(&query)).await?;
    Ok(attachment("事件清单.csv", "text/csv; charset=utf-8", csv.into_bytes()))
}

/// A query's pairs in a stable order (a map's own order is not).
fn sorted(query: &HashMap<String, String>) -> impl Iterator<Item = (&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.sort();
    pairs.into_iter()
}

/// Records that a list left the platform: who, which list, the format and its filters (the
/// query as sent, bounded). Called once the export is under way, so a refused one is not
/// recorded as data that left.
pub async fn audit_export<'a>(
    conn: &mut shared::db::DbConn,
    user: &shared::accounts::SessionUser,
    list: &str,
    format: &str,
    params: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(), AppError> {
    let mut detail: String = form_urlencoded::Serializer::new(format!("format={format}")).extend_pairs(params).finish();
    if let Some((cut, _)) = detail.char_indices().nth(500) {
        detail.truncate(cut);
    }
    shared::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        shared::audit::AuditAction::Export,
        list,
        &detail,
    )
    .await
}

fn excel_error(error: rust_xlsxwriter::XlsxError) -> AppError {
    tracing::error!(%error, "writing an Excel file");
    AppError::Internal
}

async fn events_xlsx(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    if !user.can(codes::EVENTS_STATS) {
        return Err(AppError::Forbidden.into());
    }
    let filter = filter(&query)?;
    let _turn = export_turn().await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let rows = queries::export_rows(&mut conn, &user, &filter, stats::EXPORT_LIMIT).await?;
    audit_export(&mut conn, &user, "events", "xlsx", sorted(&query)).await?;
    drop(conn);
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("事件清单").map_err(excel_error)?;
        let bold = Format::new().set_bold();
        for (col, title) in stats::EXPORT_HEADER.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &bold).map_err(excel_error)?;
        }
        let now = chrono::Utc::now();
        for (i, row) in rows.iter().enumerate() {
            for (col, value) in stats::export_line(row, now).iter().enumerate() {
                sheet.write_string(i as u32 + 1, col as u16, value).map_err(excel_error)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(excel_error)?;
        sheet.autofit();
        book.save_to_buffer().map_err(excel_error)
    })
    .await
    .map_err(|_| AppError::Internal)??;
    Ok(attachment("事件清单.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body))
}

async fn stats_xlsx(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let dimension = StatsDimension::parse(query.get("by").map(String::as_str).unwrap_or_default());
    let filter = filter(&query)?;
    let _turn = export_turn().await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let stats = stats::stats_cached(&mut conn, &user, &filter, dimension, &state.app.stats_cache).await?;
    audit_export(&mut conn, &user, "events.stats", "xlsx", sorted(&query)).await?;
    drop(conn);
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("统计").map_err(excel_error)?;
        let bold = Format::new().set_bold();
        let percent = Format::new().set_num_format("0.0%");
        let decimal = Format::new().set_num_format("0.0");
        let header = [
            "分组",
            "上报",
            "结案",
            "按时结案",
            "按时率",
            "在办超期",
            "平均处置时长(小时)",
            "90%处置时长(小时)",
            "满意度",
            "评价数",
        ];
        for (col, title) in header.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &bold).map_err(excel_error)?;
        }
        for (i, row) in stats.rows.iter().chain(std::iter::once(&stats.total)).enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &row.key).map_err(excel_error)?;
            sheet.write_number(r, 1, row.reported as f64).map_err(excel_error)?;
            sheet.write_number(r, 2, row.closed as f64).map_err(excel_error)?;
            sheet.write_number(r, 3, row.on_time as f64).map_err(excel_error)?;
            if let Some(rate) = row.on_time_rate() {
                sheet.write_number_with_format(r, 4, rate, &percent).map_err(excel_error)?;
            }
            sheet.write_number(r, 5, row.overdue_open as f64).map_err(excel_error)?;
            for (col, value) in [(6u16, row.avg_hours), (7, row.p90_hours), (8, row.satisfaction)] {
                if let Some(value) = value {
                    sheet.write_number_with_format(r, col, value, &decimal).map_err(excel_error)?;
                }
            }
            sheet.write_number(r, 9, row.rated as f64).map_err(excel_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(excel_error)?;
        sheet.autofit();
        book.save_to_buffer().map_err(excel_error)
    })
    .await
    .map_err(|_| AppError::Internal)??;
    Ok(attachment("事件统计.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body))
}

//! `GET /api/engine/{module}/{register}/template.{csv|xlsx}`: the file to fill in for an
//! import. Its headers are the fields' labels in the user's language (required ones marked
//! `*`); its second row holds the columns' keys, which the import maps back by (hidden in
//! Excel, where a second sheet says how to fill in each column and lists the choices).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use shared::AppError;
use shared::engine::service::import;

use super::sheets::{self, NotesTexts};
use super::{register, sheet_name};
use crate::auth::{self, ApiError};
use crate::events::export::attachment;
use crate::router::ServerState;

pub async fn template(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((module, name, file)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let register = register(&state.app.pool, &module, &name).await?;
    let locale = app::i18n::Locale::from_headers(&headers);
    let label = move |key: &str| locale.t(key);
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let columns = import::template(&mut conn, &user, register, &label, locale.language()).await?;
    drop(conn);
    let title = format!("{}{}", label(&register.title_key()), label("transfer.template"));
    if file == "template.csv" {
        let body = sheets::template_csv(&columns)?;
        return Ok(attachment(&format!("{title}.csv"), sheets::CSV, body));
    }
    let texts = NotesTexts {
        sheet: label("transfer.notes.sheet"),
        column: label("transfer.notes.column"),
        required: label("transfer.notes.required"),
        how: label("transfer.notes.how"),
        yes: label("engine.yes"),
        no: label("engine.no"),
    };
    let name = sheet_name(&label(&register.title_key()));
    let body = tokio::task::spawn_blocking(move || sheets::template_xlsx(&name, &columns, &texts))
        .await
        .map_err(|_| AppError::Internal)??;
    Ok(attachment(&format!("{title}.xlsx"), sheets::XLSX, body))
}

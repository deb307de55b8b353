//! The import endpoints. `POST …/import` reads the uploaded file (field `file`, at most
//! 20 MB), checks every row and keeps the file with the result (`engine_imports`); nothing is
//! written. `POST /api/engine/imports/{id}/commit` claims a clean preview and writes it in a
//! background task — the file read and checked again, then every record in one transaction
//! — answering at once (202) with the import's progress, which `GET /api/engine/imports/{id}`
//! reports until it is done or failed; the user may leave the page and come back.

use axum::Json;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::accounts::SessionUser;
use shared::db::DbPool;
use shared::engine::Register;
use shared::engine::service::Translate;
use shared::engine::service::export::geometry_field;
use shared::engine::service::import::{self, Checked, Table};
use shared::engine::service::imports::{self, Claimed, Format};
use shared::engine::transfer::{ImportPreview, ImportProgress, MAX_FILE_BYTES, RowError};
use shared::{AppError, ErrorCode, FieldError};

use super::files::{self, format_of};
use super::{languages, register};
use crate::auth::{self, ApiError};
use crate::router::ServerState;

/// The longest file name kept.
const MAX_NAME_CHARS: usize = 200;

/// A body over the limit is "too large" (413); any other broken multipart is malformed (400).
fn multipart_error(error: MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field("file", ErrorCode::ImportTooLarge)
    } else {
        tracing::info!(error = %error.body_text(), "a malformed import upload");
        AppError::field("file", ErrorCode::ImportMalformed)
    }
}

/// Reads a file on a blocking thread (parsing 20 MB of spreadsheet takes a while).
async fn read(format: Format, bytes: Vec<u8>, register: &'static Register) -> Result<(Table, Vec<u8>), AppError> {
    let geometry = geometry_field(register).map(|field| field.name);
    tokio::task::spawn_blocking(move || files::read(format, &bytes, geometry).map(|table| (table, bytes)))
        .await
        .map_err(|_| AppError::Internal)?
}

/// Checks a table in the user's language first, then the others.
async fn check(
    conn: &mut diesel_async::AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    table: &Table,
    first: app::i18n::Locale,
) -> Result<Checked, AppError> {
    let locales = languages(first);
    // One closure type for every language, so they sit in one Vec.
    let translators: Vec<_> = locales.into_iter().map(|locale| move |key: &str| locale.t(key)).collect();
    let languages: Vec<Translate<'_>> = translators.iter().map(|translate| translate as Translate<'_>).collect();
    import::check(conn, user, register, table, &languages, first.language()).await
}

/// A plain form's post (the import page without JavaScript, or with it: the page posts its
/// form as it is) asks for a page, not JSON: it is answered with a redirect to the import's
/// page, or back to the upload with the reason.
fn wants_page(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The redirect a form's post gets: to the import's page, or to the upload page with the
/// first problem's code (`?error=import.too_large`).
fn page_answer(register: &Register, outcome: Result<i64, AppError>) -> Result<Response, ApiError> {
    let base = format!("/m/{}/{}/import", register.module, register.name);
    let location = match outcome {
        Ok(id) => format!("{base}/{id}"),
        Err(AppError::Validation(problems)) if !problems.is_empty() => format!("{base}?error={}", problems[0].code),
        Err(AppError::Conflict(code)) => format!("{base}?error={code}"),
        Err(other) => return Err(other.into()),
    };
    Ok((StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, location)]).into_response())
}

pub async fn preview(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((module, name)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let register = register(&state.app.pool, &module, &name).await?;
    let outcome = checked_upload(&state, &headers, register, multipart).await;
    if wants_page(&headers) {
        return page_answer(register, outcome.map(|preview| preview.import_id));
    }
    Ok(Json(outcome?).into_response())
}

/// Reads and checks an uploaded file, keeping it with the result; nothing is written.
async fn checked_upload(
    state: &ServerState,
    headers: &HeaderMap,
    register: &'static Register,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<ImportPreview, AppError> {
    let user = auth::user(&state.app, headers).await?;
    if !user.may(register, shared::engine::Action::Import) {
        return Err(AppError::Forbidden);
    }
    let mut multipart = multipart.map_err(|_| AppError::field("file", ErrorCode::ImportMalformed))?;
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let file_name: String = field.file_name().unwrap_or_default().chars().take(MAX_NAME_CHARS).collect();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            upload = Some((file_name, bytes));
            break;
        }
    }
    let (file_name, bytes) = upload
        .filter(|(_, bytes)| !bytes.is_empty())
        .ok_or_else(|| AppError::field("file", ErrorCode::ImportFileRequired))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::field("file", ErrorCode::ImportTooLarge));
    }
    let format = format_of(&file_name).ok_or_else(|| AppError::field("file", ErrorCode::ImportFormat))?;
    let (table, bytes) = read(format, bytes.to_vec(), register).await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let checked = check(&mut conn, &user, register, &table, app::i18n::Locale::from_headers(headers)).await?;
    drop(table);
    imports::previewed(&mut conn, &user, register, &file_name, format, &bytes, &checked).await
}

pub async fn commit(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let claimed = match imports::claim(&mut conn, &user, id).await {
        Ok(claimed) => claimed,
        // The page's commit of an import that cannot be committed (again): its page says why.
        Err(error @ AppError::Conflict(_)) if wants_page(&headers) => {
            let progress = imports::get(&mut conn, &user, id).await?;
            let register = registered_key(&state.app.pool, &progress.register).await?;
            return page_answer(register, Err(error));
        }
        Err(error) => return Err(error.into()),
    };
    let progress = imports::get(&mut conn, &user, id).await?;
    drop(conn);
    let register = claimed.register;
    tokio::spawn(run(state.app.pool.clone(), user, claimed, app::i18n::Locale::from_headers(&headers)));
    if wants_page(&headers) {
        return page_answer(register, Ok(id));
    }
    Ok((StatusCode::ACCEPTED, Json(progress)).into_response())
}

/// The register `module.name` of an import.
async fn registered_key(pool: &shared::db::DbPool, key: &str) -> Result<&'static Register, AppError> {
    let (module, name) = key.split_once('.').ok_or(AppError::NotFound)?;
    register(pool, module, name).await
}

pub async fn progress(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<ImportProgress>, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    Ok(Json(imports::get(&mut conn, &user, id).await?))
}

/// The commit in the background: the file read and checked again (the data may have
/// changed since the preview), then written in one transaction while another connection
/// records the progress; at the end the import is done or failed, and its file dropped.
async fn run(pool: DbPool, user: SessionUser, claimed: Claimed, first: app::i18n::Locale) {
    let Claimed { id, register, format, file } = claimed;
    let outcome = write(&pool, &user, register, format, file, first, id).await;
    let outcome = outcome.map_err(|error| match error {
        Failure::Rows(errors) => errors,
        Failure::App(error) => vec![RowError { row: 0, field: String::new(), code: code_of(&error) }],
    });
    if let Err(error) = outcome.as_ref() {
        tracing::info!(id, problems = error.len(), "an import failed; nothing written");
    }
    let finished = async {
        let mut conn = pool.get().await.map_err(AppError::from)?;
        imports::finish(&mut conn, id, outcome).await
    };
    if let Err(error) = finished.await {
        tracing::error!(id, ?error, "an import's end could not be recorded");
    }
}

enum Failure {
    Rows(Vec<RowError>),
    App(AppError),
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        match error {
            // A refusal of the file's values at the commit (a unique value taken since the
            // check): said per field, not a row's number the writing cannot know.
            AppError::Validation(problems) => Failure::Rows(
                problems.into_iter().map(|FieldError { field, code }| RowError { row: 0, field, code }).collect(),
            ),
            other => Failure::App(other),
        }
    }
}

/// The code an unexpected failure is recorded with.
fn code_of(error: &AppError) -> ErrorCode {
    match error {
        AppError::Conflict(code) => *code,
        AppError::Validation(problems) => problems.first().map_or(ErrorCode::ImportRefused, |problem| problem.code),
        _ => ErrorCode::ImportRefused,
    }
}

async fn write(
    pool: &DbPool,
    user: &SessionUser,
    register: &'static Register,
    format: Format,
    file: Vec<u8>,
    first: app::i18n::Locale,
    id: i64,
) -> Result<u32, Failure> {
    let mut conn = pool.get().await.map_err(AppError::from)?;
    // Held until the end: were this process to stop, the lock would go with its connection
    // and the next sweep would mark the import failed (`imports::sweep`).
    imports::hold(&mut conn, id).await?;
    let written = async {
        let conn = &mut *conn;
        let (table, _) = read(format, file, register).await?;
        let checked = check(conn, user, register, &table, first).await?;
        drop(table);
        if !checked.errors.is_empty() {
            return Err(Failure::Rows(checked.errors));
        }
        // Progress goes to the database on a connection of its own: the writing's transaction
        // shows nothing to anyone until it commits.
        let (report, mut reported) = tokio::sync::watch::channel(0u32);
        let reporter = {
            let pool = pool.clone();
            tokio::spawn(async move {
                while reported.changed().await.is_ok() {
                    let done = *reported.borrow_and_update();
                    if let Ok(mut conn) = pool.get().await
                        && let Err(error) = imports::progress(&mut conn, id, done).await
                    {
                        tracing::warn!(id, ?error, "recording an import's progress");
                    }
                }
            })
        };
        let written = import::commit(conn, user, register, &checked, &|done| {
            report.send_replace(done);
        })
        .await;
        drop(report);
        let _ = reporter.await;
        written?;
        Ok(checked.good())
    }
    .await;
    if let Err(error) = imports::release(&mut conn, id).await {
        tracing::warn!(id, ?error, "releasing an import's lock");
    }
    written
}

//! Photos: uploaded by reporters and handlers, checked (size and type), turned upright,
//! resized and re-encoded on the server, stored through the object store (a local directory
//! by default, any S3-compatible store by configuration, so that several server processes
//! share them), never in the database. The database keeps the key.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use diesel::OptionalExtension;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::RunQueryDsl;
use image::{ImageDecoder, ImageFormat, ImageReader};
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::Serialize;
use shared::AppError;
use shared::permissions::codes;

use crate::auth::{self, ApiError};
use crate::router::ServerState;

/// Uploads larger than this are refused before they are read.
pub const MAX_UPLOAD_BYTES: usize = 12 * 1024 * 1024;
/// The longest side of a stored photo.
pub const MAX_SIDE: u32 = 1600;

/// The configured object store: `TONGGUAN_S3_BUCKET` (with the usual `AWS_*` variables,
/// `AWS_ENDPOINT` for S3-compatible stores) or the directory `TONGGUAN_UPLOAD_DIR`
/// (default `<data dir>/uploads`).
pub fn store_from_environment(data_dir: &std::path::Path) -> anyhow::Result<Arc<dyn ObjectStore>> {
    if let Some(bucket) = std::env::var("TONGGUAN_S3_BUCKET").ok().filter(|b| !b.trim().is_empty()) {
        let store = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket.trim()).build()?;
        return Ok(Arc::new(store));
    }
    let dir = std::env::var("TONGGUAN_UPLOAD_DIR")
        .ok()
        .filter(|d| !d.trim().is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| data_dir.join("uploads"));
    std::fs::create_dir_all(&dir)?;
    Ok(Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?))
}

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/photos", post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)))
        .route("/api/photos/{id}", get(download))
}

#[derive(Serialize)]
pub struct Uploaded {
    pub id: i64,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// A processed photo, ready to store.
#[derive(Debug)]
pub struct Processed {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Checks the type by content (not by name), decodes, applies the EXIF orientation,
/// resizes to at most `MAX_SIDE` and re-encodes as JPEG (which also drops the metadata,
/// GPS position included).
pub fn process(bytes: &[u8]) -> Result<Processed, AppError> {
    let format = image::guess_format(bytes).map_err(|_| AppError::field("photo", "photo.type"))?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(AppError::field("photo", "photo.type"));
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| AppError::field("photo", "photo.unreadable"))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture =
        image::DynamicImage::from_decoder(decoder).map_err(|_| AppError::field("photo", "photo.unreadable"))?;
    picture.apply_orientation(orientation);
    if picture.width() > MAX_SIDE || picture.height() > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let rgb = picture.to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82)
        .encode_image(&rgb)
        .map_err(|_| AppError::Internal)?;
    Ok(Processed { jpeg, width: rgb.width(), height: rgb.height() })
}

fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

async fn upload(
    State(state): State<ServerState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Json<Uploaded>, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    if !user.can(codes::EVENTS_REPORT) && !user.can(codes::EVENTS_HANDLE) {
        return Err(AppError::Forbidden.into());
    }
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("photo", "photo.too_large"))? {
        if field.name() == Some("photo") {
            let data = field.bytes().await.map_err(|_| AppError::field("photo", "photo.too_large"))?;
            bytes = Some(data);
            break;
        }
    }
    let bytes = bytes.filter(|b| !b.is_empty()).ok_or_else(|| AppError::field("photo", "photo.required"))?;
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::field("photo", "photo.too_large").into());
    }
    let processed = tokio::task::spawn_blocking(move || process(&bytes)).await.map_err(|_| AppError::Internal)??;
    let now = chrono::Utc::now();
    let key = format!("photos/{}/{}.jpg", now.format("%Y/%m"), random_hex());
    let size = processed.jpeg.len();
    state.photos.put(&StorePath::from(key.as_str()), PutPayload::from(processed.jpeg)).await.map_err(|error| {
        tracing::error!(%error, "storing a photo");
        AppError::Internal
    })?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let row: Id = diesel::sql_query(
        "INSERT INTO attachments (township_id, uploader_id, storage_key, content_type, bytes, width, height) \
         VALUES ($1, $2, $3, 'image/jpeg', $4, $5, $6) RETURNING id",
    )
    .bind::<Integer, _>(user.township_id)
    .bind::<BigInt, _>(user.id)
    .bind::<Text, _>(&key)
    .bind::<Integer, _>(size as i32)
    .bind::<Integer, _>(processed.width as i32)
    .bind::<Integer, _>(processed.height as i32)
    .get_result(&mut conn)
    .await
    .map_err(AppError::from)?;
    Ok(Json(Uploaded {
        id: row.id,
        url: shared::events::service::queries::photo_url(row.id),
        width: processed.width,
        height: processed.height,
    }))
}

/// A photo, to its uploader or to whoever may see its event.
async fn download(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    #[derive(diesel::QueryableByName)]
    struct Key {
        #[diesel(sql_type = Text)]
        storage_key: String,
    }
    let key: Option<Key> = diesel::sql_query(format!(
        "SELECT a.storage_key FROM attachments a LEFT JOIN events e ON e.id = a.event_id \
         WHERE a.id = $1 AND (a.uploader_id = $2 OR (e.id IS NOT NULL AND {}))",
        shared::events::service::visible_sql(&user)
    ))
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(user.id)
    .get_result(&mut conn)
    .await
    .optional()
    .map_err(AppError::from)?;
    drop(conn);
    let key = key.ok_or(AppError::NotFound)?;
    let object = state.photos.get(&StorePath::from(key.storage_key.as_str())).await.map_err(|error| {
        tracing::error!(%error, "reading a photo");
        AppError::NotFound
    })?;
    let bytes = object.bytes().await.map_err(|_| AppError::Internal)?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, max-age=86400, immutable")], bytes)
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture =
            image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 255) as u8, (y % 255) as u8, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        picture.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn big_photos_are_resized_to_jpeg() {
        let processed = process(&png(3200, 1000)).unwrap();
        assert_eq!((processed.width, processed.height), (1600, 500));
        assert_eq!(image::guess_format(&processed.jpeg).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn small_photos_keep_their_size() {
        let processed = process(&png(640, 480)).unwrap();
        assert_eq!((processed.width, processed.height), (640, 480));
    }

    #[test]
    fn other_files_are_refused_by_content() {
        assert_eq!(process(b"%PDF-1.7 not a photo").unwrap_err().field_codes("photo"), vec!["photo.type"]);
        assert_eq!(process(b"GIF89a......").unwrap_err().field_codes("photo"), vec!["photo.type"]);
    }
}

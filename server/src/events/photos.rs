//! Photos: uploaded by reporters and handlers, checked (size and type), turned upright,
//! resized and re-encoded on the server, stored through the object store (a local directory
//! by default, any S3-compatible store by configuration, so that several server processes
//! share them), never in the database. The database keeps the key.

use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use image::{ImageDecoder, ImageFormat, ImageReader};
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use secrecy::ExposeSecret;
use serde::Serialize;
use shared::attachments::{self, NewAttachment};
use shared::permissions::codes;
use shared::{AppError, ErrorCode};

use crate::auth::{self, ApiError};
use crate::config::UploadsConfig;
use crate::router::ServerState;

/// Uploads larger than this are refused before they are read.
pub const MAX_UPLOAD_BYTES: usize = 12 * 1024 * 1024;
/// The longest side of a stored photo.
pub const MAX_SIDE: u32 = 1600;

/// The configured object store: an S3-compatible bucket, or a local directory (created if
/// missing). See `config::UploadsConfig`.
pub fn open_store(config: &UploadsConfig) -> anyhow::Result<Arc<dyn ObjectStore>> {
    match config {
        UploadsConfig::S3 { bucket, options } => {
            let builder = options
                .iter()
                .fold(object_store::aws::AmazonS3Builder::new(), |builder, (key, value)| {
                    builder.with_config(*key, value.expose_secret())
                })
                .with_bucket_name(bucket);
            Ok(Arc::new(builder.build()?))
        }
        UploadsConfig::Directory(dir) => {
            std::fs::create_dir_all(dir)?;
            Ok(Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?))
        }
    }
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

/// The largest picture decoded: 40 megapixels (a phone's best camera is 50 MP in its
/// highest mode, 12 MP by default), at most 8,192 px a side, 256 MiB of decoding buffers.
pub const MAX_PIXELS: u64 = 40_000_000;
const MAX_DECODED_SIDE: u32 = 8_192;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Decoding is the costly part of an upload that anyone who may report can start: two at
/// a time (the machine's cores), so parallel uploads can never add up to more than two
/// decodes' memory (2 × `MAX_DECODE_BYTES`). Up to `MAX_WAITING` more wait their turn, each
/// for at most `DECODE_WAIT`; beyond that an upload is told at once to try again later (429
/// with `Retry-After`) instead of holding its body in memory in an ever longer queue.
static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(DECODING);
const DECODING: usize = 2;
pub const MAX_WAITING: usize = 16;
static WAITING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
const DECODE_WAIT: std::time::Duration = std::time::Duration::from_secs(20);
/// What a refused upload is told to wait: a decode takes a second or two.
const BUSY_RETRY_SECS: u32 = 5;

/// A place in the queue of uploads waiting to decode, given back when dropped (also when the
/// client goes away while waiting).
struct InQueue;

impl InQueue {
    fn join() -> Option<Self> {
        use std::sync::atomic::Ordering;
        WAITING
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < MAX_WAITING).then_some(n + 1))
            .ok()
            .map(|_| InQueue)
    }
}

impl Drop for InQueue {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// A turn to decode: at once if one of the `DECODING` slots is free, else after waiting in
/// the bounded queue.
async fn decode_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    let busy = AppError::TooManyRequests { retry_after_secs: BUSY_RETRY_SECS };
    if let Ok(permit) = DECODES.try_acquire() {
        return Ok(permit);
    }
    let place = InQueue::join().ok_or_else(|| busy.clone())?;
    let turn = tokio::time::timeout(DECODE_WAIT, DECODES.acquire()).await;
    drop(place);
    match turn {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(_)) => Err(AppError::Internal),
        Err(_) => Err(busy),
    }
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
    let format = image::guess_format(bytes).map_err(|_| AppError::field("photo", ErrorCode::PhotoType))?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(AppError::field("photo", ErrorCode::PhotoType));
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    // The header says how large the picture is: refuse before decoding a pixel. A 420 KB PNG
    // declaring 12000×12000 once cost 821 MB to decode.
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(AppError::field("photo", ErrorCode::PhotoTooManyPixels));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(decode_error)?;
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

/// A picture over the limits (a side over `MAX_DECODED_SIDE`, buffers over `MAX_DECODE_BYTES`)
/// is too large in pixels; anything else that does not decode is unreadable.
fn decode_error(error: image::ImageError) -> AppError {
    match error {
        image::ImageError::Limits(_) => AppError::field("photo", ErrorCode::PhotoTooManyPixels),
        _ => AppError::field("photo", ErrorCode::PhotoUnreadable),
    }
}

/// A body over the size limit is "too large" (413); any other broken multipart is malformed
/// (400), both as the photo's field error.
fn multipart_error(error: axum::extract::multipart::MultipartError) -> AppError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field("photo", ErrorCode::PhotoTooLarge)
    } else {
        tracing::info!(error = %error.body_text(), "a malformed photo upload");
        AppError::field("photo", ErrorCode::PhotoMalformed)
    }
}

fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

async fn upload(
    State(state): State<ServerState>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Uploaded>, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    if !user.can(codes::EVENTS_REPORT) && !user.can(codes::EVENTS_HANDLE) {
        return Err(AppError::Forbidden.into());
    }
    // Not multipart at all (no boundary, another content type): malformed, said as JSON.
    let mut multipart = multipart.map_err(|_| AppError::field("photo", ErrorCode::PhotoMalformed))?;
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("photo") {
            let data = field.bytes().await.map_err(multipart_error)?;
            bytes = Some(data);
            break;
        }
    }
    let bytes = bytes.filter(|b| !b.is_empty()).ok_or_else(|| AppError::field("photo", ErrorCode::PhotoRequired))?;
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::field("photo", ErrorCode::PhotoTooLarge).into());
    }
    let turn = decode_turn().await?;
    // The turn goes with the decoding thread: it is given back when the decode ends, even if
    // the client has gone away meanwhile (dropping this future does not stop the thread).
    let processed = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        process(&bytes)
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let now = chrono::Utc::now();
    let key = format!("photos/{}/{}.jpg", now.format("%Y/%m"), random_hex());
    let size = processed.jpeg.len();
    state.photos.put(&StorePath::from(key.as_str()), PutPayload::from(processed.jpeg)).await.map_err(|error| {
        tracing::error!(%error, "storing a photo");
        AppError::Internal
    })?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    // Sizes fit: at most `MAX_UPLOAD_BYTES` of JPEG and `MAX_SIDE` a side.
    let upload = NewAttachment {
        township_id: user.township_id,
        uploader_id: user.id,
        storage_key: &key,
        content_type: "image/jpeg",
        bytes: i32::try_from(size).map_err(|_| AppError::Internal)?,
        width: i32::try_from(processed.width).map_err(|_| AppError::Internal)?,
        height: i32::try_from(processed.height).map_err(|_| AppError::Internal)?,
    };
    let id = attachments::service::record(&mut conn, &upload).await?;
    Ok(Json(Uploaded { id, url: attachments::photo_url(id), width: processed.width, height: processed.height }))
}

/// A photo, to its uploader or to whoever may see its event.
async fn download(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let mut conn = state.app.pool.get().await.map_err(AppError::from)?;
    let key = attachments::service::visible_key(&mut conn, &user, id).await?;
    drop(conn);
    let key = key.ok_or(AppError::NotFound)?;
    let object = state.photos.get(&StorePath::from(key.as_str())).await.map_err(|error| {
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

    /// A PNG that declares `width`×`height` grey pixels and holds almost no data.
    fn declared_png(width: u32, height: u32) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = !0u32;
            for byte in bytes {
                crc ^= u32::from(*byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
                }
            }
            !crc
        }
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut out = (data.len() as u32).to_be_bytes().to_vec();
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
            out
        };
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn a_picture_declaring_too_many_pixels_is_refused_before_decoding() {
        // The upload that once cost 821 MB: 12000×12000 declared in a few dozen bytes.
        let error = process(&declared_png(12_000, 12_000)).expect_err("refused");
        assert_eq!(error, AppError::field("photo", ErrorCode::PhotoTooManyPixels));
        // Within the side limit but over the pixel count.
        let error = process(&declared_png(8_000, 6_000)).expect_err("refused");
        assert_eq!(error, AppError::field("photo", ErrorCode::PhotoTooManyPixels));
        assert_eq!(error.status(), 422);
    }

    /// The only test that takes turns (the semaphore is the process's).
    #[tokio::test]
    async fn uploads_wait_in_a_bounded_queue_and_the_rest_are_told_to_come_back() {
        use std::sync::atomic::Ordering;
        let held: Vec<_> = (0..DECODING).map(|_| DECODES.try_acquire().expect("a free turn")).collect();
        let waiting: Vec<_> = (0..MAX_WAITING).map(|_| tokio::spawn(decode_turn())).collect();
        for _ in 0..500 {
            if std::sync::atomic::AtomicUsize::load(&WAITING, Ordering::Acquire) == MAX_WAITING {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(std::sync::atomic::AtomicUsize::load(&WAITING, Ordering::Acquire), MAX_WAITING);
        // The queue is full: told at once to try again, with when.
        let refused = tokio::time::timeout(std::time::Duration::from_secs(1), decode_turn()).await;
        let refused = refused.expect("answered at once").expect_err("refused");
        assert_eq!(refused, AppError::TooManyRequests { retry_after_secs: BUSY_RETRY_SECS });
        assert_eq!(refused.status(), 429);
        // The running decodes end: every waiting upload gets its turn.
        drop(held);
        for waiter in waiting {
            let turn = waiter.await.expect("joined").expect("a turn");
            drop(turn);
        }
        assert_eq!(std::sync::atomic::AtomicUsize::load(&WAITING, Ordering::Acquire), 0);
        assert_eq!(DECODES.available_permits(), DECODING);
    }

    #[test]
    fn other_files_are_refused_by_content() {
        assert_eq!(process(b"%PDF-1.7 not a photo").unwrap_err().field_codes("photo"), vec![ErrorCode::PhotoType]);
        assert_eq!(process(b"GIF89a......").unwrap_err().field_codes("photo"), vec![ErrorCode::PhotoType]);
    }
}

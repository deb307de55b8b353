//! The documents a partner system implements against, published by the server itself so
//! they always match the running version: `/docs/open311.md` (and the exchange protocol's
//! and the data-sharing API's documents as they come).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (file name, text), compiled in.
const DOCUMENTS: &[(&str, &str)] =
    &[("open311.md", include_str!("../../docs/open311.md")), ("exchange.md", include_str!("../../docs/exchange.md"))];

pub async fn document(Path(name): Path<String>) -> Response {
    match DOCUMENTS.iter().find(|(file, _)| *file == name) {
        Some((_, text)) => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], *text).into_response(),
        None => (StatusCode::NOT_FOUND, "no such document").into_response(),
    }
}

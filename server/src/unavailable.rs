//! The page a logged-in user gets while the database cannot be reached: a 503 that says so in
//! their language and reloads itself, instead of a login form (their session is not gone,
//! only unreadable for the moment) or a bare error.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api_errors::UNAVAILABLE_RETRY_SECS;

pub fn page(headers: &HeaderMap) -> Response {
    let locale = app::i18n::Locale::from_headers(headers);
    let text = |key: &str| html_escape::encode_text(&locale.t(key)).into_owned();
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"{seconds}\"><meta name=\"robots\" content=\"noindex\">\
         <title>{title} · {brand}</title><style>{STYLE}</style></head>\
         <body><main role=\"alert\"><h1>{title}</h1><p>{body}</p><p class=\"hint\">{hint}</p></main></body></html>",
        lang = locale.html_lang(),
        seconds = UNAVAILABLE_RETRY_SECS,
        brand = text("app.name"),
        title = text("errors.unavailable_title"),
        body = text("errors.unavailable"),
        hint = text("errors.unavailable_hint"),
    );
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(html)).into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_SECS));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

const STYLE: &str = "body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;\
padding:16px;box-sizing:border-box;font:16px/1.7 \"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",system-ui,sans-serif;\
color:#1c2430;background:#f4f6f9}main{max-width:440px;padding:32px 24px;background:#fff;border:1px solid #dde3ea;\
border-radius:12px;box-shadow:0 8px 24px rgb(16 24 40/.12);text-align:center}h1{margin:0 0 12px;font-size:22px}\
p{margin:0 0 12px;color:#3b4656}.hint{font-size:14px;color:#5a6474}";

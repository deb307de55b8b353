//! The first check of every request's text, before any handler sees it: the query string of
//! every request and the URL-encoded body of every form post (all server functions' arguments
//! travel so). Each name and value must be valid UTF-8 once percent-decoded, free of control
//! characters (a NUL byte cannot even be stored in PostgreSQL text) and of bounded length, and
//! a form of bounded size. What fails is refused with a 4xx naming the field and the reason,
//! before anything is read from or written to the database.
//!
//! The typed forms then check each field's own rules (length of a title, a date's range, a
//! page number); this layer only guarantees that what reaches them is text a person could type.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use shared::{AppError, ErrorCode, FieldError};

use crate::auth::ApiError;

/// The largest URL-encoded form: a report's text fields and lists of ids fit many times over.
pub const MAX_FORM_BYTES: usize = 256 * 1024;
/// The longest single value, in characters (the longest form field, a description, allows 2,000).
pub const MAX_VALUE_CHARS: usize = 10_000;
/// The most fields in one form or query string.
pub const MAX_FIELDS: usize = 1_000;

/// Why a form or query was refused: the field (as named in the request) and the reason's code.
pub fn check_form(encoded: &[u8]) -> Result<(), FieldError> {
    let mut fields = 0;
    for pair in encoded.split(|b| *b == b'&').filter(|pair| !pair.is_empty()) {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(FieldError::new("form", ErrorCode::RequestTooManyFields));
        }
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        let name = decode(name).map_err(|code| FieldError::new("form", code))?;
        let field = || name.chars().take(64).collect::<String>();
        check_text(&name).map_err(|code| FieldError::new("form", code))?;
        let value = decode(value).map_err(|code| FieldError::new(field(), code))?;
        check_text(&value).map_err(|code| FieldError::new(field(), code))?;
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` decoding, strict: invalid UTF-8 is an error, not a
/// replacement character quietly stored.
fn decode(raw: &[u8]) -> Result<String, ErrorCode> {
    let plus_as_space: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
    String::from_utf8(bytes).map_err(|_| ErrorCode::RequestInvalidUtf8)
}

fn check_text(text: &str) -> Result<(), ErrorCode> {
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(ErrorCode::TextControlCharacters);
    }
    if text.chars().count() > MAX_VALUE_CHARS {
        return Err(ErrorCode::TooLong);
    }
    Ok(())
}

fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

pub async fn check(request: Request, next: Next) -> Response {
    if let Some(query) = request.uri().query()
        && let Err(error) = check_form(query.as_bytes())
    {
        return refuse(&request, AppError::Validation(vec![error]));
    }
    if request.method() == Method::GET || request.method() == Method::HEAD || !is_form(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let request = Request::from_parts(parts, Body::empty());
            return refuse(&request, AppError::field("form", ErrorCode::RequestTooLarge));
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    match check_form(&bytes) {
        Ok(()) => next.run(request).await,
        Err(error) => refuse(&request, AppError::Validation(vec![error])),
    }
}

/// The refusal in the form the caller reads: a server function's error for a server
/// function, JSON for the other endpoints, a short page for a page.
fn refuse(request: &Request, error: AppError) -> Response {
    let path = request.uri().path();
    tracing::info!(%path, ?error, "request refused by the input guard");
    if leptos::server_fn::axum::server_fn_paths().any(|(p, _)| p == path) {
        let header = |name| request.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        let accepts_html = header(header::ACCEPT).is_some_and(|v| v.contains("text/html"));
        crate::api_errors::server_fn_error(path, accepts_html, header(header::REFERER), error)
    } else if path.starts_with("/api/") {
        ApiError(error).into_response()
    } else if path.starts_with("/open311/") {
        crate::open311::refuse(path, request.headers().get(header::ACCEPT_LANGUAGE), error)
    } else {
        (StatusCode::BAD_REQUEST, Html(REFUSED_PAGE)).into_response()
    }
}

const REFUSED_PAGE: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>请求无效 · 统管</title></head>\
<body><main><h1>请求无效</h1><p>地址中含有无法识别的字符或过长的内容，请返回上一页重新操作。</p>\
<p>The address contains characters that cannot be read, or text that is too long.</p>\
<p><a href=\"/\">返回首页</a></p></main></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_forms_pass() {
        assert_eq!(check_form(b"title=%E8%B7%AF%E7%81%AF&description=a+b%0D%0Ac&ids=1&ids=2"), Ok(()));
        assert_eq!(check_form(b""), Ok(()));
        assert_eq!(check_form(b"flag&&x="), Ok(()));
    }

    #[test]
    fn refusals_name_the_field_and_the_reason() {
        assert_eq!(check_form(b"title=a%00b"), Err(FieldError::new("title", ErrorCode::TextControlCharacters)));
        assert_eq!(check_form(b"q=%FF%FE"), Err(FieldError::new("q", ErrorCode::RequestInvalidUtf8)));
        assert_eq!(check_form(b"%00=1"), Err(FieldError::new("form", ErrorCode::TextControlCharacters)));
        let long = format!("address={}", "a".repeat(MAX_VALUE_CHARS + 1));
        assert_eq!(check_form(long.as_bytes()), Err(FieldError::new("address", ErrorCode::TooLong)));
        let many = "a=1&".repeat(MAX_FIELDS + 1);
        assert_eq!(check_form(many.as_bytes()), Err(FieldError::new("form", ErrorCode::RequestTooManyFields)));
    }
}

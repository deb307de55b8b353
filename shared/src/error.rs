//! The one error type every server function and endpoint returns. It crosses the wire as
//! JSON so the browser can show a precise, translated message next to the right field.

use serde::{Deserialize, Serialize};
use server_fn::codec::PostcardEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

mod code;
pub use code::ErrorCode;

/// One problem with one input field: `field` names the form field, `code` says what is wrong
/// (shown as its translation `errors.<code>`, e.g. `errors.password.too_short`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode) -> Self {
        Self { field: field.into(), code }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Not logged in, or the session expired or was revoked.
    #[error("unauthorized")]
    Unauthorized,
    /// Logged in, but the role lacks the permission or the record is outside the data scope.
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Bad input: nothing was changed.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// The request conflicts with the current state (a stale page, an illegal step); the code
    /// says which.
    #[error("conflict: {0}")]
    Conflict(ErrorCode),
    /// Too many failed logins: the account is locked until the given time.
    #[error("account locked")]
    /// (Sent as seconds since 1970: the browser then needs none of chrono's date parsers.)
    Locked {
        #[serde(with = "chrono::serde::ts_seconds")]
        until: chrono::DateTime<chrono::Utc>,
    },
    /// Wrong user name or password (deliberately not saying which).
    #[error("bad credentials")]
    /// The same answer for an unknown account and a wrong password, so an answer never tells
    /// whether an account exists (how many tries are left would).
    BadCredentials,
    /// The account exists but is waiting for approval, was rejected or is disabled.
    #[error("account not active: {0}")]
    Inactive(String),
    /// Anything unexpected: logged on the server, never detailed to the client.
    #[error("internal error")]
    Internal,
    /// The request never reached the function (network, decoding).
    #[error("transport: {0}")]
    Transport(String),
    /// The request itself is malformed (a form that does not decode into the function's
    /// arguments, a broken multipart body): the client's mistake, said as a 400.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Too many requests from this address (or a busy export): try again after the given
    /// number of seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u32 },
    /// The database cannot be reached just now (restarting, failed over, overloaded): nothing
    /// was changed, and the same request may be sent again shortly (a 503 with `Retry-After`).
    #[error("service unavailable")]
    Unavailable,
}

impl AppError {
    pub fn field(field: &str, code: ErrorCode) -> Self {
        AppError::Validation(vec![FieldError::new(field, code)])
    }

    /// The error codes for one field, for showing inline.
    pub fn field_codes(&self, field: &str) -> Vec<ErrorCode> {
        match self {
            AppError::Validation(errors) => errors.iter().filter(|e| e.field == field).map(|e| e.code).collect(),
            _ => Vec::new(),
        }
    }

    /// The HTTP status this error maps to at REST endpoints.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden | AppError::Inactive(_) => 403,
            AppError::NotFound => 404,
            // A request or file over its size limit: 413, whichever field it came in.
            AppError::Validation(errors) if errors.iter().any(|e| e.code.is_too_large()) => 413,
            // A body that does not parse (a broken multipart upload): a bad request, said per field.
            AppError::Validation(errors) if errors.iter().any(|e| e.code.is_malformed()) => 400,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::Locked { .. } => 423,
            AppError::BadRequest(_) => 400,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal | AppError::Transport(_) => 500,
            AppError::Unavailable => 503,
        }
    }
}

/// Server functions send their errors in postcard, as their answers (app/src/wire.rs): the
/// browser then needs no JSON parser for them. Plain HTTP endpoints answer errors in JSON.
impl FromServerFnError for AppError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not decode: the request is wrong, not the network or server.
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message) => AppError::BadRequest(message.chars().take(200).collect()),
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// Collects field errors while validating a form, so the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check(&mut self, field: &str, result: Result<(), ErrorCode>) -> &mut Self {
        if let Err(code) = result {
            self.errors.push(FieldError::new(field, code));
        }
        self
    }

    pub fn finish(&mut self) -> Result<(), AppError> {
        if self.errors.is_empty() { Ok(()) } else { Err(AppError::Validation(std::mem::take(&mut self.errors))) }
    }
}

#[cfg(feature = "ssr")]
impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::DatabaseErrorKind::{ClosedConnection, UnableToSendCommand};
        match error {
            diesel::result::Error::NotFound => AppError::NotFound,
            // The connection broke under the query (the server restarted or went away).
            diesel::result::Error::DatabaseError(ClosedConnection | UnableToSendCommand, info) => {
                tracing::warn!(error = info.message(), "database connection lost");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        // Every pool error is a connection that could not be had: the database refused or
        // did not answer in time, or the pool is closing.
        tracing::warn!(error = %error, "database unavailable");
        AppError::Unavailable
    }
}

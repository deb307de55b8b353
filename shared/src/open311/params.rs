//! The parameters of GeoReport v2 calls, parsed into typed values once, with every problem
//! named by its parameter (`lat`, `attribute[lamp_state]`). The HTTP side hands over the
//! decoded pairs of the query string or the URL-encoded body, in order, repeats kept.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{AppError, ErrorCode, FieldError};
use crate::events::types::{CONTACT_NAME_MAX, DESCRIPTION_MAX};

/// Decoded `name=value` pairs, in order.
pub type Pairs = [(String, String)];

/// The first non-empty value of a parameter.
pub fn first<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, v)| n == name && !v.trim().is_empty()).map(|(_, v)| v.trim())
}

fn text(pairs: &Pairs, name: &str) -> String {
    first(pairs, name).unwrap_or_default().to_owned()
}

/// A new service request (`POST requests`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PostRequest {
    pub api_key: String,
    pub jurisdiction_id: Option<String>,
    pub service_code: String,
    pub lat: f64,
    pub long: f64,
    pub address_string: String,
    pub email: String,
    pub device_id: String,
    pub account_id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub description: String,
    pub media_url: String,
    /// `attribute[code]` (and `attribute[code][]` for a multi-value list): every value sent.
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// The longest identifier a client may attach (device, account).
const ID_MAX: usize = 100;
const EMAIL_MAX: usize = 100;
const MEDIA_URL_MAX: usize = 500;

fn coordinate(pairs: &Pairs, names: &[&str], limit: f64, errors: &mut Vec<FieldError>) -> Option<f64> {
    let (name, value) = names.iter().find_map(|name| first(pairs, name).map(|v| (*name, v)))?;
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() && number.abs() <= limit => Some(number),
        Ok(_) => {
            errors.push(FieldError::new(name, ErrorCode::Open311CoordinateRange));
            None
        }
        Err(_) => {
            errors.push(FieldError::new(name, ErrorCode::Open311NumberInvalid));
            None
        }
    }
}

/// The code of an `attribute[code]` or `attribute[code][]` parameter.
fn attribute_code(name: &str) -> Option<&str> {
    let inner = name.strip_prefix("attribute[")?;
    let inner = inner.strip_suffix("][]").or_else(|| inner.strip_suffix(']'))?;
    (!inner.is_empty() && !inner.contains(['[', ']'])).then_some(inner)
}

fn email_ok(email: &str) -> bool {
    let Some((user, domain)) = email.split_once('@') else { return false };
    email.chars().count() <= EMAIL_MAX
        && !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c == ',')
}

fn media_url_ok(address: &str) -> bool {
    address.chars().count() <= MEDIA_URL_MAX
        && url::Url::parse(address).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Parses `POST requests`: every problem at once, named by its parameter.
pub fn parse_post(pairs: &Pairs) -> Result<PostRequest, AppError> {
    let mut errors = Vec::new();
    let service_code = text(pairs, "service_code");
    if service_code.is_empty() {
        errors.push(FieldError::new("service_code", ErrorCode::Required));
    }
    let lat = coordinate(pairs, &["lat"], 90.0, &mut errors);
    // `long` is the specification's name; `lon` is what many clients send.
    let long = coordinate(pairs, &["long", "lon"], 180.0, &mut errors);
    let located = errors.iter().any(|e| matches!(e.field.as_str(), "lat" | "long" | "lon"));
    if !located && (lat.is_none() || long.is_none()) {
        let field = if lat.is_none() { "lat" } else { "long" };
        errors.push(FieldError::new(field, ErrorCode::Open311LocationRequired));
    }
    let email = text(pairs, "email");
    if !email.is_empty() && !email_ok(&email) {
        errors.push(FieldError::new("email", ErrorCode::Open311EmailInvalid));
    }
    let media_url = text(pairs, "media_url");
    if !media_url.is_empty() && !media_url_ok(&media_url) {
        errors.push(FieldError::new("media_url", ErrorCode::Open311MediaUrlInvalid));
    }
    for name in ["device_id", "account_id"] {
        if text(pairs, name).chars().count() > ID_MAX {
            errors.push(FieldError::new(name, ErrorCode::TooLong));
        }
    }
    let (first_name, last_name) = (text(pairs, "first_name"), text(pairs, "last_name"));
    if first_name.chars().count() + last_name.chars().count() > CONTACT_NAME_MAX {
        errors.push(FieldError::new("first_name", ErrorCode::EventContactNameTooLong));
    }
    let description = text(pairs, "description");
    if description.chars().count() > DESCRIPTION_MAX {
        errors.push(FieldError::new("description", ErrorCode::EventDescriptionTooLong));
    }
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs {
        if let Some(code) = attribute_code(name) {
            attributes.entry(code.to_owned()).or_default().push(value.clone());
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(PostRequest {
        api_key: text(pairs, "api_key"),
        jurisdiction_id: first(pairs, "jurisdiction_id").map(str::to_owned),
        service_code,
        lat: lat.unwrap_or_default(),
        long: long.unwrap_or_default(),
        address_string: text(pairs, "address_string"),
        email,
        device_id: text(pairs, "device_id"),
        account_id: text(pairs, "account_id"),
        first_name,
        last_name,
        phone: text(pairs, "phone"),
        description,
        media_url,
        attributes,
    })
}

/// `open` or `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

/// Ids asked for at once, at most.
pub const MAX_IDS: usize = 100;
/// Requests in one answer, at most (the specification's default limit).
pub const MAX_PAGE_SIZE: i64 = 1000;
/// Without dates, `GET requests` answers the last 90 days (the specification's default).
pub const DEFAULT_DAYS: i64 = 90;

/// `GET requests`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestQuery {
    pub jurisdiction_id: Option<String>,
    pub ids: Vec<String>,
    pub service_codes: Vec<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Empty: both.
    pub statuses: Vec<Status>,
    pub page: i64,
    pub page_size: i64,
}

/// A W3C date and time (`2026-11-29T08:30:00+08:00`, `…Z`), or a date alone (the township's
/// midnight starting it).
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.to_utc())
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(crate::time::start_of_day))
        .or_else(|| crate::time::parse_local_datetime(text))
}

fn list(pairs: &Pairs, name: &str) -> Vec<String> {
    first(pairs, name)
        .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn dates(pairs: &Pairs, errors: &mut Vec<FieldError>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let mut date = |name: &str| {
        let value = first(pairs, name)?;
        let parsed = parse_datetime(value);
        if parsed.is_none() {
            errors.push(FieldError::new(name, ErrorCode::Open311DateInvalid));
        }
        parsed
    };
    let (start, end) = (date("start_date"), date("end_date"));
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        errors.push(FieldError::new("end_date", ErrorCode::Open311DateOrder));
    }
    (start, end)
}

fn positive(pairs: &Pairs, name: &str, default: i64, max: i64, errors: &mut Vec<FieldError>) -> i64 {
    match first(pairs, name).map(str::parse::<i64>) {
        None => default,
        Some(Ok(n)) if (1..=max).contains(&n) => n,
        Some(_) => {
            errors.push(FieldError::new(name, ErrorCode::Open311PageSizeRange));
            default
        }
    }
}

/// Parses `GET requests`.
pub fn parse_query(pairs: &Pairs) -> Result<RequestQuery, AppError> {
    let mut errors = Vec::new();
    let ids = list(pairs, "service_request_id");
    if ids.len() > MAX_IDS {
        errors.push(FieldError::new("service_request_id", ErrorCode::Open311TooManyIds));
    }
    let service_codes = list(pairs, "service_code");
    if service_codes.len() > MAX_IDS {
        errors.push(FieldError::new("service_code", ErrorCode::Open311TooManyIds));
    }
    let mut statuses = Vec::new();
    for status in list(pairs, "status") {
        match status.to_ascii_lowercase().as_str() {
            "open" => statuses.push(Status::Open),
            "closed" => statuses.push(Status::Closed),
            _ => errors.push(FieldError::new("status", ErrorCode::Open311StatusUnknown)),
        }
    }
    let (start, end) = dates(pairs, &mut errors);
    let page = positive(pairs, "page", 1, 100_000, &mut errors);
    let page_size = positive(pairs, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(RequestQuery {
        jurisdiction_id: first(pairs, "jurisdiction_id").map(str::to_owned),
        ids,
        service_codes,
        start,
        end,
        statuses,
        page,
        page_size,
    })
}

/// `GET servicerequestupdates`: the steps between two instants (by default the last day).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateQuery {
    pub jurisdiction_id: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub page_size: i64,
}

pub fn parse_updates(pairs: &Pairs) -> Result<UpdateQuery, AppError> {
    let mut errors = Vec::new();
    let (start, end) = dates(pairs, &mut errors);
    let page_size = positive(pairs, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(UpdateQuery { jurisdiction_id: first(pairs, "jurisdiction_id").map(str::to_owned), start, end, page_size })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(text.as_bytes()).into_owned().collect()
    }

    #[test]
    fn a_post_is_parsed_with_its_attributes() {
        let post = parse_post(&pairs(
            "api_key=k&service_code=CG0501&lat=31.1&lon=120.9&attribute[lamp_state]=off\
             &attribute[periods][]=day&attribute[periods][]=night&email=a%40b.cn&description=%E8%B7%AF%E7%81%AF",
        ))
        .expect("valid");
        assert_eq!((post.lat, post.long), (31.1, 120.9));
        assert_eq!(post.attributes["lamp_state"], vec!["off"]);
        assert_eq!(post.attributes["periods"], vec!["day", "night"]);
        assert_eq!(post.description, "路灯");
    }

    #[test]
    fn every_problem_is_named_by_its_parameter() {
        let error = parse_post(&pairs("lat=91&long=x&email=nobody&media_url=ftp://x")).expect_err("invalid");
        assert_eq!(error.field_codes("service_code"), vec![ErrorCode::Required]);
        assert_eq!(error.field_codes("lat"), vec![ErrorCode::Open311CoordinateRange]);
        assert_eq!(error.field_codes("long"), vec![ErrorCode::Open311NumberInvalid]);
        assert_eq!(error.field_codes("email"), vec![ErrorCode::Open311EmailInvalid]);
        assert_eq!(error.field_codes("media_url"), vec![ErrorCode::Open311MediaUrlInvalid]);
        let error = parse_post(&pairs("service_code=A&address_string=somewhere")).expect_err("no location");
        assert_eq!(error.field_codes("lat"), vec![ErrorCode::Open311LocationRequired]);
    }

    #[test]
    fn queries_take_lists_dates_and_pages() {
        let query = parse_query(&pairs(
            "service_request_id=TG-2026-000001,TG-2026-000002&status=open,closed&start_date=2026-11-01&page_size=10",
        ))
        .expect("valid");
        assert_eq!(query.ids.len(), 2);
        assert_eq!(query.statuses, vec![Status::Open, Status::Closed]);
        assert_eq!(query.start.map(|s| s.to_rfc3339()), Some("2026-10-31T16:00:00+00:00".into()));
        assert_eq!((query.page, query.page_size), (1, 10));
        let error = parse_query(&pairs("status=pending&start_date=yesterday&page_size=5000")).expect_err("invalid");
        assert_eq!(error.field_codes("status"), vec![ErrorCode::Open311StatusUnknown]);
        assert_eq!(error.field_codes("start_date"), vec![ErrorCode::Open311DateInvalid]);
        assert_eq!(error.field_codes("page_size"), vec![ErrorCode::Open311PageSizeRange]);
        let error =
            parse_updates(&pairs("start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z")).expect_err("order");
        assert_eq!(error.field_codes("end_date"), vec![ErrorCode::Open311DateOrder]);
    }
}

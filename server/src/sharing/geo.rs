//! `GET /api/v1/geo/map-sheet?lat=…&lon=…`: the GB/T 13989—2012 map-sheet numbers of a point
//! at every scale (`shared::codes::map_sheet`). A computation on coordinates, reading no data:
//! it needs no key, and is not logged as a data-sharing call.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shared::codes::map_sheet::{self, MapSheet};
use shared::{AppError, ErrorCode, FieldError};

use super::{Problems, refusal};
use crate::open311::locale_of;

/// A point and its sheets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MapSheets {
    pub lat: f64,
    pub lon: f64,
    /// The sheet holding the point at each scale, 1:1,000,000 first, down to 1:500.
    pub sheets: Vec<MapSheet>,
}

/// The map-sheet numbers of a point at every scale of GB/T 13989—2012, with each sheet's edges.
#[utoipa::path(
    get,
    path = "/api/v1/geo/map-sheet",
    tag = "geo",
    params(
        ("lat" = f64, Query, description = "Latitude in degrees north, 0 to 88 (CGCS2000)."),
        ("lon" = f64, Query, description = "Longitude in degrees, -180 to 180, east positive."),
    ),
    responses(
        (status = 200, description = "The sheets holding the point, 1:1,000,000 first.", body = MapSheets),
        (status = 400, description = "A coordinate is missing, not a number, out of range, or a parameter is unknown.", body = Problems),
    )
)]
pub async fn map_sheet(request: Request) -> Response {
    let locale = locale_of(&request);
    match sheets_of(request.uri().query().unwrap_or_default()) {
        Ok(answer) => axum::Json(answer).into_response(),
        Err(error) => refusal(&error, locale),
    }
}

fn sheets_of(query: &str) -> Result<MapSheets, AppError> {
    let (mut lat, mut lon) = (None, None);
    let mut problems = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "lat" => &mut lat,
            "lon" => &mut lon,
            other => {
                problems.push(FieldError::new(other, ErrorCode::SharingParameterUnknown));
                continue;
            }
        };
        *slot = Some(value.trim().parse::<f64>().unwrap_or(f64::NAN));
    }
    // A missing or unreadable coordinate is out of range, and said so by name.
    let (lat, lon) = (lat.unwrap_or(f64::NAN), lon.unwrap_or(f64::NAN));
    match map_sheet::sheets(lat, lon) {
        Ok(sheets) if problems.is_empty() => Ok(MapSheets { lat, lon, sheets }),
        Ok(_) => Err(AppError::Validation(problems)),
        Err(refused) => {
            problems.extend(refused.into_iter().map(|(field, code)| FieldError::new(field, code)));
            Err(AppError::Validation(problems))
        }
    }
}

//! Where the report is: the device's position (the browser's geolocation), and the middle
//! of a grid worker's own grid to start from.

use leptos::prelude::*;
use shared::AppError;
#[cfg(feature = "hydrate")]
use shared::ErrorCode;

/// The function behind "use my position": asks the device, then picks the point as a tap
/// on the map would. A failure is said on the location field. With `share`, a handler's
/// phone also tells the command map where it is.
pub fn use_geolocation(
    on_pick: Callback<(f64, f64)>,
    error: RwSignal<Option<AppError>>,
    share: bool,
) -> impl Fn() + Copy + 'static {
    move || {
        #[cfg(feature = "hydrate")]
        locate_device(on_pick, error, share);
        #[cfg(not(feature = "hydrate"))]
        let _ = (on_pick, error, share);
    }
}

/// The device's position, picked as a tap would; a failure said on the location field.
#[cfg(feature = "hydrate")]
fn locate_device(on_pick: Callback<(f64, f64)>, error: RwSignal<Option<AppError>>, share: bool) {
    crate::components::geolocation::locate_device(
        move |lat, lng| {
            on_pick.run((lat, lng));
            // Grid workers' phones tell the command map where they are.
            if share {
                leptos::task::spawn_local(async move {
                    let _ = super::super::api::report_position(lat, lng).await;
                });
            }
        },
        move || error.set(Some(AppError::field("location", ErrorCode::EventGpsUnavailable))),
    );
}

/// The middle of a grid's outline in the town's GeoJSON (the mean of its ring's corners).
pub fn grid_centre(grids: &str, grid_id: i32) -> Option<(f64, f64)> {
    let collection: serde_json::Value = serde_json::from_str(grids).ok()?;
    let feature = collection["features"]
        .as_array()?
        .iter()
        .find(|f| f["properties"]["id"].as_i64() == Some(i64::from(grid_id)))?;
    let geometry = &feature["geometry"];
    let ring = match geometry["type"].as_str()? {
        "Polygon" => geometry["coordinates"].get(0)?,
        "MultiPolygon" => geometry["coordinates"].get(0)?.get(0)?,
        // Points and lines have no outline to centre on: the worker picks the place.
        _ => return None,
    };
    let points: Vec<(f64, f64)> =
        ring.as_array()?.iter().filter_map(|p| Some((p.get(1)?.as_f64()?, p.get(0)?.as_f64()?))).collect();
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some((points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n))
}

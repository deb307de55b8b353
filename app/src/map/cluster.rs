//! Screen-space grid clustering: pins whose Web-Mercator pixels at the current zoom fall into
//! the same square cell become one cluster at their centroid. O(n), stable while panning (the
//! cells are fixed to the world, not to the viewport).

use std::collections::HashMap;
use std::f64::consts::PI;

use super::pins::MapPin;

/// Pins drawn as one: `count` of them around (lat, lng).
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Centroid of the members.
    pub lat: f64,
    pub lng: f64,
    pub count: usize,
    /// Index into the pins when `count == 1`.
    pub pin: Option<usize>,
}

/// Web-Mercator's latitude limit: beyond it y is infinite.
const MAX_LAT: f64 = 85.051_128_78;

/// World pixel coordinates of (lat, lng) at `zoom` (a world 256 · 2^zoom pixels square).
fn pixel(lat: f64, lng: f64, world: f64) -> (f64, f64) {
    let x = (lng + 180.0) / 360.0 * world;
    let phi = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let y = (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / PI) / 2.0 * world;
    (x, y)
}

/// Groups `pins` into cells `cell_px` screen pixels wide at `zoom`. Clusters come out in the
/// order of their first pin; a non-finite position or a cell size below one pixel leaves every
/// pin on its own.
pub fn cluster(pins: &[MapPin], zoom: f64, cell_px: f64) -> Vec<Cluster> {
    struct Acc {
        lat: f64,
        lng: f64,
        count: usize,
        first: usize,
    }
    let world = 256.0 * zoom.exp2();
    let cell = cell_px.max(1.0);
    let mut cells: HashMap<(i64, i64), usize> = HashMap::with_capacity(pins.len() / 4 + 1);
    let mut acc: Vec<Acc> = Vec::with_capacity(pins.len() / 4 + 1);
    for (i, pin) in pins.iter().enumerate() {
        let (x, y) = pixel(pin.lat, pin.lng, world);
        if !(x.is_finite() && y.is_finite()) {
            acc.push(Acc { lat: pin.lat, lng: pin.lng, count: 1, first: i });
            continue;
        }
        // `as` saturates: far outside the world all pins share an edge cell, never overflow.
        let key = ((x / cell).floor() as i64, (y / cell).floor() as i64);
        match cells.get(&key) {
            Some(&slot) => {
                let a = &mut acc[slot];
                a.lat += pin.lat;
                a.lng += pin.lng;
                a.count += 1;
            }
            None => {
                cells.insert(key, acc.len());
                acc.push(Acc { lat: pin.lat, lng: pin.lng, count: 1, first: i });
            }
        }
    }
    acc.into_iter()
        .map(|a| Cluster {
            lat: a.lat / a.count as f64,
            lng: a.lng / a.count as f64,
            count: a.count,
            pin: (a.count == 1).then_some(a.first),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(id: i64, lat: f64, lng: f64) -> MapPin {
        MapPin {
            id,
            lat,
            lng,
            color: "#b42318".into(),
            radius: 6.0,
            title: format!("#{id}"),
            href: None,
            clustered: true,
        }
    }

    /// Three pins about 1 km apart around a township centre.
    fn spread() -> Vec<MapPin> {
        vec![pin(1, 30.000, 120.000), pin(2, 30.009, 120.000), pin(3, 30.000, 120.010)]
    }

    #[test]
    fn far_apart_pins_stay_single_at_high_zoom() {
        let pins = spread();
        let clusters = cluster(&pins, 16.0, 48.0);
        assert_eq!(clusters.len(), 3);
        for (i, c) in clusters.iter().enumerate() {
            assert_eq!(c.count, 1);
            assert_eq!(c.pin, Some(i));
            assert_eq!((c.lat, c.lng), (pins[i].lat, pins[i].lng));
        }
    }

    #[test]
    fn the_same_pins_merge_at_low_zoom() {
        let pins = spread();
        let clusters = cluster(&pins, 8.0, 48.0);
        assert_eq!(clusters.len(), 1);
        let c = &clusters[0];
        assert_eq!(c.count, 3);
        assert_eq!(c.pin, None);
        assert!((c.lat - 30.003).abs() < 1e-9);
        assert!((c.lng - 120.003_333_333).abs() < 1e-6);
    }

    #[test]
    fn counts_sum_to_the_number_of_pins() {
        let pins: Vec<MapPin> =
            (0..997).map(|i| pin(i, 30.0 + (i % 31) as f64 * 0.001, 120.0 + (i % 37) as f64 * 0.0013)).collect();
        for zoom in [6.0, 10.0, 12.5, 14.0, 16.0, 18.0] {
            let clusters = cluster(&pins, zoom, 48.0);
            assert_eq!(clusters.iter().map(|c| c.count).sum::<usize>(), pins.len(), "zoom {zoom}");
            assert!(clusters.iter().all(|c| (c.count == 1) == c.pin.is_some()));
        }
    }

    #[test]
    fn identical_points_merge_even_at_high_zoom() {
        let pins = vec![pin(1, 30.0, 120.0), pin(2, 30.0, 120.0)];
        assert_eq!(cluster(&pins, 19.0, 48.0).len(), 1);
    }

    #[test]
    fn degenerate_input_is_left_alone() {
        assert!(cluster(&[], 12.0, 48.0).is_empty());
        let pins = vec![pin(1, f64::NAN, 120.0), pin(2, 30.0, 120.0), pin(3, 90.0, 120.0)];
        let clusters = cluster(&pins, 12.0, 0.0);
        assert_eq!(clusters.iter().map(|c| c.count).sum::<usize>(), 3);
    }

    #[test]
    fn ten_thousand_pins_cluster_quickly() {
        // A deterministic scatter over a township of about 10 × 10 km.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let pins: Vec<MapPin> = (0..10_000).map(|i| pin(i, 30.0 + next() * 0.09, 120.0 + next() * 0.1)).collect();
        let clusters = cluster(&pins, 13.0, 48.0);
        assert!(!clusters.is_empty() && clusters.len() < pins.len());
        assert_eq!(clusters.iter().map(|c| c.count).sum::<usize>(), 10_000);
    }
}

//! What the walls, the dashboard and 监测态势 show of the township's vital signs: each
//! indicator's tile (value, trend, the last day's line, its severity) and the alarms open
//! now, the stations' and the indicators' together. Pure types and drawing arithmetic,
//! compiled for the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::measurand::Measurand;
use super::threshold::Severity;

/// One indicator as its tile shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorTile {
    pub id: i64,
    pub name: String,
    pub unit: String,
    /// The latest value and when it was computed; none before the first computation (or a
    /// station silent for a day).
    pub value: Option<f64>,
    pub at: Option<DateTime<Utc>>,
    /// The value before the latest, for the trend.
    pub previous: Option<f64>,
    /// The open alarm's severity (`Normal`: none).
    pub severity: Severity,
    /// The last 24 hours as hourly means, oldest first: the sparkline.
    pub points: Vec<f64>,
}

/// Which way a value went since the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    Up,
    Down,
    Flat,
}

impl IndicatorTile {
    pub fn trend(&self) -> Option<Trend> {
        let (value, previous) = (self.value?, self.previous?);
        // Differences below a thousandth of the value are noise of the average, not a trend.
        let tolerance = (value.abs().max(previous.abs()) * 1e-3).max(1e-9);
        Some(if (value - previous).abs() <= tolerance {
            Trend::Flat
        } else if value > previous {
            Trend::Up
        } else {
            Trend::Down
        })
    }
}

/// Whose alarm it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AlarmOrigin {
    /// A station's rule on one measurand.
    Station { station_id: i64, measurand: Measurand },
    /// An indicator of the catalogue.
    Indicator { indicator_id: i64 },
}

/// An open alarm as the wall lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveAlarm {
    pub id: i64,
    pub origin: AlarmOrigin,
    /// The station's or the indicator's name.
    pub name: String,
    pub severity: Severity,
    pub value: f64,
    pub unit: String,
    pub opened_at: DateTime<Utc>,
    /// The event it was filed as: its id and number.
    pub event: Option<(i64, String)>,
}

/// A station on the wall's map, marked by its worst open alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationMarker {
    pub id: i64,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub severity: Severity,
    /// In maintenance or retired: drawn grey, raising nothing.
    pub in_service: bool,
}

/// The vital signs of what a user may see.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Situation {
    pub tiles: Vec<IndicatorTile>,
    /// Newest first.
    pub alarms: Vec<LiveAlarm>,
    pub stations: Vec<StationMarker>,
    /// Open events by grid (grid id, count), for who may see events; grids with none left out.
    pub open_by_grid: Vec<(i32, i64)>,
}

/// How many shades the map's grids are coloured in by their open events, beside none.
pub const LOAD_CLASSES: i64 = 4;

/// The shade of a grid with `open` events when the busiest has `most`: 0 for none, then 1 to
/// [`LOAD_CLASSES`] in equal steps of the busiest's count (a wall compares grids with each
/// other, not with a fixed scale).
pub fn load_class(open: i64, most: i64) -> i64 {
    if open <= 0 || most <= 0 {
        return 0;
    }
    ((open * LOAD_CLASSES + most - 1) / most).clamp(1, LOAD_CLASSES)
}

/// A value as a tile prints it: whole numbers whole, others to at most two decimals, without
/// trailing zeros.
pub fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The points of an SVG polyline drawing `values` across a `width` × `height` box, the
/// lowest value at the bottom and the highest at the top (a flat line in the middle); empty
/// for fewer than two values.
pub fn sparkline(values: &[f64], width: f64, height: f64) -> String {
    if values.len() < 2 {
        return String::new();
    }
    let (low, high) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let span = high - low;
    let step = width / (values.len() - 1) as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = if span > 0.0 { height - (v - low) / span * height } else { height / 2.0 };
            format!("{:.1},{:.1}", i as f64 * step, y)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(value: Option<f64>, previous: Option<f64>) -> IndicatorTile {
        IndicatorTile {
            id: 1,
            name: "在办事件".into(),
            unit: "件".into(),
            value,
            at: None,
            previous,
            severity: Severity::Normal,
            points: Vec::new(),
        }
    }

    #[test]
    fn the_trend_compares_with_the_value_before() {
        assert_eq!(tile(Some(5.0), Some(3.0)).trend(), Some(Trend::Up));
        assert_eq!(tile(Some(2.0), Some(3.0)).trend(), Some(Trend::Down));
        assert_eq!(tile(Some(3.0), Some(3.0)).trend(), Some(Trend::Flat));
        assert_eq!(tile(Some(3.0), None).trend(), None);
    }

    #[test]
    fn grids_are_shaded_against_the_busiest() {
        assert_eq!(load_class(0, 12), 0);
        assert_eq!(load_class(1, 12), 1);
        assert_eq!(load_class(3, 12), 1);
        assert_eq!(load_class(4, 12), 2);
        assert_eq!(load_class(12, 12), 4);
        assert_eq!(load_class(5, 0), 0);
    }

    #[test]
    fn values_print_without_noise() {
        assert_eq!(format_value(128.0), "128");
        assert_eq!(format_value(92.5), "92.5");
        assert_eq!(format_value(2.456), "2.46");
        assert_eq!(format_value(0.1 + 0.2), "0.3");
    }

    #[test]
    fn a_sparkline_spans_its_box() {
        assert_eq!(sparkline(&[1.0], 100.0, 20.0), "");
        assert_eq!(sparkline(&[0.0, 5.0, 10.0], 100.0, 20.0), "0.0,20.0 50.0,10.0 100.0,0.0");
        assert_eq!(sparkline(&[4.0, 4.0], 100.0, 20.0), "0.0,10.0 100.0,10.0");
    }
}

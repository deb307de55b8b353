//! A station's readings as its page draws them: one chart per measurand over a chosen span,
//! each bucket's mean as a line and its least and greatest as a band (a spike between two
//! points stays visible), the station's rule levels as dashed lines. The geometry is computed
//! here, in plain functions, so it is tested without a browser and drawn the same on the
//! server and after hydration.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::measurand::Measurand;
use super::threshold::Severity;

crate::code_enum::code_enum! {
    /// How far back a station's chart looks.
    pub enum Span in "sensing.span" {
        Day = "day",
        Week = "week",
        Month = "month",
    }
}

impl Span {
    pub fn duration(self) -> Duration {
        match self {
            Span::Day => Duration::days(1),
            Span::Week => Duration::days(7),
            Span::Month => Duration::days(30),
        }
    }

    /// Buckets of 15 minutes, an hour, six hours: enough to read a day's rhythm, few enough
    /// for a phone to draw.
    pub fn points(self) -> i64 {
        match self {
            Span::Day => 96,
            Span::Week => 168,
            Span::Month => 120,
        }
    }
}

/// One bucket of a line: its start, mean, least and greatest value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChartPoint {
    pub at: DateTime<Utc>,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

/// One measurand of the station over the span, with the levels of its rule if it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartLine {
    pub measurand: Measurand,
    pub points: Vec<ChartPoint>,
    pub warning: Option<f64>,
    pub alarm: Option<f64>,
}

/// What a station's page draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationChart {
    pub span: Span,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Measurands with readings in the span or a rule, in their declared order.
    pub lines: Vec<ChartLine>,
}

/// A chart's shapes in a box of the given size, y pointing down.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// `points` of a polyline through the means.
    pub line: String,
    /// `d` of a closed path around the least and greatest values.
    pub band: String,
    /// The value range drawn, bottom to top.
    pub low: f64,
    pub high: f64,
    /// Each rule level and where it is drawn.
    pub levels: Vec<(Severity, f64, f64)>,
}

impl ChartLine {
    /// The shapes of this line between `from` and `to` in a `width` × `height` box. The value
    /// range holds every point and level with a twentieth to spare either side.
    pub fn plot(&self, from: DateTime<Utc>, to: DateTime<Utc>, width: f64, height: f64) -> Plot {
        let levels: Vec<(Severity, f64)> = [(Severity::Warning, self.warning), (Severity::Alarm, self.alarm)]
            .into_iter()
            .filter_map(|(severity, level)| level.map(|level| (severity, level)))
            .collect();
        let values = self.points.iter().flat_map(|p| [p.min, p.max]).chain(levels.iter().map(|(_, level)| *level));
        let (mut low, mut high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !low.is_finite() {
            (low, high) = (0.0, 1.0);
        }
        let spare = if high > low { (high - low) / 20.0 } else { low.abs().max(1.0) / 10.0 };
        let (low, high) = (low - spare, high + spare);
        let seconds = (to - from).num_seconds().max(1) as f64;
        let x = |at: DateTime<Utc>| ((at - from).num_seconds() as f64 / seconds * width).clamp(0.0, width);
        let y = |value: f64| height - (value - low) / (high - low) * height;
        let line = self.points.iter().map(|p| format!("{:.1},{:.1}", x(p.at), y(p.mean))).collect::<Vec<_>>().join(" ");
        let upper = self.points.iter().map(|p| format!("{:.1},{:.1}", x(p.at), y(p.max)));
        let lower = self.points.iter().rev().map(|p| format!("{:.1},{:.1}", x(p.at), y(p.min)));
        let band = match upper.chain(lower).collect::<Vec<_>>() {
            corners if corners.is_empty() => String::new(),
            corners => format!("M{}Z", corners.join(" L")),
        };
        Plot {
            line,
            band,
            low,
            high,
            levels: levels.into_iter().map(|(severity, level)| (severity, level, y(level))).collect(),
        }
    }

    /// The latest mean, least and greatest of the span.
    pub fn summary(&self) -> Option<(f64, f64, f64)> {
        let last = self.points.last()?.mean;
        let low = self.points.iter().map(|p| p.min).fold(f64::INFINITY, f64::min);
        let high = self.points.iter().map(|p| p.max).fold(f64::NEG_INFINITY, f64::max);
        Some((last, low, high))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(from: DateTime<Utc>, hours: i64, mean: f64, min: f64, max: f64) -> ChartPoint {
        ChartPoint { at: from + Duration::hours(hours), mean, min, max }
    }

    #[test]
    fn a_line_its_band_and_its_levels_fit_the_box() {
        let from = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").expect("a time").with_timezone(&Utc);
        let line = ChartLine {
            measurand: Measurand::WaterLevel,
            points: vec![point(from, 0, 2.0, 2.0, 2.0), point(from, 12, 3.0, 2.5, 4.0)],
            warning: Some(3.5),
            alarm: None,
        };
        let plot = line.plot(from, from + Duration::days(1), 240.0, 100.0);
        // From 2.0 to 4.0 with a tenth of the range to spare: 1.9 to 4.1.
        assert!((plot.low - 1.9).abs() < 1e-9 && (plot.high - 4.1).abs() < 1e-9, "{plot:?}");
        assert_eq!(plot.line, "0.0,95.5 120.0,50.0");
        assert_eq!(plot.band, "M0.0,95.5 L120.0,4.5 L120.0,72.7 L0.0,95.5Z");
        assert_eq!(plot.levels.len(), 1);
        assert_eq!((plot.levels[0].0, plot.levels[0].1), (Severity::Warning, 3.5));
        assert!((plot.levels[0].2 - 27.27).abs() < 0.01);
        assert_eq!(line.summary(), Some((3.0, 2.0, 4.0)));
    }

    #[test]
    fn a_flat_or_empty_line_still_has_a_range() {
        let from = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").expect("a time").with_timezone(&Utc);
        let flat = ChartLine {
            measurand: Measurand::Noise,
            points: vec![point(from, 0, 50.0, 50.0, 50.0), point(from, 1, 50.0, 50.0, 50.0)],
            warning: None,
            alarm: None,
        };
        let plot = flat.plot(from, from + Duration::hours(2), 100.0, 50.0);
        assert!(plot.low < 50.0 && plot.high > 50.0);
        assert_eq!(plot.line, "0.0,25.0 50.0,25.0");
        let empty = ChartLine { points: Vec::new(), ..flat };
        let plot = empty.plot(from, from + Duration::hours(2), 100.0, 50.0);
        assert_eq!((plot.line.as_str(), plot.band.as_str()), ("", ""));
        assert_eq!(empty.summary(), None);
    }
}

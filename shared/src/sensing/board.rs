//! 监测态势 (`/m/sensing/monitor`): every station with its latest values, each judged by its
//! national standard, and the alarms — what the page and a big-screen tile read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::air_quality::{AqiLevel, iaqi, level};
use super::measurand::Measurand;
use super::noise::{self, NoiseZone, Period};
use super::threshold::Severity;
use super::water_quality::{WaterBody, WaterClass, parameter_class};

/// What a value means by its standard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Grade {
    /// GB 3838—2002: the class this parameter alone puts the water in.
    Water(WaterClass),
    /// HJ 633—2012: the pollutant's IAQI and the level it falls in.
    Air { iaqi: u16, level: AqiLevel },
    /// GB 3096—2008: the zone's limit at that hour, and by how much it is exceeded (0: within).
    Noise { limit: f64, excess: f64 },
}

/// Where a station stands, as far as judging its values goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// A water-quality station's water body (river unless it says lake).
    pub lake: bool,
    pub noise_zone: Option<NoiseZone>,
}

/// The grade of one value, where its measurand has a standard that grades it.
pub fn grade(measurand: Measurand, value: f64, at: DateTime<Utc>, setting: Setting) -> Option<Grade> {
    if let Some(parameter) = measurand.water_parameter() {
        let body = if setting.lake { WaterBody::LakeOrReservoir } else { WaterBody::River };
        return parameter_class(parameter, body, value).map(Grade::Water);
    }
    if let Some(pollutant) = measurand.pollutant() {
        return iaqi(pollutant, value).map(|iaqi| Grade::Air { iaqi, level: level(iaqi) });
    }
    if measurand == Measurand::Noise {
        let zone = setting.noise_zone?;
        let period = Period::at(crate::time::local(at).time());
        let limit = noise::limit(zone, period);
        return noise::excess(zone, period, value).map(|excess| Grade::Noise { limit, excess });
    }
    None
}

impl Grade {
    /// Whether the value is past what its standard allows (worse than class Ⅲ, an AQI level
    /// past 良, a noise limit exceeded): the page marks it.
    pub fn exceeds(self) -> bool {
        match self {
            Grade::Water(class) => class > WaterClass::III,
            Grade::Air { level, .. } => level > AqiLevel::Good,
            Grade::Noise { excess, .. } => excess > 0.0,
        }
    }
}

/// One measurand's latest value at a station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatestValue {
    pub measurand: Measurand,
    pub at: DateTime<Utc>,
    pub value: f64,
    pub grade: Option<Grade>,
}

/// A station as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationStatus {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The kind's code (`water_level` …) and its label in the reader's language.
    pub kind: String,
    pub kind_label: String,
    pub village: String,
    pub in_service: bool,
    /// The worst alarm open on it.
    pub alarm: Severity,
    /// Its values of the last day, by measurand; none: silent for a day.
    pub latest: Vec<LatestValue>,
}

/// An alarm as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmView {
    pub id: i64,
    pub station_id: i64,
    pub station: String,
    pub measurand: Measurand,
    pub severity: Severity,
    pub opened_at: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub value: f64,
    pub peak: f64,
    /// The event it was filed as: its id and number.
    pub event: Option<(i64, String)>,
}

/// The page's whole content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Monitor {
    pub stations: Vec<StationStatus>,
    /// Open alarms first, newest first; then those cleared in the last seven days.
    pub alarms: Vec<AlarmView>,
}

impl Monitor {
    pub fn open(&self, severity: Severity) -> usize {
        self.alarms.iter().filter(|a| a.cleared_at.is_none() && a.severity == severity).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        // 2026-07-01 at `hour` o'clock in China.
        chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap().and_hms_opt(hour, 0, 0).unwrap().and_utc()
            - chrono::Duration::hours(8)
    }

    #[test]
    fn each_value_is_graded_by_its_standard() {
        let river = Setting::default();
        assert_eq!(grade(Measurand::AmmoniaNitrogen, 1.2, at(10), river), Some(Grade::Water(WaterClass::IV)));
        assert!(grade(Measurand::AmmoniaNitrogen, 1.2, at(10), river).unwrap().exceeds());
        assert_eq!(grade(Measurand::TotalNitrogen, 1.2, at(10), river), None, "not judged in a river");
        let lake = Setting { lake: true, ..river };
        assert_eq!(grade(Measurand::TotalNitrogen, 1.2, at(10), lake), Some(Grade::Water(WaterClass::IV)));
        assert_eq!(
            grade(Measurand::Pm25, 35.0, at(10), river),
            Some(Grade::Air { iaqi: 50, level: AqiLevel::Excellent })
        );
        let zone2 = Setting { noise_zone: Some(NoiseZone::Class2), ..river };
        assert_eq!(grade(Measurand::Noise, 58.0, at(10), zone2), Some(Grade::Noise { limit: 60.0, excess: 0.0 }));
        assert_eq!(grade(Measurand::Noise, 58.0, at(23), zone2), Some(Grade::Noise { limit: 50.0, excess: 8.0 }));
        assert_eq!(grade(Measurand::Noise, 58.0, at(23), river), None, "no zone, no limit");
        assert_eq!(grade(Measurand::WaterLevel, 3.0, at(10), river), None);
    }
}

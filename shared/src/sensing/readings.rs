//! Readings as devices send them — a JSON batch over HTTP, or the same body on an MQTT
//! topic — and the check that turns one into typed readings or names every bad one.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::measurand::Measurand;
use super::stations::check_code;
use crate::error::{AppError, ErrorCode, FieldError};

/// The most readings one request or message may carry: 5,000 readings are about 400 KB of
/// JSON, parsed and inserted in well under a second.
pub const BATCH_MAX: usize = 5000;
/// How far ahead of the server's clock a reading may be (a device's clock drifts).
pub const AHEAD_MAX: Duration = Duration::minutes(5);
/// How old a reading may be: a station that was cut off sends its backlog when it comes back.
pub const BACK_MAX: Duration = Duration::days(90);
/// How many bad readings an answer names: a broken device's batch of 5,000 answers with the
/// first ones, not a megabyte of errors.
pub const ERRORS_MAX: usize = 20;

/// `{"readings": [...]}`: what the HTTP endpoint takes, and an MQTT message's payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub readings: Vec<ReadingIn>,
}

/// One reading as sent. On MQTT the topic names the station and `station` may be left out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReadingIn {
    #[serde(default)]
    pub station: String,
    pub measurand: String,
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// A reading that passed the check; its station is still a code, which the service resolves
/// within the sender's township.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub station: String,
    pub measurand: Measurand,
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// What was done with a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Accepted {
    /// Readings stored.
    pub accepted: usize,
    /// Readings already stored (the same station, measurand and time, sent again: MQTT's
    /// at-least-once delivery, a device's retry), ignored.
    pub duplicates: usize,
}

impl Batch {
    /// The batch's readings, or every problem (up to [`ERRORS_MAX`]) as `readings[i].field`:
    /// all or nothing, so a device never has to work out which half was kept. `station`, when
    /// given, is the station the topic names: a reading naming another is refused.
    pub fn check(self, now: DateTime<Utc>, station: Option<&str>) -> Result<Vec<Reading>, AppError> {
        if self.readings.is_empty() {
            return Err(AppError::field("readings", ErrorCode::Required));
        }
        if self.readings.len() > BATCH_MAX {
            return Err(AppError::field("readings", ErrorCode::SensingTooMany));
        }
        let mut errors = Vec::new();
        let mut readings = Vec::with_capacity(self.readings.len());
        for (index, reading) in self.readings.into_iter().enumerate() {
            let mut refuse = |field: &str, code: ErrorCode| {
                if errors.len() < ERRORS_MAX {
                    errors.push(FieldError::new(format!("readings[{index}].{field}"), code));
                }
            };
            let code = match (station, reading.station.as_str()) {
                (Some(topic), "") => topic.to_owned(),
                (Some(topic), named) if named != topic => {
                    refuse("station", ErrorCode::SensingStationUnknown);
                    continue;
                }
                (_, named) => named.to_owned(),
            };
            if let Err(error) = check_code(&code) {
                refuse("station", if code.is_empty() { ErrorCode::Required } else { error });
            }
            let Some(measurand) = Measurand::parse(&reading.measurand) else {
                refuse("measurand", ErrorCode::SensingMeasurandUnknown);
                continue;
            };
            let value = reading.value;
            if !(value.is_finite() && measurand.plausible_min() <= value && value <= measurand.plausible_max()) {
                refuse("value", ErrorCode::SensingValueImplausible);
            }
            if reading.at > now + AHEAD_MAX || reading.at < now - BACK_MAX {
                refuse("at", ErrorCode::SensingTimeOutOfRange);
            }
            readings.push(Reading { station: code, measurand, at: reading.at, value });
        }
        if errors.is_empty() { Ok(readings) } else { Err(AppError::Validation(errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    fn reading(station: &str, measurand: &str, seconds_ago: i64, value: f64) -> ReadingIn {
        ReadingIn {
            station: station.into(),
            measurand: measurand.into(),
            at: now() - Duration::seconds(seconds_ago),
            value,
        }
    }

    fn fields(error: AppError) -> Vec<(String, ErrorCode)> {
        match error {
            AppError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_good_batch_is_typed_and_a_bad_one_names_each_reading_and_field() {
        let good =
            Batch { readings: vec![reading("WL-01", "water_level", 60, 3.2), reading("AQ-01", "pm25", 0, 35.0)] };
        let readings = good.check(now(), None).unwrap();
        assert_eq!(readings[1].measurand, Measurand::Pm25);
        assert_eq!(readings[0].station, "WL-01");

        let bad = Batch {
            readings: vec![
                reading("WL-01", "water_level", 60, 3.2),
                reading("WL 01", "water_level", 60, 3.2),
                reading("WL-01", "radon", 60, 3.2),
                reading("WL-01", "water_level", 60, 1e9),
                reading("WL-01", "leq", -3600, 55.0),
                reading("WL-01", "leq", 91 * 86_400, 55.0),
                reading("", "leq", 0, f64::NAN),
            ],
        };
        assert_eq!(
            fields(bad.check(now(), None).unwrap_err()),
            [
                ("readings[1].station".into(), ErrorCode::SensingStationCodeInvalid),
                ("readings[2].measurand".into(), ErrorCode::SensingMeasurandUnknown),
                ("readings[3].value".into(), ErrorCode::SensingValueImplausible),
                ("readings[4].at".into(), ErrorCode::SensingTimeOutOfRange),
                ("readings[5].at".into(), ErrorCode::SensingTimeOutOfRange),
                ("readings[6].station".into(), ErrorCode::Required),
                ("readings[6].value".into(), ErrorCode::SensingValueImplausible),
            ]
        );
    }

    #[test]
    fn the_topic_names_the_station_and_a_batch_is_bounded() {
        let batch = Batch { readings: vec![reading("", "leq", 0, 55.0), reading("NS-02", "leq", 0, 55.0)] };
        assert_eq!(
            fields(batch.clone().check(now(), Some("NS-01")).unwrap_err()),
            [("readings[1].station".into(), ErrorCode::SensingStationUnknown)]
        );
        let one = Batch { readings: batch.readings[..1].to_vec() };
        assert_eq!(one.check(now(), Some("NS-01")).unwrap()[0].station, "NS-01");
        let empty = Batch { readings: Vec::new() };
        assert_eq!(fields(empty.check(now(), None).unwrap_err()), [("readings".into(), ErrorCode::Required)]);
        let many = Batch { readings: vec![reading("WL-01", "water_level", 0, 1.0); BATCH_MAX + 1] };
        assert_eq!(fields(many.check(now(), None).unwrap_err()), [("readings".into(), ErrorCode::SensingTooMany)]);
        let broken = Batch { readings: vec![reading("WL-01", "radon", 0, 1.0); 100] };
        assert_eq!(fields(broken.check(now(), None).unwrap_err()).len(), ERRORS_MAX);
        let unknown_field = serde_json::from_str::<Batch>(r#"{"readings": [], "extra": 1}"#);
        assert!(unknown_field.is_err());
    }
}

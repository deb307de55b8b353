//! 监测站点 and their 报警规则: the field stations of 互联感知 (clause 6.6) — river gauges,
//! water-quality, air-quality and noise stations, river cameras — as a register of the module
//! engine, with the levels each measurand is watched against as its child table.

use super::measurand::Measurand;
use super::noise::NoiseZone;
use super::threshold::Direction;
use crate::engine::declare::fields::*;
use crate::engine::declare::{
    CodeTable, Counter, MapLayer, Measure, Place, Register, Sharing, Sort, Target, UpdateFrequency,
};
use crate::error::ErrorCode;

/// What a station is.
pub static STATION_KIND: CodeTable = CodeTable {
    name: "station_kind",
    codes: &["water_level", "water_quality", "air_quality", "noise", "river_camera"],
};

/// Whether a station reports: a station in maintenance or retired raises no alarm.
pub static STATION_STATUS: CodeTable =
    CodeTable { name: "station_status", codes: &["in_service", "maintenance", "retired"] };

/// Where a water-quality station samples (GB 3838 judges phosphorus and nitrogen by it).
pub static WATER_BODY: CodeTable = CodeTable { name: "water_body", codes: &["river", "lake"] };

/// The class a water function zone is to meet (水功能区水质目标).
pub static WATER_TARGET: CodeTable = CodeTable { name: "water_target", codes: &["I", "II", "III", "IV", "V"] };

/// GB 3096—2008 acoustic environment function zones.
pub static NOISE_ZONE: CodeTable = CodeTable { name: "noise_zone", codes: NoiseZone::CODES };

/// What a station measures.
pub static MEASURAND: CodeTable = CodeTable { name: "measurand", codes: Measurand::CODES };

/// Which side of a level is bad.
pub static DIRECTION: CodeTable = CodeTable { name: "direction", codes: Direction::CODES };

/// From which severity an alarm is filed as an event.
pub static EVENT_FROM: CodeTable = CodeTable { name: "event_from", codes: &["warning", "alarm"] };

/// When a rule holds: by day or by night only (GB 3096's periods); empty, always.
pub static RULE_PERIOD: CodeTable = CodeTable { name: "rule_period", codes: super::noise::Period::CODES };

/// The longest station code (a device's id in its MQTT topic and its readings).
pub const CODE_MAX: usize = 32;

/// A station's code: ASCII letters, digits, `-` and `_`, since it is a segment of an MQTT
/// topic and a key of every reading.
pub fn check_code(code: &str) -> Result<(), ErrorCode> {
    let ok = !code.is_empty()
        && code.len() <= CODE_MAX
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(ErrorCode::SensingStationCodeInvalid) }
}

/// 监测站点: a device in the field, where it is and what zone or target it is judged by.
pub static STATIONS: Register = Register {
    fields: &[
        text("name", 40).required().unique(),
        text("code", CODE_MAX as u16).required().unique().check(check_code),
        choice("kind", &STATION_KIND).required(),
        choice("status", &STATION_STATUS).required(),
        point("location").required(),
        text("address", 100),
        choice("water_body", &WATER_BODY),
        choice("water_target", &WATER_TARGET),
        choice("noise_zone", &NOISE_ZONE),
        text("maker", 60),
        date("installed_on"),
        photos("photos"),
    ],
    list: &["name", "code", "kind", "status", "village_id", "installed_on"],
    filters: &["kind", "status", "village_id"],
    sort: Sort::asc("code"),
    place: Place::Village,
    owner_department: "dept.environment",
    update_frequency: UpdateFrequency::RealTime,
    sharing: Sharing::Open,
    map: Some(MapLayer { geometry: "location", label: "name", cluster: false }),
    counters: &[
        Counter { name: "stations", measure: Measure::Count },
        Counter { name: "in_service", measure: Measure::CountWhere { field: "status", value: "in_service" } },
    ],
    ..Register::new("sensing", "stations", "sensing_stations")
};

/// 报警规则: the levels one measurand of a station is watched against
/// (`super::threshold::Threshold`), and whether its alarm becomes an event of the loop.
pub static RULES: Register = Register {
    fields: &[
        choice("measurand", &MEASURAND).required(),
        choice("direction", &DIRECTION).required(),
        decimal("warning", 3),
        decimal("alarm", 3),
        integer("duration_minutes", 0, 1440).required(),
        decimal("clear_margin", 3),
        choice("period", &RULE_PERIOD),
        choice("event_from", &EVENT_FROM),
        reference("event_category", Target::EventCategory),
    ],
    list: &["measurand", "direction", "warning", "alarm", "duration_minutes", "period", "event_from", "event_category"],
    filters: &["measurand"],
    sort: Sort::asc("id"),
    place: Place::Village,
    owner_department: "dept.environment",
    sharing: Sharing::Open,
    parent: Some("sensing.stations"),
    check: Some(super::indicators::check_rule),
    ..Register::new("sensing", "rules", "sensing_rules")
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_station_code_is_a_topic_segment() {
        assert_eq!(check_code("WL-001_a"), Ok(()));
        for bad in ["", "WL 001", "WL/001", "水位1", "+", "#", &"A".repeat(CODE_MAX + 1)] {
            assert_eq!(check_code(bad), Err(ErrorCode::SensingStationCodeInvalid), "{bad}");
        }
    }
}

//! 体征指标 (clause 3.2, vital-sign indicator monitoring): the township's catalogue of the
//! figures its leaders watch — open and overdue events, the on-time rate, open station
//! alarms, the population, a river's level — each with where it is computed from, how often,
//! the levels it is watched against (the same [`super::threshold`] rule as a station's) and
//! the department that owns it and hears of its alarms. A register of the module engine.

use super::measurand::Measurand;
use super::stations::{DIRECTION, MEASURAND};
use super::threshold::Direction;
use crate::engine::declare::fields::*;
use crate::engine::declare::{CodeTable, Place, Register, Sharing, Sort, Target, UpdateFrequency};
use crate::engine::value::{Value, Values};
use crate::error::{ErrorCode, FieldError};

crate::code_enum::code_enum! {
    /// Where an indicator's value comes from. Each but the last is counted over the platform's
    /// own data (`super::service::indicators`); `Reading` is a station's latest reading.
    #[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
    #[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
    pub enum Source in "sensing.indicator_source" {
        /// 在办事件: reported, not closed, rejected or merged.
        EventsOpen = "events_open",
        /// 超期事件: open, running and past their deadline.
        EventsOverdue = "events_overdue",
        /// 今日新增事件: reported since midnight, China time.
        EventsToday = "events_today",
        /// 按期办结率: of the events closed in the last 30 days, the share closed by their
        /// deadline, in per cent.
        OnTimeRate = "on_time_rate",
        /// 未解除站点报警: the stations' alarms open.
        StationAlarms = "station_alarms",
        /// 实有人口.
        Residents = "residents",
        /// 企业数.
        Enterprises = "enterprises",
        /// A station's latest reading of one measurand.
        Reading = "reading",
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Source);

impl Source {
    /// The unit its values are in, when the indicator sets none (a reading's is its measurand's).
    pub const fn unit(self) -> &'static str {
        match self {
            Source::EventsOpen | Source::EventsOverdue | Source::EventsToday => "件",
            Source::OnTimeRate => "%",
            Source::StationAlarms => "条",
            Source::Residents => "人",
            Source::Enterprises => "家",
            Source::Reading => "",
        }
    }

    /// Whether its value at a past time can be computed (to draw the last day when an
    /// indicator is new): the events' and alarms' times say it; the base data keeps no such
    /// time, and a reading is simply the one taken then.
    pub const fn has_history(self) -> bool {
        !matches!(self, Source::Residents | Source::Enterprises)
    }
}

/// The code table of the form's choice.
pub static SOURCE: CodeTable = CodeTable { name: "indicator_source", codes: Source::CODES };

/// The longest an indicator waits between two computations: a day.
pub const REFRESH_MAX_MINUTES: i64 = 1440;

/// 体征指标: what is watched, how, and who answers for it.
pub static INDICATORS: Register = Register {
    fields: &[
        text("name", 30).required().unique(),
        choice("source", &SOURCE).required(),
        // Empty: the whole township.
        reference("village", Target::Village),
        reference("station", Target::Register("sensing.stations")),
        choice("measurand", &MEASURAND),
        text("unit", 12),
        integer("refresh_minutes", 1, REFRESH_MAX_MINUTES).required(),
        choice("direction", &DIRECTION),
        decimal("warning", 3),
        decimal("alarm", 3),
        integer("duration_minutes", 0, REFRESH_MAX_MINUTES),
        decimal("clear_margin", 3),
        reference("department", Target::Department),
        boolean("on_screen"),
        long_text("note"),
    ],
    list: &["name", "source", "village", "refresh_minutes", "warning", "alarm", "department", "on_screen"],
    filters: &["source", "department", "on_screen"],
    sort: Sort::asc("id"),
    place: Place::Township,
    owner_department: "dept.command",
    update_frequency: UpdateFrequency::RealTime,
    sharing: Sharing::Conditional,
    check: Some(check_indicator),
    ..Register::new("sensing", "indicators", "sensing_indicators")
};

/// What an indicator's fields ask of each other: a reading names its station and measurand
/// (and nothing else does), and its levels are coherent ([`check_levels`]).
fn check_indicator(values: &Values) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let reading = code(values, "source") == Some(Source::Reading.as_str());
    for field in ["station", "measurand"] {
        match (reading, values.contains_key(field)) {
            (true, false) => problems.push(FieldError::new(field, ErrorCode::SensingIndicatorStationRequired)),
            (false, true) => problems.push(FieldError::new(field, ErrorCode::SensingIndicatorStationUnused)),
            _ => {}
        }
    }
    problems.extend(check_levels(values, false));
    problems
}

/// What an alarm rule's fields ask of each other: a level at least, coherent levels, and an
/// event's category with the severity it is filed from, each with the other.
pub(super) fn check_rule(values: &Values) -> Vec<FieldError> {
    let mut problems = check_levels(values, true);
    match (values.contains_key("event_from"), values.contains_key("event_category")) {
        (true, false) => problems.push(FieldError::new("event_category", ErrorCode::SensingEventCategoryRequired)),
        (false, true) => problems.push(FieldError::new("event_from", ErrorCode::SensingEventFromRequired)),
        _ => {}
    }
    problems
}

/// The levels of a watched value: a direction when there is a level (a rule needs a level),
/// and an alarm level no milder than the warning level on the bad side.
fn check_levels(values: &Values, level_required: bool) -> Vec<FieldError> {
    let warning = decimal_value(values, "warning");
    let alarm = decimal_value(values, "alarm");
    let direction = code(values, "direction").and_then(Direction::parse);
    let mut problems = Vec::new();
    if warning.is_none() && alarm.is_none() {
        if level_required {
            problems.push(FieldError::new("warning", ErrorCode::SensingLevelRequired));
        }
        return problems;
    }
    let Some(direction) = direction else {
        problems.push(FieldError::new("direction", ErrorCode::SensingDirectionRequired));
        return problems;
    };
    if let (Some(warning), Some(alarm)) = (warning, alarm) {
        let coherent = match direction {
            Direction::Above => alarm >= warning,
            Direction::Below => alarm <= warning,
        };
        if !coherent {
            problems.push(FieldError::new("alarm", ErrorCode::SensingLevelsOrder));
        }
    }
    problems
}

fn code<'a>(values: &'a Values, field: &str) -> Option<&'a str> {
    match values.get(field) {
        Some(Value::Code(code)) => Some(code),
        _ => None,
    }
}

fn decimal_value(values: &Values, field: &str) -> Option<f64> {
    match values.get(field) {
        Some(Value::Decimal(text)) => text.parse().ok(),
        _ => None,
    }
}

/// The unit an indicator's values are shown in: its own, else its source's or measurand's.
pub fn unit_of(unit: &str, source: Source, measurand: Option<Measurand>) -> String {
    if !unit.is_empty() {
        return unit.to_owned();
    }
    match (source, measurand) {
        (Source::Reading, Some(measurand)) => measurand.unit().to_owned(),
        _ => source.unit().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::value::parse_form;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn refused(register: &Register, pairs: &[(&str, &str)]) -> Vec<(String, ErrorCode)> {
        match parse_form(register, &form(pairs)) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    #[test]
    fn a_reading_names_its_station_and_nothing_else_does() {
        let base = [("name", "太湖水位"), ("source", "reading"), ("refresh_minutes", "5")];
        assert_eq!(
            refused(&INDICATORS, &base),
            vec![
                ("station".to_owned(), ErrorCode::SensingIndicatorStationRequired),
                ("measurand".to_owned(), ErrorCode::SensingIndicatorStationRequired),
            ]
        );
        let counted = [("name", "在办事件"), ("source", "events_open"), ("refresh_minutes", "1"), ("measurand", "do")];
        assert_eq!(
            refused(&INDICATORS, &counted),
            vec![("measurand".to_owned(), ErrorCode::SensingIndicatorStationUnused)]
        );
        let plain = [("name", "在办事件"), ("source", "events_open"), ("refresh_minutes", "1")];
        assert_eq!(refused(&INDICATORS, &plain), vec![]);
    }

    #[test]
    fn levels_need_a_direction_and_an_alarm_no_milder_than_the_warning() {
        let base = [("name", "超期事件"), ("source", "events_overdue"), ("refresh_minutes", "1")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            refused(&INDICATORS, &pairs)
        };
        assert_eq!(with(&[("warning", "5")]), vec![("direction".to_owned(), ErrorCode::SensingDirectionRequired)]);
        assert_eq!(
            with(&[("direction", "above"), ("warning", "10"), ("alarm", "5")]),
            vec![("alarm".to_owned(), ErrorCode::SensingLevelsOrder)]
        );
        assert_eq!(with(&[("direction", "above"), ("warning", "5"), ("alarm", "10")]), vec![]);
        assert_eq!(with(&[("direction", "below"), ("warning", "90"), ("alarm", "80")]), vec![]);
        assert_eq!(
            with(&[("direction", "below"), ("warning", "80"), ("alarm", "90")]),
            vec![("alarm".to_owned(), ErrorCode::SensingLevelsOrder)]
        );
    }

    #[test]
    fn a_rule_filed_as_an_event_names_its_category() {
        let base = [("measurand", "pm25"), ("direction", "above"), ("duration_minutes", "60")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            refused(&super::super::RULES, &pairs)
        };
        assert_eq!(with(&[]), vec![("warning".to_owned(), ErrorCode::SensingLevelRequired)]);
        assert_eq!(
            with(&[("alarm", "115"), ("event_from", "alarm")]),
            vec![("event_category".to_owned(), ErrorCode::SensingEventCategoryRequired)]
        );
        assert_eq!(with(&[("alarm", "115")]), vec![]);
    }

    #[test]
    fn the_unit_comes_from_the_indicator_then_its_source() {
        assert_eq!(unit_of("", Source::EventsOpen, None), "件");
        assert_eq!(unit_of("", Source::Reading, Some(Measurand::WaterLevel)), "m");
        assert_eq!(unit_of("个", Source::StationAlarms, None), "个");
    }
}

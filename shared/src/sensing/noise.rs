//! Environmental noise by GB 3096—2008 (声环境质量标准): the equivalent continuous A-weighted
//! sound level a zone may have by day (06:00–22:00) and by night (22:00–06:00), table 1, and
//! by how much a measurement exceeds it.

use chrono::{NaiveTime, Timelike};

crate::code_enum::code_enum! {
    /// The functional zones of clause 4, each with its limits.
    pub enum NoiseZone in "sensing.noise_zone" {
        /// 0 类: rehabilitation and convalescence areas.
        Class0 = "0",
        /// 1 类: housing, health care, education, research, administration.
        Class1 = "1",
        /// 2 类: commerce and markets mixed with housing.
        Class2 = "2",
        /// 3 类: industry and warehousing.
        Class3 = "3",
        /// 4a 类: both sides of highways, urban expressways and arterial roads, inland waterways.
        Class4a = "4a",
        /// 4b 类: both sides of railway main lines.
        Class4b = "4b",
    }
}

crate::code_enum::code_enum! {
    /// Day or night, as the standard divides them; an alarm rule may hold in one of them
    /// only (a noise limit is lower at night).
    #[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
    #[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
    pub enum Period in "code.rule_period" {
        Day = "day",
        Night = "night",
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Period);

impl Period {
    /// The period a local time of day falls in: day from 06:00 up to 22:00 (clause 3.12; a
    /// county may set others, which a deployment would configure).
    pub fn at(local: NaiveTime) -> Self {
        if (6..22).contains(&local.hour()) { Self::Day } else { Self::Night }
    }
}

/// The limit of `zone` in `period`, dB(A) (table 1).
pub fn limit(zone: NoiseZone, period: Period) -> f64 {
    let (day, night) = match zone {
        NoiseZone::Class0 => (50.0, 40.0),
        NoiseZone::Class1 => (55.0, 45.0),
        NoiseZone::Class2 => (60.0, 50.0),
        NoiseZone::Class3 => (65.0, 55.0),
        NoiseZone::Class4a => (70.0, 55.0),
        NoiseZone::Class4b => (70.0, 60.0),
    };
    if period == Period::Day { day } else { night }
}

/// By how many dB(A) a level exceeds its zone's limit (0 within it); `None` for a level that
/// is not a number.
pub fn excess(zone: NoiseZone, period: Period, leq: f64) -> Option<f64> {
    leq.is_finite().then(|| (leq - limit(zone, period)).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn the_day_runs_from_six_to_ten_at_night() {
        assert_eq!(Period::at(at(5, 59)), Period::Night);
        assert_eq!(Period::at(at(6, 0)), Period::Day);
        assert_eq!(Period::at(at(21, 59)), Period::Day);
        assert_eq!(Period::at(at(22, 0)), Period::Night);
    }

    #[test]
    fn each_zone_has_its_day_and_night_limits() {
        let table: Vec<(f64, f64)> =
            NoiseZone::ALL.iter().map(|zone| (limit(*zone, Period::Day), limit(*zone, Period::Night))).collect();
        assert_eq!(table, [(50.0, 40.0), (55.0, 45.0), (60.0, 50.0), (65.0, 55.0), (70.0, 55.0), (70.0, 60.0)]);
        // A street-side reading of 58 dB(A) at night: 3 over in 4a, within in 4b.
        assert_eq!(excess(NoiseZone::Class4a, Period::Night, 58.0), Some(3.0));
        assert_eq!(excess(NoiseZone::Class4b, Period::Night, 58.0), Some(0.0));
        assert_eq!(excess(NoiseZone::Class1, Period::Day, 54.9), Some(0.0));
        assert_eq!(excess(NoiseZone::Class1, Period::Day, f64::NAN), None);
    }
}

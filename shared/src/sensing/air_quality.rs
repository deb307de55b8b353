//! The air quality index by HJ 633—2012 (环境空气质量指数（AQI）技术规定): each pollutant's
//! individual index (IAQI) interpolated linearly between the breakpoints of table 1 and
//! rounded up, the AQI the largest of them, its level from table 2, and the primary pollutant
//! named when the AQI is above 50.

crate::code_enum::code_enum! {
    /// A pollutant and the averaging period its breakpoints are for (µg/m³; CO in mg/m³).
    pub enum Pollutant in "sensing.pollutant" {
        So2Day = "so2_24h",
        /// Above 800 µg/m³ the hourly SO₂ is not indexed: the daily value is (note 2 of table 1).
        So2Hour = "so2_1h",
        No2Day = "no2_24h",
        No2Hour = "no2_1h",
        Pm10Day = "pm10_24h",
        CoDay = "co_24h",
        CoHour = "co_1h",
        O3Hour = "o3_1h",
        /// Above 800 µg/m³ the 8-hour O₃ is not indexed: the hourly value is (note 3).
        O3EightHours = "o3_8h",
        Pm25Day = "pm25_24h",
    }
}

crate::code_enum::code_enum! {
    /// The six levels of table 2.
    pub enum AqiLevel in "sensing.aqi_level" {
        /// 一级 优, 0–50.
        Excellent = "excellent",
        /// 二级 良, 51–100.
        Good = "good",
        /// 三级 轻度污染, 101–150.
        Light = "light",
        /// 四级 中度污染, 151–200.
        Moderate = "moderate",
        /// 五级 重度污染, 201–300.
        Heavy = "heavy",
        /// 六级 严重污染, above 300.
        Severe = "severe",
    }
}

/// The IAQI of each breakpoint column of table 1.
const IAQI: [f64; 8] = [0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0];

/// A pollutant's concentration breakpoints, one for each IAQI of [`IAQI`] (fewer where the
/// table stops).
fn breakpoints(pollutant: Pollutant) -> &'static [f64] {
    use Pollutant::*;
    match pollutant {
        So2Day => &[0.0, 50.0, 150.0, 475.0, 800.0, 1600.0, 2100.0, 2620.0],
        So2Hour => &[0.0, 150.0, 500.0, 650.0, 800.0],
        No2Day => &[0.0, 40.0, 80.0, 180.0, 280.0, 565.0, 750.0, 940.0],
        No2Hour => &[0.0, 100.0, 200.0, 700.0, 1200.0, 2340.0, 3090.0, 3840.0],
        Pm10Day => &[0.0, 50.0, 150.0, 250.0, 350.0, 420.0, 500.0, 600.0],
        CoDay => &[0.0, 2.0, 4.0, 14.0, 24.0, 36.0, 48.0, 60.0],
        CoHour => &[0.0, 5.0, 10.0, 35.0, 60.0, 90.0, 120.0, 150.0],
        O3Hour => &[0.0, 160.0, 200.0, 300.0, 400.0, 800.0, 1000.0, 1200.0],
        O3EightHours => &[0.0, 100.0, 160.0, 215.0, 265.0, 800.0],
        Pm25Day => &[0.0, 35.0, 75.0, 115.0, 150.0, 250.0, 350.0, 500.0],
    }
}

/// The individual index of one concentration, rounded up (HJ 633 5.1). Past the last
/// breakpoint of the full table it is 500, the index's top; past the end of a shortened column
/// (hourly SO₂, 8-hour O₃) and for anything not a concentration, `None`.
pub fn iaqi(pollutant: Pollutant, concentration: f64) -> Option<u16> {
    if !concentration.is_finite() || concentration < 0.0 {
        return None;
    }
    let points = breakpoints(pollutant);
    let Some(upper) = points.iter().position(|bp| concentration <= *bp) else {
        return (points.len() == IAQI.len()).then_some(500);
    };
    if upper == 0 {
        return Some(0);
    }
    let (low, high) = (points[upper - 1], points[upper]);
    let index = (IAQI[upper] - IAQI[upper - 1]) / (high - low) * (concentration - low) + IAQI[upper - 1];
    // Less a hair, so that a breakpoint's own concentration, whose interpolation floating
    // point may put a trillionth above its index (50 / 35 × 35), is not rounded up past it.
    Some((index - 1e-9).ceil() as u16)
}

/// An AQI worked out from a set of concentrations.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Aqi {
    pub value: u16,
    pub level: AqiLevel,
    /// The pollutants with the largest IAQI, when the AQI is above 50 (首要污染物).
    pub primary: Vec<Pollutant>,
}

/// The AQI of the concentrations given (the largest IAQI); `None` when none can be indexed.
pub fn aqi(concentrations: &[(Pollutant, f64)]) -> Option<Aqi> {
    let indexed: Vec<(Pollutant, u16)> =
        concentrations.iter().filter_map(|(pollutant, c)| Some((*pollutant, iaqi(*pollutant, *c)?))).collect();
    let value = indexed.iter().map(|(_, index)| *index).max()?;
    let primary =
        if value > 50 { indexed.iter().filter(|(_, i)| *i == value).map(|(p, _)| *p).collect() } else { Vec::new() };
    Some(Aqi { value, level: level(value), primary })
}

/// The level of an AQI (table 2).
pub fn level(aqi: u16) -> AqiLevel {
    match aqi {
        0..=50 => AqiLevel::Excellent,
        51..=100 => AqiLevel::Good,
        101..=150 => AqiLevel::Light,
        151..=200 => AqiLevel::Moderate,
        201..=300 => AqiLevel::Heavy,
        _ => AqiLevel::Severe,
    }
}

#[cfg(test)]
mod tests {
    use super::Pollutant::*;
    use super::*;

    #[test]
    fn an_individual_index_is_interpolated_and_rounded_up() {
        assert_eq!(iaqi(Pm25Day, 0.0), Some(0));
        assert_eq!(iaqi(Pm25Day, 35.0), Some(50), "a breakpoint gives its own index");
        // 50 + (100 − 50) / (75 − 35) × (52 − 35) = 71.25 → 72.
        assert_eq!(iaqi(Pm25Day, 52.0), Some(72));
        assert_eq!(iaqi(Pm25Day, 115.0), Some(150));
        assert_eq!(iaqi(Pm25Day, 302.0), Some(352));
        assert_eq!(iaqi(No2Day, 40.0), Some(50));
        assert_eq!(iaqi(O3Hour, 160.0), Some(50));
        assert_eq!(iaqi(Pm25Day, 800.0), Some(500), "past the table: the index's top");
        // CO in mg/m³: 100 + 50 / 10 × (5 − 4) = 105.
        assert_eq!(iaqi(CoDay, 5.0), Some(105));
        // The shortened columns stop where the table does.
        assert_eq!(iaqi(So2Hour, 800.0), Some(200));
        assert_eq!(iaqi(So2Hour, 801.0), None);
        assert_eq!(iaqi(O3EightHours, 801.0), None);
        assert_eq!(iaqi(O3Hour, 1300.0), Some(500));
        assert_eq!(iaqi(Pm10Day, f64::INFINITY), None);
        assert_eq!(iaqi(Pm10Day, -3.0), None);
    }

    #[test]
    fn the_aqi_is_the_largest_index_with_its_level_and_primary_pollutant() {
        // A hazy winter day: PM2.5 sets it.
        let day =
            [(Pm25Day, 120.0), (Pm10Day, 160.0), (So2Day, 20.0), (No2Day, 60.0), (CoDay, 1.2), (O3EightHours, 40.0)];
        let found = aqi(&day).expect("an AQI");
        // PM2.5: 150 + 50 / 35 × 5 = 157.1 → 158; PM10: 100 + 50 / 100 × 10 = 105.
        assert_eq!(found, Aqi { value: 158, level: AqiLevel::Moderate, primary: vec![Pm25Day] });
        // A clean day names no primary pollutant.
        let clean = aqi(&[(Pm25Day, 20.0), (Pm10Day, 30.0)]).expect("an AQI");
        assert_eq!((clean.level, clean.primary), (AqiLevel::Excellent, vec![]));
        // Two pollutants at the same index are both primary.
        let tie = aqi(&[(Pm25Day, 75.0), (Pm10Day, 150.0)]).expect("an AQI");
        assert_eq!((tie.value, tie.level, tie.primary), (100, AqiLevel::Good, vec![Pm25Day, Pm10Day]));
        assert_eq!(aqi(&[(So2Hour, 900.0)]), None);
        assert_eq!(
            [0, 50, 51, 100, 101, 150, 151, 200, 201, 300, 301, 500].map(level),
            [
                AqiLevel::Excellent,
                AqiLevel::Excellent,
                AqiLevel::Good,
                AqiLevel::Good,
                AqiLevel::Light,
                AqiLevel::Light,
                AqiLevel::Moderate,
                AqiLevel::Moderate,
                AqiLevel::Heavy,
                AqiLevel::Heavy,
                AqiLevel::Severe,
                AqiLevel::Severe,
            ]
        );
    }
}

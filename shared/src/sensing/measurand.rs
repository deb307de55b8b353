//! What a station measures: each reading is one value of one measurand, in its unit.

use super::air_quality::Pollutant;
use super::water_quality::WaterParameter;

crate::code_enum::code_enum! {
    /// A quantity a field station reports.
    #[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
    #[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
    pub enum Measurand in "sensing.measurand" {
        /// 水位, m above the gauge's datum.
        WaterLevel = "water_level",
        /// 溶解氧, mg/L.
        DissolvedOxygen = "do",
        /// 高锰酸盐指数, mg/L.
        PermanganateIndex = "codmn",
        /// 化学需氧量, mg/L.
        Cod = "cod",
        /// 五日生化需氧量, mg/L.
        Bod5 = "bod5",
        /// 氨氮, mg/L.
        AmmoniaNitrogen = "nh3n",
        /// 总磷, mg/L.
        TotalPhosphorus = "tp",
        /// 总氮, mg/L.
        TotalNitrogen = "tn",
        /// PM2.5, μg/m³.
        Pm25 = "pm25",
        /// PM10, μg/m³.
        Pm10 = "pm10",
        /// 二氧化硫, μg/m³.
        So2 = "so2",
        /// 二氧化氮, μg/m³.
        No2 = "no2",
        /// 一氧化碳, mg/m³.
        Co = "co",
        /// 臭氧, μg/m³.
        O3 = "o3",
        /// 等效声级 Leq, dB(A).
        Noise = "leq",
        /// 在线状态 of a camera or a device: 1 online, 0 offline.
        Online = "online",
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Measurand);

impl Measurand {
    /// Its unit as written beside a value.
    pub const fn unit(self) -> &'static str {
        use Measurand::*;
        match self {
            WaterLevel => "m",
            DissolvedOxygen | PermanganateIndex | Cod | Bod5 | AmmoniaNitrogen | TotalPhosphorus | TotalNitrogen => {
                "mg/L"
            }
            Pm25 | Pm10 | So2 | No2 | O3 => "μg/m³",
            Co => "mg/m³",
            Noise => "dB(A)",
            Online => "",
        }
    }

    /// Its name in the texts the platform writes itself (an alarm's event title), which are
    /// in the township's language; the pages show `sensing.measurand.*` in the reader's.
    pub const fn name_zh(self) -> &'static str {
        use Measurand::*;
        match self {
            WaterLevel => "水位",
            DissolvedOxygen => "溶解氧",
            PermanganateIndex => "高锰酸盐指数",
            Cod => "化学需氧量",
            Bod5 => "五日生化需氧量",
            AmmoniaNitrogen => "氨氮",
            TotalPhosphorus => "总磷",
            TotalNitrogen => "总氮",
            Pm25 => "PM2.5",
            Pm10 => "PM10",
            So2 => "二氧化硫",
            No2 => "二氧化氮",
            Co => "一氧化碳",
            O3 => "臭氧",
            Noise => "等效声级",
            Online => "在线状态",
        }
    }

    /// The GB 3838—2002 parameter it is, for a water-quality station.
    pub const fn water_parameter(self) -> Option<WaterParameter> {
        use Measurand::*;
        Some(match self {
            DissolvedOxygen => WaterParameter::DissolvedOxygen,
            PermanganateIndex => WaterParameter::PermanganateIndex,
            Cod => WaterParameter::Cod,
            Bod5 => WaterParameter::Bod5,
            AmmoniaNitrogen => WaterParameter::AmmoniaNitrogen,
            TotalPhosphorus => WaterParameter::TotalPhosphorus,
            TotalNitrogen => WaterParameter::TotalNitrogen,
            _ => return None,
        })
    }

    /// The HJ 633—2012 column an hourly reading is judged by: the hourly column where the
    /// table has one, else the daily (PM2.5 and PM10 have only daily limits; the real-time
    /// AQI that stations publish reads them so).
    pub const fn pollutant(self) -> Option<Pollutant> {
        use Measurand::*;
        Some(match self {
            Pm25 => Pollutant::Pm25Day,
            Pm10 => Pollutant::Pm10Day,
            So2 => Pollutant::So2Hour,
            No2 => Pollutant::No2Hour,
            Co => Pollutant::CoHour,
            O3 => Pollutant::O3Hour,
            _ => return None,
        })
    }

    /// The largest value a working instrument could report: anything beyond is a broken
    /// reading, refused at the door rather than stored and alarmed on.
    pub const fn plausible_max(self) -> f64 {
        use Measurand::*;
        match self {
            WaterLevel => 100.0,
            DissolvedOxygen | PermanganateIndex | Bod5 | AmmoniaNitrogen | TotalPhosphorus | TotalNitrogen => 1000.0,
            Cod => 10_000.0,
            Pm25 | Pm10 | So2 | No2 | O3 => 10_000.0,
            Co => 1000.0,
            Noise => 200.0,
            Online => 1.0,
        }
    }

    /// The smallest (a water level may be below the gauge's datum).
    pub const fn plausible_min(self) -> f64 {
        match self {
            Measurand::WaterLevel => -100.0,
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_water_parameter_and_pollutant_column_is_reached_by_one_measurand() {
        for parameter in WaterParameter::ALL {
            let n = Measurand::ALL.iter().filter(|m| m.water_parameter() == Some(*parameter)).count();
            assert_eq!(n, 1, "{parameter}");
        }
        for measurand in Measurand::ALL {
            assert!(measurand.plausible_min() < measurand.plausible_max(), "{measurand}");
        }
        assert_eq!(Measurand::parse("nh3n"), Some(Measurand::AmmoniaNitrogen));
        assert_eq!(Measurand::CODES.len(), Measurand::ALL.len());
    }
}

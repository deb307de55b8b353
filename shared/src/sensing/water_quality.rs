//! Surface water quality by GB 3838—2002 (地表水环境质量标准), table 1: each parameter's
//! class is the best class whose limit it meets, and a sample's class is that of its worst
//! parameter (single-factor evaluation, as 地表水环境质量评价办法 does). Worse than class Ⅴ
//! is 劣Ⅴ.

crate::code_enum::code_enum! {
    /// A water quality class, best first.
    pub enum WaterClass in "sensing.water_class" {
        I = "I",
        II = "II",
        III = "III",
        IV = "IV",
        V = "V",
        /// 劣Ⅴ类: worse than every class's limit.
        WorseThanV = "worse_than_v",
    }
}

crate::code_enum::code_enum! {
    /// A parameter of table 1 that a station measures, in mg/L.
    pub enum WaterParameter in "sensing.water_parameter" {
        /// 溶解氧: the only one where more is better.
        DissolvedOxygen = "do",
        /// 高锰酸盐指数.
        PermanganateIndex = "codmn",
        /// 化学需氧量.
        Cod = "cod",
        /// 五日生化需氧量.
        Bod5 = "bod5",
        /// 氨氮 (NH₃-N).
        AmmoniaNitrogen = "nh3n",
        /// 总磷 (as P), with its own limits for lakes and reservoirs.
        TotalPhosphorus = "tp",
        /// 总氮 (as N): judged for lakes and reservoirs only.
        TotalNitrogen = "tn",
    }
}

/// Where the sample is taken: total phosphorus has stricter limits in lakes and reservoirs,
/// and total nitrogen is judged there only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WaterBody {
    River,
    LakeOrReservoir,
}

/// The limits of classes Ⅰ to Ⅴ (table 1): minimums for dissolved oxygen, maximums otherwise.
/// `None`: the parameter is not judged in this kind of water.
fn limits(parameter: WaterParameter, body: WaterBody) -> Option<[f64; 5]> {
    use WaterParameter::*;
    Some(match (parameter, body) {
        (DissolvedOxygen, _) => [7.5, 6.0, 5.0, 3.0, 2.0],
        (PermanganateIndex, _) => [2.0, 4.0, 6.0, 10.0, 15.0],
        (Cod, _) => [15.0, 15.0, 20.0, 30.0, 40.0],
        (Bod5, _) => [3.0, 3.0, 4.0, 6.0, 10.0],
        (AmmoniaNitrogen, _) => [0.15, 0.5, 1.0, 1.5, 2.0],
        (TotalPhosphorus, WaterBody::River) => [0.02, 0.1, 0.2, 0.3, 0.4],
        (TotalPhosphorus, WaterBody::LakeOrReservoir) => [0.01, 0.025, 0.05, 0.1, 0.2],
        (TotalNitrogen, WaterBody::LakeOrReservoir) => [0.2, 0.5, 1.0, 1.5, 2.0],
        (TotalNitrogen, WaterBody::River) => return None,
    })
}

const CLASSES: [WaterClass; 5] = [WaterClass::I, WaterClass::II, WaterClass::III, WaterClass::IV, WaterClass::V];

/// The class of one parameter's value (mg/L); `None` when the parameter is not judged in this
/// kind of water or the value is not a number at all.
pub fn parameter_class(parameter: WaterParameter, body: WaterBody, value: f64) -> Option<WaterClass> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let limits = limits(parameter, body)?;
    let meets = |limit: f64| if parameter == WaterParameter::DissolvedOxygen { value >= limit } else { value <= limit };
    Some(limits.iter().position(|limit| meets(*limit)).map_or(WaterClass::WorseThanV, |i| CLASSES[i]))
}

/// A sample's class: that of its worst judged parameter, with the parameters that set it
/// (the 超标 factors a board names). `None` when no parameter was judged.
pub fn sample_class(body: WaterBody, values: &[(WaterParameter, f64)]) -> Option<(WaterClass, Vec<WaterParameter>)> {
    let judged: Vec<(WaterParameter, WaterClass)> = values
        .iter()
        .filter_map(|(parameter, value)| Some((*parameter, parameter_class(*parameter, body, *value)?)))
        .collect();
    let worst = judged.iter().map(|(_, class)| *class).max()?;
    let setting = judged.iter().filter(|(_, class)| *class == worst).map(|(parameter, _)| *parameter).collect();
    Some((worst, setting))
}

#[cfg(test)]
mod tests {
    use super::WaterParameter::*;
    use super::*;

    #[test]
    fn each_parameter_takes_the_best_class_whose_limit_it_meets() {
        let river = WaterBody::River;
        assert_eq!(parameter_class(AmmoniaNitrogen, river, 0.15), Some(WaterClass::I), "a limit is met at the limit");
        assert_eq!(parameter_class(AmmoniaNitrogen, river, 0.16), Some(WaterClass::II));
        assert_eq!(parameter_class(AmmoniaNitrogen, river, 1.0), Some(WaterClass::III));
        assert_eq!(parameter_class(AmmoniaNitrogen, river, 2.0), Some(WaterClass::V));
        assert_eq!(parameter_class(AmmoniaNitrogen, river, 2.01), Some(WaterClass::WorseThanV));
        // Classes Ⅰ and Ⅱ share the COD limit: 15 mg/L is class Ⅰ.
        assert_eq!(parameter_class(Cod, river, 15.0), Some(WaterClass::I));
        assert_eq!(parameter_class(Cod, river, 15.1), Some(WaterClass::III));
        // Dissolved oxygen: more is better.
        assert_eq!(parameter_class(DissolvedOxygen, river, 8.0), Some(WaterClass::I));
        assert_eq!(parameter_class(DissolvedOxygen, river, 5.0), Some(WaterClass::III));
        assert_eq!(parameter_class(DissolvedOxygen, river, 1.9), Some(WaterClass::WorseThanV));
        // Total phosphorus is stricter in a lake; total nitrogen is judged only there.
        assert_eq!(parameter_class(TotalPhosphorus, river, 0.05), Some(WaterClass::II));
        assert_eq!(parameter_class(TotalPhosphorus, WaterBody::LakeOrReservoir, 0.05), Some(WaterClass::III));
        assert_eq!(parameter_class(TotalNitrogen, river, 3.0), None);
        assert_eq!(parameter_class(TotalNitrogen, WaterBody::LakeOrReservoir, 3.0), Some(WaterClass::WorseThanV));
        assert_eq!(parameter_class(Cod, river, f64::NAN), None);
        assert_eq!(parameter_class(Cod, river, -1.0), None);
    }

    #[test]
    fn a_sample_is_as_good_as_its_worst_parameter() {
        let sample =
            [(DissolvedOxygen, 6.2), (PermanganateIndex, 4.5), (AmmoniaNitrogen, 0.9), (TotalPhosphorus, 0.18)];
        assert_eq!(
            sample_class(WaterBody::River, &sample),
            Some((WaterClass::III, vec![PermanganateIndex, AmmoniaNitrogen, TotalPhosphorus]))
        );
        let polluted = [(DissolvedOxygen, 6.2), (AmmoniaNitrogen, 2.6), (TotalNitrogen, 9.0)];
        assert_eq!(sample_class(WaterBody::River, &polluted), Some((WaterClass::WorseThanV, vec![AmmoniaNitrogen])));
        assert_eq!(sample_class(WaterBody::River, &[(TotalNitrogen, 1.0)]), None);
    }
}

//! Deterministic demo data: a realistic but fictional township, 梅李湾镇 near Changshu,
//! Jiangsu, with villages, grids, roads, rivers, houses, residents and enterprises.
//!
//! [`generate`] is pure: a seed always gives the same township, on every platform (the
//! generator carries its own PRNG and uses exactly rounded float operations only).
//! [`seed::seed`] writes a generated township to the database in one transaction.

pub mod accounts;
pub mod enterprises;
pub mod events;
pub mod geography;
pub mod maintenance;
pub mod names;
pub mod office;
pub mod party;
pub mod people;
pub mod registers;
pub mod rng;
pub mod seed;
pub mod sensing;

pub use enterprises::DemoEnterprise;
pub use geography::{DemoGrid, DemoLine, DemoVillage, LineKind, Point, VillageKind};
pub use people::{DemoHouse, DemoResident, Gender};

/// Administrative division code of the (fictional) township.
pub const TOWNSHIP_CODE: &str = "320581115";
pub const TOWNSHIP_NAME: &str = "梅李湾镇";
/// The name without 镇, as used in company names ("常熟梅李湾…有限公司").
pub const TOWNSHIP_STEM: &str = "梅李湾";
pub const COUNTY: &str = "常熟市";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoOptions {
    pub seed: u64,
    /// Multiplies the number of houses, residents and enterprises (not villages or
    /// grids): 1.0 gives about 6,500 houses, 20,000 residents and 500 enterprises.
    pub scale: f64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self { seed: 20241107, scale: 1.0 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoTownship {
    pub code: String,
    pub name: String,
    pub county: String,
    pub centre: Point,
    /// Outer ring of the township, closed and counter-clockwise (one polygon).
    pub boundary: Vec<Point>,
    pub villages: Vec<DemoVillage>,
    /// Four per village; `DemoGrid::village` indexes `villages`.
    pub grids: Vec<DemoGrid>,
    /// Roads and water courses.
    pub lines: Vec<DemoLine>,
    pub houses: Vec<DemoHouse>,
    /// `DemoResident::house` indexes `houses`.
    pub residents: Vec<DemoResident>,
    pub enterprises: Vec<DemoEnterprise>,
}

/// `base × scale`, rounded; 0 for a negative or undefined scale.
fn scaled(base: f64, scale: f64) -> usize {
    if scale.is_finite() && scale > 0.0 { (base * scale).round() as usize } else { 0 }
}

/// Generates the demo township. Pure: no database, no clock, no global randomness.
pub fn generate(options: &DemoOptions) -> DemoTownship {
    let geo = geography::generate(options.seed);
    let houses = people::houses(&geo, scaled(people::HOUSES_PER_SCALE, options.scale), options.seed);
    let residents = people::residents(&houses, options.seed);
    let enterprises = enterprises::enterprises(
        &geo,
        &houses,
        &residents,
        scaled(enterprises::ENTERPRISES_PER_SCALE, options.scale),
        options.seed,
    );
    DemoTownship {
        code: TOWNSHIP_CODE.to_string(),
        name: TOWNSHIP_NAME.to_string(),
        county: COUNTY.to_string(),
        centre: geography::CENTRE,
        boundary: geo.boundary,
        villages: geo.villages,
        grids: geo.grids,
        lines: geo.lines,
        houses,
        residents,
        enterprises,
    }
}

#[cfg(test)]
mod tests;

//! Businesses: limited companies (mostly in the villages' industrial land), sole
//! proprietorships (个体工商户, mostly shops in the communities) and farmers' cooperatives,
//! each with a unique, valid GB 32100 unified social credit code.

use std::collections::HashSet;

use super::geography::{Geography, Point, VillageKind};
use super::names;
use super::people::{self, DemoHouse, DemoResident, Gender};
use super::rng::Rng;

/// Enterprises at scale 1.0.
pub const ENTERPRISES_PER_SCALE: f64 = 500.0;

#[derive(Debug, Clone, PartialEq)]
pub struct DemoEnterprise {
    /// Indexes into `DemoTownship::villages` and `::grids`.
    pub village: usize,
    pub grid: usize,
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    pub legal_person: String,
    pub employees: i32,
    pub address: String,
    pub location: Point,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Company,
    SoleProprietorship,
    Cooperative,
}

impl Form {
    /// Position 2 of the credit code under registration authority 9 (市场监管).
    fn category(self) -> char {
        match self {
            Self::Company => '1',
            Self::SoleProprietorship => '2',
            Self::Cooperative => '3',
        }
    }
}

/// GB 11714 organisation code (positions 9-17 of a credit code): eight body characters and
/// a check character. Codes issued since 2015 start with "MA".
fn organisation_code(rng: &mut Rng, modern: bool) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut body = String::new();
    if modern {
        body.push_str("MA");
        for _ in 0..6 {
            body.push(char::from(*rng.pick(CHARS)));
        }
    } else {
        body.push_str(&format!("{:08}", rng.below(100_000_000)));
    }
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(36).unwrap_or(0) * w).sum();
    let check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    };
    body.push(check);
    body
}

fn credit_code(rng: &mut Rng, form: Form, taken: &mut HashSet<String>) -> String {
    loop {
        let modern = form != Form::Company || rng.chance(0.6);
        let first17 = format!("9{}{}{}", form.category(), people::REGION_CODE, organisation_code(rng, modern));
        let check = shared::codes::credit_code::check_digit(&first17).expect("17 code characters");
        let code = format!("{first17}{check}");
        if taken.insert(code.clone()) {
            return code;
        }
    }
}

/// A trade name (字号): two characters, three once the two-character ones run short.
fn trade_name(rng: &mut Rng, attempt: usize) -> String {
    let mut chars = vec![*rng.pick(&names::TRADE_FIRST)];
    while chars.len() < if attempt >= 30 { 3 } else { 2 } {
        let next = *rng.pick(&names::TRADE_SECOND);
        if !chars.contains(&next) {
            chars.push(next);
        }
    }
    let mut name = chars.concat();
    if attempt >= 5000 {
        name.push_str(&attempt.to_string());
    }
    name
}

/// The first name `make` produces that is not taken yet.
fn unique(rng: &mut Rng, taken: &mut HashSet<String>, mut make: impl FnMut(&mut Rng, usize) -> String) -> String {
    for attempt in 0.. {
        let candidate = make(rng, attempt);
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    unreachable!("the attempts never run out")
}

fn employees(rng: &mut Rng, form: Form) -> i32 {
    let n = match form {
        Form::Company => match rng.weighted(&[55, 30, 12, 3]) {
            0 => rng.between(3, 19),
            1 => rng.between(20, 99),
            2 => rng.between(100, 299),
            _ => rng.between(300, 1200),
        },
        Form::SoleProprietorship => rng.weighted(&[40, 30, 15, 10, 5]) as u32 + 1,
        Form::Cooperative => rng.between(5, 40),
    };
    n as i32
}

fn weights<const N: usize>(table: &[(&str, u32, &[&str]); N]) -> [u32; N] {
    table.map(|(_, w, _)| w)
}

pub fn enterprises(
    geo: &Geography,
    houses: &[DemoHouse],
    residents: &[DemoResident],
    total: usize,
    seed: u64,
) -> Vec<DemoEnterprise> {
    let mut rng = Rng::stream(seed, "enterprises");
    // Legal persons are residents aged 25 to 70, of the same village where possible.
    let mut adults: Vec<Vec<usize>> = vec![Vec::new(); geo.villages.len()];
    for (i, r) in residents.iter().enumerate() {
        if (25..=70).contains(&people::age(r.birth_date)) {
            adults[houses[r.house].village].push(i);
        }
    }
    let community = |grid: usize| geo.villages[geo.grids[grid].village].kind == VillageKind::Community;
    let grid_weights = |form: Form| -> Vec<u32> {
        (0..geo.grids.len())
            .map(|g| match (form, community(g)) {
                (Form::Company, true) | (Form::SoleProprietorship, false) => 1,
                (Form::Company, false) => 3,
                (Form::SoleProprietorship, true) => 4,
                (Form::Cooperative, true) => 0,
                (Form::Cooperative, false) => 1,
            })
            .collect()
    };
    let weights_by_form = [Form::Company, Form::SoleProprietorship, Form::Cooperative].map(|f| (f, grid_weights(f)));
    let (mut codes, mut names_taken, mut addresses) = (HashSet::new(), HashSet::new(), HashSet::new());
    let mut out = Vec::with_capacity(total);
    for _ in 0..total {
        let (form, grid_weights) = &weights_by_form[rng.weighted(&[60, 30, 10])];
        let form = *form;
        let grid = rng.weighted(grid_weights);
        let village = geo.grids[grid].village;
        let village_name = &geo.villages[village].name;
        let legal_person = match (adults[village].is_empty(), adults.iter().all(Vec::is_empty)) {
            (false, _) => residents[*rng.pick(&adults[village])].name.clone(),
            (true, false) => {
                let all: Vec<&usize> = adults.iter().flatten().collect();
                residents[**rng.pick(&all)].name.clone()
            }
            (true, true) => {
                let year = people::REFERENCE_YEAR - rng.between(25, 70) as i32;
                let gender = if rng.chance(0.7) { Gender::Male } else { Gender::Female };
                people::random_name(&mut rng, gender, year)
            }
        };
        let (name, industry) = match form {
            Form::Company => {
                let (industry, _, suffixes) = names::INDUSTRIES[rng.weighted(&weights(&names::INDUSTRIES))];
                let name = unique(&mut rng, &mut names_taken, |rng, attempt| {
                    format!("常熟{}{}{}", super::TOWNSHIP_STEM, trade_name(rng, attempt), rng.pick(suffixes))
                });
                (name, industry)
            }
            Form::SoleProprietorship => {
                let (industry, _, shops) = names::SHOPS[rng.weighted(&weights(&names::SHOPS))];
                let surname: String = legal_person.chars().take(1).collect();
                let name = unique(&mut rng, &mut names_taken, |rng, attempt| {
                    let shop = rng.pick(shops);
                    if attempt < 3 && rng.chance(0.3) {
                        format!("常熟市{}老{surname}{shop}", super::TOWNSHIP_NAME)
                    } else {
                        format!("常熟市{}{}{shop}", super::TOWNSHIP_NAME, trade_name(rng, attempt))
                    }
                });
                (name, industry)
            }
            Form::Cooperative => {
                let name = unique(&mut rng, &mut names_taken, |rng, attempt| {
                    let what = rng.pick(&names::COOPERATIVES);
                    let place = if attempt < 5 { village_name.clone() } else { trade_name(rng, attempt) };
                    format!("常熟市{}{place}{what}专业合作社", super::TOWNSHIP_NAME)
                });
                (name, "现代农业")
            }
        };
        let streets: &[&str] = match geo.villages[village].kind {
            VillageKind::Community => {
                let c = geo.villages[..village].iter().filter(|v| v.kind == VillageKind::Community).count();
                names::COMMUNITY_STREETS[c % names::COMMUNITY_STREETS.len()]
            }
            VillageKind::Village => &names::VILLAGE_ROADS,
        };
        let address = unique(&mut rng, &mut addresses, |rng, attempt| {
            let number = rng.between(1, 300 + 10 * attempt as u32);
            format!("{}{village_name}{}{number}号", super::TOWNSHIP_NAME, rng.pick(streets))
        });
        out.push(DemoEnterprise {
            village,
            grid,
            name,
            credit_code: credit_code(&mut rng, form, &mut codes),
            industry: industry.to_string(),
            legal_person,
            employees: employees(&mut rng, form),
            address,
            location: geo.grids[grid].random_point(&mut rng),
        });
    }
    out
}

//! Houses (one household each) and the residents living in them.
//!
//! Village houses cluster in hamlets (村民小组, "12组"); community households live in
//! six-storey blocks of flats in residential compounds ("建设路18号3幢502室"). Residents
//! come as families with a realistic age pyramid, GB 11643 ID numbers with valid check
//! digits, unique in the township, and fictional mobile numbers.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use super::geography::{DemoGrid, Geography, Point, VillageKind};
use super::names;
use super::rng::Rng;

/// Households at scale 1.0 (about 3.1 residents each).
pub const HOUSES_PER_SCALE: f64 = 6500.0;
/// Ages are as of this date.
pub const REFERENCE_YEAR: i32 = 2026;
/// GB/T 2260 code of 常熟市, the first six digits of residents' ID numbers.
pub const REGION_CODE: &str = "320581";

#[derive(Debug, Clone, PartialEq)]
pub struct DemoHouse {
    /// Indexes into `DemoTownship::villages` and `::grids`.
    pub village: usize,
    pub grid: usize,
    pub address: String,
    pub location: Point,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// The value of `residents.gender`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoResident {
    /// Index into `DemoTownship::houses`.
    pub house: usize,
    pub name: String,
    pub id_number: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub phone: String,
}

/// How many houses each grid gets: communities are denser than villages. Largest
/// remainder, so the counts add up to `total` exactly.
fn allocate(geo: &Geography, total: usize, rng: &mut Rng) -> Vec<usize> {
    let weights: Vec<u64> = geo
        .grids
        .iter()
        .map(|g| match geo.villages[g.village].kind {
            VillageKind::Community => u64::from(rng.between(160, 240)),
            VillageKind::Village => u64::from(rng.between(70, 130)),
        })
        .collect();
    let sum: u64 = weights.iter().sum();
    let total = total as u64;
    let mut counts: Vec<usize> = weights.iter().map(|w| (total * w / sum) as usize).collect();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    by_remainder.sort_by_key(|&i| (std::cmp::Reverse(total * weights[i] % sum), i));
    let missing = total as usize - counts.iter().sum::<usize>();
    for &i in by_remainder.iter().take(missing) {
        counts[i] += 1;
    }
    counts
}

pub fn houses(geo: &Geography, total: usize, seed: u64) -> Vec<DemoHouse> {
    let mut rng = Rng::stream(seed, "houses");
    let counts = allocate(geo, total, &mut rng);
    let mut houses = Vec::with_capacity(total);
    // Compound street numbers already used, per community.
    let mut numbers: HashSet<(usize, &str, u32)> = HashSet::new();
    for (index, (grid, &count)) in geo.grids.iter().zip(&counts).enumerate() {
        let village = &geo.villages[grid.village];
        match village.kind {
            VillageKind::Village => village_houses(grid, index, &village.name, count, &mut rng, &mut houses),
            VillageKind::Community => {
                let community =
                    geo.villages[..grid.village].iter().filter(|v| v.kind == VillageKind::Community).count();
                let streets = names::COMMUNITY_STREETS[community % names::COMMUNITY_STREETS.len()];
                let mut compounds = Vec::new();
                for k in 0..count {
                    // 6 blocks of 12 flats (6 floors × 2 per floor) per compound.
                    let (compound, block, flat) = (k / 72, k % 72 / 12, k % 12);
                    if compound == compounds.len() {
                        let street = *rng.pick(streets);
                        let (mut limit, mut number) = (199, rng.between(1, 199));
                        while !numbers.insert((grid.village, street, number)) {
                            limit += 10;
                            number = rng.between(1, limit);
                        }
                        let centre = (rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8));
                        let blocks: Vec<Point> = (0..6).map(|_| grid.point_near(&mut rng, centre, 0.04)).collect();
                        compounds.push((street, number, blocks));
                    }
                    let (street, number, blocks) = &compounds[compound];
                    houses.push(DemoHouse {
                        village: grid.village,
                        grid: index,
                        address: format!(
                            "{}{}{street}{number}号{}幢{}0{}室",
                            super::TOWNSHIP_NAME,
                            village.name,
                            block + 1,
                            flat / 2 + 1,
                            flat % 2 + 1
                        ),
                        location: blocks[block],
                    });
                }
            }
        }
    }
    houses
}

/// Five hamlets (村民小组) per village grid, numbered through the village; houses
/// scattered around the hamlet's centre and numbered within it.
fn village_houses(grid: &DemoGrid, index: usize, village: &str, count: usize, rng: &mut Rng, out: &mut Vec<DemoHouse>) {
    const HAMLETS: usize = 5;
    let hamlets: Vec<(f64, f64)> = (0..HAMLETS).map(|_| (rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85))).collect();
    let mut next_number = [1u32; HAMLETS];
    for _ in 0..count {
        let h = rng.below(HAMLETS);
        let group = (grid.number - 1) * HAMLETS + h + 1;
        out.push(DemoHouse {
            village: grid.village,
            grid: index,
            address: format!("{}{village}{group}组{}号", super::TOWNSHIP_NAME, next_number[h]),
            location: grid.point_near(rng, hamlets[h], 0.07),
        });
        next_number[h] += 1;
    }
}

/// One member of a household before names and numbers are drawn.
struct Member {
    age: u32,
    gender: Gender,
    /// Carries the household's surname (the head, the children, the head's father);
    /// wives and mothers keep their own, as in China.
    family_surname: bool,
}

fn member(age: u32, gender: Gender, family_surname: bool) -> Member {
    Member { age: age.min(95), gender, family_surname }
}

fn random_gender(rng: &mut Rng, male_share: f64) -> Gender {
    if rng.chance(male_share) { Gender::Male } else { Gender::Female }
}

/// Age of a child of a mother aged `mother` (0..=3 if she would have been too young).
fn child_age(rng: &mut Rng, mother: u32) -> u32 {
    mother.checked_sub(rng.between(23, 33)).unwrap_or_else(|| rng.between(0, 3))
}

/// A married couple: husband heads the household.
fn couple(rng: &mut Rng, head_age: u32) -> [Member; 2] {
    let wife = head_age.saturating_sub(rng.between(0, 4)).max(20);
    [member(head_age, Gender::Male, true), member(wife, Gender::Female, false)]
}

/// A parent of the head, living with the family (more often a widowed mother).
fn grandparent(rng: &mut Rng, head_age: u32) -> Member {
    let mut age = head_age + rng.between(24, 32);
    if age > 95 {
        age = rng.between(85, 95);
    }
    let gender = random_gender(rng, 0.35);
    member(age, gender, gender == Gender::Male)
}

/// A household of 1 to 5 people, head first.
fn household(rng: &mut Rng) -> Vec<Member> {
    let size = rng.weighted(&[10, 22, 30, 23, 15]) + 1;
    match size {
        1 if rng.chance(0.7) => {
            let age = 65 + rng.between(0, 15) + rng.between(0, 15);
            vec![member(age, random_gender(rng, 0.4), true)]
        }
        1 => vec![member(rng.between(20, 45), random_gender(rng, 0.6), true)],
        2 if rng.chance(0.65) => {
            let head = rng.between(58, 88);
            couple(rng, head).into()
        }
        2 => {
            let head = rng.between(23, 38);
            couple(rng, head).into()
        }
        3 => {
            let head = rng.between(28, 66);
            let [h, w] = couple(rng, head);
            let child = child_age(rng, w.age);
            vec![h, w, member(child, random_gender(rng, 0.515), true)]
        }
        4 if rng.chance(0.5) => {
            let head = rng.between(30, 50);
            let [h, w] = couple(rng, head);
            let first = child_age(rng, w.age);
            let second = first.saturating_sub(rng.between(2, 8));
            let (g1, g2) = (random_gender(rng, 0.515), random_gender(rng, 0.515));
            vec![h, w, member(first, g1, true), member(second, g2, true)]
        }
        4 => {
            let head = rng.between(28, 60);
            let [h, w] = couple(rng, head);
            let child = child_age(rng, w.age);
            let g = random_gender(rng, 0.515);
            let parent = grandparent(rng, head);
            vec![h, w, member(child, g, true), parent]
        }
        _ if rng.chance(0.5) => {
            let head = rng.between(28, 50);
            let [h, w] = couple(rng, head);
            let child = child_age(rng, w.age);
            let g = random_gender(rng, 0.515);
            let father = head + rng.between(24, 32);
            let [gf, gm] = couple(rng, father.min(95));
            vec![h, w, member(child, g, true), gf, gm]
        }
        _ => {
            let head = rng.between(30, 50);
            let [h, w] = couple(rng, head);
            let first = child_age(rng, w.age);
            let second = first.saturating_sub(rng.between(2, 8));
            let (g1, g2) = (random_gender(rng, 0.515), random_gender(rng, 0.515));
            let parent = grandparent(rng, head);
            vec![h, w, member(first, g1, true), member(second, g2, true), parent]
        }
    }
}

fn surname(rng: &mut Rng) -> &'static str {
    const WEIGHTS: [u32; names::SURNAMES.len()] = {
        let mut w = [0; names::SURNAMES.len()];
        let mut i = 0;
        while i < w.len() {
            w[i] = names::SURNAMES[i].1;
            i += 1;
        }
        w
    };
    names::SURNAMES[rng.weighted(&WEIGHTS)].0
}

/// A given name in fashion in the year of birth.
fn given_name(rng: &mut Rng, gender: Gender, birth_year: i32) -> &'static str {
    let cohort = match birth_year {
        ..1960 => 0,
        1960..1990 => 1,
        _ => 2,
    };
    let lists = match gender {
        Gender::Male => names::MALE_GIVEN,
        Gender::Female => names::FEMALE_GIVEN,
    };
    let list = lists[cohort];
    list[rng.below(list.len())]
}

/// A full name for someone not generated as a resident.
pub fn random_name(rng: &mut Rng, gender: Gender, birth_year: i32) -> String {
    let family = surname(rng);
    format!("{family}{}", given_name(rng, gender, birth_year))
}

fn birth_date(rng: &mut Rng, age: u32) -> NaiveDate {
    let year = REFERENCE_YEAR - 1 - age as i32;
    NaiveDate::from_yo_opt(year, rng.between(1, 365)).expect("every year has 365 days")
}

/// A GB 11643 number unique among `taken`: region, birth date, a sequence number whose
/// last digit is odd for men and even for women, and the check digit.
fn id_number(rng: &mut Rng, birth: NaiveDate, gender: Gender, taken: &mut HashSet<String>) -> String {
    let parity = match gender {
        Gender::Male => 1,
        Gender::Female => 0,
    };
    let mut birth = birth;
    loop {
        let stem = format!("{REGION_CODE}{}", birth.format("%Y%m%d"));
        // Random first, then every sequence number in turn if that day is crowded.
        let random = (0..20).map(|_| rng.between(0, 499));
        for seq in random.chain(0..500).map(|s| s * 2 + parity).filter(|&s| s > 0) {
            let first17 = format!("{stem}{seq:03}");
            let check = shared::codes::id_number::check_digit(&first17).expect("17 digits");
            let number = format!("{first17}{check}");
            if taken.insert(number.clone()) {
                return number;
            }
        }
        birth = birth.pred_opt().unwrap_or(birth);
    }
}

/// A fictional mobile number not in `taken`.
pub fn phone(rng: &mut Rng, taken: &mut HashSet<String>) -> String {
    loop {
        let number = format!("{}{:08}", rng.pick(&names::MOBILE_PREFIXES), rng.below(100_000_000));
        if taken.insert(number.clone()) {
            return number;
        }
    }
}

/// Residents of every house, households in house order, each head first.
pub fn residents(houses: &[DemoHouse], seed: u64) -> Vec<DemoResident> {
    let mut rng = Rng::stream(seed, "residents");
    let mut ids = HashSet::new();
    let mut phones = HashSet::new();
    let mut residents = Vec::with_capacity(houses.len() * 3);
    for house in 0..houses.len() {
        let family = surname(&mut rng);
        let mut head_phone = String::new();
        for (k, m) in household(&mut rng).into_iter().enumerate() {
            let birth = birth_date(&mut rng, m.age);
            let surname = if m.family_surname { family } else { surname(&mut rng) };
            let name = format!("{surname}{}", given_name(&mut rng, m.gender, birth.year()));
            let id_number = id_number(&mut rng, birth, m.gender, &mut ids);
            // Children under 16 are reached through the head of the household.
            let phone = if age(birth) < 16 && k > 0 { head_phone.clone() } else { phone(&mut rng, &mut phones) };
            if k == 0 {
                head_phone = phone.clone();
            }
            residents.push(DemoResident { house, name, id_number, gender: m.gender, birth_date: birth, phone });
        }
    }
    residents
}

/// Whole years of age on 1 January of [`REFERENCE_YEAR`].
pub fn age(birth: NaiveDate) -> i32 {
    let reference = NaiveDate::from_ymd_opt(REFERENCE_YEAR, 1, 1).expect("valid date");
    reference.years_since(birth).map_or(0, |y| y as i32)
}

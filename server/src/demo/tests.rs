//! Tests of the generated township as a whole (the geometry's own are in `geography`).

use std::collections::HashSet;
use std::sync::OnceLock;

use super::geography::{CENTRE, contains, ring_area, strictly_inside};
use super::*;

/// The default township, generated once for all tests.
fn town() -> &'static DemoTownship {
    static TOWN: OnceLock<DemoTownship> = OnceLock::new();
    TOWN.get_or_init(|| generate(&DemoOptions::default()))
}

/// GB 11643 check digit, independently of `shared`.
fn id_check(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).expect("digit") * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// GB 32100 check character, independently of `shared`.
fn credit_check(first17: &str) -> char {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = first17.chars().zip(WEIGHTS).map(|(c, w)| ALPHABET.find(c).expect("code character") * w).sum();
    ALPHABET.as_bytes()[(31 - sum % 31) % 31] as char
}

#[test]
fn check_digit_references() {
    // The example of GB 11643-1999 and a published business licence.
    assert_eq!(id_check("11010519491231002"), 'X');
    assert_eq!(credit_check("91350100M000100Y4"), '3');
}

#[test]
fn same_seed_same_township() {
    let small = DemoOptions { seed: 42, scale: 0.2 };
    assert_eq!(generate(&small), generate(&small));
    assert_eq!(&generate(&DemoOptions::default()), town());
    let other = generate(&DemoOptions { seed: 43, scale: 0.2 });
    assert_ne!(generate(&small).residents, other.residents);
}

#[test]
fn counts_follow_the_scale() {
    let t = town();
    assert_eq!((t.villages.len(), t.grids.len()), (10, 40));
    assert_eq!(t.houses.len(), 6500);
    assert_eq!(t.enterprises.len(), 500);
    assert!((18_000..=22_000).contains(&t.residents.len()), "{}", t.residents.len());
    let small = generate(&DemoOptions { seed: 20241107, scale: 0.1 });
    assert_eq!((small.villages.len(), small.grids.len()), (10, 40));
    assert_eq!(small.houses.len(), 650);
    assert_eq!(small.enterprises.len(), 50);
    assert!((1_800..=2_200).contains(&small.residents.len()), "{}", small.residents.len());
    let empty = generate(&DemoOptions { seed: 1, scale: 0.0 });
    assert!(empty.houses.is_empty() && empty.residents.is_empty() && empty.enterprises.is_empty());
}

#[test]
fn township_contains_its_centre() {
    let t = town();
    assert_eq!(t.centre, CENTRE);
    assert!(strictly_inside(&t.boundary, t.centre));
    assert_eq!(t.grids.iter().filter(|g| contains(&g.boundary, t.centre)).count(), 1);
    assert!(ring_area(&t.boundary) > 0.0);
}

#[test]
fn points_lie_inside_their_grids() {
    let t = town();
    for h in &t.houses {
        let grid = &t.grids[h.grid];
        assert_eq!(grid.village, h.village);
        assert!(strictly_inside(&grid.boundary, h.location), "{}", h.address);
        assert!(h.address.starts_with(&format!("梅李湾镇{}", t.villages[h.village].name)));
    }
    for e in &t.enterprises {
        let grid = &t.grids[e.grid];
        assert_eq!(grid.village, e.village);
        assert!(strictly_inside(&grid.boundary, e.location), "{}", e.name);
    }
}

#[test]
fn addresses_are_unique() {
    let t = town();
    let houses: HashSet<_> = t.houses.iter().map(|h| &h.address).collect();
    assert_eq!(houses.len(), t.houses.len());
    let names: HashSet<_> = t.enterprises.iter().map(|e| &e.name).collect();
    assert_eq!(names.len(), t.enterprises.len());
    let addresses: HashSet<_> = t.enterprises.iter().map(|e| &e.address).collect();
    assert_eq!(addresses.len(), t.enterprises.len());
}

#[test]
fn id_numbers_are_valid_and_unique() {
    let t = town();
    let mut seen = HashSet::new();
    for r in &t.residents {
        let id = &r.id_number;
        assert_eq!(id.len(), 18, "{id}");
        assert!(id.starts_with("320581"), "{id}");
        assert_eq!(id.chars().last(), Some(id_check(&id[..17])), "{id}");
        assert_eq!(&id[6..14], r.birth_date.format("%Y%m%d").to_string(), "{id}");
        let sequence_odd = id[16..17].parse::<u32>().expect("digit") % 2 == 1;
        assert_eq!(sequence_odd, r.gender == Gender::Male, "{id}");
        assert_eq!(shared::codes::id_number::check_digit(&id[..17]), id.chars().last());
        assert!(seen.insert(id), "duplicate {id}");
        assert!(r.house < t.houses.len());
        assert!((2..=4).contains(&r.name.chars().count()), "{}", r.name);
    }
}

#[test]
fn credit_codes_are_valid_and_unique() {
    let t = town();
    let mut seen = HashSet::new();
    for e in &t.enterprises {
        let code = &e.credit_code;
        assert_eq!(code.len(), 18, "{code}");
        assert!(code.starts_with("91320581") || code.starts_with("92320581") || code.starts_with("93320581"), "{code}");
        assert_eq!(code.chars().last(), Some(credit_check(&code[..17])), "{code}");
        assert_eq!(shared::codes::credit_code::check_digit(&code[..17]), code.chars().last());
        assert!(seen.insert(code), "duplicate {code}");
        assert!(e.employees >= 1);
        assert!(!e.legal_person.is_empty());
    }
    let industries: HashSet<_> = t.enterprises.iter().map(|e| e.industry.as_str()).collect();
    assert_eq!(industries.len(), 8, "{industries:?}");
    let small = t.enterprises.iter().filter(|e| e.employees < 20).count();
    assert!(small * 2 > t.enterprises.len(), "most enterprises are small");
}

#[test]
fn phones_are_mobile_numbers() {
    let t = town();
    for r in &t.residents {
        let p = r.phone.as_bytes();
        assert!(
            p.len() == 11 && p[0] == b'1' && (b'3'..=b'9').contains(&p[1]) && p.iter().all(u8::is_ascii_digit),
            "{}",
            r.phone
        );
    }
    // Adults have numbers of their own.
    let adults: Vec<_> = t.residents.iter().filter(|r| people::age(r.birth_date) >= 16).collect();
    let distinct: HashSet<_> = adults.iter().map(|r| &r.phone).collect();
    assert_eq!(distinct.len(), adults.len());
}

#[test]
fn ages_form_a_plausible_pyramid() {
    let t = town();
    let ages: Vec<i32> = t.residents.iter().map(|r| people::age(r.birth_date)).collect();
    assert!(ages.iter().all(|a| (0..=96).contains(a)));
    let share = |range: std::ops::RangeInclusive<i32>| {
        ages.iter().filter(|a| range.contains(a)).count() as f64 / ages.len() as f64
    };
    let (children, working, old) = (share(0..=14), share(15..=59), share(60..=96));
    assert!((0.08..0.22).contains(&children), "{children}");
    assert!((0.45..0.70).contains(&working), "{working}");
    assert!((0.18..0.40).contains(&old), "{old}");
    let men = t.residents.iter().filter(|r| r.gender == Gender::Male).count() as f64 / ages.len() as f64;
    assert!((0.45..0.55).contains(&men), "{men}");
}

#[test]
fn families_share_a_surname() {
    let t = town();
    let mut by_house = vec![Vec::new(); t.houses.len()];
    for r in &t.residents {
        by_house[r.house].push(r);
    }
    for members in &by_house {
        assert!((1..=5).contains(&members.len()));
        let family = members[0].name.chars().next();
        // Everyone is the head's relative: children carry the head's surname.
        for m in members.iter().skip(1) {
            if people::age(m.birth_date) < 16 {
                assert_eq!(m.name.chars().next(), family);
                assert_eq!(m.phone, members[0].phone);
            }
        }
    }
}

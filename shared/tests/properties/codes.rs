//! The standard codes (GB 11643 ID numbers, GB 32100 credit codes, mobile numbers) and the
//! public tracking codes: every generated valid code is accepted, every code one character
//! off is refused, and nothing panics. Valid codes are made here with check characters
//! computed from the standards' definitions, not with the functions under test.

use chrono::NaiveDate;
use proptest::prelude::*;
use shared::codes::{credit_code, id_number, mobile};
use shared::events::tracking;

use super::cases;

/// GB 11643 / ISO 7064 MOD 11-2, from its definition: weights 2^(17-i) mod 11, and the
/// check value (12 - sum mod 11) mod 11, where 10 is written `X`.
fn id_check(first17: &str) -> char {
    let sum: u32 = first17.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * ((1u32 << (17 - i)) % 11)).sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).expect("a digit"),
    }
}

/// GB 32100 / GB/T 17710 modulus 31, from its definition: each character's value is its
/// place in the alphabet, weights 3^i mod 31, check value (31 - sum mod 31) mod 31.
fn credit_check(first17: &str) -> char {
    let value = |c: char| credit_code::ALPHABET.find(c).expect("an alphabet character") as u32;
    let mut weight = 1;
    let mut sum = 0;
    for c in first17.chars() {
        sum += value(c) * weight;
        weight = weight * 3 % 31;
    }
    credit_code::ALPHABET.chars().nth(((31 - sum % 31) % 31) as usize).expect("in the alphabet")
}

/// `^1[3-9]\d{9}$`, written out.
fn mobile_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b[2..].iter().all(u8::is_ascii_digit)
}

fn chars_of(alphabet: &'static str) -> impl Strategy<Value = char> {
    let chars: Vec<char> = alphabet.chars().collect();
    proptest::sample::select(chars)
}

/// A valid ID number: any region, a real birth date from 1900 to 2099, any sequence.
fn valid_id() -> impl Strategy<Value = String> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date");
    let days = NaiveDate::from_ymd_opt(2099, 12, 31).expect("a date").signed_duration_since(first).num_days();
    ("[0-9]{6}", 0..=days, "[0-9]{3}").prop_map(move |(region, offset, sequence)| {
        let birth = first + chrono::Days::new(offset as u64);
        let first17 = format!("{region}{}{sequence}", birth.format("%Y%m%d"));
        let check = id_check(&first17);
        format!("{first17}{check}")
    })
}

/// A valid credit code: any registration authority, category, division and subject.
fn valid_credit_code() -> impl Strategy<Value = String> {
    (
        chars_of(credit_code::REGISTRATION_AUTHORITIES),
        chars_of(credit_code::ALPHABET),
        "[0-9]{6}",
        proptest::collection::vec(chars_of(credit_code::ALPHABET), 9),
    )
        .prop_map(|(authority, category, division, subject)| {
            let first17: String = [authority, category].into_iter().chain(division.chars()).chain(subject).collect();
            let check = credit_check(&first17);
            format!("{first17}{check}")
        })
}

/// A character to put in a code: mostly ones that could belong there (digits, the credit
/// alphabet, `X`), sometimes their look-alikes and anything at all.
fn replacement() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => chars_of("0123456789X"),
        3 => chars_of(credit_code::ALPHABET),
        1 => chars_of("xIOZSVioszv -+０１２３４５６７８９一"),
        1 => any::<char>(),
    ]
}

/// `code` with the character at `at` (modulo its length) replaced by `with`, or `None` if
/// that would not change it.
fn replaced(code: &str, at: usize, with: char) -> Option<String> {
    let mut chars: Vec<char> = code.chars().collect();
    let at = at % chars.len();
    (chars[at] != with).then(|| {
        chars[at] = with;
        chars.into_iter().collect()
    })
}

/// Strings near the codes' shapes (15–19 characters, mostly digits and code letters, some
/// multi-byte) as well as anything at all.
fn code_like() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(replacement(), 0..22).prop_map(|c| c.into_iter().collect()),
        any::<String>(),
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn generated_id_numbers_are_accepted(id in valid_id()) {
        prop_assert_eq!(id_number::validate(&id), Ok(()));
        prop_assert_eq!(id_number::check_digit(&id[..17]), id.chars().last());
        prop_assert!(id_number::birth_date(&id).is_some());
        prop_assert!(id_number::is_male(&id).is_some());
        prop_assert_eq!(id_number::mask(&id).chars().filter(|c| *c == '*').count(), 8);
    }

    #[test]
    fn an_id_number_one_character_off_is_refused(id in valid_id(), at in 0..18usize, with in replacement()) {
        if let Some(typo) = replaced(&id, at, with) {
            prop_assert!(id_number::validate(&typo).is_err(), "{typo:?} (from {id}) was accepted");
        }
    }

    #[test]
    fn an_id_number_with_a_character_more_or_less_is_refused(id in valid_id(), at in 0..19usize, extra in replacement()) {
        let mut longer: Vec<char> = id.chars().collect();
        longer.insert(at.min(18), extra);
        let longer: String = longer.into_iter().collect();
        prop_assert!(id_number::validate(&longer).is_err());
        let mut shorter: Vec<char> = id.chars().collect();
        shorter.remove(at % 18);
        let shorter: String = shorter.into_iter().collect();
        prop_assert!(id_number::validate(&shorter).is_err());
    }

    #[test]
    fn generated_credit_codes_are_accepted(code in valid_credit_code()) {
        prop_assert_eq!(credit_code::validate(&code), Ok(()));
        prop_assert_eq!(credit_code::check_digit(&code[..17]), code.chars().last());
    }

    #[test]
    fn a_credit_code_one_character_off_is_refused(code in valid_credit_code(), at in 0..18usize, with in replacement()) {
        if let Some(typo) = replaced(&code, at, with) {
            prop_assert!(credit_code::validate(&typo).is_err(), "{typo:?} (from {code}) was accepted");
        }
    }

    #[test]
    fn two_swapped_neighbours_in_a_credit_code_are_refused(code in valid_credit_code(), at in 0..17usize) {
        let mut chars: Vec<char> = code.chars().collect();
        if chars[at] != chars[at + 1] {
            chars.swap(at, at + 1);
            let swapped: String = chars.into_iter().collect();
            prop_assert!(credit_code::validate(&swapped).is_err(), "{swapped} (from {code}) was accepted");
        }
    }

    /// A mobile number has no check digit: one digit for another is another valid number,
    /// so the property is the exact shape, on valid numbers, their one-character variants and
    /// anything at all.
    #[test]
    fn mobile_numbers_are_exactly_the_shape(number in "1[3-9][0-9]{9}", at in 0..11usize, with in replacement(), other in code_like()) {
        prop_assert_eq!(mobile::validate(&number), Ok(()));
        prop_assert_eq!(mobile::mask(&number).chars().count(), 11);
        if let Some(variant) = replaced(&number, at, with) {
            prop_assert_eq!(mobile::validate(&variant).is_ok(), mobile_shape(&variant), "{:?}", variant);
        }
        prop_assert_eq!(mobile::validate(&other).is_ok(), mobile_shape(&other), "{:?}", other);
    }

    #[test]
    fn no_string_makes_a_code_parser_panic(s in code_like()) {
        let _ = id_number::validate(&s);
        let _ = id_number::check_digit(&s);
        let _ = id_number::birth_date(&s);
        let _ = id_number::is_male(&s);
        let _ = credit_code::validate(&s);
        let _ = credit_code::check_digit(&s);
        let _ = mobile::validate(&s);
        let _ = tracking::split(&s);
        // Masks hide characters, never add or drop any.
        prop_assert_eq!(id_number::mask(&s).chars().count(), s.chars().count());
        prop_assert_eq!(mobile::mask(&s).chars().count(), s.chars().count());
    }

    #[test]
    fn accepted_codes_have_the_canonical_shape(s in code_like()) {
        if id_number::validate(&s).is_ok() {
            prop_assert!(s.len() == 18 && s[..17].bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(id_check(&s[..17]), s.chars().last().expect("18 characters"));
        }
        if credit_code::validate(&s).is_ok() {
            prop_assert!(s.chars().count() == 18 && s.chars().all(|c| credit_code::ALPHABET.contains(c)));
            prop_assert_eq!(credit_check(&s[..17]), s.chars().last().expect("18 characters"));
        }
    }

    #[test]
    fn tracking_codes_split_back_into_number_and_key(
        year in 2000..2100u32,
        n in 1..100_000_000u64,
        key in proptest::collection::vec(chars_of(tracking::KEY_ALPHABET), tracking::KEY_LEN),
        lower in any::<bool>(),
    ) {
        let number = format!("TG-{year}-{n:06}");
        let key: String = key.into_iter().collect();
        let code = tracking::code(&number, &key);
        let typed = if lower { format!("  {}\n", code.to_lowercase()) } else { code.clone() };
        prop_assert_eq!(tracking::split(&typed), Some((number, key)));
    }
}

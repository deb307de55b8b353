//! Unified social credit codes (统一社会信用代码) of organisations, GB 32100-2015.
//!
//! Layout of the 18 characters, all from [`ALPHABET`]:
//!
//! | positions | meaning                                                         |
//! |-----------|-----------------------------------------------------------------|
//! | 1         | registration authority (see [`REGISTRATION_AUTHORITIES`])       |
//! | 2         | organisation category within that authority                     |
//! | 3-8       | administrative division of the registering office (GB/T 2260)   |
//! | 9-17      | subject identifier, i.e. the old organisation code (GB 11714)   |
//! | 18        | check character, GB/T 17710 (ISO 7064), modulus 31             |

use crate::error::ErrorCode;

/// The 31 code characters, in value order: digits and upper-case letters without
/// I, O, Z, S and V, which are too easily confused with 1, 0, 2, 5 and U.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Registration authorities allowed in position 1. GB 32100-2015 itself lists 1 (机构编制),
/// 5 (民政), 9 (工商) and Y (其他); the code administration has since assigned
/// 2 (外交), 3 (司法行政, e.g. law firms), 4 (文化), 6 (旅游), 7 (宗教), 8 (工会, trade
/// unions), A (中央军委改革和编制办公室) and N (农业: rural collective economic
/// organisations such as village 股份经济合作社, which a township deals with daily).
pub const REGISTRATION_AUTHORITIES: &str = "123456789ANY";

/// Weight of each of the first 17 positions: 3^i mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Numeric value of a code character, or `None` if it is not in [`ALPHABET`].
fn value(c: char) -> Option<u32> {
    ALPHABET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// The check character for the first 17 characters of a credit code, or `None` if
/// `first17` is not exactly 17 characters from [`ALPHABET`].
pub fn check_digit(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    // 31 - (sum mod 31) lies in 1..=31; 31 stands for 0.
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(check as usize)
}

/// Validates a credit code.
///
/// Error codes, checked in this order:
/// - `credit_code.format`: not 18 characters from [`ALPHABET`] (upper case only), position 1
///   not a registration authority, or positions 3-8 not digits;
/// - `credit_code.check_digit`: the last character does not match (a typo, usually).
pub fn validate(s: &str) -> Result<(), ErrorCode> {
    let chars: Vec<char> = s.chars().collect();
    let well_formed = chars.len() == 18
        && chars.iter().all(|&c| value(c).is_some())
        && REGISTRATION_AUTHORITIES.contains(chars[0])
        && chars[2..8].iter().all(char::is_ascii_digit);
    if !well_formed {
        return Err(ErrorCode::CreditCodeFormat);
    }
    // All ASCII by now, so byte and character positions agree.
    if check_digit(&s[..17]) != Some(chars[17]) {
        return Err(ErrorCode::CreditCodeCheckDigit);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    /// Codes as printed on real business licences. They are here because this
    /// implementation computes the same check character the issuers did, which pins the
    /// weights and the 31 -> 0 rule to the real thing.
    const PUBLISHED: [&str; 5] =
        ["91110000802100433B", "914403001922038216", "9144030071526726XG", "91310000132200821H", "91350100M000100Y43"];

    fn complete(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17).unwrap())
    }

    #[test]
    fn published_codes_are_valid() {
        for code in PUBLISHED {
            assert_eq!(validate(code), Ok(()), "{code}");
            assert_eq!(check_digit(&code[..17]), code.chars().last(), "{code}");
        }
    }

    #[test]
    fn weights_are_powers_of_three() {
        let mut w = 1;
        for weight in WEIGHTS {
            assert_eq!(weight, w);
            w = w * 3 % 31;
        }
        assert_eq!(ALPHABET.len(), 31);
        for excluded in ['I', 'O', 'Z', 'S', 'V'] {
            assert!(!ALPHABET.contains(excluded));
        }
    }

    #[test]
    fn check_digit_covers_every_character() {
        // Varying the last two positions reaches every remainder, including the
        // "31 -> 0" case, and a valid code results every time.
        let mut seen = String::new();
        for a in ALPHABET.chars() {
            for b in ALPHABET.chars() {
                let code = complete(&format!("911101080000000{a}{b}"));
                assert_eq!(validate(&code), Ok(()), "{code}");
                seen.extend(code.chars().last());
            }
        }
        assert!(ALPHABET.chars().all(|c| seen.contains(c)));
        assert_eq!(check_digit("00000000000000000"), Some('0')); // sum 0: the 31 -> 0 rule
    }

    #[test]
    fn check_digit_rejects_bad_input() {
        assert_eq!(check_digit(""), None);
        assert_eq!(check_digit("9111000080210043"), None); // 16
        assert_eq!(check_digit("91110000802100433B"), None); // 18
        assert_eq!(check_digit("9111000080210043I"), None); // I is not in the alphabet
        assert_eq!(check_digit("9111000080210043b"), None); // lower case
        assert_eq!(check_digit("9111000080210043一"), None);
    }

    #[test]
    fn every_registration_authority_is_accepted() {
        for authority in REGISTRATION_AUTHORITIES.chars() {
            let code = complete(&format!("{authority}1320581MA1MXXX01"));
            assert_eq!(validate(&code), Ok(()), "{code}");
        }
        // A village collective economic organisation (农业, 村级).
        assert_eq!(validate(&complete("N2320581MF0000012")), Ok(()));
    }

    #[test]
    fn format_errors() {
        for bad in [
            String::new(),
            "91110000802100433".to_owned(),   // 17
            "91110000802100433BB".to_owned(), // 19
            "91110000802100433b".to_owned(),  // lower case
            " 91110000802100433B".to_owned(), // untrimmed
            "9111000080210O433B".to_owned(),  // letter O for zero
            "9111000080210043 B".to_owned(),  // space
            "9111000080210043一B".to_owned(), // not ASCII
            // Otherwise well-formed codes with a correct check character:
            complete("B1110000802100433"), // unassigned authority B
            complete("01110000802100433"), // authority 0
            complete("911A0000802100433"), // letter in the division code
            complete("9111000Y802100433"), // letter at position 8
        ] {
            assert_eq!(validate(&bad), Err(ErrorCode::CreditCodeFormat), "{bad:?}");
        }
    }

    #[test]
    fn check_digit_errors() {
        assert_eq!(validate("91110000802100433A"), Err(ErrorCode::CreditCodeCheckDigit));
        assert_eq!(validate("914403001922038210"), Err(ErrorCode::CreditCodeCheckDigit));
        // One mistyped character, and two swapped adjacent characters.
        assert_eq!(validate("91110000802100434B"), Err(ErrorCode::CreditCodeCheckDigit));
        assert_eq!(validate("91110000802104033B"), Err(ErrorCode::CreditCodeCheckDigit));
        // A typical made-up code.
        assert_eq!(validate("91320581MA1MXXXXXX"), Err(ErrorCode::CreditCodeCheckDigit));
    }
}

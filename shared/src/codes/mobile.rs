//! Mainland China mobile phone numbers: 11 digits, `1` then `3`-`9` (the second digit
//! picks the network's number block; `10`-`12` prefixes are service codes, not phones).
//!
//! Only the bare national number is accepted: callers strip spaces, dashes and a `+86`
//! prefix before validating, so that what is stored is canonical.

use crate::error::ErrorCode;

/// Validates a mobile number against `^1[3-9]\d{9}$`.
///
/// Error code: `mobile.format`.
pub fn validate(s: &str) -> Result<(), ErrorCode> {
    match s.as_bytes() {
        [b'1', b'3'..=b'9', rest @ ..] if rest.len() == 9 && rest.iter().all(u8::is_ascii_digit) => Ok(()),
        _ => Err(ErrorCode::MobileFormat),
    }
}

/// Masks a mobile number for display: `13812345678` becomes `138****5678`.
/// The network prefix (first 3) and the last 4 digits stay; strings too short to hide
/// anything are masked completely rather than shown.
pub fn mask(s: &str) -> String {
    super::id_number::mask_middle(s, 3, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers() {
        for ok in [
            "13812345678",
            "13000000000",
            "14700000000",
            "15912345678",
            "16612345678",
            "17012345678",
            "18612345678",
            "19912345678",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn format_errors() {
        for bad in [
            "",
            "1381234567",   // 10 digits
            "138123456789", // 12 digits
            "12812345678",  // second digit 2
            "10012345678",  // second digit 0
            "11012345678",  // second digit 1
            "23812345678",  // not starting with 1
            "1381234567a",
            "138 1234 5678",
            "138-1234-5678",
            "+8613812345678",
            "8613812345678",
            " 13812345678",
            "13812345678 ",
            "１３８１２３４５６７８", // full-width digits
            "+3812345678",
        ] {
            assert_eq!(validate(bad), Err(ErrorCode::MobileFormat), "{bad:?}");
        }
    }

    #[test]
    fn masking() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("1381234"), "*******");
        assert_eq!(mask("13812345"), "138*2345");
        assert_eq!(mask(""), "");
    }
}

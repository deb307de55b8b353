//! Resident identity card numbers (公民身份号码), GB 11643-1999.
//!
//! Layout of the 18 characters:
//!
//! | positions | meaning                                              |
//! |-----------|------------------------------------------------------|
//! | 1-6       | administrative division of first registration        |
//! | 7-14      | birth date, `YYYYMMDD`                               |
//! | 15-17     | sequence number; odd for men, even for women         |
//! | 18        | check character, ISO 7064 MOD 11-2 (`0`-`9` or `X`)  |
//!
//! Only the upper-case `X` is accepted as check character: normalising is the caller's
//! job (e.g. `trim().to_ascii_uppercase()` on input), so that what is stored is canonical.

use chrono::NaiveDate;

use crate::error::ErrorCode;

/// ISO 7064 MOD 11-2 weights, i.e. 2^(17 - i) mod 11 for position i.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder of the weighted sum mod 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The check character for the first 17 characters of an ID number, or `None` if
/// `first17` is not exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(char::from(CHECK_CHARS[(sum % 11) as usize]))
}

/// Validates an ID number.
///
/// Error codes, checked in this order:
/// - `id_number.format`: not 17 digits followed by a digit or upper-case `X`;
/// - `id_number.birth_date`: positions 7-14 are not a real date, or are before 1900-01-01;
/// - `id_number.check_digit`: the last character does not match (a typo, usually).
pub fn validate(s: &str) -> Result<(), ErrorCode> {
    let bytes = s.as_bytes();
    let well_formed = bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && (bytes[17].is_ascii_digit() || bytes[17] == b'X');
    if !well_formed {
        return Err(ErrorCode::IdNumberFormat);
    }
    if birth_date(s).is_none() {
        return Err(ErrorCode::IdNumberBirthDate);
    }
    // Slicing is safe: the string is all ASCII here.
    if check_digit(&s[..17]) != Some(char::from(bytes[17])) {
        return Err(ErrorCode::IdNumberCheckDigit);
    }
    Ok(())
}

/// The birth date encoded in positions 7-14, if it is a real date on or after
/// 1900-01-01. A future date is not rejected here: that needs a clock, which the caller has.
pub fn birth_date(s: &str) -> Option<NaiveDate> {
    let digits = ascii_digits(s, 6..14)?;
    let year = digits[..4].parse().ok()?;
    if year < 1900 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, digits[4..6].parse().ok()?, digits[6..].parse().ok()?)
}

/// Whether the holder is male (odd sequence number), or `None` if positions 15-17 are
/// not digits.
pub fn is_male(s: &str) -> Option<bool> {
    let sequence: u16 = ascii_digits(s, 14..17)?.parse().ok()?;
    Some(sequence % 2 == 1)
}

/// The given byte range of `s` if it consists of ASCII digits only. Checked before parsing
/// because `str::parse` also accepts a leading `+`.
fn ascii_digits(s: &str, range: std::ops::Range<usize>) -> Option<&str> {
    s.get(range).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
}

/// Masks an ID number for display: the region (first 6) and the last 4
/// characters stay, everything between becomes `*`. Strings too short to hide anything
/// are masked completely rather than shown.
pub fn mask(s: &str) -> String {
    mask_middle(s, 6, 4)
}

/// Keeps `head` leading and `tail` trailing characters and stars out the rest; if that
/// would leave nothing hidden, stars out everything.
pub(crate) fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let len = s.chars().count();
    if len <= head + tail {
        return "*".repeat(len);
    }
    s.chars().enumerate().map(|(i, c)| if i < head || i >= len - tail { c } else { '*' }).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    /// The example printed in GB 11643-1999 itself.
    const STANDARD_EXAMPLE: &str = "11010519491231002X";

    /// Builds a valid number from its first 17 digits.
    fn complete(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17).unwrap())
    }

    #[test]
    fn standard_example_is_valid() {
        assert_eq!(validate(STANDARD_EXAMPLE), Ok(()));
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        // The standard's other example has a correct check digit, but its holder was born
        // in 1880, before the earliest date accepted here.
        assert_eq!(check_digit("44052418800101001"), Some('4'));
        assert_eq!(validate("440524188001010014"), Err(ErrorCode::IdNumberBirthDate));
    }

    #[test]
    fn check_digit_covers_every_remainder() {
        // Vary the sequence digits until every one of the 11 check characters has appeared.
        let mut seen: Vec<char> = (0..1000).map(|n| check_digit(&format!("11010119900101{n:03}")).unwrap()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 11);
        assert!(seen.contains(&'X'));
    }

    #[test]
    fn check_digit_rejects_bad_input() {
        assert_eq!(check_digit(""), None);
        assert_eq!(check_digit("1101051949123100"), None); // 16 digits
        assert_eq!(check_digit("110105194912310021"), None); // 18 digits
        assert_eq!(check_digit("1101051949123100a"), None);
        assert_eq!(check_digit("1101051949123100X"), None);
        assert_eq!(check_digit("１１０１０５１９４９１２３１０"), None); // full-width
    }

    #[test]
    fn format_errors() {
        for bad in [
            "",
            "11010519491231002",                   // 17 characters
            "11010519491231002XX",                 // 19 characters
            "11010519491231002x",                  // lower-case x
            "1101051949123100XX",                  // X not in last position
            "11010519491231002Y",                  // other letter
            " 11010519491231002X",                 // untrimmed
            "11010519491231002X ",                 // untrimmed
            "110105 9491231002X",                  // space
            "１１０１０５１９４９１２３１００２X", // full-width digits
            "110105194912310",                     // old 15-digit format
        ] {
            assert_eq!(validate(bad), Err(ErrorCode::IdNumberFormat), "{bad:?}");
        }
    }

    #[test]
    fn birth_date_errors() {
        for first17 in [
            "11010518991231002", // 1899-12-31: before 1900
            "11010519490230002", // 30 February
            "11010519491301002", // month 13
            "11010519490000002", // month and day 0
            "11010519490100002", // day 0
            "11010519490431002", // 31 April
            "11010519000229002", // 1900 was not a leap year
        ] {
            // A correct check digit, so only the date can be at fault.
            let id = complete(first17);
            assert_eq!(validate(&id), Err(ErrorCode::IdNumberBirthDate), "{id}");
        }
        assert_eq!(validate(&complete("11010520000229002")), Ok(())); // 2000 was
        assert_eq!(validate(&complete("11010519000101002")), Ok(())); // the earliest day
    }

    #[test]
    fn check_digit_errors() {
        // Wrong last character.
        assert_eq!(validate("110105194912310021"), Err(ErrorCode::IdNumberCheckDigit));
        assert_eq!(validate("110101199003074478"), Err(ErrorCode::IdNumberCheckDigit));
        // One mistyped digit, and two swapped adjacent digits: MOD 11-2 catches both.
        assert_eq!(validate("11010519491231003X"), Err(ErrorCode::IdNumberCheckDigit));
        assert_eq!(validate("10110519491231002X"), Err(ErrorCode::IdNumberCheckDigit));
    }

    #[test]
    fn birth_date_and_sex() {
        let date = NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
        assert_eq!(birth_date("11010519491231002X"), Some(date));
        assert_eq!(is_male("11010519491231002X"), Some(false)); // 002: even
        assert_eq!(is_male("440524188001010014"), Some(true)); // 001: odd
        assert_eq!(birth_date("440524188001010014"), None); // 1880: before 1900
        assert_eq!(birth_date("short"), None);
        assert_eq!(birth_date("110105abcd1231002X"), None);
        assert_eq!(birth_date("110105+9491231002X"), None);
        assert_eq!(is_male("11010519491231"), None);
        assert_eq!(is_male("11010519491231a02X"), None);
        assert_eq!(is_male("11010519491231+02X"), None);
        // Multi-byte input must not panic on slicing.
        assert_eq!(birth_date("一二三四五六七八"), None);
        assert_eq!(is_male("一二三四五六七八"), None);
    }

    #[test]
    fn masking() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(mask("1234567890"), "**********");
        assert_eq!(mask("12345678901"), "123456*8901");
        assert_eq!(mask(""), "");
        // Counts characters, not bytes.
        assert_eq!(mask("一二三四五六七八九十甲"), "一二三四五六*八九十甲");
    }
}

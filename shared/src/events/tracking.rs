//! Public tracking codes: the readable number staff use (`TG-2026-000123`) plus the event's
//! random key (`K7P2QX9A`, migration 000007), joined as `TG-2026-000123-K7P2QX9A`. Numbers
//! count up, so the number alone would let anyone walk through every event on the public
//! tracking page; the key (40 random bits) is what makes a code impossible to guess. The key
//! is made by the database (`event_tracking_key()`), never derived from the number.

/// The key's letters: no 0/O and 1/I, so a code read aloud or typed on a phone is not
/// mistaken.
pub const KEY_ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Letters in a key: 8 × 5 bits = 40 random bits.
pub const KEY_LEN: usize = 8;
/// Longer input is not a tracking code (a number has at most 20 digits, plus `TG-yyyy-`).
const CODE_MAX: usize = 48;

/// The code the reporter keeps: number and key.
pub fn code(number: &str, key: &str) -> String {
    format!("{number}-{key}")
}

/// Splits a code typed or pasted by anyone into (number, key), upper-cased and trimmed.
/// `None` when it cannot be a code (no key, a key of the wrong shape): the caller answers
/// "not found", exactly as for a code that names no event.
pub fn split(code: &str) -> Option<(String, String)> {
    let code = code.trim();
    if code.is_empty() || code.len() > CODE_MAX {
        return None;
    }
    let code = code.to_ascii_uppercase();
    let (number, key) = code.rsplit_once('-')?;
    let number_ok = number.starts_with("TG-") && number.len() > 3;
    let key_ok = key.len() == KEY_LEN && key.chars().all(|c| KEY_ALPHABET.contains(c));
    (number_ok && key_ok).then(|| (number.to_owned(), key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_split_back_into_number_and_key() {
        let joined = code("TG-2026-000123", "K7P2QX9A");
        assert_eq!(joined, "TG-2026-000123-K7P2QX9A");
        assert_eq!(split(&joined), Some(("TG-2026-000123".into(), "K7P2QX9A".into())));
        assert_eq!(split("  tg-2026-000123-k7p2qx9a \n"), Some(("TG-2026-000123".into(), "K7P2QX9A".into())));
        // Numbers past 999999 keep working.
        assert_eq!(split("TG-2026-1234567-K7P2QX9A"), Some(("TG-2026-1234567".into(), "K7P2QX9A".into())));
    }

    #[test]
    fn anything_that_is_not_a_whole_code_is_refused() {
        for bad in [
            "",
            "TG-2026-000123",
            "TG-2026-000123-",
            "TG-2026-000123-K7P2QX9",
            "TG-2026-000123-K7P2QX9AB",
            // 0, 1, O and I are not in the alphabet.
            "TG-2026-000123-K7P2QX90",
            "TG-2026-000123-K7P2QXIA",
            "-K7P2QX9A",
            "XX-2026-000123-K7P2QX9A",
            "TG-2026-000123-K7P2QX9A\0",
            "TG-2026-000123-K7P2QX9Ä",
        ] {
            assert_eq!(split(bad), None, "{bad:?}");
        }
        assert_eq!(split(&"9".repeat(100_000)), None);
    }

    #[test]
    fn the_alphabet_has_32_distinct_unambiguous_letters() {
        let mut letters: Vec<char> = KEY_ALPHABET.chars().collect();
        letters.sort_unstable();
        letters.dedup();
        assert_eq!(letters.len(), 32);
        assert!(!KEY_ALPHABET.contains(['0', '1', 'O', 'I']));
    }
}

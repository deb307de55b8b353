//! Masking of personal data for a partner without the `personal_data` scope (GB/T 35273's
//! de-identification by partial display): enough is kept to tell records apart and to
//! recognise one's own, not enough to reach the person.

/// A name: its first character, the rest starred (`张三丰` → `张**`).
pub fn name(value: &str) -> String {
    let mut chars = value.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
    }
}

/// A phone number: the first three and the last four digits (`13812345678` → `138****5678`);
/// a shorter one is starred whole. The screens' rule (`codes::mobile::mask`), so that a
/// partner and a clerk without the permission see the same stars.
pub fn phone(value: &str) -> String {
    crate::codes::mobile::mask(value.trim())
}

/// A personal field's text: a number (a phone, an ID number: seven digits or more) as
/// [`phone`], anything else (a name, an address) as [`name`].
pub fn personal(value: &str) -> String {
    if value.chars().filter(char::is_ascii_digit).count() >= 7 { phone(value) } else { name(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(name("张三丰"), "张**");
        assert_eq!(name(" 李四 "), "李*");
        assert_eq!(name("王"), "王");
        assert_eq!(name(""), "");
    }

    #[test]
    fn phones_keep_three_and_four_digits() {
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(phone("0512-65551234"), "051******1234");
        assert_eq!(phone("110"), "***");
        assert_eq!(phone(""), "");
    }

    #[test]
    fn a_personal_text_is_masked_as_a_number_or_as_a_name() {
        assert_eq!(personal("13812345678"), "138****5678");
        assert_eq!(personal("32058119800101123X"), "320***********123X");
        assert_eq!(personal("王建国"), "王**");
    }
}

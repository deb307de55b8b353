//! The standard-code parsers and the other free-text checks on any input: ID numbers,
//! credit codes, mobile numbers, tracking codes, the password policy, map-sheet numbers of
//! any two numbers. No input may panic; whatever is accepted has the canonical shape.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::accounts::password_policy;
use shared::codes::{credit_code, id_number, map_sheet, mobile};
use shared::events::tracking;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if id_number::validate(s).is_ok() {
        assert!(s.len() == 18 && s.bytes().take(17).all(|b| b.is_ascii_digit()));
        assert!(id_number::birth_date(s).is_some() && id_number::is_male(s).is_some());
        assert_eq!(id_number::check_digit(&s[..17]), s.chars().last());
    }
    let _ = id_number::check_digit(s);
    let _ = id_number::birth_date(s);
    let _ = id_number::is_male(s);
    assert_eq!(id_number::mask(s).chars().count(), s.chars().count());
    if credit_code::validate(s).is_ok() {
        assert!(s.chars().count() == 18 && s.chars().all(|c| credit_code::ALPHABET.contains(c)));
        assert_eq!(credit_code::check_digit(&s[..17]), s.chars().last());
    }
    let _ = credit_code::check_digit(s);
    if mobile::validate(s).is_ok() {
        assert!(s.len() == 11 && s.bytes().all(|b| b.is_ascii_digit()));
    }
    assert_eq!(mobile::mask(s).chars().count(), s.chars().count());
    if let Some((number, key)) = tracking::split(s) {
        assert!(number.starts_with("TG-") && key.len() == tracking::KEY_LEN);
    }
    // The first line is the password, the rest the username it must not contain.
    let (password, username) = s.split_once('\n').unwrap_or((s, ""));
    let _ = password_policy::validate(password, username);
    let _ = password_policy::is_common(password);
    // Any two numbers, spread a little past the numbering's range: a point in it gets one
    // sheet of each scale, holding it, nested.
    if data.len() >= 8 {
        let part = |bytes: &[u8]| f64::from(u32::from_le_bytes(bytes.try_into().expect("4 bytes"))) / f64::from(u32::MAX);
        let lat = part(&data[..4]) * 90.0 - 1.0;
        let lon = part(&data[4..8]) * 362.0 - 181.0;
        if let Ok(sheets) = map_sheet::sheets(lat, lon) {
            assert_eq!(sheets.len(), map_sheet::SCALES.len());
            for sheet in &sheets {
                // (Within a rounding of the degrees' last bits.)
                let near = 1e-9;
                assert!(sheet.south <= lat + near && lat < sheet.north + near, "{lat} in {sheet:?}");
                assert!(sheet.west <= lon + near && lon < sheet.east + near, "{lon} in {sheet:?}");
                assert!(sheet.number.starts_with(&sheets[0].number));
            }
        }
    }
});

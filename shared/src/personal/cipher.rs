//! SM4-GCM for personal data (RFC 8998's cipher suite) and the HMAC-SM3 blind index beside it.
//!
//! A sealed value is `version ‖ nonce ‖ ciphertext ‖ tag`: one byte naming the SM4 key, a
//! random 96-bit nonce (a township's few hundred thousand values stay far below the 2³²
//! values a key may seal with random nonces), then GCM's output. The column it belongs to is
//! the associated data, so a value copied into another column does not open.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{AesGcm, KeyInit};
use hmac::Mac;

use super::Column;
use super::keys::Keyring;

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

const NONCE_BYTES: usize = 12;
const TAG_BYTES: usize = 16;

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the value is too short to be sealed")]
    Truncated,
    #[error("the value is sealed with key {0}, which the keyring does not hold")]
    UnknownKey(u8),
    #[error("the value does not open: changed, moved from another column, or sealed with another key {0}")]
    Inauthentic(u8),
}

/// What a sealed value kept in a text column starts with (hexadecimal digits follow).
pub const SEALED_TEXT_PREFIX: &str = "sm4:";

/// The key version a sealed value names.
pub fn version_of(sealed: &[u8]) -> Option<u8> {
    sealed.first().copied()
}

impl Keyring {
    fn gcm(&self, version: u8) -> Option<Sm4Gcm> {
        Some(Sm4Gcm::new_from_slice(self.sm4(version)?).expect("an SM4 key is 16 bytes"))
    }

    /// `value` sealed under the current key for `column`.
    pub fn seal(&self, column: Column, value: &str) -> Vec<u8> {
        let version = self.current();
        let mut nonce = [0u8; NONCE_BYTES];
        rand::fill(&mut nonce);
        let payload = Payload { msg: value.as_bytes(), aad: column.as_str().as_bytes() };
        let ciphertext = self
            .gcm(version)
            .expect("the current key is held")
            .encrypt(&nonce.into(), payload)
            .expect("a short value always seals");
        let mut sealed = Vec::with_capacity(1 + NONCE_BYTES + ciphertext.len());
        sealed.push(version);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// The value `sealed` holds, if it was sealed for `column` under a key of this keyring and
    /// nobody changed it since.
    pub fn open(&self, column: Column, sealed: &[u8]) -> Result<String, OpenError> {
        if sealed.len() < 1 + NONCE_BYTES + TAG_BYTES {
            return Err(OpenError::Truncated);
        }
        let (version, rest) = (sealed[0], &sealed[1..]);
        let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().expect("split at the nonce's length");
        let gcm = self.gcm(version).ok_or(OpenError::UnknownKey(version))?;
        let plain = gcm
            .decrypt(&nonce.into(), Payload { msg: ciphertext, aad: column.as_str().as_bytes() })
            .map_err(|_| OpenError::Inauthentic(version))?;
        String::from_utf8(plain).map_err(|_| OpenError::Inauthentic(version))
    }

    /// `value` sealed for a text column: [`SEALED_TEXT_PREFIX`] and the sealed bytes in hex.
    pub fn seal_text(&self, column: Column, value: &str) -> String {
        format!("{SEALED_TEXT_PREFIX}{}", hex::encode(self.seal(column, value)))
    }

    /// The value of a text column: opened when sealed; a value without the prefix is one an
    /// earlier release left in the clear (sealed at the next start), taken as it is.
    pub fn open_text(&self, column: Column, text: &str) -> Result<String, OpenError> {
        match text.strip_prefix(SEALED_TEXT_PREFIX) {
            Some(digits) => self.open(column, &hex::decode(digits).map_err(|_| OpenError::Truncated)?),
            None => Ok(text.to_owned()),
        }
    }

    /// The blind index of `value` in `column`: an HMAC-SM3 under the index key of the column
    /// and the value's canonical spelling. Equal values of one column have equal indexes, so an
    /// exact search and a unique constraint work on it; without the key it tells nothing.
    pub fn blind_index(&self, column: Column, value: &str) -> Vec<u8> {
        let mut mac = self.index_mac();
        mac.update(column.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(column.canonical(value).as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring(extra: &str) -> Keyring {
        let text = format!("index:{} 1:{} {extra}", "11".repeat(32), "22".repeat(16));
        Keyring::parse(&text).expect("a test keyring")
    }

    #[test]
    fn sm4_gcm_gives_rfc_8998s_test_vector() {
        // RFC 8998, appendix A.1: SM4-GCM.
        let key = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();
        let nonce: [u8; 12] = hex::decode("00001234567800000000ABCD").unwrap().try_into().unwrap();
        let aad = hex::decode("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2").unwrap();
        let plain = hex::decode(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD\
             EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
        )
        .unwrap();
        let sealed =
            Sm4Gcm::new_from_slice(&key).unwrap().encrypt(&nonce.into(), Payload { msg: &plain, aad: &aad }).unwrap();
        assert_eq!(
            hex::encode_upper(sealed),
            "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735\
             D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D\
             83DE3541E4C2B58177E065A9BF7B62EC"
        );
    }

    #[test]
    fn a_value_opens_only_whole_in_its_own_column_under_a_key_held() {
        let keys = keyring("");
        let id = "32058119900101123X";
        let sealed = keys.seal(Column::ResidentIdNumber, id);
        assert_eq!(version_of(&sealed), Some(1));
        assert!(!sealed.windows(4).any(|w| w == b"1990"), "no plaintext in the ciphertext");
        assert_ne!(sealed, keys.seal(Column::ResidentIdNumber, id), "a fresh nonce each time");
        assert_eq!(keys.open(Column::ResidentIdNumber, &sealed).as_deref(), Ok(id));
        assert_eq!(keys.open(Column::ResidentPhone, &sealed), Err(OpenError::Inauthentic(1)));
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert_eq!(keys.open(Column::ResidentIdNumber, &changed), Err(OpenError::Inauthentic(1)));
        assert_eq!(keys.open(Column::ResidentIdNumber, &sealed[..20]), Err(OpenError::Truncated));

        // A newer key seals; the older still opens what it sealed; a keyring without it cannot.
        let rotated = keyring(&format!("2:{}", "33".repeat(16)));
        let resealed = rotated.seal(Column::ResidentIdNumber, id);
        assert_eq!(version_of(&resealed), Some(2));
        assert_eq!(rotated.open(Column::ResidentIdNumber, &sealed).as_deref(), Ok(id));
        assert_eq!(keys.open(Column::ResidentIdNumber, &resealed), Err(OpenError::UnknownKey(2)));
    }

    #[test]
    fn a_text_column_holds_a_sealed_value_as_hex_and_a_clear_one_as_it_is() {
        let keys = keyring("");
        let sealed = keys.seal_text(Column::UserTotpSecret, "JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with("sm4:01") && !sealed.contains("JBSWY3DP"), "{sealed}");
        assert_eq!(keys.open_text(Column::UserTotpSecret, &sealed).as_deref(), Ok("JBSWY3DPEHPK3PXP"));
        assert_eq!(keys.open_text(Column::ResidentPhone, &sealed), Err(OpenError::Inauthentic(1)));
        assert_eq!(keys.open_text(Column::UserTotpSecret, "JBSWY3DPEHPK3PXP").as_deref(), Ok("JBSWY3DPEHPK3PXP"));
        assert_eq!(keys.open_text(Column::UserTotpSecret, "sm4:zz"), Err(OpenError::Truncated));
    }

    #[test]
    fn the_blind_index_finds_a_value_in_any_spelling_and_only_in_its_column() {
        let keys = keyring("");
        let index = keys.blind_index(Column::ResidentIdNumber, "32058119900101123X");
        assert_eq!(index.len(), 32);
        assert_eq!(index, keys.blind_index(Column::ResidentIdNumber, " 32058119900101123x "));
        assert_ne!(index, keys.blind_index(Column::ResidentPhone, "32058119900101123X"));
        assert_ne!(index, keys.blind_index(Column::ResidentIdNumber, "320581199001011234"));
        // The index key, not the SM4 keys, makes it: rotation leaves the indexes as they are.
        let rotated = keyring(&format!("2:{}", "33".repeat(16)));
        assert_eq!(index, rotated.blind_index(Column::ResidentIdNumber, "32058119900101123X"));
    }
}

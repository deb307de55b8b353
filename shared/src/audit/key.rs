//! The key that seals the audit chain (R-9.3.1, 密评 GB/T 39786): each record's chain value is
//! an HMAC-SM3 under it. It comes from the server's configuration (`TONGGUAN_AUDIT_KEY`, or a
//! key file the server makes once under its data directory), never from the database, so that
//! whoever can write to the database still cannot make an edited chain verify.
//!
//! It is installed once per process, at start-up, because every service appends audit records
//! and none of them should have to carry it; appending without one fails rather than writing
//! an unsealed record.

use std::sync::OnceLock;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretSlice};

/// The shortest key accepted: 256 bits, SM3's own output size.
pub const MIN_KEY_BYTES: usize = 32;

/// A secret key: `Debug` never shows it.
#[derive(Clone)]
pub struct AuditKey(SecretSlice<u8>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey([REDACTED])")
    }
}

impl AuditKey {
    /// A key written as hexadecimal digits, at least [`MIN_KEY_BYTES`] of them pairs.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim()).map_err(|_| "must be hexadecimal digits".to_owned())?;
        if bytes.len() < MIN_KEY_BYTES {
            return Err(format!("must be at least {MIN_KEY_BYTES} bytes ({} hexadecimal digits)", MIN_KEY_BYTES * 2));
        }
        Ok(Self(bytes.into()))
    }

    /// A new random key, as hexadecimal digits (for a key file).
    pub fn generate_hex() -> String {
        let mut bytes = [0u8; MIN_KEY_BYTES];
        rand::fill(&mut bytes);
        hex::encode(bytes)
    }

    /// An HMAC-SM3 under this key, ready for the message.
    fn mac(&self) -> Hmac<sm3::Sm3> {
        <Hmac<sm3::Sm3> as KeyInit>::new_from_slice(self.0.expose_secret()).expect("HMAC takes a key of any length")
    }
}

static INSTALLED: OnceLock<AuditKey> = OnceLock::new();

/// Makes `key` the process's audit key. A second call with another key is refused: records of
/// one process are sealed with one key.
pub fn install(key: AuditKey) -> Result<(), AuditKey> {
    INSTALLED.set(key)?;
    Ok(())
}

/// The process's audit key, once installed.
pub fn installed() -> Option<&'static AuditKey> {
    INSTALLED.get()
}

/// `parts` as one message, each length-prefixed so that moving text between them changes it.
pub(super) fn framed(parts: &[&[u8]]) -> Vec<u8> {
    let mut message = Vec::with_capacity(parts.iter().map(|part| part.len() + 8).sum());
    for part in parts {
        message.extend_from_slice(&(part.len() as u64).to_be_bytes());
        message.extend_from_slice(part);
    }
    message
}

impl AuditKey {
    /// The HMAC-SM3 of `message` under this key, as lower-case hex.
    pub(super) fn seal(&self, message: &[u8]) -> String {
        let mut mac = self.mac();
        mac.update(message);
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_hexadecimal_and_never_printed() {
        assert!(AuditKey::from_hex("abcd").is_err());
        assert!(AuditKey::from_hex(&"zz".repeat(32)).is_err());
        let key = AuditKey::from_hex(&AuditKey::generate_hex()).expect("a generated key parses");
        assert_eq!(format!("{key:?}"), "AuditKey([REDACTED])");
        assert_ne!(AuditKey::generate_hex(), AuditKey::generate_hex());
    }
}

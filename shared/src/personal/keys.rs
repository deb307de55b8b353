//! The keyring that protects personal data: SM4 keys by version (the newest seals, every one
//! still opens what it sealed, so that a key is rotated by adding one and re-sealing) and one
//! key for the blind indexes. Like the audit key it comes from the server's configuration —
//! `TONGGUAN_PERSONAL_KEYS`, or a key file the server makes once under its data directory —
//! never from the database, which holds only each key's check value
//! (`personal_key_checks`) so that a process started with the wrong keys stops at once.
//!
//! The text form, in the variable or the file: tokens separated by white space or commas,
//! `index:<64 hex digits>` once and `<version>:<32 hex digits>` for each SM4 key, version
//! 1 to 255; `#` starts a comment line.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretSlice};

use crate::error::AppError;

/// SM4's key: 128 bits.
pub const SM4_KEY_BYTES: usize = 16;
/// The blind-index key: 256 bits, SM3's own output size.
pub const INDEX_KEY_BYTES: usize = 32;

/// The version number of the blind-index key in `personal_key_checks` (SM4 keys are 1–255).
pub const INDEX_KEY_VERSION: i16 = 0;

/// What a key's check value is the HMAC-SM3 of.
const CHECK_LABEL: &[u8] = b"tongguan personal-data key check";

#[derive(Clone)]
pub struct Keyring {
    sm4: BTreeMap<u8, SecretSlice<u8>>,
    index: SecretSlice<u8>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("versions", &self.sm4.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

fn key_bytes(name: &str, hex_digits: &str, len: usize) -> Result<SecretSlice<u8>, String> {
    let bytes = hex::decode(hex_digits).map_err(|_| format!("key {name} must be hexadecimal digits"))?;
    if bytes.len() != len {
        return Err(format!("key {name} must be {len} bytes ({} hexadecimal digits)", len * 2));
    }
    Ok(bytes.into())
}

impl Keyring {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut sm4 = BTreeMap::new();
        let mut index = None;
        let tokens = text
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(|line| line.split(|c: char| c.is_whitespace() || c == ','))
            .filter(|token| !token.is_empty());
        for token in tokens {
            let Some((name, digits)) = token.split_once(':') else {
                return Err(format!("`{}…` is not `name:hex`", token.chars().take(8).collect::<String>()));
            };
            if name == "index" {
                if index.replace(key_bytes(name, digits, INDEX_KEY_BYTES)?).is_some() {
                    return Err("the index key is given twice".into());
                }
                continue;
            }
            let version = name
                .parse::<u8>()
                .ok()
                .filter(|version| *version >= 1)
                .ok_or_else(|| format!("`{name}` is neither `index` nor a key version from 1 to 255"))?;
            if sm4.insert(version, key_bytes(name, digits, SM4_KEY_BYTES)?).is_some() {
                return Err(format!("key {version} is given twice"));
            }
        }
        let index = index.ok_or("the index key (`index:…`) is missing")?;
        if sm4.is_empty() {
            return Err("no SM4 key (`1:…`) is given".into());
        }
        Ok(Self { sm4, index })
    }

    /// The text of a new keyring: a random index key and SM4 key 1.
    pub fn generate() -> String {
        format!(
            "# Tongguan's personal-data keys: keep a copy apart from the backups, which cannot be read without it.\n\
             index:{}\n{}\n",
            random_hex(INDEX_KEY_BYTES),
            Self::key_line(1)
        )
    }

    /// The line of a new random SM4 key under `version`.
    pub fn key_line(version: u8) -> String {
        format!("{version}:{}", random_hex(SM4_KEY_BYTES))
    }

    /// The version that seals: the newest.
    pub fn current(&self) -> u8 {
        *self.sm4.keys().next_back().expect("a keyring holds an SM4 key")
    }

    /// Every SM4 key version held, oldest first.
    pub fn versions(&self) -> Vec<u8> {
        self.sm4.keys().copied().collect()
    }

    pub(super) fn sm4(&self, version: u8) -> Option<&[u8]> {
        self.sm4.get(&version).map(|key| key.expose_secret())
    }

    pub(super) fn index_mac(&self) -> Hmac<sm3::Sm3> {
        mac(self.index.expose_secret())
    }

    /// The check value of SM4 key `version` ([`INDEX_KEY_VERSION`]: the index key), as the
    /// database keeps it.
    pub fn check(&self, version: i16) -> Option<String> {
        let key = if version == INDEX_KEY_VERSION {
            self.index.expose_secret()
        } else {
            self.sm4(u8::try_from(version).ok()?)?
        };
        let mut mac = mac(key);
        mac.update(CHECK_LABEL);
        Some(hex::encode(mac.finalize().into_bytes()))
    }
}

fn mac(key: &[u8]) -> Hmac<sm3::Sm3> {
    <Hmac<sm3::Sm3> as KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length")
}

fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::fill(bytes.as_mut_slice());
    hex::encode(bytes)
}

static INSTALLED: OnceLock<Keyring> = OnceLock::new();

/// Makes `keyring` the process's. A second call is refused: one process, one keyring.
pub fn install(keyring: Keyring) -> Result<(), Keyring> {
    INSTALLED.set(keyring)
}

/// The process's keyring. Without one personal data can be neither written nor read: that
/// is a fault of the process, not of the request.
pub fn installed() -> Result<&'static Keyring, AppError> {
    INSTALLED.get().ok_or_else(|| {
        tracing::error!("no personal-data keyring is installed");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_keyring_parses_and_its_newest_key_seals() {
        let text = format!("{}{}\n", Keyring::generate(), Keyring::key_line(7));
        let keyring = Keyring::parse(&text).expect("a generated keyring parses");
        assert_eq!((keyring.versions(), keyring.current()), (vec![1, 7], 7));
        let index_hex = text.lines().find_map(|line| line.strip_prefix("index:")).expect("an index key");
        assert!(!format!("{keyring:?}").contains(&index_hex[..16]), "Debug never shows a key");
        // One line for the environment, commas between.
        let one_line: String = text.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join(",");
        assert_eq!(Keyring::parse(&one_line).expect("one line").versions(), vec![1, 7]);
        assert_ne!(keyring.check(1), keyring.check(7));
        assert_ne!(keyring.check(INDEX_KEY_VERSION), None);
        assert_eq!(keyring.check(2), None);
    }

    #[test]
    fn a_bad_keyring_is_refused_with_the_reason() {
        let index = format!("index:{}", "ab".repeat(INDEX_KEY_BYTES));
        let key = "cd".repeat(SM4_KEY_BYTES);
        let reason = |text: &str| Keyring::parse(text).expect_err(text);
        assert!(reason(&format!("1:{key}")).contains("index key"));
        assert!(reason(&index).contains("no SM4 key"));
        assert!(reason(&format!("{index} 0:{key}")).contains("from 1 to 255"));
        assert!(reason(&format!("{index} 256:{key}")).contains("from 1 to 255"));
        assert!(reason(&format!("{index} 1:{key} 1:{key}")).contains("twice"));
        assert!(reason(&format!("{index} 1:abcd")).contains("16 bytes"));
        assert!(reason(&format!("{index} 1:{}", "zz".repeat(16))).contains("hexadecimal"));
        assert!(reason(&format!("{index} {key}")).contains("name:hex"));
    }
}

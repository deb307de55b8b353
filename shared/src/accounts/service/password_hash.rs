//! argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane), run off the async
//! threads because a hash takes tens of milliseconds of CPU.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1 for argon2id.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| AppError::Internal)?;
    hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| AppError::Internal)
}

pub fn verify_blocking(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await.map_err(|_| AppError::Internal)?
}

pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &stored)).await.unwrap_or(false)
}

/// A hash of a random secret, verified when the user does not exist so that a wrong
/// user name takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 16];
        rand::fill(&mut secret);
        hash_blocking(&hex::encode(secret)).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_argon2id_and_verifies() {
        let stored = hash_blocking("Tongguan#2026ok").expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("Tongguan#2026ok", &stored));
        assert!(!verify_blocking("Tongguan#2026oK", &stored));
        assert!(!verify_blocking("anything", decoy_hash()));
    }
}

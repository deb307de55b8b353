//! Personal data at rest (R-9.3.1, 密评 GB/T 39786): ID and mobile numbers are stored only as
//! SM4-GCM ciphertext under a key of the server's configuration (`keys`), each beside an
//! HMAC-SM3 blind index of its value, so that an exact number is still found (and kept unique)
//! without the database ever holding it in the clear (`cipher`). Screens show them masked; a
//! user with the unmask permission may reveal one, and every reveal is on the audit log
//! (`service`). The same keyring seals the secrets of users' second factors and of peer
//! platforms, which the database must not hold in the clear either.

#[cfg(feature = "ssr")]
pub mod cipher;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub use keys::Keyring;

crate::code_enum::code_enum! {
    /// Each column that holds values sealed with the keyring, by its table and column (the
    /// view `sealed_values` lists them all, for rotation).
    pub enum Column in "personal.columns" {
        ResidentIdNumber = "residents.id_number",
        ResidentPhone = "residents.phone",
        /// A second factor's TOTP secret (base32), pending or enrolled: a text column, the
        /// sealed value written as `sm4:<hex>` (`Keyring::seal_text`).
        UserTotpSecret = "users.totp_secret",
        /// The secret shared with a peer platform, which signs the exchange (HMAC-SM3).
        PeerSecret = "exchange_peers.secret",
        /// The mobile number a reporter left with an event (a text column, `sm4:<hex>`; an
        /// event without one holds the empty text).
        EventContactPhone = "events.contact_phone",
    }
}

impl Column {
    /// The one spelling of a value that its blind index is taken of: an ID number's check
    /// character `x` is `X` (GB 11643), and white space around a value is never part of it.
    pub fn canonical(self, value: &str) -> String {
        match self {
            Self::ResidentIdNumber => value.trim().to_uppercase(),
            Self::ResidentPhone | Self::UserTotpSecret | Self::PeerSecret | Self::EventContactPhone => {
                value.trim().to_owned()
            }
        }
    }
}

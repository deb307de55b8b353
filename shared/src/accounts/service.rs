//! Account services: the only code that reads or writes users, roles and sessions.

mod credential_reset;
pub mod handlers;
pub mod login;
mod models;
pub mod online;
pub mod password;
pub mod password_hash;
pub mod register;
pub mod roles;
pub mod second_factor;
pub mod session;
pub mod session_cache;
pub mod users;

use chrono::Duration;

/// Security policy of GB/T 22239 level 3, configurable per deployment.
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    /// A session unused this long is dead.
    pub idle_timeout: Duration,
    /// A session older than this is dead however active.
    pub absolute_timeout: Duration,
    /// Failed logins in a row before the account locks.
    pub max_failed_logins: i32,
    pub lockout: Duration,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// One active session per account: a login ends the account's other sessions.
    pub single_session: bool,
    /// A password older than this must be changed before the account does anything else;
    /// `None`: passwords do not expire.
    pub password_max_age: Option<Duration>,
    /// Administrators (a holder of any of the three administrators' duties) must log in with a
    /// second factor: one without it is sent to enrol one before anything else.
    pub admin_second_factor: bool,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            max_failed_logins: 5,
            lockout: Duration::minutes(15),
            secure_cookies: false,
            single_session: false,
            password_max_age: Some(Duration::days(90)),
            admin_second_factor: false,
        }
    }
}

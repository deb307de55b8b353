//! Configuration from environment variables (and `.env`); every variable is listed in the
//! README. Secrets are wrapped so that they never reach a log line.

use std::fmt;
use std::path::PathBuf;

use chrono::Duration;
use shared::accounts::service::AuthPolicy;

use crate::rate_limit::{MAX_PER_MINUTE, RateLimits};

/// A value that must never be printed (a database URL may carry a password).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// `DATABASE_URL`: an external server. Without it the embedded cluster is used.
    pub url: Option<Secret>,
    /// `TONGGUAN_DATA_DIR` (default `./data`): where the embedded cluster lives.
    pub data_dir: PathBuf,
    /// `TONGGUAN_PG_PORT` (default 54329): the embedded cluster's port on 127.0.0.1.
    pub embedded_port: u16,
    /// `TONGGUAN_PG_BIN`: directory of `initdb`/`pg_ctl`, if not on PATH or in /usr/lib/postgresql.
    pub pg_bin: Option<PathBuf>,
    /// `TONGGUAN_DB_POOL_SIZE` (default 16).
    pub pool_size: usize,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseConfig,
    pub auth: AuthPolicy,
    /// `TONGGUAN_DEMO` (1/true): seed the demo township on an empty database and show
    /// the demo accounts on the login page.
    pub demo: bool,
    /// Per-address rate limits (`TONGGUAN_*RATE_LIMIT_PER_MINUTE`, `TONGGUAN_TRUST_PROXY`).
    pub rate_limits: RateLimits,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| anyhow::anyhow!("{name} must be a number, got {v:?}")),
    }
}

fn flag(name: &str) -> bool {
    var(name).is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
}

impl DatabaseConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        Ok(Self {
            url: var("DATABASE_URL").map(Secret::new),
            data_dir: var("TONGGUAN_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("data")),
            embedded_port: number("TONGGUAN_PG_PORT", 54329)?,
            pg_bin: var("TONGGUAN_PG_BIN").map(PathBuf::from),
            pool_size: number("TONGGUAN_DB_POOL_SIZE", 16)?,
        })
    }
}

pub fn auth_from_environment() -> anyhow::Result<AuthPolicy> {
    Ok(AuthPolicy {
        idle_timeout: Duration::minutes(number("TONGGUAN_SESSION_IDLE_MINUTES", 30)?),
        absolute_timeout: Duration::hours(number("TONGGUAN_SESSION_MAX_HOURS", 12)?),
        max_failed_logins: number("TONGGUAN_MAX_FAILED_LOGINS", 5)?,
        lockout: Duration::minutes(number("TONGGUAN_LOCKOUT_MINUTES", 15)?),
        secure_cookies: flag("TONGGUAN_SECURE_COOKIES"),
    })
}

/// A requests-per-minute quota: a whole number from 1 to `MAX_PER_MINUTE`, else start-up
/// stops with a message naming the variable.
fn per_minute(name: &str, default: u32) -> anyhow::Result<u32> {
    parse_per_minute(name, var(name), default)
}

fn parse_per_minute(name: &str, value: Option<String>, default: u32) -> anyhow::Result<u32> {
    let Some(value) = value else { return Ok(default) };
    match value.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_PER_MINUTE).contains(&n) => Ok(n),
        _ => anyhow::bail!(
            "{name} must be a whole number of requests per minute from 1 to {MAX_PER_MINUTE}, got {value:?}"
        ),
    }
}

pub fn rate_limits_from_environment() -> anyhow::Result<RateLimits> {
    let defaults = RateLimits::default();
    Ok(RateLimits {
        auth_per_minute: per_minute("TONGGUAN_RATE_LIMIT_PER_MINUTE", defaults.auth_per_minute)?,
        report_per_minute: per_minute("TONGGUAN_REPORT_RATE_LIMIT_PER_MINUTE", defaults.report_per_minute)?,
        track_per_minute: per_minute("TONGGUAN_TRACK_RATE_LIMIT_PER_MINUTE", defaults.track_per_minute)?,
        trust_proxy: flag("TONGGUAN_TRUST_PROXY"),
    })
}

impl Config {
    pub fn from_environment() -> anyhow::Result<Self> {
        Ok(Self {
            database: DatabaseConfig::from_environment()?,
            auth: auth_from_environment()?,
            demo: flag("TONGGUAN_DEMO"),
            rate_limits: rate_limits_from_environment()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_must_be_a_positive_number_and_the_message_names_the_variable() {
        let name = "TONGGUAN_RATE_LIMIT_PER_MINUTE";
        assert_eq!(parse_per_minute(name, None, 10).expect("default"), 10);
        assert_eq!(parse_per_minute(name, Some(" 600 ".into()), 10).expect("set"), 600);
        for bad in ["0", "-1", "ten", "1.5", "4294967296", "1000001"] {
            let message = parse_per_minute(name, Some(bad.into()), 10).expect_err(bad).to_string();
            assert!(message.contains(name) && message.contains(bad), "{message}");
        }
    }
}

//! Open311's quotas: a call with an API key counts against that key's quota (set when the key
//! is issued: a city app's backend calls for many people from one address), a call without
//! one against its address's (`TONGGUAN_OPEN311_RATE_LIMIT_PER_MINUTE`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, RateLimiter};

use crate::rate_limit::{RateLimits, quota_per_minute};

/// Addresses kept before the table is swept of those whose quota has recovered.
const SWEEP_AT: usize = 50_000;

pub struct Guard {
    by_address: DefaultKeyedRateLimiter<Option<IpAddr>>,
    /// Per key: its quota when the limiter was made, and the limiter.
    by_key: Mutex<HashMap<i64, (i32, Arc<DefaultDirectRateLimiter>)>>,
    pub trust_proxy: bool,
}

fn wait_seconds(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> u32 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    u32::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u32::MAX).max(1)
}

impl Guard {
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            by_address: RateLimiter::dashmap(quota_per_minute(limits.open311_per_minute)),
            by_key: Mutex::new(HashMap::new()),
            trust_proxy: limits.trust_proxy,
        }
    }

    /// Counts a call without a key: `Err(seconds to wait)` over the quota.
    pub fn check_address(&self, address: Option<IpAddr>) -> Result<(), u32> {
        let result = self.by_address.check_key(&crate::rate_limit::client_key(address)).map_err(wait_seconds);
        if self.by_address.len() > SWEEP_AT {
            self.by_address.retain_recent();
        }
        result
    }

    /// Counts a call with a key of `per_minute` calls a minute.
    pub fn check_key(&self, key_id: i64, per_minute: i32) -> Result<(), u32> {
        let limiter = {
            let mut keys = self.by_key.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let entry = keys.entry(key_id).or_insert_with(|| (per_minute, Arc::new(limiter(per_minute))));
            // The quota was changed since: start afresh with the new one.
            if entry.0 != per_minute {
                *entry = (per_minute, Arc::new(limiter(per_minute)));
            }
            entry.1.clone()
        };
        limiter.check().map_err(wait_seconds)
    }
}

fn limiter(per_minute: i32) -> DefaultDirectRateLimiter {
    RateLimiter::direct(quota_per_minute(u32::try_from(per_minute).unwrap_or(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_addresses_have_quotas_of_their_own() {
        let guard = Guard::new(&RateLimits { open311_per_minute: 2, ..RateLimits::default() });
        let address = Some("192.0.2.1".parse().expect("address"));
        assert_eq!(guard.check_address(address), Ok(()));
        assert_eq!(guard.check_address(address), Ok(()));
        assert!(guard.check_address(address).is_err());
        for _ in 0..3 {
            assert_eq!(guard.check_key(7, 3), Ok(()));
        }
        assert!(guard.check_key(7, 3).is_err());
        assert_eq!(guard.check_key(8, 3), Ok(()), "another key has its own quota");
        assert_eq!(guard.check_key(7, 10), Ok(()), "a raised quota applies at once");
    }
}

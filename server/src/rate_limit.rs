//! Per-address rate limits on what anyone can reach without proving much: login, the two
//! registrations, a public report and the public tracking (server function and page). Each
//! has its own quota per client address (GCRA from the `governor` crate: N requests a minute,
//! a burst of N); a request over it is answered 429 with `Retry-After` and the
//! `TooManyRequests` error in the caller's form (a server function's postcard error, or for a
//! form posted without JavaScript the redirect back to the form; a page in the user's
//! language for the tracking page), before any handler runs — so the 11th login attempt in a
//! minute is refused before its password is checked.
//!
//! The address is the TCP peer (`ConnectInfo`, set by `cli::serve`). `X-Forwarded-For` is
//! believed only with `TONGGUAN_TRUST_PROXY` (its last entry, the one our own proxy wrote);
//! otherwise any client could name itself anew on every request. IPv6 clients are counted
//! per /64, the block one subscriber is given. Requests without a known address (the
//! in-process tests) share one key. The per-account limit is the login lockout.
//!
//! Each limiter keeps one small state per address seen recently; the table is swept of
//! addresses whose quota has recovered whenever it grows past `SWEEP_AT`, so a flood of
//! addresses cannot grow it without bound.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use shared::AppError;

/// The quotas, per client address and minute (read by `RateLimits::from_environment` in `config.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `TONGGUAN_RATE_LIMIT_PER_MINUTE`: login attempts, and registrations (counted apart).
    pub auth_per_minute: u32,
    /// `TONGGUAN_REPORT_RATE_LIMIT_PER_MINUTE`: reports sent.
    pub report_per_minute: u32,
    /// `TONGGUAN_TRACK_RATE_LIMIT_PER_MINUTE`: tracking look-ups (page or server function).
    pub track_per_minute: u32,
    /// `TONGGUAN_OPEN311_RATE_LIMIT_PER_MINUTE`: Open311 calls without an API key (a key has
    /// its own quota, set when it is issued).
    pub open311_per_minute: u32,
    /// `TONGGUAN_TRUST_PROXY`: take the address from the last `X-Forwarded-For` entry.
    pub trust_proxy: bool,
}

impl Default for RateLimits {
    /// Ten logins a minute is more than a person mistyping a password ever needs, and with
    /// the lockout after five failures, a guesser gets few tries per account and address;
    /// six reports a minute outpaces any honest reporter (an outbox flushing queued drafts
    /// included: a refused one stays queued for the next try); sixty look-ups a minute is
    /// a page a second, while enumerating random tracking keys needs billions; 120 public
    /// Open311 reads a minute lets a map client refresh every second with room to spare.
    fn default() -> Self {
        Self {
            auth_per_minute: 10,
            report_per_minute: 6,
            track_per_minute: 60,
            open311_per_minute: 120,
            trust_proxy: false,
        }
    }
}

/// The largest quota accepted from the configuration.
pub const MAX_PER_MINUTE: u32 = 1_000_000;

/// What a request is counted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Login,
    Register,
    Report,
    Track,
}

/// The class of a path, if it is limited. Server functions are matched by path whatever the
/// method (an unsupported method still costs a try).
pub fn class_of(path: &str) -> Option<Class> {
    match path {
        // Guessing a password through the change form is guessing it through the login.
        "/api/auth/login" | "/api/auth/change_password" => Some(Class::Login),
        "/api/auth/register" | "/api/auth/register_enterprise" => Some(Class::Register),
        "/api/events/report" => Some(Class::Report),
        "/api/events/track" | "/track" => Some(Class::Track),
        _ => None,
    }
}

/// A client: its IPv4 address, its IPv6 /64, or unknown.
type Key = Option<IpAddr>;

/// Addresses kept per limiter before the table is swept of recovered ones.
const SWEEP_AT: usize = 50_000;

struct Limiter {
    class: Class,
    limiter: DefaultKeyedRateLimiter<Key>,
}

/// The limiters of one router; cheap to clone (shared state).
#[derive(Clone)]
pub struct Limiters {
    limiters: Arc<Vec<Limiter>>,
    trust_proxy: bool,
}

fn quota(per_minute: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(per_minute.clamp(1, MAX_PER_MINUTE)).unwrap_or(NonZeroU32::MIN))
}

impl Limiters {
    pub fn new(limits: &RateLimits) -> Self {
        let limiter = |class, per_minute| Limiter { class, limiter: RateLimiter::dashmap(quota(per_minute)) };
        Self {
            limiters: Arc::new(vec![
                limiter(Class::Login, limits.auth_per_minute),
                limiter(Class::Register, limits.auth_per_minute),
                limiter(Class::Report, limits.report_per_minute),
                limiter(Class::Track, limits.track_per_minute),
            ]),
            trust_proxy: limits.trust_proxy,
        }
    }

    /// Counts one request of `class` from `key`: `Err(seconds to wait)` when over the quota.
    pub fn check(&self, class: Class, key: Key) -> Result<(), u32> {
        let Some(entry) = self.limiters.iter().find(|l| l.class == class) else { return Ok(()) };
        let limiter = &entry.limiter;
        let result = limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Whole seconds, rounded up: trying again after `Retry-After` succeeds.
            u32::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u32::MAX).max(1)
        });
        if limiter.len() > SWEEP_AT {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        result
    }

    /// The client's key: the peer address (or, behind a trusted proxy, the address it
    /// forwarded), IPv6 cut to its /64.
    fn key(&self, request: &Request) -> Key {
        client_address(request, self.trust_proxy).map(normalise)
    }
}

/// The client's address: the TCP peer, or behind a trusted proxy the address it forwarded.
pub fn client_address(request: &Request, trust_proxy: bool) -> Option<IpAddr> {
    let forwarded = || {
        let value = request.headers().get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
        value.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
    };
    let peer = || request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if trust_proxy { forwarded().or_else(peer) } else { peer() }
}

/// A per-minute quota as governor takes it (clamped to 1..=[`MAX_PER_MINUTE`]).
pub fn quota_per_minute(per_minute: u32) -> Quota {
    quota(per_minute)
}

/// Clients counted apart: IPv4 addresses, IPv6 /64 blocks.
pub fn client_key(address: Option<IpAddr>) -> Option<IpAddr> {
    address.map(normalise)
}

fn normalise(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The middleware: counts the limited requests, refuses those over their quota.
pub async fn limit(State(limiters): State<Limiters>, request: Request, next: Next) -> Response {
    let Some(class) = class_of(request.uri().path()) else {
        return next.run(request).await;
    };
    match limiters.check(class, limiters.key(&request)) {
        Ok(()) => next.run(request).await,
        Err(retry_after_secs) => refuse(&request, retry_after_secs),
    }
}

fn refuse(request: &Request, retry_after_secs: u32) -> Response {
    let path = request.uri().path();
    tracing::info!(%path, retry_after_secs, "request refused by the rate limit");
    let error = AppError::TooManyRequests { retry_after_secs };
    let headers = request.headers();
    let header = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let mut response = if path.starts_with("/api/") {
        let accepts_html = header(header::ACCEPT).is_some_and(|v| v.contains("text/html"));
        crate::api_errors::server_fn_error(path, accepts_html, header(header::REFERER), error.clone())
    } else {
        let locale = header(header::COOKIE)
            .and_then(|cookies| app::i18n::cookie_value(cookies, app::i18n::COOKIE_NAME))
            .and_then(|code| app::i18n::Locale::parse(&code))
            .unwrap_or_default();
        // Our own text with a number in it; escaped all the same.
        let message = html_escape::encode_text(&app::components::error_message(locale, &error)).into_owned();
        let page = format!(
            "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>429</title></head>\
             <body><main><h1>429</h1><p>{message}</p><p><a href=\"/\">统管 Tongguan</a></p></main></body></html>",
            locale.html_lang()
        );
        (StatusCode::TOO_MANY_REQUESTS, Html(page)).into_response()
    };
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limited_paths_and_only_they_are_counted() {
        assert_eq!(class_of("/api/auth/login"), Some(Class::Login));
        assert_eq!(class_of("/api/auth/register_enterprise"), Some(Class::Register));
        assert_eq!(class_of("/api/events/report"), Some(Class::Report));
        assert_eq!(class_of("/track"), Some(Class::Track));
        assert_eq!(class_of("/api/events/list"), None);
        assert_eq!(class_of("/login"), None);
    }

    #[test]
    fn a_quota_refuses_the_request_after_its_burst_and_counts_addresses_apart() {
        let limits = RateLimits { auth_per_minute: 3, ..RateLimits::default() };
        let limiters = Limiters::new(&limits);
        let one = Some("192.0.2.1".parse().expect("address"));
        let other = Some("192.0.2.2".parse().expect("address"));
        for _ in 0..3 {
            assert_eq!(limiters.check(Class::Login, one), Ok(()));
        }
        let wait = limiters.check(Class::Login, one).expect_err("over the quota");
        assert!((1..=20).contains(&wait), "{wait}");
        assert_eq!(limiters.check(Class::Login, other), Ok(()), "another address has its own quota");
        assert_eq!(limiters.check(Class::Register, one), Ok(()), "registration is counted apart");
    }

    #[test]
    fn ipv6_is_counted_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("address");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("address");
        assert_eq!(normalise(a), normalise(b));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("address");
        assert_eq!(normalise(mapped), "192.0.2.7".parse::<IpAddr>().expect("address"));
    }
}

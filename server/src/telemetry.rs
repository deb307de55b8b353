//! Structured logs with `tracing`: human-readable by default, JSON with `TONGGUAN_LOG_FORMAT=json`.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let json = std::env::var("TONGGUAN_LOG_FORMAT").is_ok_and(|v| v == "json");
    let result = if json { builder.json().try_init() } else { builder.try_init() };
    // A second init (tests) is harmless.
    let _ = result;
}

//! Structured logs with `tracing`: human-readable by default, JSON with `TONGGUAN_LOG_FORMAT=json`,
//! filtered by `RUST_LOG` (both read and checked in `config.rs`).

use tracing_subscriber::EnvFilter;

use crate::config::LoggingConfig;

pub fn init(config: &LoggingConfig) {
    // The filter was checked when the configuration was read.
    let filter = EnvFilter::try_new(&config.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let result = if config.json { builder.json().try_init() } else { builder.try_init() };
    // A second init (tests) is harmless.
    let _ = result;
}

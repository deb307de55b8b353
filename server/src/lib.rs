//! The Tongguan server: configuration, the embedded PostgreSQL cluster, migrations, the
//! HTTP router and administration commands. `main.rs` only parses the command line.

pub mod api_errors;
pub mod apikey_cmd;
pub mod audit_export;
pub mod audit_job;
pub mod audit_refusals;
pub mod auth;
pub mod backup_cmd;
pub mod backup_job;
pub mod bench;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod database;
pub mod demo;
pub mod docs;
pub mod embedded_pg;
pub mod engine_io;
pub mod engine_jobs;
pub mod events;
pub mod exchange;
pub mod exchange_cmd;
pub mod health;
pub mod input_guard;
pub mod jobs;
pub mod metrics;
pub mod open311;
pub mod rate_limit;
pub mod router;
pub mod schema_cmd;
pub mod security_headers;
pub mod sensing_job;
pub mod sensing_mqtt;
pub mod sharing;
pub mod telemetry;
pub mod unavailable;

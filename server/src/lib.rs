//! The Tongguan server: configuration, the embedded PostgreSQL cluster, migrations, the
//! HTTP router and administration commands. `main.rs` only parses the command line.

pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod database;
pub mod demo;
pub mod embedded_pg;
pub mod events;
pub mod health;
pub mod router;
pub mod telemetry;

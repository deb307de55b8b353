//! The one integration-test binary: every test runs against the real PostgreSQL (with
//! PostGIS) on its own database cloned from a migrated, seeded template.

mod accounts;
mod attachments;
mod audit;
mod basedata;
mod command_map;
mod embedded;
mod engine;
mod engine_catalogue;
mod engine_counters;
mod engine_custom;
mod engine_io;
mod engine_map;
mod engine_notice;
mod engine_referrers;
mod engine_retention;
mod engine_runtime;
mod engine_schema;
mod engine_stats;
mod engine_step;
mod engine_tally;
mod events;
mod exchange;
mod exchange_peers;
mod exchange_soak;
mod hardening;
mod harness;
mod http;
mod limits;
mod metrics;
mod open311;
mod party;
mod permissions;
mod scope;
mod sharing;
mod time_zone;

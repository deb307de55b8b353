//! The one integration-test binary: every test runs against the real PostgreSQL (with
//! PostGIS) on its own database cloned from a migrated, seeded template.

mod accounts;
mod audit;
mod basedata;
mod command_map;
mod events;
mod hardening;
mod harness;
mod http;
mod limits;
mod permissions;

//! Tongguan's shared core: domain types, validation and code tables that compile for the
//! browser (wasm) and the server alike. With the `ssr` feature it adds the Diesel schema and
//! the module services — the only code that touches the database.
//!
//! Modules follow the standard's clauses: `accounts` (8.7.2 users, 9.3 security),
//! `basedata` (7.2 base database), `audit` (9.3.1 tamper-evident log), `codes` (5b standard codes),
//! `events` (3.2 一网统管: intake, routing, the loop, deadlines, statistics), `sensing` (6.6 and
//! 8.3: readings judged by their national standards).

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod basedata;
mod code_enum;
pub mod codes;
pub mod credentials;
pub mod engine;
pub mod error;
pub mod events;
pub mod exchange;
pub mod maintenance;
pub mod modules;
pub mod office;
#[cfg(feature = "ssr")]
pub mod open311;
pub mod operations;
pub mod paging;
pub mod party;
pub mod permissions;
pub mod personal;
pub mod scope;
pub mod sensing;
#[cfg(feature = "ssr")]
pub mod sharing;
pub mod spreadsheet;
pub mod time;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod redirect;
#[cfg(feature = "ssr")]
pub mod schema;
#[cfg(feature = "ssr")]
pub mod sql;
#[cfg(feature = "ssr")]
pub mod state;

pub use error::{AppError, ErrorCode, FieldError};

//! The module engine: a township register (台账) declared once, as typed values in
//! its module's folder, gets its table, form, list, filters, history, permissions, audit,
//! import and export, map layer and counters from the engine — no per-register code.
//!
//! - [`declare`]: what a module writes (registers, fields, workflow, map layer, counters).
//! - [`value`]: a record's values and the one parser of forms and import rows.
//! - [`custom`]: the fields an administrator adds at run time (kept in `extra`).
//! - [`stats`]: a register's records counted and summed by a choice, state, place or period.
//! - [`meta`]: a register as its pages see it, sent by the server in the user's language.
//! - [`runtime`]: the simple registers an administrator creates in the UI (no code, no DDL).
//! - `service` (server): the generic queries — list with keyset paging, read, create, edit,
//!   delete, history — all under the one data-scope predicate and the register's permissions.
//! - `ddl` (server): the migration a declaration needs, and the check that the migrations
//!   and the declarations agree (`make lint`).
//!
//! The registers of every module are listed in [`crate::modules::MODULES`].

pub mod access;
pub mod catalogue;
pub mod custom;
#[cfg(feature = "ssr")]
pub mod ddl;
pub mod declare;
pub mod delegation;
pub mod meta;
pub mod record;
pub mod retention;
pub mod runtime;
#[cfg(feature = "ssr")]
pub mod service;
pub mod stats;
pub mod transfer;
pub mod value;

pub use declare::{Field, Kind, Module, Register};
pub use meta::{FieldKind, FieldMeta, RegisterMeta};
pub use record::{
    Action, ApprovalGiven, Count, HISTORY_PAGE, ListPage, ListQuery, ListRow, MAX_MAP_POINTS, MappedRegister,
    PendingRecord, PendingRecords, Record, RecordPoint, Referrer, Referrers, RegisterCounter, RegisterLink,
    RegisterMap, StepOutcome, Version,
};
pub use stats::{RegisterStats, StatsFigures, StatsGroup, StatsOption, StatsQuery};
pub use value::{RecordForm, Value, Values};

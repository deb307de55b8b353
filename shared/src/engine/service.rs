//! The engine's generic queries on any declared register: list (filters, prefix search, sort,
//! keyset pages, a capped count), read, create, edit, soft delete, history, "as of" and
//! restore, and the options of a reference field.
//!
//! Every function checks the register permission ([`SessionUser::may`]) and reads through
//! [`visible`], the one data-scope condition of register rows. Column names come only from
//! declarations (`&'static str`); every value is bound ([`crate::sql::Sql`]). A row is read as
//! one JSON object built from the declared columns and decoded by the declaration
//! ([`decode`]); it is written from one bound JSON object through `jsonb_populate_record`, so
//! PostgreSQL converts each value to its column's type. The history is written by the
//! tables' trigger (`engine_record_history`), which reads the actor and the operation this
//! service sets in the record's transaction.

use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::permissions::DataScope;
use crate::scope::ScopeFilter;
use crate::sql::Sql;

use super::declare::{Field, Kind, Register, Target};
use super::record::Action;

mod catalogue;
mod counters;
mod custom;
mod deadline;
mod decode;
pub mod delegation;
pub mod export;
pub mod feed;
pub mod import;
pub mod imports;
mod list;
mod map;
mod meta;
mod naming;
pub mod notice;
mod options;
mod pending;
mod place;
mod read;
mod referrers;
pub mod retention;
pub mod runtime;
mod stats;
mod step;
mod tally;
mod write;

pub use catalogue::{CATALOGUE_COUNT_CAP, catalogue};
pub use counters::counters;
pub use custom::{
    add_custom_field, change_custom_field, configured_fields, custom_fields, indexed, retire_custom_field,
};
pub use decode::{decode, to_json};
pub use list::{COUNT_CAP, list};
pub use map::{map, mapped};
pub use meta::{Language, describe, grants};
pub use naming::next_number;
pub use options::reference_options;
pub use pending::{PENDING_PAGE, pending, pending_in};
pub use read::{as_of, get, history, history_before};
pub use referrers::{REFERRERS_COUNTED, REFERRERS_SHOWN, referrers};
pub use stats::stats;
pub use step::step;
pub use write::{create, delete, restore, update};

/// Translates a key (`reg.party.members.name`, `code.gender.1`) into the user's language: the
/// service's texts come from its caller, so it does not depend on the app's translations.
pub type Translate<'a> = &'a (dyn Fn(&str) -> String + Sync);

/// Refuses a user without the permission of `action` on `register`.
fn require(user: &SessionUser, register: &Register, action: Action) -> Result<(), AppError> {
    if user.may(register, action) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The register rows (alias `alias`) the user may see: the one data-scope predicate; a user
/// whose scope is their own records sees the records they are responsible for (`owner_id`,
/// the creator unless reassigned) in their township.
pub fn visible(user: &SessionUser, alias: &'static str) -> Sql {
    if user.scope == DataScope::SelfOnly {
        return Sql::all([
            Sql::new(alias).push(".township_id = ").bind(user.township_id),
            Sql::new(alias).push(".owner_id = ").bind(user.id),
        ]);
    }
    ScopeFilter::for_user(user).rows(alias)
}

/// The register a reference field points at. A register declared outside
/// [`crate::modules::MODULES`] (in a test) can only point at itself.
fn target(register: &'static Register, key: &str) -> Option<&'static Register> {
    if key == register.key() {
        return Some(register);
    }
    let (module, name) = key.split_once('.')?;
    crate::modules::register(module, name)
}

/// The field whose value names a register's records (the label of a reference to one).
fn name_field(register: &Register) -> Option<&'static Field> {
    register.fields.first()
}

/// The first text field, which the list's search box searches by prefix.
fn search_field(register: &Register) -> Option<&'static Field> {
    register.fields.iter().find(|field| matches!(field.kind, Kind::Text { .. }))
}

/// The base-data table of a reference, with the column that names its rows.
fn base_table(target: Target) -> Option<(&'static str, &'static str)> {
    match target {
        Target::Register(_) => None,
        Target::Resident => Some(("residents", "name")),
        Target::Enterprise => Some(("enterprises", "name")),
        Target::House => Some(("houses", "address")),
        Target::Village => Some(("villages", "name")),
        Target::Grid => Some(("grids", "name")),
        Target::EventCategory => Some(("event_categories", "name")),
        Target::Department => Some(("departments", "name")),
    }
}

/// The register's rows, to read (`FROM <this> r`): `reg.<table>`, or for a run-time register
/// the rows of the shared table that are its own. PostgreSQL flattens the subquery, so the
/// shared table's indexes, which lead with `register`, serve it as a table's own would.
fn table(register: &Register) -> Sql {
    if register.is_runtime() {
        return Sql::new("(SELECT * FROM reg.")
            .push(register.table)
            .push(" WHERE register = ")
            .bind(register.name)
            .push(")");
    }
    written(register)
}

/// The register's table, to write (`INSERT INTO`, `UPDATE`, `NULL::<row type>`): a row of a
/// run-time register is found through [`table`] first (a record is locked before it is
/// changed), so an update by id never reaches another register's row.
fn written(register: &Register) -> Sql {
    Sql::new("reg.").push(register.table)
}

/// `r.<column>`.
fn column(name: &'static str) -> Sql {
    Sql::new("r.").push(name)
}

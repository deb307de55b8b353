//! The schema a declaration needs: the statements that create a register's table in the
//! schema `reg` (its standard columns, one column per field, its indexes and its history
//! trigger), and [`diff`], which compares the declarations with a database and says what a
//! migration must add. Generated migrations are checked into `migrations/` for review;
//! `tongguan schema check` (run by `scripts/check-schema.sh`, hence `make lint`) fails when
//! they and the declarations disagree.
//!
//! These are the only statements built with `format!`: DDL cannot bind identifiers, and every
//! identifier here comes from a declaration (`&'static str`, checked to be lower-case ASCII by
//! `modules::tests`), never from a request. Nothing is ever dropped: a rename is declared
//! (`renamed_from`), and a column or table no declaration names is reported, not removed.

mod diff;
mod names;
mod promote;
#[cfg(test)]
mod tests;

pub use diff::{Diff, diff};
pub use names::{index_name, register_table};
pub use promote::promote;

use super::declare::{Field, Kind, Place, Register, Target};

/// The PostgreSQL schema of every register table.
pub const REG_SCHEMA: &str = "reg";

/// The name of the history trigger on every register table (a trigger's name is per table).
pub const HISTORY_TRIGGER: &str = "engine_history";

/// The engine's standard columns: name, type (as PostgreSQL's `format_type` spells it, so
/// that [`diff`] compares it with the database) and the rest of the definition. The same
/// columns, in the same order, as `declare::STANDARD_COLUMNS` (a test checks it).
pub const STANDARD_COLUMN_DEFINITIONS: &[(&str, &str, &str)] = &[
    ("id", "bigint", " GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
    ("township_id", "integer", " NOT NULL REFERENCES townships(id)"),
    ("village_id", "integer", " REFERENCES villages(id)"),
    ("grid_id", "integer", " REFERENCES grids(id)"),
    ("owner_id", "bigint", " REFERENCES users(id)"),
    ("number", "text", ""),
    ("state", "text", ""),
    ("state_since", "timestamp with time zone", ""),
    ("state_due", "timestamp with time zone", ""),
    ("version", "integer", " NOT NULL DEFAULT 1"),
    ("extra", "jsonb", " NOT NULL DEFAULT '{}'"),
    ("created_by", "bigint", " REFERENCES users(id)"),
    ("updated_by", "bigint", " REFERENCES users(id)"),
    ("created_at", "timestamp with time zone", " NOT NULL DEFAULT now()"),
    ("updated_at", "timestamp with time zone", " NOT NULL DEFAULT now()"),
    ("deleted_at", "timestamp with time zone", ""),
];

/// A child register's link to its parent record (only in child tables).
pub const PARENT_COLUMN: &str = "parent_id";

/// The column type of a field kind, spelt as PostgreSQL's `format_type` prints it.
pub fn column_type(kind: &Kind) -> String {
    match kind {
        Kind::Text { .. } | Kind::LongText | Kind::Choice(_) => "text".into(),
        Kind::Integer { .. } | Kind::User => "bigint".into(),
        Kind::Decimal { scale } => format!("numeric(18,{scale})"),
        Kind::Money => "numeric(14,2)".into(),
        Kind::Date => "date".into(),
        Kind::DateTime => "timestamp with time zone".into(),
        Kind::Boolean => "boolean".into(),
        Kind::MultiChoice(_) => "text[]".into(),
        Kind::Reference(Target::Village | Target::Grid | Target::EventCategory | Target::Department) => {
            "integer".into()
        }
        Kind::Reference(_) => "bigint".into(),
        Kind::Users | Kind::Photos | Kind::Files => "bigint[]".into(),
        Kind::Point => "geometry(Point,4326)".into(),
        Kind::Line => "geometry(LineString,4326)".into(),
        Kind::Polygon => "geometry(Polygon,4326)".into(),
    }
}

/// The table a reference field's column points at (`reg.<table>` for a register).
fn referenced_table(kind: &Kind) -> Option<String> {
    Some(match kind {
        Kind::Reference(Target::Register(key)) => format!("{REG_SCHEMA}.{}", register_table(key)),
        Kind::Reference(Target::Resident) => "residents".into(),
        Kind::Reference(Target::Enterprise) => "enterprises".into(),
        Kind::Reference(Target::House) => "houses".into(),
        Kind::Reference(Target::Village) => "villages".into(),
        Kind::Reference(Target::Grid) => "grids".into(),
        Kind::Reference(Target::EventCategory) => "event_categories".into(),
        Kind::Reference(Target::Department) => "departments".into(),
        Kind::User => "users".into(),
        _ => return None,
    })
}

/// A field's column definition. `NOT NULL` only for a required field created with its table:
/// a column added later is nullable (old rows have no value; the engine enforces `required`).
fn field_column(field: &Field, with_table: bool) -> String {
    let mut column = format!("{} {}", field.name, column_type(&field.kind));
    if field.required && with_table {
        column.push_str(" NOT NULL");
    }
    if let Some(table) = referenced_table(&field.kind) {
        column.push_str(&format!(" REFERENCES {table}(id)"));
    }
    column
}

fn is_array(kind: &Kind) -> bool {
    matches!(kind, Kind::MultiChoice(_) | Kind::Users | Kind::Photos | Kind::Files)
}

fn is_geometry(kind: &Kind) -> bool {
    matches!(kind, Kind::Point | Kind::Line | Kind::Polygon)
}

/// One statement of a migration and the one that undoes it (for the generated `down.sql`,
/// a developer's local rollback only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub up: String,
    pub down: String,
}

/// One index of a register table, or one statistics object (PostgreSQL's extended statistics,
/// kept beside the indexes and found by name the same way): its deterministic name and its
/// statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Index {
    pub name: String,
    pub create: String,
    /// `INDEX` or `STATISTICS`: what `DROP` and `ALTER … RENAME` name.
    pub object: &'static str,
}

impl Index {
    /// An index (statistics objects are made by [`dependencies`]).
    fn new(name: String, create: String) -> Self {
        Index { name, create, object: "INDEX" }
    }
}

/// The statements that create a register's table, its indexes and its history trigger, in
/// order. Execute them one by one (each is one statement) in a transaction; in a test:
/// `for s in create_register(&REGISTER) { diesel::sql_query(s).execute(conn).await? }`.
/// Referenced registers' tables must exist first (see [`diff`], which orders them).
pub fn create_register(register: &Register) -> Vec<String> {
    create_changes(register).into_iter().map(|change| change.up).collect()
}

/// [`create_register`] with each statement's undoing.
pub fn create_changes(register: &Register) -> Vec<Change> {
    let table = register.table;
    let mut columns: Vec<String> =
        STANDARD_COLUMN_DEFINITIONS.iter().map(|(name, kind, rest)| format!("{name} {kind}{rest}")).collect();
    if let Some(parent) = register.parent {
        columns.push(format!("{PARENT_COLUMN} bigint NOT NULL REFERENCES {REG_SCHEMA}.{}(id)", register_table(parent)));
    }
    columns.extend(register.fields.iter().map(|field| field_column(field, true)));
    let mut changes = vec![Change {
        up: format!("CREATE TABLE {REG_SCHEMA}.{table} (\n    {}\n)", columns.join(",\n    ")),
        down: format!("DROP TABLE {REG_SCHEMA}.{table}"),
    }];
    changes.extend(indexes(register).into_iter().map(index_change));
    changes.push(trigger_change(register));
    changes
}

pub(crate) fn index_change(index: Index) -> Change {
    Change { down: format!("DROP {} {REG_SCHEMA}.{}", index.object, index.name), up: index.create }
}

pub(crate) fn trigger_change(register: &Register) -> Change {
    let table = register.table;
    Change {
        up: format!(
            "CREATE TRIGGER {HISTORY_TRIGGER} AFTER INSERT OR UPDATE ON {REG_SCHEMA}.{table} FOR EACH ROW \
             EXECUTE FUNCTION engine_record_history('{}')",
            register.key()
        ),
        down: format!("DROP TRIGGER {HISTORY_TRIGGER} ON {REG_SCHEMA}.{table}"),
    }
}

/// A btree index on `field` followed by the list's default order `(<sort column>, id)`: an
/// equality filter on it (a branch, a status, a referring record) reads the newest page of
/// its records in order from the index, and stops after the page — never every match sorted.
fn sorted(
    register: &Register,
    table: &str,
    column: &dyn Fn(&'static str) -> &'static str,
    on: &str,
    field: &'static str,
    opclass: &str,
) -> Index {
    let name = index_name(table, column(field), "sorted");
    let sort = register.sort.column;
    let order = if sort == "id" || sort == field { "id".to_owned() } else { format!("{sort}, id") };
    Index::new(
        name.clone(),
        format!("CREATE INDEX {name} ON {on} ({field}{opclass}, {order}) WHERE deleted_at IS NULL"),
    )
}

/// What PostgreSQL should know of a reference and the place of the records: that one follows
/// from the other (a branch is in one village, a house in one grid). Taken as independent,
/// a branch filter under a village's scope was estimated at a tenth of its rows (321 members
/// where there were 8,333), and the list's count planned as a bitmap and a sort of the whole
/// branch (150 ms instead of 0.3: docs/benchmarks.md). Only where records have a place.
fn dependencies(
    register: &Register,
    table: &str,
    column: &dyn Fn(&'static str) -> &'static str,
    on: &str,
    field: &'static str,
) -> Option<Index> {
    if register.place == Place::Township {
        return None;
    }
    let name = index_name(table, column(field), "stats");
    let create =
        format!("CREATE STATISTICS {REG_SCHEMA}.{name} (dependencies) ON village_id, grid_id, {field} FROM {on}");
    Some(Index { name, create, object: "STATISTICS" })
}

/// The register's indexes, every one partial on live records (`deleted_at IS NULL`, what every
/// list, count and map reads), so a list with a scope and two filters can combine them:
/// - the data scope `(township_id, village_id, grid_id)`;
/// - the keyset order of the default sort `(<sort column>, id)` (scanned backwards when the
///   sort is descending; none when the sort is `id`, the primary key's order);
/// - one per reference to a register that is no filter (what refers to a record);
/// - one per filter: btree on the filter then the default order (`text_pattern_ops` for
///   text, which the prefix search also uses; see [`sorted`]), GIN for arrays (multi-choice,
///   users), none for long text (over a btree row's size), geometry (which has its GiST index
///   anyway) or the sort column (its index leads with it; text excepted, whose prefix search
///   needs `text_pattern_ops`);
/// - a unique `(township_id, <column>)` per unique field;
/// - a GiST index per geometry field;
/// - with each reference's index, where records have a place, the statistics of the
///   reference's dependence on it ([`dependencies`]);
/// - `parent_id` in a child table.
pub(crate) fn indexes(register: &Register) -> Vec<Index> {
    indexes_as(register, register.table, &|column| column)
}

/// [`indexes`] as they were named before renames: `column` maps a column to its old name.
/// Only the names of the answer are meaningful (for `ALTER INDEX … RENAME`).
pub(crate) fn indexes_as(
    register: &Register,
    table: &str,
    column: &dyn Fn(&'static str) -> &'static str,
) -> Vec<Index> {
    let on = format!("{REG_SCHEMA}.{}", register.table);
    let live = "WHERE deleted_at IS NULL";
    let scope = index_name(table, "scope", "idx");
    let mut indexes = vec![Index::new(
        scope.clone(),
        format!("CREATE INDEX {scope} ON {on} (township_id, village_id, grid_id) {live}"),
    )];
    let sort = register.sort.column;
    // Ordered by `id` alone, the primary key is the keyset index.
    if sort != "id" {
        let name = index_name(table, column(sort), "sort");
        indexes.push(Index::new(name.clone(), format!("CREATE INDEX {name} ON {on} ({sort}, id) {live}")));
    }
    for &filter in register.filters {
        let kind = register.field(filter).map(|field| field.kind);
        let method = match kind {
            // The sort index begins with the column: it serves the filter too.
            _ if filter == sort && !matches!(kind, Some(Kind::Text { .. })) => continue,
            Some(Kind::LongText | Kind::Point | Kind::Line | Kind::Polygon) => continue,
            Some(kind) if is_array(&kind) => "USING gin ",
            _ => "",
        };
        if !method.is_empty() {
            let name = index_name(table, column(filter), "idx");
            indexes.push(Index::new(name.clone(), format!("CREATE INDEX {name} ON {on} {method}({filter}) {live}")));
            continue;
        }
        let opclass = if matches!(kind, Some(Kind::Text { .. })) { " text_pattern_ops" } else { "" };
        indexes.push(sorted(register, table, column, &on, filter, opclass));
        if matches!(kind, Some(Kind::Reference(_))) {
            indexes.extend(dependencies(register, table, column, &on, filter));
        }
    }
    // A reference to a register that is no filter still has its index: a record's page lists
    // what refers to it, newest first (`service::referrers`).
    for field in register.fields.iter().filter(|field| {
        matches!(field.kind, Kind::Reference(Target::Register(_)))
            && !register.filters.contains(&field.name)
            && field.name != sort
    }) {
        indexes.push(sorted(register, table, column, &on, field.name, ""));
        indexes.extend(dependencies(register, table, column, &on, field.name));
    }
    for field in register.fields.iter().filter(|field| field.unique) {
        let name = index_name(table, column(field.name), "key");
        indexes.push(Index::new(
            name.clone(),
            format!("CREATE UNIQUE INDEX {name} ON {on} (township_id, {}) {live}", field.name),
        ));
    }
    for field in register.fields.iter().filter(|field| is_geometry(&field.kind)) {
        let name = index_name(table, column(field.name), "gist");
        indexes
            .push(Index::new(name.clone(), format!("CREATE INDEX {name} ON {on} USING gist ({}) {live}", field.name)));
    }
    // The open work of a workflow ("my tasks", deadlines): records by state, soonest due first.
    if register.workflow.is_some() {
        let name = index_name(table, "state", "due");
        indexes.push(Index::new(name.clone(), format!("CREATE INDEX {name} ON {on} (state, state_due) {live}")));
    }
    if register.parent.is_some() {
        let name = index_name(table, PARENT_COLUMN, "idx");
        indexes.push(Index::new(name.clone(), format!("CREATE INDEX {name} ON {on} ({PARENT_COLUMN}) {live}")));
    } else {
        // The data-sharing feed: a township's records in the order of their last change,
        // deleted ones too (a receiving system learns of a deletion from the feed).
        let name = index_name(table, "updated_at", "feed");
        indexes.push(Index::new(name.clone(), format!("CREATE INDEX {name} ON {on} (township_id, updated_at, id)")));
    }
    indexes
}

//! The drift check and the migration generator: what the declarations need that a database
//! (as the migrations leave it) lacks.

use std::collections::{BTreeMap, BTreeSet};

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{
    Change, HISTORY_TRIGGER, PARENT_COLUMN, REG_SCHEMA, STANDARD_COLUMN_DEFINITIONS, column_type, create_changes,
    field_column, index_change, indexes, indexes_as, register_table, trigger_change,
};
use crate::engine::declare::{Kind, Register, Target};
use crate::sql::Sql;

/// What a migration must do so the database matches the declarations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The statements, in a safe order (a referenced or parent register's table first).
    pub statements: Vec<String>,
    /// The statements that undo them, in the order to run them (the generated `down.sql`).
    pub reverse: Vec<String>,
    /// What the generator will not do: a column whose type differs from its declaration, a
    /// table or column no declaration names (nothing is ever dropped), registers that
    /// reference each other in a cycle. A person decides, and writes that migration by hand.
    pub problems: Vec<String>,
}

impl Diff {
    /// The database matches the declarations.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.problems.is_empty()
    }

    fn add(&mut self, change: Change) {
        self.statements.push(change.up);
        self.reverse.insert(0, change.down);
    }
}

/// Compares the schema `reg` of the database with `registers` (all of them: a table in `reg`
/// that none names is a problem) and returns what a migration must do. Reads the catalogue
/// only; changes nothing.
pub async fn diff(
    conn: &mut AsyncPgConnection,
    registers: impl IntoIterator<Item = &'static Register>,
) -> Result<Diff, diesel::result::Error> {
    let database = Catalogue::read(conn).await?;
    let (registers, cycle) = in_dependency_order(registers.into_iter().collect());
    let mut diff = Diff::default();
    if !cycle.is_empty() {
        diff.problems.push(format!("registers reference each other in a cycle: {}", cycle.join(", ")));
    }
    // The run-time registers' shared table is a migration's, written by hand
    // (`crate::engine::runtime`): no declaration makes it, and none may change it.
    let mut claimed = BTreeSet::from([crate::engine::runtime::RUNTIME_TABLE.to_owned()]);
    for register in registers.into_iter().filter(|register| !register.is_runtime()) {
        claimed.insert(register.table.to_owned());
        compare(register, &database, &mut claimed, &mut diff);
    }
    for table in database.columns.keys().filter(|table| !claimed.contains(*table)) {
        diff.problems.push(format!("{REG_SCHEMA}.{table}: no register declares this table (it is kept)"));
    }
    Ok(diff)
}

fn compare(register: &'static Register, database: &Catalogue, claimed: &mut BTreeSet<String>, diff: &mut Diff) {
    let table = register.table;
    let mut actual = database.columns.get(table);
    let mut old_table = table;
    if actual.is_none()
        && let Some(old) = register.renamed_from
        && let Some(columns) = database.columns.get(old)
    {
        diff.add(Change {
            up: format!("ALTER TABLE {REG_SCHEMA}.{old} RENAME TO {table}"),
            down: format!("ALTER TABLE {REG_SCHEMA}.{table} RENAME TO {old}"),
        });
        claimed.insert(old.to_owned());
        actual = Some(columns);
        old_table = old;
    }
    let Some(actual) = actual else {
        for change in create_changes(register) {
            diff.add(change);
        }
        return;
    };

    let mut expected: Vec<(&str, String)> =
        STANDARD_COLUMN_DEFINITIONS.iter().map(|(name, kind, _)| (*name, (*kind).to_owned())).collect();
    if register.parent.is_some() {
        expected.push((PARENT_COLUMN, "bigint".into()));
    }
    let mut renamed = BTreeSet::new();
    for (name, kind) in &expected {
        match actual.get(*name) {
            Some(found) if found != kind => diff
                .problems
                .push(format!("{REG_SCHEMA}.{table}.{name}: the column is {found}, the engine needs {kind}")),
            Some(_) => {}
            // A standard column the engine gained since the table was made. Only a nullable
            // one without a default is added (no rewrite of the table); any other needs a
            // hand-written migration that says how old rows get their value.
            None => match STANDARD_COLUMN_DEFINITIONS.iter().find(|(standard, _, _)| standard == name) {
                Some((_, kind, "")) => diff.add(Change {
                    up: format!("ALTER TABLE {REG_SCHEMA}.{table} ADD COLUMN {name} {kind}"),
                    down: format!("ALTER TABLE {REG_SCHEMA}.{table} DROP COLUMN {name}"),
                }),
                _ => diff.problems.push(format!("{REG_SCHEMA}.{table}.{name}: the standard column is missing")),
            },
        }
    }
    for field in register.fields {
        let name = field.name;
        let kind = column_type(&field.kind);
        let found = match (actual.get(name), field.renamed_from) {
            (Some(found), _) => Some(found),
            (None, Some(old)) if actual.contains_key(old) => {
                diff.add(Change {
                    up: format!("ALTER TABLE {REG_SCHEMA}.{table} RENAME COLUMN {old} TO {name}"),
                    down: format!("ALTER TABLE {REG_SCHEMA}.{table} RENAME COLUMN {name} TO {old}"),
                });
                renamed.insert(old);
                actual.get(old)
            }
            (None, _) => {
                diff.add(Change {
                    up: format!("ALTER TABLE {REG_SCHEMA}.{table} ADD COLUMN {}", field_column(field, false)),
                    down: format!("ALTER TABLE {REG_SCHEMA}.{table} DROP COLUMN {name}"),
                });
                None
            }
        };
        if let Some(found) = found
            && *found != kind
        {
            diff.problems
                .push(format!("{REG_SCHEMA}.{table}.{name}: the column is {found}, the declaration says {kind}"));
        }
    }
    for column in actual.keys() {
        let declared = expected.iter().any(|(name, _)| name == column)
            || register.field(column).is_some()
            || renamed.contains(column.as_str());
        if !declared {
            diff.problems.push(format!("{REG_SCHEMA}.{table}.{column}: no declaration names this column (it is kept)"));
        }
    }

    // An index is found by its name, which is derived from the table and column: after a
    // rename it is renamed too.
    let old_column = |name: &'static str| register.field(name).and_then(|field| field.renamed_from).unwrap_or(name);
    let before = indexes_as(register, old_table, &old_column);
    for (index, old) in indexes(register).into_iter().zip(before) {
        if database.indexes.contains(&index.name) {
            continue;
        }
        if old.name != index.name && database.indexes.contains(&old.name) {
            let object = index.object;
            diff.add(Change {
                up: format!("ALTER {object} {REG_SCHEMA}.{} RENAME TO {}", old.name, index.name),
                down: format!("ALTER {object} {REG_SCHEMA}.{} RENAME TO {}", index.name, old.name),
            });
        } else {
            diff.add(index_change(index));
        }
    }

    let trigger = trigger_change(register);
    match database.triggers.get(&(old_table.to_owned(), HISTORY_TRIGGER.to_owned())) {
        None => diff.add(trigger),
        Some(definition) if !definition.contains(&format!("engine_record_history('{}')", register.key())) => {
            diff.problems.push(format!(
                "{REG_SCHEMA}.{table}: the history trigger is not the engine's for {}: {definition}",
                register.key()
            ));
        }
        Some(_) => {}
    }
}

/// Parents and referenced registers before the registers that need them, otherwise in the
/// order given. Registers in a cycle come last, in the order given, and are named.
pub(super) fn in_dependency_order(registers: Vec<&'static Register>) -> (Vec<&'static Register>, Vec<String>) {
    let tables: BTreeSet<String> = registers.iter().map(|register| register.table.to_owned()).collect();
    let needs = |register: &Register| -> BTreeSet<String> {
        let references = register.fields.iter().filter_map(|field| match field.kind {
            Kind::Reference(Target::Register(key)) => Some(register_table(key)),
            _ => None,
        });
        register
            .parent
            .map(register_table)
            .into_iter()
            .chain(references)
            .filter(|table| table != register.table && tables.contains(table))
            .collect()
    };
    let mut done = BTreeSet::new();
    let mut ordered = Vec::new();
    let mut waiting = registers;
    loop {
        let before = waiting.len();
        let mut still = Vec::new();
        for register in waiting {
            if needs(register).iter().all(|table| done.contains(table)) {
                done.insert(register.table.to_owned());
                ordered.push(register);
            } else {
                still.push(register);
            }
        }
        waiting = still;
        if waiting.is_empty() || waiting.len() == before {
            break;
        }
    }
    let cycle = waiting.iter().map(|register| register.key()).collect();
    ordered.extend(waiting);
    (ordered, cycle)
}

/// What the schema `reg` holds: tables with their columns' types, index names, triggers.
struct Catalogue {
    columns: BTreeMap<String, BTreeMap<String, String>>,
    /// The names of its indexes and of its statistics objects.
    indexes: BTreeSet<String>,
    /// (table, trigger) → its definition.
    triggers: BTreeMap<(String, String), String>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = Text)]
    c: String,
}

impl Catalogue {
    async fn read(conn: &mut AsyncPgConnection) -> Result<Self, diesel::result::Error> {
        // Tables with their columns; a table without a column has one row of empty strings.
        let columns: Vec<Row> = Sql::new(
            "SELECT c.relname::text AS a, coalesce(a.attname::text, '') AS b, \
                    coalesce(format_type(a.atttypid, a.atttypmod), '') AS c \
               FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
               LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
              WHERE n.nspname = ",
        )
        .bind(REG_SCHEMA)
        .push(" AND c.relkind IN ('r', 'p')")
        .query()
        .load(conn)
        .await?;
        let indexes: Vec<Row> = Sql::new(
            "SELECT tablename::text AS a, indexname::text AS b, indexdef AS c FROM pg_indexes WHERE schemaname = ",
        )
        .bind(REG_SCHEMA)
        .query()
        .load(conn)
        .await?;
        let statistics: Vec<Row> = Sql::new(
            "SELECT '' AS a, s.stxname::text AS b, '' AS c \
               FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE n.nspname = ",
        )
        .bind(REG_SCHEMA)
        .query()
        .load(conn)
        .await?;
        let triggers: Vec<Row> = Sql::new(
            "SELECT c.relname::text AS a, t.tgname::text AS b, pg_get_triggerdef(t.oid) AS c \
               FROM pg_trigger t \
               JOIN pg_class c ON c.oid = t.tgrelid \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE NOT t.tgisinternal AND n.nspname = ",
        )
        .bind(REG_SCHEMA)
        .query()
        .load(conn)
        .await?;
        let mut catalogue = Catalogue {
            columns: BTreeMap::new(),
            indexes: indexes.into_iter().chain(statistics).map(|row| row.b).collect(),
            triggers: triggers.into_iter().map(|row| ((row.a, row.b), row.c)).collect(),
        };
        for Row { a: table, b: column, c: kind } in columns {
            let table = catalogue.columns.entry(table).or_default();
            if !column.is_empty() {
                table.insert(column, kind);
            }
        }
        Ok(catalogue)
    }
}

//! Promotion: the statements that move a run-time register (`crate::engine::runtime`) into a
//! declared register, for `tongguan schema promote` to write as a migration. The developer
//! declares the register (its folder and line), writes its table's migration
//! (`scripts/check-schema.sh --write`), then promotes: every record keeps its id, its number,
//! place, owner, versions and dates; each custom field the declaration has as a field becomes
//! that column (converted as `jsonb_populate_record` converts: the custom fields' JSON forms
//! are PostgreSQL's text forms), the others stay custom fields of the declared register, their
//! values in `extra` and their indexes rebuilt on its table; the history and its archive, the
//! retention setting, imports, notifications' links and the roles' codes move to the
//! declared register's key. The table's history trigger is off while the records move: they
//! are the same versions, not new ones.
//!
//! Built with `format!` like the rest of the DDL: the names are a declaration's (`&'static`)
//! and a run-time register's name, which [`valid_name`] allows only in lower-case ASCII.

use super::{PARENT_COLUMN, REG_SCHEMA, STANDARD_COLUMN_DEFINITIONS};
use crate::engine::declare::Register;
use crate::engine::runtime::{RUNTIME_MODULE, RUNTIME_TABLE, valid_name};

/// The statements of the promotion of run-time register `name` into `into`, in order, or why
/// it cannot be made.
pub fn promote(name: &str, into: &Register) -> Result<Vec<String>, String> {
    valid_name(name).map_err(|_| format!("{name:?} is not a run-time register's name"))?;
    if into.is_runtime() {
        return Err(format!("{} is a run-time register: promote into a declared one", into.key()));
    }
    if into.parent.is_some() {
        return Err(format!("{} is a child table: a run-time register has no parent records", into.key()));
    }
    let old_key = format!("{RUNTIME_MODULE}.{name}");
    let new_key = into.key();
    let table = format!("{REG_SCHEMA}.{}", into.table);
    let standard: Vec<&str> = STANDARD_COLUMN_DEFINITIONS.iter().map(|(column, _, _)| *column).collect();
    let fields: Vec<&str> = into.fields.iter().map(|field| field.name).collect();
    debug_assert!(!fields.contains(&PARENT_COLUMN));
    // `ARRAY['a','b']::text[]`: the keys that leave `extra` for their columns.
    let keys = format!("ARRAY[{}]::text[]", fields.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", "));
    let columns: Vec<&str> = standard.iter().chain(&fields).copied().collect();
    let selected: Vec<String> = standard
        .iter()
        .map(|column| if *column == "extra" { format!("l.extra - {keys}") } else { format!("l.{column}") })
        .chain(fields.iter().map(|field| format!("p.{field}")))
        .collect();
    // A version's row as the declared table's trigger would have written it: the columns
    // out of `extra`, the shared table's `register` gone.
    let data = fields.iter().fold(
        format!("(data - 'register') || jsonb_build_object('extra', coalesce(data -> 'extra', '{{}}') - {keys})"),
        |data, field| format!("{data} || jsonb_build_object('{field}', data -> 'extra' -> '{field}')"),
    );
    let prefix = format!("m.{RUNTIME_MODULE}.{name}.");
    let mut statements = vec![
        format!("ALTER TABLE {table} DISABLE TRIGGER {}", super::HISTORY_TRIGGER),
        format!(
            "INSERT INTO {table} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {REG_SCHEMA}.{RUNTIME_TABLE} l \
             CROSS JOIN LATERAL jsonb_populate_record(NULL::{table}, l.extra) p WHERE l.register = '{name}'",
            columns.join(", "),
            selected.join(", "),
        ),
        format!("ALTER TABLE {table} ENABLE TRIGGER {}", super::HISTORY_TRIGGER),
        format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        ),
    ];
    for history in ["record_history", "record_history_archive"] {
        statements
            .push(format!("UPDATE {history} SET register = '{new_key}', data = {data} WHERE register = '{old_key}'"));
    }
    // The custom fields that became columns go (their values moved with them); the others
    // follow the records, their indexes rebuilt on the declared table.
    statements.push(format!(
        "DO $$\nDECLARE\n    f record;\nBEGIN\n    FOR f IN SELECT id, key, filterable, key = ANY ({keys}) AS declared \
         FROM custom_fields WHERE register = '{old_key}' LOOP\n        \
         EXECUTE format('DROP INDEX IF EXISTS {REG_SCHEMA}.custom_field_%s', f.id);\n        \
         IF NOT f.declared AND f.filterable THEN\n            \
         EXECUTE format('CREATE INDEX custom_field_%s ON {table} ((extra ->> %L)) WHERE deleted_at IS NULL', f.id, f.key);\n        \
         END IF;\n    END LOOP;\nEND\n$$"
    ));
    statements.push(format!("DELETE FROM custom_fields WHERE register = '{old_key}' AND key = ANY ({keys})"));
    for keyed in ["custom_fields", "register_settings", "engine_imports"] {
        statements.push(format!("UPDATE {keyed} SET register = '{new_key}' WHERE register = '{old_key}'"));
    }
    statements.push(format!(
        "UPDATE notifications SET link = '/m/{}/{}/' || substr(link, {}) WHERE starts_with(link, '/m/{RUNTIME_MODULE}/{name}/')",
        into.module,
        into.name,
        format!("/m/{RUNTIME_MODULE}/{name}/").len() + 1,
    ));
    statements.push(format!(
        "UPDATE roles SET permissions = ARRAY(SELECT CASE WHEN starts_with(code, '{prefix}') \
         THEN 'm.{new_key}.' || substr(code, {}) ELSE code END FROM unnest(permissions) WITH ORDINALITY AS c(code, n) \
         ORDER BY n) WHERE EXISTS (SELECT 1 FROM unnest(permissions) AS c(code) WHERE starts_with(code, '{prefix}'))",
        prefix.len() + 1,
    ));
    statements.push(format!("DELETE FROM {REG_SCHEMA}.{RUNTIME_TABLE} WHERE register = '{name}'"));
    statements.push(format!("DELETE FROM runtime_registers WHERE name = '{name}'"));
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::declare::fields::*;

    static SUPPLIES: Register = Register {
        fields: &[text("item", 40).required(), integer("quantity", 0, 100_000)],
        ..Register::new("test", "supplies", "test_supplies")
    };

    #[test]
    fn the_records_move_with_their_ids_and_the_declared_fields_leave_extra() {
        let statements = promote("flood", &SUPPLIES).expect("promotable");
        let insert = &statements[1];
        assert!(insert.starts_with("INSERT INTO reg.test_supplies (id, township_id"), "{insert}");
        assert!(insert.contains(") OVERRIDING SYSTEM VALUE SELECT l.id, l.township_id"), "{insert}");
        assert!(insert.contains("l.extra - ARRAY['item', 'quantity']::text[]"), "{insert}");
        assert!(insert.contains("p.item, p.quantity FROM reg.ledger_records l"), "{insert}");
        assert!(insert.ends_with("WHERE l.register = 'flood'"), "{insert}");
        assert!(statements[0].contains("DISABLE TRIGGER") && statements[2].contains("ENABLE TRIGGER"));
        assert!(statements.iter().any(|s| s.starts_with("UPDATE record_history SET register = 'test.supplies'")));
        // `m.ledger.flood.` is 15 characters long; `/m/ledger/flood/` is 16.
        assert!(statements.iter().any(|s| s.contains("THEN 'm.test.supplies.' || substr(code, 16)")));
        assert!(statements.iter().any(|s| s.contains("SET link = '/m/test/supplies/' || substr(link, 17)")));
        assert_eq!(statements.last().map(String::as_str), Some("DELETE FROM runtime_registers WHERE name = 'flood'"));
    }

    #[test]
    fn only_a_run_time_name_into_a_declared_top_register() {
        assert!(promote("Flood; DROP", &SUPPLIES).is_err());
        static CHILD: Register =
            Register { parent: Some("test.supplies"), ..Register::new("test", "lines", "test_lines") };
        assert!(promote("flood", &CHILD).is_err());
        static RUNTIME: Register = Register::new(RUNTIME_MODULE, "other", RUNTIME_TABLE);
        assert!(promote("flood", &RUNTIME).is_err());
    }
}

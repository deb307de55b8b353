//! Declarations to tables: the drift check of the real declarations against the migrations,
//! a register declared only here (every field kind, a child register) created from its
//! declaration, the generator's renames and additions, what it refuses to drop, and the
//! history trigger.

use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shared::engine::Register;
use shared::engine::ddl::{self, create_register};
use shared::engine::declare::fields::*;
use shared::engine::declare::{CodeTable, Place, Sort, Target};
use shared::sql::Sql;

use crate::harness::TestDb;

static SIZE: CodeTable = CodeTable { name: "size", codes: &["s", "m", "l"] };

/// One field of every kind, a unique field, filters, a geometry and a self-reference.
static THINGS: Register = Register {
    fields: &[
        text("name", 40).required().unique(),
        long_text("notes"),
        integer("count", 0, 100),
        decimal("weight", 3),
        money("price"),
        date("bought_on"),
        datetime("seen_at"),
        boolean("broken"),
        choice("size", &SIZE),
        multi_choice("sizes", &SIZE),
        reference("twin", Target::Register("test.things")),
        reference("resident", Target::Resident),
        reference("enterprise", Target::Enterprise),
        reference("house", Target::House),
        reference("village", Target::Village),
        reference("grid", Target::Grid),
        user("keeper"),
        users("watchers"),
        point("location"),
        line("route"),
        polygon("area"),
        photos("photos"),
        files("files"),
    ],
    list: &["name", "size", "bought_on"],
    filters: &["size", "sizes", "broken", "grid"],
    sort: Sort::desc("bought_on"),
    place: Place::Grid,
    ..Register::new("test", "things", "test_things")
};

/// A child table of THINGS.
static PARTS: Register = Register {
    fields: &[text("label", 20).required(), integer("quantity", 1, 1000).required()],
    parent: Some("test.things"),
    ..Register::new("test", "parts", "test_parts")
};

/// THINGS a release later: `notes` renamed `remarks`, one field added.
static THINGS_LATER: Register = Register {
    fields: &[
        text("name", 40).required().unique(),
        long_text("remarks").renamed_from("notes"),
        integer("count", 0, 100),
        decimal("weight", 3),
        money("price"),
        date("bought_on"),
        datetime("seen_at"),
        boolean("broken"),
        choice("size", &SIZE),
        multi_choice("sizes", &SIZE),
        reference("twin", Target::Register("test.things")),
        reference("resident", Target::Resident),
        reference("enterprise", Target::Enterprise),
        reference("house", Target::House),
        reference("village", Target::Village),
        reference("grid", Target::Grid),
        user("keeper"),
        users("watchers"),
        point("location"),
        line("route"),
        polygon("area"),
        photos("photos"),
        files("files"),
        text("colour", 10).required(),
    ],
    ..THINGS
};

async fn execute(conn: &mut AsyncPgConnection, statements: &[String]) {
    for statement in statements {
        diesel::sql_query(statement).execute(conn).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// The declared registers and the test's own.
fn with(test: &[&'static Register]) -> Vec<&'static Register> {
    shared::modules::registers().chain(test.iter().copied()).collect()
}

async fn create_test_registers(conn: &mut AsyncPgConnection) {
    execute(conn, &create_register(&THINGS)).await;
    execute(conn, &create_register(&PARTS)).await;
}

#[tokio::test]
async fn the_migrations_make_the_declared_registers() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let diff = ddl::diff(&mut conn, shared::modules::registers()).await.expect("diff");
    assert!(
        diff.is_empty(),
        "the migrations and the declarations disagree (scripts/check-schema.sh --write):\n{}\n{}",
        diff.statements.join(";\n"),
        diff.problems.join("\n")
    );
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_register_declared_in_a_test_gets_its_table() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    // Before: the generator would create both tables, the parent first.
    let before = ddl::diff(&mut conn, with(&[&PARTS, &THINGS])).await.expect("diff");
    assert!(before.problems.is_empty(), "{:?}", before.problems);
    assert!(before.statements[0].starts_with("CREATE TABLE reg.test_things ("), "{}", before.statements[0]);
    assert!(before.statements.iter().any(|s| s.starts_with("CREATE TABLE reg.test_parts (")));
    // The generated statements apply, and then nothing differs.
    execute(&mut conn, &before.statements).await;
    let after = ddl::diff(&mut conn, with(&[&THINGS, &PARTS])).await.expect("diff");
    assert!(after.is_empty(), "{after:?}");
    // And their undoing applies too.
    execute(&mut conn, &before.reverse).await;
    assert_eq!(ddl::diff(&mut conn, with(&[&THINGS, &PARTS])).await.expect("diff"), before);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn create_register_alone_matches_the_declaration() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_test_registers(&mut conn).await;
    let diff = ddl::diff(&mut conn, with(&[&THINGS, &PARTS])).await.expect("diff");
    assert!(diff.is_empty(), "{diff:?}");
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_later_declaration_adds_and_renames_columns() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_test_registers(&mut conn).await;
    let diff = ddl::diff(&mut conn, with(&[&THINGS_LATER, &PARTS])).await.expect("diff");
    assert!(diff.problems.is_empty(), "{:?}", diff.problems);
    assert_eq!(
        diff.statements,
        [
            "ALTER TABLE reg.test_things RENAME COLUMN notes TO remarks",
            // Nullable although required: the rows already there have no colour.
            "ALTER TABLE reg.test_things ADD COLUMN colour text",
        ]
    );
    execute(&mut conn, &diff.statements).await;
    assert!(ddl::diff(&mut conn, with(&[&THINGS_LATER, &PARTS])).await.expect("diff").is_empty());
    execute(&mut conn, &diff.reverse).await;
    assert!(ddl::diff(&mut conn, with(&[&THINGS, &PARTS])).await.expect("diff").is_empty());
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn what_no_declaration_names_is_reported_never_dropped() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_test_registers(&mut conn).await;
    execute(
        &mut conn,
        &[
            "ALTER TABLE reg.test_things ADD COLUMN stray text".to_owned(),
            "ALTER TABLE reg.test_parts ALTER COLUMN quantity TYPE integer".to_owned(),
            "CREATE TABLE reg.test_leftovers (id bigint)".to_owned(),
        ],
    )
    .await;
    let diff = ddl::diff(&mut conn, with(&[&THINGS, &PARTS])).await.expect("diff");
    assert!(diff.statements.is_empty(), "{:?}", diff.statements);
    assert_eq!(
        diff.problems,
        [
            "reg.test_things.stray: no declaration names this column (it is kept)",
            "reg.test_parts.quantity: the column is integer, the declaration says bigint",
            "reg.test_leftovers: no register declares this table (it is kept)",
        ]
    );
    drop(conn);
    db.finish().await;
}

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct Version {
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Text)]
    operation: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    actor_id: Option<i64>,
    #[diesel(sql_type = Array<Text>)]
    changed: Vec<String>,
    #[diesel(sql_type = Text)]
    name: String,
}

async fn history(conn: &mut AsyncPgConnection, id: i64) -> Vec<Version> {
    Sql::new(
        "SELECT version, operation, actor_id, changed, data ->> 'name' AS name FROM record_history \
         WHERE register = 'test.things' AND record_id = ",
    )
    .bind(id)
    .push(" ORDER BY id")
    .query()
    .load(conn)
    .await
    .expect("history")
}

#[tokio::test]
async fn the_history_trigger_keeps_every_version() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_test_registers(&mut conn).await;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let township: i32 = {
        #[derive(diesel::QueryableByName)]
        struct Township {
            #[diesel(sql_type = Integer)]
            id: i32,
        }
        let row: Township =
            Sql::new("SELECT min(id) AS id FROM townships").query().get_result(&mut *conn).await.expect("township");
        row.id
    };
    let actor: i64 = {
        let row: Id = Sql::new("SELECT min(id) AS id FROM users").query().get_result(&mut *conn).await.expect("user");
        row.id
    };

    // Created by the actor the transaction names.
    let id = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            Sql::new("SELECT set_config('tongguan.actor', ")
                .bind(actor.to_string())
                .push(", true)")
                .query()
                .execute(conn)
                .await?;
            let row: Id = Sql::new("INSERT INTO reg.test_things (township_id, name, count) VALUES (")
                .bind(township)
                .push(", ")
                .bind("锄头")
                .push(", ")
                .bind(3_i64)
                .push(") RETURNING id")
                .query()
                .get_result(conn)
                .await?;
            Ok(row.id)
        })
        .await
        .expect("insert");
    // Edited without an actor (a job): the fields that changed, the new version.
    Sql::new("UPDATE reg.test_things SET name = ")
        .bind("铁锹")
        .push(", version = version + 1, updated_at = now() WHERE id = ")
        .bind(id)
        .query()
        .execute(&mut *conn)
        .await
        .expect("edit");
    // Nothing changed but the bookkeeping: no version kept.
    Sql::new("UPDATE reg.test_things SET version = version + 1, updated_at = now(), count = count WHERE id = ")
        .bind(id)
        .query()
        .execute(&mut *conn)
        .await
        .expect("touch");
    // The operation the service names.
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        Sql::new("SELECT set_config('tongguan.operation', 'delete', true), set_config('tongguan.actor', ")
            .bind(actor.to_string())
            .push(", true)")
            .query()
            .execute(conn)
            .await?;
        Sql::new("UPDATE reg.test_things SET deleted_at = now(), version = version + 1 WHERE id = ")
            .bind(id)
            .query()
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
    .expect("delete");

    let versions = history(&mut conn, id).await;
    assert_eq!(
        versions,
        [
            Version {
                version: 1,
                operation: "create".into(),
                actor_id: Some(actor),
                changed: vec!["count".into(), "name".into(), "township_id".into()],
                name: "锄头".into(),
            },
            Version {
                version: 2,
                operation: "edit".into(),
                actor_id: None,
                changed: vec!["name".into()],
                name: "铁锹".into()
            },
            Version {
                version: 4,
                operation: "delete".into(),
                actor_id: Some(actor),
                changed: vec!["deleted_at".into()],
                name: "铁锹".into(),
            },
        ]
    );
    drop(conn);
    db.finish().await;
}

static LAMPS: Register = Register {
    fields: &[text("name", 20).required(), choice("size", &SIZE)],
    filters: &["size"],
    ..Register::new("test", "lamps", "test_lamps")
};

/// LAMPS with `size` renamed `kind`: its filter index follows.
static LAMPS_LATER: Register = Register {
    fields: &[text("name", 20).required(), choice("kind", &SIZE).renamed_from("size")],
    filters: &["kind"],
    ..LAMPS
};

#[tokio::test]
async fn an_index_is_renamed_with_its_column() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    execute(&mut conn, &create_register(&LAMPS)).await;
    let diff = ddl::diff(&mut conn, with(&[&LAMPS_LATER])).await.expect("diff");
    assert!(diff.problems.is_empty(), "{:?}", diff.problems);
    assert_eq!(
        diff.statements,
        [
            "ALTER TABLE reg.test_lamps RENAME COLUMN size TO kind",
            "ALTER INDEX reg.test_lamps_size_sorted RENAME TO test_lamps_kind_sorted",
        ]
    );
    execute(&mut conn, &diff.statements).await;
    assert!(ddl::diff(&mut conn, with(&[&LAMPS_LATER])).await.expect("diff").is_empty());
    drop(conn);
    db.finish().await;
}

/// The generic list's shape — scope, two filters, the default order, one page — is answered
/// from the register's indexes, not by reading the table.
#[tokio::test]
async fn a_list_with_a_scope_and_two_filters_uses_indexes() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_test_registers(&mut conn).await;
    execute(
        &mut conn,
        &[
            "INSERT INTO reg.test_things (township_id, village_id, grid_id, name, size, broken, bought_on) \
             SELECT g.township_id, g.village_id, g.id, 'thing ' || n, (ARRAY['s', 'm', 'l'])[1 + n % 3], n % 7 = 0, \
                    DATE '2026-01-01' + n % 300 \
               FROM generate_series(1, 3000) n, LATERAL (SELECT * FROM grids ORDER BY id LIMIT 1) g"
                .to_owned(),
            "ANALYZE reg.test_things".to_owned(),
            // Small tables are cheaper to read whole; the question is whether an index can serve.
            "SET enable_seqscan = off".to_owned(),
        ],
    )
    .await;
    #[derive(diesel::QueryableByName)]
    struct Plan {
        #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
        line: String,
    }
    let plan: Vec<Plan> =
        Sql::new("EXPLAIN SELECT id FROM reg.test_things WHERE deleted_at IS NULL AND township_id = ")
            .bind(1)
            .push(" AND grid_id = ")
            .bind(1)
            .push(" AND size = ")
            .bind("m")
            .push(" AND broken = ")
            .bind(false)
            .push(" ORDER BY bought_on DESC, id DESC LIMIT 50")
            .query()
            .load(&mut *conn)
            .await
            .expect("explain");
    let plan: Vec<String> = plan.into_iter().map(|line| line.line).collect();
    assert!(plan.iter().any(|line| line.contains("Index")), "{plan:#?}");
    assert!(!plan.iter().any(|line| line.contains("Seq Scan")), "{plan:#?}");
    drop(conn);
    db.finish().await;
}

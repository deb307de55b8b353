//! Upgrades (R-9.2.3). Migrations are forward-only in production: a release applies its new
//! migrations to the database the previous release left, full of a township's data, and must
//! lose none of it. The test makes that database by taking a seeded one back over this
//! release's newest migrations (their `down.sql`, which development relies on too), reads
//! every table, applies the migrations as a start-up does, and reads again.

use std::collections::BTreeMap;

use diesel::sql_types::{Array, BigInt, Binary, Bool, Nullable, Text};
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::MigrationHarness;

use crate::harness::{PASSWORD, TestDb};

/// The migrations a release adds: the newest this many are taken back and applied again.
const RELEASE_MIGRATIONS: usize = 5;

/// A table as the previous schema had it: its columns, row count and a checksum of its rows.
#[derive(Debug, PartialEq)]
struct Table {
    columns: String,
    rows: i64,
    checksum: String,
}

/// Every table of the application (`public` and the registers' `reg`), read in full.
async fn tables(conn: &mut AsyncPgConnection, only: Option<&BTreeMap<String, Table>>) -> BTreeMap<String, Table> {
    #[derive(diesel::QueryableByName)]
    struct Listed {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        columns: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Read {
        #[diesel(sql_type = BigInt)]
        rows: i64,
        #[diesel(sql_type = Text)]
        checksum: String,
    }
    // Names quoted by PostgreSQL itself (`quote_ident`): they come from its catalogue.
    let listed: Vec<Listed> = diesel::sql_query(
        "SELECT quote_ident(c.table_schema) || '.' || quote_ident(c.table_name) AS name, \
                string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position) AS columns \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' \
         WHERE c.table_schema IN ('public', 'reg') \
           AND c.table_name NOT IN ('__diesel_schema_migrations', 'spatial_ref_sys') \
         GROUP BY c.table_schema, c.table_name ORDER BY 1",
    )
    .load(conn)
    .await
    .expect("the tables");
    let mut read = BTreeMap::new();
    for Listed { name, columns } in listed {
        // After the upgrade, a table is read by the columns it had before (new columns are
        // the upgrade's to add); a table the upgrade made is not compared.
        let columns = match only {
            Some(before) => match before.get(&name) {
                Some(table) => table.columns.clone(),
                None => continue,
            },
            None => columns,
        };
        let Read { rows, checksum } = diesel::sql_query(format!(
            "SELECT count(*) AS rows, coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), '') AS checksum \
             FROM (SELECT {columns} FROM {name}) r"
        ))
        .get_result(conn)
        .await
        .unwrap_or_else(|e| panic!("reading {name}: {e}"));
        read.insert(name, Table { columns, rows, checksum });
    }
    read
}

/// Every resident's ID and mobile numbers, opened, in the order of the residents; sealed ones
/// only (a number still in the clear fails the test).
async fn residents_numbers(conn: &mut AsyncPgConnection) -> Vec<(i64, String, String)> {
    use shared::personal::Column;
    #[derive(diesel::QueryableByName)]
    struct Sealed {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Nullable<Binary>)]
        id_number_sealed: Option<Vec<u8>>,
        #[diesel(sql_type = Nullable<Binary>)]
        phone_sealed: Option<Vec<u8>>,
        #[diesel(sql_type = Bool)]
        clear: bool,
    }
    let keys = shared::personal::keys::installed().expect("the tests' keyring");
    let rows: Vec<Sealed> = diesel::sql_query(
        "SELECT id, id_number_sealed, phone_sealed, (id_number IS NOT NULL OR phone IS NOT NULL) AS clear \
         FROM residents ORDER BY id",
    )
    .load(conn)
    .await
    .expect("residents");
    assert!(rows.len() > 100);
    rows.into_iter()
        .map(|row| {
            assert!(!row.clear, "resident {} holds a number in the clear", row.id);
            let open = |column, sealed: Option<Vec<u8>>| {
                sealed.map(|sealed| keys.open(column, &sealed).expect("opens")).unwrap_or_default()
            };
            (
                row.id,
                open(Column::ResidentIdNumber, row.id_number_sealed),
                open(Column::ResidentPhone, row.phone_sealed),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_newest_migrations_applied_to_the_previous_schema_full_of_data_lose_nothing() {
    let db = TestDb::new().await;
    let url = db.url();
    // A session, so that the busiest table of a running township is not empty either.
    let policy = shared::accounts::service::AuthPolicy::default();
    shared::accounts::service::login::login(&mut *db.conn().await, &policy, "staff", PASSWORD, "upgrade")
        .await
        .expect("login");
    // The previous schema held residents' numbers in the clear: this release's migration keeps
    // them so, and the start-up seals them (`shared::personal`).
    let numbers = residents_numbers(&mut *db.conn().await).await;
    diesel::sql_query(
        "UPDATE residents r SET id_number = t.id_number, phone = t.phone, \
           id_number_sealed = NULL, id_number_index = NULL, phone_sealed = NULL, phone_index = NULL \
         FROM unnest($1::int8[], $2::text[], $3::text[]) AS t(id, id_number, phone) WHERE r.id = t.id",
    )
    .bind::<Array<BigInt>, _>(numbers.iter().map(|n| n.0).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(numbers.iter().map(|n| n.1.clone()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(numbers.iter().map(|n| n.2.clone()).collect::<Vec<_>>())
    .execute(&mut *db.conn().await)
    .await
    .expect("residents in the clear");
    // And events' contact numbers in the clear, one of them given.
    diesel::sql_query(
        "UPDATE events SET contact_phone = CASE WHEN id = (SELECT min(id) FROM events) THEN '13812345678' ELSE '' END \
         WHERE contact_phone <> '' OR id = (SELECT min(id) FROM events)",
    )
    .execute(&mut *db.conn().await)
    .await
    .expect("a contact number in the clear");
    let taken_back = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn =
                <AsyncConnectionWrapper<AsyncPgConnection> as diesel::Connection>::establish(&url).expect("connect");
            (0..RELEASE_MIGRATIONS)
                .map(|_| conn.revert_last_migration(server::database::MIGRATIONS).expect("down.sql").to_string())
                .collect::<Vec<_>>()
        })
        .await
        .expect("revert")
    };
    assert_eq!(taken_back.len(), RELEASE_MIGRATIONS);

    let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
    let before = tables(&mut conn, None).await;
    assert!(before.len() > 40, "the previous schema's tables: {}", before.len());
    for busy in ["public.users", "public.events", "public.audit_log", "public.sessions"] {
        assert!(before.get(busy).is_some_and(|t| t.rows > 0), "{busy} holds data before the upgrade");
    }
    drop(conn);

    // The upgrade, as `tongguan` runs it at start: the migrations keep every table the
    // previous schema had, with the same rows and the same values in its columns.
    server::database::migrate(&url).await.expect("the upgrade");
    let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
    let after = tables(&mut conn, Some(&before)).await;
    for (name, table) in &before {
        assert_eq!(Some(table), after.get(name), "{name} is kept exactly as it was");
    }
    // Then the start-up refreshes its reference data (built-in roles, categories, the
    // calendar) over the upgraded schema, as it does at every start.
    server::database::prepare(&mut conn).await.expect("the reference data over the upgraded schema");
    // And seals the residents' numbers, each the number it was.
    assert_eq!(residents_numbers(&mut conn).await, numbers, "every resident's numbers sealed as they were");
    // And the event's contact number, the only one.
    #[derive(diesel::QueryableByName)]
    struct Phone {
        #[diesel(sql_type = Text)]
        contact_phone: String,
    }
    let phones: Vec<Phone> = diesel::sql_query("SELECT contact_phone FROM events WHERE contact_phone <> ''")
        .load(&mut conn)
        .await
        .expect("contact numbers");
    let keys = shared::personal::keys::installed().expect("the tests' keyring");
    let opened: Vec<String> = phones
        .iter()
        .map(|p| {
            assert!(p.contact_phone.starts_with("sm4:"), "sealed: {}", p.contact_phone);
            keys.open_text(shared::personal::Column::EventContactPhone, &p.contact_phone).expect("opens")
        })
        .collect();
    assert_eq!(opened, ["13812345678"]);
    drop(conn);
    db.finish().await;
}

//! The module engine's service (`shared::engine::service`) on a register declared only here,
//! in the test tree — the proof that a register needs no code of its own: its table comes
//! from `ddl::create_register`, and list, read, create, edit, delete, history, as-of, restore,
//! the naming series, the permissions and the data scope from the engine.

use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shared::accounts::SessionUser;
use shared::engine::declare::fields::*;
use shared::engine::declare::{CodeTable, NamingSeries, Place, Register, Sort, Target};
use shared::engine::service;
use shared::engine::{Action, Count, ListQuery, RecordForm, Value};
use shared::permissions::DataScope;
use shared::sql::Sql;
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;

static SHED_KIND: CodeTable = CodeTable { name: "shed_kind", codes: &["cow", "pig"] };

/// 牛棚: a register of a test module, with a field of most kinds, a reference to itself, a
/// unique field and a naming series.
static SHEDS: Register = Register {
    fields: &[
        text("name", 40).required(),
        integer("cows", 0, 1000),
        money("rent"),
        date("built_on"),
        choice("kind", &SHED_KIND).required(),
        reference("neighbour", Target::Register("test.sheds")),
        point("location"),
        text("tag", 20).unique(),
    ],
    list: &["name", "cows", "rent", "built_on", "kind", "neighbour"],
    filters: &["kind", "neighbour"],
    sort: Sort::asc("name"),
    place: Place::Grid,
    naming: Some(NamingSeries { prefix: "棚", suffix: "号", on_state: None }),
    ..Register::new("test", "sheds", "test_sheds")
};

/// A grid of the demo township and its village.
#[derive(Debug, Clone, Copy, diesel::QueryableByName)]
struct Grid {
    #[diesel(sql_type = Integer)]
    township_id: i32,
    #[diesel(sql_type = Integer)]
    village_id: i32,
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// Two grids of the same township in different villages, and a second grid of the first
/// one's village.
async fn grids(conn: &mut AsyncPgConnection) -> (Grid, Grid, Grid) {
    let all: Vec<Grid> =
        diesel::sql_query("SELECT township_id, village_id, id FROM grids ORDER BY id").load(conn).await.expect("grids");
    let first = all[0];
    let other_village = *all
        .iter()
        .find(|g| g.village_id != first.village_id && g.township_id == first.township_id)
        .expect("another village");
    let same_village =
        *all.iter().find(|g| g.village_id == first.village_id && g.id != first.id).expect("a second grid");
    (first, other_village, same_village)
}

/// The register's table, made from its declaration.
async fn create_table(conn: &mut AsyncPgConnection) {
    for statement in shared::engine::ddl::create_register(&SHEDS) {
        diesel::sql_query(statement).execute(conn).await.expect("create the register's table");
    }
}

/// A clerk with every fixed action on the register, the given scope and place.
fn clerk(base: &SessionUser, scope: DataScope, grid: &Grid) -> SessionUser {
    let mut user = base.clone();
    user.scope = scope;
    user.township_id = grid.township_id;
    user.village_id = Some(grid.village_id);
    user.grid_id = Some(grid.id);
    user.records = Action::FIXED.iter().map(|action| action.code(&SHEDS)).collect();
    user
}

fn form(grid: &Grid, pairs: &[(&str, &str)]) -> RecordForm {
    RecordForm {
        values: pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        grid_id: Some(grid.id),
        ..RecordForm::default()
    }
}

async fn count_rows(conn: &mut AsyncPgConnection) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query("SELECT count(*) AS n FROM reg.test_sheds").get_result(conn).await.expect("count");
    n.n
}

fn codes(error: AppError) -> Vec<(String, ErrorCode)> {
    match error {
        AppError::Validation(errors) => errors.into_iter().map(|FieldError { field, code }| (field, code)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_record_lives_through_create_edit_delete_and_restore_with_its_history() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (grid, _, _) = grids(&mut conn).await;
    let user = clerk(&db.user("staff").await, DataScope::Township, &grid);

    let first = service::create(&mut conn, &user, &SHEDS, &form(&grid, &[("name", "东棚"), ("kind", "cow")]))
        .await
        .expect("a first shed");
    let values = [
        ("name", "西棚"),
        ("cows", "12"),
        ("rent", "1,234.5"),
        ("built_on", "2026-03-01"),
        ("kind", "pig"),
        ("neighbour", &first.to_string()),
        ("location", "120.61, 31.32"),
        ("tag", "W-1"),
    ];
    let id = service::create(&mut conn, &user, &SHEDS, &form(&grid, &values)).await.expect("create");
    let record = service::get(&mut conn, &user, &SHEDS, id).await.expect("get");
    assert_eq!(record.version, 1);
    assert_eq!(record.grid_id, Some(grid.id));
    assert_eq!(record.village_id, Some(grid.village_id));
    assert!(!record.place.is_empty());
    assert_eq!(record.values["cows"], Value::Integer(12));
    assert_eq!(record.values["rent"], Value::Decimal("1234.50".into()));
    assert_eq!(record.values["kind"], Value::Code("pig".into()));
    assert_eq!(record.values["neighbour"], Value::Id(first));
    assert_eq!(record.labels["neighbour"], "东棚");
    let Value::Geometry(location) = &record.values["location"] else { panic!("a point") };
    let location: serde_json::Value = serde_json::from_str(location).expect("GeoJSON");
    assert_eq!(location, serde_json::json!({"type": "Point", "coordinates": [120.61, 31.32]}));
    let year = shared::time::today().format("%Y").to_string();
    assert_eq!(record.number, Some(format!("棚〔{year}〕2号")));
    assert_eq!(record.created_by, user.display_name);

    // An edit names the version it saw.
    let mut edit = form(&grid, &values);
    edit.values.insert("cows".into(), "13".into());
    edit.values.remove("tag");
    edit.version = Some(1);
    service::update(&mut conn, &user, &SHEDS, id, &edit).await.expect("edit");
    let stale = service::update(&mut conn, &user, &SHEDS, id, &RecordForm { version: Some(1), ..edit.clone() }).await;
    assert_eq!(stale, Err(AppError::Conflict(ErrorCode::RecordStale)));
    let after = service::get(&mut conn, &user, &SHEDS, id).await.expect("get");
    assert_eq!((after.version, &after.values["cows"]), (2, &Value::Integer(13)));
    assert!(!after.values.contains_key("tag"));
    // The same values again change nothing, and make no version.
    service::update(&mut conn, &user, &SHEDS, id, &RecordForm { version: Some(2), ..edit.clone() })
        .await
        .expect("an edit without change");
    assert_eq!(service::get(&mut conn, &user, &SHEDS, id).await.expect("get").version, 2);

    assert_eq!(service::delete(&mut conn, &user, &SHEDS, id, 1).await, Err(AppError::Conflict(ErrorCode::RecordStale)));
    service::delete(&mut conn, &user, &SHEDS, id, 2).await.expect("delete");
    assert_eq!(service::get(&mut conn, &user, &SHEDS, id).await, Err(AppError::NotFound));

    let history = service::history(&mut conn, &user, &SHEDS, id).await.expect("history");
    let summary: Vec<(i32, shared::engine::record::Operation)> =
        history.iter().map(|v| (v.version, v.operation)).collect();
    use shared::engine::record::Operation as Op;
    assert_eq!(summary, vec![(3, Op::Delete), (2, Op::Edit), (1, Op::Create)]);
    assert!(history.iter().all(|v| v.actor == user.display_name));
    assert_eq!(history[1].changed, vec!["cows".to_owned(), "tag".to_owned()]);
    assert!(history[0].changed.contains(&"deleted_at".to_owned()));
    assert_eq!(history[2].values["tag"], Value::Text("W-1".into()));
    assert_eq!(history[2].values["rent"], Value::Decimal("1234.50".into()));
    assert_eq!(history[2].values["location"], record.values["location"]);

    // As of a moment: the version then current; before the record, none.
    let created_at = history[2].at;
    let then = service::as_of(&mut conn, &user, &SHEDS, id, created_at).await.expect("as of");
    assert_eq!(then.map(|v| v.version), Some(1));
    let before = service::as_of(&mut conn, &user, &SHEDS, id, created_at - chrono::Duration::seconds(1)).await;
    assert_eq!(before, Ok(None));

    // Restoring version 1 brings the deleted record back with its first values, as version 4.
    service::restore(&mut conn, &user, &SHEDS, id, 1).await.expect("restore");
    let restored = service::get(&mut conn, &user, &SHEDS, id).await.expect("restored");
    assert_eq!(restored.version, 4);
    assert_eq!(restored.values, record.values);
    let newest = &service::history(&mut conn, &user, &SHEDS, id).await.expect("history")[0];
    assert_eq!((newest.version, newest.operation), (4, Op::Restore));
    assert_eq!(service::restore(&mut conn, &user, &SHEDS, id, 99).await, Err(AppError::NotFound));

    // Every write is audited.
    #[derive(diesel::QueryableByName)]
    struct Action_ {
        #[diesel(sql_type = Text)]
        action: String,
    }
    let audited: Vec<Action_> = Sql::new("SELECT action FROM audit_log WHERE target = ")
        .bind(format!("test.sheds#{id}"))
        .push(" ORDER BY id")
        .query()
        .load(&mut conn)
        .await
        .expect("audit");
    let audited: Vec<String> = audited.into_iter().map(|a| a.action).collect();
    assert_eq!(audited, ["record.create", "record.edit", "record.delete", "record.restore"]);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn every_problem_is_reported_at_once_and_nothing_is_written() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (grid, other, _) = grids(&mut conn).await;
    let user = clerk(&db.user("staff").await, DataScope::Township, &grid);

    let mut bad = form(&grid, &[("cows", "1001"), ("rent", "1.234"), ("kind", "horse"), ("built_on", "2026-13-01")]);
    bad.grid_id = None;
    let mut problems = codes(service::create(&mut conn, &user, &SHEDS, &bad).await.expect_err("refused"));
    problems.sort();
    let mut expected = vec![
        ("name".to_owned(), ErrorCode::Required),
        ("cows".to_owned(), ErrorCode::FieldOutOfRange),
        ("rent".to_owned(), ErrorCode::FieldTooPrecise),
        ("kind".to_owned(), ErrorCode::FieldNotAChoice),
        ("built_on".to_owned(), ErrorCode::FieldNotADate),
        ("grid_id".to_owned(), ErrorCode::Required),
    ];
    expected.sort();
    assert_eq!(problems, expected);

    // A grid outside the named village; a reference to nothing; a taken unique value.
    service::create(&mut conn, &user, &SHEDS, &form(&grid, &[("name", "甲"), ("kind", "cow"), ("tag", "T")]))
        .await
        .expect("first");
    let mut outside = form(&grid, &[("name", "乙"), ("kind", "cow")]);
    outside.village_id = Some(other.village_id);
    assert_eq!(
        codes(service::create(&mut conn, &user, &SHEDS, &outside).await.expect_err("refused")),
        vec![("grid_id".to_owned(), ErrorCode::RoutingGridOutsideVillage)]
    );
    let taken = form(&grid, &[("name", "乙"), ("kind", "cow"), ("tag", "T"), ("neighbour", "999999")]);
    let mut problems = codes(service::create(&mut conn, &user, &SHEDS, &taken).await.expect_err("refused"));
    problems.sort();
    assert_eq!(
        problems,
        vec![("neighbour".to_owned(), ErrorCode::FieldNotAReference), ("tag".to_owned(), ErrorCode::FieldTaken)]
    );
    assert_eq!(count_rows(&mut conn).await, 1);
    // The counter gave no number to what was refused: the next record is the second.
    let id = service::create(&mut conn, &user, &SHEDS, &form(&grid, &[("name", "丙"), ("kind", "cow")]))
        .await
        .expect("next");
    let number = service::get(&mut conn, &user, &SHEDS, id).await.expect("get").number.expect("a number");
    assert!(number.ends_with("〕2号"), "{number}");

    // A value taken by a deleted record is free again.
    let tagged = service::list(&mut conn, &user, &SHEDS, &ListQuery { q: "甲".into(), ..Default::default() })
        .await
        .expect("list");
    service::delete(&mut conn, &user, &SHEDS, tagged.rows[0].id, 1).await.expect("delete");
    service::create(&mut conn, &user, &SHEDS, &form(&grid, &[("name", "丁"), ("kind", "cow"), ("tag", "T")]))
        .await
        .expect("the tag is free");
    drop(conn);
    db.finish().await;
}

/// Inserts `n` records straight into the table (the list is under test, not the form): names
/// repeat (ties on the sort), every third has no cows (NULLs in the sort), kinds alternate.
async fn fill(conn: &mut AsyncPgConnection, grid: &Grid, n: i32, owner: i64) {
    Sql::new(
        "INSERT INTO reg.test_sheds (township_id, village_id, grid_id, owner_id, name, cows, kind) \
         SELECT ",
    )
    .bind(grid.township_id)
    .push(", ")
    .bind(grid.village_id)
    .push(", ")
    .bind(grid.id)
    .push(", ")
    .bind(owner)
    .push(
        ", '棚' || (i % 37), CASE WHEN i % 3 = 0 THEN NULL ELSE i % 50 END, \
         CASE WHEN i % 2 = 0 THEN 'cow' ELSE 'pig' END FROM generate_series(1, ",
    )
    .bind(n)
    .push(") i")
    .query()
    .execute(conn)
    .await
    .expect("fill");
}

#[tokio::test]
async fn keyset_pages_return_every_row_once_in_order_and_counts_stop_at_the_cap() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (grid, _, _) = grids(&mut conn).await;
    let user = clerk(&db.user("staff").await, DataScope::Township, &grid);
    fill(&mut conn, &grid, 500, user.id).await;

    // The expected order, computed apart: pigs by cows descending, NULLs first, then id.
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Nullable<BigInt>)]
        cows: Option<i64>,
    }
    let mut expected: Vec<Row> = diesel::sql_query("SELECT id, cows FROM reg.test_sheds WHERE kind = 'pig'")
        .load(&mut conn)
        .await
        .expect("rows");
    expected.sort_by(|a, b| match (a.cows, b.cows) {
        (None, None) => b.id.cmp(&a.id),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x).then(b.id.cmp(&a.id)),
    });
    assert_eq!(expected.len(), 250);
    let expected: Vec<i64> = expected.iter().map(|row| row.id).collect();

    let mut query = ListQuery {
        filters: BTreeMap::from([("kind".to_owned(), "pig".to_owned())]),
        sort: "cows".into(),
        descending: Some(true),
        limit: 17,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = service::list(&mut conn, &user, &SHEDS, &query).await.expect("page");
        // 250 pigs, past the count's cap: "at least" on every page.
        assert_eq!(page.count, Count::AtLeast(service::COUNT_CAP as u64));
        assert!(page.rows.len() <= 17);
        assert!(page.rows.iter().all(|row| row.values["kind"] == Value::Code("pig".into())));
        seen.extend(page.rows.iter().map(|row| row.id));
        pages += 1;
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 15);
    assert_eq!(seen, expected);
    // Fifteen pages and their counts from a few statements, each prepared once on this
    // connection and executed from then on (`Sql::prepared`).
    #[derive(diesel::QueryableByName)]
    struct Prepared {
        #[diesel(sql_type = BigInt)]
        statements: i64,
        #[diesel(sql_type = BigInt)]
        runs: i64,
    }
    let prepared: Prepared = diesel::sql_query(
        "SELECT count(*) AS statements, coalesce(sum(generic_plans + custom_plans), 0)::bigint AS runs \
         FROM pg_prepared_statements WHERE statement LIKE '%FROM reg.test_sheds r%' \
         AND statement NOT LIKE '%pg_prepared_statements%'",
    )
    .get_result(&mut conn)
    .await
    .expect("prepared statements");
    // The texts: the first page, a page after a number and one after none (NULLs sort
    // first), the count.
    assert_eq!(prepared.statements, 4);
    assert_eq!(prepared.runs, 15 + 15, "each page's rows and its count, all from those statements");

    // The default order (name ascending, ties by id) pages the whole register the same way.
    let mut query = ListQuery { limit: 100, ..Default::default() };
    let mut names = Vec::new();
    loop {
        let page = service::list(&mut conn, &user, &SHEDS, &query).await.expect("page");
        names.extend(page.rows.iter().map(|row| (row.values["name"].clone(), row.id)));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| match (&a.0, &b.0) {
        (Value::Text(x), Value::Text(y)) => x.cmp(y).then(a.1.cmp(&b.1)),
        _ => unreachable!(),
    });
    assert_eq!(names.len(), 500);
    assert_eq!(names, sorted);

    // A prefix search of the first text field.
    let found =
        service::list(&mut conn, &user, &SHEDS, &ListQuery { q: "棚3".into(), limit: 100, ..Default::default() })
            .await
            .expect("search");
    assert!(found.rows.iter().all(|row| matches!(&row.values["name"], Value::Text(name) if name.starts_with("棚3"))));
    assert!(!found.rows.is_empty());

    // Beyond the cap, the count says "at least".
    fill(&mut conn, &grid, 600, user.id).await;
    let all = service::list(&mut conn, &user, &SHEDS, &ListQuery::default()).await.expect("list");
    assert_eq!(all.count, Count::AtLeast(service::COUNT_CAP as u64));
    assert_eq!(all.rows.len(), 50);

    // Refused: a forged cursor, a cursor of another sort, an undeclared filter, a bad filter
    // value, an unknown sort, too long a page.
    // A cursor's text value is only ever bound: SQL in it is a name like any other.
    let text = ListQuery { after: Some(hex::encode("name\u{1f}a\u{1f}1\u{1f}v' OR 1=1 --")), ..Default::default() };
    let page = service::list(&mut conn, &user, &SHEDS, &text).await.expect("a bound value");
    assert_eq!(page.rows.len(), 50);
    let forged_number = hex::encode("cows\u{1f}a\u{1f}1\u{1f}v1; DROP TABLE reg.test_sheds");
    let forged = ListQuery { sort: "cows".into(), after: Some(forged_number), ..Default::default() };
    assert_eq!(
        service::list(&mut conn, &user, &SHEDS, &forged).await,
        Err(AppError::field("after", ErrorCode::ListCursorInvalid))
    );
    for after in ["not hex", &"00".repeat(10)] {
        let query = ListQuery { after: Some(after.into()), ..Default::default() };
        assert_eq!(
            service::list(&mut conn, &user, &SHEDS, &query).await,
            Err(AppError::field("after", ErrorCode::ListCursorInvalid))
        );
    }
    let other_sort = ListQuery { sort: "cows".into(), after: all.next.clone(), ..Default::default() };
    assert_eq!(
        service::list(&mut conn, &user, &SHEDS, &other_sort).await,
        Err(AppError::field("after", ErrorCode::ListCursorInvalid))
    );
    let bad = ListQuery {
        filters: BTreeMap::from([("tag".to_owned(), "x".to_owned()), ("kind".to_owned(), "horse".to_owned())]),
        sort: "location".into(),
        limit: 101,
        ..Default::default()
    };
    let mut problems = codes(service::list(&mut conn, &user, &SHEDS, &bad).await.expect_err("refused"));
    problems.sort();
    let mut expected = vec![
        ("limit".to_owned(), ErrorCode::PagingPerPageOutOfRange),
        ("tag".to_owned(), ErrorCode::FieldUnknown),
        ("kind".to_owned(), ErrorCode::FieldNotAChoice),
        ("sort".to_owned(), ErrorCode::ListSortUnknown),
    ];
    expected.sort();
    assert_eq!(problems, expected);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn every_scope_sees_exactly_its_records_and_nothing_else() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (grid, other_village, same_village) = grids(&mut conn).await;
    let base = db.user("staff").await;
    let owner = db.user("village").await;
    fill(&mut conn, &grid, 30, base.id).await;
    fill(&mut conn, &same_village, 20, owner.id).await;
    fill(&mut conn, &other_village, 10, base.id).await;

    for (scope, want) in [
        (DataScope::County, 60),
        (DataScope::Township, 60),
        (DataScope::Village, 50),
        (DataScope::Grid, 30),
        (DataScope::SelfOnly, 40),
    ] {
        let user = clerk(&base, scope, &grid);
        let page = service::list(&mut conn, &user, &SHEDS, &ListQuery { limit: 100, ..Default::default() })
            .await
            .expect("list");
        assert_eq!(page.count, Count::Exact(want), "{scope:?}");
        assert_eq!(page.rows.len() as u64, want, "{scope:?}");
    }
    // Someone who sees only their own records sees those they are responsible for (above:
    // the 40 of `base`).
    let own = clerk(&owner, DataScope::SelfOnly, &grid);
    let page =
        service::list(&mut conn, &own, &SHEDS, &ListQuery { limit: 100, ..Default::default() }).await.expect("list");
    assert_eq!(page.count, Count::Exact(20));

    // A record outside the scope is not found, by any path.
    let grid_worker = clerk(&base, DataScope::Grid, &grid);
    let elsewhere: i64 = {
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        let found: Id = Sql::new("SELECT id FROM reg.test_sheds WHERE grid_id = ")
            .bind(other_village.id)
            .push(" LIMIT 1")
            .query()
            .get_result(&mut conn)
            .await
            .expect("a record elsewhere");
        found.id
    };
    assert_eq!(service::get(&mut conn, &grid_worker, &SHEDS, elsewhere).await, Err(AppError::NotFound));
    assert_eq!(service::history(&mut conn, &grid_worker, &SHEDS, elsewhere).await, Err(AppError::NotFound));
    let edit = RecordForm { version: Some(1), ..form(&grid, &[("name", "改"), ("kind", "cow")]) };
    assert_eq!(service::update(&mut conn, &grid_worker, &SHEDS, elsewhere, &edit).await, Err(AppError::NotFound));
    assert_eq!(service::delete(&mut conn, &grid_worker, &SHEDS, elsewhere, 1).await, Err(AppError::NotFound));
    // Nor can they write a record where they would not see it.
    assert_eq!(
        codes(
            service::create(&mut conn, &grid_worker, &SHEDS, &form(&same_village, &[("name", "外"), ("kind", "cow")]))
                .await
                .expect_err("outside")
        ),
        vec![("grid_id".to_owned(), ErrorCode::RecordPlaceOutside)]
    );
    // A reference's options are the records the user may see, at most 50.
    let options =
        service::reference_options(&mut conn, &grid_worker, &SHEDS, "neighbour", "棚1").await.expect("options");
    assert!(!options.is_empty() && options.len() <= 50);
    #[derive(diesel::QueryableByName)]
    struct Grid_ {
        #[diesel(sql_type = Nullable<Integer>)]
        grid_id: Option<i32>,
    }
    for (id, name) in &options {
        assert!(name.starts_with("棚1"));
        let found: Grid_ = Sql::new("SELECT grid_id FROM reg.test_sheds WHERE id = ")
            .bind(*id)
            .query()
            .get_result(&mut conn)
            .await
            .expect("the option's record");
        assert_eq!(found.grid_id, Some(grid.id));
    }
    assert_eq!(
        service::reference_options(&mut conn, &grid_worker, &SHEDS, "name", "").await,
        Err(AppError::field("field", ErrorCode::FieldUnknown))
    );
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn without_the_permission_nothing_is_read_or_written() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (grid, _, _) = grids(&mut conn).await;
    let clerk_ = clerk(&db.user("staff").await, DataScope::Township, &grid);
    let id = service::create(&mut conn, &clerk_, &SHEDS, &form(&grid, &[("name", "东棚"), ("kind", "cow")]))
        .await
        .expect("create");
    // May view, nothing else.
    let viewer = SessionUser { records: [Action::View.code(&SHEDS)].into_iter().collect(), ..clerk_.clone() };
    let nobody = SessionUser { records: Default::default(), ..clerk_.clone() };
    service::get(&mut conn, &viewer, &SHEDS, id).await.expect("a viewer reads");
    let new = form(&grid, &[("name", "西棚"), ("kind", "cow")]);
    assert_eq!(service::create(&mut conn, &viewer, &SHEDS, &new).await, Err(AppError::Forbidden));
    let edit = RecordForm { version: Some(1), ..new.clone() };
    assert_eq!(service::update(&mut conn, &viewer, &SHEDS, id, &edit).await, Err(AppError::Forbidden));
    assert_eq!(service::delete(&mut conn, &viewer, &SHEDS, id, 1).await, Err(AppError::Forbidden));
    assert_eq!(service::restore(&mut conn, &viewer, &SHEDS, id, 1).await, Err(AppError::Forbidden));
    assert_eq!(service::get(&mut conn, &nobody, &SHEDS, id).await, Err(AppError::Forbidden));
    assert_eq!(service::list(&mut conn, &nobody, &SHEDS, &ListQuery::default()).await, Err(AppError::Forbidden));
    assert_eq!(service::history(&mut conn, &nobody, &SHEDS, id).await, Err(AppError::Forbidden));
    assert_eq!(service::reference_options(&mut conn, &nobody, &SHEDS, "neighbour", "").await, Err(AppError::Forbidden));
    assert_eq!(count_rows(&mut conn).await, 1);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn the_naming_series_is_gap_free_under_concurrent_creates_and_per_year() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (grid, _, _) = grids(&mut conn).await;
    let user = clerk(&db.user("staff").await, DataScope::Township, &grid);

    // 20 creates at once, each on its own connection; one of them refused (a taken tag)
    // after taking its place in the queue.
    service::create(&mut conn, &user, &SHEDS, &form(&grid, &[("name", "首"), ("kind", "cow"), ("tag", "taken")]))
        .await
        .expect("the first");
    let mut tasks = Vec::new();
    for i in 0..20 {
        let url = db.url();
        let user = user.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
            let name = format!("并发{i}");
            let tag = if i == 7 { "taken".to_owned() } else { format!("t{i}") };
            service::create(&mut conn, &user, &SHEDS, &form(&grid, &[("name", &name), ("kind", "pig"), ("tag", &tag)]))
                .await
        }));
    }
    let mut created = 0;
    for task in tasks {
        if task.await.expect("task").is_ok() {
            created += 1;
        }
    }
    assert_eq!(created, 19);
    #[derive(diesel::QueryableByName)]
    struct Number {
        #[diesel(sql_type = Text)]
        number: String,
    }
    let numbers: Vec<Number> =
        diesel::sql_query("SELECT number FROM reg.test_sheds").load(&mut conn).await.expect("numbers");
    let year = shared::time::today().format("%Y").to_string();
    let mut numbers: Vec<String> = numbers.into_iter().map(|n| n.number).collect();
    numbers.sort();
    let mut expected: Vec<String> = (1..=20).map(|n| format!("棚〔{year}〕{n}号")).collect();
    expected.sort();
    assert_eq!(numbers, expected);

    // Each year counts from 1, whatever the others have given.
    let series = SHEDS.naming.expect("a series");
    let (a, b) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let a = service::next_number(conn, &SHEDS, &series, 2025).await?;
            let b = service::next_number(conn, &SHEDS, &series, 2025).await?;
            Ok((a, b))
        })
        .await
        .expect("numbers of 2025");
    assert_eq!((a.as_str(), b.as_str()), ("棚〔2025〕1号", "棚〔2025〕2号"));
    let next = service::next_number(&mut conn, &SHEDS, &series, year.parse().expect("year")).await.expect("next");
    assert_eq!(next, format!("棚〔{year}〕21号"));
    drop(conn);
    db.finish().await;
}

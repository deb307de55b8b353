//! Run-time registers (`shared::engine::service::runtime`): made by an administrator with no
//! code and no DDL, they get the engine's generic features — custom fields with their index,
//! forms checked, list with filters and data scope, history, the menu, the role editor, the
//! catalogue — and stay apart from each other in their shared table. One made by another
//! server process (its row written by SQL, as that process would) opens here at once.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use http::StatusCode;
use shared::accounts::SessionUser;
use shared::engine::custom::CustomFieldForm;
use shared::engine::declare::Place;
use shared::engine::runtime::RuntimeRegisterForm;
use shared::engine::service::{self, runtime};
use shared::engine::{Action, ListQuery, RecordForm, Register};
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;
use crate::http::{get, login, router, send};

fn form(name: &str, zh: &str, place: &str) -> RuntimeRegisterForm {
    RuntimeRegisterForm {
        name: name.into(),
        title_zh: zh.into(),
        title_en: format!("{name} (en)"),
        place: place.into(),
    }
}

fn field(key: &str, kind: &str, options: &str, filterable: bool) -> CustomFieldForm {
    CustomFieldForm {
        key: key.into(),
        kind: kind.into(),
        label_zh: format!("{key}（中）"),
        label_en: key.into(),
        options: options.into(),
        required: Some("on".into()),
        in_list: Some("on".into()),
        filterable: filterable.then(|| "on".into()),
    }
}

fn codes(result: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, ErrorCode)> {
    match result {
        Err(AppError::Validation(errors)) => {
            errors.into_iter().map(|FieldError { field, code }| (field, code)).collect()
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn record(village: i32, extra: &[(&str, &str)]) -> RecordForm {
    RecordForm {
        extra: extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        village_id: Some(village),
        ..RecordForm::default()
    }
}

async fn count(conn: &mut AsyncPgConnection, sql: &str, name: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query(sql).bind::<Text, _>(name).get_result(conn).await.expect("count");
    n.n
}

/// A register's records the user's list shows.
async fn listed(conn: &mut AsyncPgConnection, user: &SessionUser, register: &'static Register) -> Vec<i64> {
    let page = service::list(conn, user, register, &ListQuery::default()).await.expect("list");
    page.rows.iter().map(|row| row.id).collect()
}

#[tokio::test]
async fn a_register_made_at_run_time_gets_the_generic_features_and_keeps_to_itself() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let admin = db.user("sysadmin").await;

    // Refused as a whole, with every reason, and nothing made; only with the permission.
    assert_eq!(
        codes(runtime::create(&mut conn, &admin, &form("Flood-1", "", "county")).await),
        vec![
            ("name".into(), ErrorCode::RegisterNameInvalid),
            ("title_zh".into(), ErrorCode::Required),
            ("place".into(), ErrorCode::FieldNotAChoice),
        ]
    );
    let staff = db.user("staff").await;
    assert_eq!(
        runtime::create(&mut conn, &staff, &form("rt_flood", "防汛物资", "village")).await.map(|r| r.key()),
        Err(AppError::Forbidden)
    );
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM runtime_registers WHERE name <> $1", "").await, 0);

    let flood = runtime::create(&mut conn, &admin, &form("rt_flood", "防汛物资", "village")).await.expect("create");
    assert_eq!((flood.key().as_str(), flood.table, flood.place), ("ledger.rt_flood", "ledger_records", Place::Village));
    assert_eq!(
        codes(runtime::create(&mut conn, &admin, &form("rt_flood", "又一本", "township")).await),
        vec![("name".into(), ErrorCode::RegisterNameTaken)]
    );
    let patrol = runtime::create(&mut conn, &admin, &form("rt_patrol", "巡查台账", "village")).await.expect("create");
    // The same declaration every time it is read: what is leaked is bounded by the registers.
    runtime::refresh(&mut conn).await.expect("refresh");
    assert!(std::ptr::eq(shared::modules::register("ledger", "rt_flood").expect("known"), flood));
    let audited = count(
        &mut conn,
        "SELECT count(*) AS n FROM audit_log WHERE action = 'register.create' AND target = $1",
        "ledger.rt_flood",
    )
    .await;
    assert_eq!(audited, 1);

    // The built-in roles took its codes: the administrator configures it, the staff use it.
    let admin = db.user("sysadmin").await;
    assert!(admin.may(flood, Action::Configure) && !admin.may(flood, Action::View));
    let staff = db.user("staff").await;
    assert!(staff.may(flood, Action::View) && staff.may(flood, Action::Create) && staff.may(flood, Action::Export));
    let link = staff.registers.iter().find(|link| link.module == "ledger" && link.name == "rt_flood").expect("menu");
    assert_eq!(link.title.as_ref().map(|t| t.zh.as_str()), Some("防汛物资"));
    let grants = service::grants(&|key: &str| key.to_owned());
    assert!(grants.iter().any(|g| g.grants.iter().any(|grant| grant.code == "m.ledger.rt_flood.view")), "role editor");

    // Its fields are custom fields; a filterable one is indexed on the shared table.
    service::add_custom_field(&mut conn, &admin, flood, &field("item", "text", "", true)).await.expect("item");
    service::add_custom_field(&mut conn, &admin, flood, &field("kind", "choice", "沙袋\n救生衣", true))
        .await
        .expect("kind");
    service::add_custom_field(&mut conn, &admin, flood, &field("quantity", "integer", "", false)).await.expect("qty");
    assert!(service::indexed(&mut conn, flood, "item").await.expect("indexed"));
    service::add_custom_field(&mut conn, &admin, patrol, &field("road", "text", "", false)).await.expect("road");

    // Forms are checked as any register's: every problem at once, and nothing written.
    let village = staff.village_id.unwrap_or(1);
    let villages = count(&mut conn, "SELECT min(id)::bigint AS n FROM villages WHERE name <> $1", "").await as i32;
    let village = if staff.village_id.is_some() { village } else { villages };
    let mut problems = codes(
        service::create(&mut conn, &staff, flood, &record(village, &[("kind", "帐篷"), ("quantity", "x")])).await,
    );
    problems.sort();
    assert_eq!(
        problems,
        vec![
            ("item".into(), ErrorCode::Required),
            ("kind".into(), ErrorCode::FieldNotAChoice),
            ("quantity".into(), ErrorCode::FieldNotANumber),
        ]
    );
    let bags = [("item", "编织袋"), ("kind", "沙袋"), ("quantity", "500")];
    let first = service::create(&mut conn, &staff, flood, &record(village, &bags)).await.expect("create");
    let jackets = [("item", "救生衣"), ("kind", "救生衣"), ("quantity", "40")];
    let second = service::create(&mut conn, &staff, flood, &record(village, &jackets)).await.expect("create");
    let walk =
        service::create(&mut conn, &staff, patrol, &record(village, &[("road", "环镇路")])).await.expect("patrol");

    // Each register sees its own records only: list, read, edit and delete by id.
    let mut mine = listed(&mut conn, &staff, flood).await;
    mine.sort();
    assert_eq!(mine, vec![first, second]);
    assert_eq!(listed(&mut conn, &staff, patrol).await, vec![walk]);
    assert_eq!(service::get(&mut conn, &staff, flood, walk).await.map(|r| r.id), Err(AppError::NotFound));
    let edit = RecordForm { version: Some(1), ..record(village, &bags) };
    assert_eq!(service::update(&mut conn, &staff, flood, walk, &edit).await, Err(AppError::NotFound));
    assert_eq!(service::delete(&mut conn, &admin, flood, walk, 1).await, Err(AppError::Forbidden));

    // Filtered by a custom field.
    let sandbags =
        ListQuery { filters: [("kind".to_owned(), "沙袋".to_owned())].into_iter().collect(), ..ListQuery::default() };
    let page = service::list(&mut conn, &staff, flood, &sandbags).await.expect("list");
    assert_eq!(page.rows.iter().map(|row| row.id).collect::<Vec<_>>(), vec![first]);
    assert_eq!(page.rows[0].extra.get("item").map(String::as_str), Some("编织袋"));
    // As the list reads it (the register bound in the shared table's subquery), the custom
    // field's index, which leads with the register, answers the filter.
    let plan = crate::harness::index_plan(
        &mut conn,
        shared::sql::Sql::new("SELECT r.id FROM (SELECT * FROM reg.ledger_records WHERE register = ")
            .bind("rt_flood")
            .push(") r WHERE r.deleted_at IS NULL AND (r.extra ->> ")
            .bind("item")
            .push(") = ")
            .bind("编织袋"),
    )
    .await;
    assert!(plan.contains("custom_field_"), "{plan}");

    // History under the register's own key, without the bookkeeping of the shared table.
    let edited = [("item", "编织袋"), ("kind", "沙袋"), ("quantity", "450")];
    service::update(&mut conn, &staff, flood, first, &RecordForm { version: Some(1), ..record(village, &edited) })
        .await
        .expect("edit");
    let history = service::history(&mut conn, &staff, flood, first).await.expect("history");
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|version| !version.changed.contains(&"register".to_owned())), "{history:?}");
    let keyed =
        count(&mut conn, "SELECT count(*) AS n FROM record_history WHERE register = $1", "ledger.rt_flood").await;
    assert_eq!(keyed, 3, "two versions of one record, one of the other");
    service::restore(&mut conn, &staff, flood, first, 1).await.expect("restore");
    assert_eq!(service::get(&mut conn, &staff, flood, first).await.expect("get").extra["quantity"], "500");

    // In the data catalogue, under 8.7.3, with its records counted.
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let datasets = service::catalogue(&mut conn, &leader, &translate).await.expect("catalogue");
    let dataset = datasets.iter().find(|d| d.module == "ledger" && d.register == "rt_flood").expect("listed");
    assert_eq!(dataset.clause, "8.7.3");
    assert_eq!(dataset.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["item", "kind", "quantity"]);

    // The schema check still holds: the shared table is the migration's, not a declaration's.
    let diff = shared::engine::ddl::diff(&mut conn, shared::modules::registers()).await.expect("diff");
    assert!(diff.is_empty(), "{diff:?}");
    drop(conn);
    db.finish().await;
}

/// A register made on another server process: its row and its roles' codes written as that
/// process writes them, never read by this one. Its page opens here at once, titled, and the
/// staff's grants of it hold although this process had not read it when they logged in.
#[tokio::test]
async fn a_register_made_on_another_process_opens_here_at_once() {
    let db = TestDb::new().await;
    let app = router(&db);
    let mut conn = db.conn().await;
    diesel::sql_query(
        "INSERT INTO runtime_registers (name, title_zh, title_en, place) VALUES ('rt_elsewhere', '别处新建的台账', 'Made elsewhere', 'township')",
    )
    .execute(&mut conn)
    .await
    .expect("a register made elsewhere");
    diesel::sql_query(
        "UPDATE roles SET permissions = permissions || ARRAY['m.ledger.rt_elsewhere.view', 'm.ledger.rt_elsewhere.create'] \
         WHERE code = 'town_staff'",
    )
    .execute(&mut conn)
    .await
    .expect("its codes");
    let staff = login(&app, "staff").await;
    let (status, _, page) = send(&app, get("/m/ledger/rt_elsewhere", Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("别处新建的台账"), "titled from the database");
    // Its export too (the REST side resolves it the same way).
    let (status, _, csv) = send(&app, get("/api/engine/ledger/rt_elsewhere/export.csv", Some(&staff))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{csv}");
    let (status, _, _) = send(&app, get("/api/engine/ledger/rt_nowhere/export.csv", Some(&staff))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    drop(conn);
    db.finish().await;
}

/// 防汛物资 as a developer declares it once the ledger has proved itself: two of its custom
/// fields become columns, the third stays a custom field.
static SUPPLIES: Register = Register {
    fields: &[
        shared::engine::declare::fields::text("item", 40).required(),
        shared::engine::declare::fields::integer("quantity", 0, 100_000),
    ],
    list: &["item", "quantity"],
    place: Place::Village,
    ..Register::new("test", "supplies", "test_supplies")
};

/// `tongguan schema promote`'s statements, applied as its migration would be: the records keep
/// their ids and move their values into columns, the history moves and restores into the
/// declared table, a custom field left over keeps its values and its index, and the roles'
/// codes follow.
#[tokio::test]
async fn a_run_time_register_is_promoted_into_a_declared_one_with_its_records_and_history() {
    use diesel_async::AsyncConnection;
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    for statement in shared::engine::ddl::create_register(&SUPPLIES) {
        diesel::sql_query(statement).execute(&mut conn).await.expect("the declared register's table");
    }
    let admin = db.user("sysadmin").await;
    let ledger = runtime::create(&mut conn, &admin, &form("rt_promoted", "防汛物资", "village")).await.expect("create");
    let admin = db.user("sysadmin").await;
    service::add_custom_field(&mut conn, &admin, ledger, &field("item", "text", "", true)).await.expect("item");
    service::add_custom_field(&mut conn, &admin, ledger, &field("quantity", "integer", "", false)).await.expect("qty");
    service::add_custom_field(&mut conn, &admin, ledger, &field("note", "text", "", true)).await.expect("note");
    let staff = db.user("staff").await;
    let village = count(&mut conn, "SELECT min(id)::bigint AS n FROM villages WHERE name <> $1", "").await as i32;
    let values = [("item", "编织袋"), ("quantity", "500"), ("note", "仓库A")];
    let id = service::create(&mut conn, &staff, ledger, &record(village, &values)).await.expect("create");
    let edited = [("item", "编织袋"), ("quantity", "450"), ("note", "仓库A")];
    service::update(&mut conn, &staff, ledger, id, &RecordForm { version: Some(1), ..record(village, &edited) })
        .await
        .expect("edit");
    let other = service::create(
        &mut conn,
        &staff,
        ledger,
        &record(village, &[("item", "救生衣"), ("quantity", "40"), ("note", "仓库B")]),
    )
    .await
    .expect("create");

    let statements = shared::engine::ddl::promote("rt_promoted", &SUPPLIES).expect("promotable");
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        for statement in &statements {
            diesel::sql_query(statement).execute(conn).await?;
        }
        Ok(())
    })
    .await
    .expect("the promotion applies");

    // The records, with their ids, values in columns, the rest in `extra`.
    let mut clerk = db.user("staff").await;
    clerk.records = Action::FIXED.iter().map(|action| action.code(&SUPPLIES)).collect();
    let moved = service::get(&mut conn, &clerk, &SUPPLIES, id).await.expect("moved with its id");
    assert_eq!(moved.values.get("item"), Some(&shared::engine::Value::Text("编织袋".into())));
    assert_eq!(moved.values.get("quantity"), Some(&shared::engine::Value::Integer(450)));
    assert_eq!(moved.extra.keys().collect::<Vec<_>>(), ["note"]);
    assert_eq!(moved.version, 2);
    assert!(service::get(&mut conn, &clerk, &SUPPLIES, other).await.is_ok());
    let left =
        count(&mut conn, "SELECT count(*) AS n FROM reg.ledger_records WHERE register = $1", "rt_promoted").await;
    assert_eq!(left, 0);
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM runtime_registers WHERE name = $1", "rt_promoted").await, 0);

    // Its history moved (no version written by the move), and restores into the columns.
    let history = service::history(&mut conn, &clerk, &SUPPLIES, id).await.expect("history");
    assert_eq!(history.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
    service::restore(&mut conn, &clerk, &SUPPLIES, id, 1).await.expect("restore");
    let restored = service::get(&mut conn, &clerk, &SUPPLIES, id).await.expect("get");
    assert_eq!(restored.values.get("quantity"), Some(&shared::engine::Value::Integer(500)));
    assert_eq!(restored.extra.get("note").map(String::as_str), Some("仓库A"));
    // A new record takes an id after the moved ones.
    let new = service::create(
        &mut conn,
        &clerk,
        &SUPPLIES,
        &RecordForm {
            values: [("item".to_owned(), "麻袋".to_owned())].into(),
            extra: [("note".to_owned(), "仓库C".to_owned())].into(),
            village_id: Some(village),
            ..RecordForm::default()
        },
    )
    .await
    .expect("a new record");
    assert!(new > other);

    // The field left over is the declared register's custom field, indexed on its table.
    let fields = service::custom_fields(&mut conn, &SUPPLIES).await.expect("fields");
    assert_eq!(fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["note"]);
    assert!(service::indexed(&mut conn, &SUPPLIES, "note").await.expect("indexed"));
    // The roles' codes follow the register.
    let staff_codes = count(
        &mut conn,
        "SELECT count(*) AS n FROM roles, unnest(permissions) AS p WHERE code = 'town_staff' AND starts_with(p, $1)",
        "m.test.supplies.",
    )
    .await;
    assert!(staff_codes >= 2, "{staff_codes}");
    let stale = count(
        &mut conn,
        "SELECT count(*) AS n FROM roles, unnest(permissions) AS p WHERE starts_with(p, $1)",
        "m.ledger.rt_promoted.",
    )
    .await;
    assert_eq!(stale, 0);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_run_time_register_is_retitled_and_keeps_its_name_and_records() {
    use shared::engine::runtime::RuntimeTitleForm;
    let db = TestDb::new().await;
    let app = router(&db);
    let mut conn = db.conn().await;
    let admin = db.user("sysadmin").await;
    let ledger =
        runtime::create(&mut conn, &admin, &form("rt_retitled", "结对帮扶", "township")).await.expect("create");
    let titles = |zh: &str, en: &str| RuntimeTitleForm { title_zh: zh.into(), title_en: en.into() };

    // Refused: without the permission, with every wrong title named, or a register that is
    // not there; nothing changes.
    let staff = db.user("staff").await;
    assert_eq!(
        runtime::retitle(&mut conn, &staff, "rt_retitled", &titles("新名", "New")).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        codes(runtime::retitle(&mut conn, &admin, "rt_retitled", &titles("", &"x".repeat(41))).await),
        vec![("title_zh".into(), ErrorCode::Required), ("title_en".into(), ErrorCode::TooLong)]
    );
    assert_eq!(
        runtime::retitle(&mut conn, &admin, "rt_nowhere", &titles("新名", "New")).await,
        Err(AppError::NotFound)
    );
    assert_eq!(runtime::title("zh-CN", &ledger.title_key()), Some("结对帮扶"));

    runtime::retitle(&mut conn, &admin, "rt_retitled", &titles(" 结对帮扶台账 ", "Pairing support"))
        .await
        .expect("retitle");
    // This process's menu, role editor and pages have the new titles at once; the name, and
    // so the address, the codes and the records' key, stay.
    assert_eq!(runtime::title("zh-CN", &ledger.title_key()), Some("结对帮扶台账"));
    assert_eq!(runtime::title("en", &ledger.title_key()), Some("Pairing support"));
    let renamed = shared::modules::register("ledger", "rt_retitled").expect("still there");
    assert_eq!(renamed.key(), "ledger.rt_retitled");
    let staff = db.user("staff").await;
    let link = staff.registers.iter().find(|link| link.name == "rt_retitled").expect("menu");
    assert_eq!(link.title.as_ref().map(|t| t.zh.as_str()), Some("结对帮扶台账"));
    assert!(staff.may(renamed, Action::View), "its codes are the same");
    let audited = count(
        &mut conn,
        "SELECT count(*) AS n FROM audit_log WHERE action = 'register.retitle' AND target = $1",
        "ledger.rt_retitled",
    )
    .await;
    assert_eq!(audited, 1);
    let staff_session = login(&app, "staff").await;
    let (status, _, page) = send(&app, get("/m/ledger/rt_retitled", Some(&staff_session))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("结对帮扶台账"), "the page has the new title");
    drop(conn);
    db.finish().await;
}

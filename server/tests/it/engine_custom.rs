//! Custom fields added at run time (`shared::engine::custom`): checked like declared fields,
//! kept in `extra` beside what else it holds, filtered through their concurrently built
//! expression index, restored with their record — and, added on one server, on the forms of
//! another at once.

use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use http::StatusCode;
use shared::accounts::SessionUser;
use shared::engine::custom::CustomFieldForm;
use shared::engine::declare::fields::*;
use shared::engine::declare::{Register, Sort};
use shared::engine::service;
use shared::engine::{Action, ListQuery, RecordForm};
use shared::permissions::DataScope;
use shared::sql::Sql;
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;
use crate::http::{FORM, get, login, router, send, server_fn_call};

/// 摊位: a township register of the test tree with one declared field.
static STALLS: Register = Register {
    fields: &[text("name", 40).required()],
    list: &["name"],
    sort: Sort::asc("name"),
    ..Register::new("test", "stalls", "test_stalls")
};

async fn setup(db: &TestDb) -> (shared::db::DbConn, SessionUser) {
    let mut conn = db.conn().await;
    for statement in shared::engine::ddl::create_register(&STALLS) {
        diesel::sql_query(statement).execute(&mut conn).await.expect("create the register's table");
    }
    let mut user = db.user("staff").await;
    user.scope = DataScope::Township;
    user.records = Action::FIXED.iter().map(|action| action.code(&STALLS)).collect();
    (conn, user)
}

fn field(key: &str, kind: &str, options: &str) -> CustomFieldForm {
    CustomFieldForm {
        key: key.into(),
        kind: kind.into(),
        label_zh: format!("{key}（中）"),
        label_en: key.into(),
        options: options.into(),
        ..CustomFieldForm::default()
    }
}

fn record(pairs: &[(&str, &str)]) -> RecordForm {
    RecordForm {
        values: [("name".to_owned(), "一号摊".to_owned())].into_iter().collect(),
        extra: pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        ..RecordForm::default()
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

async fn rows(conn: &mut AsyncPgConnection) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query("SELECT count(*) AS n FROM reg.test_stalls").get_result(conn).await.expect("count");
    n.n
}

#[tokio::test]
async fn custom_fields_are_checked_kept_filtered_through_their_index_and_restored() {
    let db = TestDb::new().await;
    let (mut conn, user) = setup(&db).await;

    // Added by someone who configures the register; a filterable one is indexed at once.
    let stall_no =
        CustomFieldForm { filterable: Some("on".into()), in_list: Some("on".into()), ..field("stall_no", "text", "") };
    service::add_custom_field(&mut conn, &user, &STALLS, &stall_no).await.expect("add stall_no");
    assert!(service::indexed(&mut conn, &STALLS, "stall_no").await.expect("indexed"));
    let size = CustomFieldForm { required: Some("on".into()), ..field("size", "choice", "大\n小") };
    service::add_custom_field(&mut conn, &user, &STALLS, &size).await.expect("add size");
    assert!(!service::indexed(&mut conn, &STALLS, "size").await.expect("not filterable, not indexed"));
    // A key already a field, declared or custom, and a user without the permission.
    assert_eq!(
        codes(service::add_custom_field(&mut conn, &user, &STALLS, &field("stall_no", "text", "")).await),
        vec![("key".into(), ErrorCode::CustomFieldKeyTaken)]
    );
    assert_eq!(
        codes(service::add_custom_field(&mut conn, &user, &STALLS, &field("name", "text", "")).await),
        vec![("key".into(), ErrorCode::CustomFieldKeyTaken)]
    );
    let viewer = SessionUser { records: vec![Action::View.code(&STALLS)].into_iter().collect(), ..user.clone() };
    assert_eq!(
        service::add_custom_field(&mut conn, &viewer, &STALLS, &field("other", "text", "")).await,
        Err(AppError::Forbidden)
    );
    let fields = service::custom_fields(&mut conn, &STALLS).await.expect("fields");
    assert_eq!(fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["stall_no", "size"]);

    // Checked with the declared fields, every problem at once, and nothing written.
    let refused = service::create(&mut conn, &user, &STALLS, &record(&[("size", "中"), ("colour", "红")])).await;
    let mut problems = codes(refused);
    problems.sort();
    assert_eq!(problems, vec![("colour".into(), ErrorCode::FieldUnknown), ("size".into(), ErrorCode::FieldNotAChoice)]);
    assert_eq!(
        codes(service::create(&mut conn, &user, &STALLS, &record(&[])).await),
        vec![("size".into(), ErrorCode::Required)]
    );
    assert_eq!(rows(&mut conn).await, 0);

    let id = service::create(&mut conn, &user, &STALLS, &record(&[("stall_no", "A-1"), ("size", "大")]))
        .await
        .expect("create");
    service::create(&mut conn, &user, &STALLS, &record(&[("stall_no", "B-2"), ("size", "小")])).await.expect("create");
    let got = service::get(&mut conn, &user, &STALLS, id).await.expect("get");
    assert_eq!((got.extra["stall_no"].as_str(), got.extra["size"].as_str()), ("A-1", "大"));

    // Filtered by the custom field; the list carries the fields shown in it, and only those.
    let filtered = ListQuery {
        filters: [("stall_no".to_owned(), "A-1".to_owned())].into_iter().collect(),
        ..ListQuery::default()
    };
    let page = service::list(&mut conn, &user, &STALLS, &filtered).await.expect("list");
    assert_eq!(page.rows.iter().map(|row| row.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(page.rows[0].extra.get("stall_no").map(String::as_str), Some("A-1"));
    assert!(!page.rows[0].extra.contains_key("size"), "size is not a list column");
    let by_size =
        ListQuery { filters: [("size".to_owned(), "大".to_owned())].into_iter().collect(), ..ListQuery::default() };
    assert_eq!(
        codes(service::list(&mut conn, &user, &STALLS, &by_size).await),
        vec![("size".into(), ErrorCode::FieldUnknown)],
        "a field not made filterable is not a filter"
    );

    // The filter's SQL, values bound as the service binds them, is answered by the index.
    let plan = crate::harness::index_plan(
        &mut conn,
        Sql::new("SELECT r.id FROM reg.test_stalls r WHERE r.deleted_at IS NULL AND (r.extra ->> ")
            .bind("stall_no")
            .push(") = ")
            .bind("A-1"),
    )
    .await;
    assert!(plan.contains("custom_field_"), "{plan}");

    // An edit replaces the custom fields' values (a field left empty is removed) and keeps what
    // else `extra` holds.
    diesel::sql_query("UPDATE reg.test_stalls SET extra = extra || '{\"legacy\": 1}' WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(&mut conn)
        .await
        .expect("an older key");
    let version = service::get(&mut conn, &user, &STALLS, id).await.expect("get").version;
    let edit = RecordForm { version: Some(version), ..record(&[("size", "小")]) };
    service::update(&mut conn, &user, &STALLS, id, &edit).await.expect("edit");
    let edited = service::get(&mut conn, &user, &STALLS, id).await.expect("get");
    assert_eq!(edited.extra.get("size").map(String::as_str), Some("小"));
    assert!(!edited.extra.contains_key("stall_no"));
    assert_eq!(edited.extra.get("legacy").map(String::as_str), Some("1"));
    let history = service::history(&mut conn, &user, &STALLS, id).await.expect("history");
    assert!(history[0].changed.contains(&"extra".to_owned()));

    // Restoring the first version brings its custom fields back.
    service::restore(&mut conn, &user, &STALLS, id, 1).await.expect("restore");
    let restored = service::get(&mut conn, &user, &STALLS, id).await.expect("get");
    assert_eq!((restored.extra["stall_no"].as_str(), restored.extra["size"].as_str()), ("A-1", "大"));
    db.finish().await;
}

/// Two routers on two pools are two servers sharing only the database: a field added on
/// one is on the other's form at the next request, with no restart and no cache to clear.
#[tokio::test]
async fn a_field_added_on_one_server_is_on_the_forms_of_another() {
    let db = TestDb::new().await;
    let first = router(&db);
    let second = router(&db);
    let leader = login(&first, "leader").await;
    let body = "module=party&register=members&form%5Bkey%5D=bed_no&form%5Bkind%5D=text\
                &form%5Blabel_zh%5D=%E5%BA%8A%E4%BD%8D%E5%8F%B7&form%5Blabel_en%5D=Bed&form%5Bin_list%5D=on";
    let (status, _, text) = send(&first, server_fn_call("/api/engine/add_field", Some(&leader), FORM, body)).await;
    assert!(status.is_success() || status.is_redirection(), "{status}: {text}");

    let staff = login(&second, "staff").await;
    let (status, _, page) = send(&second, get("/m/party/members/new", Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("床位号"), "the label is on the other server's form");
    assert!(page.contains("form[extra][bed_no]"), "and its control posts into extra");

    // The staff may not configure fields: the page says so and the server refuses.
    let (_, _, fields) = send(&second, get("/m/party/members/fields", Some(&staff))).await;
    assert!(!fields.contains("custom-field-add"), "no form for a clerk");
    let again = body.replace("bed_no", "bed_two");
    let (status, _, _) = send(&second, server_fn_call("/api/engine/add_field", Some(&staff), FORM, again)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    db.finish().await;
}

/// A custom field relabelled, made (un)filterable, given an option, retired and reinstated:
/// the records' values stay under its key throughout, an option in use is never taken away,
/// and a retired field is on no form, list or filter while its values wait in `extra`.
#[tokio::test]
async fn a_custom_field_is_changed_retired_and_reinstated_without_losing_values() {
    let db = TestDb::new().await;
    let (mut conn, user) = setup(&db).await;
    let size = CustomFieldForm { filterable: Some("on".into()), ..field("size", "choice", "大\n小") };
    service::add_custom_field(&mut conn, &user, &STALLS, &size).await.expect("add size");
    let id = service::create(&mut conn, &user, &STALLS, &record(&[("size", "大")])).await.expect("create");

    // Relabelled, given a third option, no longer filterable: key, kind and values stay, the
    // index goes.
    let change = CustomFieldForm {
        label_zh: "摊位规格".into(),
        label_en: "Stall size".into(),
        kind: "text".into(),
        options: "大\n小\n中".into(),
        filterable: None,
        in_list: Some("on".into()),
        ..size.clone()
    };
    let changed = service::change_custom_field(&mut conn, &user, &STALLS, &change).await.expect("change");
    assert_eq!((changed.key.as_str(), changed.label_zh.as_str()), ("size", "摊位规格"));
    assert_eq!(changed.options, vec!["大", "小", "中"]);
    assert!(!service::indexed(&mut conn, &STALLS, "size").await.expect("index"), "the unused index is dropped");
    let fields = service::custom_fields(&mut conn, &STALLS).await.expect("fields");
    assert_eq!((fields[0].kind, fields[0].in_list), (shared::engine::custom::CustomKind::Choice, true));
    let got = service::get(&mut conn, &user, &STALLS, id).await.expect("get");
    assert_eq!(got.extra.get("size").map(String::as_str), Some("大"));
    // An option records may hold is not taken away; nothing changes.
    let dropped = CustomFieldForm { options: "小\n中".into(), ..change.clone() };
    assert_eq!(
        codes(service::change_custom_field(&mut conn, &user, &STALLS, &dropped).await),
        vec![("options".into(), ErrorCode::CustomFieldOptionRemoved)]
    );
    assert_eq!(service::custom_fields(&mut conn, &STALLS).await.expect("fields")[0].options.len(), 3);
    // Filterable again: indexed before the answer.
    let filterable = CustomFieldForm { filterable: Some("on".into()), ..change.clone() };
    service::change_custom_field(&mut conn, &user, &STALLS, &filterable).await.expect("filterable");
    assert!(service::indexed(&mut conn, &STALLS, "size").await.expect("index"));
    let missing = CustomFieldForm { key: "colour".into(), ..change.clone() };
    assert_eq!(service::change_custom_field(&mut conn, &user, &STALLS, &missing).await, Err(AppError::NotFound));

    // Retired: on no form or filter, its key not free again, its value kept through an edit.
    service::retire_custom_field(&mut conn, &user, &STALLS, "size", true).await.expect("retire");
    assert!(service::custom_fields(&mut conn, &STALLS).await.expect("fields").is_empty());
    let configured = service::configured_fields(&mut conn, &user, &STALLS).await.expect("configured");
    assert_eq!((configured[0].field.key.as_str(), configured[0].retired), ("size", true));
    let by_size =
        ListQuery { filters: [("size".to_owned(), "大".to_owned())].into_iter().collect(), ..ListQuery::default() };
    assert_eq!(
        codes(service::list(&mut conn, &user, &STALLS, &by_size).await),
        vec![("size".into(), ErrorCode::FieldUnknown)]
    );
    // A form opened before the retirement still posts the field: the rest is saved, the
    // retired field's value is not taken.
    let late = service::create(&mut conn, &user, &STALLS, &record(&[("size", "小")])).await.expect("saved");
    assert!(!service::get(&mut conn, &user, &STALLS, late).await.expect("get").extra.contains_key("size"));
    assert_eq!(
        codes(service::add_custom_field(&mut conn, &user, &STALLS, &field("size", "text", "")).await),
        vec![("key".into(), ErrorCode::CustomFieldKeyTaken)]
    );
    let version = service::get(&mut conn, &user, &STALLS, id).await.expect("get").version;
    let edit = RecordForm { version: Some(version), ..record(&[]) };
    service::update(&mut conn, &user, &STALLS, id, &edit).await.expect("edit while retired");
    // Reinstated: the value is back, and filters find it.
    service::retire_custom_field(&mut conn, &user, &STALLS, "size", false).await.expect("reinstate");
    let page = service::list(&mut conn, &user, &STALLS, &by_size).await.expect("list");
    assert_eq!(page.rows.iter().map(|row| row.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(page.rows[0].extra.get("size").map(String::as_str), Some("大"));

    // Only those who configure the register change or retire its fields; each is audited.
    let viewer = SessionUser { records: vec![Action::View.code(&STALLS)].into_iter().collect(), ..user.clone() };
    assert_eq!(service::change_custom_field(&mut conn, &viewer, &STALLS, &change).await, Err(AppError::Forbidden));
    assert_eq!(service::retire_custom_field(&mut conn, &viewer, &STALLS, "size", true).await, Err(AppError::Forbidden));
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let audited: N = diesel::sql_query(
        "SELECT count(*) AS n FROM audit_log WHERE target = 'test.stalls.size' AND action IN \
         ('custom_field.change', 'custom_field.retire', 'custom_field.reinstate')",
    )
    .get_result(&mut conn)
    .await
    .expect("audit");
    assert_eq!(audited.n, 4);
    db.finish().await;
}

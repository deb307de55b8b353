//! The data-sharing API through the real router and database: keys scoped to datasets
//! (refused elsewhere, and at once when revoked), personal data masked unless granted, the
//! event feed walked page by page and from `updated_since` without a row lost or repeated,
//! parameters checked by name, every call logged with its rows, and the OpenAPI 3.1
//! description generated from the handlers.

use std::collections::HashSet;

use axum::Router;
use axum::body::Body;
use diesel::sql_types::{BigInt, Text};
use diesel::{ExpressionMethods, QueryDsl, QueryableByName};
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};
use serde_json::Value;
use shared::credentials::service as credentials;
use shared::credentials::{ApiScope, NewApiKey};

use crate::harness::TestDb;
use crate::http::{HOST, router, send};

async fn issue(db: &TestDb, scopes: Vec<ApiScope>) -> (i64, String) {
    issue_key(db, NewApiKey { scopes, ..partner() }).await
}

fn partner() -> NewApiKey {
    NewApiKey { name: "市大数据平台".into(), per_minute: 10_000, ..Default::default() }
}

async fn issue_key(db: &TestDb, form: NewApiKey) -> (i64, String) {
    let township: i32 = db.user("sysadmin").await.township_id;
    let issued = credentials::issue_for(&mut *db.conn().await, township, None, &form).await.expect("key");
    (issued.id, issued.key)
}

async fn call(router: &Router, path: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get(path).header(header::HOST, HOST).header(header::ACCEPT_LANGUAGE, "zh-CN");
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let (status, headers, body) = send(router, request.body(Body::empty()).expect("request")).await;
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(kind.starts_with("application/json"), "{kind}: {body}");
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

fn codes(answer: &Value) -> Vec<(String, String)> {
    answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_owned(), e["code"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn events_in_township(db: &TestDb) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM events").get_result::<N>(&mut *db.conn().await).await.expect("count").n
}

#[tokio::test]
async fn keys_read_only_their_datasets_and_stop_at_once_when_revoked() {
    let db = TestDb::new().await;
    let router = router(&db);
    let (status, answer) = call(&router, "/api/v1/events", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(codes(&answer), [("authorization".to_owned(), "sharing.key_required".to_owned())]);
    assert!(answer["errors"][0]["message"].as_str().unwrap_or("").contains("密钥"), "{answer}");
    let (status, _) = call(&router, "/api/v1/events", Some("tgk_abcdefgh_0123456789abcdefghijklmnopqrstuv")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (base_id, base) = issue(&db, vec![ApiScope::BaseDataRead]).await;
    let (status, answer) = call(&router, "/api/v1/events", Some(&base)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(codes(&answer), [("authorization".to_owned(), "api_key.scope".to_owned())]);
    let (status, villages) = call(&router, "/api/v1/villages", Some(&base)).await;
    assert_eq!(status, StatusCode::OK);
    let villages = villages.as_array().expect("a list").clone();
    assert!(!villages.is_empty());
    assert!(villages.iter().all(|v| v["boundary"]["type"] == "MultiPolygon" || v["boundary"]["type"] == "Polygon"));
    let (status, grids) = call(&router, "/api/v1/grids", Some(&base)).await;
    assert_eq!(status, StatusCode::OK);
    let codes_of_villages: HashSet<&str> = villages.iter().filter_map(|v| v["code"].as_str()).collect();
    assert!(
        grids
            .as_array()
            .expect("grids")
            .iter()
            .all(|g| codes_of_villages.contains(g["village_code"].as_str().unwrap_or("")))
    );
    let (status, answer) = call(&router, "/api/v1/grids?page=2", Some(&base)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&answer), [("page".to_owned(), "sharing.parameter_unknown".to_owned())]);

    // Revoked: the very next call is refused (logged without a key: it proves none).
    let admin = db.user("sysadmin").await;
    credentials::revoke(&mut *db.conn().await, &admin, base_id).await.expect("revoke");
    let (status, _) = call(&router, "/api/v1/villages", Some(&base)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Every call is in the log, with the rows it returned, for administrators and auditors.
    let auditor = db.user("auditor").await;
    let calls = credentials::calls(&mut *db.conn().await, &auditor, Some(base_id)).await.expect("calls");
    let logged: Vec<(String, i16, i32)> = calls.iter().rev().map(|c| (c.path.clone(), c.status, c.rows)).collect();
    assert_eq!(
        logged,
        [
            ("/api/v1/events".to_owned(), 403, 0),
            ("/api/v1/villages".to_owned(), 200, villages.len() as i32),
            ("/api/v1/grids".to_owned(), 200, grids.as_array().map_or(0, |g| g.len()) as i32),
            ("/api/v1/grids?page=2".to_owned(), 400, 0),
        ]
    );
    // And on the audit chain, under the key's name, with the answer (a call without a key,
    // or with one revoked, names no township: it is in the call log only).
    let audited: Vec<(String, String)> = shared::schema::audit_log::table
        .filter(shared::schema::audit_log::action.eq(shared::audit::AuditAction::ShareData.as_str()))
        .order(shared::schema::audit_log::id.asc())
        .select((shared::schema::audit_log::target, shared::schema::audit_log::detail))
        .load(&mut *db.conn().await)
        .await
        .expect("audit");
    assert_eq!(
        audited,
        [
            ("/api/v1/events".to_owned(), "status=403 rows=0".to_owned()),
            ("/api/v1/villages".to_owned(), format!("status=200 rows={}", villages.len())),
            ("/api/v1/grids".to_owned(), format!("status=200 rows={}", grids.as_array().map_or(0, |g| g.len()))),
            ("/api/v1/grids?page=2".to_owned(), "status=400 rows=0".to_owned()),
        ]
    );
    db.finish().await;
}

#[tokio::test]
async fn the_event_feed_is_walked_whole_masked_and_kept_in_sync() {
    let db = TestDb::new().await;
    let router = router(&db);
    // A known reporter on one event.
    #[derive(QueryableByName)]
    struct Number {
        #[diesel(sql_type = Text)]
        number: String,
    }
    // The demo's events were all made in one transaction: give them the times they were reported.
    diesel::sql_query("UPDATE events SET updated_at = reported_at")
        .execute(&mut *db.conn().await)
        .await
        .expect("spread");
    let marked: Number = diesel::sql_query(
        "UPDATE events SET contact_name = '张三丰', contact_phone = '13812345678' \
         WHERE id = (SELECT min(id) FROM events) RETURNING number",
    )
    .get_result(&mut *db.conn().await)
    .await
    .expect("mark");
    let total = events_in_township(&db).await;
    assert!(total > 5, "the demo township has events");

    let (_, reader) = issue(&db, vec![ApiScope::EventsRead]).await;
    // Page by page, three at a time: every event once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/events?limit=3".to_owned();
    loop {
        let (status, page) = call(&router, &path, Some(&reader)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let rows = page["data"].as_array().expect("data");
        assert!(rows.len() <= 3);
        seen.extend(rows.iter().map(|r| (r["number"].as_str().unwrap_or("").to_owned(), r["updated_at"].clone())));
        if let Some(row) = rows.iter().find(|r| r["number"] == marked.number.as_str()) {
            assert_eq!(
                (row["contact_name"].as_str(), row["contact_phone"].as_str()),
                (Some("张**"), Some("138****5678"))
            );
        }
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/events?limit=3&after={next}"),
            None => break,
        }
    }
    let numbers: HashSet<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(numbers.len(), seen.len(), "no event twice");
    assert_eq!(seen.len() as i64, total, "every event");
    let last_sync = seen.last().expect("rows").1.as_str().expect("time").to_owned();

    // One event changes afterwards: asking from the last sync returns it (and what changed at that instant).
    diesel::sql_query("UPDATE events SET title = title || '（已更新）', updated_at = now() WHERE number = $1")
        .bind::<Text, _>(&marked.number)
        .execute(&mut *db.conn().await)
        .await
        .expect("change");
    let since = url_escape(&last_sync);
    let (status, page) = call(&router, &format!("/api/v1/events?updated_since={since}"), Some(&reader)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let changed: Vec<&str> =
        page["data"].as_array().expect("data").iter().filter_map(|r| r["number"].as_str()).collect();
    assert!(changed.contains(&marked.number.as_str()), "{changed:?}");
    assert!(changed.len() <= 2, "only what changed since (and what changed at that instant): {changed:?}");

    // With the personal-data scope, the contact as it was given.
    let (_, personal) = issue(&db, vec![ApiScope::EventsRead, ApiScope::PersonalData]).await;
    let (_, page) = call(&router, &format!("/api/v1/events?updated_since={since}"), Some(&personal)).await;
    let row = page["data"].as_array().expect("data").iter().find(|r| r["number"] == marked.number.as_str()).cloned();
    assert_eq!(row.map(|r| r["contact_phone"].clone()), Some(Value::from("13812345678")));

    // Parameters are checked by name, all at once.
    let (status, answer) =
        call(&router, "/api/v1/events?updated_since=yesterday&limit=0&after=x&updatedsince=1", Some(&reader)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<String> = codes(&answer).into_iter().map(|(field, _)| field).collect();
    assert_eq!(fields, ["updated_since", "limit", "after", "updatedsince"]);

    // Statistics need their own scope.
    let (status, _) = call(&router, "/api/v1/stats/events?by=village", Some(&reader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, stats_key) = issue(&db, vec![ApiScope::StatsRead]).await;
    let (status, stats) = call(&router, "/api/v1/stats/events?by=village", Some(&stats_key)).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(stats["total"]["reported"].as_i64(), Some(total), "{stats}");
    let (status, answer) = call(&router, "/api/v1/stats/events?by=street&from=2026-13-01", Some(&stats_key)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        codes(&answer),
        [
            ("by".to_owned(), "sharing.dimension_unknown".to_owned()),
            ("from".to_owned(), "filter.date_format".to_owned())
        ]
    );
    db.finish().await;
}

fn url_escape(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_openapi_description_is_generated_from_the_handlers() {
    let db = TestDb::new().await;
    let router = router(&db);
    let (status, document) = call(&router, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    let paths: HashSet<&str> = document["paths"].as_object().expect("paths").keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        HashSet::from([
            "/api/v1/events",
            "/api/v1/stats/events",
            "/api/v1/villages",
            "/api/v1/grids",
            "/api/v1/datasets",
            "/api/v1/datasets/{dataset}/records",
            "/api/v1/geo/map-sheet",
            "/api/v1/readings",
        ])
    );
    // Readings are sent, with a key: the one path that takes a body.
    assert!(document["paths"]["/api/v1/readings"]["post"]["requestBody"].is_object());
    assert!(document["components"]["schemas"]["Batch"]["properties"]["readings"].is_object());
    // The map-sheet numbers need no key.
    assert!(document["paths"]["/api/v1/geo/map-sheet"]["get"]["security"].is_null());
    assert!(document["components"]["schemas"]["MapSheet"]["properties"]["number"].is_object());
    assert!(document["components"]["schemas"]["SharedRecord"]["properties"]["deleted_at"].is_object());
    let feed = &document["components"]["schemas"]["EventFeed"];
    assert!(feed["properties"]["next"].is_object(), "{feed}");
    assert!(document["components"]["schemas"]["SharedEvent"]["properties"]["contact_phone"].is_object());
    assert_eq!(document["components"]["securitySchemes"]["api_key"]["scheme"], "bearer");
    let limit = document["paths"]["/api/v1/events"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "limit")
        .cloned()
        .expect("limit");
    assert_eq!(limit["in"], "query");
    db.finish().await;
}

/// Walks a feed page by page (`limit` at a time) from `path`; returns every row.
async fn walk(router: &Router, path: &str, key: &str, limit: usize) -> Vec<Value> {
    let join = if path.contains('?') { '&' } else { '?' };
    let mut rows = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page_path = match &next {
            None => format!("{path}{join}limit={limit}"),
            Some(after) => format!("{path}{join}limit={limit}&after={after}"),
        };
        let (status, page) = call(router, &page_path, Some(key)).await;
        assert_eq!(status, StatusCode::OK, "{page_path}: {page}");
        let data = page["data"].as_array().expect("data");
        assert!(data.len() <= limit);
        rows.extend(data.iter().cloned());
        match page["next"].as_str() {
            Some(after) => next = Some(after.to_owned()),
            None => return rows,
        }
    }
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<N>(&mut *db.conn().await).await.expect("count").n
}

fn refused_fields(error: shared::AppError) -> Vec<(String, String)> {
    match error {
        shared::AppError::Validation(fields) => {
            fields.into_iter().map(|f| (f.field, f.code.as_str().to_owned())).collect()
        }
        other => panic!("not a validation error: {other:?}"),
    }
}

#[tokio::test]
async fn registers_are_shared_by_their_level_masked_and_fed_in_order_of_change() {
    let db = TestDb::new().await;
    let router = router(&db);
    let admin = db.user("sysadmin").await;

    // A register not to be shared (不予共享) cannot be granted, nor a register without the scope.
    let not_shared =
        NewApiKey { scopes: vec![ApiScope::RecordsRead], datasets: vec!["office.archives".into()], ..partner() };
    let error = credentials::issue(&mut *db.conn().await, &admin, &not_shared).await.expect_err("refused");
    assert_eq!(refused_fields(error), [("datasets".to_owned(), "api_key.dataset_not_shared".to_owned())]);
    let no_scope =
        NewApiKey { scopes: vec![ApiScope::EventsRead], datasets: vec!["party.members".into()], ..partner() };
    let error = credentials::issue(&mut *db.conn().await, &admin, &no_scope).await.expect_err("refused");
    assert_eq!(refused_fields(error), [("datasets".to_owned(), "api_key.datasets_need_scope".to_owned())]);

    // The scope alone reads the openly shared registers (无条件共享) only.
    let (_, open) = issue(&db, vec![ApiScope::RecordsRead]).await;
    let (status, catalogue) = call(&router, "/api/v1/datasets", Some(&open)).await;
    assert_eq!(status, StatusCode::OK, "{catalogue}");
    let keys: Vec<&str> = catalogue.as_array().expect("list").iter().filter_map(|d| d["key"].as_str()).collect();
    assert_eq!(
        keys,
        ["party.stations", "sensing.stations"],
        "only the openly shared registers: the party's service stations, the monitoring stations"
    );
    let phone = catalogue[0]["fields"].as_array().expect("fields").iter().find(|f| f["name"] == "phone").cloned();
    assert_eq!(
        phone.map(|f| (f["type"].clone(), f["personal"].clone())),
        Some((Value::from("text"), Value::from(true)))
    );
    for hidden in ["party.members", "office.archives", "party.meeting_attendance", "nothing.here", "x"] {
        let (status, answer) = call(&router, &format!("/api/v1/datasets/{hidden}/records"), Some(&open)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{hidden}: {answer}");
        assert_eq!(codes(&answer), [("dataset".to_owned(), "sharing.dataset_unknown".to_owned())]);
    }

    // The stations' feed, two at a time: every live station once, phones masked. (The demo
    // made them in one transaction: give them a minute each.)
    diesel::sql_query(
        "UPDATE reg.party_stations SET updated_at = now() - interval '1 day' + id * interval '1 minute', \
                phone = CASE WHEN id = (SELECT min(id) FROM reg.party_stations) THEN '13912345678' ELSE phone END",
    )
    .execute(&mut *db.conn().await)
    .await
    .expect("a phone");
    let stations = walk(&router, "/api/v1/datasets/party.stations/records", &open, 2).await;
    let live = count(&db, "SELECT count(*) AS n FROM reg.party_stations WHERE deleted_at IS NULL").await;
    assert!(live > 2, "the demo has stations");
    let ids: HashSet<i64> = stations.iter().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!((ids.len(), stations.len()), (live as usize, live as usize), "each once");
    let phones: Vec<&str> = stations.iter().filter_map(|r| r["values"]["phone"].as_str()).collect();
    assert!(phones.contains(&"139****5678"), "{phones:?}");
    assert!(phones.iter().all(|p| p.contains("****")), "{phones:?}");
    let order: Vec<(String, i64)> = stations
        .iter()
        .map(|r| (r["updated_at"].as_str().unwrap_or("").to_owned(), r["id"].as_i64().unwrap_or(0)))
        .collect();
    assert!(order.windows(2).all(|w| w[0].1 != w[1].1), "no repeats");

    // A deleted station comes through the feed from the last sync, as a deletion.
    let last_sync = stations.last().expect("rows")["updated_at"].as_str().expect("time").to_owned();
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let gone: Id = diesel::sql_query(
        "UPDATE reg.party_stations SET deleted_at = now(), updated_at = now() \
         WHERE id = (SELECT min(id) FROM reg.party_stations) RETURNING id",
    )
    .get_result(&mut *db.conn().await)
    .await
    .expect("delete");
    let since = url_escape(&last_sync);
    let changed =
        walk(&router, &format!("/api/v1/datasets/party.stations/records?updated_since={since}"), &open, 10).await;
    let deletion = changed.iter().find(|r| r["id"] == gone.id).cloned().expect("the deletion is fed");
    assert!(deletion["deleted_at"].is_string(), "{deletion}");
    assert_eq!(deletion["values"], serde_json::json!({}), "nothing of a deleted record");
    assert!(changed.len() <= 2, "only what changed since: {}", changed.len());

    // A conditionally shared register (有条件共享), granted by name: its people masked.
    let members =
        NewApiKey { scopes: vec![ApiScope::RecordsRead], datasets: vec!["party.members".into()], ..partner() };
    let (_, granted) = issue_key(&db, members).await;
    let (status, page) = call(&router, "/api/v1/datasets/party.members/records?limit=20", Some(&granted)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = page["data"].as_array().expect("data");
    assert_eq!(rows.len(), 20);
    for row in rows {
        let values = &row["values"];
        let name = values["name"].as_str().expect("a name");
        assert!(name.chars().skip(1).all(|c| c == '*') && name.chars().count() >= 2, "{name}");
        assert!(values["id_number"].as_str().expect("an id number").contains("***********"), "{values}");
        assert!(values.get("monthly_income").is_none(), "an income is no text: left out");
        assert!(values["organisation"].is_i64() && values["political_status"].is_string(), "{values}");
        assert!(row["village"].is_string() && row["grid"].is_string(), "{row}");
    }
    // With the personal-data scope, as recorded.
    let personal = NewApiKey {
        scopes: vec![ApiScope::RecordsRead, ApiScope::PersonalData],
        datasets: vec!["party.members".into()],
        ..partner()
    };
    let (_, personal) = issue_key(&db, personal).await;
    let (_, page) = call(&router, "/api/v1/datasets/party.members/records?limit=1", Some(&personal)).await;
    let first = &page["data"][0];
    #[derive(QueryableByName)]
    struct Person {
        #[diesel(sql_type = Text)]
        id_number: String,
    }
    let stored: Person = diesel::sql_query("SELECT id_number FROM reg.party_members WHERE id = $1")
        .bind::<BigInt, _>(first["id"].as_i64().expect("id"))
        .get_result(&mut *db.conn().await)
        .await
        .expect("member");
    assert_eq!(first["values"]["id_number"].as_str(), Some(stored.id_number.as_str()));
    db.finish().await;
}

#[tokio::test]
async fn a_key_limited_to_a_village_reads_that_village_only() {
    let db = TestDb::new().await;
    let router = router(&db);
    #[derive(QueryableByName)]
    struct Village {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        code: String,
        #[diesel(sql_type = Text)]
        name: String,
    }
    // The village with the most events.
    let village: Village = diesel::sql_query(
        "SELECT v.id, v.code, v.name FROM villages v JOIN events e ON e.village_id = v.id \
         GROUP BY v.id ORDER BY count(*) DESC, v.id LIMIT 1",
    )
    .get_result(&mut *db.conn().await)
    .await
    .expect("a village");
    let admin = db.user("sysadmin").await;
    let elsewhere = NewApiKey { scopes: vec![ApiScope::EventsRead], village_id: Some(999_999), ..partner() };
    let error = credentials::issue(&mut *db.conn().await, &admin, &elsewhere).await.expect_err("refused");
    assert_eq!(refused_fields(error), [("village".to_owned(), "api_key.village_unknown".to_owned())]);

    let form = NewApiKey {
        scopes: vec![ApiScope::EventsRead, ApiScope::StatsRead, ApiScope::BaseDataRead, ApiScope::RecordsRead],
        village_id: Some(village.id),
        ..partner()
    };
    let (_, key) = issue_key(&db, form).await;
    let keys = credentials::list(&mut *db.conn().await, &admin, &|key: &str| key.to_owned()).await.expect("keys");
    assert_eq!(keys[0].village.as_deref(), Some(village.name.as_str()), "the list names the village");

    let (_, villages) = call(&router, "/api/v1/villages", Some(&key)).await;
    let codes: Vec<&str> = villages.as_array().expect("list").iter().filter_map(|v| v["code"].as_str()).collect();
    assert_eq!(codes, [village.code.as_str()]);
    let (_, grids) = call(&router, "/api/v1/grids", Some(&key)).await;
    let grids = grids.as_array().expect("grids").clone();
    assert!(!grids.is_empty() && grids.iter().all(|g| g["village_code"] == village.code.as_str()));

    let events = walk(&router, "/api/v1/events", &key, 500).await;
    let expected = diesel::sql_query("SELECT count(*) AS n FROM events WHERE village_id = $1")
        .bind::<diesel::sql_types::Integer, _>(village.id)
        .get_result::<N>(&mut *db.conn().await)
        .await
        .expect("count")
        .n;
    assert_eq!(events.len() as i64, expected);
    assert!(events.iter().all(|e| e["village"] == village.name.as_str()));
    let (_, stats) = call(&router, "/api/v1/stats/events?by=village", Some(&key)).await;
    assert_eq!(stats["total"]["reported"].as_i64(), Some(expected), "{stats}");

    let stations = walk(&router, "/api/v1/datasets/party.stations/records", &key, 100).await;
    assert!(stations.iter().all(|s| s["village"] == village.code.as_str()), "{stations:?}");
    db.finish().await;
}

/// GB/T 13989 map-sheet numbers of a point, without a key: the textbook point's numbers at
/// every scale with each sheet's edges; a coordinate missing, unreadable or out of range, or
/// a parameter unknown, named in the caller's language with 400.
#[tokio::test]
async fn map_sheet_numbers_are_served_for_a_point_and_bad_points_named() {
    let db = TestDb::new().await;
    let router = router(&db);
    // 114°33′45″ E, 39°22′30″ N.
    let (status, answer) = call(&router, "/api/v1/geo/map-sheet?lat=39.375&lon=114.5625", None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let sheets = answer["sheets"].as_array().expect("sheets");
    let numbers: Vec<&str> = sheets.iter().map(|sheet| sheet["number"].as_str().unwrap_or("")).collect();
    assert_eq!(numbers.len(), 11);
    assert_eq!(
        numbers[..7],
        ["J50", "J50B001001", "J50C001001", "J50D002002", "J50E004003", "J50F008005", "J50G015010"]
    );
    assert_eq!(sheets[6]["denominator"], 10_000);
    assert_eq!((sheets[0]["west"].as_f64(), sheets[0]["north"].as_f64()), (Some(114.0), Some(40.0)));
    assert!(numbers[10].starts_with("J50K") && numbers[10].len() == 12);

    for (query, expected) in [
        ("lat=39.375", vec![("lon", "map_sheet.longitude")]),
        ("lat=北纬&lon=114", vec![("lat", "map_sheet.latitude")]),
        ("lat=-33.9&lon=151.2", vec![("lat", "map_sheet.latitude")]),
        ("lat=39&lon=200&scale=10000", vec![("scale", "sharing.parameter_unknown"), ("lon", "map_sheet.longitude")]),
        ("", vec![("lat", "map_sheet.latitude"), ("lon", "map_sheet.longitude")]),
    ] {
        let (status, answer) = call(&router, &format!("/api/v1/geo/map-sheet?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {answer}");
        let expected: Vec<(String, String)> = expected.into_iter().map(|(f, c)| (f.to_owned(), c.to_owned())).collect();
        assert_eq!(codes(&answer), expected, "{query}");
    }
    let (_, answer) = call(&router, "/api/v1/geo/map-sheet?lat=39", None).await;
    assert_eq!(answer["errors"][0]["message"], "经度应为 -180 至 180 度之间的数字");
    db.finish().await;
}

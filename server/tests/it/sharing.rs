//! The data-sharing API through the real router and database: keys scoped to datasets
//! (refused elsewhere, and at once when revoked), personal data masked unless granted, the
//! event feed walked page by page and from `updated_since` without a row lost or repeated,
//! parameters checked by name, every call logged with its rows, and the OpenAPI 3.1
//! description generated from the handlers.

use std::collections::HashSet;

use axum::Router;
use axum::body::Body;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};
use serde_json::Value;
use shared::credentials::service as credentials;
use shared::credentials::{ApiScope, NewApiKey};

use crate::harness::TestDb;
use crate::http::{HOST, router, send};

async fn issue(db: &TestDb, scopes: Vec<ApiScope>) -> (i64, String) {
    let form = NewApiKey { name: "市大数据平台".into(), scopes, per_minute: 10_000, expires_on: None };
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
    assert_eq!(paths, HashSet::from(["/api/v1/events", "/api/v1/stats/events", "/api/v1/villages", "/api/v1/grids"]));
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

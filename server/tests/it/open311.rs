//! Open311 GeoReport v2 through the real router and database: every path in JSON and XML,
//! every error shape and status, a request filed with attributes and followed to its end,
//! keys checked, limited and revoked at once, every call logged.

use axum::Router;
use axum::body::Body;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};
use serde_json::Value;
use shared::credentials::service as credentials;
use shared::credentials::{ApiScope, NewApiKey};
use shared::events::service::steps;
use shared::events::{Action, StepForm};

use crate::harness::TestDb;
use crate::http::{HOST, router, router_with_limits, send};

fn get(path: &str) -> Request<Body> {
    Request::get(path).header(header::HOST, HOST).body(Body::empty()).expect("request")
}

fn post(path: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request")
}

async fn json(router: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let (status, headers, body) = send(router, request).await;
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(kind.starts_with("application/json"), "{kind}: {body}");
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

async fn xml(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let (status, headers, body) = send(router, request).await;
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(kind.starts_with("text/xml"), "{kind}: {body}");
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{body}");
    (status, body)
}

async fn issue(db: &TestDb, per_minute: i32) -> String {
    let mut conn = db.conn().await;
    let form =
        NewApiKey { name: "随手拍".into(), scopes: vec![ApiScope::Open311], per_minute, ..Default::default() };
    let township: i32 = db.user("sysadmin").await.township_id;
    credentials::issue_for(&mut conn, township, None, &form).await.expect("key").key
}

#[derive(QueryableByName)]
struct Point {
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
}

async fn point(db: &TestDb) -> Point {
    let mut conn = db.conn().await;
    diesel::sql_query(
        "SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lng \
         FROM grids ORDER BY code LIMIT 1",
    )
    .get_result(&mut conn)
    .await
    .expect("a grid")
}

fn descriptions(errors: &Value) -> Vec<String> {
    errors
        .as_array()
        .expect("errors are a list")
        .iter()
        .map(|e| e["description"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn services_and_their_attributes_are_served_in_json_and_xml() {
    let db = TestDb::new().await;
    let router = router(&db);

    let (status, discovery) = json(&router, get("/open311/v2/discovery.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(discovery["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(discovery["endpoints"][0]["url"], format!("http://{HOST}/open311/v2"));
    assert_eq!(discovery["endpoints"][0]["formats"], serde_json::json!(["text/xml", "application/json"]));
    assert!(discovery["contact"].as_str().unwrap_or("").contains("/docs/open311.md"), "{discovery}");
    let (status, _, document) = send(&router, get("/docs/open311.md")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(document.starts_with("# Open311 GeoReport v2"), "the server publishes the client's document");
    let (_, discovery) = xml(&router, get("/open311/v2/discovery.xml")).await;
    assert!(
        discovery.contains("<formats><format>text/xml</format><format>application/json</format></formats>"),
        "{discovery}"
    );

    let (status, services) = json(&router, get("/open311/v2/services.json")).await;
    assert_eq!(status, StatusCode::OK);
    let services = services.as_array().expect("a top-level array");
    let lamp = services.iter().find(|s| s["service_code"] == "CG0501").expect("路灯损坏");
    assert_eq!(lamp["service_name"], "路灯损坏");
    assert_eq!(lamp["group"], "公共设施");
    assert_eq!(lamp["metadata"], true);
    assert_eq!(lamp["type"], "realtime");
    let litter = services.iter().find(|s| s["service_code"] == "CG0101").expect("暴露垃圾");
    assert_eq!(litter["metadata"], false);
    assert!(services.iter().all(|s| s["service_code"] != "CG05"), "a group is not a service");
    let (_, services_xml) = xml(&router, get("/open311/v2/services.xml")).await;
    assert!(services_xml.contains("<services><service><service_code>"), "{services_xml}");
    assert!(services_xml.contains("<service_code>CG0501</service_code><service_name>路灯损坏</service_name>"));

    let (status, definition) = json(&router, get("/open311/v2/services/CG0501.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(definition["service_code"], "CG0501");
    let state = definition["attributes"].as_array().expect("attributes").iter().find(|a| a["code"] == "lamp_state");
    let state = state.expect("lamp_state");
    assert_eq!(state["datatype"], "singlevaluelist");
    assert_eq!(state["required"], true);
    assert_eq!(state["variable"], true);
    assert_eq!(state["values"][0], serde_json::json!({"key": "off", "name": "不亮"}));
    let (_, definition) = xml(&router, get("/open311/v2/services/CG0501.xml")).await;
    assert!(definition.contains("<service_definition><service_code>CG0501</service_code><attributes><attribute>"));
    assert!(definition.contains("<values><value><key>off</key><name>不亮</name></value>"), "{definition}");

    let (status, errors) = json(&router, get("/open311/v2/services/NOPE.json")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["code"], 404);
    assert!(descriptions(&errors)[0].starts_with("service_code: 没有这项服务"), "{errors}");
    let english = Request::get("/open311/v2/services/NOPE.xml")
        .header(header::HOST, HOST)
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .body(Body::empty())
        .expect("request");
    let (status, errors) = xml(&router, english).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(errors.contains("<errors><error><code>404</code><description>service_code: No such service"), "{errors}");
    let (status, errors) = json(&router, get("/open311/v2/services.html")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(descriptions(&errors)[0].contains(".json"), "{errors}");
    let (status, _) = json(&router, get("/open311/v2/nothing.json")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Text that is not clean UTF-8 is refused before any handler, in the path's format.
    let (status, errors) = xml(&router, get("/open311/v2/requests.xml?status=%FF")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(errors.contains("<error><code>400</code><description>status: "), "{errors}");
    db.finish().await;
}

#[tokio::test]
async fn a_request_is_filed_with_its_attributes_and_followed_to_its_end() {
    let db = TestDb::new().await;
    let router = router(&db);
    let key = issue(&db, 1000).await;
    let at = point(&db).await;
    let valid = |key: &str| {
        format!(
            "api_key={key}&service_code=CG0501&lat={}&lon={}&attribute%5Blamp_state%5D=off\
             &attribute%5Bpole_number%5D=LD-0231&description=%E5%AD%A6%E6%A0%A1%E9%97%A8%E5%8F%A3%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE\
             &first_name=%E4%B8%89&last_name=%E5%BC%A0&phone=13812345678&email=zhang%40example.cn\
             &media_url=https%3A%2F%2Fexample.cn%2Fp.jpg&address_string=%E5%AD%A6%E5%BA%9C%E8%B7%AF",
            at.lat, at.lng
        )
    };

    // Refusals: no key, a wrong key, no location, a missing or unknown attribute, a bad number.
    let (status, errors) = json(&router, post("/open311/v2/requests.json", "service_code=CG0501".into())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(errors[0]["code"], 403);
    assert!(descriptions(&errors)[0].starts_with("api_key: "), "{errors}");
    let wrong = format!("{}x", &key[..key.len() - 1]);
    let (status, _) = json(&router, post("/open311/v2/requests.json", valid(&wrong))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let body = format!("api_key={key}&service_code=CG0501&address_string=x&attribute%5Blamp_state%5D=off");
    let (status, errors) = json(&router, post("/open311/v2/requests.json", body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(descriptions(&errors)[0].starts_with("lat: "), "{errors}");
    let body = format!(
        "api_key={key}&service_code=CG0501&lat={}&long={}&attribute%5Bcolour%5D=red&description=abcdefg",
        at.lat, at.lng
    );
    let (status, errors) = json(&router, post("/open311/v2/requests.json", body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let errors = descriptions(&errors);
    assert!(errors.iter().any(|e| e.starts_with("attribute[lamp_state]: ")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("attribute[colour]: ")), "{errors:?}");
    let (status, errors) =
        xml(&router, post("/open311/v2/requests.xml", format!("api_key={key}&service_code=CG0501&lat=abc&long=1")))
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(errors.contains("<description>lat: 不是有效的数字</description>"), "{errors}");
    let outside = format!("api_key={key}&service_code=CG0101&lat=39.9&long=116.4&description=abcdefg");
    let (status, errors) = json(&router, post("/open311/v2/requests.json", outside)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(descriptions(&errors)[0].starts_with("lat: "), "{errors}");
    {
        let mut conn = db.conn().await;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query("SELECT count(*) AS n FROM events WHERE channel = 'open311'")
            .get_result(&mut conn)
            .await
            .expect("count");
        assert_eq!(n.n, 0, "nothing refused was kept");
    }

    // Filed: an event of the loop with the attributes in its description.
    let (status, filed) = json(&router, post("/open311/v2/requests.json", valid(&key))).await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    let filed = &filed.as_array().expect("a top-level array")[0];
    let id = filed["service_request_id"].as_str().expect("id").to_owned();
    let token = filed["token"].as_str().expect("token").to_owned();
    assert!(id.starts_with("TG-") && token.starts_with(&id), "{filed}");
    assert!(filed["service_notice"].as_str().unwrap_or("").contains(&token), "{filed}");
    #[derive(QueryableByName)]
    struct Stored {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Text)]
        description: String,
        #[diesel(sql_type = Text)]
        contact_name: String,
        #[diesel(sql_type = Text)]
        address: String,
        #[diesel(sql_type = Nullable<BigInt>)]
        created_by: Option<i64>,
        #[diesel(sql_type = Text)]
        attributes: String,
        #[diesel(sql_type = Text)]
        email: String,
    }
    let stored: Stored = diesel::sql_query(
        "SELECT e.id, e.title, e.description, e.contact_name, e.address, e.created_by, o.attributes::text AS attributes, o.email \
         FROM events e JOIN open311_requests o ON o.event_id = e.id WHERE e.number = $1 AND e.channel = 'open311'",
    )
    .bind::<Text, _>(&id)
    .get_result(&mut db.conn().await)
    .await
    .expect("the event");
    assert_eq!(stored.title, "学校门口路灯不亮");
    assert_eq!(stored.description, "学校门口路灯不亮\n灯杆编号（杆身喷涂的编号）：LD-0231\n路灯状态：不亮");
    assert_eq!(stored.contact_name, "张三");
    assert_eq!(stored.address, "学府路");
    assert_eq!(stored.created_by, None);
    assert_eq!(stored.attributes, r#"{"lamp_state": "off", "pole_number": "LD-0231"}"#);
    assert_eq!(stored.email, "zhang@example.cn");

    // Read back by id, by token and in the list: open, with no contact detail.
    let (status, found) = json(&router, get(&format!("/open311/v2/requests/{id}.json"))).await;
    assert_eq!(status, StatusCode::OK);
    let found = &found[0];
    assert_eq!(found["status"], "open");
    assert_eq!(found["status_notes"], "待受理");
    assert_eq!(found["service_code"], "CG0501");
    assert_eq!(found["media_url"], "https://example.cn/p.jpg");
    assert!(
        (found["lat"].as_f64().unwrap_or(0.0) - at.lat).abs() < 1e-9
            && (found["long"].as_f64().unwrap_or(0.0) - at.lng).abs() < 1e-9
    );
    assert!(found["requested_datetime"].as_str().unwrap_or("").ends_with("+08:00"), "{found}");
    let text = found.to_string();
    assert!(!text.contains("13812345678") && !text.contains("example.cn\",") && !text.contains("张三"), "{text}");
    let (_, found_xml) = xml(&router, get(&format!("/open311/v2/requests/{id}.xml"))).await;
    assert!(
        found_xml.contains(&format!(
            "<service_requests><request><service_request_id>{id}</service_request_id><status>open</status>"
        )),
        "{found_xml}"
    );
    assert!(found_xml.contains("<address_id/>"), "{found_xml}");
    let (status, answer) = json(&router, get(&format!("/open311/v2/tokens/{token}.json"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer[0]["service_request_id"], id.as_str());
    let (status, _) = json(&router, get(&format!("/open311/v2/tokens/{id}-AAAAAAAA.json"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json(&router, get("/open311/v2/requests/TG-2026-999999.json")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, all) = json(&router, get("/open311/v2/requests.json")).await;
    let ids: Vec<&str> =
        all.as_array().expect("list").iter().filter_map(|r| r["service_request_id"].as_str()).collect();
    assert_eq!(ids, vec![id.as_str()], "only what came in through Open311 is served");
    let (_, none) = json(&router, get("/open311/v2/requests.json?status=closed")).await;
    assert_eq!(none, serde_json::json!([]));
    let (_, none) = json(&router, get("/open311/v2/requests.json?service_code=CG0101")).await;
    assert_eq!(none, serde_json::json!([]));
    let (_, none) = json(&router, get("/open311/v2/requests.json?start_date=2020-01-01&end_date=2020-12-31")).await;
    assert_eq!(none, serde_json::json!([]));
    let (_, page) =
        json(&router, get(&format!("/open311/v2/requests.json?service_request_id={id},TG-2026-999999&status=closed")))
            .await;
    assert_eq!(page.as_array().map(Vec::len), Some(1), "ids override the other parameters");
    let (status, errors) = json(&router, get("/open311/v2/requests.json?page_size=0&status=done")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(errors.as_array().map(Vec::len), Some(2), "{errors}");

    // Staff refuse it: the client sees it closed, with the step in its updates.
    let staff = db.user("staff").await;
    steps::act(
        &mut *db.conn().await,
        &staff,
        &StepForm { note: "属于供电公司维护范围".into(), ..StepForm::new(stored.id, 1, Action::Reject) },
    )
    .await
    .expect("reject");
    let (_, found) = json(&router, get(&format!("/open311/v2/requests/{id}.json"))).await;
    assert_eq!(found[0]["status"], "closed");
    assert_eq!(found[0]["status_notes"], "不予立案");
    assert!(found[0]["expected_datetime"].is_null());
    let (status, updates) = json(&router, get("/open311/v2/servicerequestupdates.json")).await;
    assert_eq!(status, StatusCode::OK);
    let updates = updates.as_array().expect("list");
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert_eq!(updates[0]["status"], "open");
    assert_eq!(updates[1]["status"], "closed");
    assert_eq!(updates[1]["description"], "不予立案：不予立案");
    assert!(updates.iter().all(|u| u["service_request_id"] == id.as_str()));
    let (_, updates_xml) = xml(&router, get("/open311/v2/servicerequestupdates.xml")).await;
    assert!(updates_xml.contains("<service_requests_updates><request_update><update_id>"), "{updates_xml}");

    // Every call was logged, with its key where it had one.
    #[derive(QueryableByName)]
    struct Logged {
        #[diesel(sql_type = BigInt)]
        all: i64,
        #[diesel(sql_type = BigInt)]
        keyed_ok: i64,
        #[diesel(sql_type = BigInt)]
        forbidden: i64,
    }
    let logged: Logged = diesel::sql_query(
        "SELECT count(*) AS all, count(*) FILTER (WHERE api_key_id IS NOT NULL AND status = 200) AS keyed_ok, \
                count(*) FILTER (WHERE status = 403) AS forbidden FROM api_calls WHERE api = 'open311'",
    )
    .get_result(&mut db.conn().await)
    .await
    .expect("log");
    assert!(logged.all >= 20, "{}", logged.all);
    assert_eq!(logged.keyed_ok, 1);
    assert_eq!(logged.forbidden, 2);
    db.finish().await;
}

#[tokio::test]
async fn keys_are_limited_and_revoked_or_expired_at_once() {
    let db = TestDb::new().await;
    let limits = server::rate_limit::RateLimits { open311_per_minute: 3, ..crate::http::GENEROUS_LIMITS };
    let router = router_with_limits(&db, limits);
    let key = issue(&db, 2).await;
    let with_key = format!("/open311/v2/services.json?api_key={key}");
    for _ in 0..2 {
        let (status, _) = json(&router, get(&with_key)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, headers, body) = send(&router, get(&with_key)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key(header::RETRY_AFTER));
    assert!(body.contains("\"code\":429"), "{body}");
    // Without a key, the address's own quota.
    for _ in 0..3 {
        let (status, _) = json(&router, get("/open311/v2/services.json")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = json(&router, get("/open311/v2/services.json")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Revoked: refused at its next call.
    let router = crate::http::router(&db);
    let other = issue(&db, 100).await;
    let path = format!("/open311/v2/services.json?api_key={other}");
    assert_eq!(json(&router, get(&path)).await.0, StatusCode::OK);
    let admin = db.user("sysadmin").await;
    let keys = credentials::list(&mut *db.conn().await, &admin, &|key: &str| key.to_owned()).await.expect("keys");
    let listed = keys.iter().find(|k| other.starts_with(&k.prefix)).expect("listed");
    assert!(!format!("{listed:?}").contains(&other[13..]), "a list never holds the secret");
    credentials::revoke(&mut *db.conn().await, &admin, listed.id).await.expect("revoke");
    let (status, errors) = json(&router, get(&path)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(descriptions(&errors)[0].contains("已吊销"), "{errors}");
    let staff = db.user("staff").await;
    assert_eq!(
        credentials::list(&mut *db.conn().await, &staff, &|key: &str| key.to_owned()).await,
        Err(shared::AppError::Forbidden)
    );

    // Expired: the same.
    let third = issue(&db, 100).await;
    let path = format!("/open311/v2/services.json?api_key={third}");
    assert_eq!(json(&router, get(&path)).await.0, StatusCode::OK);
    diesel::sql_query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE $1 LIKE prefix || '%'")
        .bind::<Text, _>(&third)
        .execute(&mut db.conn().await)
        .await
        .expect("expire");
    assert_eq!(json(&router, get(&path)).await.0, StatusCode::FORBIDDEN);
    db.finish().await;
}

#[tokio::test]
async fn clients_of_other_origins_may_call_and_the_cli_issues_keys() {
    let db = TestDb::new().await;
    let router = router(&db);
    let preflight = Request::options("/open311/v2/requests.json")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://app.example.org")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = send(&router, preflight).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(headers.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
    // A POST from another origin is not refused as a forgery: a key, not a cookie, proves it.
    let key = issue(&db, 100).await;
    let request = Request::post("/open311/v2/requests.json")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://app.example.org")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("api_key={key}&service_code=NOPE&lat=1&long=1")))
        .expect("request");
    let (status, _) = json(&router, request).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "refused for its service, not its origin");

    let create = server::apikey_cmd::ApiKeyCommand::Create {
        name: "市级随手拍".into(),
        scopes: vec!["open311".into()],
        per_minute: 30,
        expires: Some(shared::time::today()),
        village: None,
        datasets: vec![],
        township: None,
    };
    server::apikey_cmd::run(&db.url(), create).await.expect("created");
    let unknown = server::apikey_cmd::ApiKeyCommand::Create {
        name: "x".into(),
        scopes: vec!["everything".into()],
        per_minute: 30,
        expires: None,
        village: None,
        datasets: vec![],
        township: None,
    };
    assert!(server::apikey_cmd::run(&db.url(), unknown).await.is_err());
    let admin = db.user("sysadmin").await;
    let keys = credentials::list(&mut *db.conn().await, &admin, &|key: &str| key.to_owned()).await.expect("keys");
    let made = keys.iter().find(|k| k.name == "市级随手拍").expect("issued by the CLI");
    assert_eq!((made.per_minute, made.scopes.clone()), (30, vec![ApiScope::Open311]));
    assert!(made.expires_at.is_some_and(|at| at > chrono::Utc::now()), "works to the end of its last day");
    let revoke = server::apikey_cmd::ApiKeyCommand::Revoke { prefix: made.prefix.clone(), township: None };
    server::apikey_cmd::run(&db.url(), revoke).await.expect("revoked");
    let again = server::apikey_cmd::ApiKeyCommand::Revoke { prefix: made.prefix.clone(), township: None };
    assert!(server::apikey_cmd::run(&db.url(), again).await.is_err(), "a revoked key is not revoked twice");
    db.finish().await;
}

#[tokio::test]
async fn staff_keep_a_categorys_attributes_and_open311_serves_them() {
    use shared::events::attributes::AttributeForm;
    use shared::events::service::attributes;
    let db = TestDb::new().await;
    let router = router(&db);
    let admin = db.user("sysadmin").await;
    let category: i32 = {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            id: i32,
        }
        diesel::sql_query("SELECT id FROM event_categories WHERE code = 'CG0101'")
            .get_result::<Id>(&mut *db.conn().await)
            .await
            .expect("category")
            .id
    };
    let form = AttributeForm {
        category_id: category,
        code: "pile_size".into(),
        datatype: "singlevaluelist".into(),
        required: true,
        description: "垃圾量".into(),
        choices: "small=一袋以内\nlarge=一车以上".into(),
    };
    // Refused whole, and by a user without the permission.
    let bad = AttributeForm { code: "Pile Size".into(), choices: String::new(), ..form.clone() };
    let error = attributes::save(&mut *db.conn().await, &admin, &bad).await.expect_err("invalid");
    assert_eq!(error.field_codes("code"), vec![shared::ErrorCode::AttributeCodeInvalid]);
    assert_eq!(error.field_codes("choices"), vec![shared::ErrorCode::AttributeChoicesInvalid]);
    let grid = db.user("grid").await;
    assert_eq!(attributes::save(&mut *db.conn().await, &grid, &form).await, Err(shared::AppError::Forbidden));
    let id = attributes::save(&mut *db.conn().await, &admin, &form).await.expect("saved");
    let (_, services) = json(&router, get("/open311/v2/services.json")).await;
    let litter = services.as_array().expect("list").iter().find(|s| s["service_code"] == "CG0101").cloned();
    assert_eq!(litter.expect("served")["metadata"], true);
    let (_, definition) = json(&router, get("/open311/v2/services/CG0101.json")).await;
    assert_eq!(definition["attributes"][0]["code"], "pile_size");
    assert_eq!(definition["attributes"][0]["values"][1], serde_json::json!({"key": "large", "name": "一车以上"}));
    // The same code changes it; removing it takes it off the service.
    let changed = AttributeForm { required: false, description: "垃圾大约有多少".into(), ..form };
    assert_eq!(attributes::save(&mut *db.conn().await, &admin, &changed).await, Ok(id));
    let (_, definition) = json(&router, get("/open311/v2/services/CG0101.json")).await;
    assert_eq!(definition["attributes"][0]["required"], false);
    attributes::remove(&mut *db.conn().await, &admin, id).await.expect("removed");
    let (_, definition) = json(&router, get("/open311/v2/services/CG0101.json")).await;
    assert_eq!(definition["attributes"], serde_json::json!([]));
    db.finish().await;
}

#[tokio::test]
async fn the_call_log_forgets_calls_past_its_retention_and_keeps_the_rest() {
    use shared::credentials::call_log;
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    // 25 calls over a year old, 5 ten days short of the least retention, 5 today.
    diesel::sql_query(
        "INSERT INTO api_calls (at, api, method, path, status, millis) \
         SELECT now() - make_interval(days => d), 'open311', 'GET', '/open311/v2/services.json', 200, 3 \
         FROM unnest(array_fill(400, ARRAY[25]) || array_fill(170, ARRAY[5]) || array_fill(0, ARRAY[5])) AS d",
    )
    .execute(&mut conn)
    .await
    .expect("calls");
    let count = async |conn: &mut diesel_async::AsyncPgConnection| -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query("SELECT count(*) AS n FROM api_calls").get_result(conn).await.expect("count");
        n.n
    };
    let before = count(&mut conn).await;
    // In batches smaller than what is due: every old row goes, none of the others.
    let now = chrono::Utc::now();
    assert_eq!(call_log::purge_in_batches_of(&mut conn, 200, now, 10).await, Ok(25));
    assert_eq!(count(&mut conn).await, before - 25);
    // A retention below the least allowed is taken as the least: the 170-day-old calls stay.
    assert_eq!(call_log::purge(&mut conn, 30, now).await, Ok(0));
    assert_eq!(count(&mut conn).await, before - 25);
    // Run again, nothing more.
    assert_eq!(call_log::purge(&mut conn, 180, now).await, Ok(0));
    drop(conn);
    db.finish().await;
}

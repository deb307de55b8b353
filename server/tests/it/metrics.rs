//! `/metrics` through the real router and database: hidden (404) from a scraper without the
//! token, every request counted and timed under its route's template and status, and the
//! database, the pool and the exchange's outbox read at the scrape as the database has them.

use axum::body::Body;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};

use chrono::{Duration, Utc};
use shared::events::service::steps;
use shared::events::{Action, StepForm};
use shared::exchange::signature::Algorithm;

use crate::exchange::{SECRET, add_peer, first_department, instruction, point, signed};
use crate::harness::TestDb;
use crate::http::{HOST, METRICS_TOKEN, router, send};

fn get(path: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path).header(header::HOST, HOST);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).expect("request")
}

/// The value of one sample line (`name{labels} value`).
fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn requests_are_counted_by_route_and_the_database_and_outbox_read_at_the_scrape() {
    let db = TestDb::new().await;
    let router = router(&db);
    assert_eq!(send(&router, get("/metrics", None)).await.0, StatusCode::NOT_FOUND, "no token, not loopback");
    assert_eq!(send(&router, get("/metrics", Some("wrong-token-0123456789"))).await.0, StatusCode::NOT_FOUND);

    for _ in 0..3 {
        assert_eq!(send(&router, get("/healthz", None)).await.0, StatusCode::OK);
    }
    assert_eq!(send(&router, get("/api/v1/events", None)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&router, get("/docs/exchange.md", None)).await.0, StatusCode::OK);
    assert_eq!(send(&router, get("/docs/open311.md", None)).await.0, StatusCode::OK);

    let (status, headers, body) = send(&router, get("/metrics", Some(METRICS_TOKEN))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let count = |labels: &str| sample(&body, &format!("tongguan_http_requests_total{{{labels}}}"));
    assert_eq!(count(r#"method="GET",route="/healthz",status="200""#), Some(3.0), "{body}");
    assert_eq!(count(r#"method="GET",route="/api/v1/events",status="401""#), Some(1.0));
    // Two documents, one route: ids and names never multiply the series.
    assert_eq!(count(r#"method="GET",route="/docs/{name}",status="200""#), Some(2.0));
    assert_eq!(count(r#"method="GET",route="/metrics",status="404""#), Some(2.0), "refused scrapes are counted too");
    let timed =
        sample(&body, r#"tongguan_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}"#);
    assert_eq!(timed, Some(3.0));
    assert!(
        body.contains(
            r#"tongguan_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/healthz",status="200"}"#
        ) || body.contains(
            r#"tongguan_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200",le="0.001"}"#
        ),
        "{body}"
    );

    assert_eq!(sample(&body, "tongguan_database_up"), Some(1.0));
    assert!(sample(&body, "tongguan_database_pool_connections").is_some_and(|n| n >= 1.0), "{body}");
    assert_eq!(sample(&body, "tongguan_live_connections"), Some(0.0));
    #[derive(QueryableByName)]
    struct Outbox {
        #[diesel(sql_type = BigInt)]
        waiting: i64,
        #[diesel(sql_type = BigInt)]
        dead: i64,
    }
    let outbox: Outbox = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE state = 'pending' AND attempts = 0) AS waiting, \
                count(*) FILTER (WHERE state = 'dead') AS dead FROM exchange_outbox",
    )
    .get_result(&mut *db.conn().await)
    .await
    .expect("outbox");
    assert_eq!(sample(&body, "tongguan_exchange_outbox_waiting"), Some(outbox.waiting as f64));
    assert_eq!(sample(&body, "tongguan_exchange_outbox_dead"), Some(outbox.dead as f64));
    // An instruction's event takes two steps: two messages wait (the peer has no endpoint
    // yet), then one is a dead letter; the next scrape says so.
    add_peer(&db, Algorithm::HmacSm3, "", 8).await;
    let order = instruction("XJ-METRICS-1", point(&db).await, Utc::now() + Duration::days(2));
    let request = signed(&order, Algorithm::HmacSm3, "nonce-metrics-000000001", Utc::now().timestamp(), SECRET);
    let (status, _, answer) = send(&router, request).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let number = serde_json::from_str::<serde_json::Value>(&answer).expect("json")["event_number"]
        .as_str()
        .expect("number")
        .to_owned();
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let event = diesel::sql_query("SELECT id FROM events WHERE number = $1")
        .bind::<diesel::sql_types::Text, _>(&number)
        .get_result::<Id>(&mut *db.conn().await)
        .await
        .expect("event")
        .id;
    let staff = db.user("staff").await;
    steps::act(&mut *db.conn().await, &staff, &StepForm::new(event, 1, Action::Accept)).await.expect("accept");
    let dispatch =
        StepForm { department_id: Some(first_department(&db).await), ..StepForm::new(event, 2, Action::Dispatch) };
    steps::act(&mut *db.conn().await, &staff, &dispatch).await.expect("dispatch");
    let (_, _, body) = send(&router, get("/metrics", Some(METRICS_TOKEN))).await;
    assert_eq!(sample(&body, "tongguan_exchange_outbox_waiting"), Some((outbox.waiting + 2) as f64), "{body}");
    diesel::sql_query("UPDATE exchange_outbox SET state = 'dead' WHERE id = (SELECT max(id) FROM exchange_outbox)")
        .execute(&mut *db.conn().await)
        .await
        .expect("a dead letter");
    let (_, _, body) = send(&router, get("/metrics", Some(METRICS_TOKEN))).await;
    assert_eq!(sample(&body, "tongguan_exchange_outbox_dead"), Some((outbox.dead + 1) as f64), "{body}");
    assert_eq!(sample(&body, "tongguan_exchange_outbox_waiting"), Some((outbox.waiting + 1) as f64));
    // The event's three changes of state wait for the audit job, which this router does not
    // run; once appended, none waits.
    assert_eq!(sample(&body, "tongguan_audit_event_steps_queued"), Some(3.0), "{body}");
    shared::events::service::step_audit::drain(&mut *db.conn().await).await.expect("drain");
    let (_, _, body) = send(&router, get("/metrics", Some(METRICS_TOKEN))).await;
    assert_eq!(sample(&body, "tongguan_audit_event_steps_queued"), Some(0.0), "{body}");
    db.finish().await;
}

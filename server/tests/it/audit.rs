//! The audit log is a hash chain: every change to a past record is detected.

use diesel_async::RunQueryDsl;
use shared::audit::service;

use crate::harness::TestDb;

#[tokio::test]
async fn the_chain_verifies_and_detects_edits_and_deletions() {
    let db = TestDb::new().await;
    let first = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert!(first.checked > 10, "seeding recorded the demo accounts: {first:?}");
    assert_eq!(first.broken_at, None);

    diesel::sql_query("UPDATE audit_log SET detail = 'edited' WHERE id = (SELECT min(id) + 3 FROM audit_log)")
        .execute(&mut *db.conn().await)
        .await
        .expect("tamper");
    let edited = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert_eq!(edited.broken_at, Some(first_id(&db).await + 3));

    let db2 = TestDb::new().await;
    diesel::sql_query("DELETE FROM audit_log WHERE id = (SELECT min(id) + 5 FROM audit_log)")
        .execute(&mut *db2.conn().await)
        .await
        .expect("delete");
    let deleted = service::verify_chain(&mut *db2.conn().await).await.expect("verify");
    assert_eq!(deleted.broken_at, Some(first_id(&db2).await + 6));
    db.finish().await;
    db2.finish().await;
}

async fn first_id(db: &TestDb) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Min {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query("SELECT min(id) AS id FROM audit_log")
        .get_result::<Min>(&mut *db.conn().await)
        .await
        .expect("min")
        .id
}

#[tokio::test]
async fn checkpoints_catch_the_newest_records_deleted_and_the_walk_is_bounded() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    assert!(service::checkpoint(&mut conn).await.expect("checkpoint"), "the tail is written");
    assert!(!service::checkpoint(&mut conn).await.expect("again"), "once per record");
    // More records than one batch of the walk, appended after the checkpoint.
    let targets: Vec<String> = (0..12_000).map(|n| format!("t{n}")).collect();
    service::record_many(&mut conn, 1, None, "test", shared::audit::AuditAction::CreateRecord, &targets, "")
        .await
        .expect("append");
    service::checkpoint(&mut conn).await.expect("second checkpoint");
    let intact = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!((intact.broken_at, intact.checkpoints), (None, 2));
    assert!(intact.checked > 12_000);

    // Deleting the newest records leaves a chain that walks clean: the checkpoint catches it.
    #[derive(diesel::QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let newest =
        diesel::sql_query("SELECT max(id) AS id FROM audit_log").get_result::<Max>(&mut conn).await.expect("max").id;
    diesel::sql_query("DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)")
        .execute(&mut conn)
        .await
        .expect("delete the tail");
    let truncated = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!(truncated.broken_at, Some(newest), "the checkpointed record is missing");
    assert_eq!(truncated.checkpoints, 1);
    drop(conn);
    db.finish().await;
}

/// The records a request writes carry its client's address, and logout, a refusal for a
/// missing permission and an export are recorded with who, what and from where.
#[tokio::test]
async fn requests_are_audited_with_their_address_logout_refusals_and_exports_included() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use diesel::{BoolExpressionMethods, ExpressionMethods, QueryDsl};
    use http::{Request, StatusCode, header};
    use shared::schema::audit_log;

    use crate::harness::PASSWORD;
    use crate::http::{FORM, HOST, router, send};

    let db = TestDb::new().await;
    let router = router(&db);
    let from = |mut request: Request<Body>| {
        let peer: std::net::SocketAddr = "203.0.113.7:50000".parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    };
    let post = |path: &str, cookie: Option<&str>, body: String| {
        let mut request = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, FORM);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        from(request.body(Body::from(body)).expect("request"))
    };
    let login =
        post("/api/auth/login", None, format!("username=staff&password={}&next=%2F", PASSWORD.replace('@', "%40")));
    let (status, headers, _) = send(&router, login).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let cookie = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("cookie");
    let cookie = cookie.split(';').next().expect("pair").to_owned();

    // A clerk asking for the audit log is refused, and the refusal is on record.
    let (status, _, _) = send(&router, post("/api/admin/audit_verify", Some(&cookie), String::new())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let export = Request::get("/api/events/export.csv?status=open")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    let (status, _, _) = send(&router, from(export)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(&router, post("/api/auth/logout", Some(&cookie), String::new())).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");

    let rows: Vec<(String, String, String, String)> = audit_log::table
        .filter(audit_log::actor_name.eq_any(["沈晓燕", "staff"]).or(audit_log::target.eq("staff")))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::target, audit_log::detail, audit_log::ip))
        .load(&mut *db.conn().await)
        .await
        .expect("audit");
    let actions: Vec<&str> = rows.iter().map(|(action, ..)| action.as_str()).collect();
    assert_eq!(actions[actions.len() - 4..], ["auth.login", "auth.denied", "data.export", "auth.logout"], "{rows:?}");
    for (action, target, detail, ip) in &rows[rows.len() - 4..] {
        assert_eq!(ip, "203.0.113.7", "{action} carries the client's address");
        match action.as_str() {
            "auth.denied" => assert_eq!((target.as_str(), detail.as_str()), ("audit.view", "/api/admin/audit_verify")),
            "data.export" => assert_eq!((target.as_str(), detail.as_str()), ("events", "format=csv&status=open")),
            _ => {}
        }
    }
    let chain = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert_eq!(chain.broken_at, None, "records with an address verify");
    diesel::sql_query("UPDATE audit_log SET ip = '198.51.100.1' WHERE action = 'data.export'")
        .execute(&mut *db.conn().await)
        .await
        .expect("tamper");
    let chain = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert!(chain.broken_at.is_some(), "the address is covered by the chain");
    db.finish().await;
}

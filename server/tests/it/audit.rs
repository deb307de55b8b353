//! The audit log is a chain of HMAC-SM3 values under the server's key, append-only in the
//! database: every change to a past record is refused, or detected.

use diesel::{ExpressionMethods, QueryDsl, TextExpressionMethods};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shared::audit::{AuditAction, service};
use shared::schema::audit_log;

use crate::harness::TestDb;

/// Runs `sql` as someone who may switch the append-only triggers off (a superuser, as the
/// tests' role is): what an attacker with full access to the database could do.
pub async fn tamper(conn: &mut AsyncPgConnection, sql: &str) {
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        diesel::sql_query("SET LOCAL session_replication_role = replica").execute(conn).await?;
        diesel::sql_query(sql).execute(conn).await
    })
    .await
    .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

/// [`tamper`] with one record's number bound as `$1`.
async fn tamper_record(conn: &mut AsyncPgConnection, sql: &str, id: i64) {
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        diesel::sql_query("SET LOCAL session_replication_role = replica").execute(conn).await?;
        diesel::sql_query(sql).bind::<diesel::sql_types::BigInt, _>(id).execute(conn).await
    })
    .await
    .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

#[tokio::test]
async fn the_chain_verifies_and_detects_edits_and_deletions() {
    let db = TestDb::new().await;
    let first = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert!(first.checked > 10, "seeding recorded the demo accounts: {first:?}");
    assert_eq!((first.broken_at, first.legacy), (None, 0), "every record is sealed with the key");

    tamper(
        &mut *db.conn().await,
        "UPDATE audit_log SET detail = 'edited' WHERE id = (SELECT min(id) + 3 FROM audit_log)",
    )
    .await;
    let edited = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert_eq!(edited.broken_at, Some(first_id(&db).await + 3));

    let db2 = TestDb::new().await;
    tamper(&mut *db2.conn().await, "DELETE FROM audit_log WHERE id = (SELECT min(id) + 5 FROM audit_log)").await;
    let deleted = service::verify_chain(&mut *db2.conn().await).await.expect("verify");
    assert_eq!(deleted.broken_at, Some(first_id(&db2).await + 6));
    db.finish().await;
    db2.finish().await;
}

/// One record appended by each of `AT_ONCE` connections at once, each holding its chain until
/// all have appended: (target, chain, id) of each, in the order written.
async fn appended_at_once(db: &TestDb, round: usize) -> Vec<(String, i16, i64)> {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(AT_ONCE));
    let tasks: Vec<_> = (0..AT_ONCE)
        .map(|n| {
            let (url, barrier) = (db.url(), barrier.clone());
            tokio::spawn(async move {
                let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
                conn.transaction::<_, shared::AppError, _>(async |conn| {
                    let target = format!("r{round}-{n}");
                    service::record(conn, 1, None, "test", AuditAction::CreateRecord, &target, "").await?;
                    barrier.wait().await;
                    Ok(())
                })
                .await
                .expect("append");
            })
        })
        .collect();
    // Had one append waited for another's chain, the barrier would never open.
    tokio::time::timeout(std::time::Duration::from_secs(30), async {
        for task in tasks {
            task.await.expect("task");
        }
    })
    .await
    .expect("appends made at once do not wait for each other");
    #[derive(diesel::QueryableByName)]
    struct Appended {
        #[diesel(sql_type = diesel::sql_types::Text)]
        target: String,
        #[diesel(sql_type = diesel::sql_types::SmallInt)]
        chain: i16,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let appended: Vec<Appended> =
        diesel::sql_query("SELECT target, chain, id FROM audit_log WHERE target LIKE $1 ORDER BY id")
            .bind::<diesel::sql_types::Text, _>(format!("r{round}-%"))
            .load(&mut *db.conn().await)
            .await
            .expect("appended");
    appended.into_iter().map(|a| (a.target, a.chain, a.id)).collect()
}

const AT_ONCE: usize = 4;

/// Appends made at once take chains of their own instead of queueing for one lock (which
/// halved event intake, docs/benchmarks.md), a quiet log stays in chain 0, and each chain links
/// on by itself: a record moved to another chain, deleted from the middle of one, or deleted
/// from the end of one after a checkpoint is caught.
#[tokio::test]
async fn appends_made_at_once_take_chains_of_their_own_and_every_chain_verifies() {
    let db = TestDb::new().await;
    let first = appended_at_once(&db, 0).await;
    let second = appended_at_once(&db, 1).await;
    for round in [&first, &second] {
        let mut chains: Vec<i16> = round.iter().map(|(_, chain, _)| *chain).collect();
        chains.sort_unstable();
        assert_eq!(chains, [0, 1, 2, 3], "the first free chains, one each: {round:?}");
    }
    let mut conn = db.conn().await;
    // One at a time, appends stay in chain 0.
    service::record(&mut conn, 1, None, "test", AuditAction::CreateRecord, "quiet", "").await.expect("append");
    let quiet: i16 = audit_log::table
        .filter(audit_log::target.eq("quiet"))
        .select(audit_log::chain)
        .first(&mut conn)
        .await
        .expect("quiet");
    assert_eq!(quiet, 0);
    assert!(service::checkpoint(&mut conn).await.expect("checkpoint"));
    let intact = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!((intact.broken_at, intact.chains, intact.checkpoints), (None, 4, 4), "one checkpoint a chain");

    let in_chain = |round: &[(String, i16, i64)], chain: i16| {
        round.iter().find(|(_, c, _)| *c == chain).map(|(_, _, id)| *id).expect("a record in the chain")
    };
    // Moved to chain 0, a record of chain 2 no longer links, and moved back it does again.
    let moved = in_chain(&second, 2);
    tamper_record(&mut conn, "UPDATE audit_log SET chain = 0 WHERE id = $1", moved).await;
    assert_eq!(service::verify_chain(&mut conn).await.expect("verify").broken_at, Some(moved));
    tamper_record(&mut conn, "UPDATE audit_log SET chain = 2 WHERE id = $1", moved).await;
    assert_eq!(service::verify_chain(&mut conn).await.expect("verify").broken_at, None);
    // The newest record of chain 3 deleted: the chain still walks, its checkpoint is missing.
    let newest = in_chain(&second, 3);
    tamper_record(&mut conn, "DELETE FROM audit_log WHERE id = $1", newest).await;
    assert_eq!(service::verify_chain(&mut conn).await.expect("verify").broken_at, Some(newest));
    // A record deleted from the middle of chain 1: the next one in that chain breaks.
    tamper_record(&mut conn, "DELETE FROM audit_log WHERE id = $1", in_chain(&first, 1)).await;
    assert_eq!(service::verify_chain(&mut conn).await.expect("verify").broken_at, Some(in_chain(&second, 1)));
    drop(conn);
    db.finish().await;
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
    service::record_many(&mut conn, 1, None, "test", AuditAction::CreateRecord, &targets, "").await.expect("append");
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
    tamper(&mut conn, "DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)").await;
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
    use diesel::BoolExpressionMethods;
    use http::{Request, StatusCode, header};

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
            "auth.denied" => assert_eq!((target.as_str(), detail.as_str()), ("/api/admin/audit_verify", "audit.view")),
            "data.export" => assert_eq!((target.as_str(), detail.as_str()), ("events", "format=csv&status=open")),
            _ => {}
        }
    }
    let chain = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert_eq!(chain.broken_at, None, "records with an address verify");
    tamper(&mut *db.conn().await, "UPDATE audit_log SET ip = '198.51.100.1' WHERE action = 'data.export'").await;
    let chain = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert!(chain.broken_at.is_some(), "the address is covered by the chain");
    db.finish().await;
}

/// Nobody changes or removes a record, a checkpoint or the seal through the database: not the
/// application's connections, not its owner with the triggers on.
#[tokio::test]
async fn the_log_its_checkpoints_and_its_seal_are_append_only() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    service::checkpoint(&mut conn).await.expect("checkpoint");
    for sql in [
        "UPDATE audit_log SET detail = 'edited' WHERE id = (SELECT min(id) FROM audit_log)",
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
        "TRUNCATE audit_log CASCADE",
        "UPDATE audit_checkpoints SET last_hash = 'x'",
        "DELETE FROM audit_checkpoints",
        "TRUNCATE audit_checkpoints",
        "UPDATE audit_seal SET sealed_from = 1000000",
        "DELETE FROM audit_seal",
    ] {
        let error = diesel::sql_query(sql).execute(&mut conn).await.expect_err(sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    let chain = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!((chain.broken_at, chain.checkpoints), (None, 1));
    drop(conn);
    db.finish().await;
}

/// The seal cannot be moved or removed to pass keyed records off as unkeyed ones, and a
/// process with another key neither verifies the log nor starts on it.
#[tokio::test]
async fn the_seal_holds_the_key_and_the_boundary() {
    #[derive(diesel::QueryableByName)]
    struct Seal {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        sealed_from: i64,
    }
    let db = TestDb::new().await;
    let sealed_from = diesel::sql_query("SELECT sealed_from FROM audit_seal")
        .get_result::<Seal>(&mut *db.conn().await)
        .await
        .expect("the template was sealed at its first start")
        .sealed_from;
    assert_eq!(sealed_from, first_id(&db).await, "from the first record on");
    // Past the seal as far as the newest record: every record would count as unkeyed.
    tamper(&mut *db.conn().await, "UPDATE audit_seal SET sealed_from = (SELECT max(id) + 1 FROM audit_log)").await;
    let moved = service::verify_chain(&mut *db.conn().await).await.expect("verify");
    assert!(moved.broken_at.is_some(), "the check value no longer matches: {moved:?}");
    // Without a seal every record must be an unkeyed one: the first keyed one breaks.
    let db2 = TestDb::new().await;
    tamper(&mut *db2.conn().await, "DELETE FROM audit_seal").await;
    let removed = service::verify_chain(&mut *db2.conn().await).await.expect("verify");
    assert_eq!(removed.broken_at, Some(first_id(&db2).await));
    db.finish().await;

    // Another key: `tongguan audit verify` and `tongguan serve` refuse it, by name.
    let db3 = TestDb::new().await;
    let other_key = "00".repeat(32);
    for (key, expect_success) in [(crate::harness::AUDIT_KEY, true), (other_key.as_str(), false)] {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tongguan"))
            .args(["audit", "verify"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", db3.url())
            .env("TONGGUAN_AUDIT_KEY", key)
            .env("TONGGUAN_PERSONAL_KEYS", crate::harness::PERSONAL_KEYS)
            .env("RUST_LOG", "error")
            .output()
            .await
            .expect("run tongguan audit verify");
        let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.success(), expect_success, "{said}");
        if expect_success {
            assert!(said.contains("audit log intact"), "{said}");
        } else {
            assert!(said.contains("is not the key this database's audit log was sealed with"), "{said}");
        }
    }
    db2.finish().await;
    db3.finish().await;
}

/// The auditor's own work is on the record: each page of the log read (with its search) and
/// each check of the chain (with its outcome), and nobody else reads it.
#[tokio::test]
async fn the_auditors_reads_and_checks_are_audited_and_nobody_else_reads_the_log() {
    use diesel::{ExpressionMethods, QueryDsl};
    use shared::audit::{AuditAction, AuditSearch};
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let auditor = db.user("auditor").await;
    let query = AuditSearch { action: Some(AuditAction::Login), ..AuditSearch::default() };
    let page = service::list(&mut conn, &auditor, &query).await.expect("the auditor reads");
    assert!(page.rows.iter().all(|row| row.action == "auth.login"), "the search applies");
    let verified = service::verify(&mut conn, &auditor).await.expect("the auditor checks");
    assert_eq!(verified.broken_at, None);
    let own: Vec<(String, String)> = audit_log::table
        .filter(audit_log::actor_id.eq(auditor.id))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::detail))
        .load(&mut conn)
        .await
        .expect("the auditor's records");
    assert_eq!(
        own,
        [
            ("audit.read".to_owned(), "action=auth.login&page=1".to_owned()),
            ("audit.verify".to_owned(), format!("intact: {} records in 1 chain, 0 checkpoints", verified.checked)),
        ]
    );
    for other in ["sysadmin", "secadmin", "leader"] {
        let user = db.user(other).await;
        assert!(matches!(service::list(&mut conn, &user, &query).await, Err(shared::AppError::Forbidden)), "{other}");
        assert!(matches!(service::verify(&mut conn, &user).await, Err(shared::AppError::Forbidden)), "{other}");
    }
    assert!(service::verify_chain(&mut conn).await.expect("verify").broken_at.is_none(), "its own records chain on");
    drop(conn);
    db.finish().await;
}

/// A refusal a service decides after the function's door let the caller in (a step of work
/// that is another's) goes on record once, asked with JavaScript (a 403) or by a plain form
/// (a redirect carrying the error), as do a door's refusal and a page's.
#[tokio::test]
async fn refusals_decided_by_services_are_audited_once_like_those_at_the_door() {
    use axum::body::Body;
    use diesel::{BoolExpressionMethods, ExpressionMethods, QueryDsl};
    use http::{Request, StatusCode, header};
    use shared::events::forms::StepForm;
    use shared::events::service::{intake, steps};
    use shared::events::state::Action;

    use crate::http::{HOST, login, router, send};

    let db = TestDb::new().await;
    let router = router(&db);
    let (citizen, staff) = (db.user("13800000001").await, db.user("staff").await);
    let reported = {
        let mut conn = db.conn().await;
        let form = crate::events::report_in_grid(&mut conn, db.user("grid").await.grid_id).await;
        intake::report(&mut conn, &citizen, &form).await.expect("reported")
    };
    let step = |version, action| StepForm::new(reported.id, version, action);
    let mut version = steps::act(&mut *db.conn().await, &staff, &step(1, Action::Accept)).await.expect("accept");
    let department = crate::events::department(&mut *db.conn().await, "zonghe").await;
    let dispatch = StepForm { department_id: Some(department), ..step(version, Action::Dispatch) };
    version = steps::act(&mut *db.conn().await, &staff, &dispatch).await.expect("dispatch");

    // The clerk starts the handling that is the department's: the door (a login) lets her in,
    // the service refuses her.
    let cookie = login(&router, "staff").await;
    let body = format!("form%5Bevent_id%5D={}&form%5Bversion%5D={version}&form%5Baction%5D=start", reported.id);
    let post = |accept: &str| {
        Request::post("/api/events/step")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::REFERER, format!("http://{HOST}/events/{}", reported.id))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, accept)
            .header(header::COOKIE, &cookie)
            .body(Body::from(body.clone()))
            .expect("request")
    };
    let (status, _, _) = send(&router, post("application/x-postcard")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = send(&router, post("text/html")).await;
    assert_eq!(status, StatusCode::FOUND, "a plain form goes back to its page");
    assert!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).is_some_and(|l| l.contains("__err=")));
    // A refusal at the door is recorded there, with the permission, and not a second time.
    let verify = Request::post("/api/admin/audit_verify")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    assert_eq!(send(&router, verify).await.0, StatusCode::FORBIDDEN);
    // A page she may not open is refused with a 403 page, and recorded once too.
    assert_eq!(send(&router, crate::http::get("/admin/audit", Some(&cookie))).await.0, StatusCode::FORBIDDEN);

    let mut conn = db.conn().await;
    let denied: Vec<(String, String)> = audit_log::table
        .filter(audit_log::action.eq("auth.denied").and(audit_log::actor_id.eq(staff.id)))
        .order(audit_log::id)
        .select((audit_log::target, audit_log::detail))
        .load(&mut conn)
        .await
        .expect("refusals");
    let step_path = ("/api/events/step".to_owned(), String::new());
    let door = ("/api/admin/audit_verify".to_owned(), "audit.view".to_owned());
    let page = ("/admin/audit".to_owned(), String::new());
    assert_eq!(denied, [step_path.clone(), step_path, door, page], "each refusal once");
    assert_eq!(service::verify_chain(&mut conn).await.expect("verify").broken_at, None);
    drop(conn);
    db.finish().await;
}

/// The auditor finds records by actor, action, target, outcome and days (China time), and a
/// wildcard typed in a search is only itself.
#[tokio::test]
async fn the_auditor_searches_by_actor_action_target_outcome_and_day() {
    use shared::audit::{AuditAction, AuditOutcome, AuditSearch};

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let auditor = db.user("auditor").await;
    let citizen = db.user("13800000001").await;
    for attempt in 0..2 {
        let wrong = shared::accounts::service::login::login(
            &mut conn,
            &shared::accounts::service::AuthPolicy::default(),
            "staff",
            &format!("Wrong#password{attempt}"),
            "",
        )
        .await;
        assert!(wrong.is_err());
    }
    let search = async |conn: &mut AsyncPgConnection, search: AuditSearch| {
        service::list(conn, &auditor, &AuditSearch { page: 1, ..search }).await.expect("search").rows
    };

    let by_target = search(&mut conn, AuditSearch { target: "13800000001".into(), ..Default::default() }).await;
    assert_eq!(by_target.len(), 1, "{by_target:?}");
    assert_eq!(
        (by_target[0].action.as_str(), by_target[0].actor_name.as_str()),
        ("user.register_public", citizen.display_name.as_str())
    );

    let failures = search(&mut conn, AuditSearch { outcome: Some(AuditOutcome::Failure), ..Default::default() }).await;
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures.iter().all(|row| row.action == "auth.login_failed" && row.target == "staff"));

    let by_actor = search(
        &mut conn,
        AuditSearch { actor: "晓".into(), action: Some(AuditAction::LoginFailed), ..Default::default() },
    )
    .await;
    assert!(by_actor.is_empty(), "a failed login names the account tried, not a person: {by_actor:?}");
    let mine = search(&mut conn, AuditSearch { actor: citizen.display_name.clone(), ..Default::default() }).await;
    assert!(!mine.is_empty() && mine.iter().all(|row| row.actor_name == citizen.display_name));

    let today = shared::time::today();
    let tomorrow = today.succ_opt().expect("a day");
    let today_only = search(&mut conn, AuditSearch { from: Some(today), to: Some(today), ..Default::default() }).await;
    assert!(today_only.iter().any(|row| row.action == "auth.login_failed"));
    let later = search(&mut conn, AuditSearch { from: Some(tomorrow), ..Default::default() }).await;
    assert!(later.is_empty());
    let until_yesterday = search(
        &mut conn,
        AuditSearch { to: today.pred_opt(), action: Some(AuditAction::LoginFailed), ..Default::default() },
    )
    .await;
    assert!(until_yesterday.is_empty());

    let wildcard = search(&mut conn, AuditSearch { target: "%".into(), ..Default::default() }).await;
    assert!(wildcard.is_empty(), "a % is a percent sign: {wildcard:?}");
    let backwards = AuditSearch { from: Some(tomorrow), to: Some(today), page: 1, ..Default::default() };
    assert_eq!(
        service::list(&mut conn, &auditor, &backwards).await.err(),
        Some(shared::AppError::field("to", shared::error::ErrorCode::FilterDateOrder))
    );
    drop(conn);
    db.finish().await;
}

/// The auditor takes a search away as CSV or Excel: every record it finds, oldest first, with
/// its number and chain value as the log holds them; the export is itself on record, a bad
/// search is a 422 naming the field, and anyone else is refused and recorded.
#[tokio::test]
async fn the_auditor_exports_a_search_with_each_records_number_and_chain_value() {
    use axum::body::Body;
    use diesel::{ExpressionMethods, QueryDsl};
    use http::{Request, StatusCode, header};

    use crate::http::{HOST, login, router, send_for_bytes};

    let db = TestDb::new().await;
    let router = router(&db);
    let auditor = login(&router, "auditor").await;
    let staff = login(&router, "staff").await;
    let get = |path: &str, cookie: &str| {
        Request::get(path)
            .header(header::HOST, HOST)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request")
    };

    let (status, headers, body) =
        send_for_bytes(&router, get("/api/admin/audit.csv?action=auth.login", &auditor)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(headers[header::CONTENT_TYPE].to_str().is_ok_and(|t| t.starts_with("text/csv")));
    let mut reader = csv::Reader::from_reader(body.strip_prefix("\u{feff}".as_bytes()).expect("a BOM for Excel"));
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    assert_eq!(header, ["编号", "时间", "操作人", "操作", "结果", "对象", "详情", "来源地址", "链值"]);
    let lines: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
    let logins: Vec<(i64, String)> = audit_log::table
        .filter(audit_log::action.eq("auth.login"))
        .order(audit_log::id)
        .select((audit_log::id, audit_log::hash))
        .load(&mut *db.conn().await)
        .await
        .expect("logins");
    assert_eq!(logins.len(), 2);
    let exported: Vec<(i64, String)> =
        lines.iter().map(|line| (line[0].parse().expect("a number"), line[8].to_owned())).collect();
    assert_eq!(exported, logins, "every login, oldest first, with its chain value");
    assert!(lines.iter().all(|line| &line[3] == "登录成功" && &line[4] == "成功"));

    let (status, headers, body) = send_for_bytes(&router, get("/api/admin/audit.xlsx?outcome=success", &auditor)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().is_ok_and(|t| t.contains("spreadsheetml")));
    assert!(body.starts_with(b"PK"), "a zip: an .xlsx file");

    let (status, _, _) =
        send_for_bytes(&router, get("/api/admin/audit.csv?from=2026-11-30&to=2026-11-01", &auditor)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = send_for_bytes(&router, get("/api/admin/audit.csv", &staff)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let mut conn = db.conn().await;
    let records: Vec<(String, String, String)> = audit_log::table
        .filter(audit_log::action.eq_any(["data.export", "auth.denied"]))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::target, audit_log::detail))
        .load(&mut conn)
        .await
        .expect("exports");
    assert_eq!(
        records,
        [
            ("data.export".to_owned(), "audit_log".to_owned(), "format=csv&action=auth.login".to_owned()),
            ("data.export".to_owned(), "audit_log".to_owned(), "format=xlsx&outcome=success".to_owned()),
            ("auth.denied".to_owned(), "/api/admin/audit.csv".to_owned(), String::new()),
        ]
    );
    drop(conn);
    db.finish().await;
}

/// Event steps queued for the log are appended by whichever process drains first, each once,
/// with the step's own time and address, in batches; the queue empties and the chains verify.
#[tokio::test]
async fn queued_event_steps_are_appended_once_by_concurrent_drains_with_their_own_time() {
    use diesel::sql_types::BigInt;
    use shared::events::service::step_audit;
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let queued = diesel::sql_query(
        "INSERT INTO event_step_audit_queue (step_id, ip) \
         SELECT id, '203.0.113.' || (id % 200) FROM event_steps ORDER BY id LIMIT $1",
    )
    .bind::<BigInt, _>(450)
    .execute(&mut conn)
    .await
    .expect("queue demo steps");
    assert_eq!(queued, 450, "the demo's steps");
    let before: i64 = audit_log::table.count().get_result(&mut conn).await.expect("count");

    let (mut one, mut two) = (db.conn().await, db.conn().await);
    // Batches of 100: each drain takes several, the two at once.
    let (a, b) =
        tokio::join!(step_audit::drain_in_batches_of(&mut one, 100), step_audit::drain_in_batches_of(&mut two, 100));
    assert_eq!(a.expect("drain") + b.expect("drain"), queued, "every queued step, once");
    let after: i64 = audit_log::table.count().get_result(&mut conn).await.expect("count");
    assert_eq!(after - before, queued as i64);
    let left: i64 = shared::schema::event_step_audit_queue::table.count().get_result(&mut conn).await.expect("n");
    assert_eq!(left, 0);

    // Each record carries its step's time and the address it came from.
    #[derive(diesel::QueryableByName)]
    struct Mismatch {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mismatched: Mismatch = diesel::sql_query(
        "SELECT count(*) AS n FROM event_steps s JOIN events e ON e.id = s.event_id \
         WHERE s.id IN (SELECT id FROM event_steps ORDER BY id LIMIT $1) \
           AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'event.step' AND a.target = e.number \
                           AND a.at = s.at AND a.ip = '203.0.113.' || (s.id % 200))",
    )
    .bind::<BigInt, _>(queued as i64)
    .get_result(&mut conn)
    .await
    .expect("compare");
    assert_eq!(mismatched.n, 0);
    let verified = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!(verified.broken_at, None);
    drop((conn, one, two));
    db.finish().await;
}

/// Records past the retention move to the archive and nowhere else: the chain runs on across
/// both tables, checkpoints of moved records still hold, the auditor still finds them, and the
/// database refuses every other way out of the live log, or any change in the archive.
#[tokio::test]
async fn records_past_the_retention_move_to_the_archive_and_still_verify_and_search() {
    use chrono::{Duration, Utc};
    use diesel::sql_types::BigInt;
    use shared::audit::archive;
    use shared::audit::service::Entry;
    use shared::schema::audit_log_archive;

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let now = Utc::now();
    let old = |days: i64| {
        chrono::DateTime::from_timestamp_micros((now - Duration::days(days)).timestamp_micros()).expect("t")
    };
    let targets: Vec<String> = (0..300).map(|n| format!("archived-{n}")).collect();
    let entries: Vec<Entry> = targets
        .iter()
        .enumerate()
        .map(|(n, target)| Entry {
            township_id: 1,
            at: old(400 - n as i64 / 2),
            actor_id: None,
            actor_name: "test",
            action: AuditAction::CreateRecord,
            target,
            detail: "",
            ip: "",
        })
        .collect();
    service::append(&mut conn, &entries).await.expect("old records");
    // The checkpoint names the newest old record; a fresh record then ends the chain.
    service::checkpoint(&mut conn).await.expect("checkpoint");
    service::record(&mut conn, 1, None, "test", AuditAction::CreateRecord, "fresh", "").await.expect("fresh");
    let before = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!(before.broken_at, None);
    let live_before: i64 = audit_log::table.count().get_result(&mut conn).await.expect("count");

    // In batches of 64: several transactions, each moving what it copied.
    let archived = archive::archive_in_batches_of(&mut conn, 180, now, 64).await.expect("archive");
    assert!(archived.moved >= 300, "{archived:?}");
    let in_archive: i64 = audit_log_archive::table.count().get_result(&mut conn).await.expect("count");
    assert_eq!(in_archive, archived.moved);
    let old_targets: i64 = audit_log::table
        .filter(audit_log::target.like("archived-%"))
        .count()
        .get_result(&mut conn)
        .await
        .expect("count");
    assert_eq!(old_targets, 0, "every old record left the live log");
    let due_left: i64 =
        audit_log::table.filter(audit_log::at.lt(archived.before)).count().get_result(&mut conn).await.expect("count");
    assert!(due_left <= i64::from(service::CHAINS), "at most the chains' ends stay: {due_left}");
    let archive_records: i64 = audit_log::table
        .filter(audit_log::action.eq(AuditAction::ArchiveAudit.as_str()))
        .count()
        .get_result(&mut conn)
        .await
        .expect("count");
    assert!(archive_records >= 1, "the move is recorded for each township it moved records of");
    let live_after: i64 = audit_log::table.count().get_result(&mut conn).await.expect("count");
    assert_eq!(live_after, live_before - archived.moved + archive_records);
    // Nothing to do a second time.
    assert_eq!(archive::archive(&mut conn, 180, now).await.expect("again").moved, 0);

    // The chain runs on across both tables, the checkpoint of a moved record holds.
    service::record(&mut conn, 1, None, "test", AuditAction::CreateRecord, "after", "").await.expect("after");
    let after = service::verify_chain(&mut conn).await.expect("verify");
    assert_eq!((after.broken_at, after.checkpoints), (None, before.checkpoints));
    assert_eq!(after.checked, before.checked + archive_records + 1);
    // The auditor still finds an archived record.
    let auditor = db.user("auditor").await;
    let search = shared::audit::AuditSearch { target: "archived-299".into(), page: 1, ..Default::default() };
    let found = service::list(&mut conn, &auditor, &search).await.expect("search");
    assert_eq!(found.rows.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(), ["archived-299"]);

    // The only way out of the live log is into the archive, past 180 days.
    let fresh: i64 = audit_log::table
        .filter(audit_log::target.eq("fresh"))
        .select(audit_log::id)
        .first(&mut conn)
        .await
        .expect("fresh");
    let refused = diesel::sql_query("DELETE FROM audit_log WHERE id = $1")
        .bind::<BigInt, _>(fresh)
        .execute(&mut conn)
        .await
        .expect_err("a recent record")
        .to_string();
    assert!(refused.contains("append-only"), "{refused}");
    service::append(&mut conn, &entries[..2]).await.expect("two more old records");
    service::record(&mut conn, 1, None, "test", AuditAction::CreateRecord, "end", "").await.expect("end");
    let unarchived = diesel::sql_query(
        "DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log WHERE target = 'archived-0')",
    )
    .execute(&mut conn)
    .await
    .expect_err("old, but no copy in the archive")
    .to_string();
    assert!(unarchived.contains("append-only"), "{unarchived}");
    // A copy that differs does not let it go either (rolled back with the refusal).
    let altered = conn
        .transaction::<(), diesel::result::Error, _>(async |conn| {
            diesel::sql_query(
                "INSERT INTO audit_log_archive \
                 SELECT id, township_id, at, actor_id, actor_name, action, target, 'altered', ip, prev_hash, hash, chain \
                 FROM audit_log WHERE target = 'archived-0'",
            )
            .execute(conn)
            .await?;
            diesel::sql_query("DELETE FROM audit_log WHERE target = 'archived-0'").execute(conn).await?;
            Ok(())
        })
        .await
        .expect_err("the copy differs")
        .to_string();
    assert!(altered.contains("append-only"), "{altered}");
    for sql in [
        "UPDATE audit_log_archive SET detail = 'edited' WHERE id = (SELECT min(id) FROM audit_log_archive)",
        "DELETE FROM audit_log_archive WHERE id = (SELECT min(id) FROM audit_log_archive)",
        "TRUNCATE audit_log_archive",
    ] {
        let error = diesel::sql_query(sql).execute(&mut conn).await.expect_err(sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    assert_eq!(service::verify_chain(&mut conn).await.expect("verify").broken_at, None);

    // Someone who switches the triggers off and edits an archived record is caught there.
    let edited: i64 = audit_log_archive::table
        .filter(audit_log_archive::target.eq("archived-100"))
        .select(audit_log_archive::id)
        .first(&mut conn)
        .await
        .expect("archived");
    tamper_record(&mut conn, "UPDATE audit_log_archive SET detail = 'edited' WHERE id = $1", edited).await;
    assert_eq!(service::verify_chain(&mut conn).await.expect("verify").broken_at, Some(edited));
    drop(conn);
    db.finish().await;
}

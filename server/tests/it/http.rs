//! The HTTP surface driven in process: health, CSRF protection, login by form without
//! JavaScript, the session cookie, language switch, server-side permission checks.

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use leptos::config::LeptosOptions;
use server::router::{ServerState, build};
use shared::accounts::service::AuthPolicy;
use tower::ServiceExt;

use crate::harness::{PASSWORD, TestDb};

pub(crate) const HOST: &str = "tongguan.test";
/// The scraper's token of the routers tests build.
pub(crate) const METRICS_TOKEN: &str = "scraper-token-0123456789";

pub(crate) fn router(db: &TestDb) -> Router {
    router_with_limits(db, GENEROUS_LIMITS)
}

pub(crate) fn router_with_limits(db: &TestDb, rate_limits: server::rate_limit::RateLimits) -> Router {
    router_with(db, AuthPolicy::default(), rate_limits)
}

pub(crate) fn router_with_policy(db: &TestDb, auth: AuthPolicy) -> Router {
    router_with(db, auth, GENEROUS_LIMITS)
}

fn router_with(db: &TestDb, auth: AuthPolicy, rate_limits: server::rate_limit::RateLimits) -> Router {
    let leptos = LeptosOptions::builder().output_name("tongguan").site_root("target/site").build();
    let app = db.state(auth);
    let live = server::events::live::Live::start(db.url(), app.stats_cache.clone(), app.sessions.clone());
    build(ServerState {
        leptos,
        app,
        photos: std::sync::Arc::new(object_store::memory::InMemory::new()),
        live,
        rate_limits,
        metrics: std::sync::Arc::new(server::metrics::Metrics::new(Some(METRICS_TOKEN.to_owned().into()))),
    })
}

/// In-process requests have no peer address and share one key: tests that log in or report
/// many times get quotas they never reach (`rate_limits.rs` proves the real ones).
pub(crate) const GENEROUS_LIMITS: server::rate_limit::RateLimits = server::rate_limit::RateLimits {
    auth_per_minute: 100_000,
    report_per_minute: 100_000,
    track_per_minute: 100_000,
    open311_per_minute: 100_000,
    trust_proxy: false,
};

pub(crate) async fn send(router: &Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let (status, headers, bytes) = send_for_bytes(router, request).await;
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

pub(crate) async fn send_for_bytes(router: &Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let response = router.clone().oneshot(request).await.expect("response");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 10 << 20).await.expect("body");
    (parts.status, parts.headers, bytes.to_vec())
}

pub(crate) fn form_post(path: &str) -> http::request::Builder {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
}

/// Logs in like a browser without JavaScript and returns the session cookie.
pub(crate) async fn login(router: &Router, username: &str) -> String {
    let body = format!("username={username}&password={}&next=%2F", PASSWORD.replace('@', "%40"));
    let (status, headers, _) = send(router, login_form(body)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"));
    let cookie = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("cookie").to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    cookie.split(';').next().expect("pair").to_owned()
}

/// The login form posted without JavaScript from our own login page (`body` URL-encoded).
pub(crate) fn login_form(body: impl Into<Body>) -> Request<Body> {
    form_post("/api/auth/login")
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::REFERER, format!("http://{HOST}/login"))
        .body(body.into())
        .expect("request")
}

pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// A server function called as the browser's code calls it: a POST from our own origin.
pub(crate) fn server_fn_call(
    path: &str,
    cookie: Option<&str>,
    content_type: &str,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut builder = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, content_type);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(body.into()).expect("request")
}

pub(crate) fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path).header(header::HOST, HOST).header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::empty()).expect("request")
}

#[tokio::test]
async fn health_and_readiness_report_as_json() {
    let db = TestDb::new().await;
    let router = router(&db);
    let (status, _, body) = send(&router, get("/healthz", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    let (status, _, body) = send(&router, get("/readyz", None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"database\":true") && body.contains("\"migrations\":true"), "{body}");
    db.finish().await;
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    let db = TestDb::new().await;
    let router = router(&db);
    let cookie = login(&router, "staff").await;
    let attempts = [
        ("Origin", "https://evil.example"),
        ("Referer", "https://evil.example/page"),
        ("Sec-Fetch-Site", "cross-site"),
        ("X-None", "no origin at all, but a cookie"),
    ];
    for (name, value) in attempts {
        let request = form_post("/api/auth/logout")
            .header(header::COOKIE, &cookie)
            .header(name, value)
            .body(Body::empty())
            .expect("request");
        let (status, _, _) = send(&router, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    // The session survived every forged logout.
    let (status, _, body) = send(&router, get("/", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("沈晓燕"), "still logged in");
    db.finish().await;
}

#[tokio::test]
async fn login_without_javascript_then_dashboard_then_logout() {
    let db = TestDb::new().await;
    let router = router(&db);
    let (status, headers, _) = send(&router, get("/", None)).await;
    assert_eq!(status, StatusCode::FOUND, "anonymous users are sent to the login page");
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/login"));

    // A wrong password comes back to the form with the error in the URL, shown on the page.
    let body = "username=leader&password=Wrong%23password1&next=%2F";
    let (status, headers, _) = send(&router, login_form(body)).await;
    assert_eq!(status, StatusCode::FOUND);
    let back = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).expect("location").to_owned();
    assert!(back.contains("/login?") && back.contains("__err="), "{back}");
    let path = back.trim_start_matches(&format!("http://{HOST}")).to_owned();
    let (_, _, page) = send(&router, get(&path, None)).await;
    assert!(page.contains("用户名或密码错误；连续错误 5 次账号将被锁定 15 分钟"), "the message is on the page");

    let cookie = login(&router, "leader").await;
    let (status, _, page) = send(&router, get("/", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("顾海峰") && page.contains("态势总览") && page.contains("梅李湾镇"));
    assert!(page.contains("href=\"/screen\""), "the leader's menu offers the big screen");
    assert!(!page.contains("href=\"/admin/users\""), "but not user administration");

    let request = form_post("/api/auth/logout")
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = send(&router, request).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("Max-Age=0")));
    let (status, _, _) = send(&router, get("/", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FOUND, "the revoked session no longer works");
    db.finish().await;
}

/// Runs `sql` on the test database.
async fn execute(db: &TestDb, sql: &str) {
    use diesel_async::RunQueryDsl;
    diesel::sql_query(sql).execute(&mut *db.conn().await).await.expect(sql);
}

#[tokio::test]
async fn kept_sessions_end_at_once_when_revoked_or_disabled_elsewhere() {
    let db = TestDb::new().await;
    let router = router(&db);
    let cookie = login(&router, "leader").await;
    // The process keeps the session once its listener is connected: a change PostgreSQL does
    // not announce (the expiry moved by hand) is not seen while it is kept.
    let mut kept = false;
    for _ in 0..50 {
        assert_eq!(send(&router, get("/me", Some(&cookie))).await.0, StatusCode::OK);
        execute(&db, "UPDATE sessions SET expires_at = now() - interval '1 second'").await;
        let (status, _, _) = send(&router, get("/me", Some(&cookie))).await;
        execute(&db, "UPDATE sessions SET expires_at = now() + interval '1 hour'").await;
        if status == StatusCode::OK {
            kept = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(kept, "the session is kept within 10 s");
    // What another server process or an administrator does is announced and seen at once.
    let refused_within_5s = async |router: &Router| {
        for _ in 0..50 {
            if send(router, get("/me", Some(&cookie))).await.0 == StatusCode::FOUND {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    };
    execute(&db, "UPDATE sessions SET revoked_at = now()").await;
    assert!(refused_within_5s(&router).await, "a session revoked elsewhere is refused");
    execute(&db, "UPDATE sessions SET revoked_at = NULL").await;
    assert_eq!(send(&router, get("/me", Some(&cookie))).await.0, StatusCode::OK);
    execute(&db, "UPDATE users SET status = 'disabled' WHERE username = 'leader'").await;
    assert!(refused_within_5s(&router).await, "a disabled account is refused");
    db.finish().await;
}

#[tokio::test]
async fn server_functions_check_permissions_on_the_server() {
    let db = TestDb::new().await;
    let router = router(&db);
    let call = |cookie: String| server_fn_call("/api/admin/audit_verify", Some(&cookie), FORM, Body::empty());
    let sysadmin = login(&router, "sysadmin").await;
    // Errors travel in postcard too (shared::error).
    let (status, _, body) = send_for_bytes(&router, call(sysadmin.clone())).await;
    let error: Result<shared::AppError, _> = postcard::from_bytes(&body);
    assert!(!status.is_success() && matches!(error, Ok(shared::AppError::Forbidden)), "{status} {error:?}");
    let auditor = login(&router, "auditor").await;
    // Server functions answer in postcard (app/src/wire.rs).
    let (status, _, body) = send_for_bytes(&router, call(auditor)).await;
    assert!(status.is_success(), "{status}");
    let verification: shared::audit::ChainVerification = postcard::from_bytes(&body).expect("a postcard answer");
    assert_eq!(verification.broken_at, None);
    // Pages check too: the system administrator opening the audit page gets 403.
    let (status, _, _) = send(&router, get("/admin/audit", Some(&sysadmin))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    db.finish().await;
}

#[tokio::test]
async fn language_is_switched_by_a_cookie_and_persists() {
    let db = TestDb::new().await;
    let router = router(&db);
    let (status, headers, _) = send(&router, get("/lang/en?next=/login", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/login"));
    let cookie = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("cookie");
    assert!(cookie.starts_with("tg_lang=en;") && cookie.contains("Max-Age=31536000"));
    let (_, _, page) = send(&router, get("/login", Some("tg_lang=en"))).await;
    assert!(page.contains("<html lang=\"en\"") && page.contains("Log in"));
    let (_, _, page) = send(&router, get("/login", None)).await;
    assert!(page.contains("<html lang=\"zh-CN\"") && page.contains("登录"));
    // Never an open redirect.
    let (_, headers, _) = send(&router, get("/lang/en?next=//evil.example", None)).await;
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"));
    db.finish().await;
}

/// The first frame of `/api/live` within `wait`: `None` when the stream says nothing.
async fn first_live_frame(router: &Router, path: &str, cookie: &str, wait: std::time::Duration) -> Option<String> {
    use futures_util::StreamExt;
    let response = router.clone().oneshot(get(path, Some(cookie))).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let mut body = response.into_body().into_data_stream();
    match tokio::time::timeout(wait, body.next()).await {
        Ok(Some(Ok(bytes))) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        _ => None,
    }
}

#[tokio::test]
async fn live_stream_asks_for_a_refetch_only_when_the_page_may_be_behind() {
    let db = TestDb::new().await;
    let router = router(&db);
    let staff = login(&router, "staff").await;
    let now_ms = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis();
    let wait = std::time::Duration::from_millis(400);
    // A page rendered long ago (before this process listened): refetch at once.
    let old = first_live_frame(&router, "/api/live?since=1000", &staff, wait).await;
    assert!(old.as_deref().is_some_and(|frame| frame.contains("event: lagged")), "{old:?}");
    // Without `since` (a shell built in the browser): refetch at once too.
    let unknown = first_live_frame(&router, "/api/live", &staff, wait).await;
    assert!(unknown.as_deref().is_some_and(|frame| frame.contains("event: lagged")), "{unknown:?}");
    // A page newer than every change, once the listener is connected (it starts in the
    // background): nothing to refetch, the stream stays quiet.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let path = format!("/api/live?since={}", now_ms() + 60_000);
        match first_live_frame(&router, &path, &staff, wait).await {
            None => break,
            Some(frame) if std::time::Instant::now() < deadline => assert!(frame.contains("lagged"), "{frame}"),
            Some(frame) => panic!("still told to refetch after 10 s: {frame}"),
        }
    }
    // Nobody but a logged-in user with events listens.
    let response = router.clone().oneshot(get("/api/live", None)).await.expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    db.finish().await;
}

//! Issue 11's defects, each proven fixed through the HTTP surface, and the bad-input battery:
//! every server function (taken from the registry of server functions, so a new one is covered
//! without being remembered) and every plain endpoint gets malformed, hostile and extreme input,
//! and answers a 4xx that names the field and the reason, changing nothing.

use axum::body::Body;
use http::{Request, StatusCode, header};
use shared::{AppError, ErrorCode};

use crate::harness::TestDb;
use crate::http::{HOST, get, login, router, send, send_for_bytes};

/// The plain axum endpoints (everything under /api that is not a server function).
const PLAIN_ENDPOINTS: [(&str, &str); 8] = [
    ("GET", "/api/admin/audit.csv"),
    ("GET", "/api/admin/audit.xlsx"),
    ("GET", "/api/events/export.csv"),
    ("GET", "/api/events/export.xlsx"),
    ("GET", "/api/events/stats.xlsx"),
    ("GET", "/api/live"),
    ("POST", "/api/photos"),
    ("GET", "/api/v1/geo/map-sheet"),
];

use crate::http::{FORM, server_fn_call as call};

/// An `EventFilter` argument as the browser sends it, on page `page`.
fn whole_filter(page: i64) -> String {
    format!("filter[q]=&filter[state]=&filter[channel]=&filter[mine]=false&filter[page]={page}&filter[per_page]=0")
}

/// Row counts of the tables a request could change.
async fn snapshot(db: &TestDb) -> Vec<(String, i64)> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut counts = Vec::new();
    for table in [
        "events",
        "event_steps",
        "attachments",
        "notifications",
        "users",
        "user_roles",
        "roles",
        "routing_rules",
        "event_categories",
        "departments",
        "residents",
        "enterprises",
    ] {
        let count: Count = shared::sql::Sql::new("SELECT count(*) AS n FROM ")
            .push(table)
            .query()
            .get_result(&mut *db.conn().await)
            .await
            .expect("count");
        counts.push((table.to_owned(), count.n));
    }
    counts
}

fn resident_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
    pages * 4
}

fn decode_error(bytes: &[u8]) -> Option<AppError> {
    postcard::from_bytes(bytes).ok()
}

#[tokio::test]
async fn every_server_function_and_endpoint_refuses_bad_input_with_a_4xx_and_changes_nothing() {
    let db = TestDb::new().await;
    let router = router(&db);
    let staff = login(&router, "staff").await;
    let before = snapshot(&db).await;
    let memory_before = resident_kib();
    let long = "a".repeat(100_000);
    let extreme = "page=9223372036854775807&per_page=-9223372036854775808&id=-1&event_id=9223372036854775807\
        &township_id=0&user_id=-5&from=%2B262142-12-31&to=%2B262142-12-31&lat=1e308&lng=-1e308\
        &q=%27%3B+DROP+TABLE+events%3B--&number=TG-9999-999999&version=-1&category_id=2147483647";
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| path != "/api/auth/logout")
        .collect();
    paths.sort();
    assert!(paths.len() >= 40, "the registry lists the server functions: {paths:?}");
    for path in &paths {
        for cookie in [None, Some(staff.as_str())] {
            // Refused by the guard, naming the field and the reason.
            for (body, field, code) in [
                ("title=a%00b".to_owned(), "title", ErrorCode::TextControlCharacters),
                ("q=%FF%FE".to_owned(), "q", ErrorCode::RequestInvalidUtf8),
                (format!("address={long}"), "address", ErrorCode::TooLong),
            ] {
                let (status, headers, bytes) = send_for_bytes(&router, call(path, cookie, FORM, body)).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {field}");
                assert!(headers.contains_key("serverfnerror"), "{path}: a server function's error");
                assert_eq!(decode_error(&bytes), Some(AppError::field(field, code)), "{path}");
            }
            let (status, _, _) = send(&router, call(path, cookie, FORM, "a=".repeat(200_000))).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: an oversized form");
            // Malformed or extreme: any 4xx (or success for a function that takes none of
            // these), never a server error.
            for (content_type, body) in [
                (FORM, "%%%&&&==[]][".to_owned()),
                (FORM, "form[title]=x&form[title]=y&form=1".to_owned()),
                ("application/json", "{\"title\": \"x\"}".to_owned()),
                ("multipart/form-data; boundary=x", "--x\r\nbroken".to_owned()),
                ("text/plain", "\u{0}\u{1}".to_owned()),
                (FORM, extreme.to_owned()),
                (FORM, String::new()),
            ] {
                let (status, _, body) = send(&router, call(path, cookie, content_type, body)).await;
                assert!(!status.is_server_error(), "{path} ({content_type}) answered {status}: {body}");
            }
        }
    }
    for (method, path) in PLAIN_ENDPOINTS {
        // (Far dates and pages on the exports: `a_far_date_is_refused_at_once_instead_of_looping`.)
        for query in ["?q=%00", "?q=%FF", "?since=%E2%80%AE%00"] {
            let request = Request::builder()
                .method(method)
                .uri(format!("{path}{query}"))
                .header(header::HOST, HOST)
                .header(header::ORIGIN, format!("http://{HOST}"))
                .header(header::COOKIE, &staff)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .body(Body::from("--x\r\nbroken"))
                .expect("request");
            let (status, _, body) = send(&router, request).await;
            assert!(status.is_client_error(), "{method} {path}{query} answered {status}: {body}");
        }
    }
    assert_eq!(snapshot(&db).await, before, "nothing changed");
    let grown_mib = resident_kib().saturating_sub(memory_before) / 1024;
    assert!(grown_mib < 512, "the battery grew the process by {grown_mib} MiB");
    db.finish().await;
}

#[tokio::test]
async fn a_far_date_is_refused_at_once_instead_of_looping() {
    let db = TestDb::new().await;
    let router = router(&db);
    let staff = login(&router, "staff").await;
    for query in ["to=%2B262142-12-31", "to=9999-12-31", "from=%2B99999-01-01", "from=2026-02-01&to=2026-01-01"] {
        for path in ["/api/events/stats.xlsx", "/api/events/export.csv", "/api/events/export.xlsx"] {
            let started = std::time::Instant::now();
            let (status, _, body) = send(&router, get(&format!("{path}?{query}"), Some(&staff))).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{query}: {body}");
            assert!(body.contains("\"field\":\"from\"") || body.contains("\"field\":\"to\""), "{body}");
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "{path}?{query} took {:?}",
                started.elapsed()
            );
        }
    }
    // A date that does not parse is named too, not quietly dropped from the filter.
    let (status, _, body) = send(&router, get("/api/events/export.csv?from=yesterday", Some(&staff))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(ErrorCode::FilterDateFormat.as_str()), "{body}");
    // The statistics server function and page read the same bounds.
    let body = format!("{}&filter[from]=9999-01-01&by=Category", whole_filter(1));
    let (status, _, bytes) = send_for_bytes(&router, call("/api/events/stats", Some(&staff), FORM, body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(decode_error(&bytes), Some(AppError::field("from", ErrorCode::FilterDateOutOfRange)));
    let (status, _, _) = send(&router, get("/events/stats?to=9999-12-31", Some(&staff))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the page says why it shows no figures");
    // Sensible spans still work.
    let (status, _, _) = send(&router, get("/api/events/stats.xlsx?from=2000-01-01&to=2099-12-31", Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    db.finish().await;
}

#[tokio::test]
async fn huge_page_numbers_are_refused_not_turned_into_a_negative_offset() {
    let db = TestDb::new().await;
    let router = router(&db);
    let staff = login(&router, "staff").await;
    let body = format!("{}&by_deadline=false", whole_filter(i64::MAX));
    let (status, _, bytes) = send_for_bytes(&router, call("/api/events/list", Some(&staff), FORM, body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(decode_error(&bytes), Some(AppError::field("page", ErrorCode::PagingPageOutOfRange)));
    let (status, _, _) = send(&router, get("/events?page=9223372036854775807", Some(&staff))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = send(&router, get("/base/residents?page=9223372036854775807", Some(&staff))).await;
    assert!(status.is_client_error(), "{status}");
    db.finish().await;
}

#[tokio::test]
async fn redirects_never_leave_the_site() {
    let db = TestDb::new().await;
    let router = router(&db);
    for next in ["/%09/evil.example/pwn", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example", "%2F%2Fevil.example"] {
        let body = format!("username=leader&password={}&next={next}", crate::harness::PASSWORD.replace('@', "%40"));
        let (status, headers, _) = send(&router, crate::http::login_form(body)).await;
        assert_eq!(status, StatusCode::FOUND, "{next}");
        assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"), "{next}");
    }
    for next in ["/%5Chost/x", "/%09/evil.example", "//evil.example", "https://evil.example"] {
        let (_, headers, _) = send(&router, get(&format!("/lang/en?next={next}"), None)).await;
        assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"), "{next}");
    }
    let (_, headers, _) = send(&router, get("/lang/en?next=/events%3Fstate%3Dopen", None)).await;
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/events?state=open"));
    db.finish().await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_a_nonce() {
    let db = TestDb::new().await;
    let router = router(&db);
    let staff = login(&router, "staff").await;
    let answers = [
        send(&router, get("/login", None)).await,
        send(&router, get("/", Some(&staff))).await,
        send(&router, get("/no/such/page", None)).await,
        send(&router, get("/healthz", None)).await,
        send(&router, get("/api/events/export.csv", None)).await,
        send(&router, call("/api/auth/me", Some(&staff), FORM, "")).await,
    ];
    for (status, headers, _) in &answers {
        let csp = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{status}: {csp}");
        assert!(!csp.contains("'unsafe-inline' 'wasm") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()), Some(&b"nosniff"[..]));
        assert_eq!(headers.get(header::X_FRAME_OPTIONS).map(|v| v.as_bytes()), Some(&b"DENY"[..]));
        assert_eq!(headers.get(header::REFERRER_POLICY).map(|v| v.as_bytes()), Some(&b"same-origin"[..]));
    }
    // A page's policy names its own nonce, and every inline script of the page carries it.
    for (_, headers, page) in &answers[..2] {
        let csp = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).expect("policy");
        let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
        assert!(nonce.len() >= 16, "{nonce}");
        let inline_scripts = page.matches("<script").count() - page.matches("<script src=").count();
        let with_nonce = page.matches(&format!("nonce=\"{nonce}\"")).count();
        assert!(
            inline_scripts >= 2 && with_nonce >= inline_scripts,
            "{inline_scripts} inline, {with_nonce} with the nonce"
        );
    }
    let other = send(&router, get("/login", None)).await;
    assert_ne!(
        other.1.get(header::CONTENT_SECURITY_POLICY),
        answers[0].1.get(header::CONTENT_SECURITY_POLICY),
        "a nonce per answer"
    );
    db.finish().await;
}

#[tokio::test]
async fn errors_answer_with_their_own_status() {
    let db = TestDb::new().await;
    let router = router(&db);
    // A wrong password is a 401, not a server error.
    let body = "username=leader&password=Wrong%23password1&next=%2F";
    let (status, _, bytes) = send_for_bytes(&router, call("/api/auth/login", None, FORM, body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(matches!(decode_error(&bytes), Some(AppError::BadCredentials)));
    // Not logged in: 401; a missing argument: 400; bad input: 422; forbidden: 403.
    let (status, _, _) = send(&router, call("/api/events/counts", None, FORM, "")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let staff = login(&router, "staff").await;
    let (status, _, bytes) = send_for_bytes(&router, call("/api/events/list", Some(&staff), FORM, "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(matches!(decode_error(&bytes), Some(AppError::BadRequest(_))));
    let grid = login(&router, "grid").await;
    let (status, _, _) = send(&router, call("/api/admin/audit_verify", Some(&grid), FORM, "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Pages: a missing event 404, an unknown path 404 for everyone, logged in or not.
    let (status, _, page) = send(&router, get("/events/987654321", Some(&staff))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    for cookie in [None, Some(staff.as_str())] {
        let (status, _, page) = send(&router, get("/no/such/page", cookie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("页面不存在"), "said in the user's language");
    }
    // A known page still sends the anonymous visitor to the login.
    let (status, headers, _) = send(&router, get("/events", None)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/login?next=/events"));
    db.finish().await;
}

#[tokio::test]
async fn reports_refuse_nul_bytes_and_overlong_fields_with_field_errors() {
    let db = TestDb::new().await;
    let router = router(&db);
    let before = snapshot(&db).await;
    let citizen = login(&router, "13800000001").await;
    let report = |extra: &str| {
        format!(
            "form[channel]=public&form[category_id]=1&form[priority]=normal&form[title]=%E8%B7%AF%E7%81%AF\
             &form[description]=%E8%B7%AF%E7%81%AF%E5%9D%8F%E4%BA%86%E4%B8%89%E5%A4%A9&form[lat]=31.6&form[lng]=120.9\
             &form[contact_name]=&form[contact_phone]=&form[client_ref]=&form[resolution]={extra}"
        )
    };
    let (status, _, bytes) =
        send_for_bytes(&router, call("/api/events/report", Some(&citizen), FORM, report("&form[address]=a%00"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(decode_error(&bytes), Some(AppError::field("form[address]", ErrorCode::TextControlCharacters)));
    let long_address = format!("&form[address]={}", "x".repeat(5_000));
    let (status, _, bytes) =
        send_for_bytes(&router, call("/api/events/report", Some(&citizen), FORM, report(&long_address))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = decode_error(&bytes).expect("an error");
    assert_eq!(error.field_codes("address"), vec![ErrorCode::EventAddressTooLong], "{error:?}");
    assert_eq!(snapshot(&db).await, before, "nothing changed");
    db.finish().await;
}

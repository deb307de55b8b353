//! Issue 11, defects 4 and 5: what one client can make the server spend. Photos are decoded
//! only within bounds of pixels and memory; malformed uploads are said to be malformed; login,
//! registration, reports and tracking are rate-limited per address (429 with `Retry-After`,
//! before any handler runs); and a login never tells whether an account exists.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use diesel::sql_types::{BigInt, Integer};
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};
use server::rate_limit::RateLimits;
use shared::accounts::service::{AuthPolicy, login};
use shared::{AppError, ErrorCode};

use crate::harness::{PASSWORD, TestDb};
use crate::http::{HOST, get, login as log_in, router, router_with_limits, send, send_for_bytes};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let row: Count = diesel::sql_query(sql).get_result(&mut *db.conn().await).await.expect("count");
    row.n
}

// ---------------------------------------------------------------------------------------
// Photos

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A zlib stream of `len` zero bytes, compressed with deflate's fixed Huffman codes: one
/// literal zero, then copies of 258 bytes from one byte back, 13 bits each.
fn zlib_zeros(len: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        bit: u32,
    }
    impl Bits {
        fn push(&mut self, value: u32) {
            if self.bit == 0 {
                self.out.push(0);
            }
            if value & 1 == 1 {
                *self.out.last_mut().expect("a byte") |= 1 << self.bit;
            }
            self.bit = (self.bit + 1) % 8;
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u32, bits: u32) {
            for i in (0..bits).rev() {
                self.push(code >> i);
            }
        }
    }
    let mut bits = Bits { out: vec![0x78, 0x01], bit: 0 };
    bits.push(1); // the final block
    bits.push(1); // fixed Huffman codes (BTYPE 01, least significant bit first)
    bits.push(0);
    let literal_zero = |bits: &mut Bits| bits.code(0x30, 8);
    let mut left = len;
    if left > 0 {
        literal_zero(&mut bits);
        left -= 1;
    }
    while left >= 258 {
        bits.code(0xC5, 8); // length code 285: 258 bytes
        bits.code(0, 5); // distance code 0: one byte back
        left -= 258;
    }
    for _ in 0..left {
        literal_zero(&mut bits);
    }
    bits.code(0, 7); // end of block
    let mut out = bits.out;
    // Adler-32 of zeros: a stays 1, b adds 1 per byte.
    let adler = (((len % 65_521) as u32) << 16) | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// A real, complete PNG of `width`×`height` black grey-scale pixels: every byte of it
/// decodes, and it is small because zeros compress (12000×12000 is 144 MB decoded).
fn black_png(width: u32, height: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
        out
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, no interlacing
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    // Each row: filter byte 0, then `width` zero bytes.
    png.extend(chunk(b"IDAT", &zlib_zeros(u64::from(height) * (u64::from(width) + 1))));
    png.extend(chunk(b"IEND", &[]));
    png
}

fn upload(cookie: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/api/photos")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .expect("request")
}

fn multipart(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--tgboundary\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"p.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--tgboundary--\r\n");
    body
}

const MULTIPART: &str = "multipart/form-data; boundary=tgboundary";

fn resident_mib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
    pages * 4 / 1024
}

fn json_error(body: &str) -> AppError {
    serde_json::from_str(body).unwrap_or_else(|error| panic!("a JSON AppError ({error}): {body}"))
}

#[tokio::test]
async fn a_photo_declaring_huge_dimensions_is_refused_before_it_is_decoded() {
    let db = TestDb::new().await;
    let router = router(&db);
    let citizen = log_in(&router, "13800000001").await;
    let before = count(&db, "SELECT count(*) AS n FROM attachments").await;

    // A complete, valid 12000×12000 PNG in under a megabyte: decoded, 144 MB (in RGB, as
    // the was, 432 MB; its 821 MB peak came from the copies after decoding).
    let bomb = black_png(12_000, 12_000);
    assert!(bomb.len() < 1_000_000, "{} bytes", bomb.len());
    let memory_before = resident_mib();
    let (status, headers, body) = send(&router, upload(&citizen, MULTIPART, multipart("photo", &bomb))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/json"));
    assert_eq!(json_error(&body), AppError::field("photo", ErrorCode::PhotoTooManyPixels));
    let grown = resident_mib().saturating_sub(memory_before);
    assert!(grown < 100, "refusing it grew the process by {grown} MiB");

    // Within 8,192 px a side but over 40 megapixels: refused by the count.
    let (status, _, body) =
        send(&router, upload(&citizen, MULTIPART, multipart("photo", &black_png(8_000, 6_000)))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(json_error(&body), AppError::field("photo", ErrorCode::PhotoTooManyPixels));

    // An ordinary photo of the same making is taken (the generator makes real PNGs).
    let (status, _, body) =
        send(&router, upload(&citizen, MULTIPART, multipart("photo", &black_png(2_000, 1_500)))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let uploaded: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!((uploaded["width"].as_u64(), uploaded["height"].as_u64()), (Some(1600), Some(1200)));
    assert_eq!(count(&db, "SELECT count(*) AS n FROM attachments").await, before + 1);
    db.finish().await;
}

#[tokio::test]
async fn a_malformed_upload_is_a_400_and_only_an_oversized_one_a_413() {
    let db = TestDb::new().await;
    let router = router(&db);
    let citizen = log_in(&router, "13800000001").await;
    let before = count(&db, "SELECT count(*) AS n FROM attachments").await;
    let malformed = AppError::field("photo", ErrorCode::PhotoMalformed);

    // Broken multipart bodies: cut short, no closing boundary, a part without headers.
    let png = black_png(64, 64);
    let mut cut = multipart("photo", &png);
    cut.truncate(cut.len() - 30);
    for body in [b"--tgboundary\r\nbroken".to_vec(), cut, b"--tgboundary\r\n\r\n\r\n".to_vec()] {
        let (status, headers, answer) = send(&router, upload(&citizen, MULTIPART, body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/json"));
        assert_eq!(json_error(&answer), malformed);
    }
    // Not multipart at all: the same, as JSON (not axum's plain-text rejection).
    for content_type in ["application/json", "multipart/form-data", "text/plain"] {
        let (status, _, answer) = send(&router, upload(&citizen, content_type, "{}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{content_type}: {answer}");
        assert_eq!(json_error(&answer), malformed, "{content_type}");
    }
    // Truly too large: 413, said as the photo's size.
    let huge = multipart("photo", &vec![0u8; server::events::photos::MAX_UPLOAD_BYTES + 100 * 1024]);
    let (status, _, answer) = send(&router, upload(&citizen, MULTIPART, huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(json_error(&answer), AppError::field("photo", ErrorCode::PhotoTooLarge));
    // A well-formed body without a photo: the field is required.
    let (status, _, answer) = send(&router, upload(&citizen, MULTIPART, multipart("other", &png))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(json_error(&answer), AppError::field("photo", ErrorCode::PhotoRequired));
    assert_eq!(count(&db, "SELECT count(*) AS n FROM attachments").await, before, "nothing stored");
    db.finish().await;
}

// ---------------------------------------------------------------------------------------
// Login: the same answer for an unknown account

#[tokio::test]
async fn an_unknown_account_is_answered_exactly_as_a_wrong_password_lockout_included() {
    let db = TestDb::new().await;
    let policy = AuthPolicy::default();
    let mut conn = db.conn().await;
    let wrong = "Wrong#password1";
    // Unknown names are counted in the process: one no other test uses.
    let unknown = "no-such-user-lockout";
    let mut real_answers = Vec::new();
    let mut unknown_answers = Vec::new();
    for _ in 0..policy.max_failed_logins {
        real_answers.push(login::login(&mut conn, &policy, "grid", wrong, "").await.expect_err("refused"));
        unknown_answers.push(login::login(&mut conn, &policy, unknown, wrong, "").await.expect_err("refused"));
    }
    let shape = |answers: &[AppError]| -> Vec<String> {
        answers
            .iter()
            .map(|a| match a {
                AppError::Locked { .. } => "locked".to_owned(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    let mut expected = vec!["BadCredentials".to_owned(); policy.max_failed_logins as usize - 1];
    expected.push("locked".to_owned());
    assert_eq!(shape(&real_answers), expected);
    assert_eq!(shape(&unknown_answers), expected, "the made-up name locks like a real one");
    // Locked means locked, even with the right password — for both.
    let real = login::login(&mut conn, &policy, "grid", PASSWORD, "").await.err();
    let made_up = login::login(&mut conn, &policy, unknown, PASSWORD, "").await.err();
    let (Some(AppError::Locked { until: a }), Some(AppError::Locked { until: b })) = (real, made_up) else {
        panic!("both locked");
    };
    assert!((a - b).num_seconds().abs() <= 5, "{a} {b}");
    db.finish().await;
}

// ---------------------------------------------------------------------------------------
// Rate limits

/// A server function called as the browser's code calls it (postcard answers).
fn call(path: &str, cookie: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(body.into()).expect("request")
}

fn from(address: &str, mut request: Request<Body>) -> Request<Body> {
    let peer: SocketAddr = address.parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

fn login_body(username: &str, password: &str) -> String {
    format!("username={username}&password={}&next=%2F", password.replace('@', "%40").replace('#', "%23"))
}

fn retry_after(headers: &http::HeaderMap) -> u64 {
    headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header")
}

async fn failed_logins(db: &TestDb, username: &str) -> i32 {
    #[derive(diesel::QueryableByName)]
    struct Failed {
        #[diesel(sql_type = Integer)]
        failed_logins: i32,
    }
    let row: Failed = diesel::sql_query("SELECT failed_logins FROM users WHERE username = $1")
        .bind::<diesel::sql_types::Text, _>(username)
        .get_result(&mut *db.conn().await)
        .await
        .expect("user");
    row.failed_logins
}

#[tokio::test]
async fn the_eleventh_login_in_a_minute_is_refused_before_the_password_is_checked() {
    let db = TestDb::new().await;
    let limits = RateLimits { auth_per_minute: 10, ..RateLimits::default() };
    assert_eq!(limits, RateLimits::default(), "the default is ten a minute");
    let router = router_with_limits(&db, limits);
    let wrong = "Wrong#password1";

    // An unknown account and a real one with a wrong password: byte-identical answers.
    let mut answers = Vec::new();
    for username in ["no-such-user-rate", "leader", "no-such-user-rate", "leader"] {
        let (status, headers, body) =
            send_for_bytes(&router, call("/api/auth/login", None, login_body(username, wrong))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{username}");
        assert_eq!(postcard::from_bytes::<AppError>(&body).ok(), Some(AppError::BadCredentials));
        let mut headers: Vec<(String, Vec<u8>)> = headers
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "date" | "content-security-policy"))
            .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
            .collect();
        headers.sort();
        answers.push((headers, body));
    }
    assert!(answers.windows(2).all(|pair| pair[0] == pair[1]), "every refusal is the same answer: {answers:?}");
    assert_eq!(failed_logins(&db, "leader").await, 2);

    // The fifth attempt, the right password: in.
    log_in(&router, "staff").await;
    // Five more (10 in all).
    for i in 0..5 {
        let (status, _, _) =
            send(&router, call("/api/auth/login", None, login_body(&format!("no-such-{i}"), wrong))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let audits = count(&db, "SELECT count(*) AS n FROM audit_log").await;
    let sessions = count(&db, "SELECT count(*) AS n FROM sessions").await;

    // The eleventh: 429 with Retry-After, the password never checked (no failure counted).
    let (status, headers, body) =
        send_for_bytes(&router, call("/api/auth/login", None, login_body("leader", wrong))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&headers);
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(
        postcard::from_bytes::<AppError>(&body).ok(),
        Some(AppError::TooManyRequests { retry_after_secs: wait as u32 })
    );
    assert!(headers.contains_key("serverfnerror"), "a server function's error, read by the browser's code");
    assert_eq!(failed_logins(&db, "leader").await, 2, "the password was not checked");
    // Not even the right password gets in; no session is made.
    let (status, headers, _) = send(&router, call("/api/auth/login", None, login_body("staff", PASSWORD))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!headers.contains_key(header::SET_COOKIE));
    // Without JavaScript: back to the form, which says why in the user's language.
    let request = Request::post("/api/auth/login")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::REFERER, format!("http://{HOST}/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(login_body("staff", PASSWORD)))
        .expect("request");
    let (status, headers, _) = send(&router, request).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(retry_after(&headers) >= 1);
    let back = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).expect("location").to_owned();
    let path = back.trim_start_matches(&format!("http://{HOST}")).to_owned();
    let (_, _, page) = send(&router, get(&path, None)).await;
    assert!(page.contains("操作过于频繁"), "the message is on the page");
    assert_eq!(count(&db, "SELECT count(*) AS n FROM audit_log").await, audits, "nothing recorded");
    assert_eq!(count(&db, "SELECT count(*) AS n FROM sessions").await, sessions, "nobody logged in");

    // A forged X-Forwarded-For does not buy a new quota (the proxy is not trusted by default).
    let request = call("/api/auth/login", None, login_body("staff", PASSWORD));
    let (mut parts, body) = request.into_parts();
    parts.headers.insert("x-forwarded-for", "203.0.113.9".parse().expect("header"));
    let (status, _, _) = send(&router, Request::from_parts(parts, body)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another address has its own quota; registration is counted apart.
    let (status, headers, _) =
        send(&router, from("192.0.2.7:50000", call("/api/auth/login", None, login_body("staff", PASSWORD)))).await;
    assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key(header::SET_COOKIE));
    let (status, _, _) = send(&router, call("/api/auth/register", None, "")).await;
    assert!(status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS, "{status}");
    db.finish().await;
}

#[tokio::test]
async fn registration_reports_and_tracking_have_their_own_quotas() {
    let db = TestDb::new().await;
    let limits = RateLimits {
        auth_per_minute: 3,
        report_per_minute: 2,
        track_per_minute: 3,
        open311_per_minute: 3,
        trust_proxy: false,
    };
    let router = router_with_limits(&db, limits);
    let users = count(&db, "SELECT count(*) AS n FROM users").await;
    let events = count(&db, "SELECT count(*) AS n FROM events").await;

    // Registration: both forms share one quota per address.
    for path in ["/api/auth/register", "/api/auth/register_enterprise", "/api/auth/register"] {
        let (status, _, _) = send(&router, call(path, None, "")).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{path}");
    }
    let (status, headers, body) = send_for_bytes(&router, call("/api/auth/register_enterprise", None, "")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(postcard::from_bytes::<AppError>(&body), Ok(AppError::TooManyRequests { .. })));
    assert!(retry_after(&headers) >= 1);

    // Reports: counted per address, logged in or not.
    let citizen = log_in(&router, "13800000001").await;
    for _ in 0..2 {
        let (status, _, _) = send(&router, call("/api/events/report", Some(&citizen), "")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let (status, headers, body) = send_for_bytes(&router, call("/api/events/report", Some(&citizen), "")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(postcard::from_bytes::<AppError>(&body), Ok(AppError::TooManyRequests { .. })));
    assert!(retry_after(&headers) >= 1);

    // Tracking: the server function and the page share a quota.
    for _ in 0..3 {
        let (status, _, _) = send(&router, call("/api/events/track", None, "code=TG-2026-000001-ABCDEFGH")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, headers, page) = send(&router, get("/track?no=TG-2026-000001-ABCDEFGH", None)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&headers);
    assert!(page.contains(&format!("操作过于频繁，请 {wait} 秒后再试")), "{page}");
    let (status, _, page) = send(&router, in_english(get("/track?no=TG-2026-000001-ABCDEFGH", None))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("Too many requests"), "in the user's language: {page}");
    // Other pages are not limited.
    let (status, _, _) = send(&router, get("/login", None)).await;
    assert_eq!(status, StatusCode::OK);

    assert_eq!(count(&db, "SELECT count(*) AS n FROM users").await, users);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM events").await, events);
    db.finish().await;
}

fn in_english(mut request: Request<Body>) -> Request<Body> {
    let cookie = format!("{}=en", app::i18n::COOKIE_NAME);
    request.headers_mut().insert(header::COOKIE, cookie.parse().expect("cookie"));
    request
}

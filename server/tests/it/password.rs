//! The password lifecycle (GB/T 22239 level 3 identity authentication): an administrator's
//! initial password is replaced before anything else, a password expires, none of the last
//! five comes back, and a change ends the account's other sessions.

use axum::body::Body;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};
use shared::accounts::service::{AuthPolicy, login, password, session, users};
use shared::accounts::{NewStaff, PasswordChange, PasswordDue};
use shared::error::{AppError, ErrorCode};
use shared::schema::{audit_log, password_history};

use crate::harness::{PASSWORD, TestDb};
use crate::http::{FORM, HOST, router, send, send_for_bytes};

const INITIAL: &str = "Chushi#Mima2026";
const CHOSEN: &str = "Ziji@Xuande2026";

fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn form_login(router: &axum::Router, username: &str, password: &str) -> String {
    let request = Request::post("/api/auth/login")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::REFERER, format!("http://{HOST}/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, FORM)
        .body(Body::from(format!("username={username}&password={}&next=%2F", enc(password))))
        .expect("request");
    let (status, headers, _) = send(router, request).await;
    assert_eq!(status, StatusCode::FOUND, "login of {username}");
    let cookie = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("cookie");
    cookie.split(';').next().expect("pair").to_owned()
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path).header(header::HOST, HOST).header(header::COOKIE, cookie).body(Body::empty()).expect("request")
}

fn call(path: &str, cookie: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, FORM)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request")
}

fn change_body(current: &str, new: &str) -> String {
    format!(
        "form[current_password]={}&form[password]={}&form[password_confirm]={}&next=%2Fevents",
        enc(current),
        enc(new),
        enc(new)
    )
}

#[tokio::test]
async fn an_administrators_initial_password_must_be_changed_before_anything_else() {
    let db = TestDb::new().await;
    let router = router(&db);
    let sysadmin = db.user("sysadmin").await;
    let mut conn = db.conn().await;
    let form = NewStaff {
        username: "clerk_new".into(),
        display_name: "新来的文书".into(),
        phone: String::new(),
        password: INITIAL.into(),
        role_code: "town_staff".into(),
        village_id: None,
        grid_id: None,
    };
    users::create_staff(&mut conn, &sysadmin, &form).await.expect("the administrator creates the account");
    let cookie = form_login(&router, "clerk_new", INITIAL).await;

    // Every page leads to the password page (and back afterwards); that page itself renders.
    let (status, headers, _) = send(&router, get("/events?status=open", &cookie)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
        Some("/password?next=%2Fevents%3Fstatus%3Dopen")
    );
    let (status, _, page) = send(&router, get("/password?next=%2Fevents", &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("初始密码"), "the page says why: {page}");

    // Nothing else answers: server functions and plain endpoints alike.
    let (status, _, bytes) = send_for_bytes(&router, call("/api/events/counts", &cookie, String::new())).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        postcard::from_bytes::<AppError>(&bytes).ok(),
        Some(AppError::Conflict(ErrorCode::PasswordChangeRequired))
    );
    let (status, _, _) = send(&router, get("/api/live", &cookie)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Refusals say which field and why, and change nothing.
    for (current, new, field, code) in [
        ("Wrong#Password1", CHOSEN, "current_password", ErrorCode::PasswordWrong),
        (INITIAL, INITIAL, "password", ErrorCode::PasswordReused),
        (INITIAL, "short1A!", "password", ErrorCode::PasswordTooShort),
    ] {
        let (status, _, bytes) =
            send_for_bytes(&router, call("/api/auth/change_password", &cookie, change_body(current, new))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let error = postcard::from_bytes::<AppError>(&bytes).expect("an error");
        assert_eq!(error.field_codes(field), vec![code], "{error:?}");
    }
    let user = db.user("clerk_new").await;
    assert_eq!(user.password_due, Some(PasswordDue::Initial), "still due");

    // Changed: the same session goes on, to the page first asked for.
    let (status, _, _) =
        send_for_bytes(&router, call("/api/auth/change_password", &cookie, change_body(INITIAL, CHOSEN))).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    assert_eq!(db.user("clerk_new").await.password_due, None);
    let (status, _, _) = send(&router, get("/events", &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    form_login(&router, "clerk_new", CHOSEN).await;
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::target.eq("clerk_new"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut conn)
        .await
        .expect("audit");
    assert!(
        actions.contains(&"password.change_failed".to_owned()) && actions.contains(&"password.change".to_owned()),
        "{actions:?}"
    );
    db.finish().await;
}

#[tokio::test]
async fn none_of_the_last_five_passwords_comes_back_and_a_change_ends_the_other_sessions() {
    let db = TestDb::new().await;
    let policy = AuthPolicy::default();
    let mut conn = db.conn().await;
    let mine = login::login(&mut conn, &policy, "staff", PASSWORD, "phone").await.expect("login");
    let other = login::login(&mut conn, &policy, "staff", PASSWORD, "desk").await.expect("login");
    let user = mine.user.clone();
    let mine_hash = session::token_hash(&mine.token);
    let change = |current: &str, new: &str| PasswordChange {
        current_password: current.into(),
        password: new.into(),
        password_confirm: new.into(),
    };

    let chosen: Vec<String> = (1..=5).map(|n| format!("Xin#Mima{n}Hao")).collect();
    let mut current = PASSWORD.to_owned();
    for new in &chosen {
        password::change(&mut conn, &user, &mine_hash, &change(&current, new)).await.expect("a fresh password");
        current = new.clone();
    }
    assert_eq!(
        session::authenticate(&mut conn, &policy, &other.token).await.err(),
        Some(AppError::Unauthorized),
        "whoever knew the old password is logged out"
    );
    assert!(session::authenticate(&mut conn, &policy, &mine.token).await.is_ok(), "the changer stays");

    // The last five (the current among them) are refused; the sixth back is allowed again.
    for old in &chosen[..4] {
        let error = password::change(&mut conn, &user, &mine_hash, &change(&current, old)).await.unwrap_err();
        assert_eq!(error.field_codes("password"), vec![ErrorCode::PasswordReused], "{old}");
    }
    let kept: i64 = password_history::table
        .filter(password_history::user_id.eq(user.id))
        .count()
        .get_result(&mut conn)
        .await
        .expect("count");
    assert_eq!(kept as usize, password::HISTORY);
    password::change(&mut conn, &user, &mine_hash, &change(&current, PASSWORD)).await.expect("six changes back");
    db.finish().await;
}

#[tokio::test]
async fn a_password_older_than_the_policy_must_be_changed() {
    let db = TestDb::new().await;
    let router = router(&db);
    let mut conn = db.conn().await;
    diesel::sql_query("UPDATE users SET password_changed_at = now() - interval '91 days' WHERE username = 'staff'")
        .execute(&mut conn)
        .await
        .expect("age the password");
    let policy = AuthPolicy::default();
    let outcome = login::login(&mut conn, &policy, "staff", PASSWORD, "desk").await.expect("login");
    assert_eq!(outcome.user.password_due, Some(PasswordDue::Expired));
    let never = AuthPolicy { password_max_age: None, ..AuthPolicy::default() };
    let outcome = login::login(&mut conn, &never, "staff", PASSWORD, "desk").await.expect("login");
    assert_eq!(outcome.user.password_due, None, "with no maximum age passwords do not expire");

    let cookie = form_login(&router, "staff", PASSWORD).await;
    let (status, headers, _) = send(&router, get("/", &cookie)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/password?next=%2F"));
    let (_, _, page) = send(&router, get("/password", &cookie)).await;
    assert!(page.contains("有效期"), "the page says why: {page}");
    db.finish().await;
}

/// A holder who forgot their password gets a temporary one from the system administrator:
/// shown once, unlocking the account, ending its sessions, replaced at the first login, and
/// audited. Nobody else may reset one, nor the administrator their own.
#[tokio::test]
async fn the_system_administrator_resets_a_forgotten_password_to_a_temporary_one() {
    let db = TestDb::new().await;
    let policy = AuthPolicy::default();
    let mut conn = db.conn().await;
    let sysadmin = db.user("sysadmin").await;
    let staff = db.user("staff").await;
    let kept = login::login(&mut conn, &policy, "staff", PASSWORD, "desk").await.expect("login");
    diesel::sql_query(
        "UPDATE users SET failed_logins = 5, locked_until = now() + interval '15 minutes' WHERE username = 'staff'",
    )
    .execute(&mut conn)
    .await
    .expect("lock the account");

    for other in ["secadmin", "auditor", "leader"] {
        let actor = db.user(other).await;
        assert_eq!(password::reset(&mut conn, &actor, staff.id).await.err(), Some(AppError::Forbidden), "{other}");
    }
    assert_eq!(
        password::reset(&mut conn, &sysadmin, sysadmin.id).await.err(),
        Some(AppError::Conflict(ErrorCode::UserOwnPassword))
    );
    assert_eq!(password::reset(&mut conn, &sysadmin, i64::MAX).await.err(), Some(AppError::NotFound));

    let temporary = password::reset(&mut conn, &sysadmin, staff.id).await.expect("the administrator resets");
    assert_eq!((temporary.user_id, temporary.username.as_str()), (staff.id, "staff"));
    assert_eq!(
        session::authenticate(&mut conn, &policy, &kept.token).await.err(),
        Some(AppError::Unauthorized),
        "the sessions ended"
    );
    assert!(login::login(&mut conn, &policy, "staff", PASSWORD, "desk").await.is_err(), "the old password is gone");
    let outcome = login::login(&mut conn, &policy, "staff", &temporary.password, "desk")
        .await
        .expect("unlocked, the new one works");
    assert_eq!(outcome.user.password_due, Some(PasswordDue::Initial), "to be replaced before anything else");
    let change = PasswordChange {
        current_password: temporary.password.clone(),
        password: temporary.password.clone(),
        password_confirm: temporary.password.clone(),
    };
    let error =
        password::change(&mut conn, &outcome.user, &session::token_hash(&outcome.token), &change).await.unwrap_err();
    assert_eq!(error.field_codes("password"), vec![ErrorCode::PasswordReused], "not kept as it is");

    let again = password::reset(&mut conn, &sysadmin, staff.id).await.expect("reset twice");
    assert_ne!(again.password, temporary.password, "a new one each time");
    let audited: Vec<(String, String, String)> = audit_log::table
        .filter(audit_log::action.eq("user.reset_password"))
        .order(audit_log::id)
        .select((audit_log::actor_name, audit_log::target, audit_log::detail))
        .load(&mut conn)
        .await
        .expect("audit");
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[0], (sysadmin.display_name.clone(), "staff".to_owned(), "sessions_ended=1".to_owned()));
    assert!(!audited.iter().any(|(.., detail)| detail.contains(&temporary.password)), "the password is never recorded");
    drop(conn);
    db.finish().await;
}

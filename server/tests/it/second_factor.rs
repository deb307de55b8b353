//! The second factor at login (GB/T 22239 8.1.4.1 d): enrolled with a code from the app,
//! then asked at every login, each code good once; required of administrators by policy.

use chrono::{DateTime, Duration, Utc};
use diesel::{BoolExpressionMethods, ExpressionMethods, NullableExpressionMethods, QueryDsl, TextExpressionMethods};
use diesel_async::RunQueryDsl;
use http::{StatusCode, header};
use shared::accounts::service::login::{self, LoginAttempt};
use shared::accounts::service::{AuthPolicy, second_factor};
use shared::schema::{audit_log, users};
use shared::{AppError, ErrorCode};
use totp_rs::{Builder, Secret};

use crate::harness::{PASSWORD, TestDb};
use crate::http::{get, login_form, router_with_policy, send};

/// The code an authenticator app shows for `secret` (base32) at `at`.
pub(crate) fn code(secret: &str, at: DateTime<Utc>) -> String {
    let secret = Secret::try_from_base32(secret).expect("a base32 secret");
    let totp = Builder::new().with_secret(secret).build().expect("RFC 6238 defaults: SHA-1, 6 digits, 30 s");
    totp.generate(at.timestamp() as u64).to_string()
}

/// Turns the second factor on for `user` with the app's code at `at`: its secret and
/// recovery codes.
async fn enrol(
    conn: &mut diesel_async::AsyncPgConnection,
    user: &shared::accounts::SessionUser,
    at: DateTime<Utc>,
) -> (String, Vec<String>) {
    let secret = second_factor::begin(conn, user).await.expect("begin").secret;
    let codes = second_factor::confirm(conn, user, &code(&secret, at), at).await.expect("confirm").codes;
    (secret, codes)
}

/// Whether the session of `token` was ended.
async fn ended(conn: &mut diesel_async::AsyncPgConnection, token: &str) -> bool {
    let token_hash = shared::accounts::service::session::token_hash(token);
    let revoked: Option<DateTime<Utc>> = shared::schema::sessions::table
        .find(token_hash)
        .select(shared::schema::sessions::revoked_at)
        .first(conn)
        .await
        .expect("session");
    revoked.is_some()
}

fn field(error: AppError) -> Vec<(String, ErrorCode)> {
    match error {
        AppError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("not a field error: {other:?}"),
    }
}

fn attempt<'a>(username: &'a str, code: &'a str) -> LoginAttempt<'a> {
    LoginAttempt { username, password: PASSWORD, code, user_agent: "test" }
}

#[tokio::test]
async fn a_second_factor_is_enrolled_with_a_code_and_then_asked_at_every_login_each_code_once() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let policy = AuthPolicy::default();
    let staff = db.user("staff").await;
    let enrolment = second_factor::begin(&mut conn, &staff).await.expect("begin");
    assert!(enrolment.uri.starts_with("otpauth://totp/Tongguan:staff?secret="), "{}", enrolment.uri);
    assert!(enrolment.uri.contains(&enrolment.secret) && enrolment.secret.len() == 32, "160 bits in base32");
    assert!(enrolment.qr_svg.starts_with("<?xml") && enrolment.qr_svg.contains("<svg"), "an SVG image");
    // Not on until a code from the app is shown; a wrong one changes nothing.
    let now = Utc::now();
    let wrong = second_factor::confirm(&mut conn, &staff, "000000", now).await.expect_err("wrong code");
    assert_eq!(field(wrong), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);
    assert!(!second_factor::status(&mut conn, &policy, &staff).await.expect("status").enabled);
    login::login(&mut conn, &policy, "staff", PASSWORD, "test").await.expect("no code needed yet");
    // Confirmed with the code of the step before this one: this one is left for the login.
    let earlier = now - Duration::seconds(30);
    second_factor::confirm(&mut conn, &staff, &code(&enrolment.secret, earlier), earlier).await.expect("confirm");
    assert!(second_factor::status(&mut conn, &policy, &staff).await.expect("status").enabled);
    // The database holds the secret sealed (SM4-GCM under the personal-data keyring), never
    // as the app was given it.
    let stored: String = users::table
        .filter(users::username.eq("staff"))
        .select(users::totp_secret.assume_not_null())
        .first(&mut conn)
        .await
        .expect("the stored secret");
    assert!(stored.starts_with("sm4:01") && !stored.contains(&enrolment.secret[..8]), "{stored}");

    // The password alone is not enough, and says what is missing.
    let without = login::login(&mut conn, &policy, "staff", PASSWORD, "test").await.expect_err("code needed");
    assert_eq!(field(without), [("code".to_owned(), ErrorCode::SecondFactorRequired)]);
    // A wrong code counts as a failed login.
    let wrong = login::login_with_code(&mut conn, &policy, attempt("staff", "123456")).await.expect_err("wrong");
    assert_eq!(field(wrong), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);
    let failed: i32 = users::table
        .filter(users::username.eq("staff"))
        .select(users::failed_logins)
        .first(&mut conn)
        .await
        .expect("n");
    assert_eq!(failed, 1);
    let now = Utc::now();
    let outcome = login::login_with_code(&mut conn, &policy, attempt("staff", &code(&enrolment.secret, now)))
        .await
        .expect("password and code");
    assert!(!outcome.user.second_factor_due);
    // The same code again, however quickly: refused.
    let replay = login::login_with_code(&mut conn, &policy, attempt("staff", &code(&enrolment.secret, now)))
        .await
        .expect_err("a code works once");
    assert_eq!(field(replay), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);

    // Turned off with a code of its own (the next step's), and the login is back to a password.
    let later = now + Duration::seconds(30);
    let wrong = second_factor::disable(&mut conn, &policy, &staff, "999999", later).await.expect_err("wrong");
    assert_eq!(field(wrong), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);
    second_factor::disable(&mut conn, &policy, &staff, &code(&enrolment.secret, later), later).await.expect("off");
    login::login(&mut conn, &policy, "staff", PASSWORD, "test").await.expect("a password again");

    let recorded: Vec<(String, String)> = audit_log::table
        .filter(audit_log::target.eq("staff"))
        .filter(audit_log::action.like("second_factor.%").or(audit_log::detail.eq("second factor")))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::detail))
        .load(&mut conn)
        .await
        .expect("audit");
    let expected = [
        ("second_factor.enable", ""),
        ("auth.login_failed", "second factor"),
        ("auth.login_failed", "second factor"),
        ("second_factor.disable", ""),
    ];
    assert_eq!(recorded.iter().map(|(a, d)| (a.as_str(), d.as_str())).collect::<Vec<_>>(), expected);
    drop(conn);
    db.finish().await;
}

/// Under the policy an administrator without a second factor logs in, is sent to enrol one
/// from every page and refused by every function until then, and cannot turn it off after;
/// other users are free to go without.
#[tokio::test]
async fn the_policy_sends_an_administrator_to_enrol_first_and_keeps_the_factor_on() {
    let db = TestDb::new().await;
    let policy = AuthPolicy { admin_second_factor: true, ..AuthPolicy::default() };
    let router = router_with_policy(&db, policy.clone());
    let mut conn = db.conn().await;
    let staff = login::login(&mut conn, &policy, "staff", PASSWORD, "test").await.expect("staff");
    assert!(!staff.user.second_factor_due, "not an administrator");

    let body = format!("username=sysadmin&password={}&next=%2Fadmin%2Fusers", PASSWORD.replace('@', "%40"));
    let (status, headers, _) = send(&router, login_form(body)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "/two-factor?next=%2Fadmin%2Fusers", "enrol first, then the page asked for");
    let cookie = headers[header::SET_COOKIE].to_str().expect("cookie").split(';').next().expect("pair").to_owned();
    let (status, headers, _) = send(&router, get("/admin/audit", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "/two-factor?next=%2Fadmin%2Faudit");
    let (status, _, _) = send(&router, get("/two-factor", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK, "the page that enrols is open");

    let sysadmin = shared::accounts::service::session::load_user(&mut conn, &policy, db.user("sysadmin").await.id)
        .await
        .expect("sysadmin");
    assert!(sysadmin.second_factor_due);
    assert_eq!(
        sysadmin.clone().active().expect_err("nothing else until enrolled"),
        AppError::Conflict(ErrorCode::SecondFactorEnrolmentRequired)
    );
    let now = Utc::now();
    let (secret, _) = enrol(&mut conn, &sysadmin, now).await;
    let sysadmin =
        shared::accounts::service::session::load_user(&mut conn, &policy, sysadmin.id).await.expect("sysadmin");
    assert!(!sysadmin.second_factor_due);
    let later = now + Duration::seconds(30);
    let kept = second_factor::disable(&mut conn, &policy, &sysadmin, &code(&secret, later), later)
        .await
        .expect_err("required");
    assert_eq!(field(kept), [("code".to_owned(), ErrorCode::SecondFactorRequiredByPolicy)]);
    drop(conn);
    db.finish().await;
}

/// Turning it on gives ten recovery codes, each good for one login in place of the app's code,
/// however it is typed; new ones replace the old; the security administrator — not the system
/// administrator, nor anyone for themselves — takes a lost factor away, which ends the user's
/// sessions and leaves the password alone at the next login.
#[tokio::test]
async fn recovery_codes_log_in_once_each_and_the_security_administrator_resets_a_lost_factor() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let policy = AuthPolicy::default();
    let staff = db.user("staff").await;
    let now = Utc::now();
    let earlier = now - Duration::seconds(30);
    let (secret, codes) = enrol(&mut conn, &staff, earlier).await;
    assert_eq!(codes.len(), 10);
    assert!(
        codes.iter().all(|c| c.len() == 19 && c.split('-').all(|g| g.len() == 4)),
        "four groups of four: {codes:?}"
    );
    let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    let stored: Vec<String> = shared::schema::second_factor_recovery_codes::table
        .select(shared::schema::second_factor_recovery_codes::code_hash)
        .load(&mut conn)
        .await
        .expect("hashes");
    assert!(stored.iter().all(|hash| hash.len() == 64 && !codes.iter().any(|c| c.contains(hash.as_str()))));

    // One code, typed in lower case and without dashes, logs in once.
    let typed = codes[0].replace('-', " ").to_lowercase();
    login::login_with_code(&mut conn, &policy, attempt("staff", &typed)).await.expect("a recovery code");
    let again = login::login_with_code(&mut conn, &policy, attempt("staff", &codes[0])).await.expect_err("once");
    assert_eq!(field(again), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);
    let made_up = login::login_with_code(&mut conn, &policy, attempt("staff", "AAAA-BBBB-CCCC-DDDD"))
        .await
        .expect_err("not one of its codes");
    assert_eq!(field(made_up), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);
    assert_eq!(second_factor::status(&mut conn, &policy, &staff).await.expect("status").recovery_left, 9);

    // New codes, with a code from the app, replace every old one.
    let renewed =
        second_factor::renew_recovery(&mut conn, &policy, &staff, &code(&secret, now), now).await.expect("renew");
    let old = login::login_with_code(&mut conn, &policy, attempt("staff", &codes[1])).await.expect_err("replaced");
    assert_eq!(field(old), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);
    assert_eq!(second_factor::status(&mut conn, &policy, &staff).await.expect("status").recovery_left, 10);
    let wrong =
        second_factor::renew_recovery(&mut conn, &policy, &staff, "000000", now).await.expect_err("needs the app");
    assert_eq!(field(wrong), [("code".to_owned(), ErrorCode::SecondFactorWrong)]);

    // The phone and the codes are lost: only the security administrator resets it.
    let session = login::login_with_code(&mut conn, &policy, attempt("staff", &renewed.codes[0])).await.expect("in");
    let sysadmin = db.user("sysadmin").await;
    assert_eq!(second_factor::reset(&mut conn, &sysadmin, staff.id).await, Err(AppError::Forbidden));
    let secadmin = db.user("secadmin").await;
    let overview = second_factor::overview(&mut conn, &policy, &secadmin).await.expect("overview");
    assert!(!overview.required_of_administrators);
    let row = overview.accounts.iter().find(|a| a.username == "staff").expect("staff listed");
    assert!(row.enabled && !row.administrator && row.recovery_left == 9, "{row:?}");
    let administrator = overview.accounts.iter().find(|a| a.username == "auditor").expect("auditor listed");
    assert!(administrator.administrator && !administrator.enabled);
    assert!(overview.accounts[0].administrator, "administrators first");
    assert_eq!(
        second_factor::reset(&mut conn, &secadmin, secadmin.id).await,
        Err(AppError::Conflict(ErrorCode::SecondFactorResetOwn))
    );
    second_factor::reset(&mut conn, &secadmin, staff.id).await.expect("reset");
    assert_eq!(
        second_factor::reset(&mut conn, &secadmin, staff.id).await,
        Err(AppError::Conflict(ErrorCode::SecondFactorNotEnabled)),
        "nothing left to reset"
    );
    assert!(ended(&mut conn, &session.token).await, "the user's sessions end");
    login::login(&mut conn, &policy, "staff", PASSWORD, "test").await.expect("the password alone again");
    let left: i64 = shared::schema::second_factor_recovery_codes::table.count().get_result(&mut conn).await.expect("n");
    assert_eq!(left, 0, "no recovery code outlives its factor");

    let recorded: Vec<(String, String)> = audit_log::table
        .filter(audit_log::target.eq("staff"))
        .filter(audit_log::action.like("second_factor.%"))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::detail))
        .load(&mut conn)
        .await
        .expect("audit");
    let expected = [
        ("second_factor.enable", ""),
        ("second_factor.recovery_use", "left=9"),
        ("second_factor.recovery_renew", ""),
        ("second_factor.recovery_use", "left=9"),
        ("second_factor.reset", "sessions_ended=2"),
    ];
    assert_eq!(recorded.iter().map(|(a, d)| (a.as_str(), d.as_str())).collect::<Vec<_>>(), expected);
    drop(conn);
    db.finish().await;
}

/// Whoever holds a user's session cannot guess the app's codes to take the factor away or make
/// recovery codes: a wrong code there counts as a failed login, and at the policy's limit the
/// account locks and its sessions end.
#[tokio::test]
async fn wrong_codes_in_a_session_count_towards_the_lockout_and_end_its_sessions() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let policy = AuthPolicy::default();
    let staff = db.user("staff").await;
    let now = Utc::now();
    let (secret, _) = enrol(&mut conn, &staff, now - Duration::seconds(30)).await;
    let session = login::login_with_code(&mut conn, &policy, attempt("staff", &code(&secret, now))).await.expect("in");
    // A code that is not the app's in the window around now.
    let window: Vec<String> = (-1..=1).map(|step| code(&secret, now + Duration::seconds(30 * step))).collect();
    let wrong_code = ["000000", "111111", "222222", "333333"].into_iter().find(|c| !window.iter().any(|w| w == c));
    let wrong_code = wrong_code.expect("one of four is not among three");
    for n in 1..policy.max_failed_logins {
        let wrong = second_factor::disable(&mut conn, &policy, &staff, wrong_code, now).await.expect_err("wrong");
        assert_eq!(field(wrong), [("code".to_owned(), ErrorCode::SecondFactorWrong)], "attempt {n}");
    }
    let locked =
        second_factor::renew_recovery(&mut conn, &policy, &staff, wrong_code, now).await.expect_err("the limit");
    assert!(matches!(locked, AppError::Locked { .. }), "{locked:?}");
    assert!(ended(&mut conn, &session.token).await, "the session that guessed ends");
    let later = attempt("staff", "");
    let refused = login::login_with_code(&mut conn, &policy, later).await.expect_err("locked");
    assert!(matches!(refused, AppError::Locked { .. }), "{refused:?}");
    let recorded: i64 = audit_log::table
        .filter(audit_log::target.eq("staff"))
        .filter(audit_log::detail.eq("second factor in a session"))
        .count()
        .get_result(&mut conn)
        .await
        .expect("audit");
    assert_eq!(recorded, i64::from(policy.max_failed_logins), "each wrong code and the lock are recorded");
    drop(conn);
    db.finish().await;
}

//! Registration with every validation error, login, lockout, sessions.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use shared::accounts::service::{AuthPolicy, login, register, session, users};
use shared::accounts::{EnterpriseRegistration, PublicRegistration, UserStatus};
use shared::codes::credit_code;
use shared::schema::{sessions, users as users_table};
use shared::{AppError, ErrorCode};

use crate::harness::{PASSWORD, TestDb};

fn public(phone: &str, password: &str, confirm: &str) -> PublicRegistration {
    PublicRegistration {
        township_id: 0,
        phone: phone.into(),
        display_name: "张三".into(),
        password: password.into(),
        password_confirm: confirm.into(),
    }
}

async fn township_id(db: &TestDb) -> i32 {
    db.user("sysadmin").await.township_id
}

async fn user_count(db: &TestDb) -> i64 {
    users_table::table.count().get_result(&mut *db.conn().await).await.expect("count")
}

fn codes(error: AppError) -> Vec<(String, ErrorCode)> {
    match error {
        AppError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn public_registration_reports_every_invalid_field_and_changes_nothing() {
    let db = TestDb::new().await;
    let town = township_id(&db).await;
    let before = user_count(&db).await;
    let cases: &[(&str, &str, &str, &str, ErrorCode)] = &[
        ("12345", "Tongguan#2026ok", "Tongguan#2026ok", "phone", ErrorCode::MobileFormat),
        ("13912345678", "Short#1a", "Short#1a", "password", ErrorCode::PasswordTooShort),
        ("13912345678", "alllowercase", "alllowercase", "password", ErrorCode::PasswordClasses),
        ("13912345678", "Password123!", "Password123!", "password", ErrorCode::PasswordCommon),
        ("13912345678", "Xx13912345678!", "Xx13912345678!", "password", ErrorCode::PasswordContainsUsername),
        ("13912345678", "Tongguan#2026ok", "Tongguan#2026oK", "password_confirm", ErrorCode::PasswordMismatch),
    ];
    for (phone, password, confirm, field, code) in cases {
        let mut form = public(phone, password, confirm);
        form.township_id = town;
        let error = register::register_public(&mut *db.conn().await, &form).await.expect_err("must be refused");
        assert!(codes(error).contains(&(field.to_string(), *code)), "{phone} {password}: expected {field} {code}");
    }
    let mut nameless = public("13912345678", "Tongguan#2026ok", "Tongguan#2026ok");
    nameless.township_id = town;
    nameless.display_name = "   ".into();
    let error = register::register_public(&mut *db.conn().await, &nameless).await.expect_err("name required");
    assert_eq!(codes(error), vec![("display_name".into(), ErrorCode::Required)]);
    let mut nowhere = public("13912345678", "Tongguan#2026ok", "Tongguan#2026ok");
    nowhere.township_id = 999_999;
    let error = register::register_public(&mut *db.conn().await, &nowhere).await.expect_err("unknown township");
    assert_eq!(codes(error), vec![("township_id".into(), ErrorCode::TownshipUnknown)]);
    assert_eq!(user_count(&db).await, before, "a refused registration changes nothing");
    db.finish().await;
}

#[tokio::test]
async fn public_registers_logs_in_and_cannot_register_twice() {
    let db = TestDb::new().await;
    let mut form = public("13912345678", "Tongguan#2026ok", "Tongguan#2026ok");
    form.township_id = township_id(&db).await;
    let id = register::register_public(&mut *db.conn().await, &form).await.expect("registered");
    let stored: String = users_table::table
        .find(id)
        .select(users_table::password_hash)
        .first(&mut *db.conn().await)
        .await
        .expect("hash");
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "argon2id with OWASP parameters: {stored}");
    let outcome = login::login(&mut *db.conn().await, &AuthPolicy::default(), "13912345678", "Tongguan#2026ok", "test")
        .await
        .expect("logs in");
    assert_eq!(outcome.user.role_names, vec!["社会公众".to_string()]);
    let again = register::register_public(&mut *db.conn().await, &form).await.expect_err("duplicate");
    assert_eq!(codes(again), vec![("phone".into(), ErrorCode::UsernameTaken)]);
    db.finish().await;
}

#[tokio::test]
async fn enterprise_registration_checks_the_credit_code_and_waits_for_approval() {
    let db = TestDb::new().await;
    let town = township_id(&db).await;
    let first17 = "91320581MA1TE7W00";
    let valid = format!("{first17}{}", credit_code::check_digit(first17).expect("check digit"));
    let wrong_check = format!("{first17}{}", if valid.ends_with('0') { '1' } else { '0' });
    let form = |code: &str| EnterpriseRegistration {
        township_id: town,
        credit_code: code.into(),
        enterprise_name: "常熟测试纺织有限公司".into(),
        contact_name: "李四".into(),
        phone: "13712345678".into(),
        password: "Tongguan#2026ok".into(),
        password_confirm: "Tongguan#2026ok".into(),
    };
    let error = register::register_enterprise(&mut *db.conn().await, &form(&wrong_check)).await.expect_err("bad check");
    assert_eq!(codes(error), vec![("credit_code".into(), ErrorCode::CreditCodeCheckDigit)]);
    let error =
        register::register_enterprise(&mut *db.conn().await, &form("91320581MA1TESTI0Z")).await.expect_err("format");
    assert_eq!(codes(error), vec![("credit_code".into(), ErrorCode::CreditCodeFormat)]);

    let id = register::register_enterprise(&mut *db.conn().await, &form(&valid)).await.expect("registered");
    let policy = AuthPolicy::default();
    let pending = login::login(&mut *db.conn().await, &policy, "13712345678", "Tongguan#2026ok", "").await;
    assert!(matches!(pending, Err(AppError::Inactive(ref s)) if s == "pending"), "{pending:?}");

    // Staff with the approval permission approve it; a grid worker may not.
    let grid = db.user("grid").await;
    let refused = users::set_status(&mut *db.conn().await, &grid, id, UserStatus::Active).await;
    assert_eq!(refused, Err(AppError::Forbidden));
    let staff = db.user("staff").await;
    users::set_status(&mut *db.conn().await, &staff, id, UserStatus::Active).await.expect("approved");
    login::login(&mut *db.conn().await, &policy, "13712345678", "Tongguan#2026ok", "")
        .await
        .expect("logs in after approval");
    db.finish().await;
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let db = TestDb::new().await;
    let policy = AuthPolicy::default();
    for _ in 1..=4 {
        let result = login::login(&mut *db.conn().await, &policy, "leader", "Wrong#password1", "").await;
        assert_eq!(result.err(), Some(AppError::BadCredentials));
    }
    let locked = login::login(&mut *db.conn().await, &policy, "leader", "Wrong#password1", "").await;
    let Err(AppError::Locked { until }) = locked else { panic!("expected a lockout, got {:?}", locked.err()) };
    let minutes = (until - Utc::now()).num_minutes();
    assert!((14..=15).contains(&minutes), "locked for 15 minutes, got {minutes}");
    // Even the right password is refused while locked.
    let still = login::login(&mut *db.conn().await, &policy, "leader", PASSWORD, "").await;
    assert!(matches!(still, Err(AppError::Locked { .. })));
    // When the lock has run out, the right password works again.
    diesel::update(users_table::table.filter(users_table::username.eq("leader")))
        .set(users_table::locked_until.eq(Some(Utc::now() - Duration::seconds(1))))
        .execute(&mut *db.conn().await)
        .await
        .expect("expire lock");
    login::login(&mut *db.conn().await, &policy, "leader", PASSWORD, "").await.expect("unlocked");
    // An unknown user gets the same answer as a wrong password.
    let unknown = login::login(&mut *db.conn().await, &policy, "nobody", PASSWORD, "").await;
    assert_eq!(unknown.err(), Some(AppError::BadCredentials), "byte for byte the same answer");
    db.finish().await;
}

#[tokio::test]
async fn sessions_expire_when_idle_or_old_and_logout_revokes_them() {
    let db = TestDb::new().await;
    let policy = AuthPolicy::default();
    let login = |db: &TestDb| {
        let policy = policy.clone();
        let pool = db.pool.clone();
        async move {
            let mut conn = pool.get().await.expect("conn");
            login::login(&mut conn, &policy, "staff", PASSWORD, "").await.expect("login").token
        }
    };
    let token = login(&db).await;
    let user = session::authenticate(&mut *db.conn().await, &policy, &token).await.expect("alive");
    assert_eq!(user.username, "staff");

    // Idle for 31 minutes: dead.
    let hash = session::token_hash(&token);
    diesel::update(sessions::table.find(&hash))
        .set(sessions::last_seen_at.eq(Utc::now() - Duration::minutes(31)))
        .execute(&mut *db.conn().await)
        .await
        .expect("age");
    assert_eq!(session::authenticate(&mut *db.conn().await, &policy, &token).await, Err(AppError::Unauthorized));

    // Past the absolute limit: dead however active.
    let token = login(&db).await;
    diesel::update(sessions::table.find(session::token_hash(&token)))
        .set(sessions::expires_at.eq(Utc::now() - Duration::seconds(1)))
        .execute(&mut *db.conn().await)
        .await
        .expect("expire");
    assert_eq!(session::authenticate(&mut *db.conn().await, &policy, &token).await, Err(AppError::Unauthorized));

    // Logout revokes.
    let token = login(&db).await;
    session::revoke(&mut *db.conn().await, &token).await.expect("revoke");
    assert_eq!(session::authenticate(&mut *db.conn().await, &policy, &token).await, Err(AppError::Unauthorized));

    // Disabling the account ends its sessions at once.
    let token = login(&db).await;
    let sysadmin = db.user("sysadmin").await;
    let staff = db.user("staff").await;
    users::set_status(&mut *db.conn().await, &sysadmin, staff.id, UserStatus::Disabled).await.expect("disable");
    assert_eq!(session::authenticate(&mut *db.conn().await, &policy, &token).await, Err(AppError::Unauthorized));
    let relogin = login::login(&mut *db.conn().await, &policy, "staff", PASSWORD, "").await;
    assert!(matches!(relogin, Err(AppError::Inactive(ref s)) if s == "disabled"));
    db.finish().await;
}

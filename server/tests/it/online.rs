//! 在线用户: the security administrator sees the township's live sessions and ends
//! one at once — the user's next request is refused on this process, which keeps sessions
//! until a revocation is announced; the one-session policy ends an account's older sessions at
//! login. Against the real PostgreSQL, through the HTTP router.

use http::StatusCode;
use shared::accounts::service::{AuthPolicy, online};
use shared::error::{AppError, ErrorCode};

use crate::harness::TestDb;
use crate::http::{FORM, get, login, router, send, server_fn_call};

#[tokio::test]
async fn the_security_administrator_sees_live_sessions_and_ends_one_at_once() {
    let db = TestDb::new().await;
    let router = router(&db);
    let staff = login(&router, "staff").await;
    let secadmin = login(&router, "secadmin").await;
    assert_eq!(send(&router, get("/me", Some(&staff))).await.0, StatusCode::OK);

    let admin = db.user("secadmin").await;
    let mut conn = db.conn().await;
    let policy = AuthPolicy::default();
    let own = shared::accounts::service::session::token_hash(secadmin.trim_start_matches("tg_session="));
    let sessions = online::list(&mut conn, &admin, &policy, &own).await.expect("list");
    let staff_session = sessions.iter().find(|s| s.username == "staff").expect("staff is online");
    let mine = sessions.iter().find(|s| s.username == "secadmin").expect("so am I");
    assert!(mine.current && !staff_session.current);
    assert_eq!(staff_session.handle.len(), online::HANDLE_LEN);
    assert!(!staff_session.role_names.is_empty());

    // Others may not look.
    let sysadmin = db.user("sysadmin").await;
    assert!(matches!(online::list(&mut conn, &sysadmin, &policy, "").await, Err(AppError::Forbidden)));
    let auditor = login(&router, "auditor").await;
    let (status, _, _) = send(&router, server_fn_call("/api/admin/online_sessions", Some(&auditor), FORM, "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = send(&router, get("/admin/sessions", Some(&secadmin))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("在线用户") && page.contains(&staff_session.handle), "rendered on the server");

    // Bad handles change nothing.
    for bad in ["", "zz", "ABCDEF0123456789", "0123456789abcdef'--", "0000000000000000"] {
        let refused = online::end(&mut conn, &admin, bad).await;
        assert!(
            matches!(&refused, Err(AppError::Validation(errors)) if errors[0].code == ErrorCode::SessionUnknown),
            "{bad}: {refused:?}"
        );
    }
    assert_eq!(send(&router, get("/me", Some(&staff))).await.0, StatusCode::OK);

    // Ended through the server function, as the page does: refused at once, audited.
    let body = format!("handle={}", staff_session.handle);
    let (status, _, _) = send(&router, server_fn_call("/api/admin/end_session", Some(&secadmin), FORM, body)).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let mut refused = false;
    for _ in 0..50 {
        if send(&router, get("/me", Some(&staff))).await.0 == StatusCode::FOUND {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refused, "the ended session is refused within 5 s");
    let again = online::end(&mut conn, &admin, &staff_session.handle).await;
    assert!(matches!(again, Err(AppError::Validation(_))), "already ended");
    let left = online::list(&mut conn, &admin, &policy, &own).await.expect("list");
    assert!(!left.iter().any(|s| s.username == "staff"));
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use shared::schema::audit_log;
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("session.end"))
        .filter(audit_log::target.eq("staff"))
        .count()
        .get_result(&mut conn)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
    assert_eq!(send(&router, get("/me", Some(&secadmin))).await.0, StatusCode::OK, "the administrator's own stays");
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn with_the_one_session_policy_a_login_ends_the_accounts_older_sessions() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let single = AuthPolicy { single_session: true, ..AuthPolicy::default() };
    let login = async |conn: &mut diesel_async::AsyncPgConnection, policy: &AuthPolicy| {
        shared::accounts::service::login::login(conn, policy, "staff", crate::harness::PASSWORD, "test")
            .await
            .expect("login")
            .token
    };
    let first = login(&mut conn, &AuthPolicy::default()).await;
    let second = login(&mut conn, &AuthPolicy::default()).await;
    let authenticate = shared::accounts::service::session::authenticate;
    assert!(authenticate(&mut conn, &single, &first).await.is_ok(), "without the policy, both live");
    assert!(authenticate(&mut conn, &single, &second).await.is_ok());
    let third = login(&mut conn, &single).await;
    assert!(matches!(authenticate(&mut conn, &single, &first).await, Err(AppError::Unauthorized)));
    assert!(matches!(authenticate(&mut conn, &single, &second).await, Err(AppError::Unauthorized)));
    assert!(authenticate(&mut conn, &single, &third).await.is_ok(), "the new one lives");
    drop(conn);
    db.finish().await;
}

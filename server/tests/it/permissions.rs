//! Permission codes and separation of duties, checked in the services.

use shared::accounts::NewStaff;
use shared::accounts::service::roles::{RoleForm, create_custom};
use shared::accounts::service::users;
use shared::audit::AuditSearch;
use shared::audit::service as audit;
use shared::paging::TableQuery;
use shared::permissions::Permission;
use shared::{AppError, ErrorCode};

use crate::harness::TestDb;

fn staff_form(username: &str, role: &str) -> NewStaff {
    NewStaff {
        username: username.into(),
        display_name: "新同事".into(),
        phone: String::new(),
        password: "Tongguan#2026ok".into(),
        role_code: role.into(),
        village_id: None,
        grid_id: None,
    }
}

#[tokio::test]
async fn the_three_administrators_are_separated() {
    let db = TestDb::new().await;
    let (sysadmin, secadmin, auditor) =
        (db.user("sysadmin").await, db.user("secadmin").await, db.user("auditor").await);
    let query = TableQuery::default();
    let mut conn = db.conn().await;

    // The system administrator manages users but cannot read the audit log or change roles.
    assert_eq!(audit::list(&mut conn, &sysadmin, &AuditSearch::default()).await.err(), Some(AppError::Forbidden));
    assert_eq!(audit::verify(&mut conn, &sysadmin).await.err(), Some(AppError::Forbidden));
    let role = RoleForm {
        code: "river_chief".into(),
        name: "河长".into(),
        description: String::new(),
        permissions: vec![Permission::DashboardView.as_str().into()],
        scope: "village".into(),
    };
    assert_eq!(create_custom(&mut conn, &sysadmin, &role).await.err(), Some(AppError::Forbidden));
    users::create_staff(&mut conn, &sysadmin, &staff_form("newclerk", "town_staff"))
        .await
        .expect("sysadmin creates staff");

    // The security administrator manages roles but not users, and never the audit log.
    create_custom(&mut conn, &secadmin, &role).await.expect("secadmin creates a role");
    assert_eq!(
        users::create_staff(&mut conn, &secadmin, &staff_form("other", "town_staff")).await.err(),
        Some(AppError::Forbidden)
    );
    assert_eq!(audit::list(&mut conn, &secadmin, &AuditSearch::default()).await.err(), Some(AppError::Forbidden));

    // The auditor reads and verifies the audit log, and nothing else.
    let page = audit::list(&mut conn, &auditor, &AuditSearch::default()).await.expect("auditor reads");
    assert!(page.rows.iter().any(|r| r.action == "user.create_staff" && r.target == "newclerk"));
    assert!(page.rows.iter().any(|r| r.action == "role.create" && r.target == "river_chief"));
    assert_eq!(users::list(&mut conn, &auditor, &query).await.err(), Some(AppError::Forbidden));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn nobody_grants_more_than_their_own_scope_and_roles_are_validated() {
    let db = TestDb::new().await;
    let (sysadmin, secadmin) = (db.user("sysadmin").await, db.user("secadmin").await);
    let mut conn = db.conn().await;
    let wide = users::create_staff(&mut conn, &sysadmin, &staff_form("cityboss", "county_leader")).await;
    assert_eq!(wide, Err(AppError::field("role_code", ErrorCode::RoleScopeTooWide)));
    let unknown = users::create_staff(&mut conn, &sysadmin, &staff_form("someone", "no_such_role")).await;
    assert_eq!(unknown, Err(AppError::field("role_code", ErrorCode::RoleUnknown)));
    let bad = RoleForm {
        code: "X".into(),
        name: " ".into(),
        description: String::new(),
        permissions: vec!["launch.missiles".into()],
        scope: "county".into(),
    };
    let Err(AppError::Validation(errors)) = create_custom(&mut conn, &secadmin, &bad).await else {
        panic!("expected validation errors")
    };
    let codes: Vec<ErrorCode> = errors.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        vec![ErrorCode::RoleCodeFormat, ErrorCode::Required, ErrorCode::RolePermissions, ErrorCode::RoleScopeTooWide]
    );
    // Separation of duties: no custom role joins two administrators' duties, and one duty
    // alone (or none) is fine.
    let role = |code: &str, permissions: &[&str]| RoleForm {
        code: code.into(),
        name: "自定义".into(),
        description: String::new(),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        scope: "township".into(),
    };
    for combined in [
        ["audit.view", "users.manage"],
        ["audit.view", "roles.manage"],
        ["sessions.manage", "ops.view"],
        ["interfaces.manage", "roles.manage"],
    ] {
        let refused = create_custom(&mut conn, &secadmin, &role("mixed_duty", &combined)).await;
        assert_eq!(refused, Err(AppError::field("permissions", ErrorCode::RoleDutiesCombined)), "{combined:?}");
    }
    create_custom(&mut conn, &secadmin, &role("audit_reader", &["audit.view", "dashboard.view"]))
        .await
        .expect("one duty with ordinary permissions");
    create_custom(&mut conn, &secadmin, &role("ops_watch", &["ops.view", "users.manage", "events.view"]))
        .await
        .expect("two permissions of one duty");
    drop(conn);
    db.finish().await;
}

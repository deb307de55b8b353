//! The operation records of clause 9.4 (`shared::maintenance`), on the demo township: the
//! system administrator keeps them, the leaders read them, no business role sees them; the
//! demo holds them in every state, faults numbered without gaps; a fault goes through its
//! handling; the records are searched and exported.

use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use http::StatusCode;
use shared::accounts::SessionUser;
use shared::engine::declare::Register;
use shared::engine::{Action, ListQuery, RecordForm, StepOutcome, service};
use shared::maintenance::{DRILLS, FAULTS, INSPECTIONS, MODULE, PLANS};
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;
use crate::http::{get, login, router, send};

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query(sql).get_result(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    n.n
}

/// Records of `table` (a literal of this file) in `state`, the state bound.
async fn in_state(conn: &mut AsyncPgConnection, table: &'static str, state: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let sql = shared::sql::Sql::new("SELECT count(*) AS n FROM reg.")
        .push(table)
        .push(" WHERE state = ")
        .bind(state.to_owned());
    let n: N = sql.query().get_result(conn).await.expect("count");
    n.n
}

fn granted(user: &SessionUser, register: &'static Register) -> Vec<&'static str> {
    Action::of(register).filter(|action| user.may(register, *action)).map(Action::name).collect()
}

#[tokio::test]
async fn the_system_administrator_keeps_the_operation_records_and_no_business_role_sees_them() {
    let db = TestDb::new().await;
    let sysadmin = db.user("sysadmin").await;
    let leader = db.user("leader").await;
    for register in MODULE.registers {
        // Everything but deleting: a fault report or a drill is corrected, not removed.
        let kept: Vec<&str> = Action::of(register).filter(|a| *a != Action::Delete).map(Action::name).collect();
        assert_eq!(granted(&sysadmin, register), kept, "{}", register.key());
        assert_eq!(granted(&leader, register), ["view", "export"], "{}", register.key());
        for name in ["staff", "village", "grid", "handler", "county", "auditor", "secadmin", "13800000001"] {
            assert!(granted(&db.user(name).await, register).is_empty(), "{name} on {}", register.key());
        }
    }
    // Their menu: the records themselves, where the business registers only offer their fields.
    let links = sysadmin.registers.iter().filter(|link| link.module == "maintenance");
    assert_eq!(
        links.map(|link| (link.path(), link.fields_only)).collect::<Vec<_>>(),
        [
            ("/m/maintenance/inspections".to_owned(), false),
            ("/m/maintenance/faults".to_owned(), false),
            ("/m/maintenance/plans".to_owned(), false),
            ("/m/maintenance/drills".to_owned(), false),
        ]
    );
    assert!(sysadmin.registers.iter().filter(|link| link.module != "maintenance").all(|link| link.fields_only));
    // The service refuses as the menu hides.
    let mut conn = db.conn().await;
    let staff = db.user("staff").await;
    assert_eq!(service::list(&mut conn, &staff, &FAULTS, &ListQuery::default()).await, Err(AppError::Forbidden));
    let form = RecordForm { values: [("title".to_owned(), "x".to_owned())].into(), ..RecordForm::default() };
    assert_eq!(service::create(&mut conn, &leader, &PLANS, &form).await, Err(AppError::Forbidden));
    drop(conn);

    // Over HTTP too: the page's data and its export.
    let router = router(&db);
    let cookie = login(&router, "staff").await;
    let (status, _, _) = send(&router, get("/api/engine/maintenance/faults/export.csv", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let cookie = login(&router, "leader").await;
    let (status, _, body) = send(&router, get("/api/engine/maintenance/faults/export.csv", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.lines().next().is_some_and(|header| header.contains("故障简述") && header.contains("故障等级")));
    db.finish().await;
}

#[tokio::test]
async fn the_demo_keeps_a_year_of_operation_records_in_every_state() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    // A plan of each kind 9.4.3 names, each drilled or to be.
    assert_eq!(count(&mut conn, "SELECT count(DISTINCT kind) AS n FROM reg.maintenance_plans").await, 5);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM reg.maintenance_plans p WHERE NOT EXISTS \
             (SELECT 1 FROM reg.maintenance_drills d WHERE d.plan = p.id) AND p.kind <> 'data_loss'",
        )
        .await,
        0
    );
    for state in ["planned", "carried_out", "evaluated"] {
        assert!(in_state(&mut conn, "maintenance_drills", state).await > 0, "a drill {state}");
    }
    // An evaluated drill has its evaluation; a planned one is still to come.
    let sql = "SELECT count(*) AS n FROM reg.maintenance_drills WHERE (state = 'evaluated') <> (result IS NOT NULL)";
    assert_eq!(count(&mut conn, sql).await, 0);
    // Faults in every state, numbered 1, 2, 3 … in each year in the order they were found.
    for state in ["reported", "handling", "resolved", "closed"] {
        assert!(in_state(&mut conn, "maintenance_faults", state).await > 0, "a fault {state}");
    }
    let sql = "SELECT count(*) AS n FROM (SELECT number, format('运维故障〔%s〕%s号', \
               extract(year FROM found_at AT TIME ZONE 'Asia/Shanghai'), row_number() OVER (PARTITION BY \
               extract(year FROM found_at AT TIME ZONE 'Asia/Shanghai') ORDER BY found_at)) AS expected \
               FROM reg.maintenance_faults) f WHERE number IS DISTINCT FROM expected";
    assert_eq!(count(&mut conn, sql).await, 0);
    // A closed fault says what caused it and what put it right; every deadline is set.
    let sql = "SELECT count(*) AS n FROM reg.maintenance_faults WHERE state = 'closed' \
               AND (cause IS NULL OR resolution IS NULL OR resolved_at < found_at)";
    assert_eq!(count(&mut conn, sql).await, 0);
    let sql = "SELECT count(*) AS n FROM reg.maintenance_faults WHERE state <> 'closed' AND state_due IS NULL";
    assert_eq!(count(&mut conn, sql).await, 0);
    // Weekly rounds, and each inspection that reported a fault names one on the same part,
    // found when it was inspected.
    assert!(count(&mut conn, "SELECT count(*) AS n FROM reg.maintenance_inspections").await >= 26 * 4);
    let sql = "SELECT count(*) AS n FROM reg.maintenance_inspections i LEFT JOIN reg.maintenance_faults f \
               ON f.id = i.fault WHERE (i.result = 'fault_reported') <> (f.id IS NOT NULL) \
               OR f.object <> i.object OR f.found_at <> i.inspected_at";
    assert_eq!(count(&mut conn, sql).await, 0);
    assert!(
        count(&mut conn, "SELECT count(*) AS n FROM reg.maintenance_inspections WHERE fault IS NOT NULL").await > 0
    );
    drop(conn);
    db.finish().await;
}

fn moved(to: &str) -> Result<StepOutcome, AppError> {
    Ok(StepOutcome::Moved { to: to.to_owned() })
}

#[tokio::test]
async fn a_fault_is_reported_handled_sent_back_and_closed_and_found_again() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let sysadmin = db.user("sysadmin").await;
    let numbered = count(
        &mut conn,
        "SELECT count(*) AS n FROM reg.maintenance_faults WHERE extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai') \
         = extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')",
    )
    .await;
    let values = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let fault = [
        ("title", "门户网站证书过期"),
        ("object", "application"),
        ("level", "general"),
        ("found_at", "2026-11-30 08:40"),
        ("reporter", &sysadmin.id.to_string()),
        ("description", "浏览器提示证书无效。"),
    ];
    // A level that is not one of the four, and no symptoms: both named, nothing written.
    let mut bad: Vec<(&str, &str)> = fault.to_vec();
    bad[2].1 = "critical";
    bad[5].1 = "";
    let before = count(&mut conn, "SELECT count(*) AS n FROM reg.maintenance_faults").await;
    let refused =
        service::create(&mut conn, &sysadmin, &FAULTS, &RecordForm { values: values(&bad), ..RecordForm::default() })
            .await;
    let Err(AppError::Validation(problems)) = refused else { panic!("refused: {refused:?}") };
    let fields: Vec<&str> = problems.iter().map(|problem: &FieldError| problem.field.as_str()).collect();
    assert_eq!(fields, ["level", "description"]);
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM reg.maintenance_faults").await, before);

    let id =
        service::create(&mut conn, &sysadmin, &FAULTS, &RecordForm { values: values(&fault), ..RecordForm::default() })
            .await
            .expect("reported");
    let record = service::get(&mut conn, &sysadmin, &FAULTS, id).await.expect("read");
    let year = shared::time::today().format("%Y");
    assert_eq!(record.number, Some(format!("运维故障〔{year}〕{}号", numbered + 1)));
    assert_eq!(record.state.as_deref(), Some("reported"));
    assert!(record.state_due.is_some(), "to be taken on within a working day");

    assert_eq!(service::step(&mut conn, &sysadmin, &FAULTS, id, 1, "accept", None).await, moved("handling"));
    assert_eq!(service::step(&mut conn, &sysadmin, &FAULTS, id, 2, "resolve", None).await, moved("resolved"));
    // Sending it back needs a reason.
    assert_eq!(
        service::step(&mut conn, &sysadmin, &FAULTS, id, 3, "reopen", None).await,
        Err(AppError::Validation(vec![FieldError::new("reason", ErrorCode::RecordReasonRequired)]))
    );
    assert_eq!(
        service::step(&mut conn, &sysadmin, &FAULTS, id, 3, "reopen", Some("备用证书也将过期")).await,
        moved("handling")
    );
    assert_eq!(service::step(&mut conn, &sysadmin, &FAULTS, id, 4, "resolve", None).await, moved("resolved"));
    // The leader reads but does not close it.
    let leader = db.user("leader").await;
    assert_eq!(service::step(&mut conn, &leader, &FAULTS, id, 5, "close", None).await, Err(AppError::Forbidden));
    assert_eq!(service::step(&mut conn, &sysadmin, &FAULTS, id, 5, "close", None).await, moved("closed"));

    // Searched by its title, found by the leader too; the inspections filter by result.
    let query = ListQuery { q: "门户网站".to_owned(), ..ListQuery::default() };
    let page = service::list(&mut conn, &leader, &FAULTS, &query).await.expect("searched");
    assert_eq!(page.rows.iter().map(|row| row.id).collect::<Vec<_>>(), [id]);
    assert_eq!(page.rows[0].state.as_deref(), Some("closed"));
    let query =
        ListQuery { filters: [("result".to_owned(), "fault_reported".to_owned())].into(), ..ListQuery::default() };
    let page = service::list(&mut conn, &leader, &INSPECTIONS, &query).await.expect("filtered");
    let reported =
        count(&mut conn, "SELECT count(*) AS n FROM reg.maintenance_inspections WHERE result = 'fault_reported'").await;
    assert!(reported > 0);
    assert_eq!(page.rows.len() as i64, reported);
    // A drill names a plan that exists.
    let drill = [
        ("plan", "999999"),
        ("title", "证书过期处置演练"),
        ("drilled_on", "2026-12-20"),
        ("form", "tabletop"),
        ("scope", "single"),
        ("scenario", "证书过期"),
    ];
    let refused =
        service::create(&mut conn, &sysadmin, &DRILLS, &RecordForm { values: values(&drill), ..RecordForm::default() })
            .await;
    assert!(
        matches!(&refused, Err(AppError::Validation(problems)) if problems.iter().any(|p| p.field == "plan")),
        "{refused:?}"
    );
    drop(conn);
    db.finish().await;
}

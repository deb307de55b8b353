//! Workflow steps of the module engine (`shared::engine::service::step`) on a register with a
//! workflow declared only here: refusals that change nothing, 会签 / 或签 / N of M approvals
//! by the users of an approvers field, approvals that lapse when a record is sent back, the
//! number given on entering a state, the history's `step` versions, and the states'
//! deadlines and "my tasks" (`service::pending_in`).

use diesel::sql_types::{Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shared::accounts::SessionUser;
use shared::engine::declare::fields::*;
use shared::engine::declare::{Approval, NamingSeries, Place, Register, State, Transition, Workflow};
use shared::engine::record::Operation;
use shared::engine::service;
use shared::engine::{Action, RecordForm, StepOutcome};
use shared::permissions::DataScope;
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;

/// A document: drafted, reviewed (every signer signs: 会签), checked (any signer: 或签),
/// filed (two of the signers), numbered when signed.
static FLOW: Workflow = Workflow {
    initial: "draft",
    states: &[
        State::new("draft"),
        State::new("review").within(2),
        State::new("signed"),
        State::new("checked"),
        State::new("filed").terminal(),
    ],
    transitions: &[
        Transition::new("submit", &["draft"], "review"),
        Transition::new("scan", &["draft"], "review").with_attachment(),
        Transition::new("send_back", &["review", "signed"], "draft").with_reason(),
        Transition::new("sign", &["review"], "signed").approval(Approval::All { approvers: "signers" }),
        Transition::new("check", &["signed"], "checked").approval(Approval::Any { approvers: "signers" }),
        Transition::new("file", &["checked"], "filed").approval(Approval::Quorum { approvers: "signers", needed: 2 }),
    ],
};

static DOCS: Register = Register {
    fields: &[text("title", 40).required(), users("signers"), files("scans")],
    list: &["title"],
    place: Place::Township,
    naming: Some(NamingSeries { prefix: "文", suffix: "号", on_state: Some("signed") }),
    workflow: Some(&FLOW),
    ..Register::new("test", "docs", "test_docs")
};

async fn create_table(conn: &mut AsyncPgConnection) {
    for statement in shared::engine::ddl::create_register(&DOCS) {
        diesel::sql_query(statement).execute(conn).await.expect("create the register's table");
    }
}

/// A township-wide user with every action and step of the register.
fn clerk(mut user: SessionUser) -> SessionUser {
    user.scope = DataScope::Township;
    user.village_id = None;
    user.grid_id = None;
    user.records = Action::of(&DOCS).map(|action| action.code(&DOCS)).collect();
    user
}

/// The clerk `staff` and three other active users of the same township (the signers).
async fn people(db: &TestDb) -> (SessionUser, [SessionUser; 3]) {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        username: String,
    }
    let staff = clerk(db.user("staff").await);
    let mut conn = db.conn().await;
    let names: Vec<Name> = diesel::sql_query(
        "SELECT username FROM users WHERE status = 'active' AND township_id = $1 AND username <> 'staff' ORDER BY id LIMIT 3",
    )
    .bind::<Integer, _>(staff.township_id)
    .load(&mut conn)
    .await
    .expect("signers");
    assert_eq!(names.len(), 3, "three other users in the township");
    let mut signers = Vec::new();
    for name in names {
        let mut signer = clerk(db.user(&name.username).await);
        signer.township_id = staff.township_id;
        signers.push(signer);
    }
    (staff, signers.try_into().expect("three"))
}

async fn new_doc(conn: &mut AsyncPgConnection, user: &SessionUser, signers: &[&SessionUser], scans: &str) -> i64 {
    let signers = signers.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(",");
    let form = RecordForm {
        values: [("title", "关于秋收的通知"), ("signers", signers.as_str()), ("scans", scans)]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..RecordForm::default()
    };
    service::create(conn, user, &DOCS, &form).await.expect("create")
}

/// The record's state, version and number.
async fn at(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> (String, i32, Option<String>) {
    let record = service::get(conn, user, &DOCS, id).await.expect("get");
    (record.state.expect("a state"), record.version, record.number)
}

fn approved(approvals: u32, needed: u32) -> Result<StepOutcome, AppError> {
    Ok(StepOutcome::Approved { approvals, needed })
}

fn moved(to: &str) -> Result<StepOutcome, AppError> {
    Ok(StepOutcome::Moved { to: to.to_owned() })
}

fn field(field: &str, code: ErrorCode) -> Result<StepOutcome, AppError> {
    Err(AppError::Validation(vec![FieldError::new(field, code)]))
}

#[tokio::test]
async fn a_step_that_is_not_allowed_now_changes_nothing() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (staff, [a, b, _]) = people(&db).await;
    let id = new_doc(&mut conn, &staff, &[&a, &b], "").await;
    assert_eq!(at(&mut conn, &staff, id).await, ("draft".into(), 1, None));

    // Not a transition of the workflow.
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, id, 1, "publish", None).await,
        field("transition", ErrorCode::RecordIllegalTransition)
    );
    // Not from this state.
    assert_eq!(
        service::step(&mut conn, &a, &DOCS, id, 1, "sign", None).await,
        Err(AppError::Conflict(ErrorCode::RecordIllegalTransition))
    );
    // A version the record no longer has.
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, id, 2, "submit", None).await,
        Err(AppError::Conflict(ErrorCode::RecordStale))
    );
    // Without the step's permission (but every other one).
    let mut no_submit = staff.clone();
    no_submit.records.remove(&Action::Step("submit").code(&DOCS));
    assert_eq!(service::step(&mut conn, &no_submit, &DOCS, id, 1, "submit", None).await, Err(AppError::Forbidden));
    // A record that does not exist.
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id + 1000, 1, "submit", None).await, Err(AppError::NotFound));
    // A step that needs an attachment, on a record without one.
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, id, 1, "scan", None).await,
        field("attachments", ErrorCode::RecordAttachmentRequired)
    );
    assert_eq!(at(&mut conn, &staff, id).await, ("draft".into(), 1, None));

    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 1, "submit", None).await, moved("review"));
    assert_eq!(at(&mut conn, &staff, id).await, ("review".into(), 2, None));
    // A send-back needs a reason, not blanks, and not a novel.
    for reason in [None, Some("   ")] {
        assert_eq!(
            service::step(&mut conn, &staff, &DOCS, id, 2, "send_back", reason).await,
            field("reason", ErrorCode::RecordReasonRequired)
        );
    }
    let novel = "长".repeat(501);
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, id, 2, "send_back", Some(&novel)).await,
        field("reason", ErrorCode::TooLong)
    );
    // Someone not named among the signers cannot sign.
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, id, 2, "sign", None).await,
        Err(AppError::Conflict(ErrorCode::RecordNotAnApprover))
    );
    assert_eq!(at(&mut conn, &staff, id).await, ("review".into(), 2, None));
    let approvals: i64 = count_approvals(&mut conn).await;
    assert_eq!(approvals, 0);

    // With a scan, the scanning step is allowed.
    let scanned = new_doc(&mut conn, &staff, &[&a], "7").await;
    assert_eq!(service::step(&mut conn, &staff, &DOCS, scanned, 1, "scan", None).await, moved("review"));
    drop(conn);
    db.finish().await;
}

async fn count_approvals(conn: &mut AsyncPgConnection) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query("SELECT count(*) AS n FROM record_approvals").get_result(conn).await.expect("count");
    n.n
}

#[tokio::test]
async fn approvals_move_the_record_when_enough_are_in_and_number_it() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (staff, [a, b, c]) = people(&db).await;
    let year = shared::time::today().format("%Y").to_string();
    let id = new_doc(&mut conn, &staff, &[&a, &b, &c], "").await;
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 1, "submit", None).await, moved("review"));

    // 会签: every signer; approving twice counts once; approving changes no version.
    assert_eq!(service::step(&mut conn, &a, &DOCS, id, 2, "sign", None).await, approved(1, 3));
    assert_eq!(service::step(&mut conn, &a, &DOCS, id, 2, "sign", Some("同意")).await, approved(1, 3));
    assert_eq!(service::step(&mut conn, &b, &DOCS, id, 2, "sign", None).await, approved(2, 3));
    assert_eq!(at(&mut conn, &staff, id).await, ("review".into(), 2, None));
    assert_eq!(count_approvals(&mut conn).await, 2);
    assert_eq!(service::step(&mut conn, &c, &DOCS, id, 2, "sign", None).await, moved("signed"));
    // Numbered on entering `signed`.
    assert_eq!(at(&mut conn, &staff, id).await, ("signed".into(), 3, Some(format!("文〔{year}〕1号"))));

    // 或签: the first signer.
    assert_eq!(service::step(&mut conn, &b, &DOCS, id, 3, "check", None).await, moved("checked"));
    // Two of three.
    assert_eq!(service::step(&mut conn, &c, &DOCS, id, 4, "file", None).await, approved(1, 2));
    assert_eq!(service::step(&mut conn, &a, &DOCS, id, 4, "file", None).await, moved("filed"));
    assert_eq!(at(&mut conn, &staff, id).await, ("filed".into(), 5, Some(format!("文〔{year}〕1号"))));
    // A terminal state: nothing leaves it.
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, id, 5, "send_back", Some("重办")).await,
        Err(AppError::Conflict(ErrorCode::RecordIllegalTransition))
    );

    // The next record signed gets the next number, none skipped.
    let second = new_doc(&mut conn, &staff, &[&b], "").await;
    assert_eq!(at(&mut conn, &staff, second).await.2, None);
    assert_eq!(service::step(&mut conn, &staff, &DOCS, second, 1, "submit", None).await, moved("review"));
    assert_eq!(service::step(&mut conn, &b, &DOCS, second, 2, "sign", None).await, moved("signed"));
    assert_eq!(at(&mut conn, &staff, second).await.2, Some(format!("文〔{year}〕2号")));

    // The history: each move a `step` version by the one who took it.
    let history = service::history(&mut conn, &staff, &DOCS, id).await.expect("history");
    let steps: Vec<(i32, Operation, String)> =
        history.iter().map(|v| (v.version, v.operation, v.actor.clone())).collect();
    assert_eq!(
        steps,
        vec![
            (5, Operation::Step, a.display_name.clone()),
            (4, Operation::Step, b.display_name.clone()),
            (3, Operation::Step, c.display_name.clone()),
            (2, Operation::Step, staff.display_name.clone()),
            (1, Operation::Create, staff.display_name.clone()),
        ]
    );
    assert!(history[2].changed.contains(&"state".to_owned()));
    assert!(history[2].changed.contains(&"number".to_owned()));
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn a_record_sent_back_and_resubmitted_needs_its_approvals_anew() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (staff, [a, b, c]) = people(&db).await;
    let id = new_doc(&mut conn, &staff, &[&a, &b, &c], "").await;
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 1, "submit", None).await, moved("review"));
    assert_eq!(service::step(&mut conn, &a, &DOCS, id, 2, "sign", None).await, approved(1, 3));
    assert_eq!(service::step(&mut conn, &b, &DOCS, id, 2, "sign", None).await, approved(2, 3));
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 2, "send_back", Some("附件不全")).await, moved("draft"));
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 3, "submit", None).await, moved("review"));
    // The earlier two approvals were of the record before it went back.
    assert_eq!(service::step(&mut conn, &c, &DOCS, id, 4, "sign", None).await, approved(1, 3));
    assert_eq!(service::step(&mut conn, &a, &DOCS, id, 4, "sign", None).await, approved(2, 3));
    assert_eq!(service::step(&mut conn, &b, &DOCS, id, 4, "sign", None).await, moved("signed"));
    assert_eq!(at(&mut conn, &staff, id).await.0, "signed");
    drop(conn);
    db.finish().await;
}

/// The register records waiting for `user`, as (id, steps, approval asked).
async fn waiting(conn: &mut AsyncPgConnection, user: &SessionUser) -> Vec<(i64, Vec<String>, bool)> {
    let pending =
        service::pending_in(conn, user, std::iter::once(&DOCS), &|key: &str| key.to_owned()).await.expect("pending");
    pending.rows.into_iter().map(|row| (row.id, row.steps, row.approval)).collect()
}

#[tokio::test]
async fn my_tasks_hold_my_drafts_and_the_approvals_asked_of_me_with_their_deadlines() {
    use chrono::Utc;
    use shared::events::DeadlineStatus;
    use shared::events::calendar::MINUTES_PER_DAY;
    use shared::events::service::work_calendar;

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (staff, [a, b, c]) = people(&db).await;
    let id = new_doc(&mut conn, &staff, &[&a, &b], "").await;
    let step = |name: &str| format!("reg.test.docs.step.{name}");

    // A draft waits for the person responsible for it only, though c may submit drafts too;
    // the draft's state has no deadline.
    assert_eq!(waiting(&mut conn, &staff).await, [(id, vec![step("submit"), step("scan")], false)]);
    assert_eq!(waiting(&mut conn, &c).await, []);
    let draft = service::get(&mut conn, &staff, &DOCS, id).await.expect("get");
    assert_eq!((draft.state_due, draft.deadline), (None, None));

    // In review: due two working days (of the stored calendar) after entering it.
    let before = Utc::now();
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 1, "submit", None).await, moved("review"));
    let review = service::get(&mut conn, &staff, &DOCS, id).await.expect("get");
    let calendar = work_calendar::load(&mut conn).await.expect("calendar");
    let due = review.state_due.expect("review has a deadline");
    assert!(due >= calendar.add_working_minutes(before, 2 * MINUTES_PER_DAY));
    assert!(due <= calendar.add_working_minutes(Utc::now(), 2 * MINUTES_PER_DAY));
    assert_eq!(review.deadline, Some(DeadlineStatus::OnTrack));

    // The signers named are asked for their approval; c, not named, is not. The clerk may
    // send it back, so it waits for them too, without an approval.
    assert_eq!(waiting(&mut conn, &a).await, [(id, vec![step("send_back"), step("sign")], true)]);
    assert_eq!(waiting(&mut conn, &b).await, [(id, vec![step("send_back"), step("sign")], true)]);
    assert!(waiting(&mut conn, &c).await.iter().all(|(_, _, approval)| !approval));
    let mut clerk_only = staff.clone();
    clerk_only.records.remove(&Action::Step("sign").code(&DOCS));
    assert_eq!(waiting(&mut conn, &clerk_only).await, [(id, vec![step("send_back")], false)]);

    // Once a has approved, the record no longer waits for a's approval, still for b's.
    assert_eq!(service::step(&mut conn, &a, &DOCS, id, 2, "sign", None).await, approved(1, 2));
    assert!(waiting(&mut conn, &a).await.iter().all(|(_, _, approval)| !approval));
    assert_eq!(waiting(&mut conn, &b).await, [(id, vec![step("send_back"), step("sign")], true)]);

    // Past its deadline the record is overdue, on its page and in my tasks.
    diesel::sql_query("UPDATE reg.test_docs SET state_due = now() - interval '1 hour'")
        .execute(&mut conn)
        .await
        .expect("age the deadline");
    let late = service::get(&mut conn, &staff, &DOCS, id).await.expect("get");
    assert_eq!(late.deadline, Some(DeadlineStatus::Overdue));
    let pending =
        service::pending_in(&mut conn, &b, std::iter::once(&DOCS), &|key: &str| key.to_owned()).await.expect("pending");
    assert_eq!(pending.rows[0].deadline, Some(DeadlineStatus::Overdue));
    assert_eq!(pending.rows[0].state, "reg.test.docs.state.review");

    // The deadline is bookkeeping: the step's version records the state as its change.
    let history = service::history(&mut conn, &staff, &DOCS, id).await.expect("history");
    let submitted = history.iter().find(|version| version.version == 2).expect("version 2");
    assert_eq!(submitted.changed, ["state"]);
    drop(conn);
    db.finish().await;
}

/// The delegations of `db`, as (delegator, delegate, revoked).
async fn delegations(conn: &mut AsyncPgConnection) -> Vec<(i64, i64, bool)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        delegator_id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        delegate_id: i64,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        revoked: bool,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT delegator_id, delegate_id, revoked_at IS NOT NULL AS revoked FROM approval_delegations ORDER BY id",
    )
    .load(conn)
    .await
    .expect("delegations");
    rows.into_iter().map(|row| (row.delegator_id, row.delegate_id, row.revoked)).collect()
}

fn away(delegate: &SessionUser, from_day: i64, to_day: i64) -> shared::engine::delegation::DelegationForm {
    let day = |offset: i64| (shared::time::today() + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();
    shared::engine::delegation::DelegationForm {
        delegate: delegate.id.to_string(),
        starts_on: day(from_day),
        ends_on: day(to_day),
        reason: "到县里参加培训".to_owned(),
    }
}

#[tokio::test]
async fn a_colleague_approves_for_an_approver_away_while_the_delegation_runs() {
    use service::delegation;

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    create_table(&mut conn).await;
    let (staff, [a, b, c]) = people(&db).await;
    // The signers' roles may sign (so they are told); the clerk's may too.
    diesel::sql_query(
        "UPDATE roles SET permissions = permissions || $1 WHERE id IN (SELECT role_id FROM user_roles WHERE user_id = ANY ($2))",
    )
    .bind::<diesel::sql_types::Array<Text>, _>(vec![Action::Step("sign").code(&DOCS)])
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(vec![staff.id, a.id, b.id, c.id])
    .execute(&mut conn)
    .await
    .expect("grant the step");
    let id = new_doc(&mut conn, &c, &[&a, &b], "").await;
    assert_eq!(service::step(&mut conn, &c, &DOCS, id, 1, "submit", None).await, moved("review"));

    // Not named and standing for nobody, the clerk may not sign.
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, id, 2, "sign", None).await,
        Err(AppError::Conflict(ErrorCode::RecordNotAnApprover))
    );

    // Delegations that cannot be: nothing is written.
    let refused = |result: Result<i64, AppError>, field: &str, code: ErrorCode| {
        assert_eq!(result, Err(AppError::Validation(vec![FieldError::new(field, code)])), "{field}");
    };
    refused(
        delegation::delegate(&mut conn, &a, &away(&a, 0, 2)).await,
        "delegate",
        ErrorCode::DelegationDelegateUnknown,
    );
    refused(
        delegation::delegate(&mut conn, &a, &away(&staff, -1, 2)).await,
        "starts_on",
        ErrorCode::DelegationStartPast,
    );
    refused(delegation::delegate(&mut conn, &a, &away(&staff, 3, 2)).await, "ends_on", ErrorCode::DelegationOrder);
    let mut stranger = staff.clone();
    stranger.id = i64::MAX;
    refused(
        delegation::delegate(&mut conn, &a, &away(&stranger, 0, 1)).await,
        "delegate",
        ErrorCode::DelegationDelegateUnknown,
    );
    assert_eq!(delegations(&mut conn).await, []);

    // a is away today and the next two days; the clerk approves for a.
    let given = delegation::delegate(&mut conn, &a, &away(&staff, 0, 2)).await.expect("delegated");
    refused(delegation::delegate(&mut conn, &a, &away(&c, 2, 4)).await, "starts_on", ErrorCode::DelegationOverlap);
    assert_eq!(delegations(&mut conn).await, [(a.id, staff.id, false)]);
    let seen = delegation::delegations(&mut conn, &staff).await.expect("the clerk's delegations");
    assert_eq!(
        seen.received.iter().map(|d| (d.id, d.delegator.clone())).collect::<Vec<_>>(),
        [(given, a.display_name.clone())]
    );
    assert!(seen.given.is_empty());

    // In the clerk's tasks, for a.
    let pending = service::pending_in(&mut conn, &staff, std::iter::once(&DOCS), &|key: &str| key.to_owned())
        .await
        .expect("pending");
    let row = pending.rows.iter().find(|row| row.id == id).expect("the record waits for the clerk");
    assert!(row.approval);
    assert_eq!(row.on_behalf, std::slice::from_ref(&a.display_name));

    // The clerk's approval counts as a's, noting who gave it; again changes nothing.
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 2, "sign", None).await, approved(1, 2));
    assert_eq!(service::step(&mut conn, &staff, &DOCS, id, 2, "sign", None).await, approved(1, 2));
    let record = service::get(&mut conn, &staff, &DOCS, id).await.expect("get");
    assert_eq!(record.approvals.len(), 1);
    assert_eq!(record.approvals[0].approver, a.display_name);
    assert_eq!(record.approvals[0].acted_by.as_deref(), Some(staff.display_name.as_str()));
    // It waits for neither a nor the clerk now; still for b.
    assert!(waiting(&mut conn, &a).await.iter().all(|(_, _, approval)| !approval));
    assert!(waiting(&mut conn, &staff).await.iter().all(|(_, _, approval)| !approval));
    assert!(waiting(&mut conn, &b).await.iter().any(|(_, _, approval)| *approval));
    assert_eq!(service::step(&mut conn, &b, &DOCS, id, 2, "sign", None).await, moved("signed"));

    // A record entering review while a is away tells a and the clerk (and b).
    let second = new_doc(&mut conn, &c, &[&a, &b], "").await;
    assert_eq!(service::step(&mut conn, &c, &DOCS, second, 1, "submit", None).await, moved("review"));
    #[derive(diesel::QueryableByName)]
    struct Told {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        user_id: i64,
    }
    let told: Vec<Told> = diesel::sql_query("SELECT user_id FROM notifications WHERE link = $1 ORDER BY user_id")
        .bind::<Text, _>(format!("/m/test/docs/{second}"))
        .load(&mut conn)
        .await
        .expect("notices");
    let mut expected = vec![a.id, b.id, staff.id];
    expected.sort_unstable();
    assert_eq!(told.iter().map(|told| told.user_id).collect::<Vec<_>>(), expected);

    // Ended early by a, it stops at once: the clerk may not sign, nor sees it as a task.
    assert_eq!(delegation::revoke(&mut conn, &staff, given).await, Err(AppError::NotFound), "only a ends it");
    delegation::revoke(&mut conn, &a, given).await.expect("ended");
    assert_eq!(delegation::revoke(&mut conn, &a, given).await, Err(AppError::Conflict(ErrorCode::DelegationOver)));
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, second, 2, "sign", None).await,
        Err(AppError::Conflict(ErrorCode::RecordNotAnApprover))
    );
    assert!(waiting(&mut conn, &staff).await.iter().all(|(_, _, approval)| !approval));

    // One that starts tomorrow does not count today.
    delegation::delegate(&mut conn, &a, &away(&staff, 1, 3)).await.expect("delegated from tomorrow");
    assert_eq!(
        service::step(&mut conn, &staff, &DOCS, second, 2, "sign", None).await,
        Err(AppError::Conflict(ErrorCode::RecordNotAnApprover))
    );
    assert_eq!(delegations(&mut conn).await, [(a.id, staff.id, true), (a.id, staff.id, false)]);
    drop(conn);
    db.finish().await;
}

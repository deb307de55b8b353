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

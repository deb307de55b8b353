//! Approval notices (`service::notice`): a record entering a state that a 会签 / 或签 step
//! leaves tells each approver named on it — not the one who put it there — with a
//! notification opening the record, in the reader's language; a step of one person tells
//! nobody.

use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use shared::engine::service;
use shared::engine::service::notice::{APPROVAL_KIND, parse};
use shared::engine::{RecordForm, StepOutcome};

use crate::harness::TestDb;

#[derive(diesel::QueryableByName)]
struct Notice {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Text)]
    message: String,
}

async fn notices(conn: &mut diesel_async::AsyncPgConnection, link: &str) -> Vec<Notice> {
    diesel::sql_query("SELECT user_id, message FROM notifications WHERE kind = $1 AND link = $2 ORDER BY user_id")
        .bind::<Text, _>(APPROVAL_KIND)
        .bind::<Text, _>(link)
        .load(conn)
        .await
        .expect("notices")
}

#[tokio::test]
async fn the_approvers_named_on_a_record_are_told_it_waits_for_them() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let staff = db.user("staff").await;
    // A grid worker may be named but may not approve requisitions: the step would refuse
    // them, so they are not told.
    let grid = db.user("grid").await;
    let requisitions = shared::modules::register("office", "requisitions").expect("declared");
    let supply: i64 = {
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        let row: Id = diesel::sql_query("SELECT id FROM reg.office_supplies ORDER BY id LIMIT 1")
            .get_result(&mut conn)
            .await
            .expect("a supply");
        row.id
    };
    let form = RecordForm {
        values: [
            ("supply", supply.to_string()),
            ("quantity", "1".to_owned()),
            ("department", "党政办".to_owned()),
            ("applied_on", "2026-11-22".to_owned()),
            ("approvers", format!("{},{},{}", leader.id, staff.id, grid.id)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
        ..RecordForm::default()
    };
    let id = service::create(&mut conn, &staff, requisitions, &form).await.expect("a requisition");
    let link = format!("/m/office/requisitions/{id}");

    assert!(!grid.may(requisitions, shared::engine::Action::Step("approve")), "the grid worker may not approve");
    // The other approver is told; the one who applied (also named) is not, nor the one
    // whose role may not approve.
    let told = notices(&mut conn, &link).await;
    assert_eq!(told.iter().map(|n| n.user_id).collect::<Vec<_>>(), vec![leader.id]);
    assert!(told[0].message.starts_with("office.requisitions|approve|"), "{}", told[0].message);
    let (register, step, name) = parse(&told[0].message).expect("an approval notice");
    assert_eq!((register.key(), step, name), ("office.requisitions".to_owned(), "approve", "党政办"));
    assert_eq!(parse("3|dispatch|dispatched").map(|(r, _, _)| r.key()), None, "an event's message is not one");

    // The approver finds it among their notifications, opening the record.
    let theirs = shared::events::service::queries::notifications(&mut conn, &leader).await.expect("notifications");
    let notice = theirs.iter().find(|n| n.kind == APPROVAL_KIND).expect("the notice");
    assert_eq!((notice.link.as_deref(), notice.event_id, notice.read), (Some(link.as_str()), None, false));

    // As its deadline nears, then passes, the approvers who may approve are reminded, once
    // each per stay in the state.
    let reminders = async |conn: &mut diesel_async::AsyncPgConnection, kind: &str| -> Vec<i64> {
        diesel::sql_query("SELECT user_id, message FROM notifications WHERE kind = $1 AND link = $2 ORDER BY user_id")
            .bind::<Text, _>(kind)
            .bind::<Text, _>(&link)
            .load::<Notice>(conn)
            .await
            .expect("reminders")
            .into_iter()
            .map(|notice| notice.user_id)
            .collect()
    };
    let now = chrono::Utc::now();
    service::notice::remind(&mut conn, now).await.expect("remind");
    assert!(reminders(&mut conn, service::notice::DUE_SOON_KIND).await.is_empty(), "two working days ahead");
    diesel::sql_query(
        "UPDATE reg.office_requisitions SET state_since = now() - interval '3 days', state_due = now() + interval '1 hour' WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .execute(&mut conn)
    .await
    .expect("three quarters gone");
    for _ in 0..2 {
        service::notice::remind(&mut conn, chrono::Utc::now()).await.expect("remind");
    }
    let due_soon = reminders(&mut conn, service::notice::DUE_SOON_KIND).await;
    assert!(due_soon.contains(&leader.id) && !due_soon.contains(&grid.id), "{due_soon:?}");
    assert_eq!(due_soon.iter().filter(|user| **user == leader.id).count(), 1, "once");
    assert!(reminders(&mut conn, service::notice::OVERDUE_KIND).await.is_empty());
    diesel::sql_query("UPDATE reg.office_requisitions SET state_due = now() - interval '1 minute' WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(&mut conn)
        .await
        .expect("overdue");
    for _ in 0..2 {
        service::notice::remind(&mut conn, chrono::Utc::now()).await.expect("remind");
    }
    let overdue = reminders(&mut conn, service::notice::OVERDUE_KIND).await;
    assert_eq!(overdue.iter().filter(|user| **user == leader.id).count(), 1, "{overdue:?}");
    assert!(!overdue.contains(&grid.id));
    let (_, _, name) = parse(&told[0].message).expect("the same message shape");
    assert_eq!(name, "党政办");

    // Approved, the requisition waits for one person's step: nobody more is told.
    let outcome = service::step(&mut conn, &leader, requisitions, id, 1, "approve", None).await;
    assert_eq!(outcome, Ok(StepOutcome::Moved { to: "approved".into() }));
    assert_eq!(notices(&mut conn, &link).await.len(), 1);
    // Nor reminded: the record has left the state.
    service::notice::remind(&mut conn, chrono::Utc::now()).await.expect("remind");
    assert_eq!(
        reminders(&mut conn, service::notice::OVERDUE_KIND).await.iter().filter(|u| **u == leader.id).count(),
        1
    );
    drop(conn);
    db.finish().await;
}

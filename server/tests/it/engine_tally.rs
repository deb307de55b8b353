//! Running totals (`Tally`) on the demo township's supplies: concurrent stock-outs never take
//! the stock below zero — exactly as many succeed as the stock allows, the others write
//! nothing; an issued requisition takes its quantity out, one larger than the stock is
//! refused and stays approved; a record that moved the stock is a ledger entry (not deleted,
//! its quantity not changed, its note may be).

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use shared::accounts::SessionUser;
use shared::engine::service;
use shared::engine::{RecordForm, Register, StepOutcome};
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;

fn register(name: &str) -> &'static Register {
    shared::modules::register("office", name).expect("declared")
}

fn form(values: &[(&str, String)]) -> RecordForm {
    RecordForm { values: values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(), ..RecordForm::default() }
}

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn stock(db: &TestDb, supply: i64) -> i64 {
    let mut conn = db.conn().await;
    diesel::sql_query("SELECT stock AS n FROM reg.office_supplies WHERE id = $1")
        .bind::<BigInt, _>(supply)
        .get_result::<N>(&mut conn)
        .await
        .expect("stock")
        .n
}

async fn movements(db: &TestDb, supply: i64, note: &str) -> i64 {
    let mut conn = db.conn().await;
    diesel::sql_query("SELECT count(*) AS n FROM reg.office_stock_movements WHERE supply = $1 AND note = $2")
        .bind::<BigInt, _>(supply)
        .bind::<diesel::sql_types::Text, _>(note)
        .get_result::<N>(&mut conn)
        .await
        .expect("count")
        .n
}

fn stock_out(supply: i64, quantity: i64, note: &str) -> RecordForm {
    form(&[
        ("supply", supply.to_string()),
        ("kind", "stock_out".into()),
        ("quantity", quantity.to_string()),
        ("moved_on", "2026-11-20".into()),
        ("note", note.into()),
    ])
}

#[tokio::test]
async fn stock_never_goes_below_zero_and_its_entries_stay() {
    let db = TestDb::new().await;
    let leader: SessionUser = db.user("leader").await;
    let supply: i64 = {
        let mut conn = db.conn().await;
        let row: N =
            diesel::sql_query("SELECT id AS n FROM reg.office_supplies WHERE deleted_at IS NULL ORDER BY id LIMIT 1")
                .get_result(&mut conn)
                .await
                .expect("a supply");
        diesel::sql_query("UPDATE reg.office_supplies SET stock = 20 WHERE id = $1")
            .bind::<BigInt, _>(row.n)
            .execute(&mut conn)
            .await
            .expect("stock 20");
        row.n
    };

    // Ten clerks take 3 each at once from 20: six succeed, four are refused, 2 remain.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (pool, leader) = (db.pool.clone(), leader.clone());
            tokio::spawn(async move {
                let mut conn = pool.get().await.expect("connection");
                service::create(&mut conn, &leader, register("stock_movements"), &stock_out(supply, 3, "并发领用"))
                    .await
            })
        })
        .collect();
    let mut done = 0;
    for task in tasks {
        match task.await.expect("joined") {
            Ok(_) => done += 1,
            Err(error) => {
                assert_eq!(error, AppError::Validation(vec![FieldError::new("quantity", ErrorCode::TallyInsufficient)]))
            }
        }
    }
    assert_eq!(done, 6);
    assert_eq!(stock(&db, supply).await, 2);
    assert_eq!(movements(&db, supply, "并发领用").await, 6, "a refused stock-out wrote nothing");

    // A delivery adds to it.
    let mut conn = db.conn().await;
    let delivery = form(&[
        ("supply", supply.to_string()),
        ("kind", "stock_in".into()),
        ("quantity", "10".into()),
        ("moved_on", "2026-11-21".into()),
    ]);
    let delivered = service::create(&mut conn, &leader, register("stock_movements"), &delivery).await.expect("in");
    assert_eq!(stock(&db, supply).await, 12);

    // A requisition issued takes its quantity out; one larger than the stock is refused.
    let requisition = |quantity: i64| {
        form(&[
            ("supply", supply.to_string()),
            ("quantity", quantity.to_string()),
            ("department", "党政办".into()),
            ("applied_on", "2026-11-22".into()),
            ("approvers", leader.id.to_string()),
        ])
    };
    let requisitions = register("requisitions");
    let small = service::create(&mut conn, &leader, requisitions, &requisition(5)).await.expect("requisition");
    let large = service::create(&mut conn, &leader, requisitions, &requisition(50)).await.expect("requisition");
    for id in [small, large] {
        let outcome = service::step(&mut conn, &leader, requisitions, id, 1, "approve", None).await;
        assert_eq!(outcome, Ok(StepOutcome::Moved { to: "approved".into() }));
    }
    assert_eq!(
        service::step(&mut conn, &leader, requisitions, small, 2, "issue", None).await,
        Ok(StepOutcome::Moved { to: "issued".into() })
    );
    assert_eq!(stock(&db, supply).await, 7);
    assert_eq!(
        service::step(&mut conn, &leader, requisitions, large, 2, "issue", None).await,
        Err(AppError::Validation(vec![FieldError::new("quantity", ErrorCode::TallyInsufficient)]))
    );
    let large_now = service::get(&mut conn, &leader, requisitions, large).await.expect("get");
    assert_eq!((large_now.state.as_deref(), large_now.version), (Some("approved"), 2));
    assert_eq!(stock(&db, supply).await, 7);

    // Ledger entries: not deleted, their quantity not changed (the note may be).
    let movements_register = register("stock_movements");
    assert_eq!(
        service::delete(&mut conn, &leader, movements_register, delivered, 1).await,
        Err(AppError::Conflict(ErrorCode::RecordTallied))
    );
    let mut changed = delivery.clone();
    changed.values.insert("quantity".into(), "100".into());
    changed.version = Some(1);
    assert_eq!(
        service::update(&mut conn, &leader, movements_register, delivered, &changed).await,
        Err(AppError::Validation(vec![FieldError::new("quantity", ErrorCode::RecordTallied)]))
    );
    let mut noted = delivery.clone();
    noted.values.insert("note".into(), "供应商送货单 0381".into());
    noted.version = Some(1);
    service::update(&mut conn, &leader, movements_register, delivered, &noted).await.expect("a note is not the stock");
    assert_eq!(stock(&db, supply).await, 7);
    assert_eq!(
        service::delete(&mut conn, &leader, requisitions, small, 3).await,
        Err(AppError::Conflict(ErrorCode::RecordTallied))
    );
    // The supply's history says who moved its stock, as edits.
    let history = service::history(&mut conn, &leader, register("supplies"), supply).await.expect("history");
    assert!(history.iter().filter(|version| version.changed == ["stock"]).count() >= 8);
    drop(conn);
    db.finish().await;
}

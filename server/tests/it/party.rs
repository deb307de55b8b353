//! The party board (`shared::party::service::board`) on the demo township: the tree in
//! order with members counted up it, the size rules and the 三会一课 compliance judged from
//! the registers (a meeting recorded shows at once), the village figures adding up to the
//! total, the village worker's board holding only their village, and no board without the
//! registers' view.

use chrono::{Datelike, Months};
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text};
use diesel_async::RunQueryDsl;
use shared::AppError;
use shared::party::board::PartyBoard;
use shared::party::service::board;

use crate::harness::TestDb;

fn translate(key: &str) -> String {
    key.to_owned()
}

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(conn: &mut diesel_async::AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<N>(conn).await.expect("count").n
}

#[tokio::test]
async fn the_board_counts_judges_and_scopes_the_party_registers() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let today = shared::time::today();
    let seen: PartyBoard = board(&mut conn, &leader, today, &translate).await.expect("board");

    // The tree: the 党委 first, every organisation after its parent, all of them once.
    let organisations =
        count(&mut conn, "SELECT count(*) AS n FROM reg.party_organisations WHERE deleted_at IS NULL").await;
    assert_eq!(seen.organisations.len() as i64, organisations);
    assert_eq!((seen.organisations[0].kind.as_str(), seen.organisations[0].depth), ("committee", 0));
    for (at, row) in seen.organisations.iter().enumerate().skip(1) {
        assert!(row.depth >= 1, "{}: below the 党委", row.name);
        assert!(
            seen.organisations[..at].iter().any(|above| above.depth + 1 == row.depth),
            "{}: after its parent",
            row.name
        );
    }
    // Every member counted once, at the top.
    let members = count(&mut conn, "SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL").await;
    let top = &seen.organisations[0];
    assert_eq!(i64::from(top.full_members + top.probationary_members), members);
    let total = seen.villages.last().expect("the total");
    assert!(total.village.is_empty());
    assert_eq!(i64::from(total.full_members + total.probationary_members), members);
    // The township's own organisations (the 党委, its offices' branches) are in the total only.
    let townwide = count(
        &mut conn,
        "SELECT count(*) AS n FROM reg.party_organisations WHERE deleted_at IS NULL AND village_id IS NULL",
    )
    .await;
    assert_eq!(
        i64::from(seen.villages[..seen.villages.len() - 1].iter().map(|v| v.organisations).sum::<u32>()) + townwide,
        i64::from(total.organisations),
    );
    assert_eq!(i64::from(total.organisations), organisations);
    // The size rules, as the regulations say them.
    for row in &seen.organisations {
        let small = row.kind == "branch" && row.full_members < 3;
        assert_eq!(row.warnings.contains(&"party_board.warning.branch_too_small".to_owned()), small, "{}", row.name);
    }

    // Attendance (出席率): present of recorded at each organisation's own meetings of the window.
    let from = seen.from;
    let mut with_attendance = 0;
    #[derive(diesel::QueryableByName)]
    struct Recorded {
        #[diesel(sql_type = BigInt)]
        present: i64,
        #[diesel(sql_type = BigInt)]
        recorded: i64,
    }
    for row in &seen.organisations {
        let Recorded { present, recorded } = diesel::sql_query(
            "SELECT count(*) FILTER (WHERE a.present) AS present, count(*) AS recorded FROM reg.party_meetings m \
             JOIN reg.party_meeting_attendance a ON a.parent_id = m.id AND a.deleted_at IS NULL \
             WHERE m.deleted_at IS NULL AND m.organisation = $1 AND m.held_on >= $2",
        )
        .bind::<BigInt, _>(row.id)
        .bind::<diesel::sql_types::Date, _>(from)
        .get_result(&mut conn)
        .await
        .expect("attendance");
        match row.attendance {
            Some(attendance) => {
                with_attendance += 1;
                assert_eq!((i64::from(attendance.present), i64::from(attendance.recorded)), (present, recorded));
                assert_eq!(i64::from(attendance.percent()), present * 100 / recorded);
            }
            None => assert_eq!(recorded, 0, "{}", row.name),
        }
    }
    assert!(with_attendance > 0, "the demo records attendance");

    // A branch that held no 主题党日 last month: one recorded now counts at once.
    let kinds: Vec<&str> = seen.meeting_kinds.iter().map(|(code, _)| code.as_str()).collect();
    let theme_day = kinds.iter().position(|kind| *kind == "theme_day").expect("a column");
    let branch = seen
        .organisations
        .iter()
        .find(|row| row.kind == "branch" && row.meetings[theme_day].as_ref().is_some_and(|c| c.missed_last))
        .or_else(|| seen.organisations.iter().find(|row| row.kind == "branch"))
        .expect("a branch");
    let before = branch.meetings[theme_day].clone().expect("a branch owes 主题党日");
    let last_month =
        today.with_day(1).expect("day 1").checked_sub_months(Months::new(1)).expect("a month") + chrono::Days::new(9);
    diesel::sql_query(
        "INSERT INTO reg.party_meetings (township_id, village_id, topic, kind, organisation, held_on) \
         SELECT township_id, village_id, '主题党日：清洁家园', 'theme_day', id, $2 FROM reg.party_organisations WHERE id = $1",
    )
    .bind::<BigInt, _>(branch.id)
    .bind::<Date, _>(last_month)
    .execute(&mut conn)
    .await
    .expect("a meeting");
    let after = board(&mut conn, &leader, today, &translate).await.expect("board");
    let now = after.organisations.iter().find(|row| row.id == branch.id).expect("the branch");
    let now = now.meetings[theme_day].clone().expect("owed");
    assert_eq!(now.held, before.held + 1);
    assert!(!now.missed_last, "last month's 主题党日 is held");
    assert_eq!(now.missed, before.missed - u32::from(before.missed_last));
    assert_eq!(now.last_held.map(|day| day >= last_month), Some(true));
    // A group owes 党小组会 only; a 党委 owes none of its own.
    assert!(seen.organisations[0].meetings.iter().all(Option::is_none));
    if let Some(group) = seen.organisations.iter().find(|row| row.kind == "group") {
        let owed: Vec<&str> =
            group.meetings.iter().zip(&kinds).filter(|(cell, _)| cell.is_some()).map(|(_, kind)| *kind).collect();
        assert_eq!(owed, ["group"]);
    }

    // The village worker's board is their village's.
    let village = db.user("village").await;
    let theirs = board(&mut conn, &village, today, &translate).await.expect("a village's board");
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let name: Name = diesel::sql_query("SELECT name FROM villages WHERE id = $1")
        .bind::<Integer, _>(village.village_id.expect("a village"))
        .get_result(&mut conn)
        .await
        .expect("village");
    assert!(!theirs.organisations.is_empty());
    assert!(theirs.organisations.iter().all(|row| row.village == name.name));
    assert_eq!(theirs.villages.len(), 2, "their village and the total");

    // Without the view of the party registers there is no board.
    let mut outsider = leader.clone();
    outsider.records.retain(|code| !code.starts_with("m.party.meetings."));
    assert_eq!(board(&mut conn, &outsider, today, &translate).await, Err(AppError::Forbidden));
    drop(conn);
    db.finish().await;
}

/// Dues in arrears: a member whose dues of the window are all gone is listed with every month
/// since the window's start (or their joining) unpaid and marked as lapsing; one who pays
/// again is no longer listed; without the dues' view there is no list.
#[tokio::test]
async fn members_behind_on_their_dues_are_listed_longest_first() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let today = shared::time::today();
    #[derive(diesel::QueryableByName)]
    struct Member {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    // A full member who joined long ago, with dues on record.
    let member: Member = diesel::sql_query(
        "SELECT m.id FROM reg.party_members m WHERE m.deleted_at IS NULL AND m.political_status = '01' \
         AND m.joined_on < now() - interval '2 years' AND EXISTS (SELECT 1 FROM reg.party_dues d WHERE d.member = m.id) \
         ORDER BY m.id LIMIT 1",
    )
    .get_result(&mut conn)
    .await
    .expect("a member");
    let before = board(&mut conn, &leader, today, &translate).await.expect("board");
    let arrears = before.arrears.expect("the leader may view dues");
    let rows = &arrears.rows;
    assert!(rows.windows(2).all(|w| w[0].longest >= w[1].longest), "longest first");
    assert!(rows.iter().all(|row| row.longest >= 3 && row.unpaid >= row.longest));
    assert_eq!(arrears.lapsing as usize, rows.iter().filter(|row| row.lapsing).count());

    diesel::sql_query("UPDATE reg.party_dues SET deleted_at = now() WHERE member = $1")
        .bind::<BigInt, _>(member.id)
        .execute(&mut conn)
        .await
        .expect("dues gone");
    let after = board(&mut conn, &leader, today, &translate).await.expect("board");
    let row = after.arrears.expect("arrears").rows.into_iter().find(|row| row.member == member.id).expect("listed");
    assert_eq!((row.unpaid, row.longest, row.lapsing, row.last_paid), (12, 12, true, None), "{row:?}");

    // Paid for every month of the window again: no longer listed.
    let this_month = today.with_day(1).expect("first");
    let months: Vec<chrono::NaiveDate> =
        (1..=12).map(|n| this_month.checked_sub_months(Months::new(n)).expect("month")).collect();
    for month in months {
        diesel::sql_query(
            "INSERT INTO reg.party_dues (township_id, village_id, grid_id, owner_id, member, month, amount, paid_on, \
             created_by, updated_by) SELECT township_id, village_id, grid_id, owner_id, id, $2, 1, $2, created_by, \
             created_by FROM reg.party_members WHERE id = $1",
        )
        .bind::<BigInt, _>(member.id)
        .bind::<Date, _>(month)
        .execute(&mut conn)
        .await
        .expect("paid");
    }
    let paid = board(&mut conn, &leader, today, &translate).await.expect("board");
    assert!(paid.arrears.expect("arrears").rows.iter().all(|row| row.member != member.id));

    // Without the dues' view: no list.
    let records = leader.records.iter().filter(|code| !code.starts_with("m.party.dues.")).cloned().collect();
    let no_dues = shared::accounts::SessionUser { records, ..leader.clone() };
    assert_eq!(board(&mut conn, &no_dues, today, &translate).await.expect("board").arrears, None);
    drop(conn);
    db.finish().await;
}

/// The development pipeline's time rules on the board: a talk a month late, an activist made
/// a candidate after half a year and a probation ending within the month are listed, those
/// past their time first; without the applicants' view there is no list.
#[tokio::test]
async fn the_pipelines_time_rules_are_listed_overdue_first() {
    use shared::party::rules::DevelopmentIssue;

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let today = shared::time::today();
    #[derive(diesel::QueryableByName)]
    struct Applicant {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let ids: Vec<Applicant> =
        diesel::sql_query("SELECT id FROM reg.party_applicants WHERE deleted_at IS NULL ORDER BY id LIMIT 3")
            .load(&mut conn)
            .await
            .expect("three applicants");
    let [late, early, ending] = [ids[0].id, ids[1].id, ids[2].id];
    let months_ago = |n: u32| today.checked_sub_months(Months::new(n)).expect("a month");
    let set = |id: i64, state: &str, dates: [Option<chrono::NaiveDate>; 7]| {
        diesel::sql_query(
            "UPDATE reg.party_applicants SET state = $2, applied_on = $3, talked_on = $4, activist_on = $5, \
             candidate_on = $6, admitted_on = $7, approved_on = $8, full_on = $9 WHERE id = $1",
        )
        .bind::<BigInt, _>(id)
        .bind::<diesel::sql_types::Text, _>(state.to_owned())
        .bind::<Date, _>(dates[0].expect("applied"))
        .bind::<Nullable<Date>, _>(dates[1])
        .bind::<Nullable<Date>, _>(dates[2])
        .bind::<Nullable<Date>, _>(dates[3])
        .bind::<Nullable<Date>, _>(dates[4])
        .bind::<Nullable<Date>, _>(dates[5])
        .bind::<Nullable<Date>, _>(dates[6])
    };
    // Applied two months ago, nobody talked with them yet: due a month ago.
    set(late, "applicant", [Some(months_ago(2)), None, None, None, None, None, None])
        .execute(&mut conn)
        .await
        .expect("late");
    // An activist for six months, already a candidate: too short.
    set(
        early,
        "candidate",
        [Some(months_ago(9)), Some(months_ago(9)), Some(months_ago(7)), Some(months_ago(1)), None, None, None],
    )
    .execute(&mut conn)
    .await
    .expect("early");
    // Admitted almost a year ago, approved in time: the confirmation is due within the month.
    let admitted = months_ago(12) + chrono::Duration::days(10);
    set(
        ending,
        "probationary",
        [
            Some(months_ago(30)),
            Some(months_ago(30)),
            Some(months_ago(28)),
            Some(months_ago(14)),
            Some(admitted),
            Some(months_ago(11)),
            None,
        ],
    )
    .execute(&mut conn)
    .await
    .expect("ending");

    let pipeline = board(&mut conn, &leader, today, &translate)
        .await
        .expect("board")
        .pipeline
        .expect("the leader may view applicants");
    let issue = |id: i64| pipeline.rows.iter().find(|row| row.applicant == id).map(|row| row.issue);
    assert_eq!(
        issue(late),
        Some(DevelopmentIssue::TalkDue { by: months_ago(2).checked_add_months(Months::new(1)).expect("m") })
    );
    assert_eq!(
        issue(early),
        Some(DevelopmentIssue::ActivistTooShort {
            earliest: months_ago(7).checked_add_months(Months::new(12)).expect("m")
        })
    );
    assert_eq!(
        issue(ending),
        Some(DevelopmentIssue::ConfirmationDue { on: admitted.checked_add_months(Months::new(12)).expect("m") })
    );
    // Those past their time first, and counted.
    let overdue: Vec<bool> = pipeline.rows.iter().map(|row| row.issue.overdue(today)).collect();
    assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "overdue first: {overdue:?}");
    assert!(issue(late).expect("late").overdue(today) && issue(early).expect("early").overdue(today));
    assert!(!issue(ending).expect("ending").overdue(today));
    assert_eq!(pipeline.overdue as usize, overdue.iter().filter(|o| **o).count());
    assert_eq!(
        pipeline.rows.iter().find(|row| row.applicant == ending).expect("row").stage,
        "reg.party.applicants.state.probationary"
    );

    // Without the applicants' view: no list.
    let records = leader.records.iter().filter(|code| !code.starts_with("m.party.applicants.")).cloned().collect();
    let no_applicants = shared::accounts::SessionUser { records, ..leader.clone() };
    assert_eq!(board(&mut conn, &no_applicants, today, &translate).await.expect("board").pipeline, None);
    drop(conn);
    db.finish().await;
}

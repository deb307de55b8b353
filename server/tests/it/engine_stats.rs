//! A register's statistics (`service::stats`) on the demo township: every group's figures
//! are the rows SQL counts for it, the groups add up to the total, a period drills down to
//! the list of exactly its records, sums are exact, the data scope holds, and a dimension or
//! sum the register does not offer is refused by name.

use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::RunQueryDsl;
use shared::engine::service::Language;
use shared::engine::{Count, ListQuery, StatsQuery, service};
use shared::error::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn register(module: &str, name: &str) -> &'static shared::engine::Register {
    shared::modules::register(module, name).expect("declared")
}

fn by(by: &str) -> StatsQuery {
    StatsQuery { by: by.to_owned(), ..StatsQuery::default() }
}

#[tokio::test]
async fn groups_are_the_rows_of_each_value_and_add_up() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let meetings = register("party", "meetings");

    // By a choice: each group is its code's rows, labelled by the code, drilling to the list.
    let stats =
        service::stats(&mut conn, &leader, meetings, &by("kind"), &translate, Language::Chinese).await.expect("stats");
    assert_eq!(stats.by, "kind");
    assert!(stats.dimensions.iter().any(|d| d.key == "held_on@month"));
    assert!(stats.dimensions.iter().any(|d| d.key == "village"));
    assert!(!stats.groups.is_empty());
    assert_eq!(stats.groups.iter().map(|g| g.figures.count).sum::<i64>(), stats.total.count);
    for group in &stats.groups {
        let code = group.value.clone().expect("kind is required");
        let n: N =
            diesel::sql_query("SELECT count(*) AS n FROM reg.party_meetings WHERE deleted_at IS NULL AND kind = $1")
                .bind::<Text, _>(&code)
                .get_result(&mut conn)
                .await
                .expect("count");
        assert_eq!(group.figures.count, n.n, "{code}");
        assert_eq!(group.label, format!("code.meeting_kind.{code}"));
        assert_eq!(group.drill, Some(("kind".to_owned(), code.clone())));
    }
    let counts: Vec<i64> = stats.groups.iter().map(|g| g.figures.count).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "largest first: {counts:?}");

    // By month: in time order, and each month drills down to a list of exactly its rows.
    let stats = service::stats(&mut conn, &leader, meetings, &by("held_on@month"), &translate, Language::Chinese)
        .await
        .expect("stats");
    assert!(stats.chronological);
    let months: Vec<String> = stats.groups.iter().filter_map(|g| g.value.clone()).collect();
    assert!(months.windows(2).all(|w| w[0] < w[1]), "{months:?}");
    for group in stats.groups.iter().take(3) {
        let (filter, value) = group.drill.clone().expect("held_on is a filter");
        assert_eq!(filter, "held_on");
        let query = ListQuery { filters: [(filter, value)].into(), limit: 100, ..ListQuery::default() };
        let page = service::list(&mut conn, &leader, meetings, &query).await.expect("the month's list");
        assert_eq!(page.count, Count::Exact(group.figures.count as u64));
    }

    // By village: named by the village; meetings are not filtered by village, so no drill.
    let stats = service::stats(&mut conn, &leader, meetings, &by("village"), &translate, Language::Chinese)
        .await
        .expect("stats");
    assert!(stats.groups.iter().all(|g| g.drill.is_none() && !g.label.is_empty()));
    assert!(stats.groups.iter().all(|g| g.value.as_ref() != Some(&g.label)), "named, not numbered: {:?}", stats.groups);

    // The list's filters hold: theme days only.
    let query = StatsQuery {
        list: ListQuery { filters: [("kind".to_owned(), "theme_day".to_owned())].into(), ..ListQuery::default() },
        ..by("kind")
    };
    let stats =
        service::stats(&mut conn, &leader, meetings, &query, &translate, Language::Chinese).await.expect("stats");
    assert_eq!(stats.groups.len(), 1);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn sums_are_exact_and_scope_holds() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let dues = register("party", "dues");
    let query = StatsQuery { sum: "amount".to_owned(), ..by("village") };
    let stats = service::stats(&mut conn, &leader, dues, &query, &translate, Language::Chinese).await.expect("stats");
    assert_eq!(stats.sum.as_deref(), Some("amount"));
    let fen = |text: &str| (text.parse::<f64>().expect("a number") * 100.0).round() as i64;
    let all: N = diesel::sql_query(
        "SELECT (coalesce(sum(amount), 0) * 100)::bigint AS n FROM reg.party_dues WHERE deleted_at IS NULL",
    )
    .get_result(&mut conn)
    .await
    .expect("sum");
    assert_eq!(fen(stats.total.sum.as_deref().expect("a total")), all.n);
    let groups: i64 = stats.groups.iter().map(|g| fen(g.figures.sum.as_deref().expect("a sum"))).sum();
    assert_eq!(groups, all.n);

    // A village worker's figures are their village's only.
    let village = db.user("village").await;
    let theirs = service::stats(&mut conn, &village, dues, &query, &translate, Language::Chinese).await.expect("stats");
    let own: N =
        diesel::sql_query("SELECT count(*) AS n FROM reg.party_dues WHERE deleted_at IS NULL AND village_id = $1")
            .bind::<Integer, _>(village.village_id.expect("a village"))
            .get_result(&mut conn)
            .await
            .expect("count");
    assert_eq!(theirs.total.count, own.n);
    assert!(theirs.groups.len() <= 1);
    drop(conn);
    db.finish().await;
}

#[tokio::test]
async fn an_unknown_dimension_or_sum_is_refused_by_name() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let meetings = register("party", "meetings");
    let refused = service::stats(&mut conn, &leader, meetings, &by("topic"), &translate, Language::Chinese).await;
    assert_eq!(refused, Err(AppError::Validation(vec![FieldError::new("by", ErrorCode::FieldUnknown)])));
    let query = StatsQuery { sum: "topic".to_owned(), ..by("kind") };
    let refused = service::stats(&mut conn, &leader, meetings, &query, &translate, Language::Chinese).await;
    assert_eq!(refused, Err(AppError::Validation(vec![FieldError::new("sum", ErrorCode::FieldUnknown)])));
    let query = StatsQuery { sum: "x; DROP TABLE users".to_owned(), ..by("kind'") };
    assert!(matches!(
        service::stats(&mut conn, &leader, meetings, &query, &translate, Language::Chinese).await,
        Err(AppError::Validation(problems)) if problems.len() == 2
    ));
    // A bad month in a drill-down is a date error, not a server error.
    let query = ListQuery { filters: [("held_on".to_owned(), "2026-13".to_owned())].into(), ..ListQuery::default() };
    assert!(matches!(
        service::list(&mut conn, &leader, meetings, &query).await,
        Err(AppError::Validation(problems)) if problems[0].field == "held_on"
    ));
    drop(conn);
    db.finish().await;
}

/// A custom choice field an administrator added is a dimension too: its groups are the
/// records holding each option, the empty ones apart, and a filterable one drills down.
#[tokio::test]
async fn a_custom_choice_field_groups_and_drills_down() {
    use shared::engine::custom::CustomFieldForm;
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let meetings = register("party", "meetings");
    let sysadmin = db.user("sysadmin").await;
    let form = CustomFieldForm {
        key: "setting".into(),
        kind: "choice".into(),
        label_zh: "会场类型".into(),
        label_en: "Setting".into(),
        options: "室内\n室外".into(),
        filterable: Some("on".into()),
        ..CustomFieldForm::default()
    };
    service::add_custom_field(&mut conn, &sysadmin, meetings, &form).await.expect("added");
    diesel::sql_query(
        "UPDATE reg.party_meetings SET extra = extra || jsonb_build_object('setting', CASE WHEN id % 3 = 0 THEN '室外' ELSE '室内' END) WHERE id % 2 = 0",
    )
    .execute(&mut conn)
    .await
    .expect("values");
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let stats = service::stats(&mut conn, &leader, meetings, &by("extra.setting"), &translate, Language::Chinese)
        .await
        .expect("stats");
    assert!(stats.dimensions.iter().any(|d| d.key == "extra.setting" && d.label == "会场类型"));
    let outdoor: N = diesel::sql_query(
        "SELECT count(*) AS n FROM reg.party_meetings WHERE deleted_at IS NULL AND extra ->> 'setting' = '室外'",
    )
    .get_result(&mut conn)
    .await
    .expect("count");
    let group = stats.groups.iter().find(|g| g.label == "室外").expect("室外");
    assert_eq!(group.figures.count, outdoor.n);
    assert_eq!(group.drill, Some(("setting".to_owned(), "室外".to_owned())));
    assert!(stats.groups.iter().any(|g| g.value.is_none() && g.label == "engine.stats.blank"));
    assert_eq!(stats.groups.iter().map(|g| g.figures.count).sum::<i64>(), stats.total.count);
    let query = ListQuery { filters: [("setting".to_owned(), "室外".to_owned())].into(), ..ListQuery::default() };
    let page = service::list(&mut conn, &leader, meetings, &query).await.expect("the group's list");
    assert_eq!(page.count, Count::Exact(outdoor.n as u64));
    drop(conn);
    db.finish().await;
}

/// By a reference: each group is the records pointing at one organisation, named by it, and
/// drills down to the list of exactly those records.
#[tokio::test]
async fn a_reference_groups_by_what_it_names_and_drills_down() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let members = register("party", "members");
    let stats = service::stats(&mut conn, &leader, members, &by("organisation"), &translate, Language::Chinese)
        .await
        .expect("stats");
    assert!(stats.groups.len() > 1, "{:?}", stats.groups);
    assert_eq!(stats.groups.iter().map(|g| g.figures.count).sum::<i64>(), stats.total.count);
    #[derive(diesel::QueryableByName)]
    struct Named {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    for group in stats.groups.iter().take(5) {
        let id: i64 = group.value.as_deref().expect("an organisation").parse().expect("an id");
        let named: Named = diesel::sql_query(
            "SELECT o.name, (SELECT count(*) FROM reg.party_members m WHERE m.deleted_at IS NULL AND m.organisation = o.id) AS n \
             FROM reg.party_organisations o WHERE o.id = $1",
        )
        .bind::<BigInt, _>(id)
        .get_result(&mut conn)
        .await
        .expect("the organisation");
        assert_eq!((group.label.as_str(), group.figures.count), (named.name.as_str(), named.n));
        let (filter, value) = group.drill.clone().expect("organisation is a filter");
        assert_eq!(filter, "organisation");
        let query = ListQuery { filters: [(filter, value)].into(), limit: 100, ..ListQuery::default() };
        let page = service::list(&mut conn, &leader, members, &query).await.expect("the organisation's list");
        assert_eq!(page.count, Count::Exact(group.figures.count as u64));
    }
    drop(conn);
    db.finish().await;
}

//! A register as a map layer (`shared::engine::service::map`), on the demo township's party
//! organisations: the layer holds the records the list selects — the same filters and data
//! scope — that have a place (a 党小组 has none), each at it; a register without a layer has none; a list filter the list
//! refuses is refused here too.

use diesel::sql_types::Integer;
use diesel_async::RunQueryDsl;
use shared::engine::service;
use shared::engine::{ListQuery, RegisterMap};
use shared::{AppError, ErrorCode, FieldError};

use crate::harness::TestDb;

fn organisations() -> &'static shared::engine::Register {
    shared::modules::register("party", "organisations").expect("declared")
}

/// Every record the list query selects (all its pages) that has a place on the map.
async fn listed(
    conn: &mut diesel_async::AsyncPgConnection,
    user: &shared::accounts::SessionUser,
    query: &ListQuery,
) -> Vec<i64> {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let located: Vec<Id> = diesel::sql_query("SELECT id FROM reg.party_organisations WHERE location IS NOT NULL")
        .load(conn)
        .await
        .expect("located");
    let located: std::collections::HashSet<i64> = located.into_iter().map(|row| row.id).collect();
    let mut ids = Vec::new();
    let mut query = ListQuery { limit: 100, ..query.clone() };
    loop {
        let page = service::list(conn, user, organisations(), &query).await.expect("list");
        ids.extend(page.rows.iter().map(|row| row.id));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    ids.retain(|id| located.contains(id));
    ids.sort_unstable();
    ids
}

fn ids(map: &RegisterMap) -> Vec<i64> {
    let mut ids: Vec<i64> = map.points.iter().map(|point| point.id).collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn the_layer_holds_what_the_list_selects_at_each_records_place() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let all = service::map(&mut conn, &leader, organisations(), &ListQuery::default()).await.expect("map");
    assert!(!all.points.is_empty(), "the demo's organisations are on the map");
    assert!(!all.more);
    assert_eq!(ids(&all), listed(&mut conn, &leader, &ListQuery::default()).await);
    // Each at its stored place.
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let first = &all.points[0];
    let here: N = diesel::sql_query(
        "SELECT count(*) AS n FROM reg.party_organisations WHERE id = $1 \
         AND ST_DWithin(location, ST_SetSRID(ST_MakePoint($2, $3), 4326), 1e-9)",
    )
    .bind::<diesel::sql_types::BigInt, _>(first.id)
    .bind::<diesel::sql_types::Double, _>(first.lng)
    .bind::<diesel::sql_types::Double, _>(first.lat)
    .get_result(&mut conn)
    .await
    .expect("place");
    assert_eq!(here.n, 1);
    assert!(!first.label.is_empty());

    // A filter narrows the layer as it narrows the list.
    let filtered = ListQuery { q: first.label.chars().take(2).collect(), ..ListQuery::default() };
    let narrowed = service::map(&mut conn, &leader, organisations(), &filtered).await.expect("map");
    assert!(!narrowed.points.is_empty());
    assert_eq!(ids(&narrowed), listed(&mut conn, &leader, &filtered).await);

    // A village worker's layer is their village's.
    diesel::sql_query(
        "UPDATE roles SET permissions = array_append(permissions, 'm.party.organisations.view') \
         WHERE code = 'village_staff' AND NOT 'm.party.organisations.view' = ANY (permissions)",
    )
    .execute(&mut conn)
    .await
    .expect("grant the view");
    let village = db.user("village").await;
    assert!(village.village_id.is_some());
    {
        let theirs = service::map(&mut conn, &village, organisations(), &ListQuery::default()).await.expect("map");
        assert!(!theirs.points.is_empty() && theirs.points.len() < all.points.len());
        assert_eq!(ids(&theirs), listed(&mut conn, &village, &ListQuery::default()).await);
        let outside: N = diesel::sql_query(
            "SELECT count(*) AS n FROM reg.party_organisations WHERE id = ANY ($1) AND village_id IS DISTINCT FROM $2",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids(&theirs))
        .bind::<diesel::sql_types::Nullable<Integer>, _>(village.village_id)
        .get_result(&mut conn)
        .await
        .expect("outside");
        assert_eq!(outside.n, 0);
    }

    // A register without a layer has no map; a filter the list refuses is refused.
    let members = shared::modules::register("party", "members").expect("declared");
    assert_eq!(service::map(&mut conn, &leader, members, &ListQuery::default()).await, Err(AppError::NotFound));
    let unknown = ListQuery { sort: "nonsense".into(), ..ListQuery::default() };
    assert_eq!(
        service::map(&mut conn, &leader, organisations(), &unknown).await,
        Err(AppError::Validation(vec![FieldError::new("sort", ErrorCode::ListSortUnknown)]))
    );
    drop(conn);
    db.finish().await;
}

/// The town map offers as layers the registers with one that the user may view: the party's
/// organisations to a leader; none to a system administrator, who may view no records.
#[tokio::test]
async fn the_town_map_offers_the_layers_the_user_may_view() {
    let db = TestDb::new().await;
    let leader = db.user("leader").await;
    let translate = |key: &str| key.to_owned();
    let offered = service::mapped(&leader, &translate);
    let organisations = offered.iter().find(|layer| layer.name == "organisations").expect("organisations");
    assert_eq!((organisations.module.as_str(), organisations.title.as_str()), ("party", "reg.party.organisations"));
    for layer in &offered {
        let register = shared::modules::register(&layer.module, &layer.name).expect("declared");
        assert!(register.map.is_some() && register.parent.is_none(), "{}", layer.name);
    }
    // The system administrator configures registers but sees none of their records.
    let sysadmin = db.user("sysadmin").await;
    assert_eq!(service::mapped(&sysadmin, &translate), vec![]);
    db.finish().await;
}

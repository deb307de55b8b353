//! The data-scope predicate (`shared::scope`), proven on every module's queries: for each
//! scope — county, township, village, grid, self — every list, detail, export, statistic
//! and map answers exactly the rows an independent count of that scope finds, never one
//! more and never one less.

use diesel::sql_types::{BigInt, Integer};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shared::AppError;
use shared::accounts::SessionUser;
use shared::basedata::service as basedata;
use shared::events::service::{queries, stats};
use shared::events::{EventFilter, StatsDimension};
use shared::paging::TableQuery;
use shared::permissions::{DataScope, Permission};
use shared::sql::Sql;

use crate::harness::TestDb;

/// A place of the demo township: a village and one of its grids, both holding events and
/// residents.
struct Place {
    township: i32,
    village: i32,
    grid: i32,
}

async fn busy_place(conn: &mut AsyncPgConnection) -> Place {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        township_id: i32,
        #[diesel(sql_type = Integer)]
        village_id: i32,
        #[diesel(sql_type = Integer)]
        grid_id: i32,
    }
    let row: Row = diesel::sql_query(
        "SELECT e.township_id, e.village_id, e.grid_id FROM events e \
         WHERE EXISTS (SELECT 1 FROM residents r WHERE r.grid_id = e.grid_id) \
         GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 3 LIMIT 1",
    )
    .get_result(conn)
    .await
    .expect("a grid with events and residents");
    Place { township: row.township_id, village: row.village_id, grid: row.grid_id }
}

/// A viewer with every reading permission and the given scope, who reported nothing and was
/// given nothing (so "their own" events add nothing to what the scope shows).
fn viewer(base: &SessionUser, scope: DataScope, place: &Place) -> SessionUser {
    let mut user = base.clone();
    user.id = i64::MAX;
    user.scope = scope;
    user.township_id = place.township;
    user.village_id = Some(place.village);
    user.grid_id = Some(place.grid);
    user.department_id = None;
    user.permissions = [
        Permission::BasedataView,
        Permission::DashboardView,
        Permission::EventsView,
        Permission::EventsStats,
        Permission::EventsDispatch,
    ]
    .into_iter()
    .collect();
    user
}

/// The rows of `table` a scope may see, counted without the predicate under test.
async fn expected(
    conn: &mut AsyncPgConnection,
    table: &'static str,
    scope: DataScope,
    place: &Place,
    extra: &'static str,
) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let column = |name: &'static str, id: i32| Sql::new("x.").push(name).push(" = ").bind(id);
    let places = match scope {
        DataScope::County => vec![],
        DataScope::Township => vec![column("township_id", place.township)],
        DataScope::Village => vec![column("township_id", place.township), column("village_id", place.village)],
        DataScope::Grid => vec![column("township_id", place.township), column("grid_id", place.grid)],
        DataScope::SelfOnly => return 0,
    };
    let count: Count = Sql::new("SELECT count(*) AS n FROM ")
        .push(table)
        .push(" x WHERE ")
        .append(Sql::all(places))
        .push(extra)
        .query()
        .get_result(conn)
        .await
        .expect("count");
    count.n
}

/// The first event in (`inside`) or outside the place whose id `column` holds: one to ask
/// for by id.
async fn first_event(conn: &mut AsyncPgConnection, inside: bool, column: &'static str, id: i32) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let found: Id = Sql::new("SELECT id FROM events WHERE ")
        .push(column)
        .push(if inside { " = " } else { " <> " })
        .bind(id)
        .push(" ORDER BY id LIMIT 1")
        .query()
        .get_result(conn)
        .await
        .expect("an event");
    found.id
}

#[tokio::test]
async fn every_scope_sees_exactly_its_rows_in_every_module() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let place = busy_place(&mut conn).await;
    let base = db.user("county").await;
    let elsewhere = first_event(&mut conn, false, "village_id", place.village).await;
    let here = first_event(&mut conn, true, "grid_id", place.grid).await;
    let all_rows = TableQuery { per_page: 100, ..Default::default() };
    const OPEN: &str = concat!(" AND x.state NOT IN (", shared::final_states_sql!(), ")");

    for scope in DataScope::ALL {
        let user = viewer(&base, scope, &place);
        let name = scope.as_str();

        // Base data (7.2): residents, enterprises, the overview's head counts.
        let residents = basedata::residents(&mut conn, &user, &all_rows).await.expect("residents");
        let want = expected(&mut conn, "residents", scope, &place, "").await;
        // Past the last page the window count is 0; the first page has it whenever rows exist.
        assert_eq!(residents.total, want, "{name}: residents");
        let enterprises = basedata::enterprises(&mut conn, &user, &all_rows).await.expect("enterprises");
        assert_eq!(
            enterprises.total,
            expected(&mut conn, "enterprises", scope, &place, "").await,
            "{name}: enterprises"
        );
        let overview = basedata::overview(&mut conn, &user).await.expect("overview");
        assert_eq!(overview.residents, want, "{name}: overview residents");
        assert_eq!(overview.houses, expected(&mut conn, "houses", scope, &place, "").await, "{name}: houses");

        // Events (3.2): the inbox, exports, statistics, the map, the tab counts, one event.
        let events = expected(&mut conn, "events", scope, &place, "").await;
        let open = expected(&mut conn, "events", scope, &place, OPEN).await;
        let filter = EventFilter::default();
        let list = queries::list(&mut conn, &user, &filter, false).await.expect("list");
        assert_eq!(list.total, events, "{name}: inbox");
        let export = queries::export_rows(&mut conn, &user, &filter, 1_000_000).await.expect("export");
        assert_eq!(export.len() as i64, events, "{name}: export");
        let figures = stats::stats(&mut conn, &user, &filter, StatsDimension::Village).await.expect("stats");
        assert_eq!(figures.total.reported, events, "{name}: statistics");
        let map = queries::map_events(&mut conn, &user, &filter, queries::MAP_LIMIT).await.expect("map");
        assert_eq!(map.total, open, "{name}: command map");
        let counts = queries::counts(&mut conn, &user).await.expect("counts");
        assert_eq!(counts.open, open, "{name}: open count");

        let far = queries::detail(&mut conn, &user, elsewhere, Default::default()).await;
        let near = queries::detail(&mut conn, &user, here, Default::default()).await;
        match scope {
            DataScope::County | DataScope::Township => {
                assert!(far.is_ok() && near.is_ok(), "{name}: sees both events");
            }
            DataScope::Village | DataScope::Grid => {
                assert_eq!(far.err(), Some(AppError::NotFound), "{name}: another village's event is not there");
                assert!(near.is_ok(), "{name}: sees its own grid's event");
            }
            DataScope::SelfOnly => {
                assert_eq!(far.err(), Some(AppError::NotFound), "{name}: nothing");
                assert_eq!(near.err(), Some(AppError::NotFound), "{name}: nothing");
            }
        }
        assert!(events > 0 || scope == DataScope::SelfOnly, "{name}: the place holds events, so the test can fail");
    }
    drop(conn);
    db.finish().await;
}

//! The 一网统管 loop against the real database: intake and routing (PostGIS), every
//! transition allowed and refused, optimistic locking, data scope, duplicates, deadlines
//! across holidays, the supervision job, statistics and exports, live notifications.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use diesel::sql_types::{BigInt, Double, Integer, Text};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use server::events::live::Announcement;
use shared::accounts::SessionUser;
use shared::events::calendar::china;
use shared::events::service::stats_cache::StatsCache;
use shared::events::service::{duplicates, intake, queries, stats, steps, supervision, work_calendar};
use shared::events::state::next_state;
use shared::events::{Action, EventFilter, EventState, NewEvent, StatsDimension, StepForm};
use shared::permissions::{DataScope, Permission};
use shared::{AppError, ErrorCode};

use crate::harness::TestDb;

/// The default duplicate window (`TONGGUAN_DUPLICATE_*` unset).
const WINDOW: duplicates::DuplicateWindow = duplicates::DuplicateWindow { metres: 100.0, days: 7 };

#[derive(QueryableByName)]
struct Point {
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
    #[diesel(sql_type = Integer)]
    grid_id: i32,
    #[diesel(sql_type = Integer)]
    village_id: i32,
}

/// A point inside the grid of a user (or inside the n-th grid of the town).
async fn point_in_grid(conn: &mut AsyncPgConnection, grid: Option<i32>, nth: i64) -> Point {
    diesel::sql_query(
        "SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lng, id AS grid_id, village_id \
         FROM grids WHERE ($1::int IS NULL OR id = $1) ORDER BY code OFFSET $2 LIMIT 1",
    )
    .bind::<diesel::sql_types::Nullable<Integer>, _>(grid)
    .bind::<BigInt, _>(nth)
    .get_result(conn)
    .await
    .expect("a grid")
}

async fn category(conn: &mut AsyncPgConnection, code: &str) -> i32 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    diesel::sql_query("SELECT id FROM event_categories WHERE code = $1")
        .bind::<Text, _>(code)
        .get_result::<Id>(conn)
        .await
        .expect("category")
        .id
}

pub(crate) async fn department(conn: &mut AsyncPgConnection, code: &str) -> i32 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    diesel::sql_query("SELECT id FROM departments WHERE code = $1")
        .bind::<Text, _>(code)
        .get_result::<Id>(conn)
        .await
        .expect("department")
        .id
}

/// A citizen's report of street stalls in `grid` (the first grid when `None`).
pub(crate) async fn report_in_grid(conn: &mut AsyncPgConnection, grid: Option<i32>) -> NewEvent {
    let point = point_in_grid(conn, grid, 0).await;
    report(category(conn, "CG0201").await, &point)
}

fn report(category_id: i32, point: &Point) -> NewEvent {
    NewEvent {
        channel: "public".into(),
        category_id,
        priority: "normal".into(),
        title: "路边占道经营".into(),
        description: "早市摊贩占用人行道，行人只能走机动车道".into(),
        address: "梅李路".into(),
        lat: Some(point.lat),
        lng: Some(point.lng),
        ..NewEvent::default()
    }
}

#[derive(QueryableByName, Debug)]
struct EventState_ {
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = BigInt)]
    steps: i64,
}

async fn state_of(conn: &mut AsyncPgConnection, id: i64) -> EventState_ {
    diesel::sql_query(
        "SELECT state, version, (SELECT count(*) FROM event_steps WHERE event_id = e.id) AS steps FROM events e WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .expect("event")
}

async fn count_events(conn: &mut AsyncPgConnection) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM events").get_result::<N>(conn).await.expect("count").n
}

fn step(id: i64, version: i32, action: Action) -> StepForm {
    StepForm { note: "现场核实".into(), ..StepForm::new(id, version, action) }
}

#[tokio::test]
async fn a_report_is_located_routed_numbered_and_timed() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let point = point_in_grid(&mut conn, None, 3).await;
    let stalls = category(&mut conn, "CG0201").await;
    let done = intake::report(&mut conn, &citizen, &report(stalls, &point)).await.expect("reported");
    assert!(done.created);
    let year = Utc::now().with_timezone(&china()).format("%Y").to_string();
    assert!(done.number.starts_with(&format!("TG-{year}-")), "{}", done.number);
    assert_eq!(done.number.len(), "TG-2026-000123".len());

    let detail = queries::detail(&mut conn, &db.user("staff").await, done.id, WINDOW).await.expect("staff sees it");
    assert_eq!(detail.row.state, EventState::Reported);
    assert_eq!(detail.row.department.as_deref(), Some("综合行政执法大队"));
    // Point in polygon: the grid and village that contain the pin.
    #[derive(QueryableByName)]
    struct Place {
        #[diesel(sql_type = Integer)]
        grid_id: i32,
        #[diesel(sql_type = Integer)]
        village_id: i32,
    }
    let place: Place = diesel::sql_query("SELECT grid_id, village_id FROM events WHERE id = $1")
        .bind::<BigInt, _>(done.id)
        .get_result(&mut conn)
        .await
        .expect("place");
    assert_eq!((place.grid_id, place.village_id), (point.grid_id, point.village_id));
    // 8 working hours for 占道经营 (normal): the deadline lies between 8 and ~90 wall-clock hours on.
    let ahead = detail.row.deadline - detail.row.reported_at;
    assert!(ahead >= Duration::hours(8) && ahead <= Duration::hours(24 * 11), "{ahead}");
    // The reporter's own view shows their contact; the first step is on the timeline.
    assert_eq!(detail.steps.len(), 1);
    assert_eq!(detail.steps[0].action, "report");
    db.finish().await;
}

#[tokio::test]
async fn a_pin_outside_the_town_or_an_empty_form_changes_nothing() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let before = count_events(&mut conn).await;
    let stalls = category(&mut conn, "CG0201").await;
    let far = Point { lat: 39.9, lng: 116.4, grid_id: 0, village_id: 0 };
    let error = intake::report(&mut conn, &citizen, &report(stalls, &far)).await.unwrap_err();
    assert_eq!(error.field_codes("location"), vec![ErrorCode::EventLocationOutside]);
    let error = intake::report(&mut conn, &citizen, &NewEvent::default()).await.unwrap_err();
    for field in ["channel", "category_id", "priority", "title", "description", "location"] {
        assert!(!error.field_codes(field).is_empty(), "{field}");
    }
    // The public may not pretend to be a patrol, nor a hotline operator.
    let point = point_in_grid(&mut conn, None, 0).await;
    let patrol = NewEvent { channel: "patrol".into(), ..report(stalls, &point) };
    assert_eq!(
        intake::report(&mut conn, &citizen, &patrol).await.unwrap_err().field_codes("channel"),
        vec![ErrorCode::EventChannelNotAllowed]
    );
    // A parent category is not a leaf: refused.
    let parent = category(&mut conn, "CG02").await;
    assert_eq!(
        intake::report(&mut conn, &citizen, &report(parent, &point)).await.unwrap_err().field_codes("category_id"),
        vec![ErrorCode::EventCategoryUnknown]
    );
    assert_eq!(count_events(&mut conn).await, before);
    db.finish().await;
}

#[tokio::test]
async fn the_same_offline_draft_sent_twice_is_one_event() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let point = point_in_grid(&mut conn, None, 1).await;
    let form = NewEvent { client_ref: "draft-7f3a".into(), ..report(category(&mut conn, "CG0501").await, &point) };
    let before = count_events(&mut conn).await;
    let first = intake::report(&mut conn, &citizen, &form).await.expect("first");
    let again = intake::report(&mut conn, &citizen, &form).await.expect("again");
    assert_eq!(first.id, again.id);
    assert!(first.created && !again.created);
    assert_eq!(count_events(&mut conn).await, before + 1);
    db.finish().await;
}

#[tokio::test]
async fn routing_prefers_the_most_specific_rule() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let point = point_in_grid(&mut conn, None, 5).await;
    // 邻里纠纷 goes to the committee of the village where it happens.
    let dispute = category(&mut conn, "ZL0101").await;
    let done = intake::report(&mut conn, &citizen, &report(dispute, &point)).await.expect("reported");
    #[derive(QueryableByName)]
    struct Dept {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let name = |id: i64| {
        diesel::sql_query("SELECT d.name FROM events e JOIN departments d ON d.id = e.department_id WHERE e.id = $1")
            .bind::<BigInt, _>(id)
    };
    let routed: Dept = name(done.id).get_result(&mut conn).await.expect("routed");
    assert!(routed.name.ends_with("村委会") || routed.name.ends_with("居委会"), "{}", routed.name);
    // 劳资纠纷 has no village rule: its parent's rule (综治中心) applies.
    let wages = category(&mut conn, "ZL0102").await;
    let done = intake::report(&mut conn, &citizen, &report(wages, &point)).await.expect("reported");
    assert_eq!(name(done.id).get_result::<Dept>(&mut conn).await.expect("routed").name, "综治中心");
    // A grid-specific rule beats them all.
    let sysadmin = db.user("sysadmin").await;
    let safety = department(&mut conn, "anjian").await;
    shared::events::service::routing::save_rule(
        &mut conn,
        &sysadmin,
        &shared::events::service::routing::RuleForm {
            category_id: Some(wages),
            village_id: Some(point.village_id),
            grid_id: Some(point.grid_id),
            department_id: Some(safety),
        },
    )
    .await
    .expect("rule saved");
    let done = intake::report(&mut conn, &citizen, &report(wages, &point)).await.expect("reported");
    assert_eq!(name(done.id).get_result::<Dept>(&mut conn).await.expect("routed").name, "安全生产监督管理办公室");
    // The default rule cannot be deleted; the staff cannot edit routing at all.
    let rules = shared::events::service::routing::rules(&mut conn, &sysadmin).await.expect("rules");
    let default = rules.iter().find(|r| r.category_id.is_none() && r.village_id.is_none()).expect("default rule");
    assert_eq!(
        shared::events::service::routing::delete_rule(&mut conn, &sysadmin, default.id).await,
        Err(AppError::Conflict(ErrorCode::RoutingDefaultRule))
    );
    let staff = db.user("staff").await;
    assert_eq!(
        shared::events::service::routing::delete_rule(&mut conn, &staff, default.id).await,
        Err(AppError::Forbidden)
    );
    db.finish().await;
}

#[tokio::test]
async fn a_citizen_and_three_staff_carry_an_event_from_report_to_confirmation() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (citizen, staff, handler, grid) =
        (db.user("13800000001").await, db.user("staff").await, db.user("handler").await, db.user("grid").await);
    let point = point_in_grid(&mut conn, grid.grid_id, 0).await;
    let cat_done = category(&mut conn, "CG0201").await;
    let done = intake::report(&mut conn, &citizen, &report(cat_done, &point)).await.expect("reported");
    let id = done.id;
    let zonghe = department(&mut conn, "zonghe").await;
    let mut version = 1;
    version = steps::act(&mut conn, &staff, &step(id, version, Action::Accept)).await.expect("accept");
    let dispatch = StepForm { department_id: Some(zonghe), ..step(id, version, Action::Dispatch) };
    version = steps::act(&mut conn, &staff, &dispatch).await.expect("dispatch");
    // The handler sees it among their tasks.
    let tasks = queries::list(&mut conn, &handler, &EventFilter { mine: true, ..EventFilter::default() }, true)
        .await
        .expect("tasks");
    assert!(tasks.rows.iter().any(|r| r.id == id));
    version = steps::act(&mut conn, &handler, &step(id, version, Action::Start)).await.expect("start");
    let handle = StepForm { note: "已劝离摊贩并清理路面".into(), ..step(id, version, Action::Handle) };
    version = steps::act(&mut conn, &handler, &handle).await.expect("handle");
    version = steps::act(&mut conn, &grid, &step(id, version, Action::Verify)).await.expect("verify");
    version = steps::act(&mut conn, &staff, &step(id, version, Action::Close)).await.expect("close");
    let confirm = StepForm { satisfaction: Some(5), note: "很快".into(), ..step(id, version, Action::Confirm) };
    steps::act(&mut conn, &citizen, &confirm).await.expect("confirm");

    let detail = queries::detail(&mut conn, &citizen, id, WINDOW).await.expect("the reporter sees it");
    assert_eq!(detail.row.state, EventState::Closed);
    assert_eq!(detail.satisfaction, Some(5));
    let actions: Vec<&str> = detail.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["report", "accept", "dispatch", "start", "handle", "verify", "close", "confirm"]);
    assert_eq!(detail.steps[3].actor, "王振东");
    // Every change of state is on the audit log too, with who made it; the confirmation
    // changed nothing and is on the timeline only.
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Recorded {
        #[diesel(sql_type = Text)]
        actor_name: String,
        #[diesel(sql_type = Text)]
        detail: String,
    }
    let records = async |conn: &mut diesel_async::AsyncPgConnection| -> Vec<Recorded> {
        diesel::sql_query(
            "SELECT actor_name, detail FROM audit_log WHERE action = 'event.step' AND target = $1 ORDER BY id",
        )
        .bind::<Text, _>(&done.number)
        .load(conn)
        .await
        .expect("audit records")
    };
    // Each step queued its record in its own statement; the job appends them after the commits.
    assert_eq!(records(&mut conn).await, [], "not appended yet");
    let appended = shared::events::service::step_audit::drain(&mut conn).await.expect("drain");
    assert!(appended >= 7, "{appended}");
    assert_eq!(shared::events::service::step_audit::drain(&mut conn).await, Ok(0), "each step once");
    let recorded = records(&mut conn).await;
    let recorded: Vec<(&str, &str)> = recorded.iter().map(|r| (r.actor_name.as_str(), r.detail.as_str())).collect();
    assert_eq!(
        recorded,
        [
            (citizen.display_name.as_str(), "report: →reported"),
            (staff.display_name.as_str(), "accept: reported→accepted"),
            (staff.display_name.as_str(), "dispatch: accepted→dispatched"),
            ("王振东", "start: dispatched→handling"),
            ("王振东", "handle: handling→handled"),
            (grid.display_name.as_str(), "verify: handled→verified"),
            (staff.display_name.as_str(), "close: verified→closed"),
        ]
    );
    assert_eq!(shared::audit::service::verify_chain(&mut conn).await.expect("verify").broken_at, None);
    // The reporter was told of every step but their own.
    let told = queries::notifications(&mut conn, &citizen).await.expect("notifications");
    assert_eq!(told.len(), 6, "{told:?}");
    // Nobody confirms twice; the public tracking page shows no personal data.
    let again = StepForm { satisfaction: Some(1), ..step(id, detail.row.version, Action::Confirm) };
    assert_eq!(steps::act(&mut conn, &citizen, &again).await, Err(AppError::Forbidden));
    let public = queries::track(&mut conn, &done.tracking_code.to_lowercase()).await.expect("tracked");
    assert_eq!(public.state, EventState::Closed);
    let json = serde_json::to_string(&public).expect("json");
    assert!(!json.contains("林小雨") && !json.contains("王振东") && !json.contains("已劝离"), "{json}");
    db.finish().await;
}

/// Every state × every action, by a user who holds every permission, is the reporter and
/// works in the handling department: allowed exactly when the state machine allows it,
/// refused with a clear error and no change otherwise.
#[tokio::test]
async fn every_transition_is_allowed_or_refused_as_the_state_machine_says() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let zonghe = department(&mut conn, "zonghe").await;
    let base = db.user("staff").await;
    let all = SessionUser {
        permissions: Permission::ALL.iter().copied().collect(),
        scope: DataScope::Township,
        department_id: Some(zonghe),
        ..base
    };
    let point = point_in_grid(&mut conn, None, 2).await;
    let stalls = category(&mut conn, "CG0201").await;
    let target = intake::report(&mut conn, &all, &report(stalls, &point)).await.expect("merge target");
    let paths: &[(EventState, &[Action])] = &[
        (EventState::Reported, &[]),
        (EventState::Accepted, &[Action::Accept]),
        (EventState::Rejected, &[Action::Reject]),
        (EventState::Dispatched, &[Action::Accept, Action::Dispatch]),
        (EventState::Handling, &[Action::Accept, Action::Dispatch, Action::Start]),
        (EventState::Returned, &[Action::Accept, Action::Dispatch, Action::Return]),
        (EventState::Handled, &[Action::Accept, Action::Dispatch, Action::Start, Action::Handle]),
        (EventState::Verified, &[Action::Accept, Action::Dispatch, Action::Start, Action::Handle, Action::Verify]),
        (
            EventState::Closed,
            &[Action::Accept, Action::Dispatch, Action::Start, Action::Handle, Action::Verify, Action::Close],
        ),
        (EventState::Suspended, &[Action::Accept, Action::Dispatch, Action::Suspend]),
        (
            EventState::Reopened,
            &[
                Action::Accept,
                Action::Dispatch,
                Action::Start,
                Action::Handle,
                Action::Verify,
                Action::Close,
                Action::Reopen,
            ],
        ),
        (EventState::Merged, &[Action::Merge]),
    ];
    let input = |id: i64, version: i32, action: Action| StepForm {
        department_id: Some(zonghe),
        merge_into: target.number.clone(),
        satisfaction: Some(4),
        ..step(id, version, action)
    };
    let mut checked = 0;
    for (state, path) in paths {
        for action in Action::ALL {
            let done = intake::report(&mut conn, &all, &report(stalls, &point)).await.expect("reported");
            let mut version = 1;
            for a in *path {
                version = steps::act(&mut conn, &all, &input(done.id, version, *a)).await.expect("path step");
            }
            let before = state_of(&mut conn, done.id).await;
            assert_eq!(before.state, state.as_str());
            let suspended_from = (*state == EventState::Suspended).then_some(EventState::Dispatched);
            let result = steps::act(&mut conn, &all, &input(done.id, version, action)).await;
            let after = state_of(&mut conn, done.id).await;
            match next_state(*state, action, suspended_from) {
                Ok(to) => {
                    assert!(result.is_ok(), "{state:?} + {action:?}: {result:?}");
                    assert_eq!(after.state, to.as_str(), "{state:?} + {action:?}");
                    assert_eq!(after.steps, before.steps + 1);
                }
                Err(_) => {
                    assert_eq!(
                        result,
                        Err(AppError::Conflict(ErrorCode::EventIllegalTransition)),
                        "{state:?} + {action:?}"
                    );
                    assert_eq!((after.state, after.version, after.steps), (before.state, before.version, before.steps));
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12 * 17);
    db.finish().await;
}

#[tokio::test]
async fn a_stale_page_cannot_overwrite_a_newer_step() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (citizen, staff) = (db.user("13800000001").await, db.user("staff").await);
    let point = point_in_grid(&mut conn, None, 4).await;
    let cat_done = category(&mut conn, "CG0101").await;
    let done = intake::report(&mut conn, &citizen, &report(cat_done, &point)).await.expect("reported");
    // Two dispatchers opened the event at version 1; the first accepts it.
    steps::act(&mut conn, &staff, &step(done.id, 1, Action::Accept)).await.expect("first wins");
    let late = StepForm { note: "重复".into(), ..step(done.id, 1, Action::Reject) };
    assert_eq!(steps::act(&mut conn, &staff, &late).await, Err(AppError::Conflict(ErrorCode::EventStale)));
    let now = state_of(&mut conn, done.id).await;
    assert_eq!((now.state.as_str(), now.version, now.steps), ("accepted", 2, 2));
    // Reasons are required, and say so by field.
    let no_reason = StepForm { note: "  ".into(), ..step(done.id, 2, Action::Suspend) };
    assert_eq!(
        steps::act(&mut conn, &staff, &no_reason).await.unwrap_err().field_codes("note"),
        vec![ErrorCode::EventReasonRequired]
    );
    db.finish().await;
}

#[tokio::test]
async fn a_village_never_sees_another_villages_events() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (citizen, village, grid, handler) =
        (db.user("13800000001").await, db.user("village").await, db.user("grid").await, db.user("handler").await);
    let own = point_in_grid(&mut conn, grid.grid_id, 0).await;
    let other = point_in_grid(&mut conn, None, 39).await;
    assert_ne!(own.village_id, other.village_id);
    let stalls = category(&mut conn, "CG0201").await;
    let here = intake::report(&mut conn, &citizen, &report(stalls, &own)).await.expect("here");
    let there = intake::report(&mut conn, &citizen, &report(stalls, &other)).await.expect("there");
    let all = EventFilter { per_page: 100, ..EventFilter::default() };
    for user in [&village, &grid] {
        let seen = queries::list(&mut conn, user, &all, false).await.expect("list");
        assert!(seen.rows.iter().any(|r| r.id == here.id), "{} sees its own", user.username);
        assert!(seen.rows.iter().all(|r| r.id != there.id), "{} sees another village", user.username);
        assert_eq!(queries::detail(&mut conn, user, there.id, WINDOW).await.err(), Some(AppError::NotFound));
        assert_eq!(
            steps::act(&mut conn, user, &step(there.id, 1, Action::Verify)).await.err(),
            Some(AppError::NotFound)
        );
    }
    // A department handler sees only what goes to their department (law enforcement, not sanitation).
    let rubbish = category(&mut conn, "CG0101").await;
    let elsewhere = intake::report(&mut conn, &citizen, &report(rubbish, &own)).await.expect("elsewhere");
    assert!(queries::detail(&mut conn, &handler, here.id, WINDOW).await.is_ok());
    assert_eq!(queries::detail(&mut conn, &handler, elsewhere.id, WINDOW).await.err(), Some(AppError::NotFound));
    // The public sees only what they reported, and not the inbox.
    let neighbour = db.user("13800000002").await;
    assert_eq!(queries::detail(&mut conn, &neighbour, here.id, WINDOW).await.err(), Some(AppError::NotFound));
    assert_eq!(queries::list(&mut conn, &neighbour, &all, false).await.err(), Some(AppError::Forbidden));
    // Exports follow the same scope.
    let leader = db.user("leader").await;
    let csv = stats::export_csv(&mut conn, &leader, &EventFilter::default()).await.expect("export");
    assert!(csv.contains(&here.number) && csv.contains(&there.number));
    assert_eq!(stats::export_csv(&mut conn, &village, &EventFilter::default()).await.err(), Some(AppError::Forbidden));
    db.finish().await;
}

#[tokio::test]
async fn near_and_recent_reports_of_the_same_kind_are_suggested_as_duplicates() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (citizen, staff) = (db.user("13800000001").await, db.user("staff").await);
    let point = point_in_grid(&mut conn, None, 7).await;
    let lights = category(&mut conn, "CG0501").await;
    let first = intake::report(&mut conn, &citizen, &report(lights, &point)).await.expect("first");
    let near = Point { lat: point.lat + 0.0003, ..point };
    let second = intake::report(&mut conn, &citizen, &report(lights, &near)).await.expect("second");
    let cat_other_kind = category(&mut conn, "CG0101").await;
    let other_kind = intake::report(&mut conn, &citizen, &report(cat_other_kind, &point)).await.expect("other kind");
    let window = duplicates::DuplicateWindow::default();
    let found = duplicates::candidates(&mut conn, &staff, second.id, window).await.expect("candidates");
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    assert!(ids.contains(&first.id) && !ids.contains(&other_kind.id), "{ids:?}");
    let tight = duplicates::DuplicateWindow { metres: 10.0, days: 7 };
    assert!(
        duplicates::candidates(&mut conn, &staff, second.id, tight)
            .await
            .expect("tight")
            .iter()
            .all(|r| r.id != first.id)
    );
    // Merging: the duplicate follows the survivor; its reporter gets the survivor's tracking
    // code (staff its number).
    steps::act(&mut conn, &staff, &StepForm { merge_into: first.number.clone(), ..step(second.id, 1, Action::Merge) })
        .await
        .expect("merged");
    let tracked = queries::track(&mut conn, &second.tracking_code).await.expect("tracked");
    assert_eq!(
        (tracked.state, tracked.merged_into.as_deref()),
        (EventState::Merged, Some(first.tracking_code.as_str()))
    );
    let survivor = queries::track(&mut conn, &first.tracking_code).await.expect("the survivor is tracked");
    assert_eq!(survivor.number, first.number);
    let seen_by_reporter = queries::detail(&mut conn, &citizen, second.id, WINDOW).await.expect("reporter");
    assert_eq!(seen_by_reporter.merged_into.as_deref(), Some(first.tracking_code.as_str()));
    let seen_by_staff = queries::detail(&mut conn, &staff, second.id, WINDOW).await.expect("staff");
    assert_eq!(seen_by_staff.merged_into.as_deref(), Some(first.number.as_str()));
    db.finish().await;
}

#[tokio::test]
async fn deadlines_follow_the_stored_calendar_and_pause_while_suspended() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let sysadmin = db.user("sysadmin").await;
    let calendar = work_calendar::load(&mut conn).await.expect("calendar");
    let at = |y, m, d, h, min| china().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc);
    // Built in: National Day 2026 (Oct 1–7), make-up working Saturday Oct 10.
    assert_eq!(calendar.add_working_minutes(at(2026, 9, 30, 16, 30), 120), at(2026, 10, 8, 9, 30));
    assert_eq!(calendar.add_working_minutes(at(2026, 10, 9, 17, 0), 60), at(2026, 10, 10, 9, 0));
    // Staff add a day off (say, a local typhoon day) and the next deadline skips it.
    work_calendar::set_day(&mut conn, &sysadmin, "2026-12-01", "holiday", "台风停工").await.expect("set");
    let calendar = work_calendar::load(&mut conn).await.expect("calendar");
    assert_eq!(calendar.add_working_minutes(at(2026, 11, 30, 17, 0), 60), at(2026, 12, 2, 9, 0));
    assert_eq!(
        work_calendar::set_day(&mut conn, &sysadmin, "2026-13-01", "holiday", "x")
            .await
            .unwrap_err()
            .field_codes("day"),
        vec![ErrorCode::CalendarDay]
    );
    let days = work_calendar::list(&mut conn, 2026).await.expect("list");
    assert!(days.iter().any(|d| d.day == NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() && d.name == "台风停工"));

    // Suspension stops the clock: the remaining working time is kept and given back.
    let (citizen, staff) = (db.user("13800000001").await, db.user("staff").await);
    let point = point_in_grid(&mut conn, None, 8).await;
    let cat_done = category(&mut conn, "CG0201").await;
    let done = intake::report(&mut conn, &citizen, &report(cat_done, &point)).await.expect("reported");
    let v = steps::act(&mut conn, &staff, &step(done.id, 1, Action::Accept)).await.expect("accept");
    let v = steps::act(&mut conn, &staff, &step(done.id, v, Action::Suspend)).await.expect("suspend");
    #[derive(QueryableByName)]
    struct Remaining {
        #[diesel(sql_type = diesel::sql_types::Nullable<Integer>)]
        remaining_min: Option<i32>,
    }
    let kept: Remaining = diesel::sql_query("SELECT remaining_min FROM events WHERE id = $1")
        .bind::<BigInt, _>(done.id)
        .get_result(&mut conn)
        .await
        .expect("remaining");
    let kept = kept.remaining_min.expect("kept");
    assert!(kept > 0 && kept <= 8 * 60, "{kept}");
    steps::act(&mut conn, &staff, &step(done.id, v, Action::Resume)).await.expect("resume");
    let detail = queries::detail(&mut conn, &staff, done.id, WINDOW).await.expect("detail");
    assert_eq!(detail.row.state, EventState::Accepted);
    let calendar = work_calendar::load(&mut conn).await.expect("calendar");
    let left = calendar.working_minutes_between(Utc::now(), detail.row.deadline);
    assert!((left - i64::from(kept)).abs() <= 1, "{left} vs {kept}");
    db.finish().await;
}

#[tokio::test]
async fn the_supervision_job_warns_flags_and_escalates_each_event_once() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (citizen, staff) = (db.user("13800000001").await, db.user("staff").await);
    // Start from a quiet town: the demo's own events are finished for this test.
    diesel::sql_query("UPDATE events SET state = 'closed', closed_at = now()").execute(&mut conn).await.expect("quiet");
    let point = point_in_grid(&mut conn, None, 9).await;
    let stalls = category(&mut conn, "CG0201").await;
    let late = intake::report(&mut conn, &citizen, &report(stalls, &point)).await.expect("late");
    let soon = intake::report(&mut conn, &citizen, &report(stalls, &point)).await.expect("soon");
    let now = Utc::now();
    for (id, deadline) in [(late.id, now - Duration::hours(5)), (soon.id, now + Duration::hours(1))] {
        diesel::sql_query("UPDATE events SET deadline = $2 WHERE id = $1")
            .bind::<BigInt, _>(id)
            .bind::<diesel::sql_types::Timestamptz, _>(deadline)
            .execute(&mut conn)
            .await
            .expect("deadline");
    }
    let grace = Duration::hours(4);
    let first = supervision::tick(&mut conn, now, grace).await.expect("tick");
    assert_eq!(first, supervision::TickReport { warned: 1, overdue: 1, escalated: 1 });
    // Again, and again later: nothing is done twice.
    assert_eq!(supervision::tick(&mut conn, now, grace).await.expect("tick"), supervision::TickReport::default());
    let later = supervision::tick(&mut conn, now + Duration::minutes(30), grace).await.expect("tick");
    assert_eq!(later, supervision::TickReport::default());
    let detail = queries::detail(&mut conn, &staff, late.id, WINDOW).await.expect("detail");
    assert_eq!(detail.row.escalation, 1);
    assert_eq!(detail.steps.iter().filter(|s| s.action == "auto_escalate").count(), 1);
    // The leader heard of the escalation; the counts say overdue and escalated.
    let leader = db.user("leader").await;
    let told = queries::notifications(&mut conn, &leader).await.expect("notifications");
    assert!(told.iter().any(|n| n.kind == "escalate" && n.event_id == Some(late.id)), "{told:?}");
    let counts = queries::counts(&mut conn, &staff).await.expect("counts");
    assert_eq!((counts.overdue, counts.escalated, counts.due_soon), (1, 1, 1));
    // 督办: a leader supervises, the flag shows, the handlers are told.
    let v = detail.row.version;
    let supervise = StepForm { note: "请今日办结".into(), ..step(late.id, v, Action::Supervise) };
    steps::act(&mut conn, &leader, &supervise).await.expect("supervise");
    assert!(queries::detail(&mut conn, &staff, late.id, WINDOW).await.expect("detail").row.supervised);
    assert_eq!(
        steps::act(&mut conn, &staff, &StepForm { note: "x".into(), ..step(late.id, v + 1, Action::Supervise) }).await,
        Err(AppError::Forbidden)
    );
    db.finish().await;
}

#[tokio::test]
async fn statistics_count_what_the_filter_shows() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    let all = stats::stats(&mut conn, &leader, &EventFilter::default(), StatsDimension::Category).await.expect("stats");
    let sum: i64 = all.rows.iter().map(|r| r.reported).sum();
    assert_eq!(sum, all.total.reported);
    assert!(all.total.reported > 0);
    assert!(all.total.on_time <= all.total.closed);
    let rate = all.total.on_time_rate().expect("rate");
    assert!((0.0..=1.0).contains(&rate));
    // The village filter narrows to one village, and its total equals the inbox's count.
    let by_village =
        stats::stats(&mut conn, &leader, &EventFilter::default(), StatsDimension::Village).await.expect("stats");
    let first = <[_]>::first(&by_village.rows).expect("a village");
    let filter = EventFilter { village_id: first.drill.parse().ok(), per_page: 1, ..EventFilter::default() };
    let page = queries::list(&mut conn, &leader, &filter, false).await.expect("list");
    assert_eq!(page.total, first.reported);
    let grid_worker = db.user("grid").await;
    assert_eq!(
        stats::stats(&mut conn, &grid_worker, &EventFilter::default(), StatsDimension::Month).await.err(),
        Some(AppError::Forbidden)
    );
    db.finish().await;
}

#[derive(QueryableByName, Debug)]
struct ExpectedFigures {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    reported: i64,
    #[diesel(sql_type = BigInt)]
    closed: i64,
    #[diesel(sql_type = BigInt)]
    on_time: i64,
    #[diesel(sql_type = BigInt)]
    overdue_open: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<Double>)]
    avg_hours: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Double>)]
    p90_hours: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Double>)]
    satisfaction: Option<f64>,
    #[diesel(sql_type = BigInt)]
    rated: i64,
}

/// The statistics by top-level category as one plain aggregate over every event of the
/// township computes them (what the months must add up to).
async fn expected_by_category(conn: &mut AsyncPgConnection, township_id: i32) -> Vec<ExpectedFigures> {
    diesel::sql_query(
        "SELECT p.name AS key, count(*) AS reported, count(*) FILTER (WHERE e.state = 'closed') AS closed, \
           count(*) FILTER (WHERE e.state = 'closed' AND e.closed_at <= e.deadline) AS on_time, \
           count(*) FILTER (WHERE e.state NOT IN ('closed', 'rejected', 'merged', 'suspended') AND e.deadline < now()) AS overdue_open, \
           (avg(extract(epoch FROM e.closed_at - e.reported_at) / 3600.0) FILTER (WHERE e.state = 'closed'))::float8 AS avg_hours, \
           (percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM e.closed_at - e.reported_at) / 3600.0) \
              FILTER (WHERE e.state = 'closed'))::float8 AS p90_hours, \
           avg(e.satisfaction)::float8 AS satisfaction, count(e.satisfaction) AS rated \
         FROM events e JOIN event_categories c ON c.id = e.category_id \
         JOIN event_categories p ON p.id = coalesce(c.parent_id, c.id) \
         WHERE e.township_id = $1 GROUP BY 1 ORDER BY 1",
    )
    .bind::<Integer, _>(township_id)
    .load(conn)
    .await
    .expect("expected figures")
}

fn close_enough(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-3 * b.abs().max(1.0),
        (a, b) => a == b,
    }
}

#[tokio::test]
async fn statistics_added_up_from_months_equal_one_aggregate_and_follow_changes_month_by_month() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let leader = db.user("leader").await;
    // Ratings on some closed events, so that satisfaction is counted too.
    diesel::sql_query("UPDATE events SET satisfaction = 1 + id % 5 WHERE state = 'closed' AND id % 3 = 0")
        .execute(&mut conn)
        .await
        .expect("ratings");
    let expected = expected_by_category(&mut conn, leader.township_id).await;
    let months: i64 = {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query(
            "SELECT count(DISTINCT to_char(reported_at AT TIME ZONE app_time_zone(), 'YYYY-MM')) AS n FROM events",
        )
        .get_result(&mut conn)
        .await
        .expect("months");
        n.n
    };
    assert!(months >= 3, "the demo events span several months ({months})");
    let all = EventFilter::default();
    let figures = stats::stats(&mut conn, &leader, &all, StatsDimension::Category).await.expect("stats");
    assert_eq!(figures.rows.len(), expected.len());
    for want in &expected {
        let got = figures.rows.iter().find(|r| r.key == want.key).expect("the category's row");
        assert_eq!(
            (got.reported, got.closed, got.on_time, got.overdue_open, got.rated),
            (want.reported, want.closed, want.on_time, want.overdue_open, want.rated),
            "{}",
            want.key
        );
        assert!(
            close_enough(got.avg_hours, want.avg_hours),
            "{}: {:?} vs {:?}",
            want.key,
            got.avg_hours,
            want.avg_hours
        );
        assert!(
            close_enough(got.p90_hours, want.p90_hours),
            "{}: {:?} vs {:?}",
            want.key,
            got.p90_hours,
            want.p90_hours
        );
        assert!(close_enough(got.satisfaction, want.satisfaction), "{}", want.key);
    }
    assert_eq!(figures.total.reported, expected.iter().map(|e| e.reported).sum::<i64>());
    assert!(figures.total.rated > 0 && figures.total.closed > 0);

    // Kept per month: a change in one month is seen once that month is announced, and only
    // then; a change announced for another month leaves it as it was.
    let cache = StatsCache::default();
    cache.set_listening(true);
    let kept = stats::stats_cached(&mut conn, &leader, &all, StatsDimension::Category, &cache).await.expect("stats");
    assert_eq!(kept, figures);
    #[derive(QueryableByName)]
    struct Unrated {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        month: String,
    }
    let unrated: Unrated = diesel::sql_query(
        "SELECT id, to_char(reported_at AT TIME ZONE app_time_zone(), 'YYYY-MM') AS month FROM events \
         WHERE state = 'closed' AND satisfaction IS NULL ORDER BY id LIMIT 1",
    )
    .get_result(&mut conn)
    .await
    .expect("an unrated closed event");
    diesel::sql_query("UPDATE events SET satisfaction = 5 WHERE id = $1")
        .bind::<BigInt, _>(unrated.id)
        .execute(&mut conn)
        .await
        .expect("rated");
    let rated = |stats: &shared::events::Stats| stats.total.rated;
    cache.changed_month(Some(if unrated.month == "1999-01" { "1999-02" } else { "1999-01" }));
    let other_month =
        stats::stats_cached(&mut conn, &leader, &all, StatsDimension::Category, &cache).await.expect("stats");
    assert_eq!(rated(&other_month), rated(&figures), "the changed month was kept");
    cache.changed_month(Some(&unrated.month));
    let that_month =
        stats::stats_cached(&mut conn, &leader, &all, StatsDimension::Category, &cache).await.expect("stats");
    assert_eq!(rated(&that_month), rated(&figures) + 1);
    let fresh = stats::stats(&mut conn, &leader, &all, StatsDimension::Category).await.expect("stats");
    assert_eq!(that_month, fresh);
    // A filter with dates: only the events reported between them.
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let since =
        EventFilter { from: day(&format!("{}-01", unrated.month)), to: day(&format!("{}-28", unrated.month)), ..all };
    let part = stats::stats(&mut conn, &leader, &since, StatsDimension::Month).await.expect("stats");
    assert!(part.rows.len() <= 1 && part.total.reported <= fresh.total.reported);
    assert!(part.rows.iter().all(|r| r.key == unrated.month));
    db.finish().await;
}

#[tokio::test]
async fn every_change_is_announced_to_live_viewers() {
    let db = TestDb::new().await;
    let cache = std::sync::Arc::new(StatsCache::default());
    let live = server::events::live::Live::start(db.url(), cache.clone(), Default::default());
    let mut changes = live.subscribe();
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let point = point_in_grid(&mut conn, None, 6).await;
    // The listener connects in the background: report until it hears (at most 10 s).
    let stalls = category(&mut conn, "CG0201").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let heard = loop {
        let done = intake::report(&mut conn, &citizen, &report(stalls, &point)).await.expect("reported");
        match tokio::time::timeout(std::time::Duration::from_millis(500), changes.recv()).await {
            Ok(Ok(Announcement::Event(change))) => break Some((change, done.id)),
            _ if std::time::Instant::now() > deadline => break None,
            _ => continue,
        }
    };
    let (change, id) = heard.expect("a notification within 10 s");
    assert!(change.id <= id && change.state == "reported");
    let this_month = Utc::now().with_timezone(&china()).format("%Y-%m").to_string();
    assert_eq!((change.month.as_deref(), change.counted), (Some(this_month.as_str()), true));
    // The supervision job's marks change nothing statistics count: announced, but not counted.
    while changes.try_recv().is_ok() {}
    diesel::sql_query("UPDATE events SET warned_at = now() WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(&mut conn)
        .await
        .expect("marked");
    let marked = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Ok(Announcement::Event(change)) = changes.recv().await
                && change.id == id
            {
                return change;
            }
        }
    })
    .await
    .expect("the mark is announced");
    assert!(!marked.counted);

    // A page read after the last change is not behind; one read before the next change is.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let read_at = std::time::SystemTime::now();
    let township = change.township_id;
    assert!(!live.changed_since(read_at, Some(township)) && !live.changed_since(read_at, None));
    while changes.try_recv().is_ok() {}
    let later = intake::report(&mut conn, &citizen, &report(stalls, &point)).await.expect("reported");
    let heard_later = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Ok(Announcement::Event(change)) = changes.recv().await
                && change.id == later.id
            {
                return;
            }
        }
    })
    .await;
    assert!(heard_later.is_ok(), "the later report is announced");
    // The situation (alarms, indicators) travels the same way, as its own kind.
    shared::sensing::service::indicators::announce(&mut conn, township).await.expect("announced");
    let situation = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Ok(Announcement::Situation { township_id }) = changes.recv().await {
                return township_id;
            }
        }
    })
    .await;
    assert_eq!(situation.ok(), Some(township), "the situation is announced to its township");
    assert!(live.changed_since(read_at, Some(township)) && live.changed_since(read_at, None));
    assert!(!live.changed_since(read_at, Some(township + 10_000)), "another township's page is not behind");

    // Statistics are kept while the listener hears every change, and a change makes them stale.
    let leader = db.user("leader").await;
    let filter = EventFilter::default();
    let count = |stats: shared::events::Stats| stats.total.reported;
    let before =
        count(stats::stats_cached(&mut conn, &leader, &filter, StatsDimension::Category, &cache).await.expect("stats"));
    let kept =
        count(stats::stats_cached(&mut conn, &leader, &filter, StatsDimension::Category, &cache).await.expect("stats"));
    assert_eq!(before, kept);
    intake::report(&mut conn, &citizen, &report(stalls, &point)).await.expect("reported");
    let mut after = kept;
    for _ in 0..50 {
        after = count(
            stats::stats_cached(&mut conn, &leader, &filter, StatsDimension::Category, &cache).await.expect("stats"),
        );
        if after != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(after, before + 1, "the new report is counted within 5 s");
    let _ = diesel::sql_query("SELECT 1").execute(&mut conn).await.optional();
    db.finish().await;
}

/// Issue 11, defect 6: numbers count up, so the public tracking page must not answer to a
/// number. It answers to the whole tracking code (number + random key) without a login, and
/// to anything else — the bare number, a wrong key, a number that does not exist — with the
/// same 404, so a guesser cannot even tell which part was wrong.
#[tokio::test]
async fn the_public_tracking_page_answers_only_to_the_whole_code() {
    use http::{StatusCode, header};
    use shared::events::tracking;

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let point = point_in_grid(&mut conn, None, 2).await;
    let lights = category(&mut conn, "CG0501").await;
    let title = "路灯不亮追踪测试";
    let done = intake::report(&mut conn, &citizen, &NewEvent { title: title.into(), ..report(lights, &point) })
        .await
        .expect("reported");
    let (number, key) = tracking::split(&done.tracking_code).expect("a well-formed code");
    assert_eq!(number, done.number);
    assert_eq!(key.len(), tracking::KEY_LEN);

    // The service: the whole code (in any case) finds it; nothing less does.
    let found = queries::track(&mut conn, &done.tracking_code.to_lowercase()).await.expect("tracked");
    assert_eq!((found.number.as_str(), found.title.as_str()), (done.number.as_str(), title));
    let other_key = if key == "22222222" { "33333333" } else { "22222222" };
    let one_letter_off = format!("{}{}", &key[..7], if key.ends_with('Z') { 'Y' } else { 'Z' });
    let missing_number = format!("TG-1999-000001-{key}");
    for wrong in [
        done.number.clone(),
        format!("{}-", done.number),
        tracking::code(&done.number, other_key),
        tracking::code(&done.number, &one_letter_off),
        missing_number.clone(),
        format!("{}-{key}", done.id),
        format!("{}' OR '1'='1", done.tracking_code),
    ] {
        assert_eq!(queries::track(&mut conn, &wrong).await.err(), Some(AppError::NotFound), "{wrong}");
    }

    // Over HTTP, without a session: the server function and the server-rendered page.
    let router = crate::http::router(&db);
    let call = |code: &str| {
        http::Request::post("/api/events/track")
            .header(header::HOST, crate::http::HOST)
            .header(header::ORIGIN, format!("http://{}", crate::http::HOST))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("code={}", code.replace('\'', "%27").replace(' ', "+"))))
            .expect("request")
    };
    let (status, _, body) = crate::http::send_for_bytes(&router, call(&done.tracking_code)).await;
    assert_eq!(status, StatusCode::OK);
    let public: shared::events::PublicEvent = postcard::from_bytes(&body).expect("a postcard answer");
    assert_eq!(public.title, title);
    let mut refusals = Vec::new();
    for wrong in [done.number.clone(), tracking::code(&done.number, other_key), missing_number] {
        let (status, _, body) = crate::http::send_for_bytes(&router, call(&wrong)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{wrong}");
        assert_eq!(postcard::from_bytes::<AppError>(&body).ok(), Some(AppError::NotFound), "{wrong}");
        refusals.push(body);
    }
    assert!(refusals.windows(2).all(|pair| pair[0] == pair[1]), "every refusal is the same answer");
    let (status, _, page) =
        crate::http::send(&router, crate::http::get(&format!("/track?no={}", done.tracking_code), None)).await;
    assert!(status.is_success() && page.contains(title), "{status}");
    let (_, _, page) = crate::http::send(&router, crate::http::get(&format!("/track?no={}", done.number), None)).await;
    assert!(!page.contains(title), "the bare number shows nothing");

    // Only the reporter is given the code: in "my reports" and their detail, not in staff views.
    let mine = queries::my_reports(&mut conn, &citizen, 1).await.expect("my reports");
    let row = mine.rows.iter().find(|r| r.id == done.id).expect("my report");
    assert_eq!(row.tracking_code.as_deref(), Some(done.tracking_code.as_str()));
    let detail = queries::detail(&mut conn, &citizen, done.id, WINDOW).await.expect("reporter's detail");
    assert_eq!(detail.tracking_code.as_deref(), Some(done.tracking_code.as_str()));
    let staff = db.user("staff").await;
    let detail = queries::detail(&mut conn, &staff, done.id, WINDOW).await.expect("staff detail");
    assert_eq!((detail.tracking_code, detail.row.tracking_code), (None, None));
    let listed = queries::list(&mut conn, &staff, &EventFilter::default(), false).await.expect("inbox");
    assert!(listed.rows.iter().all(|r| r.tracking_code.is_none()));
    db.finish().await;
}

/// The key is drawn at random by the database for every event (old ones included, by the
/// migration's volatile default), not computed from the number: consecutive numbers get
/// unrelated keys spread over the whole alphabet.
#[tokio::test]
async fn tracking_keys_are_random_not_derived_from_the_number() {
    use shared::events::tracking;

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let point = point_in_grid(&mut conn, None, 4).await;
    let lights = category(&mut conn, "CG0501").await;
    let mut keys = Vec::new();
    for _ in 0..24 {
        let done = intake::report(&mut conn, &citizen, &report(lights, &point)).await.expect("reported");
        keys.push(tracking::split(&done.tracking_code).expect("a code").1);
    }
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), keys.len(), "{keys:?}");
    let mut letters: Vec<char> = keys.concat().chars().collect();
    letters.sort_unstable();
    letters.dedup();
    // 192 uniform letters of 32 cover at least 24 of them but with probability ~1e-9.
    assert!(letters.len() >= 24, "{letters:?}");
    // The same number gets a different key each time one is drawn: nothing but chance decides it.
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = Text)]
        key: String,
    }
    let drawn: Vec<Key> = diesel::sql_query("SELECT event_tracking_key() AS key FROM generate_series(1, 64)")
        .load(&mut conn)
        .await
        .expect("keys");
    let mut drawn: Vec<String> = drawn.into_iter().map(|k| k.key).collect();
    assert!(drawn.iter().all(|k| tracking::split(&format!("TG-2026-000001-{k}")).is_some()), "{drawn:?}");
    drawn.sort();
    drawn.dedup();
    assert_eq!(drawn.len(), 64);
    db.finish().await;
}

/// Issue 11, defect 10: an offline draft's `client_ref` belongs to the user who sent it.
#[tokio::test]
async fn a_draft_key_is_scoped_to_the_user_who_sent_it() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (alice, bob) = (db.user("13800000001").await, db.user("13800000002").await);
    let point = point_in_grid(&mut conn, None, 6).await;
    let lights = category(&mut conn, "CG0501").await;
    let draft = |title: &str| NewEvent {
        client_ref: "19b8c3f2a10-0a1b2c3d4e5f6a7b".into(),
        title: title.into(),
        ..report(lights, &point)
    };
    let before = count_events(&mut conn).await;
    let hers = intake::report(&mut conn, &alice, &draft("爱丽丝的上报")).await.expect("alice");
    assert!(hers.created);

    // Bob sends the same key: a new event of his own, not Alice's (nor her tracking code).
    let his = intake::report(&mut conn, &bob, &draft("鲍勃的上报")).await.expect("bob");
    assert!(his.created);
    assert_ne!(his.id, hers.id);
    assert_ne!(his.tracking_code, hers.tracking_code);
    assert_eq!(count_events(&mut conn).await, before + 2);
    let seen = queries::detail(&mut conn, &bob, his.id, WINDOW).await.expect("his own");
    assert_eq!((seen.row.title.as_str(), seen.is_reporter), ("鲍勃的上报", true));
    let hers_now = queries::detail(&mut conn, &alice, hers.id, WINDOW).await.expect("hers");
    assert_eq!((hers_now.row.title.as_str(), hers_now.is_reporter), ("爱丽丝的上报", true));
    assert_eq!(hers_now.row.version, 1);

    // Idempotency is kept for each of them.
    let again = intake::report(&mut conn, &alice, &draft("爱丽丝的上报")).await.expect("alice again");
    assert_eq!((again.id, again.created, again.tracking_code.as_str()), (hers.id, false, hers.tracking_code.as_str()));
    let again = intake::report(&mut conn, &bob, &draft("鲍勃的上报")).await.expect("bob again");
    assert_eq!((again.id, again.created), (his.id, false));
    assert_eq!(count_events(&mut conn).await, before + 2);

    // The key is bounded: a long one is a field error and makes nothing.
    let long = NewEvent { client_ref: "x".repeat(100_000), ..report(lights, &point) };
    let error = intake::report(&mut conn, &alice, &long).await.expect_err("refused");
    assert_eq!(error.field_codes("client_ref"), vec![ErrorCode::EventClientRefInvalid]);
    assert_eq!(count_events(&mut conn).await, before + 2);
    db.finish().await;
}

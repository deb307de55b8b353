//! The demo township's event work: departments, the routing table, and a year of events
//! generated in bulk by SQL (deterministic: `setseed`), each with a timeline consistent
//! with its state. The same generator makes the benchmark's million events.
//!
//! Deadlines of generated events are approximated in wall-clock time (working hours × 7/4,
//! about a 7.5 h working day over 5 of 7 days) instead of walking the calendar per row.

use diesel::sql_types::{Double, Integer};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shared::events::EventState;
use shared::sql::Sql;

/// (code, name, top-level categories it handles by default).
pub const DEPARTMENTS: &[(&str, &str, &[&str])] = &[
    ("zonghe", "综合行政执法大队", &["CG02", "CG03", "CG04"]),
    ("huanwei", "环境卫生管理所", &["CG01", "CG06"]),
    ("jianshe", "建设管理所", &["CG05"]),
    ("zongzhi", "综治中心", &["ZL01", "ZL04", "ZL05"]),
    ("anjian", "安全生产监督管理办公室", &["ZL02", "TF01"]),
    ("shengtai", "生态环境办公室", &["ZL03"]),
];

/// Where the township's default rule sends what no other rule covers.
pub const DEFAULT_DEPARTMENT: &str = "zongzhi";

/// The department the demo handler account works in.
pub const HANDLER_DEPARTMENT: &str = "zonghe";

/// Departments, one committee per village, and the routing table. Idempotent.
pub async fn seed_departments(conn: &mut AsyncPgConnection, township_id: i32) -> anyhow::Result<()> {
    for (code, name, _) in DEPARTMENTS {
        diesel::sql_query(
            "INSERT INTO departments (township_id, code, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind::<Integer, _>(township_id)
        .bind::<diesel::sql_types::Text, _>(*code)
        .bind::<diesel::sql_types::Text, _>(*name)
        .execute(conn)
        .await?;
    }
    // Each village (community) committee handles its own disputes.
    diesel::sql_query(
        "INSERT INTO departments (township_id, code, name) \
         SELECT township_id, 'v' || code, name || CASE WHEN kind = 'village' THEN '村委会' ELSE '居委会' END \
         FROM villages WHERE township_id = $1 ON CONFLICT DO NOTHING",
    )
    .bind::<Integer, _>(township_id)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO routing_rules (township_id, department_id) \
         SELECT $1, id FROM departments WHERE township_id = $1 AND code = $2 ON CONFLICT DO NOTHING",
    )
    .bind::<Integer, _>(township_id)
    .bind::<diesel::sql_types::Text, _>(DEFAULT_DEPARTMENT)
    .execute(conn)
    .await?;
    for (code, _, categories) in DEPARTMENTS {
        for category in *categories {
            diesel::sql_query(
                "INSERT INTO routing_rules (township_id, category_id, department_id) \
                 SELECT $1, c.id, d.id FROM departments d, event_categories c \
                 WHERE d.township_id = $1 AND d.code = $2 AND c.code = $3 ON CONFLICT DO NOTHING",
            )
            .bind::<Integer, _>(township_id)
            .bind::<diesel::sql_types::Text, _>(*code)
            .bind::<diesel::sql_types::Text, _>(*category)
            .execute(conn)
            .await?;
        }
    }
    // 邻里纠纷 go to the village committee where they happen.
    diesel::sql_query(
        "INSERT INTO routing_rules (township_id, category_id, village_id, department_id) \
         SELECT $1, c.id, v.id, d.id FROM villages v JOIN departments d ON d.township_id = $1 AND d.code = 'v' || v.code \
         JOIN event_categories c ON c.code = 'ZL0101' WHERE v.township_id = $1 ON CONFLICT DO NOTHING",
    )
    .bind::<Integer, _>(township_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Generates `count` events spread over the last `days` days, with their timelines.
/// Older events are mostly closed; recent ones are at every stage of the loop.
pub async fn seed_events(conn: &mut AsyncPgConnection, township_id: i32, count: i64, days: i32) -> anyhow::Result<()> {
    conn.transaction::<_, anyhow::Error, _>(async |conn| {
        for statement in [
            "ALTER TABLE events DISABLE TRIGGER events_notify",
            "SELECT setseed(0.2026)",
            "CREATE TEMP TABLE demo_points ON COMMIT DROP AS \
               SELECT g.id AS grid_id, g.village_id, row_number() OVER (PARTITION BY g.id) AS n, p.geom \
               FROM grids g, ST_Dump(ST_GeneratePoints(g.boundary, 64, 7)) p WHERE g.township_id = $1",
            "CREATE TEMP TABLE demo_grids ON COMMIT DROP AS \
               SELECT grid_id, village_id, row_number() OVER (ORDER BY grid_id) AS k FROM demo_points WHERE n = 1",
            "CREATE TEMP TABLE demo_categories ON COMMIT DROP AS \
               SELECT c.id, c.parent_id, c.name, c.hours_normal, c.hours_urgent, c.hours_critical, \
                      row_number() OVER (ORDER BY c.id) AS k \
               FROM event_categories c WHERE c.parent_id IS NOT NULL AND c.active",
        ] {
            let query = diesel::sql_query(statement);
            if statement.contains("$1") {
                query.bind::<Integer, _>(township_id).execute(conn).await?;
            } else {
                query.execute(conn).await?;
            }
        }
        // One row per event with its random draws; then everything follows from them.
        diesel::sql_query(
            "CREATE TEMP TABLE demo_events ON COMMIT DROP AS \
             SELECT i, \
                    now() - (random() * $2) * interval '1 day' AS reported_at, \
                    1 + floor(random() * (SELECT count(*) FROM demo_grids))::int AS grid_k, \
                    1 + floor(random() * 64)::int AS point_n, \
                    1 + floor(random() * (SELECT count(*) FROM demo_categories))::int AS category_k, \
                    random() AS r_priority, random() AS r_state, random() AS r_speed, random() AS r_channel, \
                    random() AS r_rating \
             FROM generate_series(1, $1::bigint) i",
        )
        .bind::<diesel::sql_types::BigInt, _>(count)
        .bind::<Double, _>(f64::from(days))
        .execute(conn)
        .await?;
        diesel::sql_query(
            "CREATE TEMP TABLE demo_rows ON COMMIT DROP AS \
             SELECT d.*, c.id AS category_id, c.parent_id, c.name AS category_name, g.grid_id, g.village_id, p.geom, \
                    CASE WHEN d.r_priority < 0.8 THEN 'normal' WHEN d.r_priority < 0.96 THEN 'urgent' ELSE 'critical' END AS priority, \
                    CASE WHEN d.r_priority < 0.8 THEN c.hours_normal WHEN d.r_priority < 0.96 THEN c.hours_urgent \
                         ELSE c.hours_critical END AS hours, \
                    CASE WHEN d.r_channel < 0.45 THEN 'public' WHEN d.r_channel < 0.75 THEN 'patrol' \
                         WHEN d.r_channel < 0.85 THEN 'self_resolved' WHEN d.r_channel < 0.93 THEN 'hotline' \
                         WHEN d.r_channel < 0.97 THEN 'walk_in' WHEN d.r_channel < 0.99 THEN 'superior' ELSE 'sensor' END AS channel, \
                    extract(epoch FROM now() - d.reported_at) / 86400.0 AS age_days \
             FROM demo_events d JOIN demo_categories c ON c.k = d.category_k JOIN demo_grids g ON g.k = d.grid_k \
             JOIN demo_points p ON p.grid_id = g.grid_id AND p.n = d.point_n",
        )
        .execute(conn)
        .await?;
        // The state reached: self-resolved ones are closed; old ones mostly closed; recent
        // ones spread over the loop.
        diesel::sql_query(
            "ALTER TABLE demo_rows ADD COLUMN state text, ADD COLUMN department_id int, ADD COLUMN deadline timestamptz, \
                                   ADD COLUMN closed_at timestamptz",
        )
        .execute(conn)
        .await?;
        diesel::sql_query(
            "UPDATE demo_rows r SET \
               deadline = r.reported_at + r.hours * interval '105 minutes', \
               state = CASE \
                 WHEN r.channel = 'self_resolved' THEN 'closed' \
                 WHEN r.age_days > 12 THEN CASE WHEN r.r_state < 0.93 THEN 'closed' WHEN r.r_state < 0.96 THEN 'rejected' \
                                                WHEN r.r_state < 0.98 THEN 'merged' ELSE 'suspended' END \
                 ELSE CASE WHEN r.r_state < 0.12 THEN 'reported' WHEN r.r_state < 0.2 THEN 'accepted' \
                           WHEN r.r_state < 0.35 THEN 'dispatched' WHEN r.r_state < 0.55 THEN 'handling' \
                           WHEN r.r_state < 0.62 THEN 'handled' WHEN r.r_state < 0.66 THEN 'returned' \
                           WHEN r.r_state < 0.7 THEN 'verified' ELSE 'closed' END END, \
               department_id = (SELECT rr.department_id FROM routing_rules rr \
                                WHERE rr.township_id = $1 AND (rr.category_id IS NULL OR rr.category_id IN (r.category_id, r.parent_id)) \
                                  AND (rr.village_id IS NULL OR rr.village_id = r.village_id) \
                                  AND (rr.grid_id IS NULL OR rr.grid_id = r.grid_id) \
                                ORDER BY (rr.grid_id IS NOT NULL) DESC, (rr.village_id IS NOT NULL) DESC, \
                                         (rr.category_id = r.category_id) DESC NULLS LAST, (rr.category_id IS NOT NULL) DESC, rr.id \
                                LIMIT 1)",
        )
        .bind::<Integer, _>(township_id)
        .execute(conn)
        .await?;
        // Handling time: most within the deadline, some late (on-time rate about 88%).
        diesel::sql_query(concat!(
            "UPDATE demo_rows SET closed_at = least(now() - interval '5 minutes', \
                reported_at + (deadline - reported_at) * (0.15 + r_speed * 1.0)) \
             WHERE state IN (",
            shared::final_states_sql!(),
            ")"
        ))
        .execute(conn)
        .await?;
        #[derive(diesel::QueryableByName)]
        struct MaxId {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let before: MaxId = diesel::sql_query("SELECT coalesce(max(id), 0) AS id FROM events").get_result(conn).await?;
        diesel::sql_query(concat!(
            "WITH numbered AS ( \
               SELECT r.*, extract(year FROM r.reported_at AT TIME ZONE app_time_zone())::int AS year, \
                      row_number() OVER (PARTITION BY extract(year FROM r.reported_at AT TIME ZONE app_time_zone()) \
                                         ORDER BY r.reported_at, r.i) AS n \
               FROM demo_rows r) \
             INSERT INTO events (township_id, number, channel, category_id, priority, title, description, address, location, \
                 village_id, grid_id, department_id, state, contact_name, reported_at, accepted_at, dispatched_at, handled_at, \
                 closed_at, deadline, satisfaction, confirmed_at, escalation, overdue_at, warned_at) \
             SELECT $1, 'TG-' || nb.year || '-' || lpad((ec.last + nb.n)::text, greatest(6, length((ec.last + nb.n)::text)), '0'), nb.channel, nb.category_id, \
                    nb.priority, nb.category_name || '（' || v.name || '）', \
                    '群众反映：' || v.name || g.name || '附近发现' || nb.category_name || '问题，请尽快处理。', \
                    v.name || g.name, nb.geom, nb.village_id, nb.grid_id, \
                    CASE WHEN nb.state IN ('reported', 'rejected') THEN NULL ELSE nb.department_id END, nb.state, \
                    CASE WHEN nb.channel IN ('public', 'hotline', 'walk_in') THEN '群众' ELSE '' END, nb.reported_at, \
                    CASE WHEN nb.state <> 'reported' THEN nb.reported_at + interval '20 minutes' END, \
                    CASE WHEN nb.state NOT IN ('reported', 'accepted', 'rejected') THEN nb.reported_at + interval '50 minutes' END, \
                    CASE WHEN nb.state IN ('handled', 'verified', 'closed') THEN coalesce(nb.closed_at, now()) - interval '2 hours' END, \
                    nb.closed_at, nb.deadline, \
                    CASE WHEN nb.state = 'closed' AND nb.channel = 'public' AND nb.r_rating < 0.7 \
                         THEN CASE WHEN nb.r_rating < 0.5 THEN 5 WHEN nb.r_rating < 0.62 THEN 4 WHEN nb.r_rating < 0.67 THEN 3 ELSE 2 END END, \
                    CASE WHEN nb.state = 'closed' AND nb.channel = 'public' AND nb.r_rating < 0.7 THEN nb.closed_at + interval '1 day' END, \
                    CASE WHEN nb.state NOT IN (",
            shared::final_states_sql!(),
            ", 'suspended') AND nb.deadline < now() - interval '4 hours' THEN 1 ELSE 0 END, \
                    CASE WHEN nb.state NOT IN (",
            shared::final_states_sql!(),
            ", 'suspended') AND nb.deadline < now() THEN nb.deadline END, \
                    CASE WHEN nb.state NOT IN (",
            shared::final_states_sql!(),
            ", 'suspended') AND nb.deadline < now() + interval '4 hours' THEN nb.deadline - interval '4 hours' END \
             FROM numbered nb JOIN villages v ON v.id = nb.village_id JOIN grids g ON g.id = nb.grid_id \
             JOIN (SELECT year, event_number_last(year) AS last FROM (SELECT DISTINCT year FROM numbered) y) ec \
               ON ec.year = nb.year",
        ))
        .bind::<Integer, _>(township_id)
        .execute(conn)
        .await?;
        diesel::sql_query(
            "SELECT setval(event_number_sequence(year), greatest(last, event_number_last(year))) \
             FROM (SELECT split_part(number, '-', 2)::int AS year, max(split_part(number, '-', 3)::bigint) AS last \
                   FROM events GROUP BY 1) n",
        )
        .execute(conn)
        .await?;
        // The timelines: one INSERT per kind of step, for the events that reached it.
        for (action, from, to, at, condition) in [
            ("report", None, EventState::Reported, "e.reported_at", "TRUE"),
            ("accept", Some(EventState::Reported), EventState::Accepted, "e.accepted_at", "e.accepted_at IS NOT NULL AND e.state <> 'rejected' AND e.channel <> 'self_resolved'"),
            ("reject", Some(EventState::Reported), EventState::Rejected, "e.closed_at", "e.state = 'rejected'"),
            ("dispatch", Some(EventState::Accepted), EventState::Dispatched, "e.dispatched_at", "e.dispatched_at IS NOT NULL AND e.state <> 'merged' AND e.channel <> 'self_resolved'"),
            ("start", Some(EventState::Dispatched), EventState::Handling, "e.dispatched_at + interval '1 hour'", "e.state IN ('handling', 'handled', 'verified', 'closed', 'suspended') AND e.channel <> 'self_resolved'"),
            ("return", Some(EventState::Dispatched), EventState::Returned, "e.dispatched_at + interval '2 hours'", "e.state = 'returned'"),
            ("suspend", Some(EventState::Handling), EventState::Suspended, "e.dispatched_at + interval '3 hours'", "e.state = 'suspended'"),
            ("handle", Some(EventState::Handling), EventState::Handled, "e.handled_at", "e.handled_at IS NOT NULL AND e.channel <> 'self_resolved'"),
            ("handle", Some(EventState::Reported), EventState::Handled, "e.reported_at", "e.channel = 'self_resolved'"),
            ("verify", Some(EventState::Handled), EventState::Verified, "e.handled_at + interval '1 hour'", "e.state IN ('verified', 'closed') AND e.channel <> 'self_resolved'"),
            ("close", Some(EventState::Verified), EventState::Closed, "e.closed_at", "e.state = 'closed'"),
            ("merge", Some(EventState::Reported), EventState::Merged, "e.closed_at", "e.state = 'merged'"),
            ("confirm", Some(EventState::Closed), EventState::Closed, "e.confirmed_at", "e.confirmed_at IS NOT NULL"),
        ] {
            Sql::new(
                "INSERT INTO event_steps (township_id, event_id, at, actor_name, action, from_state, to_state, \
                    department_id) SELECT e.township_id, e.id, ",
            )
            .push(at)
            .push(", '演示数据', ")
            .bind(action)
            .push(", ")
            .append(match from {
                Some(state) => Sql::value(state.as_str()),
                None => Sql::new("NULL"),
            })
            .push(", ")
            .bind(to.as_str())
            .push(", CASE WHEN ")
            .bind(action)
            .push(" = 'dispatch' THEN e.department_id END FROM events e WHERE e.township_id = ")
            .bind(township_id)
            .push(" AND e.id > ")
            .bind(before.id)
            .push(" AND ")
            .push(condition)
            .query()
            .execute(conn)
            .await?;
        }
        diesel::sql_query("ALTER TABLE events ENABLE TRIGGER events_notify").execute(conn).await?;
        Ok(())
    })
    .await
}

/// Puts each grid worker somewhere in their grid (their phones report real positions).
pub async fn seed_worker_positions(conn: &mut AsyncPgConnection, township_id: i32) -> anyhow::Result<()> {
    diesel::sql_query(
        "INSERT INTO worker_positions (user_id, township_id, location, at) \
         SELECT u.id, u.township_id, ST_PointOnSurface(g.boundary), now() \
         FROM users u JOIN grids g ON g.id = u.grid_id WHERE u.township_id = $1 \
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind::<Integer, _>(township_id)
    .execute(conn)
    .await?;
    Ok(())
}

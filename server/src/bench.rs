//! `tongguan bench …`: the load generators behind docs/benchmarks.md ("Events"), run by
//! `scripts/bench-events.sh` against its own embedded cluster.
//!
//! - `seed-events`: adds generated events to the demo township with the demo generator
//!   (`demo::events::seed_events`), in chunks so that progress shows and memory stays bounded.
//! - `intake`: files reports through the real intake service (validation, point-in-polygon,
//!   routing, numbering, deadline from the stored calendar, first timeline step, the NOTIFY
//!   trigger) from concurrent tasks, and prints the sustained rate and the latencies.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::sql_types::{BigInt, Double, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::accounts::SessionUser;
use shared::accounts::demo_accounts::PUBLIC;
use shared::events::NewEvent;
use shared::events::service::{intake, step_audit};

use crate::cli::BenchCommand;
use crate::{database, demo};

/// Events generated per transaction by `seed-events`.
const CHUNK: i64 = 100_000;
/// Random points drawn inside each grid for `intake`.
const POINTS_PER_GRID: i32 = 32;

pub async fn run(url: &str, command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::SeedEvents { count, days } => seed_events(url, count, days).await,
        BenchCommand::Intake { events, concurrency } => intake(url, events, concurrency).await,
        BenchCommand::Readings { readings, batch, concurrency } => {
            crate::bench_readings::run(url, readings, batch, concurrency).await
        }
    }
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The demo township's id; an error telling what to run when it is not there.
pub(crate) async fn demo_township(conn: &mut AsyncPgConnection) -> anyhow::Result<i32> {
    let found: Vec<Id> = diesel::sql_query("SELECT id FROM townships WHERE code = $1")
        .bind::<Text, _>(demo::TOWNSHIP_CODE)
        .load(conn)
        .await?;
    match found.into_iter().next() {
        Some(township) => Ok(township.id),
        None => anyhow::bail!(
            "the demo township ({}) is not in this database: run `tongguan seed` first",
            demo::TOWNSHIP_CODE
        ),
    }
}

async fn event_count(conn: &mut AsyncPgConnection, township_id: i32) -> anyhow::Result<i64> {
    let count: Count = diesel::sql_query("SELECT count(*) AS n FROM events WHERE township_id = $1")
        .bind::<Integer, _>(township_id)
        .get_result(conn)
        .await?;
    Ok(count.n)
}

async fn seed_events(url: &str, count: i64, days: i32) -> anyhow::Result<()> {
    anyhow::ensure!(count > 0, "--count must be positive");
    anyhow::ensure!(days > 0, "--days must be positive");
    let pool = shared::db::pool(url, 1).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await.context("connecting to the database")?;
    database::prepare(&mut conn).await?;
    let township_id = demo_township(&mut conn).await?;
    let before = event_count(&mut conn, township_id).await?;
    println!("demo township {}: {before} events; adding {count} over the last {days} days", demo::TOWNSHIP_CODE);
    let started = Instant::now();
    let mut done = 0;
    while done < count {
        let chunk = CHUNK.min(count - done);
        demo::events::seed_events(&mut conn, township_id, chunk, days).await?;
        done += chunk;
        let elapsed = started.elapsed().as_secs_f64();
        println!("  {done:>10} / {count} events  {elapsed:7.1} s  {:8.0} events/s", done as f64 / elapsed);
    }
    // Statistics for the planner, and the visibility map and hint bits set now rather than
    // by the first queries or an autovacuum in the middle of a measurement.
    let analyse = Instant::now();
    diesel::sql_query("VACUUM (ANALYZE) events, event_steps").execute(&mut conn).await?;
    let after = event_count(&mut conn, township_id).await?;
    println!(
        "seeded {count} events in {:.1} s (VACUUM ANALYZE {:.1} s); the township has {after} events",
        started.elapsed().as_secs_f64(),
        analyse.elapsed().as_secs_f64()
    );
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct SamplePoint {
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
}

#[derive(diesel::QueryableByName)]
struct UserId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// What every intake task shares.
struct Load {
    user: SessionUser,
    points: Vec<(f64, f64)>,
    categories: Vec<i32>,
    total: usize,
    next: AtomicUsize,
}

async fn intake(url: &str, events: usize, concurrency: usize) -> anyhow::Result<()> {
    anyhow::ensure!(events > 0, "--events must be positive");
    anyhow::ensure!(concurrency > 0, "--concurrency must be positive");
    // One connection more than the clients: the audit of the steps after they commit, every
    // second, as each server process runs it (`audit_job::start_step_audit`).
    let pool = shared::db::pool(url, concurrency + 1).map_err(anyhow::Error::msg)?;
    let load = {
        let mut conn = pool.get().await.context("connecting to the database")?;
        database::prepare(&mut conn).await?;
        let township_id = demo_township(&mut conn).await?;
        let citizen: UserId = diesel::sql_query("SELECT id FROM users WHERE username = $1")
            .bind::<Text, _>(PUBLIC.username)
            .get_result(&mut conn)
            .await
            .with_context(|| format!("the demo citizen {} (run `tongguan seed` first)", PUBLIC.username))?;
        let user = shared::accounts::service::session::load_user(&mut conn, &Default::default(), citizen.id)
            .await
            .map_err(|e| anyhow::anyhow!("loading the demo citizen: {e}"))?;
        let points: Vec<SamplePoint> = diesel::sql_query(
            "SELECT ST_Y(p.geom) AS lat, ST_X(p.geom) AS lng \
             FROM grids g, ST_Dump(ST_GeneratePoints(g.boundary, $2, 2026)) p WHERE g.township_id = $1",
        )
        .bind::<Integer, _>(township_id)
        .bind::<Integer, _>(POINTS_PER_GRID)
        .load(&mut conn)
        .await?;
        let categories: Vec<Id> =
            diesel::sql_query("SELECT id FROM event_categories WHERE parent_id IS NOT NULL AND active ORDER BY id")
                .load(&mut conn)
                .await?;
        anyhow::ensure!(!points.is_empty(), "the demo township has no grids");
        anyhow::ensure!(!categories.is_empty(), "no active leaf categories");
        println!(
            "filing {events} reports as {} ({}) from {concurrency} tasks: {} points in the grids, {} leaf categories",
            user.display_name,
            user.username,
            points.len(),
            categories.len()
        );
        Arc::new(Load {
            user,
            points: points.iter().map(|p| (p.lat, p.lng)).collect(),
            categories: categories.iter().map(|c| c.id).collect(),
            total: events,
            next: AtomicUsize::new(0),
        })
    };
    let started = Instant::now();
    let auditing = tokio::spawn(audit_steps(pool.clone()));
    let mut tasks = Vec::with_capacity(concurrency);
    for task in 0..concurrency {
        let (pool, load) = (pool.clone(), load.clone());
        tasks.push(tokio::spawn(async move { file_reports(pool, load, task as u64).await }));
    }
    let mut latencies = Vec::with_capacity(events);
    let mut failures = 0usize;
    let mut first_error = None;
    for task in tasks {
        let outcome = task.await.context("an intake task panicked")?;
        latencies.extend(outcome.latencies);
        failures += outcome.failures;
        if first_error.is_none() {
            first_error = outcome.first_error;
        }
    }
    let elapsed = started.elapsed();
    // What the periodic audit left: appended now, and how long after the last report the
    // queue was empty.
    if auditing.is_finished() {
        auditing.await.context("the audit task panicked")??;
    } else {
        auditing.abort();
    }
    let mut conn = pool.get().await.context("connecting to the database")?;
    let rest = step_audit::drain(&mut conn).await.map_err(|e| anyhow::anyhow!("auditing steps: {e}"))?;
    let drained = started.elapsed() - elapsed;
    latencies.sort_unstable();
    let percentile = |p: f64| -> Duration {
        let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
        latencies.get(index).copied().unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "intake: {} events in {:.2} s = {:.0} events/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {failures} failed",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(0.50)),
        ms(percentile(0.95)),
        ms(percentile(0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    println!(
        "audit: state changes appended every second after they commit; {rest} left at the end, appended in {:.0} ms",
        ms(drained)
    );
    if let Some(error) = first_error {
        anyhow::bail!("{failures} of {events} reports failed; the first: {error}");
    }
    Ok(())
}

/// The event steps' audit, every second, as a server process runs it; until aborted.
async fn audit_steps(pool: shared::db::DbPool) -> anyhow::Result<()> {
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    loop {
        clock.tick().await;
        let mut conn = pool.get().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        step_audit::drain(&mut conn).await.map_err(|e| anyhow::anyhow!("auditing steps: {e}"))?;
    }
}

struct Outcome {
    latencies: Vec<Duration>,
    failures: usize,
    first_error: Option<String>,
}

/// One client: takes the next report number until all are filed.
async fn file_reports(pool: shared::db::DbPool, load: Arc<Load>, task: u64) -> Outcome {
    let mut rng = StdRng::seed_from_u64(0x7467_0000 + task);
    let mut outcome = Outcome { latencies: Vec::new(), failures: 0, first_error: None };
    loop {
        let n = load.next.fetch_add(1, Ordering::Relaxed);
        if n >= load.total {
            return outcome;
        }
        let (lat, lng) = load.points[rng.random_range(0..load.points.len())];
        let form = NewEvent {
            channel: "public".into(),
            category_id: load.categories[rng.random_range(0..load.categories.len())],
            priority: "normal".into(),
            title: format!("压测上报 {n}"),
            description: format!("压测：第 {n} 条群众上报，经纬度 {lat:.6}, {lng:.6}。"),
            address: String::new(),
            lat: Some(lat),
            lng: Some(lng),
            ..NewEvent::default()
        };
        let started = Instant::now();
        let result = match pool.get().await {
            Ok(mut conn) => intake::report(&mut conn, &load.user, &form).await.map_err(|e| format!("{e:?}")),
            Err(error) => Err(format!("pool: {error}")),
        };
        match result {
            Ok(_) => outcome.latencies.push(started.elapsed()),
            Err(error) => {
                outcome.failures += 1;
                outcome.first_error.get_or_insert(error);
            }
        }
    }
}

//! `tongguan bench readings`: the ingest budget of issue 17 (≥ 20,000 readings a second in
//! batches on the 2-core machine), behind docs/benchmarks.md, "Readings". Batches of the demo
//! stations' readings go through the same path as the HTTP endpoint and MQTT after parsing:
//! the check of every reading, the stations resolved, the rows stored, every rule of the
//! station stepped and its state kept — from concurrent tasks, each a station's gateway.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DurationRound, Utc};
use diesel::sql_types::Text;
use shared::sensing::measurand::Measurand;
use shared::sensing::readings::{Batch, ReadingIn};
use shared::sensing::service::{self as sensing, Sender};

#[derive(diesel::QueryableByName)]
struct Code {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    kind: String,
}

/// What one kind of station reports, with a plausible value.
fn measurands(kind: &str) -> &'static [(Measurand, f64)] {
    match kind {
        "water_level" => &[(Measurand::WaterLevel, 2.4)],
        "water_quality" => &[
            (Measurand::AmmoniaNitrogen, 0.6),
            (Measurand::DissolvedOxygen, 6.5),
            (Measurand::TotalPhosphorus, 0.1),
            (Measurand::PermanganateIndex, 4.0),
        ],
        "air_quality" => {
            &[(Measurand::Pm25, 30.0), (Measurand::Pm10, 50.0), (Measurand::O3, 80.0), (Measurand::No2, 30.0)]
        }
        "noise" => &[(Measurand::Noise, 52.0)],
        _ => &[(Measurand::Online, 1.0)],
    }
}

pub async fn run(url: &str, total: usize, batch: usize, concurrency: usize) -> anyhow::Result<()> {
    let batch = batch.clamp(1, shared::sensing::readings::BATCH_MAX);
    let pool = shared::db::pool(url, concurrency.max(1) + 1).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    let township_id = crate::bench::demo_township(&mut conn).await?;
    let stations: Vec<Code> = diesel_async::RunQueryDsl::load(
        diesel::sql_query("SELECT code, kind FROM reg.sensing_stations WHERE deleted_at IS NULL ORDER BY code"),
        &mut conn,
    )
    .await?;
    drop(conn);
    anyhow::ensure!(!stations.is_empty(), "the demo has no stations: run `tongguan seed` first");
    // Every station's measurands, each a series of its own: reading k of a series is k seconds
    // after the start, so no two readings collide and a batch is in time order.
    let series: Vec<(String, Measurand, f64)> =
        stations.iter().flat_map(|s| measurands(&s.kind).iter().map(move |(m, v)| (s.code.clone(), *m, *v))).collect();
    let start = Utc::now().duration_trunc(chrono::Duration::days(1))? - chrono::Duration::days(60);
    let batches = total.div_ceil(batch);
    let next = Arc::new(AtomicUsize::new(0));
    let series = Arc::new(series);
    println!(
        "{total} readings of {} series ({} stations) in batches of {batch}, {concurrency} concurrent senders",
        series.len(),
        stations.len()
    );
    let began = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (pool, next, series) = (pool.clone(), next.clone(), series.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= batches {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let first = n * batch;
                let readings: Vec<ReadingIn> = (first..(first + batch).min(total))
                    .map(|i| {
                        let (station, measurand, value) = &series[i % series.len()];
                        let k = (i / series.len()) as i64;
                        ReadingIn {
                            station: station.clone(),
                            measurand: measurand.as_str().to_owned(),
                            at: start + chrono::Duration::seconds(k),
                            // A wobble of ±2.5 %, but a status stays 1 (online).
                            value: if *measurand == Measurand::Online {
                                *value
                            } else {
                                value * (1.0 + 0.05 * ((k % 13) as f64 / 13.0 - 0.5))
                            },
                        }
                    })
                    .collect();
                let took = Instant::now();
                let checked = Batch { readings }.check(Utc::now(), None).map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let mut conn = pool.get().await?;
                sensing::ingest(&mut conn, Sender { township_id, village_id: None }, checked)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                latencies.push(took.elapsed());
            }
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = began.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{:.0} readings/s ({total} in {:.1} s); a batch of {batch}: p50 {} ms, p95 {} ms, max {} ms",
        total as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        at(0.5).as_millis(),
        at(0.95).as_millis(),
        at(1.0).as_millis()
    );
    Ok(())
}

//! `/metrics` for Prometheus (clause 9.2.2, R-9.2.2), in the OpenMetrics text format that
//! Prometheus scrapes: every HTTP request counted and timed by its route (the router's path
//! template, so ids never multiply the series), method and status; and, read at each scrape,
//! the database (reachable, pool in use, waiting), the exchange's outbox (pending, failing,
//! dead letters), the event steps waiting for the audit log and the live-update connections; and each background job's runs by outcome
//! with the time of its last success (a job that stopped succeeding shows as its age).
//!
//! Who may read it: a scraper presenting `TONGGUAN_METRICS_TOKEN` as `Authorization: Bearer`;
//! with no token configured, only a client on this machine (loopback). Anything else is 404,
//! as if there were no such page. Built on `prometheus-client`, the Prometheus project's own
//! Rust client: typed label sets, no global registry.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use secrecy::{ExposeSecret, SecretString};

use shared::operations::service::JobState;

use crate::router::ServerState;

/// How often the jobs' last runs are written for the operations page: a job that runs every
/// second costs one write a half-minute, not one a second.
const JOBS_WRITTEN_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Writes the jobs' last runs to `job_runs` every [`JOBS_WRITTEN_EVERY`].
pub fn flush_jobs(pool: shared::db::DbPool, metrics: Arc<Metrics>) {
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(JOBS_WRITTEN_EVERY);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let states = metrics.changed_jobs();
            if states.is_empty() {
                continue;
            }
            let written = match pool.get().await {
                Ok(mut conn) => {
                    shared::operations::service::record_jobs(&mut conn, &states).await.map_err(|e| format!("{e:?}"))
                }
                Err(error) => Err(error.to_string()),
            };
            if let Err(error) = written {
                tracing::warn!(%error, "the jobs' last runs were not written");
                // Written next time.
                if let Ok(mut jobs) = metrics.jobs.lock() {
                    for state in states {
                        if let Some(entry) = jobs.get_mut(&state.job) {
                            entry.1 = true;
                        }
                    }
                }
            }
        }
    });
}

/// The label set of a request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/events/{id}`), or `other` for what no route matched.
    route: String,
    status: String,
}

/// The background jobs (`shared::operations::Job`): their runs are counted here and their
/// last outcomes written to `job_runs` for the operations page ([`flush_jobs`]).
pub use shared::operations::Job;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobRun {
    job: String,
    /// `ok` or `failed`.
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobName {
    job: String,
}

/// The metrics of this process.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    database_up: Gauge,
    pool_size: Gauge,
    pool_available: Gauge,
    pool_waiting: Gauge,
    outbox_waiting: Gauge,
    outbox_failing: Gauge,
    outbox_dead: Gauge,
    audit_queue: Gauge,
    live_connections: Gauge,
    job_runs: Family<JobRun, Counter>,
    job_last_success: Family<JobName, Gauge>,
    backup_last_success: Gauge,
    drill_last_success: Gauge,
    /// Each job's last runs as this process saw them, and whether they changed since they
    /// were last written.
    jobs: std::sync::Mutex<std::collections::HashMap<Job, (JobState, bool)>>,
    token: Option<SecretString>,
}

/// Latency buckets: 1 ms doubling to about 16 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    pub fn new(token: Option<SecretString>) -> Self {
        let mut registry = Registry::with_prefix("tongguan");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by route, method and status", requests.clone());
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register("http_request_duration_seconds", "Time to the response's head", latency.clone());
        let job_runs = Family::<JobRun, Counter>::default();
        registry.register("job_runs", "Runs of the background jobs by outcome", job_runs.clone());
        let job_last_success = Family::<JobName, Gauge>::default();
        registry.register(
            "job_last_success_timestamp_seconds",
            "When each background job last succeeded (Unix time)",
            job_last_success.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let gauge = Gauge::default();
            registry.register(name, help, gauge.clone());
            gauge
        };
        Self {
            database_up: gauge(&mut registry, "database_up", "1 when the database answered this scrape"),
            pool_size: gauge(&mut registry, "database_pool_connections", "Connections the pool holds"),
            pool_available: gauge(&mut registry, "database_pool_idle", "Connections idle in the pool"),
            pool_waiting: gauge(&mut registry, "database_pool_waiting", "Requests waiting for a connection"),
            outbox_waiting: gauge(&mut registry, "exchange_outbox_waiting", "Messages to peers not yet tried"),
            outbox_failing: gauge(
                &mut registry,
                "exchange_outbox_failing",
                "Messages to peers retrying after a failure",
            ),
            outbox_dead: gauge(&mut registry, "exchange_outbox_dead", "Dead letters waiting for an operator"),
            audit_queue: gauge(
                &mut registry,
                "audit_event_steps_queued",
                "Event state changes committed and not yet on the audit log",
            ),
            live_connections: gauge(&mut registry, "live_connections", "Open live-update streams (SSE)"),
            backup_last_success: gauge(
                &mut registry,
                "backup_last_success_timestamp_seconds",
                "When the last good backup started (Unix time; 0: none yet)",
            ),
            drill_last_success: gauge(
                &mut registry,
                "backup_drill_last_success_timestamp_seconds",
                "When the last passed restore drill started (Unix time; 0: none yet)",
            ),
            jobs: Default::default(),
            registry,
            requests,
            latency,
            job_runs,
            job_last_success,
            token,
        }
    }

    /// A run of a background job ended: well (`error` None) or not.
    pub fn job(&self, job: Job, error: Option<String>) {
        let ok = error.is_none();
        let now = chrono::Utc::now();
        if let Ok(mut jobs) = self.jobs.lock() {
            let (state, changed) = jobs.entry(job).or_insert_with(|| {
                let state = JobState {
                    job,
                    last_run_at: now,
                    last_success_at: None,
                    last_failure_at: None,
                    last_error: String::new(),
                    failures_in_a_row: 0,
                };
                (state, true)
            });
            state.last_run_at = now;
            match error {
                None => {
                    state.last_success_at = Some(now);
                    state.failures_in_a_row = 0;
                }
                Some(error) => {
                    state.last_failure_at = Some(now);
                    state.last_error = error;
                    state.failures_in_a_row = state.failures_in_a_row.saturating_add(1);
                }
            }
            *changed = true;
        }
        let outcome = if ok { "ok" } else { "failed" };
        self.job_runs.get_or_create(&JobRun { job: job.as_str().to_owned(), outcome: outcome.to_owned() }).inc();
        if ok {
            self.job_last_success
                .get_or_create(&JobName { job: job.as_str().to_owned() })
                .set(chrono::Utc::now().timestamp());
        }
    }

    /// The jobs' states changed since the last call.
    fn changed_jobs(&self) -> Vec<JobState> {
        let Ok(mut jobs) = self.jobs.lock() else { return vec![] };
        jobs.values_mut().filter_map(|(state, changed)| std::mem::take(changed).then(|| state.clone())).collect()
    }

    fn record(&self, labels: RequestLabels, seconds: f64) {
        self.latency.get_or_create(&labels).observe(seconds);
        self.requests.get_or_create(&labels).inc();
    }

    /// Whether the request may read the metrics.
    fn allowed(&self, request: &Request) -> bool {
        match &self.token {
            Some(token) => {
                let given = request
                    .headers()
                    .get(header::AUTHORIZATION)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.strip_prefix("Bearer "))
                    .unwrap_or_default();
                constant_time_eq(given.trim().as_bytes(), token.expose_secret().as_bytes())
            }
            None => crate::rate_limit::client_address(request, false).is_some_and(|address| address.is_loopback()),
        }
    }
}

/// Compares without an early exit that would tell how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts and times every request (a layer of the whole router: `MatchedPath` names the
/// route each one took).
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().map_or("other", |path| path.as_str()).to_owned();
    let method = match request.method().as_str() {
        method @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => method,
        _ => "other",
    }
    .to_owned();
    let response = next.run(request).await;
    let labels = RequestLabels { method, route, status: response.status().as_u16().to_string() };
    metrics.record(labels, started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<ServerState>, request: Request) -> Response {
    let metrics = state.metrics.clone();
    if !metrics.allowed(&request) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let pool = state.app.pool.status();
    metrics.pool_size.set(pool.size as i64);
    metrics.pool_available.set(pool.available as i64);
    metrics.pool_waiting.set(pool.waiting as i64);
    metrics.live_connections.set(state.live.listeners() as i64);
    // The outbox across townships: the platform's operator watches all of them.
    let outbox = async {
        use shared::operations::{RunKind, service::last_good};
        let mut conn = state.app.pool.get().await.ok()?;
        let outbox = shared::exchange::service::counts(&mut conn, None).await.ok()?;
        let backup = last_good(&mut conn, RunKind::Backup).await.ok()?;
        let drill = last_good(&mut conn, RunKind::Drill).await.ok()?;
        let queued = shared::events::service::step_audit::queued(&mut conn).await.ok()?;
        Some((outbox, backup, drill, queued))
    };
    match tokio::time::timeout(std::time::Duration::from_secs(2), outbox).await.ok().flatten() {
        Some((outbox, backup, drill, queued)) => {
            metrics.audit_queue.set(queued);
            metrics.backup_last_success.set(backup.map_or(0, |at| at.timestamp()));
            metrics.drill_last_success.set(drill.map_or(0, |at| at.timestamp()));
            metrics.database_up.set(1);
            metrics.outbox_waiting.set(outbox.waiting);
            metrics.outbox_failing.set(outbox.failing);
            metrics.outbox_dead.set(outbox.dead);
        }
        None => {
            metrics.database_up.set(0);
        }
    }
    let mut body = String::new();
    if let Err(error) = prometheus_client::encoding::text::encode(&mut body, &metrics.registry) {
        tracing::error!(%error, "metrics not encoded");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let kind = HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8");
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], body)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_runs_are_counted_by_outcome_and_the_last_success_kept() {
        let metrics = Metrics::new(None);
        metrics.job(Job::ExchangeDelivery, None);
        metrics.job(Job::ExchangeDelivery, None);
        metrics.job(Job::Supervision, Some("no connection".into()));
        let mut body = String::new();
        prometheus_client::encoding::text::encode(&mut body, &metrics.registry).expect("encoded");
        assert!(body.contains(r#"tongguan_job_runs_total{job="exchange_delivery",outcome="ok"} 2"#), "{body}");
        assert!(body.contains(r#"tongguan_job_runs_total{job="supervision",outcome="failed"} 1"#), "{body}");
        let last = body
            .lines()
            .find_map(|line| {
                line.strip_prefix(r#"tongguan_job_last_success_timestamp_seconds{job="exchange_delivery"} "#)
            })
            .and_then(|value| value.parse::<i64>().ok())
            .expect("the last success");
        assert!((chrono::Utc::now().timestamp() - last).abs() < 5);
        assert!(
            !body.contains(r#"tongguan_job_last_success_timestamp_seconds{job="supervision"}"#),
            "it never succeeded"
        );
        let mut changed = metrics.changed_jobs();
        changed.sort_by_key(|state| state.job);
        assert_eq!(changed.len(), 2);
        assert_eq!(
            (changed[0].job, changed[0].failures_in_a_row, &*changed[0].last_error),
            (Job::Supervision, 1, "no connection")
        );
        assert_eq!((changed[1].job, changed[1].failures_in_a_row), (Job::ExchangeDelivery, 0));
        assert!(changed[1].last_success_at.is_some());
        assert!(metrics.changed_jobs().is_empty(), "written once until they change again");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}

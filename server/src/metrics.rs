//! `/metrics` for Prometheus (clause 9.2.2, R-9.2.2), in the OpenMetrics text format that
//! Prometheus scrapes: every HTTP request counted and timed by its route (the router's path
//! template, so ids never multiply the series), method and status; and, read at each scrape,
//! the database (reachable, pool in use, waiting), the exchange's outbox (pending, failing,
//! dead letters) and the live-update connections; and each background job's runs by outcome
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

use crate::router::ServerState;

/// The label set of a request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/events/{id}`), or `other` for what no route matched.
    route: String,
    status: String,
}

/// The background jobs, as `/metrics` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Deadlines: warnings, overdue, escalation (`events::jobs`).
    Supervision,
    /// The run-time registers read again (`engine_jobs`).
    RuntimeRegisters,
    ApprovalReminders,
    ImportsSweep,
    HistoryArchive,
    /// A round of the exchange's outbox (`exchange::deliver`).
    ExchangeDelivery,
}

impl Job {
    pub const fn as_str(self) -> &'static str {
        match self {
            Job::Supervision => "supervision",
            Job::RuntimeRegisters => "runtime_registers",
            Job::ApprovalReminders => "approval_reminders",
            Job::ImportsSweep => "imports_sweep",
            Job::HistoryArchive => "history_archive",
            Job::ExchangeDelivery => "exchange_delivery",
        }
    }
}

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
    live_connections: Gauge,
    job_runs: Family<JobRun, Counter>,
    job_last_success: Family<JobName, Gauge>,
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
            live_connections: gauge(&mut registry, "live_connections", "Open live-update streams (SSE)"),
            registry,
            requests,
            latency,
            job_runs,
            job_last_success,
            token,
        }
    }

    /// A run of a background job ended, well or not.
    pub fn job(&self, job: Job, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.job_runs.get_or_create(&JobRun { job: job.as_str().to_owned(), outcome: outcome.to_owned() }).inc();
        if ok {
            self.job_last_success
                .get_or_create(&JobName { job: job.as_str().to_owned() })
                .set(chrono::Utc::now().timestamp());
        }
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
        let mut conn = state.app.pool.get().await.ok()?;
        shared::exchange::service::counts(&mut conn, None).await.ok()
    };
    match tokio::time::timeout(std::time::Duration::from_secs(2), outbox).await.ok().flatten() {
        Some(outbox) => {
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
        metrics.job(Job::ExchangeDelivery, true);
        metrics.job(Job::ExchangeDelivery, true);
        metrics.job(Job::Supervision, false);
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
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}

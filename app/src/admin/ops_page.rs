//! `/admin/ops` (运行维护): the platform's health for the system administrator — a verdict
//! at the top with what needs a person, then the server, the database (size, connections,
//! long statements, largest tables), disk space, the background jobs, the data exchange, and
//! the backups with their restore drills, which can be started here. While a run goes on the
//! page reads itself again every two seconds.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::operations::{
    BackupRun, BackupSection, DatabaseSection, DiskSection, Health, JobSection, Overview, RunKind, RunOutcome,
};

use super::api::{StartBackupRun, operations_overview};
use crate::components::{ErrorAlert, ErrorBanner, PageHeader, RowsTable, last_error};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

#[component]
pub fn OpsPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let start = ServerAction::<StartBackupRun>::new();
    let tick = RwSignal::new(0u32);
    let overview = resource(move || (tick.get(), start.version().get()), |_| operations_overview());
    Effect::new(move |_| {
        if let Some(Ok(overview)) = overview.get()
            && overview.backups.running.is_some()
        {
            set_timeout(move || tick.update(|tick| *tick += 1), std::time::Duration::from_secs(2));
        }
    });
    let started = move || match start.value().get() {
        Some(Ok((_, kind))) => Some(kind),
        _ => query.read().get("started").and_then(|kind| RunKind::parse(&kind)),
    };
    view! {
        <PageHeader title="nav.ops" section="nav.section.admin" description="ops_page.description">
            <a class="btn btn-ghost" href="/admin/ops">{locale.t("ops_page.refresh")}</a>
        </PageHeader>
        <Show when=move || started() == Some(RunKind::Backup)>
            <p class="alert alert-info" role="status">{locale.t("ops_page.backup_started")}</p>
        </Show>
        <Show when=move || started() == Some(RunKind::Drill)>
            <p class="alert alert-info" role="status">{locale.t("ops_page.drill_started")}</p>
        </Show>
        <ErrorBanner error=last_error(start.value()) />
        <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(overview) => view! { <Operations overview start /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn health_class(health: Health) -> &'static str {
    match health {
        Health::Ok => "badge badge-ok",
        Health::Warning => "badge badge-warn",
        Health::Alert => "badge badge-danger",
    }
}

#[component]
fn HealthBadge(health: Health) -> impl IntoView {
    let locale = use_locale();
    view! { <span class=health_class(health) data-health=health.as_str()>{locale.t(health.i18n_key())}</span> }
}

fn when(at: DateTime<Utc>) -> String {
    shared::time::local(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// 1.2 GB, 340 MB, 12 KB.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// How long ago, in the largest whole unit.
fn ago(locale: Locale, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    let span = match minutes {
        0 => return locale.t("ops_page.just_now"),
        1..60 => locale.tf("ops_page.minutes", &[("n", minutes.to_string())]),
        60..2880 => locale.tf("ops_page.hours", &[("n", (minutes / 60).to_string())]),
        _ => locale.tf("ops_page.days", &[("n", (minutes / 1440).to_string())]),
    };
    locale.tf("ops_page.age", &[("age", span)])
}

#[component]
fn Operations(overview: Overview, start: ServerAction<StartBackupRun>) -> impl IntoView {
    let locale = use_locale();
    let Overview { checked_at, health, findings, server, database, disks, jobs, exchange, backups } = overview;
    let verdict = match health {
        Health::Ok => ("alert alert-success", "ops_page.overall.ok"),
        Health::Warning => ("alert alert-warn", "ops_page.overall.warning"),
        Health::Alert => ("alert alert-error", "ops_page.overall.alert"),
    };
    let findings = findings
        .into_iter()
        .map(|finding| view! { <li data-finding=finding.as_str()>{locale.t(finding.i18n_key())}</li> })
        .collect_view();
    let last_backup = backups.last_backup.as_ref().map(|run| ago(locale, run.started_at, checked_at));
    let last_drill = backups.last_drill.as_ref().map(|run| {
        let outcome = run.outcome.map(|o| locale.t(o.i18n_key())).unwrap_or_default();
        format!("{outcome} · {}", ago(locale, run.started_at, checked_at))
    });
    let none = locale.t("ops_page.none_yet");
    view! {
        <section class=verdict.0 role="status" data-testid="ops-health" data-health=health.as_str()>
            <strong>{locale.t(verdict.1)}</strong>
            <ul>{findings}</ul>
            <small>{locale.tf("ops_page.checked_at", &[("time", when(checked_at))])}</small>
        </section>
        <div class="stat-grid">
            <div class="stat-card">
                <span class="stat-label">{locale.t("ops_page.db_size")}</span>
                <span class="stat-value">{bytes(database.size_bytes.max(0) as u64)}</span>
            </div>
            <div class="stat-card">
                <span class="stat-label">{locale.t("ops_page.connections")}</span>
                <span class="stat-value">{database.connections}</span>
                <span class="stat-sub">{format!("/ {}", database.max_connections)}</span>
            </div>
            <div class="stat-card" data-testid="ops-last-backup">
                <span class="stat-label">{locale.t("ops_page.last_backup")}</span>
                <span class="stat-value">{last_backup.unwrap_or_else(|| none.clone())}</span>
            </div>
            <div class="stat-card" data-testid="ops-last-drill">
                <span class="stat-label">{locale.t("ops_page.last_drill")}</span>
                <span class="stat-value">{last_drill.unwrap_or(none)}</span>
            </div>
            <div class="stat-card">
                <span class="stat-label">{locale.t("ops_page.dead")}</span>
                <span class="stat-value">{exchange.dead}</span>
            </div>
        </div>
        <BackupsCard backups checked_at start />
        <div class="card-grid">
            <section class="card" aria-labelledby="ops-server-title">
                <h2 class="card-title" id="ops-server-title">{locale.t("ops_page.server")}</h2>
                <dl class="facts">
                    <dt>{locale.t("ops_page.version")}</dt>
                    <dd>{server.version}</dd>
                    <dt>{locale.t("ops_page.started")}</dt>
                    <dd>{server.started_at.map(when).unwrap_or_default()}</dd>
                    <dt>{locale.t("ops_page.host")}</dt>
                    <dd>{server.host}</dd>
                    <dt>{locale.t("ops_page.db_version")}</dt>
                    <dd>{database.version.clone()}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="ops-exchange-title">
                <h2 class="card-title" id="ops-exchange-title">
                    {locale.t("ops_page.exchange")} " " <HealthBadge health=exchange.health />
                </h2>
                <dl class="facts">
                    <dt>{locale.t("ops_page.waiting")}</dt>
                    <dd>{exchange.waiting}</dd>
                    <dt>{locale.t("ops_page.failing")}</dt>
                    <dd>{exchange.failing}</dd>
                    <dt>{locale.t("ops_page.dead")}</dt>
                    <dd>{exchange.dead}</dd>
                </dl>
                <a href="/admin/exchange">{locale.t("ops_page.open_exchange")}</a>
            </section>
        </div>
        <DisksCard disks />
        <JobsCard jobs />
        <DatabaseCard database />
    }
}

#[component]
fn BackupsCard(
    backups: BackupSection,
    checked_at: DateTime<Utc>,
    start: ServerAction<StartBackupRun>,
) -> impl IntoView {
    let locale = use_locale();
    let BackupSection { health, policy, running, recent, files, .. } = backups;
    let policy = match &policy {
        None => locale.t("ops_page.not_configured"),
        Some(policy) if policy.interval_hours == 0 => locale.t("ops_page.policy_off"),
        Some(policy) => locale.tf(
            "ops_page.policy",
            &[
                ("dir", policy.directory.clone()),
                ("hours", policy.interval_hours.to_string()),
                ("keep", policy.keep.to_string()),
                ("drill", policy.drill_interval_hours.to_string()),
            ],
        ),
    };
    let busy = running.is_some();
    let running = running.map(|run| {
        let text = locale.tf(
            "ops_page.running",
            &[("kind", locale.t(run.kind.i18n_key())), ("since", ago(locale, run.started_at, checked_at))],
        );
        view! { <p class="alert alert-info" role="status" data-testid="ops-running" aria-busy="true">{text}</p> }
    });
    let button = move |kind: RunKind, label: &'static str, class: &'static str| {
        view! {
            <ActionForm action=start>
                <input type="hidden" name="kind" value=kind.as_str() />
                <button type="submit" class=class disabled=busy aria-busy=move || start.pending().get().to_string()>
                    {locale.t(label)}
                </button>
            </ActionForm>
        }
    };
    let n = recent.len();
    let runs = recent.into_iter().map(|run| view! { <RunRow run /> }).collect_view();
    let file_count = files.len();
    let files = files
        .into_iter()
        .map(|file| {
            view! {
                <tr>
                    <td class="mono">{file.name}</td>
                    <td>{when(file.modified)}</td>
                    <td>{bytes(file.bytes)}</td>
                    <td>{if file.has_checksum { "✓" } else { "✗" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="ops-backups-title" data-testid="ops-backups">
            <h2 class="card-title" id="ops-backups-title">
                {locale.t("ops_page.backups")} " " <HealthBadge health />
            </h2>
            <p class="muted">{policy}</p>
            {running}
            <div class="cluster">
                {button(RunKind::Backup, "ops_page.backup_now", "btn btn-primary")}
                {button(RunKind::Drill, "ops_page.drill_now", "btn btn-ghost")}
            </div>
            <h3>{locale.t("ops_page.runs")}</h3>
            <RowsTable
                testid="ops-runs"
                heads=&[
                    "ops_page.kind",
                    "ops_page.trigger",
                    "ops_page.started_at",
                    "ops_page.took",
                    "ops_page.outcome",
                    "ops_page.file",
                    "ops_page.details",
                ]
                empty="ops_page.none_yet"
                rows=n
            >
                {runs}
            </RowsTable>
            <h3>{locale.t("ops_page.files")}</h3>
            <RowsTable
                testid="ops-files"
                heads=&["ops_page.file", "ops_page.modified", "ops_page.size", "ops_page.has_checksum"]
                empty="ops_page.no_files"
                rows=file_count
            >
                {files}
            </RowsTable>
            <p class="muted"><code>{locale.t("ops_page.cli")}</code></p>
        </section>
    }
}

#[component]
fn RunRow(run: BackupRun) -> impl IntoView {
    let locale = use_locale();
    let took = run.finished_at.map(|end| format!("{:.1} s", (end - run.started_at).num_milliseconds() as f64 / 1000.0));
    let outcome = match run.outcome {
        None => view! { <span class="badge badge-info">{locale.t("ops_page.running_short")}</span> }.into_any(),
        Some(outcome) => {
            let class = match outcome {
                RunOutcome::Ok => "badge badge-ok",
                RunOutcome::Failed => "badge badge-danger",
                RunOutcome::Interrupted => "badge badge-warn",
            };
            view! { <span class=class data-outcome=outcome.as_str()>{locale.t(outcome.i18n_key())}</span> }.into_any()
        }
    };
    let differ = run.tables.iter().filter(|t| run.kind == RunKind::Drill && !t.restored_intact()).count();
    let summary = if differ > 0 {
        locale.tf("ops_page.tables_differ", &[("n", differ.to_string())])
    } else {
        locale.tf("ops_page.tables_checked", &[("n", run.tables.len().to_string())])
    };
    let details = (run.kind == RunKind::Drill && !run.tables.is_empty()).then(|| {
        let rows = run
            .tables
            .iter()
            .map(|table| {
                let show = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "—".to_owned());
                let intact = table.restored_intact();
                view! {
                    <tr data-intact=intact.to_string()>
                        <td class="mono">{table.table.clone()}</td>
                        <td>{table.rows}</td>
                        <td>{show(table.restored_rows)}</td>
                        <td>{show(table.live_rows)}</td>
                        <td>{if intact { "✓" } else { "✗" }}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <details>
                <summary>{summary.clone()}</summary>
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{locale.t("ops_page.table")}</th>
                            <th scope="col">{locale.t("ops_page.rows_backup")}</th>
                            <th scope="col">{locale.t("ops_page.rows_restored")}</th>
                            <th scope="col">{locale.t("ops_page.rows_live")}</th>
                            <th scope="col">{locale.t("ops_page.match")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        }
    });
    // One node in the cell: a folded table for a drill, else the summary's text (two
    // optional views side by side would leave hydration two markers to find).
    let checked = match details {
        Some(details) => details.into_any(),
        None if run.tables.is_empty() => view! { <span></span> }.into_any(),
        None => view! { <span>{summary.clone()}</span> }.into_any(),
    };
    // One text node: two texts side by side render as one, which hydration cannot split.
    let started_by = format!("{} {}", locale.t(run.trigger.i18n_key()), run.actor_name);
    view! {
        <tr data-kind=run.kind.as_str()>
            <td>{locale.t(run.kind.i18n_key())}</td>
            <td>{started_by}</td>
            <td>{when(run.started_at)}</td>
            <td>{took.unwrap_or_default()}</td>
            <td>{outcome}<span class="muted run-error">{run.error}</span></td>
            <td class="mono" title=run.sha256>{run.file}</td>
            <td>{checked}</td>
        </tr>
    }
}

#[component]
fn DisksCard(disks: Vec<DiskSection>) -> impl IntoView {
    let locale = use_locale();
    let n = disks.len();
    let rows = disks
        .into_iter()
        .map(|disk| {
            let used = (disk.free_bytes * 100).checked_div(disk.total_bytes).map_or(0, |free| 100 - free);
            let purpose = locale.t(&format!("ops_page.purpose_{}", disk.purpose));
            view! {
                <tr>
                    <td>{purpose}</td>
                    <td class="mono">{disk.path}</td>
                    <td>
                        <span class="bar-track" role="img" aria-label=format!("{used}%")>
                            <span class="bar-fill" style=format!("width:{used}%")></span>
                        </span>
                    </td>
                    <td>{bytes(disk.free_bytes)}</td>
                    <td>{bytes(disk.total_bytes)}</td>
                    <td><HealthBadge health=disk.health /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="ops-disks-title">
            <h2 class="card-title" id="ops-disks-title">{locale.t("ops_page.disks")}</h2>
            <RowsTable
                testid="ops-disks"
                heads=&["ops_page.purpose", "ops_page.path", "", "ops_page.free", "ops_page.total", "ops_page.state"]
                empty="ops_page.none_yet"
                rows=n
            >
                {rows}
            </RowsTable>
        </section>
    }
}

#[component]
fn JobsCard(jobs: Vec<JobSection>) -> impl IntoView {
    let locale = use_locale();
    let n = jobs.len();
    let never = locale.t("ops_page.never");
    let rows = jobs
        .into_iter()
        .map(|job| {
            let never = never.clone();
            view! {
                <tr data-job=job.job.as_str()>
                    <td>{locale.t(job.job.i18n_key())}</td>
                    <td><HealthBadge health=job.health /></td>
                    <td>{job.last_run_at.map(when).unwrap_or(never)}</td>
                    <td>{job.last_success_at.map(when).unwrap_or_default()}</td>
                    <td>{job.failures_in_a_row}</td>
                    <td class="muted">{job.last_error}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="ops-jobs-title">
            <h2 class="card-title" id="ops-jobs-title">{locale.t("ops_page.jobs")}</h2>
            <RowsTable
                testid="ops-jobs"
                heads=&[
                    "ops_page.job",
                    "ops_page.state",
                    "ops_page.last_run",
                    "ops_page.last_success",
                    "ops_page.failures",
                    "ops_page.last_error",
                ]
                empty="ops_page.none_yet"
                rows=n
            >
                {rows}
            </RowsTable>
        </section>
    }
}

#[component]
fn DatabaseCard(database: DatabaseSection) -> impl IntoView {
    let locale = use_locale();
    let long = database.long_queries.len();
    let queries = database
        .long_queries
        .into_iter()
        .map(|query| {
            view! {
                <tr>
                    <td>{format!("{:.0}", query.seconds)}</td>
                    <td>{query.state}</td>
                    <td>{query.application}</td>
                    <td class="mono">{query.query}</td>
                </tr>
            }
        })
        .collect_view();
    let largest = database.largest.len();
    let tables = database
        .largest
        .into_iter()
        .map(|(name, size, rows)| {
            view! {
                <tr>
                    <td class="mono">{name}</td>
                    <td>{bytes(size.max(0) as u64)}</td>
                    <td>{rows}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="ops-db-title">
            <h2 class="card-title" id="ops-db-title">
                {locale.t("ops_page.database")} " " <HealthBadge health=database.health />
            </h2>
            <h3>{locale.t("ops_page.long_queries")}</h3>
            <RowsTable
                testid="ops-long-queries"
                heads=&["ops_page.seconds", "ops_page.state", "ops_page.application", "ops_page.statement"]
                empty="ops_page.no_long_queries"
                rows=long
            >
                {queries}
            </RowsTable>
            <h3>{locale.t("ops_page.largest")}</h3>
            <RowsTable
                testid="ops-largest"
                heads=&["ops_page.table", "ops_page.size", "ops_page.rows"]
                empty="ops_page.none_yet"
                rows=largest
            >
                {tables}
            </RowsTable>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_the_largest_unit() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GB");
    }

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        let now = Utc::now();
        let zh = Locale::ZhCn;
        assert_eq!(ago(zh, now, now), "刚刚");
        assert_eq!(ago(zh, now - chrono::Duration::minutes(5), now), "5 分钟前");
        assert_eq!(ago(zh, now - chrono::Duration::hours(3), now), "3 小时前");
        assert_eq!(ago(zh, now - chrono::Duration::days(3), now), "3 天前");
    }
}

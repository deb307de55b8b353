//! `/m/<module>/<register>/import`: bringing a file into a register (R-import). The import
//! template in Excel or CSV, the upload (a plain multipart form: the server checks every row
//! and answers with a redirect to the import's page, or back here with the reason), and the
//! user's latest imports of the register to come back to.
//!
//! `/m/<module>/<register>/import/<id>`: one import. Its preview — rows in the file, rows
//! without a problem, and every problem by row, column and reason — with the commit, offered
//! only when no row has a problem (a file is imported whole or not at all); then its
//! progress, which the page polls while the server writes in the background; the user may
//! leave and come back. Everything is a plain form or link: it works without JavaScript
//! (the progress then by reloading).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::engine::transfer::{ImportProgress, ImportStatus, MAX_FILE_BYTES, MAX_ROWS, RowError};
use shared::error::ErrorCode;

use super::Meta;
use super::api::{list_imports, read_import};
use super::header::Header;
use crate::components::ErrorAlert;
use crate::dashboard::format_number;
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

/// The upload page: templates, the upload form, the latest imports.
#[component]
pub fn ImportPage(meta: Meta) -> impl IntoView {
    let locale = use_locale();
    let (module, name) = (meta.module.clone(), meta.name.clone());
    let recent = resource(|| (), move |_| list_imports(module.clone(), name.clone()));
    let query = use_query_map();
    // The reason a plain post was sent back with (`?error=import.too_large`).
    let refused = move || {
        query.read().get("error").and_then(|code| ErrorCode::parse(&code)).map(|code| {
            view! { <div class="alert alert-error" role="alert" data-testid="import-refused">{locale.t(code.i18n_key())}</div> }
        })
    };
    let api = format!("/api/engine/{}/{}", meta.module, meta.name);
    let limits = locale.tf(
        "engine.import.limits",
        &[("rows", format_number(MAX_ROWS as i64)), ("mb", (MAX_FILE_BYTES / 1024 / 1024).to_string())],
    );
    let base = format!("{}/import", meta.path());
    view! {
        <Header meta=meta.clone() heading=locale.t("engine.import.title")>
            <a class="btn btn-ghost" href=meta.path()>{locale.t("engine.back")}</a>
        </Header>
        <div class="card-grid import-grid">
            <section class="card" aria-labelledby="import-template-title">
                <h2 class="card-title" id="import-template-title">{locale.t("engine.import.step_template")}</h2>
                <p class="muted">{locale.t("engine.import.template_hint")}</p>
                <p class="cluster">
                    <a class="btn btn-ghost" href=format!("{api}/template.xlsx") rel="external" download data-testid="import-template">{locale.t("engine.import.template_xlsx")}</a>
                    <a class="btn btn-ghost" href=format!("{api}/template.csv") rel="external" download>{locale.t("engine.import.template_csv")}</a>
                </p>
            </section>
            <section class="card" aria-labelledby="import-upload-title">
                <h2 class="card-title" id="import-upload-title">{locale.t("engine.import.step_upload")}</h2>
                {refused}
                <form class="form" method="post" enctype="multipart/form-data" action=format!("{api}/import") data-testid="import-upload">
                    <div class="field">
                        <label for="import-file" class="required">{locale.t("engine.import.file")}</label>
                        <input id="import-file" name="file" type="file" required=true accept=".xlsx,.csv,.geojson,.json" aria-describedby="import-file-hint" />
                        <p class="field-hint" id="import-file-hint">{limits}</p>
                    </div>
                    <button class="btn btn-primary" type="submit" data-testid="import-check">{locale.t("engine.import.check")}</button>
                </form>
            </section>
        </div>
        <section class="card" aria-labelledby="import-recent-title">
            <h2 class="card-title" id="import-recent-title">{locale.t("engine.import.recent")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let base = base.clone();
                    Suspend::new(async move {
                        match recent.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(imports) if imports.is_empty() => view! { <p class="muted">{locale.t("engine.import.none")}</p> }.into_any(),
                            Ok(imports) => view! { <RecentTable locale base imports /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn RecentTable(locale: Locale, base: String, imports: Vec<ImportProgress>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid="import-recent">
                <caption class="visually-hidden">{locale.t("engine.import.recent")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("engine.import.file")}</th>
                        <th scope="col">{locale.t("engine.import.when")}</th>
                        <th scope="col">{locale.t("engine.import.status")}</th>
                        <th scope="col">{locale.t("engine.import.rows")}</th>
                    </tr>
                </thead>
                <tbody>
                    {imports
                        .into_iter()
                        .map(|import| {
                            let when = shared::time::local(import.created_at).format("%Y-%m-%d %H:%M").to_string();
                            let rows = locale.tf(
                                "engine.import.rows_of",
                                &[("good", import.good.to_string()), ("total", import.total.to_string())],
                            );
                            view! {
                                <tr>
                                    <td data-label=locale.t("engine.import.file")><a href=format!("{base}/{}", import.id)>{import.file_name.clone()}</a></td>
                                    <td data-label=locale.t("engine.import.when")>{when}</td>
                                    <td data-label=locale.t("engine.import.status")><StatusBadge locale import=import.clone() /></td>
                                    <td data-label=locale.t("engine.import.rows")>{rows}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn StatusBadge(locale: Locale, import: ImportProgress) -> impl IntoView {
    let (class, key) = match import.status {
        ImportStatus::Previewed if import.good == import.total && import.total > 0 => {
            ("badge badge-info", "engine.import.state.ready")
        }
        ImportStatus::Previewed => ("badge badge-warn", "engine.import.state.problems"),
        ImportStatus::Running => ("badge badge-info", "engine.import.state.running"),
        ImportStatus::Done => ("badge badge-ok", "engine.import.state.done"),
        ImportStatus::Failed => ("badge badge-danger", "engine.import.state.failed"),
    };
    view! { <span class=class data-status=import.status.as_str()>{locale.t(key)}</span> }
}

/// One import: its preview and commit, then its progress.
#[component]
pub fn ImportRunPage(meta: Meta, id: i64) -> impl IntoView {
    let locale = use_locale();
    let (module, name) = (meta.module.clone(), meta.name.clone());
    // Each tick reads the import again; the page ticks while the import runs.
    let tick = RwSignal::new(0u32);
    let import = resource(move || tick.get(), move |_| read_import(module.clone(), name.clone(), id));
    Effect::new(move |_| {
        if let Some(Ok(progress)) = import.get()
            && progress.status == ImportStatus::Running
        {
            set_timeout(move || tick.update(|tick| *tick += 1), std::time::Duration::from_secs(1));
        }
    });
    let back = format!("{}/import", meta.path());
    view! {
        <Header meta=meta.clone() heading=locale.t("engine.import.title")>
            <a class="btn btn-ghost" href=back.clone()>{locale.t("engine.import.another")}</a>
        </Header>
        <section class="card" aria-labelledby="import-run-title" data-testid="import-run">
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let meta = meta.clone();
                    Suspend::new(async move {
                        match import.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(import) => view! { <Run locale meta import /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Run(locale: Locale, meta: Meta, import: ImportProgress) -> impl IntoView {
    let problems = import.total - import.good;
    let summary = locale.tf(
        "engine.import.summary",
        &[
            ("total", format_number(i64::from(import.total))),
            ("good", format_number(i64::from(import.good))),
            ("bad", format_number(i64::from(problems))),
        ],
    );
    let what = match import.status {
        ImportStatus::Previewed if problems == 0 && import.total > 0 => view! {
            <div class="alert alert-info" role="status">{locale.tf("engine.import.ready", &[("n", format_number(i64::from(import.good)))])}</div>
            <form method="post" action=format!("/api/engine/imports/{}/commit", import.id) class="form">
                <button class="btn btn-primary" type="submit" data-testid="import-commit">
                    {locale.tf("engine.import.commit", &[("n", format_number(i64::from(import.good)))])}
                </button>
            </form>
        }
        .into_any(),
        ImportStatus::Previewed => view! {
            <div class="alert alert-warn" role="alert" data-testid="import-problems">
                {if import.total == 0 { locale.t("engine.import.empty") } else { locale.tf("engine.import.has_problems", &[("n", problems.to_string())]) }}
            </div>
            <ProblemTable locale errors=import.errors.clone() />
        }
        .into_any(),
        ImportStatus::Running => {
            let percent = (import.done * 100).checked_div(import.good).unwrap_or(0);
            view! {
                <div class="field" aria-live="polite">
                    <label for="import-progress">{locale.tf("engine.import.running", &[("done", format_number(i64::from(import.done))), ("good", format_number(i64::from(import.good)))])}</label>
                    <progress id="import-progress" max=import.good value=import.done data-testid="import-progress">{format!("{percent}%")}</progress>
                    <p class="muted">{locale.t("engine.import.leave")}</p>
                </div>
            }
            .into_any()
        }
        ImportStatus::Done => view! {
            <div class="alert alert-success" role="status" data-testid="import-done">
                {locale.tf("engine.import.done", &[("n", format_number(i64::from(import.done)))])}
            </div>
            <p><a class="btn btn-primary" href=meta.path()>{locale.t("engine.import.to_list")}</a></p>
        }
        .into_any(),
        ImportStatus::Failed => view! {
            <div class="alert alert-error" role="alert" data-testid="import-failed">{locale.t("engine.import.failed")}</div>
            <ProblemTable locale errors=import.errors.clone() />
        }
        .into_any(),
    };
    view! {
        <h2 class="card-title" id="import-run-title">{import.file_name.clone()} " " <StatusBadge locale import=import.clone() /></h2>
        <p data-testid="import-summary">{summary}</p>
        {what}
    }
}

/// Every problem of the file: row, column, reason (the first thousand).
#[component]
fn ProblemTable(locale: Locale, errors: Vec<RowError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div class="table-wrap">
                <table class="data-table stack-mobile" data-testid="import-errors">
                    <caption class="visually-hidden">{locale.t("engine.import.problems")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{locale.t("engine.import.row")}</th>
                            <th scope="col">{locale.t("engine.import.column")}</th>
                            <th scope="col">{locale.t("engine.import.reason")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {errors
                            .into_iter()
                            .map(|error| view! {
                                <tr data-row=error.row>
                                    <td data-label=locale.t("engine.import.row")>{if error.row == 0 { "—".to_owned() } else { error.row.to_string() }}</td>
                                    <td data-label=locale.t("engine.import.column")>{if error.field.is_empty() { "—".to_owned() } else { error.field.clone() }}</td>
                                    <td data-label=locale.t("engine.import.reason")>{locale.t(error.code.i18n_key())}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}

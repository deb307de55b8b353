//! `/m/party/board`: 党建概况. Figures of the township (or of the user's village) on top; the
//! organisation tree with its size warnings and term reminders; the 三会一课 board — every
//! branch and group against what it owes over the last twelve months, behind ones marked —
//! with `?behind=1` to list only those; the members behind on their dues (for those who may
//! view dues); the development pipeline's time rules broken or coming due (for those who may
//! view applicants); and the figures by village as a chart and a table.
//! Server-rendered tables, readable without JavaScript and as cards on a phone.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::party::board::{Arrears, Compliance, OrganisationRow, PartyBoard, Pipeline, VillageRow};

use super::api::read_party_board;
use crate::components::{ErrorAlert, PageHeader};
use crate::dashboard::{BarChart, format_number};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

#[component]
pub fn BoardPage() -> impl IntoView {
    let locale = use_locale();
    let board = resource(|| (), |_| read_party_board());
    let query = use_query_map();
    let behind_only = Memo::new(move |_| query.read().get("behind").is_some_and(|value| value == "1"));
    view! {
        <PageHeader title="party.board.title" section="module.party" description="party.board.description" />
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(board) => view! { <Board locale board behind_only=behind_only.get() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Board(locale: Locale, board: PartyBoard, behind_only: bool) -> impl IntoView {
    let total = board.villages.last().cloned();
    let behind = board.organisations.iter().filter(|row| row.behind()).count();
    let warned = board.organisations.iter().filter(|row| !row.warnings.is_empty() || row.term.is_some()).count();
    let tiles = total.map(|total| {
        let tiles = [
            ("party.board.organisations", i64::from(total.organisations), "accent-blue"),
            ("party.board.full_members", i64::from(total.full_members), "accent-red"),
            ("party.board.probationary_members", i64::from(total.probationary_members), "accent-amber"),
            ("party.board.floating_members", i64::from(total.floating_members), "accent-amber"),
            ("party.board.meetings", i64::from(total.meetings), "accent-green"),
            ("party.board.behind", behind as i64, "accent-red"),
        ];
        view! {
            <section class="stat-grid" aria-label=locale.t("party.board.figures") data-testid="party-figures">
                {tiles
                    .into_iter()
                    .map(|(key, value, accent)| view! {
                        <div class=format!("stat-card {accent}") data-figure=key>
                            <p class="stat-label">{locale.t(key)}</p>
                            <p class="stat-value">{format_number(value)}</p>
                        </div>
                    })
                    .collect_view()}
            </section>
        }
    });
    let window = locale.tf(
        "party.board.window",
        &[("from", board.from.format("%Y-%m-%d").to_string()), ("today", board.today.format("%Y-%m-%d").to_string())],
    );
    let kinds = board.meeting_kinds.clone();
    let owing: Vec<OrganisationRow> = board
        .organisations
        .iter()
        .filter(|row| row.meetings.iter().any(Option::is_some))
        .filter(|row| !behind_only || row.behind())
        .cloned()
        .collect();
    view! {
        {tiles}
        <section class="card" aria-labelledby="party-tree-title" data-testid="party-tree">
            <h2 class="card-title" id="party-tree-title">
                {locale.t("party.board.tree")}
                {(warned > 0).then(|| view! { " " <span class="badge badge-warn">{locale.tf("party.board.warned", &[("n", warned.to_string())])}</span> })}
            </h2>
            <Tree locale rows=board.organisations.clone() />
        </section>
        <section class="card" aria-labelledby="party-compliance-title" data-testid="party-compliance">
            <h2 class="card-title" id="party-compliance-title">{locale.t("party.board.compliance")}</h2>
            <p class="muted">{window}</p>
            <p class="cluster">
                {if behind_only {
                    view! { <a class="btn btn-ghost" href="?">{locale.t("party.board.show_all")}</a> }.into_any()
                } else {
                    view! { <a class="btn btn-ghost" href="?behind=1" data-testid="party-behind-only">{locale.tf("party.board.behind_only", &[("n", behind.to_string())])}</a> }.into_any()
                }}
            </p>
            <ComplianceTable locale kinds rows=owing />
        </section>
        {board.arrears.map(|arrears| view! {
            <section class="card" aria-labelledby="party-arrears-title" data-testid="party-arrears">
                <h2 class="card-title" id="party-arrears-title">
                    {locale.t("party.board.arrears")}
                    {(arrears.lapsing > 0).then(|| view! { " " <span class="badge badge-danger">{locale.tf("party.board.lapsing", &[("n", arrears.lapsing.to_string())])}</span> })}
                </h2>
                <p class="muted">{locale.t("party.board.arrears_rule")}</p>
                <ArrearsTable locale arrears />
            </section>
        })}
        {board.pipeline.map(|pipeline| view! {
            <section class="card" aria-labelledby="party-pipeline-title" data-testid="party-pipeline">
                <h2 class="card-title" id="party-pipeline-title">
                    {locale.t("party.board.pipeline")}
                    {(pipeline.overdue > 0).then(|| view! { " " <span class="badge badge-danger">{locale.tf("party.board.pipeline_overdue", &[("n", pipeline.overdue.to_string())])}</span> })}
                </h2>
                <p class="muted">{locale.t("party.board.pipeline_rule")}</p>
                <PipelineTable locale pipeline today=board.today />
            </section>
        })}
        <section class="card" aria-labelledby="party-villages-title" data-testid="party-villages">
            <h2 class="card-title" id="party-villages-title">{locale.t("party.board.villages")}</h2>
            <Villages locale rows=board.villages />
        </section>
    }
}

/// The organisation tree: indented names, kind, village, secretary, members, term, warnings.
#[component]
fn Tree(locale: Locale, rows: Vec<OrganisationRow>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile party-tree">
                <caption class="visually-hidden">{locale.t("party.board.tree")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("party.board.name")}</th>
                        <th scope="col">{locale.t("party.board.kind")}</th>
                        <th scope="col">{locale.t("party.board.village")}</th>
                        <th scope="col">{locale.t("party.board.secretary")}</th>
                        <th scope="col">{locale.t("party.board.members")}</th>
                        <th scope="col">{locale.t("party.board.term_end")}</th>
                        <th scope="col">{locale.t("party.board.warnings")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let indent = format!("padding-inline-start: {}em", f32::from(row.depth) * 1.25);
                            let members = locale.tf(
                                "party.board.members_of",
                                &[("full", row.full_members.to_string()), ("probationary", row.probationary_members.to_string())],
                            );
                            let term_badge = row.term.clone().map(|(code, text)| {
                                let class = if code == "overdue" { "badge badge-danger" } else { "badge badge-warn" };
                                view! { " " <span class=class>{text}</span> }
                            });
                            let flagged = !row.warnings.is_empty() || row.term.is_some();
                            view! {
                                <tr data-organisation=row.id data-kind=row.kind.clone() data-flagged=flagged.to_string()>
                                    <td data-label=locale.t("party.board.name")>
                                        <span style=indent>
                                            <a href=format!("/m/party/organisations/{}", row.id)>{row.name.clone()}</a>
                                        </span>
                                    </td>
                                    <td data-label=locale.t("party.board.kind")>{row.kind_label.clone()}</td>
                                    <td data-label=locale.t("party.board.village")>{dash(&row.village)}</td>
                                    <td data-label=locale.t("party.board.secretary")>{dash(&row.secretary)}</td>
                                    <td data-label=locale.t("party.board.members")>{members}</td>
                                    <td data-label=locale.t("party.board.term_end")>
                                        {row.term_end.map(|day| day.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())}
                                        {term_badge}
                                    </td>
                                    <td data-label=locale.t("party.board.warnings")>
                                        {row.warnings.iter().map(|warning| view! { <span class="badge badge-warn party-warning">{warning.clone()}</span> " " }).collect_view()}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// 三会一课 per branch and group: held, and the months or quarters missed.
#[component]
fn ComplianceTable(locale: Locale, kinds: Vec<(String, String)>, rows: Vec<OrganisationRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">{locale.t("party.board.all_on_track")}</p> }.into_any();
    }
    let headers = kinds.iter().map(|(_, label)| view! { <th scope="col">{label.clone()}</th> }).collect_view();
    let columns: Vec<(String, String)> = kinds.clone();
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile party-compliance">
                <caption class="visually-hidden">{locale.t("party.board.compliance")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("party.board.name")}</th>
                        {headers}
                        <th scope="col">{locale.t("party.board.attendance")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let behind = row.behind();
                            let cells = row
                                .meetings
                                .iter()
                                .zip(columns.iter())
                                .map(|(cell, (kind, label))| view! {
                                    <td data-label=label.clone() data-kind=kind.clone()>{cell.clone().map(|c| view! { <Cell locale compliance=c /> })}</td>
                                })
                                .collect_view();
                            view! {
                                <tr data-organisation=row.id data-behind=behind.to_string()>
                                    <th scope="row" data-label=locale.t("party.board.name")>
                                        <a href=format!("/m/party/meetings?organisation={}", row.id)>{row.name.clone()}</a>
                                        {behind.then(|| view! { " " <span class="badge badge-danger">{locale.t("party.board.is_behind")}</span> })}
                                    </th>
                                    {cells}
                                    <td data-label=locale.t("party.board.attendance") data-testid="party-attendance">
                                        {match row.attendance {
                                            Some(a) => locale.tf("party.board.attendance_rate", &[
                                                ("percent", a.percent().to_string()),
                                                ("present", a.present.to_string()),
                                                ("recorded", a.recorded.to_string()),
                                            ]),
                                            None => locale.t("party.board.attendance_none"),
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The members behind on their dues, longest run first; each opens their dues.
#[component]
fn ArrearsTable(locale: Locale, arrears: Arrears) -> impl IntoView {
    if arrears.rows.is_empty() {
        return view! { <p class="muted" data-testid="party-arrears-none">{locale.t("party.board.arrears_none")}</p> }
            .into_any();
    }
    let more = (arrears.total as usize > arrears.rows.len())
        .then(|| locale.tf("party.board.arrears_more", &[("n", arrears.total.to_string())]));
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile">
                <caption class="visually-hidden">{locale.t("party.board.arrears")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("party.board.member")}</th>
                        <th scope="col">{locale.t("party.board.organisation")}</th>
                        <th scope="col">{locale.t("party.board.village")}</th>
                        <th scope="col">{locale.t("party.board.unpaid")}</th>
                        <th scope="col">{locale.t("party.board.longest")}</th>
                        <th scope="col">{locale.t("party.board.last_paid")}</th>
                    </tr>
                </thead>
                <tbody>
                    {arrears
                        .rows
                        .into_iter()
                        .map(|row| {
                            let months = |n: u32| locale.tf("party.board.months", &[("n", n.to_string())]);
                            let class = if row.lapsing { "badge badge-danger" } else { "badge badge-warn" };
                            view! {
                                <tr data-member=row.member data-lapsing=row.lapsing.to_string()>
                                    <th scope="row" data-label=locale.t("party.board.member")>
                                        <a href=format!("/m/party/dues?member={}", row.member)>{row.name.clone()}</a>
                                    </th>
                                    <td data-label=locale.t("party.board.organisation")>{dash(&row.organisation)}</td>
                                    <td data-label=locale.t("party.board.village")>{dash(&row.village)}</td>
                                    <td data-label=locale.t("party.board.unpaid")>{months(row.unpaid)}</td>
                                    <td data-label=locale.t("party.board.longest")><span class=class>{months(row.longest)}</span></td>
                                    <td data-label=locale.t("party.board.last_paid")>
                                        {row.last_paid.map(|day| day.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".to_owned())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {more.map(|more| view! { <p class="muted">{more}</p> })}
    }
    .into_any()
}

/// The pipeline's time rules broken or past their day (red), or due (amber within 30 days,
/// else plain), each opening the person's record.
#[component]
fn PipelineTable(locale: Locale, pipeline: Pipeline, today: chrono::NaiveDate) -> impl IntoView {
    if pipeline.rows.is_empty() {
        return view! { <p class="muted" data-testid="party-pipeline-none">{locale.t("party.board.pipeline_none")}</p> }
            .into_any();
    }
    let more = (pipeline.total as usize > pipeline.rows.len())
        .then(|| locale.tf("party.board.pipeline_more", &[("n", pipeline.total.to_string())]));
    let head = |key: &str| locale.t(&format!("party.board.{key}"));
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile">
                <caption class="visually-hidden">{head("pipeline")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{head("person")}</th>
                        <th scope="col">{head("organisation")}</th>
                        <th scope="col">{head("stage")}</th>
                        <th scope="col">{head("rule")}</th>
                    </tr>
                </thead>
                <tbody>
                    {pipeline
                        .rows
                        .into_iter()
                        .map(|row| {
                            let date = row.issue.due().map(|day| day.format("%Y-%m-%d").to_string()).unwrap_or_default();
                            let text = locale.tf(&format!("party.board.pipeline_issue.{}", row.issue.code()), &[("date", date)]);
                            let soon = row.issue.due().is_some_and(|day| (day - today).num_days() <= 30);
                            let class = if row.issue.overdue(today) {
                                "badge badge-danger"
                            } else if soon {
                                "badge badge-warn"
                            } else {
                                "badge badge-info"
                            };
                            view! {
                                <tr data-applicant=row.applicant data-issue=row.issue.code() data-overdue=row.issue.overdue(today).to_string()>
                                    <th scope="row" data-label=head("person")>
                                        <a href=format!("/m/party/applicants/{}", row.applicant)>{row.name.clone()}</a>
                                    </th>
                                    <td data-label=head("organisation")>{dash(&row.organisation)}</td>
                                    <td data-label=head("stage")>{row.stage.clone()}</td>
                                    <td data-label=head("rule")><span class=class>{text}</span></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {more.map(|more| view! { <p class="muted">{more}</p> })}
    }
    .into_any()
}

#[component]
fn Cell(locale: Locale, compliance: Compliance) -> impl IntoView {
    let last =
        compliance.last_held.map(|day| locale.tf("party.board.last_held", &[("day", day.format("%m-%d").to_string())]));
    let (class, text) = if compliance.missed == 0 {
        ("badge badge-ok", locale.tf("party.board.held", &[("n", compliance.held.to_string())]))
    } else if compliance.missed_last {
        ("badge badge-danger", locale.tf("party.board.missed", &[("n", compliance.missed.to_string())]))
    } else {
        ("badge badge-warn", locale.tf("party.board.missed", &[("n", compliance.missed.to_string())]))
    };
    view! {
        <span class=class data-missed=compliance.missed data-held=compliance.held>{text}</span>
        {last.map(|last| view! { <br /><span class="muted">{last}</span> })}
    }
}

/// Members by village as a chart, and every figure by village as a table with the total.
#[component]
fn Villages(locale: Locale, rows: Vec<VillageRow>) -> impl IntoView {
    let chart: Vec<(String, i64)> = rows
        .iter()
        .filter(|row| !row.village.is_empty())
        .map(|row| (row.village.clone(), i64::from(row.full_members + row.probationary_members)))
        .collect();
    view! {
        <BarChart label=locale.t("party.board.members_by_village") rows=chart />
        <div class="table-wrap">
            <table class="data-table stack-mobile">
                <caption class="visually-hidden">{locale.t("party.board.villages")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("party.board.village")}</th>
                        <th scope="col">{locale.t("party.board.organisations")}</th>
                        <th scope="col">{locale.t("party.board.full_members")}</th>
                        <th scope="col">{locale.t("party.board.probationary_members")}</th>
                        <th scope="col">{locale.t("party.board.floating_members")}</th>
                        <th scope="col">{locale.t("party.board.meetings")}</th>
                        <th scope="col">{locale.t("party.board.behind")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let name = if row.village.is_empty() { locale.t("party.board.total") } else { row.village.clone() };
                            let class = if row.village.is_empty() { "table-total" } else { "" };
                            view! {
                                <tr class=class>
                                    <th scope="row" data-label=locale.t("party.board.village")>{name}</th>
                                    <td data-label=locale.t("party.board.organisations")>{row.organisations}</td>
                                    <td data-label=locale.t("party.board.full_members")>{row.full_members}</td>
                                    <td data-label=locale.t("party.board.probationary_members")>{row.probationary_members}</td>
                                    <td data-label=locale.t("party.board.floating_members")>{row.floating_members}</td>
                                    <td data-label=locale.t("party.board.meetings")>{row.meetings}</td>
                                    <td data-label=locale.t("party.board.behind")>{row.behind}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn dash(text: &str) -> String {
    if text.is_empty() { "—".to_owned() } else { text.to_owned() }
}

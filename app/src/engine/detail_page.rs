//! `/m/<module>/<register>/<id>`: one record — every field with its label, its number,
//! state and place, who made and changed it and when; 编辑, 删除 (confirmed) and 打印 by
//! permission; the workflow steps the user may take from the record's state; and its
//! history, each version with who, when and what changed, and "恢复此版本" (the old values
//! as a new version); between them, what the register's module adds (`panels`). Every
//! button is a plain form or link, so the page works without JavaScript.

use leptos::prelude::*;
use shared::engine::record::Operation;
use shared::engine::{Action, Count, HISTORY_PAGE, Record, Referrers, RegisterMeta, Version};

use super::Meta;
use super::api::{DeleteRecord, RestoreVersion, StepRecord, get_record, record_history, record_referrers};
use super::header::Header;
use super::steps::Steps;
use super::texts::display_any;
use crate::components::{ErrorAlert, ErrorBanner, last_error};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

/// Date and time in China time, to the minute.
pub fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// The record's name: its first field's value (the label of a reference to it).
pub fn record_name(locale: Locale, meta: &RegisterMeta, record: &Record) -> String {
    meta.fields
        .first()
        .map(|field| display_any(locale, field, &record.values, &record.labels, &record.extra))
        .unwrap_or_else(|| format!("#{}", record.id))
}

#[component]
pub fn DetailPage(meta: Meta, id: i64) -> impl IntoView {
    let locale = use_locale();
    let restore = ServerAction::<RestoreVersion>::new();
    let delete = ServerAction::<DeleteRecord>::new();
    let step = ServerAction::<StepRecord>::new();
    let (module, name) = (meta.module.clone(), meta.name.clone());
    // Read again after a restore or a step: the page shows what the server now holds.
    let changes = move || (restore.version().get(), step.version().get());
    let record = {
        let (module, name) = (module.clone(), name.clone());
        resource(move || (id, changes()), move |(id, _)| get_record(module.clone(), name.clone(), id))
    };
    let referrers = {
        let (module, name) = (module.clone(), name.clone());
        resource(move || (id, changes()), move |(id, _)| record_referrers(module.clone(), name.clone(), id))
    };
    // Older versions a page at a time (`?history_before=<version>`): a link, so it works
    // without JavaScript too.
    let query = leptos_router::hooks::use_query_map();
    let before = move || query.read().get("history_before").and_then(|v| v.parse::<i32>().ok()).filter(|v| *v > 1);
    let history = resource(
        move || (id, changes(), before()),
        move |(id, _, before)| record_history(module.clone(), name.clone(), id, before),
    );
    let may_edit = meta.may(Action::Edit.name());
    let may_delete = meta.may(Action::Delete.name());
    let history_meta = meta.clone();
    view! {
        <ErrorBanner error=last_error(restore.value()) />
        <ErrorBanner error=last_error(delete.value()) />
        <ErrorBanner error=last_error(step.value()) />
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || {
                let meta = meta.clone();
                Suspend::new(async move {
                    match record.await {
                        Err(error) => view! { <Header meta heading=locale.t("engine.record") /> <ErrorAlert error /> }.into_any(),
                        Ok(record) => {
                            // What the register's module adds below the facts (a station's readings).
                            let panel = super::panels::record_panel(&meta, id);
                            view! { <Body meta record may_edit may_delete delete step /> {panel} }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // A refusal or failure here leaves the record's page as it is: the section is
                // extra information.
                referrers.await.ok().filter(|groups| !groups.is_empty()).map(|groups| view! { <ReferrerList id groups /> })
            })}
        </Suspense>
        <section class="card" aria-labelledby="engine-history">
            <h2 class="card-title" id="engine-history">{locale.t("engine.history")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let meta = history_meta.clone();
                    Suspend::new(async move {
                        match history.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(versions) => {
                                let before = before();
                                view! { <History meta id versions before may_restore=may_edit restore /> }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Body(
    meta: Meta,
    record: Record,
    may_edit: bool,
    may_delete: bool,
    delete: ServerAction<DeleteRecord>,
    step: ServerAction<StepRecord>,
) -> impl IntoView {
    let locale = use_locale();
    let path = super::record_path(&meta, record.id);
    let heading = record_name(locale, &meta, &record);
    let (module, name) = (meta.module.clone(), meta.name.clone());
    view! {
        <Header meta=meta.clone() heading>
            {may_edit.then(|| view! { <a class="btn btn-primary" href=format!("{path}/edit") data-testid="engine-edit">{locale.t("engine.edit")}</a> })}
            <a class="btn btn-ghost" href=format!("{path}/print") rel="external" target="_blank">{locale.t("engine.print")}</a>
            {may_delete.then(|| view! {
                <details class="confirm">
                    <summary class="btn btn-danger">{locale.t("engine.delete")}</summary>
                    <div class="confirm-body card">
                        <p>{locale.t("engine.delete_confirm")}</p>
                        <ActionForm action=delete>
                            <input type="hidden" name="module" value=module.clone() />
                            <input type="hidden" name="register" value=name.clone() />
                            <input type="hidden" name="id" value=record.id />
                            <input type="hidden" name="version" value=record.version />
                            <button class="btn btn-danger" type="submit" data-testid="engine-delete-confirm">{locale.t("engine.delete_yes")}</button>
                        </ActionForm>
                    </div>
                </details>
            })}
        </Header>
        <Steps meta=meta.clone() record=record.clone() action=step />
        <section class="card" aria-labelledby="engine-facts">
            <h2 class="card-title" id="engine-facts">{locale.t("engine.facts")}</h2>
            <dl class="facts engine-facts" data-testid="engine-facts">
                <Facts meta record=record.clone() />
            </dl>
        </section>
    }
}

/// Every fact of a record as `<dt>`/`<dd>` pairs (the detail and the print view): its
/// number, state and place, each field (custom fields after the declared ones), who made and
/// changed it.
#[component]
pub fn Facts(meta: Meta, record: Record) -> impl IntoView {
    let locale = use_locale();
    let pair = |label: String, value: String| view! { <dt>{label}</dt><dd>{value}</dd> };
    let state = record.state.as_deref().map(|state| meta.state_label(state));
    let fact = |field: &shared::engine::FieldMeta| {
        let value = display_any(locale, field, &record.values, &record.labels, &record.extra);
        view! { <dt>{field.label.clone()}</dt><dd data-field=field.name.clone()>{value}</dd> }
    };
    view! {
        {record.number.clone().map(|number| pair(locale.t("engine.column.number"), number))}
        {state.map(|state| pair(locale.t("engine.column.state"), state))}
        {(!record.place.is_empty()).then(|| pair(locale.t("engine.column.place"), record.place.clone()))}
        {meta.fields.iter().map(fact).collect_view()}
        {pair(locale.t("engine.created"), by(record.created_at, &record.created_by))}
        {pair(locale.t("engine.updated"), by(record.updated_at, &record.updated_by))}
        {pair(locale.t("engine.version"), record.version.to_string())}
    }
}

/// "2026-11-28 14:30 · 顾海峰" (a record loaded or seeded by no one has only the time).
fn by(at: chrono::DateTime<chrono::Utc>, who: &str) -> String {
    if who.is_empty() { when(at) } else { format!("{} · {who}", when(at)) }
}

pub fn operation_key(operation: Operation) -> &'static str {
    match operation {
        Operation::Create => "engine.operation.create",
        Operation::Edit => "engine.operation.edit",
        Operation::Delete => "engine.operation.delete",
        Operation::Restore => "engine.operation.restore",
        Operation::Step => "engine.operation.step",
    }
}

/// The records of other registers that refer to this one (关联记录), register by register.
#[component]
fn ReferrerList(id: i64, groups: Vec<Referrers>) -> impl IntoView {
    let locale = use_locale();
    let groups = groups
        .into_iter()
        .map(|group| {
            let count = match group.count {
                Count::Exact(n) => n.to_string(),
                Count::AtLeast(n) => locale.tf("engine.count_at_least", &[("n", n.to_string())]),
            };
            let more = match group.count {
                Count::Exact(n) => n > group.rows.len() as u64,
                Count::AtLeast(_) => true,
            };
            let all = more.then(|| group.list_path(id)).flatten().map(|href| {
                view! { <a class="referrers-all" href=href>{locale.t("engine.referrers_all")}</a> }
            });
            let rows = group
                .rows
                .iter()
                .map(|row| {
                    // The number names a record where it has one; else its list's columns do.
                    let (label, rest) = match (&row.number, row.summary.is_empty()) {
                        (Some(number), _) => (number.clone(), row.summary.clone()),
                        (None, false) => (row.summary.clone(), String::new()),
                        (None, true) => (format!("#{}", row.id), String::new()),
                    };
                    view! {
                        <li>
                            <a href=group.record_path(row.id)>{label}</a>
                            " "<span class="muted">{rest}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="referrers-group" data-referrers=format!("{}.{}.{}", group.module, group.register, group.field)>
                    <h3 class="referrers-title">{format!("{} · {}", group.title, group.field_label)}" "<span class="badge">{count}</span></h3>
                    <ul class="referrers-rows">{rows}</ul>
                    {all}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="engine-referrers" data-testid="engine-referrers">
            <h2 class="card-title" id="engine-referrers">{locale.t("engine.referrers")}</h2>
            {groups}
        </section>
    }
}

/// The versions, newest first; each but the newest can be restored.
#[component]
fn History(
    meta: Meta,
    id: i64,
    versions: Vec<Version>,
    /// The page shows the versions older than this one (not the newest).
    before: Option<i32>,
    may_restore: bool,
    restore: ServerAction<RestoreVersion>,
) -> impl IntoView {
    let locale = use_locale();
    let newest = if before.is_some() { None } else { versions.iter().map(|version| version.version).max() };
    let oldest = versions.iter().map(|version| version.version).min();
    let path = format!("/m/{}/{}/{id}", meta.module, meta.name);
    let older = (versions.len() >= HISTORY_PAGE)
        .then_some(oldest)
        .flatten()
        .filter(|oldest| *oldest > 1)
        .map(|oldest| format!("{path}?history_before={oldest}#engine-history"));
    let pages = view! {
        <p class="history-pages">
            {before.map(|_| view! { <a href=format!("{path}#engine-history") data-testid="history-newest">{locale.t("engine.history_newest")}</a> })}
            {older.map(|href| view! { <a href=href data-testid="history-older">{locale.t("engine.history_older")}</a> })}
        </p>
    };
    let (module, name) = (meta.module.clone(), meta.name.clone());
    let mut versions = versions;
    versions.sort_by_key(|version| std::cmp::Reverse(version.version));
    // A new record "changed" every field: only later versions say what they changed.
    let changed = move |version: &Version| {
        if version.operation == Operation::Create {
            return String::new();
        }
        version
            .changed
            .iter()
            .filter_map(|name| match meta.field(name) {
                Some(field) => Some(field.label.clone()),
                // The custom fields are one column (`extra`).
                None if name == "extra" => Some(locale.t("engine.custom_fields")),
                None => None,
            })
            .collect::<Vec<_>>()
            .join(&locale.t("engine.separator"))
    };
    view! {
        <ol class="timeline engine-history" data-testid="engine-history">
            {versions.into_iter().map(|version| {
                let (module, name) = (module.clone(), name.clone());
                let changed = changed(&version);
                let restorable = may_restore && Some(version.version) != newest && version.operation != Operation::Delete;
                view! {
                    <li class="timeline-step" data-version=version.version>
                        <div class="timeline-head">
                            <strong>{locale.tf("engine.version_n", &[("n", version.version.to_string())])}</strong>
                            <span class="badge">{locale.t(operation_key(version.operation))}</span>
                            {version.archived.then(|| view! { <span class="badge badge-muted" data-testid="engine-archived">{locale.t("engine.retention.archived")}</span> })}
                        </div>
                        <p class="muted">{by(version.at, &version.actor)}</p>
                        {(!changed.is_empty()).then(|| view! { <p>{locale.t("engine.changed")}" "{changed}</p> })}
                        {restorable.then(|| view! {
                            <ActionForm action=restore attr:class="inline-form">
                                <input type="hidden" name="module" value=module.clone() />
                                <input type="hidden" name="register" value=name.clone() />
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="version" value=version.version />
                                <button class="btn btn-ghost btn-small" type="submit">{locale.t("engine.restore")}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
        {pages}
    }
}

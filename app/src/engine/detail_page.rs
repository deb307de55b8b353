//! `/m/<module>/<register>/<id>`: one record — every field with its label, its number,
//! state and place, who made and changed it and when; 编辑, 删除 (confirmed) and 打印 by
//! permission; and its history, each version with who, when and what changed, and
//! "恢复此版本" (the old values as a new version). Every button is a plain form or link, so
//! the page works without JavaScript.

use leptos::prelude::*;
use shared::engine::declare::Field;
use shared::engine::record::Operation;
use shared::engine::{Action, Record, Register, Version};

use super::api::{DeleteRecord, RestoreVersion, get_record, record_history};
use super::header::Header;
use super::texts::{display, state_key};
use crate::components::{ErrorAlert, ErrorBanner, last_error};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

/// Date and time in China time, to the minute.
pub fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// The record's name: its first field's value (the label of a reference to it).
pub fn record_name(locale: Locale, register: &Register, record: &Record) -> String {
    register
        .fields
        .first()
        .map(|field| display(locale, field, record.values.get(field.name), record.labels.get(field.name)))
        .unwrap_or_else(|| format!("#{}", record.id))
}

#[component]
pub fn DetailPage(register: &'static Register, id: i64) -> impl IntoView {
    let locale = use_locale();
    let restore = ServerAction::<RestoreVersion>::new();
    let delete = ServerAction::<DeleteRecord>::new();
    let (module, name) = (register.module, register.name);
    let record =
        resource(move || (id, restore.version().get()), move |(id, _)| get_record(module.into(), name.into(), id));
    let history =
        resource(move || (id, restore.version().get()), move |(id, _)| record_history(module.into(), name.into(), id));
    let user = use_context::<shared::accounts::SessionUser>();
    let may = move |action| user.as_ref().is_some_and(|user| user.may(register, action));
    let (may_edit, may_delete) = (may(Action::Edit), may(Action::Delete));
    view! {
        <ErrorBanner error=last_error(restore.value()) />
        <ErrorBanner error=last_error(delete.value()) />
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Err(error) => view! { <Header register heading=locale.t("engine.record") /> <ErrorAlert error /> }.into_any(),
                    Ok(record) => view! { <Body register record may_edit may_delete delete /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card" aria-labelledby="engine-history">
            <h2 class="card-title" id="engine-history">{locale.t("engine.history")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(versions) => view! { <History register id versions may_restore=may_edit restore /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Body(
    register: &'static Register,
    record: Record,
    may_edit: bool,
    may_delete: bool,
    delete: ServerAction<DeleteRecord>,
) -> impl IntoView {
    let locale = use_locale();
    let path = super::record_path(register, record.id);
    let heading = record_name(locale, register, &record);
    view! {
        <Header register heading>
            {may_edit.then(|| view! { <a class="btn btn-primary" href=format!("{path}/edit") data-testid="engine-edit">{locale.t("engine.edit")}</a> })}
            <a class="btn btn-ghost" href=format!("{path}/print") rel="external" target="_blank">{locale.t("engine.print")}</a>
            {may_delete.then(|| view! {
                <details class="confirm">
                    <summary class="btn btn-danger">{locale.t("engine.delete")}</summary>
                    <div class="confirm-body card">
                        <p>{locale.t("engine.delete_confirm")}</p>
                        <ActionForm action=delete>
                            <input type="hidden" name="module" value=register.module />
                            <input type="hidden" name="register" value=register.name />
                            <input type="hidden" name="id" value=record.id />
                            <input type="hidden" name="version" value=record.version />
                            <button class="btn btn-danger" type="submit" data-testid="engine-delete-confirm">{locale.t("engine.delete_yes")}</button>
                        </ActionForm>
                    </div>
                </details>
            })}
        </Header>
        <section class="card" aria-labelledby="engine-facts">
            <h2 class="card-title" id="engine-facts">{locale.t("engine.facts")}</h2>
            <dl class="facts engine-facts" data-testid="engine-facts">
                <Facts register record=record.clone() />
            </dl>
        </section>
    }
}

/// Every fact of a record as `<dt>`/`<dd>` pairs (the detail and the print view).
#[component]
pub fn Facts(register: &'static Register, record: Record) -> impl IntoView {
    let locale = use_locale();
    let pair = |label: String, value: String| view! { <dt>{label}</dt><dd>{value}</dd> };
    let state = record.state.as_deref().map(|state| locale.t(&state_key(register, state)));
    let fact = |field: &Field| {
        let value = display(locale, field, record.values.get(field.name), record.labels.get(field.name));
        view! { <dt>{locale.t(&register.label_key(field.name))}</dt><dd data-field=field.name>{value}</dd> }
    };
    view! {
        {record.number.clone().map(|number| pair(locale.t("engine.column.number"), number))}
        {state.map(|state| pair(locale.t("engine.column.state"), state))}
        {(!record.place.is_empty()).then(|| pair(locale.t("engine.column.place"), record.place.clone()))}
        {register.fields.iter().map(fact).collect_view()}
        {record.extra.iter().map(|(key, value)| pair(key.clone(), value.clone())).collect_view()}
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

/// The versions, newest first; each but the newest can be restored.
#[component]
fn History(
    register: &'static Register,
    id: i64,
    versions: Vec<Version>,
    may_restore: bool,
    restore: ServerAction<RestoreVersion>,
) -> impl IntoView {
    let locale = use_locale();
    let newest = versions.iter().map(|version| version.version).max();
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
            .filter(|name| register.field(name).is_some())
            .map(|name| locale.t(&register.label_key(name)))
            .collect::<Vec<_>>()
            .join(&locale.t("engine.separator"))
    };
    view! {
        <ol class="timeline engine-history" data-testid="engine-history">
            {versions.into_iter().map(|version| {
                let changed = changed(&version);
                let restorable = may_restore && Some(version.version) != newest && version.operation != Operation::Delete;
                view! {
                    <li class="timeline-step" data-version=version.version>
                        <div class="timeline-head">
                            <strong>{locale.tf("engine.version_n", &[("n", version.version.to_string())])}</strong>
                            <span class="badge">{locale.t(operation_key(version.operation))}</span>
                        </div>
                        <p class="muted">{by(version.at, &version.actor)}</p>
                        {(!changed.is_empty()).then(|| view! { <p>{locale.t("engine.changed")}" "{changed}</p> })}
                        {restorable.then(|| view! {
                            <ActionForm action=restore attr:class="inline-form">
                                <input type="hidden" name="module" value=register.module />
                                <input type="hidden" name="register" value=register.name />
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="version" value=version.version />
                                <button class="btn btn-ghost btn-small" type="submit">{locale.t("engine.restore")}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

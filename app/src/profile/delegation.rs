//! The profile's "away" section (外出委托审批): name a colleague who approves in your place
//! between two days, see what you gave and what was given to you, end one early. Plain forms
//! answered with redirects: it works without JavaScript.

use leptos::prelude::*;
use shared::accounts::{SessionUser, UserKind};
use shared::engine::delegation::{Delegation, DelegationStatus, Delegations, MAX_DAYS, REASON_MAX};

use super::api::{Delegate, RevokeDelegation, read_delegations};
use crate::components::{
    Choice, ErrorAlert, ErrorBanner, Field, FieldErrorText, Select, field_errors, last_error, successes,
};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn DelegationSection() -> impl IntoView {
    let staff = use_context::<SessionUser>().is_some_and(|user| user.kind == UserKind::Staff);
    staff.then(|| view! { <Section /> })
}

#[component]
fn Section() -> impl IntoView {
    let locale = use_locale();
    let delegate = ServerAction::<Delegate>::new();
    let revoke = ServerAction::<RevokeDelegation>::new();
    // Read again after a delegation is given or ended, not after a refusal (which keeps the
    // form as typed).
    let (given, ended) = (successes(delegate.value()), successes(revoke.value()));
    let delegations = resource(move || (given.get(), ended.get()), move |_| read_delegations());
    view! {
        <section class="card" id="delegation" aria-labelledby="delegation-title" data-testid="delegation">
            <h2 class="card-title" id="delegation-title">{locale.t("me.delegation.title")}</h2>
            <p class="muted">{locale.t("me.delegation.intro")}</p>
            <ErrorBanner error=last_error(revoke.value()) />
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match delegations.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(delegations) => view! { <Body delegations delegate revoke /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Body(
    delegations: Delegations,
    delegate: ServerAction<Delegate>,
    revoke: ServerAction<RevokeDelegation>,
) -> impl IntoView {
    let locale = use_locale();
    let Delegations { given, received, colleagues } = delegations;
    view! {
        <NewDelegation colleagues action=delegate />
        <h3 class="delegation-list-title">{locale.t("me.delegation.given")}</h3>
        <DelegationTable rows=given testid="delegations-given" revoke=Some(revoke) />
        <h3 class="delegation-list-title">{locale.t("me.delegation.received")}</h3>
        <DelegationTable rows=received testid="delegations-received" revoke=None />
    }
}

#[component]
fn NewDelegation(colleagues: Vec<(i64, String)>, action: ServerAction<Delegate>) -> impl IntoView {
    let locale = use_locale();
    let error = last_error(action.value());
    let errors = move |name: &'static str| field_errors(error, name);
    let today = shared::time::today().format("%Y-%m-%d").to_string();
    let choices: Vec<Choice> = std::iter::once(Choice::empty(locale.t("me.delegation.choose")))
        .chain(colleagues.into_iter().map(|(id, name)| Choice::new(id, name)))
        .collect();
    // Given, the form empties for the next one (without JavaScript the page is new).
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(())))
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <ErrorBanner error />
        <ActionForm action node_ref=form attr:class="form" attr:novalidate=true>
            <div class="delegation-form">
                <div class="field">
                    <label for="field-delegate" class="required">{locale.t("me.delegation.delegate")}</label>
                    <Select id="field-delegate" name="form[delegate]" choices=choices required=true />
                    <FieldErrorText id="field-delegate-error".to_owned() errors=errors("delegate") />
                </div>
                <Field label="me.delegation.starts_on" name="starts_on" arg="form" kind="date" required=true value=today.clone() errors=errors("starts_on") />
                <Field label="me.delegation.ends_on" name="ends_on" arg="form" kind="date" required=true value=today errors=errors("ends_on") />
                <Field label="me.delegation.reason" name="reason" arg="form" errors=errors("reason") />
            </div>
            <p class="field-hint">{locale.tf("me.delegation.rules", &[("days", MAX_DAYS.to_string()), ("chars", REASON_MAX.to_string())])}</p>
            <div class="form-actions">
                <button class="btn btn-primary" type="submit" data-testid="delegation-add"
                    aria-busy=move || action.pending().get().to_string()>{locale.t("me.delegation.add")}</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn DelegationTable(
    rows: Vec<Delegation>,
    testid: &'static str,
    revoke: Option<ServerAction<RevokeDelegation>>,
) -> impl IntoView {
    let locale = use_locale();
    if rows.is_empty() {
        return view! { <p class="muted" data-testid=testid>{locale.t("me.delegation.none")}</p> }.into_any();
    }
    let head = |key: &str| locale.t(&format!("me.delegation.{key}"));
    let rows = rows
        .into_iter()
        .map(|row| {
            let badge = match row.status {
                DelegationStatus::Active => "badge badge-ok",
                DelegationStatus::Upcoming => "badge badge-info",
                DelegationStatus::Ended | DelegationStatus::Revoked => "badge badge-muted",
            };
            let end = (row.status.revocable())
                .then_some(revoke)
                .flatten()
                .map(|action| {
                    view! {
                        <ActionForm action attr:class="inline-form">
                            <input type="hidden" name="id" value=row.id />
                            <button class="btn btn-ghost btn-small" type="submit" data-testid="delegation-revoke">{locale.t("me.delegation.revoke")}</button>
                        </ActionForm>
                    }
                });
            view! {
                <tr data-status=row.status.as_str()>
                    <td data-label=head("delegator")>{row.delegator}</td>
                    <td data-label=head("delegate")>{row.delegate}</td>
                    <td data-label=head("days")>{format!("{} ~ {}", row.starts_on, row.ends_on)}</td>
                    <td data-label=head("reason")>{row.reason}</td>
                    <td data-label=head("status")><span class=badge>{head(&format!("status_{}", row.status.as_str()))}</span></td>
                    <td class="row-actions">{end}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">{head("delegator")}</th>
                        <th scope="col">{head("delegate")}</th>
                        <th scope="col">{head("days")}</th>
                        <th scope="col">{head("reason")}</th>
                        <th scope="col">{head("status")}</th>
                        <th scope="col"><span class="visually-hidden">{head("actions")}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

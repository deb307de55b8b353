//! The workflow panel of a record: its state, and a button for each step the user may take
//! from it (the server decides again: the step's permission, the approvers of a 会签 or 或签
//! step, the version seen). A step that asks for a reason opens a small form for it; a step
//! that needs several approvers says so and records this user's approval. Each is a plain
//! form: the page works without JavaScript.

use leptos::prelude::*;
use shared::engine::Record;
use shared::engine::meta::StepMeta;

use super::Meta;
use super::api::StepRecord;
use super::pending::deadline_flag;
use crate::i18n::use_locale;

#[component]
pub fn Steps(meta: Meta, record: Record, action: ServerAction<StepRecord>) -> impl IntoView {
    let locale = use_locale();
    let state = record.state.clone()?;
    let steps: Vec<StepMeta> =
        meta.steps.iter().filter(|step| step.from.contains(&state) && meta.may(&step.name)).cloned().collect();
    let label = meta.state_label(&state);
    // The state's deadline in working days, with its flag (overdue, due soon).
    let deadline = record.state_due.map(|due| {
        let flag = deadline_flag(record.deadline);
        view! {
            <p data-testid="engine-due">
                {locale.t("engine.pending.due")}" "
                <time datetime=due.to_rfc3339()>{shared::time::local(due).format("%Y-%m-%d %H:%M").to_string()}</time>
                {flag.map(|(class, key)| view! { " " <span class=class>{locale.t(key)}</span> })}
            </p>
        }
    });
    // Who approved which step (会签 progress), and for whom a colleague did while they were away.
    let approvals = (!record.approvals.is_empty()).then(|| {
        let items = record
            .approvals
            .iter()
            .map(|given| {
                let step = meta.steps.iter().find(|step| step.name == given.step).map(|step| step.label.clone());
                let by = given.acted_by.as_ref().map(|by| format!("（{by} {}）", locale.t("engine.approval_for")));
                let at = shared::time::local(given.at).format("%m-%d %H:%M").to_string();
                view! {
                    <li data-testid="engine-approval">
                        <strong>{given.approver.clone()}</strong>{by}" "
                        <span class="muted">{step.unwrap_or_default()}" · "{at}</span>
                        {given.reason.clone().map(|reason| view! { <span class="muted">" · "{reason}</span> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div>
                <h3 class="muted">{locale.t("engine.approvals_given")}</h3>
                <ul class="approval-list" data-testid="engine-approvals">{items}</ul>
            </div>
        }
    });
    let buttons = steps
        .into_iter()
        .map(|step| view! { <StepForm meta=meta.clone() record=record.clone() step action /> })
        .collect_view();
    Some(view! {
        <section class="card engine-workflow" aria-labelledby="engine-workflow" data-testid="engine-workflow">
            <h2 class="card-title" id="engine-workflow">{locale.t("engine.workflow")}</h2>
            <p>
                {locale.t("engine.column.state")}" "
                <span class="badge badge-info" data-testid="engine-state" data-state=state.clone()>{label}</span>
            </p>
            {deadline}
            {approvals}
            <div class="cluster">{buttons}</div>
        </section>
    })
}

#[component]
fn StepForm(meta: Meta, record: Record, step: StepMeta, action: ServerAction<StepRecord>) -> impl IntoView {
    let locale = use_locale();
    let hidden = view! {
        <input type="hidden" name="module" value=meta.module.clone() />
        <input type="hidden" name="register" value=meta.name.clone() />
        <input type="hidden" name="id" value=record.id />
        <input type="hidden" name="version" value=record.version />
        <input type="hidden" name="step" value=step.name.clone() />
    };
    let title = if step.several { locale.t("engine.step_approval") } else { String::new() };
    if !step.reason_required {
        return view! {
            <ActionForm action attr:class="inline-form">
                {hidden}
                <button class="btn btn-primary" type="submit" title=title data-step=step.name.clone()
                    aria-busy=move || action.pending().get().to_string()>{step.label.clone()}</button>
            </ActionForm>
        }
        .into_any();
    }
    // A return or a rejection: the reason first, in a disclosure so the panel stays small.
    let id = format!("step-reason-{}", step.name);
    view! {
        <details class="confirm">
            <summary class="btn btn-ghost" data-step=step.name.clone()>{step.label.clone()}</summary>
            <div class="confirm-body card">
                <ActionForm action attr:class="form">
                    {hidden}
                    <div class="field">
                        <label for=id.clone() class="required">{locale.t("engine.step_reason")}</label>
                        <textarea id=id name="reason" rows="3" maxlength="500" required=true></textarea>
                    </div>
                    <button class="btn btn-primary" type="submit" data-step-confirm=step.name.clone()>{step.label.clone()}</button>
                </ActionForm>
            </div>
        </details>
    }
    .into_any()
}

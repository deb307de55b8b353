//! One event: what, where, who; its photos; the timeline of every step with who, when,
//! why, how long and the photos of that step; and the steps the viewer may take now, each
//! a plain form (works without JavaScript, photos need it). Shared by the staff's inbox and
//! the reporter's "my reports".

use leptos::prelude::*;
use shared::events::{Action, EventDetail, StepRow};

use super::api::{TakeStep, event_options, get_event};
use super::labels;
use super::live::use_live;
use super::photo_picker::{PhotoPicker, UploadedPhoto, ids};
use crate::components::{Choice, ErrorAlert, ErrorBanner, Select, field_errors, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn EventDetailView(
    id: i64,
    /// Where the list is (the back link, and where the form returns without JavaScript).
    back: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let live = use_live();
    let step = ServerAction::<TakeStep>::new();
    let detail = resource(move || (id, live.get(), step.version().get()), |(id, _, _)| get_event(id));
    // Created here, not inside the reactive view below: resources made while a Suspend
    // re-runs would get other ids on the server than in the browser.
    let options = resource(|| (), |_| event_options());
    provide_context(options);
    view! {
        <nav class="breadcrumbs" aria-label=locale.t("nav.breadcrumbs")>
            <ol>
                <li><a href="/">{locale.t("nav.home")}</a></li>
                <li><a href=back>{locale.t(if back == "/my/reports" { "nav.my_reports" } else { "nav.inbox" })}</a></li>
                <li aria-current="page">{locale.t("event.detail")}</li>
            </ol>
        </nav>
        <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(event) => view! { <DetailBody event step back /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DetailBody(event: EventDetail, step: ServerAction<TakeStep>, back: &'static str) -> impl IntoView {
    let locale = use_locale();
    let row = event.row.clone();
    let now = chrono::Utc::now();
    let (deadline, flag) = labels::deadline(locale, &row, now);
    let title = format!("{} {}", row.number, row.title);
    let succeeded = move || step.value().get().is_some_and(|r| r.is_ok());
    view! {
        <crate::components::DocumentTitle text=title.clone() />
        <div class="page-header">
            <div>
                <p class="mono muted event-number">{row.number.clone()}</p>
                {event.tracking_code.clone().map(|code| view! {
                    <p class="muted">
                        {locale.t("event.tracking_code")}" "
                        <a class="mono" href=format!("/track?no={code}") data-testid="tracking-code">{code.clone()}</a>
                    </p>
                })}
                <h1 class="page-title">{row.title.clone()}</h1>
                <div class="cluster">
                    <span class=labels::state_badge(row.state) data-testid="event-state">{labels::state(locale, row.state)}</span>
                    <span class=labels::priority_badge(row.priority)>{labels::priority(locale, row.priority)}</span>
                    {flag.map(|(text, class)| view! { <span class=class>{text}</span> })}
                    {(row.escalation > 0).then(|| view! { <span class="badge badge-danger">{locale.t("event.escalated")}</span> })}
                    {row.supervised.then(|| view! { <span class="badge badge-danger">{locale.t("event.supervised")}</span> })}
                </div>
            </div>
            <div class="page-actions">
                <a class="btn btn-ghost" href=back>{locale.t("event.back")}</a>
            </div>
        </div>
        {move || succeeded().then(|| view! { <div class="alert alert-success" role="status">{locale.t("event.step_done")}</div> })}
        <ErrorBanner error=last_error(step.value()) />
        <div class="event-layout">
            <section class="card" aria-labelledby="event-facts">
                <h2 class="card-title" id="event-facts">{locale.t("event.facts")}</h2>
                <p class="event-description">{event.description.clone()}</p>
                <dl class="facts">
                    <dt>{locale.t("event.category")}</dt><dd>{row.category.clone()}</dd>
                    <dt>{locale.t("event.channel_label")}</dt><dd>{labels::channel(locale, row.channel)}</dd>
                    <dt>{locale.t("event.place")}</dt><dd>{format!("{} · {}", row.village, row.grid)}</dd>
                    <dt>{locale.t("event.address")}</dt><dd>{if event.address.is_empty() { "—".to_owned() } else { event.address.clone() }}</dd>
                    <dt>{locale.t("event.reported_at")}</dt><dd>{labels::time(row.reported_at)}</dd>
                    <dt>{locale.t("event.deadline")}</dt><dd>{deadline}</dd>
                    <dt>{locale.t("event.department")}</dt><dd>{row.department.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{locale.t("event.assignee")}</dt><dd>{row.assignee.clone().unwrap_or_else(|| "—".into())}</dd>
                    {(!event.contact_name.is_empty() || !event.contact_phone.is_empty()).then(|| view! {
                        <dt>{locale.t("event.contact")}</dt>
                        <dd>{format!("{} {}", event.contact_name, event.contact_phone)}</dd>
                    })}
                    // The reporter gets the surviving event's tracking code; staff its number.
                    {event.merged_into.clone().map(|number| {
                        let href = if event.is_reporter {
                            format!("/track?no={number}")
                        } else {
                            format!("/events?q={number}")
                        };
                        view! {
                            <dt>{locale.t("event.merged_into")}</dt>
                            <dd><a href=href>{number.clone()}</a></dd>
                        }
                    })}
                    {event.satisfaction.map(|s| view! {
                        <dt>{locale.t("event.satisfaction")}</dt>
                        <dd>{format!("{}/5 {}", s, event.feedback)}</dd>
                    })}
                </dl>
                <Photos photos=event.photos.clone() />
            </section>
            <div class="stack">
                <ActionsPanel event=event.clone() step back />
                <Duplicates event=event.clone() step back />
                <section class="card" aria-labelledby="event-timeline">
                    <h2 class="card-title" id="event-timeline">{locale.t("event.timeline")}</h2>
                    <ol class="timeline">
                        {event.steps.into_iter().rev().map(|s| view! { <TimelineStep step=s /> }).collect_view()}
                    </ol>
                </section>
            </div>
        </div>
    }
}

#[component]
fn Photos(photos: Vec<shared::events::Photo>) -> impl IntoView {
    let locale = use_locale();
    (!photos.is_empty()).then(|| {
        view! {
            <ul class="photo-grid">
                {photos
                    .into_iter()
                    .map(|p| {
                        let href = p.url.clone();
                        view! {
                        <li>
                            <a href=href target="_blank" rel="external">
                                <img src=p.url loading="lazy" alt=locale.t("event.photo_alt") width=p.width.min(320) height=p.height * p.width.min(320) / p.width.max(1) />
                            </a>
                        </li>
                    }})
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
fn TimelineStep(step: StepRow) -> impl IntoView {
    let locale = use_locale();
    let target = [step.department.clone(), step.assignee.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    view! {
        <li class="timeline-step">
            <div class="timeline-head">
                <strong>{labels::action(locale, &step.action)}</strong>
                <span class=labels::state_badge(step.to_state)>{labels::state(locale, step.to_state)}</span>
            </div>
            <p class="muted">
                {format!("{} · {}", labels::time(step.at), step.actor)}
                {(step.spent_seconds > 0).then(|| format!(" · {}", locale.tf("event.spent", &[("t", labels::duration(locale, step.spent_seconds))])))}
            </p>
            {(!target.is_empty()).then(|| view! { <p>{locale.t("event.to")}" "{target.clone()}</p> })}
            {(!step.note.is_empty()).then(|| view! { <p class="timeline-note">{step.note.clone()}</p> })}
            <Photos photos=step.photos />
        </li>
    }
}

/// The steps the viewer may take, primary ones first.
#[component]
fn ActionsPanel(event: EventDetail, step: ServerAction<TakeStep>, back: &'static str) -> impl IntoView {
    let locale = use_locale();
    if event.actions.is_empty() {
        return None;
    }
    let primary = [
        Action::Accept,
        Action::Dispatch,
        Action::Start,
        Action::Handle,
        Action::Verify,
        Action::Close,
        Action::Confirm,
        Action::Resume,
    ];
    let mut actions = event.actions.clone();
    actions.sort_by_key(|a| !primary.contains(a));
    let back_to = if back == "/my/reports" {
        format!("/my/reports/{}", event.row.id)
    } else {
        format!("/events/{}", event.row.id)
    };
    Some(view! {
        <section class="card" aria-labelledby="event-actions">
            <h2 class="card-title" id="event-actions">{locale.t("event.next_steps")}</h2>
            <div class="stack">
                {actions
                    .into_iter()
                    .map(|action| {
                        let open = primary.contains(&action);
                        view! { <StepForm event=event.clone() action step open back_to=back_to.clone() /> }
                    })
                    .collect_view()}
            </div>
        </section>
    })
}

#[component]
fn StepForm(
    event: EventDetail,
    action: Action,
    step: ServerAction<TakeStep>,
    open: bool,
    back_to: String,
) -> impl IntoView {
    let locale = use_locale();
    let errors = move |field| field_errors(last_error(step.value()), field);
    let photos = RwSignal::new(Vec::<UploadedPhoto>::new());
    let name = action.as_str();
    let label = labels::action(locale, name);
    let button_label = label.clone();
    let needs_note = action.needs_reason();
    let simple = !needs_note && !matches!(action, Action::Dispatch | Action::Merge | Action::Confirm);
    let note_label = match action {
        Action::Handle => "event.note_handle",
        Action::Dispute => "event.note_dispute",
        Action::Confirm => "event.note_confirm",
        Action::Supervise => "event.note_supervise",
        Action::Accept
        | Action::Reject
        | Action::Merge
        | Action::Dispatch
        | Action::Start
        | Action::Return
        | Action::Verify
        | Action::Rework
        | Action::Close
        | Action::Suspend
        | Action::Resume
        | Action::Reopen
        | Action::Escalate => "event.note_reason",
    };
    let button_class = if matches!(action, Action::Reject | Action::Return | Action::Dispute | Action::Rework) {
        "btn btn-danger"
    } else if open {
        "btn btn-primary"
    } else {
        "btn btn-ghost"
    };
    let form = view! {
        <ActionForm action=step attr:class="form step-form" attr:novalidate=true>
            <input type="hidden" name="form[event_id]" value=event.row.id />
            <input type="hidden" name="form[version]" value=event.row.version />
            <input type="hidden" name="form[action]" value=name />
            <input type="hidden" name="back" value=back_to />
            {(action == Action::Dispatch).then(|| view! { <DispatchFields department_id=event.department_id errors=errors("department_id") /> })}
            {(action == Action::Merge).then(|| {
                let codes = errors("merge_into");
                view! {
                    <div class="field">
                        <label for=format!("merge-{}", event.row.id)>{locale.t("event.merge_into")}</label>
                        <input id=format!("merge-{}", event.row.id) name="form[merge_into]" class="mono" placeholder="TG-2026-000001" />
                        {move || (!codes.get().is_empty()).then(|| view! { <p class="field-error" role="alert">{codes.get().iter().map(|c| locale.t(&format!("errors.{c}"))).collect::<Vec<_>>().join("；")}</p> })}
                    </div>
                }
            })}
            {(action == Action::Confirm).then(|| view! {
                <fieldset class="field rating">
                    <legend>{locale.t("event.satisfaction")}</legend>
                    {(1..=5).rev().map(|n| view! {
                        <label class="rating-option">
                            <input type="radio" name="form[satisfaction]" value=n checked=n == 5 />
                            {locale.t(&format!("event.rating.{n}"))}
                        </label>
                    }).collect_view()}
                </fieldset>
            })}
            {(!simple).then(|| {
                let id = format!("note-{}-{}", name, event.row.id);
                let codes = errors("note");
                view! {
                    <div class="field">
                        <label for=id.clone() class:required=needs_note>{locale.t(note_label)}</label>
                        <textarea id=id name="form[note]" rows="3" maxlength="1000" required=needs_note></textarea>
                        {move || (!codes.get().is_empty()).then(|| view! { <p class="field-error" role="alert">{codes.get().iter().map(|c| locale.t(&format!("errors.{c}"))).collect::<Vec<_>>().join("；")}</p> })}
                    </div>
                }
            })}
            {matches!(action, Action::Handle | Action::Verify | Action::Rework).then(|| view! {
                <PhotoPicker photos label="event.step_photos" id=if action == Action::Handle { "handle-photos" } else { "verify-photos" } />
                <input type="hidden" name="form[attachments]" value=move || ids(&photos.get()) />
            })}
            // A step waits for its photos: those still on the device are not in `attachments` yet.
            <button class=button_class type="submit" disabled=move || photos.with(|p| p.iter().any(|x| x.pending.is_some()))>
                {button_label}
            </button>
        </ActionForm>
    };
    if simple {
        view! { <div class="step-simple">{form}</div> }.into_any()
    } else {
        view! {
            <details class="step-details" open=open>
                <summary>{label}</summary>
                {form}
            </details>
        }
        .into_any()
    }
}

#[component]
fn DispatchFields(department_id: Option<i32>, errors: Signal<Vec<shared::error::ErrorCode>>) -> impl IntoView {
    let locale = use_locale();
    let options = expect_context::<Resource<Result<super::api::EventChoices, shared::AppError>, crate::wire::Data>>();
    view! {
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                let options = options.await.unwrap_or_default();
                let departments = options.departments.clone();
                let assignees = options.assignees.clone();
                view! {
                    <div class="form-row">
                        <div class="field">
                            <label for="dispatch-department" class="required">{locale.t("event.department")}</label>
                            <Select
                                id="dispatch-department"
                                name="form[department_id]"
                                required=true
                                choices={departments.iter().map(|d| Choice::new(d.id, d.name.clone())).collect::<Vec<_>>()}
                                selected={department_id.map(|id| id.to_string()).unwrap_or_default()}
                            />
                            {move || (!errors.get().is_empty()).then(|| view! { <p class="field-error" role="alert">{errors.get().iter().map(|c| locale.t(&format!("errors.{c}"))).collect::<Vec<_>>().join("；")}</p> })}
                        </div>
                        <div class="field">
                            <label for="dispatch-assignee">{locale.t("event.assignee_optional")}</label>
                            <Select
                                id="dispatch-assignee"
                                name="form[assignee_id]"
                                choices={std::iter::once(Choice::empty(locale.t("event.whole_department")))
                                    .chain(assignees.iter().map(|a| Choice::new(a.id, format!("{}（{}）", a.name, a.role))))
                                    .collect::<Vec<_>>()}
                            />
                        </div>
                    </div>
                }
            })}
        </Suspense>
    }
}

/// Possible duplicates, with a one-click merge into each.
#[component]
fn Duplicates(event: EventDetail, step: ServerAction<TakeStep>, back: &'static str) -> impl IntoView {
    let locale = use_locale();
    let can_merge = event.actions.contains(&Action::Merge);
    (!event.duplicates.is_empty()).then(|| {
        let id = event.row.id;
        let version = event.row.version;
        view! {
            <section class="card" aria-labelledby="event-duplicates">
                <h2 class="card-title" id="event-duplicates">{locale.t("event.duplicates")}</h2>
                <p class="muted">{locale.t("event.duplicates_hint")}</p>
                <ul class="duplicate-list">
                    {event.duplicates.into_iter().map(|d| {
                        let number = d.number.clone();
                        view! {
                            <li>
                                <a href=format!("/events/{}", d.id)>{format!("{} {}", d.number, d.title)}</a>
                                <span class="muted">{format!(" · {} · {}", labels::short_time(d.reported_at), labels::state(locale, d.state))}</span>
                                {can_merge.then(|| view! {
                                    <ActionForm action=step attr:class="inline-form">
                                        <input type="hidden" name="form[event_id]" value=id />
                                        <input type="hidden" name="form[version]" value=version />
                                        <input type="hidden" name="form[action]" value="merge" />
                                        <input type="hidden" name="form[merge_into]" value=number.clone() />
                                        <input type="hidden" name="back" value=format!("{back}/{id}") />
                                        <button class="btn btn-ghost btn-small" type="submit">{locale.tf("event.merge_into_this", &[("number", number.clone())])}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

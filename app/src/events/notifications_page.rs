//! `/notifications`: what I was told — each step of my reports, what was given to me,
//! deadline warnings, escalations and supervision notices.

use leptos::prelude::*;

use super::api::{MarkNotificationsRead, notifications};
use super::labels;
use super::live::use_live;
use crate::components::{ErrorAlert, PageHeader};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let locale = use_locale();
    let live = use_live();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let list = resource(move || (live.get(), mark.version().get()), |_| notifications());
    let staff =
        use_context::<shared::accounts::SessionUser>().is_some_and(|u| u.can(shared::permissions::codes::EVENTS_VIEW));
    view! {
        <PageHeader title="nav.notifications" section="nav.section.me">
            <ActionForm action=mark>
                <button class="btn btn-ghost" type="submit">{locale.t("notify.mark_read")}</button>
            </ActionForm>
        </PageHeader>
        <section class="card">
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="muted">{locale.t("notify.none")}</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="notification-list">
                                {items.into_iter().map(|n| {
                                    let base = if staff { "/events" } else { "/my/reports" };
                                    let href = n.link.clone().or_else(|| n.event_id.map(|id| format!("{base}/{id}")));
                                    // A register's notice comes in the reader's language; an event's is a key.
                                    let text = if n.event_id.is_some() { labels::notification(locale, &n.message) } else { n.message.clone() };
                                    view! {
                                        <li class:unread=!n.read>
                                            <span class="muted">{labels::short_time(n.created_at)}</span>
                                            " "
                                            {match href {
                                                Some(href) => view! { <a href=href>{text}</a> }.into_any(),
                                                None => view! { <span>{text}</span> }.into_any(),
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

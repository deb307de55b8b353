//! `/track`: anyone with an event's number follows its progress — no login, and no name,
//! phone number, note or photo is shown.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::track_event;
use super::labels;
use crate::components::ErrorAlert;
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn TrackPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let number = move || params.read().get("no").unwrap_or_default();
    let event =
        resource(number, |n| async move { if n.trim().is_empty() { None } else { Some(track_event(n).await) } });
    view! {
        <Title text=locale.t("track.title") />
        <main class="auth-page" id="main">
            <div class="auth-card card track-card">
                <a class="brand" href="/">{locale.t("app.short_name")}</a>
                <h1 class="page-title">{locale.t("track.title")}</h1>
                <form method="get" action="/track" class="form" role="search">
                    <div class="field">
                        <label for="track-no">{locale.t("track.number")}</label>
                        <input id="track-no" name="no" class="mono" value=number placeholder="TG-2026-000001" required=true />
                    </div>
                    <button class="btn btn-primary" type="submit">{locale.t("track.submit")}</button>
                </form>
                <Suspense>
                    {move || Suspend::new(async move {
                        match event.await {
                            None => ().into_any(),
                            Some(Err(error)) => view! { <ErrorAlert error /> }.into_any(),
                            Some(Ok(e)) => view! {
                                <section class="track-result" aria-live="polite">
                                    <h2>{format!("{} {}", e.number, e.title)}</h2>
                                    <p>
                                        <span class=labels::state_badge(e.state) data-testid="track-state">{labels::state(locale, e.state)}</span>
                                        " "
                                        <span class="muted">{format!("{} · {}", e.category, e.village)}</span>
                                    </p>
                                    {e.merged_into.clone().map(|n| view! {
                                        <p>{locale.t("track.merged")}" "<a href=format!("/track?no={n}")>{n.clone()}</a></p>
                                    })}
                                    <ol class="timeline">
                                        {e.steps.into_iter().rev().map(|(at, action, state)| view! {
                                            <li class="timeline-step">
                                                <strong>{labels::action(locale, &action)}</strong>
                                                <span class="muted">{format!(" {} · {}", labels::time(at), labels::state(locale, state))}</span>
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                </section>
                            }
                            .into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

//! `/track`: anyone with an event's tracking code (its number and random key, given to the
//! reporter) follows its progress — no login, and no name, phone number, note or photo is
//! shown. The number alone finds nothing: numbers count up and could be walked through.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::track_event;
use super::labels;
use crate::components::{DocumentTitle, ErrorAlert};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn TrackPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let code = move || params.read().get("no").unwrap_or_default();
    let event = resource(code, |c| async move { if c.trim().is_empty() { None } else { Some(track_event(c).await) } });
    view! {
        <DocumentTitle text=locale.t("track.title") />
        <main class="auth-page" id="main">
            <div class="auth-card card track-card">
                <a class="brand" href="/">{locale.t("app.short_name")}</a>
                <h1 class="page-title">{locale.t("track.title")}</h1>
                <form method="get" action="/track" class="form" role="search">
                    <div class="field">
                        <label for="track-no">{locale.t("track.number")}</label>
                        <input
                            id="track-no"
                            name="no"
                            class="mono"
                            value=code
                            placeholder="TG-2026-000123-K7P2QX9A"
                            aria-describedby="track-no-hint"
                            autocomplete="off"
                            autocapitalize="characters"
                            spellcheck="false"
                            required=true
                        />
                        <p class="field-hint" id="track-no-hint">{locale.t("track.hint")}</p>
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

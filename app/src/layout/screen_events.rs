//! The big screen's event situation (一网统管): the running events, those waiting to be
//! accepted, overdue and due soon, closed today and the on-time rate of the last 30 days as
//! tiles, and the last 30 days' events by category as a chart. It follows every change live
//! (the events stream) and reloads with the board.

use leptos::prelude::*;
use shared::events::{EventFilter, StatsDimension};

use crate::dashboard::format_number;
use crate::events::api::{event_counts, get_stats};
use crate::events::live::use_live;
use crate::i18n::use_locale;
use crate::wire::resource;

use super::screen::ChartPanel;

/// The span of the rate and the chart, in days up to today (China Standard Time).
const DAYS: u64 = 30;

/// Categories shown in the chart, the most reported first.
const TOP_CATEGORIES: usize = 8;

fn last_days() -> EventFilter {
    let today = shared::time::today();
    EventFilter { from: today.checked_sub_days(chrono::Days::new(DAYS - 1)), to: Some(today), ..EventFilter::default() }
}

/// Two panels for a column of the board; `reload` moves when the board reloads.
#[component]
pub fn ScreenEvents(reload: RwSignal<u64>, with_stats: bool) -> impl IntoView {
    let locale = use_locale();
    let live = use_live();
    let counts = resource(move || (live.get(), reload.get()), |_| event_counts());
    let stats = resource(
        move || (with_stats, reload.get()),
        |(with_stats, _)| async move {
            if with_stats { get_stats(last_days(), StatsDimension::Category).await.ok() } else { None }
        },
    );
    view! {
        <section class="screen-panel screen-panel-fit" aria-labelledby="screen-events-title">
            <h2 class="screen-panel-title" id="screen-events-title">{locale.t("screen.events")}</h2>
            <Transition>
                {move || Suspend::new(async move {
                    let counts = counts.await.unwrap_or_default();
                    let on_time = stats
                        .await
                        .and_then(|s| s.total.on_time_rate())
                        .map_or_else(|| "—".to_owned(), |rate| format!("{:.1}%", rate * 100.0));
                    let tiles = [
                        ("screen.open", format_number(counts.open), ""),
                        ("screen.reported", format_number(counts.reported), ""),
                        ("screen.overdue", format_number(counts.overdue), "is-alert"),
                        ("screen.due_soon", format_number(counts.due_soon), "is-warn"),
                        ("screen.closed_today", format_number(counts.closed_today), ""),
                        ("screen.on_time", on_time, ""),
                    ];
                    view! {
                        <div class="screen-kpis">
                            {tiles
                                .into_iter()
                                .map(|(key, value, tone)| {
                                    view! {
                                        <div class=format!("screen-kpi screen-event-kpi {tone}")>
                                            <p class="screen-kpi-value">{value}</p>
                                            <p class="screen-kpi-label">{locale.t(key)}</p>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                })}
            </Transition>
        </section>
        <Transition>
            {move || Suspend::new(async move {
                let mut rows: Vec<(String, i64)> =
                    stats.await.map(|s| s.rows.into_iter().map(|r| (r.key, r.reported)).collect()).unwrap_or_default();
                rows.sort_by_key(|(_, reported)| std::cmp::Reverse(*reported));
                rows.truncate(TOP_CATEGORIES);
                view! { <ChartPanel id="screen-categories-title" title="screen.categories" rows /> }
            })}
        </Transition>
    }
}

//! The registers' figures on the big screen (台账动态): every counter the modules declare
//! (`shared::engine::declare::Counter`) that the screen's user may view — party members,
//! documents in review, supplies at their reorder level … — grouped by module, an alert that
//! is not zero in red. The same figures as the dashboard's, reloaded with the board.

use leptos::prelude::*;
use shared::engine::RegisterCounter;

use crate::dashboard::api::get_register_counters;
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn ScreenRegisters(reload: RwSignal<u64>) -> impl IntoView {
    let locale = use_locale();
    let counters = resource(move || reload.get(), |_| get_register_counters());
    view! {
        <Transition>
            {move || Suspend::new(async move {
                // Nothing to show (no register this user may view, or the server away): no panel.
                let counters = counters.await.ok().filter(|counters| !counters.is_empty())?;
                Some(view! {
                    <section class="screen-panel screen-panel-fit" aria-labelledby="screen-registers-title" data-testid="screen-registers">
                        <h2 class="screen-panel-title" id="screen-registers-title">{locale.t("screen.registers")}</h2>
                        <div class="screen-kpis screen-counters">
                            {counters.into_iter().map(|counter| view! { <Figure counter /> }).collect_view()}
                        </div>
                    </section>
                })
            })}
        </Transition>
    }
}

#[component]
fn Figure(counter: RegisterCounter) -> impl IntoView {
    let value = counter.value.parse::<i64>().map(crate::dashboard::format_number).unwrap_or(counter.value.clone());
    view! {
        <div class="screen-kpi" class:is-alert=counter.alert data-counter=format!("{}.{}", counter.register, counter.label)>
            <p class="screen-kpi-value">{value}</p>
            <p class="screen-kpi-label">{format!("{} · {}", counter.module_title, counter.label)}</p>
        </div>
    }
}

//! The big screen's vital signs: the indicators marked for the wall as tiles under the map,
//! and the alarms open now beside it. Both read one answer, refetched when the live channel
//! announces the situation (an alarm opened, moved or cleared; indicators computed) and when
//! the board reloads. A failed fetch keeps what was shown: a wall is never blanked by a
//! dropped network, and its status light says it is offline.

use leptos::prelude::*;
use shared::error::AppError;
use shared::sensing::situation::Situation;

use crate::events::live::{use_live, use_situation_live};
use crate::i18n::use_locale;
use crate::sensing::api::read_situation;
use crate::sensing::{IndicatorTiles, LiveAlarms};
use crate::wire::{Data, resource};

/// The situation the board's panels share.
pub type SituationResource = Resource<Result<Situation, AppError>, Data>;

/// The resource, following the live channel (the situation, and the events that shade the
/// map's grids) and `reload`.
pub fn situation_resource(reload: RwSignal<u64>) -> SituationResource {
    let situation = use_situation_live();
    let events = use_live();
    resource(move || (situation.get(), events.get(), reload.get()), |_| read_situation(true))
}

/// The last answer that arrived, kept across failed fetches.
#[derive(Clone, Copy)]
pub struct LastSituation(StoredValue<Option<Situation>>);

impl LastSituation {
    pub fn new() -> Self {
        Self(StoredValue::new(None))
    }

    pub fn settle(self, result: Result<Situation, AppError>) -> Option<Situation> {
        match result {
            Ok(situation) => {
                self.0.set_value(Some(situation.clone()));
                Some(situation)
            }
            Err(_) => self.0.get_value(),
        }
    }
}

/// The indicator tiles, a panel that fits its content; none when the user may see none.
#[component]
pub fn ScreenIndicators(situation: SituationResource, last: LastSituation) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Transition>
            {move || Suspend::new(async move {
                let tiles = last.settle(situation.await)?.tiles;
                (!tiles.is_empty()).then(|| view! {
                    <section class="screen-panel screen-panel-fit" aria-labelledby="screen-indicators-title" data-testid="screen-indicators">
                        <h2 class="screen-panel-title" id="screen-indicators-title">{locale.t("sensing.indicators.title")}</h2>
                        <IndicatorTiles tiles />
                    </section>
                })
            })}
        </Transition>
    }
}

/// The alarms open now, a panel that takes the rest of its column.
#[component]
pub fn ScreenAlarms(situation: SituationResource, last: LastSituation) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="screen-panel" aria-labelledby="screen-alarms-title" data-testid="screen-alarms">
            <h2 class="screen-panel-title" id="screen-alarms-title">{locale.t("sensing.indicators.alarms")}</h2>
            <Transition>
                {move || Suspend::new(async move {
                    let alarms = last.settle(situation.await).map(|s| s.alarms).unwrap_or_default();
                    view! { <LiveAlarms alarms /> }
                })}
            </Transition>
        </section>
    }
}

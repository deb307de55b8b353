//! 互联感知 (clause 6.6): the stations and their alarm rules are the engine's generic pages;
//! what they cannot say is here — 监测态势 (`/m/sensing/monitor`): every station's latest
//! values graded by their national standards, and the alarms with the events they became;
//! and 监测曲线, the readings chart a station's own page carries ([`StationChartPanel`]).

pub mod api;
mod monitor_page;
mod situation;
mod station_chart;

pub use situation::{IndicatorTiles, LiveAlarms};
pub use station_chart::StationChartPanel;

use leptos::prelude::*;

use crate::engine::ModuleView;

/// `/m/sensing/monitor`, first in the sensing section for who may view the stations.
pub const MONITOR: ModuleView = ModuleView {
    module: "sensing",
    name: "monitor",
    title: "sensing.monitor.title",
    register: "stations",
    page: &MONITOR_PAGE,
};

/// The page's code, a wasm chunk of its own: the menu that names it is in the main wasm.
pub const MONITOR_PAGE: crate::modules::Page =
    crate::lazy_page!(SensingPage::Monitor, sensing_pages, __preload_sensing_pages);

/// The pages of the sensing module's chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SensingPage {
    Monitor,
}

#[lazy]
fn sensing_pages(page: SensingPage) -> AnyView {
    match page {
        SensingPage::Monitor => view! { <monitor_page::MonitorPage /> }.into_any(),
    }
}

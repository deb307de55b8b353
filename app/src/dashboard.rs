//! 态势感知: the township at a glance — head counts, the map, the make-up of the population
//! and the economy — for the console and the big screen.

pub mod api;
mod bar_chart;
mod page;
mod town_map;

pub use bar_chart::{BarChart, format_number};
pub use page::DashboardPage;
pub use town_map::TownMap;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/",
        title: "nav.dashboard",
        section: "nav.section.overview",
        icon: "dashboard",
        permission: codes::DASHBOARD_VIEW,
        tab: true,
        view: || view! { <DashboardPage /> }.into_any(),
    },
    Module {
        path: "/screen",
        title: "nav.screen",
        section: "nav.section.overview",
        icon: "screen",
        permission: codes::SCREEN_VIEW,
        tab: false,
        view: || view! { <crate::layout::ScreenPage /> }.into_any(),
    },
];

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
        page: crate::lazy_page!("dashboard", dashboard_pages, __preload_dashboard_pages),
    },
    Module {
        path: "/screen",
        title: "nav.screen",
        section: "nav.section.overview",
        icon: "screen",
        permission: codes::SCREEN_VIEW,
        tab: false,
        page: SCREEN_PAGE,
    },
];

/// The big screen (also the route `/screen` outside the shell), in the dashboard's chunk.
pub const SCREEN_PAGE: crate::modules::Page = crate::lazy_page!("screen", dashboard_pages, __preload_dashboard_pages);

/// The dashboard and the big screen, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn dashboard_pages(page: &'static str) -> AnyView {
    match page {
        "dashboard" => view! { <DashboardPage /> }.into_any(),
        _ => view! { <crate::layout::ScreenPage /> }.into_any(),
    }
}

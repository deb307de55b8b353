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

use crate::components::IconName;
use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/",
        title: "nav.dashboard",
        section: "nav.section.overview",
        icon: IconName::Dashboard,
        permission: codes::DASHBOARD_VIEW,
        tab: true,
        page: crate::lazy_page!(OverviewPage::Dashboard, dashboard_pages, __preload_dashboard_pages),
    },
    Module {
        path: "/screen",
        title: "nav.screen",
        section: "nav.section.overview",
        icon: IconName::Screen,
        permission: codes::SCREEN_VIEW,
        tab: false,
        page: SCREEN_PAGE,
    },
];

/// The big screen (also the route `/screen` outside the shell), in the dashboard's chunk.
pub const SCREEN_PAGE: crate::modules::Page =
    crate::lazy_page!(OverviewPage::Screen, dashboard_pages, __preload_dashboard_pages);

/// The pages of the dashboard chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OverviewPage {
    Dashboard,
    Screen,
}

/// The dashboard and the big screen, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn dashboard_pages(page: OverviewPage) -> AnyView {
    match page {
        OverviewPage::Dashboard => view! { <DashboardPage /> }.into_any(),
        OverviewPage::Screen => view! { <crate::layout::ScreenPage /> }.into_any(),
    }
}

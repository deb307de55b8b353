//! 一网统管 (clause 3.2): report, inbox, detail and timeline, my tasks, the command view,
//! statistics and the event settings. Every page is a reactive view over the event
//! services in `shared`, through the server functions in `api.rs`.

pub mod api;
mod command_page;
mod detail;
mod event_table;
mod inbox_page;
pub mod labels;
pub mod live;
mod my_reports_page;
mod notifications_page;
pub mod outbox;
pub mod photo_picker;
mod report_page;
mod settings_page;
mod stats_page;
mod tasks_page;
mod track_page;

pub use command_page::CommandPage;
pub use detail::EventDetailView;
pub use inbox_page::InboxPage;
pub use my_reports_page::MyReportsPage;
pub use notifications_page::NotificationsPage;
pub use report_page::ReportPage;
pub use settings_page::SettingsPage;
pub use stats_page::StatsPage;
pub use tasks_page::TasksPage;
pub use track_page::TrackPage;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/events/report",
        title: "nav.report",
        section: "nav.section.events",
        icon: "report",
        permission: codes::EVENTS_REPORT,
        tab: true,
        page: crate::lazy_page!(report_page, __preload_report_page),
    },
    Module {
        path: "/events/tasks",
        title: "nav.tasks",
        section: "nav.section.events",
        icon: "tasks",
        permission: codes::EVENTS_VIEW,
        tab: true,
        page: crate::lazy_page!(tasks_page, __preload_tasks_page),
    },
    Module {
        path: "/events",
        title: "nav.inbox",
        section: "nav.section.events",
        icon: "inbox",
        permission: codes::EVENTS_VIEW,
        tab: false,
        page: crate::lazy_page!(inbox_page, __preload_inbox_page),
    },
    Module {
        path: "/events/command",
        title: "nav.command",
        section: "nav.section.events",
        icon: "map",
        permission: codes::EVENTS_DISPATCH,
        tab: false,
        // The command view stays in the main wasm: its map must draw within a second of the
        // click (R-3.2-command), and waiting for a hundred chunks before its data request
        // took 1.2 s with 20,000 running events (docs/benchmarks.md).
        page: crate::modules::Page {
            name: "command_page",
            view: || crate::modules::page_future(async { view! { <CommandPage /> }.into_any() }),
            #[cfg(feature = "hydrate")]
            preload: || Box::pin(async {}),
        },
    },
    Module {
        path: "/events/stats",
        title: "nav.event_stats",
        section: "nav.section.events",
        icon: "chart",
        permission: codes::EVENTS_STATS,
        tab: false,
        page: crate::lazy_page!(stats_page, __preload_stats_page),
    },
    Module {
        path: "/events/settings",
        title: "nav.event_settings",
        section: "nav.section.events",
        icon: "settings",
        permission: codes::EVENTS_CONFIGURE,
        tab: false,
        page: crate::lazy_page!(settings_page, __preload_settings_page),
    },
];

/// The reporter's side, listed with the personal pages.
pub const PERSONAL_MODULES: &[Module] = &[
    Module {
        path: "/my/reports",
        title: "nav.my_reports",
        section: "nav.section.me",
        icon: "list",
        permission: codes::EVENTS_REPORT,
        tab: true,
        page: crate::lazy_page!(my_reports_page, __preload_my_reports_page),
    },
    Module {
        path: "/notifications",
        title: "nav.notifications",
        section: "nav.section.me",
        icon: "bell",
        permission: codes::PROFILE_VIEW,
        tab: false,
        page: crate::lazy_page!(notifications_page, __preload_notifications_page),
    },
];

/// The ReportPage page, in its own wasm chunk.
#[lazy]
pub fn report_page() -> AnyView {
    view! { <ReportPage /> }.into_any()
}

/// The TasksPage page, in its own wasm chunk.
#[lazy]
pub fn tasks_page() -> AnyView {
    view! { <TasksPage /> }.into_any()
}

/// The InboxPage page, in its own wasm chunk.
#[lazy]
pub fn inbox_page() -> AnyView {
    view! { <InboxPage /> }.into_any()
}

/// The StatsPage page, in its own wasm chunk.
#[lazy]
pub fn stats_page() -> AnyView {
    view! { <StatsPage /> }.into_any()
}

/// The SettingsPage page, in its own wasm chunk.
#[lazy]
pub fn settings_page() -> AnyView {
    view! { <SettingsPage /> }.into_any()
}

/// The MyReportsPage page, in its own wasm chunk.
#[lazy]
pub fn my_reports_page() -> AnyView {
    view! { <MyReportsPage /> }.into_any()
}

/// The NotificationsPage page, in its own wasm chunk.
#[lazy]
pub fn notifications_page() -> AnyView {
    view! { <NotificationsPage /> }.into_any()
}

/// The public tracking page (outside the module registry), in its own wasm chunk.
pub const TRACK_PAGE: crate::modules::Page = crate::lazy_page!(track_page, __preload_track_page);

#[lazy]
fn track_page() -> AnyView {
    view! { <TrackPage /> }.into_any()
}

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
        page: crate::lazy_page!("report", field_pages, __preload_field_pages),
    },
    Module {
        path: "/events/tasks",
        title: "nav.tasks",
        section: "nav.section.events",
        icon: "tasks",
        permission: codes::EVENTS_VIEW,
        tab: true,
        page: crate::lazy_page!("tasks", field_pages, __preload_field_pages),
    },
    Module {
        path: "/events",
        title: "nav.inbox",
        section: "nav.section.events",
        icon: "inbox",
        permission: codes::EVENTS_VIEW,
        tab: false,
        page: crate::lazy_page!("inbox", desk_pages, __preload_desk_pages),
    },
    Module {
        path: "/events/command",
        title: "nav.command",
        section: "nav.section.events",
        icon: "map",
        permission: codes::EVENTS_DISPATCH,
        tab: false,
        page: crate::lazy_page!("command", desk_pages, __preload_desk_pages),
    },
    Module {
        path: "/events/stats",
        title: "nav.event_stats",
        section: "nav.section.events",
        icon: "chart",
        permission: codes::EVENTS_STATS,
        tab: false,
        page: crate::lazy_page!("stats", desk_pages, __preload_desk_pages),
    },
    Module {
        path: "/events/settings",
        title: "nav.event_settings",
        section: "nav.section.events",
        icon: "settings",
        permission: codes::EVENTS_CONFIGURE,
        tab: false,
        page: crate::lazy_page!("settings", desk_pages, __preload_desk_pages),
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
        page: crate::lazy_page!("my_reports", field_pages, __preload_field_pages),
    },
    Module {
        path: "/notifications",
        title: "nav.notifications",
        section: "nav.section.me",
        icon: "bell",
        permission: codes::PROFILE_VIEW,
        tab: false,
        page: crate::lazy_page!("notifications", field_pages, __preload_field_pages),
    },
];

/// The public tracking page (outside the module registry), in the field pages' chunk.
pub const TRACK_PAGE: crate::modules::Page = crate::lazy_page!("track", field_pages, __preload_field_pages);

/// The pages of the phone in the field and of the public (report, my reports, my tasks,
/// notifications, tracking by number), one wasm chunk ([`crate::modules::Page`]).
#[lazy]
fn field_pages(page: &'static str) -> AnyView {
    match page {
        "report" => view! { <ReportPage /> }.into_any(),
        "tasks" => view! { <TasksPage /> }.into_any(),
        "my_reports" => view! { <MyReportsPage /> }.into_any(),
        "notifications" => view! { <NotificationsPage /> }.into_any(),
        _ => view! { <TrackPage /> }.into_any(),
    }
}

/// The dispatcher's desk (inbox and event pages, command map, statistics, settings), one
/// wasm chunk ([`crate::modules::Page`]).
#[lazy]
fn desk_pages(page: &'static str) -> AnyView {
    match page {
        "inbox" => view! { <InboxPage /> }.into_any(),
        "command" => view! { <CommandPage /> }.into_any(),
        "stats" => view! { <StatsPage /> }.into_any(),
        _ => view! { <SettingsPage /> }.into_any(),
    }
}

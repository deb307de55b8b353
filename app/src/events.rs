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
mod register_layers;
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

use crate::components::IconName;
use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/events/report",
        title: "nav.report",
        section: "nav.section.events",
        icon: IconName::Report,
        permission: codes::EVENTS_REPORT,
        tab: true,
        page: crate::lazy_page!(FieldPage::Report, field_pages, __preload_field_pages),
    },
    Module {
        path: "/events/tasks",
        title: "nav.tasks",
        section: "nav.section.events",
        icon: IconName::Tasks,
        permission: codes::EVENTS_VIEW,
        tab: true,
        page: crate::lazy_page!(FieldPage::Tasks, field_pages, __preload_field_pages),
    },
    Module {
        path: "/events",
        title: "nav.inbox",
        section: "nav.section.events",
        icon: IconName::Inbox,
        permission: codes::EVENTS_VIEW,
        tab: false,
        page: crate::lazy_page!(DeskPage::Inbox, desk_pages, __preload_desk_pages),
    },
    Module {
        path: "/events/command",
        title: "nav.command",
        section: "nav.section.events",
        icon: IconName::Map,
        permission: codes::EVENTS_DISPATCH,
        tab: false,
        page: crate::lazy_page!(DeskPage::Command, desk_pages, __preload_desk_pages),
    },
    Module {
        path: "/events/stats",
        title: "nav.event_stats",
        section: "nav.section.events",
        icon: IconName::Chart,
        permission: codes::EVENTS_STATS,
        tab: false,
        page: crate::lazy_page!(DeskPage::Stats, desk_pages, __preload_desk_pages),
    },
    Module {
        path: "/events/settings",
        title: "nav.event_settings",
        section: "nav.section.events",
        icon: IconName::Settings,
        permission: codes::EVENTS_CONFIGURE,
        tab: false,
        page: crate::lazy_page!(DeskPage::Settings, desk_pages, __preload_desk_pages),
    },
];

/// The reporter's side, listed with the personal pages.
pub const PERSONAL_MODULES: &[Module] = &[
    Module {
        path: "/my/reports",
        title: "nav.my_reports",
        section: "nav.section.me",
        icon: IconName::List,
        permission: codes::EVENTS_REPORT,
        tab: true,
        page: crate::lazy_page!(FieldPage::MyReports, field_pages, __preload_field_pages),
    },
    Module {
        path: "/notifications",
        title: "nav.notifications",
        section: "nav.section.me",
        icon: IconName::Bell,
        permission: codes::PROFILE_VIEW,
        tab: false,
        page: crate::lazy_page!(FieldPage::Notifications, field_pages, __preload_field_pages),
    },
];

/// The public tracking page (outside the module registry), in the field pages' chunk.
pub const TRACK_PAGE: crate::modules::Page = crate::lazy_page!(FieldPage::Track, field_pages, __preload_field_pages);

/// The pages of the field chunk (reporting, tasks, the reporter's own pages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldPage {
    Report,
    Tasks,
    MyReports,
    Notifications,
    Track,
}

/// The pages of the phone in the field and of the public (report, my reports, my tasks,
/// notifications, tracking by number), one wasm chunk ([`crate::modules::Page`]).
#[lazy]
fn field_pages(page: FieldPage) -> AnyView {
    match page {
        FieldPage::Report => view! { <ReportPage /> }.into_any(),
        FieldPage::Tasks => view! { <TasksPage /> }.into_any(),
        FieldPage::MyReports => view! { <MyReportsPage /> }.into_any(),
        FieldPage::Notifications => view! { <NotificationsPage /> }.into_any(),
        FieldPage::Track => view! { <TrackPage /> }.into_any(),
    }
}

/// The pages of the desk chunk (the staff's event desk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DeskPage {
    Inbox,
    Command,
    Stats,
    Settings,
}

/// The dispatcher's desk (inbox and event pages, command map, statistics, settings), one
/// wasm chunk ([`crate::modules::Page`]).
#[lazy]
fn desk_pages(page: DeskPage) -> AnyView {
    match page {
        DeskPage::Inbox => view! { <InboxPage /> }.into_any(),
        DeskPage::Command => view! { <CommandPage /> }.into_any(),
        DeskPage::Stats => view! { <StatsPage /> }.into_any(),
        DeskPage::Settings => view! { <SettingsPage /> }.into_any(),
    }
}

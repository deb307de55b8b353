//! Line icons as inline SVG (no icon font to download).

use leptos::prelude::*;

/// Every icon there is: a module names its menu icon with one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    Dashboard,
    People,
    Building,
    Users,
    Shield,
    Audit,
    Screen,
    Me,
    Map,
    Report,
    Tasks,
    Inbox,
    Chart,
    Settings,
    List,
    Bell,
    Key,
}

fn path(name: IconName) -> &'static str {
    match name {
        IconName::Dashboard => "M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z",
        IconName::People => {
            "M16 11a4 4 0 1 0-4-4 4 4 0 0 0 4 4zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm0 2c-2.7 0-8 1.3-8 4v3h8v-3c0-1.2.5-2.2 1.4-3A11 11 0 0 0 8 13zm8 0c-2.7 0-8 1.3-8 4v3h16v-3c0-2.7-5.3-4-8-4z"
        }
        IconName::Building => {
            "M4 21V3h10v4h6v14h-6v-4h-4v4zm3-14h2V5H7zm0 4h2V9H7zm0 4h2v-2H7zm4-8h2V5h-2zm0 4h2V9h-2zm0 4h2v-2h-2zm5 0h2v-2h-2zm0 4h2v-2h-2z"
        }
        IconName::Users => "M12 12a5 5 0 1 0-5-5 5 5 0 0 0 5 5zm0 2c-3.3 0-10 1.7-10 5v3h20v-3c0-3.3-6.7-5-10-5z",
        IconName::Key => "M12.65 10A6 6 0 1 0 12.65 14H17v4h4v-4h2v-4zM7 14a2 2 0 1 1 2-2 2 2 0 0 1-2 2z",
        IconName::Shield => "M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5zm-1 14-4-4 1.4-1.4L11 13.2l5.6-5.6L18 9z",
        IconName::Audit => {
            "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9zM8 13h8v2H8zm0 4h8v2H8z"
        }
        IconName::Screen => {
            "M21 3H3a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h7v2H8v2h8v-2h-2v-2h7a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm0 13H3V5h18z"
        }
        IconName::Me => {
            "M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm0 4a3 3 0 1 1-3 3 3 3 0 0 1 3-3zm0 14a8 8 0 0 1-6-2.8c0-2 4-3.1 6-3.1s6 1.1 6 3.1A8 8 0 0 1 12 20z"
        }
        IconName::Map => "m15 5-6-2-6 2v16l6-2 6 2 6-2V3zm0 14-6-2V5l6 2z",
        IconName::Report => "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm1 10h-2V6h2zm0 3h-2v-2h2z",
        IconName::Tasks => {
            "M9 11 7.6 12.4 11 15.8 19 7.8 17.6 6.4 11 13zM19 19H5V5h10V3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2v-8h-2z"
        }
        IconName::Inbox => {
            "M19 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm0 12h-4a3 3 0 0 1-6 0H5V5h14z"
        }
        IconName::Chart => "M5 9h3v11H5zm5.5-5h3v16h-3zM16 13h3v7h-3z",
        IconName::Settings => {
            "M19.4 13a7.6 7.6 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.6 7.6 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.3 7.3 0 0 0 1.7 1L11 21h4l.4-2.9a7.3 7.3 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 3.5-3.5 3.5 3.5 0 0 1-3.5 3.5z"
        }
        IconName::List => "M4 6h2v2H4zm4 0h12v2H8zm-4 5h2v2H4zm4 0h12v2H8zm-4 5h2v2H4zm4 0h12v2H8z",
        IconName::Bell => {
            "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4h-2v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z"
        }
    }
}

#[component]
pub fn Icon(name: IconName, #[prop(default = "nav-icon")] class: &'static str) -> impl IntoView {
    view! {
        <svg class=class viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path fill="currentColor" d=path(name) />
        </svg>
    }
}

//! `/me`: who I am, my roles and permissions, language, logging out. Every user has it.

mod page;

pub use page::ProfilePage;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::modules::Module;

pub const MODULES: &[Module] = &[Module {
    path: "/me",
    title: "nav.me",
    section: "nav.section.me",
    icon: "me",
    permission: codes::PROFILE_VIEW,
    tab: true,
    view: || view! { <ProfilePage /> }.into_any(),
}];

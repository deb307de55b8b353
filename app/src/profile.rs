//! `/me`: who I am, my roles and permissions, language, logging out. Every user has it.

pub mod api;
mod delegation;
mod page;

pub use page::ProfilePage;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::components::IconName;
use crate::modules::Module;

pub const MODULES: &[Module] = &[Module {
    path: "/me",
    title: "nav.me",
    section: "nav.section.me",
    icon: IconName::Me,
    permission: codes::PROFILE_VIEW,
    tab: true,
    page: crate::lazy_page!(Personal::Profile, profile_pages, __preload_profile_pages),
}];

/// The pages of the profile chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Personal {
    Profile,
}

/// The personal page, a wasm chunk of its own ([`crate::modules::Page`]).
#[lazy]
fn profile_pages(page: Personal) -> AnyView {
    match page {
        Personal::Profile => view! { <ProfilePage /> }.into_any(),
    }
}

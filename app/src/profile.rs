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
    page: crate::lazy_page!("profile", profile_pages, __preload_profile_pages),
}];

/// The personal page, a wasm chunk of its own ([`crate::modules::Page`]).
#[lazy]
fn profile_pages(_page: &'static str) -> AnyView {
    view! { <ProfilePage /> }.into_any()
}

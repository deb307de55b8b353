//! The module registry: every module declares its pages, menu entries and permission codes
//! in one place (its `MODULES` constant). The router, the sidebar, the phone's tab bar and
//! the permission check all read this list, so a new module is one new folder plus one
//! line in `REGISTRY` (R-8.7.3).

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::accounts::SessionUser;

use crate::components::{Forbidden, NotFound};

pub struct Module {
    /// The page's path; the page also serves deeper paths below it.
    pub path: &'static str,
    /// Translation key of the menu entry and page title.
    pub title: &'static str,
    /// Translation key of the sidebar section.
    pub section: &'static str,
    pub icon: &'static str,
    /// The permission code needed to see the page (checked again by every server function).
    pub permission: &'static str,
    /// Whether the page has a place in the phone's bottom tab bar.
    pub tab: bool,
    pub view: fn() -> AnyView,
}

/// Every module, in menu order.
pub const REGISTRY: &[&[Module]] = &[
    crate::dashboard::MODULES,
    crate::events::MODULES,
    crate::basedata::MODULES,
    crate::admin::MODULES,
    crate::events::PERSONAL_MODULES,
    crate::profile::MODULES,
];

pub fn all() -> impl Iterator<Item = &'static Module> {
    REGISTRY.iter().flat_map(|modules| modules.iter())
}

/// The modules a user may open.
pub fn visible_to(user: &SessionUser) -> impl Iterator<Item = &'static Module> + '_ {
    all().filter(move |module| user.can(module.permission))
}

/// The module that owns a path: the longest registered prefix.
pub fn find(path: &str) -> Option<&'static Module> {
    let path = path.trim_end_matches('/');
    all()
        .filter(|m| m.path != "/" && (path == m.path || path.starts_with(&format!("{}/", m.path))))
        .max_by_key(|m| m.path.len())
}

/// Renders the module page for the current path, or 404 / 403.
#[component]
pub fn ModulePage() -> impl IntoView {
    let location = use_location();
    let user = use_context::<SessionUser>();
    move || {
        let path = location.pathname.get();
        match (find(&path), &user) {
            (None, _) => view! { <NotFound /> }.into_any(),
            (Some(module), Some(user)) if user.can(module.permission) => (module.view)(),
            (Some(_), _) => view! { <Forbidden /> }.into_any(),
        }
    }
}

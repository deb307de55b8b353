//! System administration with separated duties (GB/T 22239): users (system administrator),
//! roles (security administrator), the audit log (auditor).

pub mod api;
mod audit_page;
mod roles_page;
mod users_page;

pub use audit_page::AuditPage;
pub use roles_page::RolesPage;
pub use users_page::UsersPage;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/admin/users",
        title: "nav.users",
        section: "nav.section.admin",
        icon: "users",
        permission: codes::USERS_VIEW,
        tab: false,
        page: crate::lazy_page!("users", admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/roles",
        title: "nav.roles",
        section: "nav.section.admin",
        icon: "shield",
        permission: codes::ROLES_VIEW,
        tab: false,
        page: crate::lazy_page!("roles", admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/audit",
        title: "nav.audit",
        section: "nav.section.admin",
        icon: "audit",
        permission: codes::AUDIT_VIEW,
        tab: true,
        page: crate::lazy_page!("audit", admin_pages, __preload_admin_pages),
    },
];

/// The administration pages, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn admin_pages(page: &'static str) -> AnyView {
    match page {
        "users" => view! { <UsersPage /> }.into_any(),
        "roles" => view! { <RolesPage /> }.into_any(),
        _ => view! { <AuditPage /> }.into_any(),
    }
}

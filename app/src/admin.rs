//! System administration with separated duties (GB/T 22239): users and the run-time
//! registers, the API keys of other systems, the exchange with upper-level platforms and operations with backups (system administrator), roles, the online sessions and users' second factors (security administrator), the audit log (auditor).

pub mod api;
mod api_calls;
mod api_keys_page;
mod audit_page;
mod exchange_page;
mod exchange_peers;
mod ops_page;
mod registers_page;
mod roles_page;
mod second_factors_page;
mod sessions_page;
pub(crate) mod shown_note;
#[cfg(feature = "ssr")]
pub(crate) mod shown_once;
mod users_page;

pub use api_keys_page::ApiKeysPage;
pub use audit_page::AuditPage;
pub use exchange_page::ExchangePage;
pub use ops_page::OpsPage;
pub use registers_page::RegistersPage;
pub use roles_page::RolesPage;
pub use second_factors_page::SecondFactorsPage;
pub use sessions_page::SessionsPage;
pub use users_page::UsersPage;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::components::IconName;
use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/admin/users",
        title: "nav.users",
        section: "nav.section.admin",
        icon: IconName::Users,
        permission: codes::USERS_VIEW,
        tab: false,
        page: crate::lazy_page!(AdminPage::Users, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/roles",
        title: "nav.roles",
        section: "nav.section.admin",
        icon: IconName::Shield,
        permission: codes::ROLES_VIEW,
        tab: false,
        page: crate::lazy_page!(AdminPage::Roles, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/sessions",
        title: "nav.sessions",
        section: "nav.section.admin",
        icon: IconName::Shield,
        permission: codes::SESSIONS_MANAGE,
        tab: false,
        page: crate::lazy_page!(AdminPage::Sessions, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/second-factors",
        title: "nav.second_factors",
        section: "nav.section.admin",
        icon: IconName::Key,
        permission: codes::SESSIONS_MANAGE,
        tab: false,
        page: crate::lazy_page!(AdminPage::SecondFactors, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/registers",
        title: "nav.registers",
        section: "nav.section.admin",
        icon: IconName::List,
        permission: codes::REGISTERS_MANAGE,
        tab: false,
        page: crate::lazy_page!(AdminPage::Registers, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/api-keys",
        title: "nav.api_keys",
        section: "nav.section.admin",
        icon: IconName::Key,
        permission: codes::INTERFACES_MANAGE,
        tab: false,
        page: crate::lazy_page!(AdminPage::ApiKeys, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/exchange",
        title: "nav.exchange",
        section: "nav.section.admin",
        icon: IconName::Building,
        permission: codes::INTERFACES_MANAGE,
        tab: false,
        page: crate::lazy_page!(AdminPage::Exchange, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/ops",
        title: "nav.ops",
        section: "nav.section.admin",
        icon: IconName::Settings,
        permission: codes::OPS_VIEW,
        tab: false,
        page: crate::lazy_page!(AdminPage::Ops, admin_pages, __preload_admin_pages),
    },
    Module {
        path: "/admin/audit",
        title: "nav.audit",
        section: "nav.section.admin",
        icon: IconName::Audit,
        permission: codes::AUDIT_VIEW,
        tab: true,
        page: crate::lazy_page!(AdminPage::Audit, admin_pages, __preload_admin_pages),
    },
];

/// The pages of the administration chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AdminPage {
    Users,
    Roles,
    Sessions,
    SecondFactors,
    Registers,
    ApiKeys,
    Exchange,
    Ops,
    Audit,
}

/// The administration pages, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn admin_pages(page: AdminPage) -> AnyView {
    match page {
        AdminPage::Users => view! { <UsersPage /> }.into_any(),
        AdminPage::Roles => view! { <RolesPage /> }.into_any(),
        AdminPage::Sessions => view! { <SessionsPage /> }.into_any(),
        AdminPage::SecondFactors => view! { <SecondFactorsPage /> }.into_any(),
        AdminPage::Registers => view! { <RegistersPage /> }.into_any(),
        AdminPage::ApiKeys => view! { <ApiKeysPage /> }.into_any(),
        AdminPage::Exchange => view! { <ExchangePage /> }.into_any(),
        AdminPage::Ops => view! { <OpsPage /> }.into_any(),
        AdminPage::Audit => view! { <AuditPage /> }.into_any(),
    }
}

//! 基础数据库 (clause 7.2): residents and enterprises of the township, within the viewer's
//! data scope, with personal data masked.

pub mod api;
mod enterprises_page;
mod residents_page;

pub use enterprises_page::EnterprisesPage;
pub use residents_page::ResidentsPage;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/base/residents",
        title: "nav.residents",
        section: "nav.section.base",
        icon: "people",
        permission: codes::BASEDATA_VIEW,
        tab: false,
        view: || view! { <ResidentsPage /> }.into_any(),
    },
    Module {
        path: "/base/enterprises",
        title: "nav.enterprises",
        section: "nav.section.base",
        icon: "building",
        permission: codes::BASEDATA_VIEW,
        tab: false,
        view: || view! { <EnterprisesPage /> }.into_any(),
    },
];

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
        page: crate::lazy_page!("residents", basedata_pages, __preload_basedata_pages),
    },
    Module {
        path: "/base/enterprises",
        title: "nav.enterprises",
        section: "nav.section.base",
        icon: "building",
        permission: codes::BASEDATA_VIEW,
        tab: false,
        page: crate::lazy_page!("enterprises", basedata_pages, __preload_basedata_pages),
    },
];

/// The base-data pages, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn basedata_pages(page: &'static str) -> AnyView {
    match page {
        "residents" => view! { <ResidentsPage /> }.into_any(),
        _ => view! { <EnterprisesPage /> }.into_any(),
    }
}

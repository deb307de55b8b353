//! 基础数据库 (clause 7.2): residents and enterprises of the township, within the viewer's
//! data scope, with personal data masked; and the data catalogue of the thematic
//! datasets (clause 7.3), every register of the module engine; and the national code tables
//! (R-5b).

pub mod api;
mod catalogue_page;
mod code_tables_page;
mod enterprises_page;
mod residents_page;
mod revealed;

pub use enterprises_page::EnterprisesPage;
pub use residents_page::ResidentsPage;

use leptos::prelude::*;
use shared::permissions::codes;

use crate::components::IconName;
use crate::modules::Module;

pub const MODULES: &[Module] = &[
    Module {
        path: "/base/residents",
        title: "nav.residents",
        section: "nav.section.base",
        icon: IconName::People,
        permission: codes::BASEDATA_VIEW,
        tab: false,
        page: crate::lazy_page!(BasedataPage::Residents, basedata_pages, __preload_basedata_pages),
    },
    Module {
        path: "/base/enterprises",
        title: "nav.enterprises",
        section: "nav.section.base",
        icon: IconName::Building,
        permission: codes::BASEDATA_VIEW,
        tab: false,
        page: crate::lazy_page!(BasedataPage::Enterprises, basedata_pages, __preload_basedata_pages),
    },
    Module {
        path: "/base/catalogue",
        title: "nav.catalogue",
        section: "nav.section.base",
        icon: IconName::List,
        permission: codes::BASEDATA_VIEW,
        tab: false,
        page: crate::lazy_page!(BasedataPage::Catalogue, basedata_pages, __preload_basedata_pages),
    },
    Module {
        path: "/base/codes",
        title: "nav.code_tables",
        section: "nav.section.base",
        icon: IconName::List,
        permission: codes::BASEDATA_VIEW,
        tab: false,
        page: crate::lazy_page!(BasedataPage::CodeTables, basedata_pages, __preload_basedata_pages),
    },
];

/// The pages of the base-data chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BasedataPage {
    Residents,
    Enterprises,
    Catalogue,
    CodeTables,
}

/// The base-data pages, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn basedata_pages(page: BasedataPage) -> AnyView {
    match page {
        BasedataPage::Residents => view! { <ResidentsPage /> }.into_any(),
        BasedataPage::Enterprises => view! { <EnterprisesPage /> }.into_any(),
        BasedataPage::Catalogue => view! { <catalogue_page::CataloguePage /> }.into_any(),
        BasedataPage::CodeTables => view! { <code_tables_page::CodeTablesPage /> }.into_any(),
    }
}

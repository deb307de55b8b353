//! The module engine's generic pages: every register declared in
//! `shared::modules::MODULES` is served at `/m/<module>/<register>` without a line of its own —
//!
//! - `/m/<module>/<register>`: the list (filters, search, sort, keyset pages, the count);
//! - `…/new` and `…/<id>/edit`: the form, generated from the fields;
//! - `…/<id>`: the record, its workflow steps, its history and restore;
//! - `…/<id>/print`: the A4 登记表, outside the console's chrome;
//! - `…/fields`: the register's custom fields, for an administrator;
//! - `…/map`: a register with a map layer, its records on the township's map (the list's
//!   filters carried over);
//! - `…/stats`: the records the list's filters select, counted and summed by a choice, the
//!   state, the village or a period, each group drilling down to its list;
//! - `…/import` and `…/import/<id>`: the import of a file — templates, upload, the
//!   preview with every row's problems, the commit and its progress.
//!
//! The pages render from the register's description the server sends
//! ([`shared::engine::RegisterMeta`], with the custom fields and every label in the user's
//! language), never from the declarations: those and the registers' texts stay on the server,
//! out of the browser's wasm. All of them are one wasm chunk (`engine_pages`), loaded on first
//! use like a module's.

pub mod api;
mod detail_page;
mod fields_page;
mod form_page;
mod header;
mod import_page;
mod list_page;
mod map_page;
mod panels;
pub mod pending;
mod print_page;
mod retention_form;
mod stats_page;
mod steps;
pub mod texts;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::engine::{Action, RegisterMeta};
use shared::error::AppError;

use crate::components::{ErrorAlert, Forbidden, NotFound};
use crate::i18n::use_locale;
use crate::wire::resource;

/// The console's engine pages (list, form, detail): the router serves `/m/…` with it
/// (`modules::ModulePage`).
pub const PAGE: crate::modules::Page = crate::lazy_page!(EnginePage::Console, engine_pages, __preload_engine_pages);

/// The print view, a page of its own route (no console around it).
pub const PRINT_PAGE: crate::modules::Page = crate::lazy_page!(EnginePage::Print, engine_pages, __preload_engine_pages);

/// A register as the pages share it (cheap to clone into every view).
pub type Meta = Arc<RegisterMeta>;

/// What a path under `/m/` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    New,
    Fields,
    Map,
    Stats,
    Import,
    ImportRun(i64),
    Detail(i64),
    Edit(i64),
    Print(i64),
}

/// A path's register (module and name, as written: the server says whether it exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub module: String,
    pub register: String,
    pub view: View,
}

/// The register and the view of a path `/m/<module>/<register>[/new | /fields | /map | /stats |
/// /import[/<id>] | /<id>[/edit | /print]]`; `None` for any other shape (a 404).
pub fn route(path: &str) -> Option<Route> {
    let mut parts = path.strip_prefix("/m/")?.trim_end_matches('/').split('/');
    let name = |part: &str| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let (module, register) = (parts.next().filter(|p| name(p))?, parts.next().filter(|p| name(p))?);
    let view = match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => View::List,
        (Some("new"), None, _) => View::New,
        (Some("fields"), None, _) => View::Fields,
        (Some("map"), None, _) => View::Map,
        (Some("stats"), None, _) => View::Stats,
        (Some("import"), None, _) => View::Import,
        (Some("import"), Some(id), None) => View::ImportRun(id.parse().ok().filter(|id: &i64| *id > 0)?),
        (Some(id), rest, None) => {
            let id = id.parse().ok().filter(|id: &i64| *id > 0)?;
            match rest {
                None => View::Detail(id),
                Some("edit") => View::Edit(id),
                Some("print") => View::Print(id),
                Some(_) => return None,
            }
        }
        _ => return None,
    };
    Some(Route { module: module.to_owned(), register: register.to_owned(), view })
}

/// The path of a register's list (`/m/party/members`).
pub fn list_path(meta: &RegisterMeta) -> String {
    meta.path()
}

/// The path of one record.
pub fn record_path(meta: &RegisterMeta, id: i64) -> String {
    format!("{}/{id}", meta.path())
}

/// The action a view needs beyond seeing the register.
fn needed(view: View) -> Action {
    match view {
        View::New => Action::Create,
        View::Edit(_) => Action::Edit,
        View::Fields => Action::Configure,
        View::Import | View::ImportRun(_) => Action::Import,
        View::List | View::Map | View::Stats | View::Detail(_) | View::Print(_) => Action::View,
    }
}

/// A module's own page among its registers, at `/m/<module>/<name>`: what the generic pages
/// cannot say (the party board). It is listed first in its module's menu section for a user
/// who may view `register`; its server function checks the permissions it needs. `name` is
/// never a register's (a test checks it).
pub struct ModuleView {
    pub module: &'static str,
    pub name: &'static str,
    /// The translation key of its menu entry and heading.
    pub title: &'static str,
    /// The register whose view permission opens it (the menu's rule; the server decides).
    pub register: &'static str,
    /// Its code, in a wasm chunk of its own (the menu, which names it, is in the main wasm).
    pub page: &'static crate::modules::Page,
}

impl ModuleView {
    pub fn path(&self) -> String {
        format!("/m/{}/{}", self.module, self.name)
    }
}

/// Every module's own pages.
pub const MODULE_VIEWS: &[ModuleView] = &[crate::party::BOARD, crate::sensing::MONITOR];

/// A register's own print layout, in place of the generic 登记表 at
/// `/m/<module>/<register>/<id>/print` (an outgoing document as a GB/T 9704 公文). Its code is
/// in the engine's chunk with the print page.
pub struct PrintView {
    pub module: &'static str,
    pub register: &'static str,
    pub view: fn(Meta, shared::engine::Record) -> AnyView,
}

/// Every register's own print layout.
pub const PRINT_VIEWS: &[PrintView] = &[crate::office::OUTGOING_PRINT];

/// The pages of the engine's chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EnginePage {
    Console,
    Print,
}

/// The engine's pages, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn engine_pages(page: EnginePage) -> AnyView {
    match page {
        EnginePage::Console => view! { <ConsolePage /> }.into_any(),
        EnginePage::Print => view! { <print_page::PrintPage /> }.into_any(),
    }
}

/// The description of the register a route names, for the page to render from.
pub fn use_meta(route: &Route) -> Resource<Result<RegisterMeta, AppError>, crate::wire::Data> {
    let (module, register) = (route.module.clone(), route.register.clone());
    resource(move || (module.clone(), register.clone()), |(module, register)| api::describe_register(module, register))
}

/// The page of the current path: a 404 for a path that names no register, a 403 without the
/// register's view permission (both said by the server when it describes the register) or,
/// for the forms and the fields page, their own action (the server functions check again).
/// `ModulePage` only knows the path is under `/m/`.
#[component]
fn ConsolePage() -> impl IntoView {
    let locale = use_locale();
    let path = use_location().pathname.get_untracked();
    let Some(route) = route(&path) else {
        return view! { <NotFound /> }.into_any();
    };
    if route.view == View::List
        && let Some(own) = MODULE_VIEWS.iter().find(|own| own.module == route.module && own.name == route.register)
    {
        return crate::modules::lazy_page(own.page);
    }
    let meta = use_meta(&route);
    let view = route.view;
    view! {
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match meta.await {
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <Forbidden /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(meta) if !meta.may(needed(view).name()) => view! { <Forbidden /> }.into_any(),
                    Ok(meta) => page(Arc::new(meta), view),
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn page(meta: Meta, view: View) -> AnyView {
    match view {
        View::List => view! { <list_page::ListPage meta /> }.into_any(),
        View::New => view! { <form_page::FormPage meta id=None /> }.into_any(),
        View::Edit(id) => view! { <form_page::FormPage meta id=Some(id) /> }.into_any(),
        View::Fields => view! { <fields_page::FieldsPage meta /> }.into_any(),
        View::Map => view! { <map_page::MapPage meta /> }.into_any(),
        View::Stats => view! { <stats_page::StatsPage meta /> }.into_any(),
        View::Import => view! { <import_page::ImportPage meta /> }.into_any(),
        View::ImportRun(id) => view! { <import_page::ImportRunPage meta id /> }.into_any(),
        View::Detail(id) => view! { <detail_page::DetailPage meta id /> }.into_any(),
        // Served by its own route; a link into the console shows the record instead.
        View::Print(id) => view! { <detail_page::DetailPage meta id /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_modules_own_page_is_named_like_no_register_and_opens_with_one() {
        for own in MODULE_VIEWS {
            assert!(shared::modules::register(own.module, own.name).is_none(), "{}: a register's name", own.path());
            assert!(shared::modules::register(own.module, own.register).is_some(), "{}: no such register", own.path());
            assert_eq!(route(&own.path()).map(|route| route.view), Some(View::List));
        }
    }

    #[test]
    fn paths_name_a_register_and_a_view() {
        let is = |path: &str, view: View| {
            route(path) == Some(Route { module: "party".into(), register: "members".into(), view })
        };
        assert!(is("/m/party/members", View::List));
        assert!(is("/m/party/members/", View::List));
        assert!(is("/m/party/members/new", View::New));
        assert!(is("/m/party/members/fields", View::Fields));
        assert!(is("/m/party/members/map", View::Map));
        assert!(is("/m/party/members/stats", View::Stats));
        assert!(is("/m/party/members/import", View::Import));
        assert!(is("/m/party/members/import/7", View::ImportRun(7)));
        assert!(route("/m/party/members/import/x").is_none());
        assert!(route("/m/party/members/import/7/8").is_none());
        assert!(is("/m/party/members/12", View::Detail(12)));
        assert!(is("/m/party/members/12/edit", View::Edit(12)));
        assert!(is("/m/party/members/12/print", View::Print(12)));
        for path in [
            "/m/party",
            "/m/party/Members",
            "/m/party/members/0",
            "/m/party/members/x",
            "/m/party/members/1/2",
            "/m/party/members/1/edit/x",
            "/m/../members",
        ] {
            assert!(route(path).is_none(), "{path}");
        }
    }
}

//! The module engine's generic pages: every register declared in
//! `shared::modules::MODULES` is served at `/m/<module>/<register>` without a line of its own —
//!
//! - `/m/<module>/<register>`: the list (filters, search, sort, keyset pages, the count);
//! - `…/new` and `…/<id>/edit`: the form, generated from the fields;
//! - `…/<id>`: the record, its history and restore;
//! - `…/<id>/print`: the A4 登记表, outside the console's chrome.
//!
//! All of them are one wasm chunk (`engine_pages`), loaded on first use like a module's.

pub mod api;
mod detail_page;
mod form_page;
mod header;
mod list_page;
mod print_page;
pub mod texts;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::engine::{Action, Register};

use crate::components::NotFound;

/// The console's engine pages (list, form, detail): the router serves `/m/…` with it
/// (`modules::ModulePage`).
pub const PAGE: crate::modules::Page = crate::lazy_page!(EnginePage::Console, engine_pages, __preload_engine_pages);

/// The print view, a page of its own route (no console around it).
pub const PRINT_PAGE: crate::modules::Page = crate::lazy_page!(EnginePage::Print, engine_pages, __preload_engine_pages);

/// What a path under `/m/` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    New,
    Detail(i64),
    Edit(i64),
    Print(i64),
}

/// The register and the view of a path `/m/<module>/<register>[/new | /<id>[/edit | /print]]`;
/// `None` for any other path (a 404).
pub fn route(path: &str) -> Option<(&'static Register, View)> {
    let mut parts = path.strip_prefix("/m/")?.trim_end_matches('/').split('/');
    let register = shared::modules::register(parts.next()?, parts.next()?)?;
    let view = match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => View::List,
        (Some("new"), None, _) => View::New,
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
    Some((register, view))
}

/// The path of a register's list (`/m/party/members`).
pub fn list_path(register: &Register) -> String {
    format!("/m/{}/{}", register.module, register.name)
}

/// The path of one record.
pub fn record_path(register: &Register, id: i64) -> String {
    format!("{}/{id}", list_path(register))
}

/// The action a view needs beyond seeing the register.
fn needed(view: View) -> Action {
    match view {
        View::New => Action::Create,
        View::Edit(_) => Action::Edit,
        View::List | View::Detail(_) | View::Print(_) => Action::View,
    }
}

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

/// The page of the current path: a 404 for a path that names no register, a 403 without the
/// register's view permission or, for the create and edit forms, their own action (the
/// server functions check again). `ModulePage` only knows the path is under `/m/`.
#[component]
fn ConsolePage() -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    let user = use_context::<shared::accounts::SessionUser>();
    let Some((register, view)) = route(&path) else {
        return view! { <NotFound /> }.into_any();
    };
    if !user.is_some_and(|user| user.may(register, Action::View) && user.may(register, needed(view))) {
        return view! { <crate::components::Forbidden /> }.into_any();
    }
    match view {
        View::List => view! { <list_page::ListPage register /> }.into_any(),
        View::New => view! { <form_page::FormPage register id=None /> }.into_any(),
        View::Edit(id) => view! { <form_page::FormPage register id=Some(id) /> }.into_any(),
        View::Detail(id) => view! { <detail_page::DetailPage register id /> }.into_any(),
        // Served by its own route; a link into the console shows the record instead.
        View::Print(id) => view! { <detail_page::DetailPage register id /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_a_register_and_a_view() {
        let members = shared::modules::register("party", "members").expect("declared");
        let is = |path: &str, view: View| route(path).is_some_and(|(r, v)| std::ptr::eq(r, members) && v == view);
        assert!(is("/m/party/members", View::List));
        assert!(is("/m/party/members/", View::List));
        assert!(is("/m/party/members/new", View::New));
        assert!(is("/m/party/members/12", View::Detail(12)));
        assert!(is("/m/party/members/12/edit", View::Edit(12)));
        assert!(is("/m/party/members/12/print", View::Print(12)));
        for path in [
            "/m/party",
            "/m/party/nothing",
            "/m/party/members/0",
            "/m/party/members/x",
            "/m/party/members/1/2",
            "/m/party/members/1/edit/x",
        ] {
            assert!(route(path).is_none(), "{path}");
        }
    }
}

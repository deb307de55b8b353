//! The module registry: every module declares its pages, menu entries and permission codes
//! in one place (its `MODULES` constant). The router, the sidebar, the phone's tab bar and
//! the permission check all read this list, so a new module is one new folder plus one
//! line in `REGISTRY` (R-8.7.3).

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::accounts::SessionUser;

use crate::components::{Forbidden, IconName, NotFound};

pub struct Module {
    /// The page's path; the page also serves deeper paths below it.
    pub path: &'static str,
    /// Translation key of the menu entry and page title.
    pub title: &'static str,
    /// Translation key of the sidebar section.
    pub section: &'static str,
    pub icon: IconName,
    /// The permission code needed to see the page; the server functions serving only this
    /// page require it too (the rule: `auth::session::authorized`).
    pub permission: shared::permissions::Permission,
    /// Whether the page has a place in the phone's bottom tab bar.
    pub tab: bool,
    /// The page, whose code is in its module's wasm chunk (see [`Page`]).
    pub page: Page,
}

/// A page whose code is loaded on first use. Every module page is one: the main wasm
/// carries the shell and the login, and each module's pages (their views, charts, map) come
/// in a chunk of their own (`cargo leptos build --split`; figures in docs/benchmarks.md).
/// The server renders the page in full and names its chunk in the document; the browser
/// fetches that chunk before it hydrates ([`preload_rendered_pages`]), so hydration finds the
/// page's code at hand, and later pages load theirs on the way. Made with
/// [`lazy_page!`](crate::lazy_page).
pub struct Page {
    /// The `#[lazy]` function of its module's chunk, written into the document (`data-chunk`)
    /// for the browser's preload and the benchmark's count (the build's manifest names the
    /// chunk's files after it).
    pub chunk: &'static str,
    /// Loads the chunk (in the browser) and builds the view.
    pub view: fn() -> PageFuture,
    /// Loads the chunk without building anything.
    #[cfg(feature = "hydrate")]
    pub preload: fn() -> Pin<Box<dyn Future<Output = ()>>>,
}

/// A page being loaded: its wasm chunk fetched (in the browser), then the view built.
pub type PageFuture = Pin<Box<dyn Future<Output = AnyView> + Send>>;

/// The [`Page`] `$name` (a variant of the chunk's own page enum, so the chunk's `match`
/// names every page it holds), built by the `#[lazy]` function `$bundle($name)` of its
/// module's chunk, with the preload function `#[lazy]` makes for it in the browser
/// (`__preload_<bundle>`), in the module where both are written. A module's pages share one
/// chunk: a page per chunk made a hundred files to fetch for one page (docs/benchmarks.md).
#[macro_export]
macro_rules! lazy_page {
    ($name:path, $bundle:ident, $preload:ident) => {
        $crate::modules::Page {
            chunk: stringify!($bundle),
            view: || $crate::modules::page_future($bundle($name)),
            #[cfg(feature = "hydrate")]
            preload: || ::std::boxed::Box::pin($preload()),
        }
    };
}

/// Wraps a `#[lazy]` page function's future. In the browser it holds a JavaScript promise,
/// which never leaves the one thread there is.
#[cfg(feature = "hydrate")]
pub fn page_future(load: impl Future<Output = AnyView> + 'static) -> PageFuture {
    Box::pin(send_wrapper::SendWrapper::new(load))
}

#[cfg(not(feature = "hydrate"))]
pub fn page_future(load: impl Future<Output = AnyView> + Send + 'static) -> PageFuture {
    Box::pin(load)
}

/// Renders a [`Page`]: its chunk's name for the browser's preload, then the page once its code is
/// there (at once on the server; in the browser after the chunk arrives).
pub fn lazy_page(page: &Page) -> AnyView {
    let load = (page.view)();
    view! {
        <div class="page-chunk" data-chunk=page.chunk>
            <Suspense fallback=|| view! { <div class="page-loading" role="status" aria-live="polite"></div> }>
                {Suspend::new(load)}
            </Suspense>
        </div>
    }
    .into_any()
}

/// Pages outside the module registry (the engine's: see [`ModulePage`]); the modules' own
/// pages among their registers are added from [`crate::engine::MODULE_VIEWS`], so that a new
/// one cannot be left out (its markup would then fail to hydrate).
pub const OTHER_PAGES: &[&Page] = &[
    &crate::auth::REGISTER_PAGE,
    &crate::auth::REGISTER_ENTERPRISE_PAGE,
    &crate::events::TRACK_PAGE,
    &crate::engine::PAGE,
    &crate::engine::PRINT_PAGE,
];

/// Fetches the code of every page the server rendered into this document, so that it can be
/// hydrated (a page whose code is missing cannot be: the markup would not match).
#[cfg(feature = "hydrate")]
pub async fn preload_rendered_pages() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(nodes) = document.query_selector_all(".page-chunk[data-chunk]") else {
        return;
    };
    for index in 0..nodes.length() {
        use wasm_bindgen::JsCast;
        let Some(chunk) = nodes
            .item(index)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("data-chunk"))
        else {
            continue;
        };
        // One page in a document, as a rule. Its chunk's files are fetched here: the server
        // adds no preload links for them (scripts/build.sh renames the split's manifest).
        let module_views = crate::engine::MODULE_VIEWS.iter().map(|view| view.page);
        if let Some(page) =
            all().map(|m| &m.page).chain(OTHER_PAGES.iter().copied()).chain(module_views).find(|p| p.chunk == chunk)
        {
            (page.preload)().await;
        }
    }
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

/// Whether a path may be a page of the console: a module's, or under the engine's `/m/`
/// (which registers exist is known to the engine's chunk, not to the main wasm: see
/// [`ModulePage`]).
pub fn owns(path: &str) -> bool {
    find(path).is_some() || path.starts_with(ENGINE_PREFIX)
}

/// Where the engine's pages are.
const ENGINE_PREFIX: &str = "/m/";

/// Renders the module page for the current path, or 404 / 403.
///
/// The registers of `shared::modules::MODULES` are served at `/m/<module>/<register>/…` by
/// the engine's pages, without entries in [`REGISTRY`]: an entry carries one fixed
/// `Permission`, while every register has its own codes (`m.<module>.<register>.view`,
/// `SessionUser::may`), and the registers are listed once already, in `shared`. A second
/// list here would be one more place to forget a register; so `/m/` is decided first, from
/// the declarations, and every other path by the registry. The engine's page (in its own
/// chunk) finds the register and checks the view's permission itself, so the declarations
/// stay out of the main wasm (the first page's budget).
#[component]
pub fn ModulePage() -> impl IntoView {
    let location = use_location();
    let user = use_context::<SessionUser>();
    move || {
        let path = location.pathname.get();
        if path.starts_with(ENGINE_PREFIX) {
            return match &user {
                Some(_) => lazy_page(&crate::engine::PAGE),
                None => view! { <Forbidden /> }.into_any(),
            };
        }
        match (find(&path), &user) {
            (None, _) => view! { <NotFound /> }.into_any(),
            (Some(module), Some(user)) if user.can(module.permission) => lazy_page(&module.page),
            (Some(_), _) => view! { <Forbidden /> }.into_any(),
        }
    }
}

/// One entry of the sidebar: a registry module's page or a register's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub path: String,
    /// The translation key of its label.
    pub title: String,
    /// Its label as written, in both languages, where no translation has it (a run-time
    /// register's title).
    pub text: Option<shared::engine::runtime::RuntimeTitle>,
    pub icon: IconName,
}

impl MenuEntry {
    /// Its label in `locale`.
    pub fn label(&self, locale: crate::i18n::Locale) -> String {
        match &self.text {
            Some(text) => text.in_locale(locale.code()).to_owned(),
            None => locale.t(&self.title),
        }
    }
}

/// A titled group of entries in the sidebar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuSection {
    /// The translation key of its title.
    pub title: String,
    pub entries: Vec<MenuEntry>,
}

/// The registry's section the engine's modules follow in the sidebar (business before
/// administration), and, for a user without it, the sections they come before.
const ENGINE_SECTIONS_AFTER: &str = "nav.section.base";
const ENGINE_SECTIONS_BEFORE: [&str; 2] = ["nav.section.admin", "nav.section.me"];

/// The sidebar of `user`: the registry's modules they may open, by section, and after the
/// base data one section per engine module (`module.<module>`) with each register whose
/// view permission they hold — a new register appears with no line written for it.
pub fn menu(user: &SessionUser) -> Vec<MenuSection> {
    let mut sections: Vec<MenuSection> = Vec::new();
    for module in visible_to(user) {
        let entry =
            MenuEntry { path: module.path.to_owned(), title: module.title.to_owned(), text: None, icon: module.icon };
        match sections.iter_mut().find(|section| section.title == module.section) {
            Some(section) => section.entries.push(entry),
            None => sections.push(MenuSection { title: module.section.to_owned(), entries: vec![entry] }),
        }
    }
    // Each section of registers, and whether the user may only arrange its fields there.
    let mut engine: Vec<(MenuSection, bool)> = Vec::new();
    for register in &user.registers {
        let entry = MenuEntry {
            path: register.path(),
            title: register.title_key(),
            text: register.title.clone(),
            icon: IconName::List,
        };
        match engine.last_mut() {
            Some((section, fields_only)) if section.title == register.section_key() => {
                section.entries.push(entry);
                *fields_only &= register.fields_only;
            }
            _ => {
                engine.push((MenuSection { title: register.section_key(), entries: vec![entry] }, register.fields_only))
            }
        }
    }
    // The registers a user works in come before those whose fields they only arrange (the
    // system administrator's 运维管理 before the business registers).
    engine.sort_by_key(|(_, fields_only)| *fields_only);
    let mut engine: Vec<MenuSection> = engine.into_iter().map(|(section, _)| section).collect();
    // A module's own pages (the party board) open its section, for who may view their register.
    for own in crate::engine::MODULE_VIEWS.iter().rev() {
        let opens = user.registers.iter().any(|r| !r.fields_only && r.module == own.module && r.name == own.register);
        let section_key = format!("module.{}", own.module);
        if opens && let Some(section) = engine.iter_mut().find(|section| section.title == section_key) {
            let entry =
                MenuEntry { path: own.path(), title: own.title.to_owned(), text: None, icon: IconName::Dashboard };
            section.entries.insert(0, entry);
        }
    }
    let at = sections
        .iter()
        .position(|section| section.title == ENGINE_SECTIONS_AFTER)
        .map(|i| i + 1)
        .or_else(|| sections.iter().position(|section| ENGINE_SECTIONS_BEFORE.contains(&section.title.as_str())))
        .unwrap_or(sections.len());
    sections.splice(at..at, engine);
    sections
}

//! Tongguan's user interface: one set of reactive views over the shared module services,
//! laid out for the PC console, the phone and the command-centre big screen.
//!
//! Each module (dashboard, base data, administration …) is a folder with its pages and its
//! `#[server]` functions (`api.rs`); `modules.rs` registers them for the router and the menus.

#![recursion_limit = "256"]

// The texts come from `i18n::Tables` (built from `locales/*.yml` by build.rs); the path given
// here holds no files on purpose, so the macro generates no per-string code of its own.
rust_i18n::i18n!("locales/none", fallback = "zh-CN", backend = crate::i18n::Tables);

pub mod admin;
pub mod auth;
pub mod basedata;
pub mod components;
pub mod dashboard;
pub mod engine;
pub mod events;
pub mod i18n;
pub mod layout;
pub mod map;
pub mod modules;
pub mod office;
pub mod party;
pub mod profile;
pub mod sensing;
pub mod wire;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, StaticSegment, WildcardSegment, path};

use crate::i18n::{Locale, use_locale};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = Locale::from_request();
    view! {
        <!DOCTYPE html>
        <html lang=locale.html_lang()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#1456c7" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/favicon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                // The page's texts, which the wasm fetches before it hydrates (i18n::texts).
                <link rel="preload" href={i18n::texts::href(locale)} as="fetch" crossorigin="anonymous" />
                <HydrationScripts options />
                <MetaTags />
                // The service worker; an installed app, or the console behind the login, asks it
                // after five idle seconds to keep every module's wasm chunk (public/sw.js).
                // It carries the page's nonce: the Content-Security-Policy runs no other inline script.
                <script nonce=leptos::nonce::use_nonce()>
                    "if ('serviceWorker' in navigator) { window.addEventListener('load', function () { navigator.serviceWorker.register('/sw.js'); if (matchMedia('(display-mode: standalone)').matches || document.querySelector('.app-shell')) { navigator.serviceWorker.ready.then(function (r) { setTimeout(function () { (window.requestIdleCallback || setTimeout)(function () { if (r.active) r.active.postMessage({ type: 'PRECACHE_PAGES' }); }); }, 5000); }); } }); }"
                </script>
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_locale();
    let locale = use_locale();
    // Effects run only in the browser, after hydration: end-to-end tests wait for this mark.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/tongguan.css" />
        <Title formatter=move |text: String| {
            if text.is_empty() { locale.t("app.name") } else { format!("{text} · {}", locale.t("app.name")) }
        } />
        <Meta name="description" content=locale.t("app.description") />
        <Link rel="preload" href="/pkg/tongguan.css" as_="style" />
        <Router>
            <Routes fallback=|| view! { <components::NotFound /> }>
                // Async: the whole page is rendered before it is sent, so that forms and their
                // options are complete without JavaScript too.
                // The login is the first page most visits see: its code is in the main wasm,
                // so that it loads one file (every other page's code is a chunk of its own).
                <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/register") view=|| modules::lazy_page(&auth::REGISTER_PAGE) ssr=SsrMode::Async />
                <Route path=path!("/register/enterprise") view=|| modules::lazy_page(&auth::REGISTER_ENTERPRISE_PAGE) ssr=SsrMode::Async />
                <Route path=path!("/password") view=|| modules::lazy_page(&auth::PASSWORD_PAGE) ssr=SsrMode::Async />
                <Route path=path!("/two-factor") view=|| modules::lazy_page(&auth::SECOND_FACTOR_PAGE) ssr=SsrMode::Async />
                <Route path=path!("/screen") view=|| modules::lazy_page(&dashboard::SCREEN_PAGE) ssr=SsrMode::Async />
                <Route path=path!("/track") view=|| modules::lazy_page(&events::TRACK_PAGE) ssr=SsrMode::Async />
                // A register's 登记表 for the printer: no console around it.
                <Route path=path!("/m/:module/:register/:id/print") view=|| modules::lazy_page(&engine::PRINT_PAGE) ssr=SsrMode::Async />
                <ParentRoute path=StaticSegment("") view=layout::AppShell ssr=SsrMode::Async>
                    <Route path=StaticSegment("") view=HomePage />
                    <Route path=WildcardSegment("any") view=modules::ModulePage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// `/`: the dashboard for staff; the personal page for those without it (the public,
/// enterprises, the auditor).
#[component]
fn HomePage() -> impl IntoView {
    let can_see_dashboard = use_context::<shared::accounts::SessionUser>()
        .is_some_and(|u| u.can(shared::permissions::codes::DASHBOARD_VIEW));
    let path = if can_see_dashboard { "/" } else { "/me" };
    match modules::all().find(|m| m.path == path) {
        Some(module) => modules::lazy_page(&module.page),
        None => view! { <components::NotFound /> }.into_any(),
    }
}

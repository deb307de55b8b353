//! The frame of the login and registration pages: brand, card, language switch.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::DocumentTitle;
use crate::i18n::{switch_href, use_locale};

#[component]
pub fn AuthFrame(title: &'static str, children: Children) -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        if search.is_empty() { location.pathname.get() } else { format!("{}?{search}", location.pathname.get()) }
    };
    view! {
        <DocumentTitle text=locale.t(title) />
        <main class="auth-page" id="main">
            <a class="brand" href="/">
                <img class="brand-logo" src="/icons/logo.svg" alt="" width="40" height="40" />
                <span class="brand-name">{locale.t("app.short_name")}</span>
                <span class="brand-sub">{locale.t("app.tagline")}</span>
            </a>
            <div class="auth-card card">
                <h1 class="card-title">{locale.t(title)}</h1>
                {children()}
            </div>
            <p class="auth-links">
                <a href=move || switch_href(locale, &here()) hreflang=locale.other().code() rel="external nofollow">
                    {locale.t("lang.switch")}
                </a>
            </p>
        </main>
    }
}

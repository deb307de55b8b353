//! Page furniture: the title block and the error pages.

use leptos::prelude::*;

use super::DocumentTitle;
use crate::i18n::use_locale;

/// The page title (h1 and document title), breadcrumbs and an optional description.
#[component]
pub fn PageHeader(
    /// Translation key of the title.
    title: &'static str,
    /// Translation key of the section the page belongs to.
    #[prop(optional)]
    section: Option<&'static str>,
    #[prop(optional)] description: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <DocumentTitle text=locale.t(title) />
        <nav class="breadcrumbs" aria-label=locale.t("nav.breadcrumbs")>
            <ol>
                <li>
                    <a href="/">{locale.t("nav.home")}</a>
                </li>
                {section.map(|key| view! { <li>{locale.t(key)}</li> })}
                <li aria-current="page">{locale.t(title)}</li>
            </ol>
        </nav>
        <div class="page-header">
            <div>
                <h1 class="page-title">{locale.t(title)}</h1>
                {description.map(|key| view! { <p class="page-desc">{locale.t(key)}</p> })}
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="auth-page" id="main">
            <DocumentTitle text=locale.t("errors.page_not_found") />
            <div class="auth-card card">
                <h1 class="page-title">{locale.t("errors.page_not_found")}</h1>
                <p class="page-desc">{locale.t("errors.page_not_found_desc")}</p>
                <a class="btn btn-primary" href="/">{locale.t("nav.back_home")}</a>
            </div>
        </main>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <DocumentTitle text=locale.t("errors.forbidden_title") />
        <section class="card" aria-labelledby="forbidden-title">
            <h1 class="page-title" id="forbidden-title">{locale.t("errors.forbidden_title")}</h1>
            <p class="page-desc">{locale.t("errors.forbidden")}</p>
            <a class="btn btn-primary" href="/">{locale.t("nav.back_home")}</a>
        </section>
    }
}

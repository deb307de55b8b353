//! The title block of every engine page: breadcrumbs (home › module › register › page), the
//! heading and the document title, and the page's buttons.

use leptos::prelude::*;

use super::Meta;
use crate::components::DocumentTitle;
use crate::i18n::use_locale;

#[component]
pub fn Header(
    meta: Meta,
    /// The heading; `None`: the register's title (the list).
    #[prop(optional, into)]
    heading: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let locale = use_locale();
    let title = meta.title.clone();
    let here = heading.clone().unwrap_or_else(|| title.clone());
    let document_title = if heading.is_some() { format!("{here} · {title}") } else { title.clone() };
    view! {
        <DocumentTitle text=document_title />
        <nav class="breadcrumbs" aria-label=locale.t("nav.breadcrumbs")>
            <ol>
                <li><a href="/">{locale.t("nav.home")}</a></li>
                <li>{meta.module_title.clone()}</li>
                {heading.is_some().then(|| view! { <li><a href=meta.path()>{title.clone()}</a></li> })}
                <li aria-current="page">{here.clone()}</li>
            </ol>
        </nav>
        <div class="page-header">
            <div>
                <h1 class="page-title">{here}</h1>
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}

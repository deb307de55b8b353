//! `/m/<module>/<register>/<id>/print`: the record as a 登记表 on one A4 page — the
//! township's name and the register's title as heading, a table of label and value — with
//! no console around it (its own route, outside the shell; `@page { size: A4 }` in
//! style/main.css). Anyone who may see the record may print it; the server checks as for the
//! detail. A register with its own layout ([`super::PRINT_VIEWS`]: an outgoing document as a
//! GB/T 9704 公文) is printed in that instead.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::api::get_record;
use super::detail_page::{Facts, record_name};
use super::{Meta, PRINT_VIEWS, Route, View, route, use_meta};
use crate::auth::api::get_me;
use crate::components::{DocumentTitle, ErrorAlert, NotFound};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn PrintPage() -> impl IntoView {
    let locale = use_locale();
    let Some(route @ Route { view: View::Print(id), .. }) = route(&use_location().pathname.get_untracked()) else {
        return view! { <NotFound /> }.into_any();
    };
    let meta = use_meta(&route);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match meta.await {
                    Err(error) => view! { <main class="print-sheet" id="main"><ErrorAlert error /></main> }.into_any(),
                    Ok(meta) => view! { <Sheet meta=Arc::new(meta) id /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Sheet(meta: Meta, id: i64) -> impl IntoView {
    let locale = use_locale();
    let (module, name) = (meta.module.clone(), meta.name.clone());
    let record = resource(move || id, move |id| get_record(module.clone(), name.clone(), id));
    let me = resource(|| (), |_| get_me());
    let title = meta.title.clone();
    let back = super::record_path(&meta, id);
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <main class="print-sheet" id="main">
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let (title, meta) = (title.clone(), meta.clone());
                    Suspend::new(async move {
                        let township = me.await.ok().flatten().map(|user| user.township_name).unwrap_or_default();
                        match record.await {
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            Ok(record) => {
                                let name = record_name(locale, &meta, &record);
                                if let Some(own) = PRINT_VIEWS.iter().find(|own| own.module == meta.module && own.register == meta.name) {
                                    let title = format!("{name} · {title}");
                                    return view! { <DocumentTitle text=title /> {(own.view)(meta, record)} }.into_any();
                                }
                                view! {
                                    <DocumentTitle text=format!("{name} · {title}") />
                                    <header class="print-head">
                                        <p class="print-township">{township}</p>
                                        <h1>{locale.tf("engine.print_title", &[("title", title.clone())])}</h1>
                                    </header>
                                    <dl class="print-table">
                                        <Facts meta record />
                                    </dl>
                                }
                                .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
            <p class="no-print cluster">
                <button class="btn btn-primary" type="button" on:click=print>{locale.t("engine.print")}</button>
                <a class="btn btn-ghost" href=back>{locale.t("engine.back")}</a>
            </p>
        </main>
    }
}

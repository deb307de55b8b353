//! The console shell: top bar, sidebar from the module registry, content, and on phones a
//! bottom tab bar instead of the sidebar. Anyone not logged in is sent to the login page.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use shared::accounts::SessionUser;
use shared::error::AppError;

use crate::auth::api::{Logout, get_me};
use crate::components::{ErrorAlert, Icon};
use crate::events::live::{provide_live, rendered_at};
use crate::i18n::{switch_href, use_locale};
use crate::modules;
use crate::wire::blocking_resource;

/// The user as the server knew them when it rendered the page, shared with the browser for
/// hydration: the shell and the page are then built exactly once, outside any Suspense
/// (a page built inside a Suspense may be built twice on the server, with other resource
/// ids than in the browser, and fail to hydrate). `None` when the shell is first built in
/// the browser (after a client-side login) or nobody is logged in: then it asks the server.
pub(crate) fn rendered_user() -> Option<SessionUser> {
    SharedValue::<_, crate::wire::Data>::new_with_encoding(|| {
        #[cfg(feature = "ssr")]
        {
            crate::auth::session::request_user()
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
    .into_inner()
}

#[component]
pub fn AppShell() -> impl IntoView {
    let user = rendered_user();
    // One live connection for all the console's pages, told how old the rendered page is.
    provide_live(rendered_at());
    let location = use_location();
    // A password due comes first, then a second factor to enrol (the server sends page
    // requests there too): the console would only meet refusals.
    let due_page = move |user: &SessionUser| {
        user.due_page(&location.pathname.get_untracked()).map(|path| view! { <Redirect path /> }.into_any())
    };
    if let Some(user) = user {
        if let Some(due) = due_page(&user) {
            return due;
        }
        provide_context(user.clone());
        return view! { <Shell user /> }.into_any();
    }
    let locale = use_locale();
    let me = blocking_resource(|| (), |_| get_me());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => due_page(&user).unwrap_or_else(|| {
                        provide_context(user.clone());
                        view! { <Shell user /> }.into_any()
                    }),
                    Ok(None) | Err(AppError::Unauthorized) => {
                        let here = location.pathname.get_untracked();
                        // A path no module owns is a 404 for everyone: the login would only
                        // lead to the same missing page.
                        if here != "/" && !crate::modules::owns(&here) {
                            return view! { <crate::components::NotFound /> }.into_any();
                        }
                        let target = if here == "/" { "/login".to_owned() } else { format!("/login?next={here}") };
                        view! { <Redirect path=target /> }.into_any()
                    }
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// A menu entry is current when its module owns the path, the longest registered prefix
/// (`modules::find`): `/events/command` is the command view's, not the inbox's at `/events`,
/// while an event's page `/events/12` is the inbox's. A register's entry is current on its
/// list and its records' pages (`/m/party/members/12`).
fn is_current(module_path: &str, path: &str) -> bool {
    if module_path == "/" {
        path == "/"
    } else if module_path.starts_with("/m/") {
        path == module_path || path.starts_with(&format!("{module_path}/"))
    } else {
        modules::find(path).is_some_and(|module| module.path == module_path)
    }
}

#[component]
fn Shell(user: SessionUser) -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let logout = ServerAction::<Logout>::new();
    let current =
        move |module_path: String| move || is_current(&module_path, &location.pathname.get()).then_some("page");
    let sections = modules::menu(&user);
    let tabs: Vec<&'static modules::Module> = modules::visible_to(&user).filter(|m| m.tab).take(5).collect();
    let role_label = user.role_names.join("、");
    let here = move || location.pathname.get();
    view! {
        <div class="app-shell">
            <a class="skip-link" href="#main">{locale.t("nav.skip")}</a>
            <header class="topbar">
                <a class="brand" href="/">
                    <img class="brand-logo" src="/icons/logo.svg" alt="" width="28" height="28" />
                    <span class="brand-name">{locale.t("app.short_name")}</span>
                    <span class="brand-sub">{user.township_name.clone()}</span>
                </a>
                <div class="topbar-actions">
                    <a class="btn btn-ghost btn-small lang-switch" href=move || switch_href(locale, &here()) hreflang=locale.other().code() rel="external nofollow">
                        {locale.t("lang.switch")}
                    </a>
                    <a class="user-chip" href="/me" title=role_label.clone()>
                        <span>{user.display_name.clone()}</span>
                        <span class="muted">{role_label.clone()}</span>
                    </a>
                    <ActionForm action=logout>
                        <button class="btn btn-ghost btn-small" type="submit">{locale.t("nav.logout")}</button>
                    </ActionForm>
                </div>
            </header>
            <nav class="sidebar" aria-label=locale.t("nav.main")>
                {sections
                    .into_iter()
                    .map(|section| {
                        view! {
                            <p class="nav-section">{locale.t(&section.title)}</p>
                            <ul class="nav-list">
                                {section
                                    .entries
                                    .into_iter()
                                    .map(|entry| {
                                        view! {
                                            <li>
                                                <a class="nav-item" href=entry.path.clone() aria-current=current(entry.path.clone())>
                                                    <Icon name=entry.icon />
                                                    <span class="nav-label">{entry.label(locale)}</span>
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
                    .collect_view()}
            </nav>
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
            <nav class="tabbar" aria-label=locale.t("nav.tabs")>
                {tabs
                    .into_iter()
                    .map(|module| {
                        view! {
                            <a class="tab-item" href=module.path aria-current=current(module.path.to_owned())>
                                <Icon name=module.icon class="tab-icon" />
                                <span class="tab-label">{locale.t(module.title)}</span>
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn one_menu_entry_is_current_for_a_path() {
        assert!(is_current("/events/command", "/events/command"));
        assert!(!is_current("/events", "/events/command"), "the inbox is not the command view");
        assert!(is_current("/events", "/events/12"), "an event's page belongs to the inbox");
        assert!(is_current("/", "/") && !is_current("/", "/me"));
        assert!(is_current("/m/party/members", "/m/party/members/12/edit"), "a record belongs to its register");
        assert!(!is_current("/m/party/members", "/m/party/members_x"));
    }
}

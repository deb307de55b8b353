//! The profile page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::accounts::SessionUser;

use super::delegation::DelegationSection;
use crate::auth::api::Logout;
use crate::components::PageHeader;
use crate::i18n::{switch_href, use_locale};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let locale = use_locale();
    let user = use_context::<SessionUser>();
    let params = use_query_map();
    let logout = ServerAction::<Logout>::new();
    let welcome = move || params.read().get("welcome").is_some();
    view! {
        <PageHeader title="nav.me" section="nav.section.me" />
        {move || welcome().then(|| view! { <div class="alert alert-success" role="status">{locale.t("me.welcome")}</div> })}
        {user.map(|user| {
            view! {
                <section class="card" aria-labelledby="me-title">
                    <h2 class="card-title" id="me-title">{user.display_name.clone()}</h2>
                    <dl class="details">
                        <dt>{locale.t("me.username")}</dt>
                        <dd class="mono">{user.username.clone()}</dd>
                        <dt>{locale.t("me.kind")}</dt>
                        <dd>{locale.t(&format!("users.kind_{}", user.kind.as_str()))}</dd>
                        <dt>{locale.t("me.township")}</dt>
                        <dd>{user.township_name.clone()}</dd>
                        <dt>{locale.t("users.roles")}</dt>
                        <dd>{user.role_names.join("、")}</dd>
                        <dt>{locale.t("roles.scope")}</dt>
                        <dd>{locale.t(&format!("scope.{}", user.scope.as_str()))}</dd>
                        <dt>{locale.t("roles.permissions")}</dt>
                        <dd>
                            <span class="cluster">
                                {user.permissions.iter().map(|p| view! { <span class="badge badge-info">{locale.t(p.i18n_key())}</span> }).collect_view()}
                            </span>
                        </dd>
                    </dl>
                </section>
            }
        })}
        <DelegationSection />
        <section class="card" aria-labelledby="settings-title">
            <h2 class="card-title" id="settings-title">{locale.t("me.settings")}</h2>
            <div class="cluster">
                <a class="btn btn-ghost" href=switch_href(locale, "/me") hreflang=locale.other().code() rel="external nofollow">{locale.t("lang.switch")}</a>
                <a class="btn btn-ghost" href="/password?next=/me">{locale.t("password.title")}</a>
                <a class="btn btn-ghost" href="/two-factor">{locale.t("second_factor.title")}</a>
                <ActionForm action=logout>
                    <button class="btn btn-danger" type="submit">{locale.t("nav.logout")}</button>
                </ActionForm>
            </div>
        </section>
    }
}

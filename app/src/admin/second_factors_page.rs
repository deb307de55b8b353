//! `/admin/second-factors` (两步验证): for the security administrator, whether the policy
//! requires a second factor of administrators, and each account of the township — staff, and
//! anyone else who turned one on — with its state and recovery codes left. A user who lost
//! their phone and their recovery codes has theirs taken away here (重置), never their own.

use leptos::prelude::*;
use shared::accounts::{SecondFactorAccount, SecondFactorOverview};

use super::api::{ResetSecondFactor, second_factor_overview};
use crate::components::{ErrorAlert, ErrorBanner, PageHeader, RowsTable, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn SecondFactorsPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let reset = ServerAction::<ResetSecondFactor>::new();
    let overview = resource(move || reset.version().get(), |_| second_factor_overview());
    let done = move || query.read().get("reset").is_some() || reset.value().get().is_some_and(|r| r.is_ok());
    view! {
        <PageHeader title="nav.second_factors" section="nav.section.admin" description="second_factors.description" />
        <Show when=done>
            <p class="alert alert-success" role="status">{locale.t("second_factors.reset_done")}</p>
        </Show>
        <ErrorBanner error=last_error(reset.value()) />
        <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(overview) => view! { <Overview overview reset /> }.into_any(),
                }
            })}
        </Transition>
    }
}

const HEADS: &[&str] =
    &["sessions_page.user", "sessions_page.roles", "second_factors.state", "second_factors.recovery_left", ""];

#[component]
fn Overview(overview: SecondFactorOverview, reset: ServerAction<ResetSecondFactor>) -> impl IntoView {
    let locale = use_locale();
    let SecondFactorOverview { required_of_administrators, accounts } = overview;
    let policy = if required_of_administrators {
        view! { <p class="alert alert-success" role="status" data-testid="policy">{locale.t("second_factors.policy_on")}</p> }
    } else {
        view! { <p class="alert alert-warn" role="status" data-testid="policy">{locale.t("second_factors.policy_off")}</p> }
    };
    let (on, administrators_without) = (
        accounts.iter().filter(|a| a.enabled).count(),
        accounts.iter().filter(|a| a.administrator && !a.enabled).count(),
    );
    let summary = locale.tf(
        "second_factors.summary",
        &[("on", on.to_string()), ("n", accounts.len().to_string()), ("admins", administrators_without.to_string())],
    );
    let n = accounts.len();
    let rows = accounts.into_iter().map(|account| view! { <AccountRow account reset /> }).collect_view();
    view! {
        {policy}
        <section class="card" aria-labelledby="second-factors-title">
            <h2 class="card-title" id="second-factors-title">{locale.t("second_factors.accounts")}</h2>
            <p class="muted">{summary}</p>
            <RowsTable testid="second-factor-accounts" heads=HEADS empty="second_factors.none" rows=n>
                {rows}
            </RowsTable>
        </section>
    }
}

#[component]
fn AccountRow(account: SecondFactorAccount, reset: ServerAction<ResetSecondFactor>) -> impl IntoView {
    let locale = use_locale();
    let state = match (account.enabled, account.administrator) {
        (true, _) => view! { <span class="badge badge-ok">{locale.t("second_factors.state_on")}</span> }.into_any(),
        (false, true) => {
            view! { <span class="badge badge-warn">{locale.t("second_factors.off_admin")}</span> }.into_any()
        }
        (false, false) => {
            view! { <span class="badge badge-muted">{locale.t("second_factors.state_off")}</span> }.into_any()
        }
    };
    let left = if account.enabled { account.recovery_left.to_string() } else { "—".into() };
    let action = if account.current {
        view! { <span class="badge badge-info">{locale.t("second_factors.yourself")}</span> }.into_any()
    } else if account.enabled {
        let label = locale.tf("second_factors.reset_named", &[("name", account.display_name.clone())]);
        view! {
            <ActionForm action=reset>
                <input type="hidden" name="user_id" value=account.user_id.to_string() />
                <button type="submit" class="btn btn-danger btn-small" aria-label=label>
                    {locale.t("second_factors.reset")}
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        ().into_any()
    };
    let (username, row_user) = (account.username.clone(), account.username);
    view! {
        <tr data-user=row_user>
            <td>{account.display_name} " " <span class="muted">{username}</span></td>
            <td>{account.role_names.join("、")}</td>
            <td>{state}</td>
            <td>{left}</td>
            <td>{action}</td>
        </tr>
    }
}

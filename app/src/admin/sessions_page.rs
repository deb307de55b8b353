//! `/admin/sessions` (在线用户): the township's live sessions for the security administrator —
//! who, with which roles, since when, last active, from which browser — each with 结束会话,
//! which ends it at once on every server process. The administrator's own session is marked
//! and cannot be ended here (logging out does that).

use leptos::prelude::*;
use shared::accounts::OnlineSession;

use super::api::{EndSession, online_sessions};
use crate::components::{ErrorAlert, ErrorBanner, PageHeader, RowsTable, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%m-%d %H:%M:%S").to_string()
}

/// The browser and system of a user agent, in a few words.
fn browser(user_agent: &str) -> String {
    let name = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|marker| user_agent.contains(*marker))
        .map(|marker| marker.trim_end_matches('/').replace("Edg", "Edge"))
        .unwrap_or_default();
    let system =
        [("Android", "Android"), ("iPhone", "iOS"), ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux")]
            .iter()
            .find(|(marker, _)| user_agent.contains(marker))
            .map(|(_, system)| *system)
            .unwrap_or_default();
    match (name.is_empty(), system.is_empty()) {
        (true, true) => user_agent.chars().take(40).collect(),
        (false, false) => format!("{name} · {system}"),
        _ => format!("{name}{system}"),
    }
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let end = ServerAction::<EndSession>::new();
    let sessions = resource(move || end.version().get(), |_| online_sessions());
    let ended = move || query.read().get("ended").is_some() || end.value().get().is_some_and(|r| r.is_ok());
    view! {
        <PageHeader title="nav.sessions" section="nav.section.admin" description="sessions_page.description" />
        <Show when=ended>
            <p class="alert alert-success" role="status">{locale.t("sessions_page.ended")}</p>
        </Show>
        <ErrorBanner error=last_error(end.value()) />
        <section class="card" aria-labelledby="sessions-title">
            <h2 class="card-title" id="sessions-title">{locale.t("sessions_page.live")}</h2>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(rows) => view! { <SessionTable rows end /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

const HEADS: &[&str] = &[
    "sessions_page.user",
    "sessions_page.roles",
    "sessions_page.since",
    "sessions_page.last_seen",
    "sessions_page.expires",
    "sessions_page.browser",
    "",
];

#[component]
fn SessionTable(rows: Vec<OnlineSession>, end: ServerAction<EndSession>) -> impl IntoView {
    let locale = use_locale();
    let n = rows.len();
    let rows = rows
        .into_iter()
        .map(|session| {
            let (username, handle) = (session.username.clone(), session.handle.clone());
            let action = if session.current {
                view! { <span class="badge badge-info">{locale.t("sessions_page.current")}</span> }.into_any()
            } else {
                let label = locale.tf("sessions_page.end_named", &[("name", session.display_name.clone())]);
                let handle = handle.clone();
                view! {
                    <ActionForm action=end>
                        <input type="hidden" name="handle" value=handle />
                        <button type="submit" class="btn btn-danger btn-small" aria-label=label>
                            {locale.t("sessions_page.end")}
                        </button>
                    </ActionForm>
                }
                .into_any()
            };
            view! {
                <tr data-user=username data-handle=handle>
                    <td>{session.display_name} " " <span class="muted">{session.username}</span></td>
                    <td>{session.role_names.join("、")}</td>
                    <td>{when(session.created_at)}</td>
                    <td>{when(session.last_seen_at)}</td>
                    <td>{when(session.expires_at)}</td>
                    <td title=session.user_agent.clone()>{browser(&session.user_agent)}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <RowsTable testid="online-sessions" heads=HEADS empty="sessions_page.none" rows=n>
            {rows}
        </RowsTable>
    }
}

#[cfg(test)]
mod tests {
    use super::browser;

    #[test]
    fn a_user_agent_reads_as_browser_and_system() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(browser(chrome), "Chrome · Linux");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser(iphone), "Safari · iOS");
        assert_eq!(browser("curl/8.0"), "curl/8.0");
    }
}

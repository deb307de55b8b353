//! `/admin/exchange` (上级平台交换): what the township owes the upper-level platforms. The
//! platforms it exchanges with (registered, changed and stopped here: `exchange_peers`), then
//! the outbox in tabs — waiting, failing (backing off after
//! a failed attempt), dead letters, delivered — each message with its attempts, its last error
//! and the exact JSON the peer receives. A dead letter holds its instruction's later messages;
//! its button sends it again once the peer is fixed.

use leptos::prelude::*;
use shared::exchange::{OutboxPage, OutboxRow, OutboxView, PeerRow};

use super::api::{RetryExchangeMessage, SaveExchangePeer, StopExchangePeer, exchange_outbox, issued_api_key};
use super::exchange_peers::{MadeSecret, PeerEditor};
use crate::components::{ErrorAlert, ErrorBanner, PageHeader, RowsTable, last_error};
use crate::i18n::use_locale;
use crate::wire::resource;

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::local(at).format("%m-%d %H:%M:%S").to_string()
}

#[component]
pub fn ExchangePage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let view_shown = move || query.read().get("view").and_then(|v| OutboxView::parse(&v)).unwrap_or(OutboxView::All);
    let retry = ServerAction::<RetryExchangeMessage>::new();
    let save = ServerAction::<SaveExchangePeer>::new();
    let stop = ServerAction::<StopExchangePeer>::new();
    let page = resource(
        move || (view_shown(), retry.version().get(), save.version().get(), stop.version().get()),
        |(view, ..)| exchange_outbox(view),
    );
    let retried = move || query.read().get("retried").is_some() || retry.value().get().is_some_and(|r| r.is_ok());
    let saved = move || query.read().get("saved").is_some() || save.value().get().is_some_and(|r| r.is_ok());
    let stopped = move || query.read().get("stopped").is_some() || stop.value().get().is_some_and(|r| r.is_ok());
    // A secret made for a plain form post waits under a one-time note.
    let noted = resource(
        move || query.read().get("secret"),
        |note| async move {
            match note {
                Some(note) => issued_api_key(note).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <PageHeader title="nav.exchange" section="nav.section.admin" description="exchange_page.description">
            <a class="btn btn-ghost" href="/docs/exchange.md" rel="external">{locale.t("exchange_page.protocol")}</a>
        </PageHeader>
        <Show when=retried>
            <p class="alert alert-success" role="status">{locale.t("exchange_page.retried")}</p>
        </Show>
        <Show when=saved>
            <p class="alert alert-success" role="status">{locale.t("exchange_page.peer_saved")}</p>
        </Show>
        <Show when=stopped>
            <p class="alert alert-success" role="status">{locale.t("exchange_page.peer_stopped")}</p>
        </Show>
        {move || save.value().get().and_then(Result::ok).flatten().map(|key| view! { <MadeSecret key /> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { noted.await.ok().flatten().map(|key| view! { <MadeSecret key /> }) })}
        </Suspense>
        <ErrorBanner error=last_error(retry.value()) />
        <ErrorBanner error=last_error(stop.value()) />
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    Ok(page) => view! { <Exchange page shown=view_shown() retry stop /> }.into_any(),
                }
            })}
        </Suspense>
        <PeerEditor action=save />
    }
}

#[component]
fn Exchange(
    page: OutboxPage,
    shown: OutboxView,
    retry: ServerAction<RetryExchangeMessage>,
    stop: ServerAction<StopExchangePeer>,
) -> impl IntoView {
    let locale = use_locale();
    let tabs = page
        .counts
        .iter()
        .map(|(view, n)| {
            let (view, n) = (*view, *n);
            view! {
                <a class="tab" href=format!("/admin/exchange?view={view}") aria-current=(view == shown).then_some("page")
                    data-view=view.as_str()>
                    {locale.t(view.i18n_key())}
                    <span class="tab-count">{n}</span>
                </a>
            }
        })
        .collect_view();
    view! {
        <PeerTable peers=page.peers stop />
        <section class="card" aria-labelledby="exchange-outbox-title">
            <h2 class="card-title" id="exchange-outbox-title">{locale.t("exchange_page.outbox")}</h2>
            <nav class="tabs" aria-label=locale.t("exchange_page.tabs")>{tabs}</nav>
            <OutboxTable rows=page.rows retry />
        </section>
    }
}

const PEER_HEADS: &[&str] = &[
    "exchange_page.peer_name",
    "exchange_page.peer_code",
    "exchange_page.peer_kind",
    "exchange_page.peer_algorithm",
    "exchange_page.peer_endpoint",
    "exchange_page.peer_max_attempts",
    "exchange_page.peer_instructions",
    "exchange_page.state",
    "",
];

#[component]
fn PeerTable(peers: Vec<PeerRow>, stop: ServerAction<StopExchangePeer>) -> impl IntoView {
    let locale = use_locale();
    let head = |i: usize| locale.t(PEER_HEADS[i]);
    let count = peers.len();
    let rows = peers
        .into_iter()
        .map(|peer| {
            let active = peer.active;
            let (class, state) = if active {
                ("badge badge-ok", "exchange_page.peer_active")
            } else {
                ("badge badge-muted", "exchange_page.peer_inactive")
            };
            let code = peer.code.clone();
            let tag = peer.code.clone();
            view! {
                <tr data-peer=tag>
                    <td data-label=head(0)>{peer.name}</td>
                    <td data-label=head(1)><code>{peer.code}</code></td>
                    <td data-label=head(2)>{locale.t(peer.kind.i18n_key())}</td>
                    <td data-label=head(3)>{peer.algorithm}</td>
                    <td data-label=head(4)><code>{peer.endpoint}</code></td>
                    <td data-label=head(5)>{peer.max_attempts}</td>
                    <td data-label=head(6)>{peer.instructions}</td>
                    <td data-label=head(7)><span class=class>{locale.t(state)}</span></td>
                    <td class="row-actions">
                        {active.then(|| view! {
                            <ActionForm action=stop>
                                <input type="hidden" name="code" value=code />
                                <button class="btn btn-danger btn-small" type="submit" data-testid="exchange-peer-stop">
                                    {locale.t("exchange_page.peer_stop")}
                                </button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="exchange-peers-title">
            <h2 class="card-title" id="exchange-peers-title">{locale.t("exchange_page.peers")}</h2>
            <p class="muted">{locale.t("exchange_page.peers_hint")}</p>
            <RowsTable testid="exchange-peers" heads=PEER_HEADS empty="exchange_page.no_peers" rows=count>{rows}</RowsTable>
        </section>
    }
}

fn badge(view: OutboxView) -> &'static str {
    match view {
        OutboxView::Waiting => "badge badge-info",
        OutboxView::Failing => "badge badge-warn",
        OutboxView::Dead => "badge badge-danger",
        OutboxView::Delivered => "badge badge-ok",
        OutboxView::All => "badge badge-muted",
    }
}

const OUTBOX_HEADS: &[&str] = &[
    "exchange_page.id",
    "exchange_page.peer",
    "exchange_page.instruction",
    "exchange_page.event",
    "exchange_page.step",
    "exchange_page.state",
    "exchange_page.attempts",
    "exchange_page.when",
    "exchange_page.error",
    "exchange_page.payload",
    "",
];

#[component]
fn OutboxTable(rows: Vec<OutboxRow>, retry: ServerAction<RetryExchangeMessage>) -> impl IntoView {
    let locale = use_locale();
    let head = |i: usize| locale.t(OUTBOX_HEADS[i]);
    let count = rows.len();
    let rows = rows
        .into_iter()
        .map(|row| {
            let view = row.view();
            let when_next = match view {
                OutboxView::Delivered => row.delivered_at.map(when).unwrap_or_default(),
                OutboxView::Dead => "—".to_owned(),
                _ => when(row.next_attempt_at),
            };
            let action = locale.t(&format!("event.action.{}", row.message.action));
            let search = format!("/events?q={}", row.message.event_number);
            let id = row.id;
            view! {
                <tr data-message=id.to_string() data-view=view.as_str()>
                    <td data-label=head(0)>{id}</td>
                    <td data-label=head(1)>{row.peer}</td>
                    <td data-label=head(2)><code>{row.message.instruction_id.clone()}</code></td>
                    <td data-label=head(3)><a href=search><code>{row.message.event_number.clone()}</code></a></td>
                    <td data-label=head(4)>{action}</td>
                    <td data-label=head(5)><span class=badge(view)>{locale.t(view.i18n_key())}</span></td>
                    <td data-label=head(6)>{row.attempts}</td>
                    <td data-label=head(7)>{when_next}</td>
                    <td data-label=head(8)>{row.last_error}</td>
                    <td data-label=head(9)>
                        <details class="step-details">
                            <summary>{locale.t("exchange_page.show_payload")}</summary>
                            <pre class="code-block">{row.payload}</pre>
                        </details>
                    </td>
                    <td class="row-actions">
                        <Show when=move || view == OutboxView::Dead>
                            <ActionForm action=retry>
                                <input type="hidden" name="id" value=id.to_string() />
                                <button class="btn btn-primary btn-small" type="submit" data-testid="exchange-retry">
                                    {locale.t("exchange_page.retry")}
                                </button>
                            </ActionForm>
                        </Show>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <RowsTable testid="exchange-outbox" heads=OUTBOX_HEADS empty="exchange_page.empty" rows=count>{rows}</RowsTable> }
}

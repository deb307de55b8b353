//! Live updates: every change to an event is announced by a trigger on the PostgreSQL
//! channel `events`; each server process listens on one connection and forwards the
//! announcements of a viewer's township to their browser as server-sent events. So every
//! viewer on every process sees a change within a second, with no polling.
//!
//! A browser says, when it connects, how old its page's data is (`?since=`, the server's
//! clock in milliseconds when the page was rendered): it is told to refetch at once only when
//! something changed since then, or when this process may have missed it (its listener was
//! not connected the whole time). So neither a page's first connection nor a reconnection
//! with nothing new costs a second fetch of what is on screen (20,000 events on the command
//! map).
//!
//! The same connection hears the township's situation (`situation`: an alarm of a station or
//! an indicator opened, moved or cleared, indicators computed) and forwards it as its own
//! kind, so a wall refetches its tiles and alarms, and nothing else.
//!
//! The same connection hears what makes the process's caches stale: `event_names` (a
//! category or place renamed) for the statistics, `sessions` (a revoked session, or users and
//! roles changed) for the kept sessions.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use shared::AppError;
use shared::accounts::service::session_cache::SessionCache;
use shared::engine::Action;
use shared::events::service::stats_cache::StatsCache;
use shared::permissions::{DataScope, codes};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use crate::auth::{self, ApiError};
use crate::router::ServerState;

/// One announcement from the `events` channel (id, township, state and version only: no
/// personal data travels this way; the browser fetches what its user may see).
#[derive(Debug, Clone, Deserialize)]
pub struct Change {
    pub id: i64,
    pub township_id: i32,
    pub state: String,
    pub version: i32,
    /// The month the event was reported in (`YYYY-MM`, China time); none when it moved.
    #[serde(default)]
    pub month: Option<String>,
    /// Whether anything statistics count changed (not so for the supervision job's marks).
    #[serde(default = "counted")]
    pub counted: bool,
    #[serde(skip)]
    pub payload: String,
}

fn counted() -> bool {
    true
}

/// What the listener forwards to the viewers of a township.
#[derive(Debug, Clone)]
pub enum Announcement {
    /// An event changed.
    Event(Change),
    /// The situation changed (alarms, indicators): the payload names the township only.
    Situation { township_id: i32 },
}

impl Announcement {
    fn township_id(&self) -> i32 {
        match self {
            Announcement::Event(change) => change.township_id,
            Announcement::Situation { township_id } => *township_id,
        }
    }
}

#[derive(Deserialize)]
struct SituationPayload {
    township_id: i32,
}

#[derive(Clone)]
pub struct Live {
    sender: broadcast::Sender<Announcement>,
    heard: Arc<Mutex<Heard>>,
}

/// What this process has heard, to answer "anything new since?".
#[derive(Default)]
struct Heard {
    /// Since when the listener has been connected without a break; none while it is down.
    listening_since: Option<SystemTime>,
    /// The last change heard, per township.
    last_change: HashMap<i32, SystemTime>,
}

/// Clocks of different processes (and hosts) differ a little: a change this close before a
/// page's time counts as after it.
const CLOCK_MARGIN: Duration = Duration::from_secs(1);

impl Live {
    /// Starts listening on `url` (reconnecting by itself) and returns the hub; `stats` and
    /// `sessions` are told of every change, and are on only while the listener is connected.
    pub fn start(url: String, stats: Arc<StatsCache>, sessions: Arc<SessionCache>) -> Self {
        let (sender, _) = broadcast::channel(4096);
        let hub = Self { sender: sender.clone(), heard: Arc::default() };
        let heard = hub.heard.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = listen(&url, &sender, &heard, &stats, &sessions).await {
                    tracing::warn!(%error, "live updates: listener lost, reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        hub
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Announcement> {
        self.sender.subscribe()
    }

    /// The live-update streams open now (each holds a subscription).
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Whether a page whose data was read at `since` may miss a change of `township` (any
    /// township: `None`): one was heard after it, or the listener was not connected all along.
    pub fn changed_since(&self, since: SystemTime, township: Option<i32>) -> bool {
        let since = since.checked_sub(CLOCK_MARGIN).unwrap_or(SystemTime::UNIX_EPOCH);
        let heard = self.heard.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(listening_since) = heard.listening_since else {
            return true;
        };
        listening_since > since
            || match township {
                Some(township) => heard.last_change.get(&township).is_some_and(|&at| at >= since),
                None => heard.last_change.values().any(|&at| at >= since),
            }
    }
}

async fn listen(
    url: &str,
    sender: &broadcast::Sender<Announcement>,
    heard: &Mutex<Heard>,
    stats: &StatsCache,
    sessions: &SessionCache,
) -> anyhow::Result<()> {
    let mut conn = AsyncPgConnection::establish(url).await?;
    for channel in ["events", "event_names", "sessions", "situation"] {
        diesel::sql_query(format!("LISTEN {channel}")).execute(&mut conn).await?;
    }
    tracing::info!("live updates: listening");
    // Kept statistics and sessions are good exactly as long as this connection hears every
    // change.
    stats.set_listening(true);
    sessions.set_listening(true);
    heard.lock().unwrap_or_else(PoisonError::into_inner).listening_since = Some(SystemTime::now());
    let _stop = StopCaching(stats, sessions, heard);
    let mut notifications = std::pin::pin!(conn.notifications_stream());
    while let Some(notification) = notifications.next().await {
        let notification = notification?;
        match notification.channel.as_str() {
            "events" => {}
            "situation" => {
                if let Ok(SituationPayload { township_id }) = serde_json::from_str(&notification.payload) {
                    heard
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .last_change
                        .insert(township_id, SystemTime::now());
                    let _ = sender.send(Announcement::Situation { township_id });
                }
                continue;
            }
            "sessions" => {
                // A session revoked (its token hash), or users or roles changed (`*`).
                sessions.forget(&notification.payload);
                continue;
            }
            _ => {
                // A category, department, village or grid was renamed or moved.
                stats.changed();
                continue;
            }
        }
        let Ok(mut change) = serde_json::from_str::<Change>(&notification.payload) else {
            stats.changed();
            continue;
        };
        if change.counted {
            stats.changed_month(change.month.as_deref());
        }
        change.payload = notification.payload;
        heard.lock().unwrap_or_else(PoisonError::into_inner).last_change.insert(change.township_id, SystemTime::now());
        // No receivers is fine: nobody is watching.
        let _ = sender.send(Announcement::Event(change));
    }
    anyhow::bail!("notification stream ended")
}

/// Turns the statistics and session caches off when the listener goes away, however it ends,
/// and marks from then on every page as possibly behind.
struct StopCaching<'a>(&'a StatsCache, &'a SessionCache, &'a Mutex<Heard>);

impl Drop for StopCaching<'_> {
    fn drop(&mut self) {
        self.0.set_listening(false);
        self.1.set_listening(false);
        self.2.lock().unwrap_or_else(PoisonError::into_inner).listening_since = None;
    }
}

pub fn routes() -> Router<ServerState> {
    Router::new().route("/api/live", get(stream))
}

#[derive(Deserialize)]
struct LiveQuery {
    /// When the page's data was read: the server's clock, milliseconds since 1970.
    since: Option<u64>,
}

/// `GET /api/live?since=`: the changes of the viewer's township (all townships for county
/// scope), first a `lagged` ("refetch") when the page may already be behind.
async fn stream(
    State(state): State<ServerState>,
    Query(query): Query<LiveQuery>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let user = auth::user(&state.app, &headers).await?;
    let events = user.can(codes::EVENTS_VIEW) || user.can(codes::EVENTS_REPORT);
    // A wall (or 监测态势) without events follows the situation only.
    let situation = user.can(codes::SCREEN_VIEW) || user.may(&shared::sensing::STATIONS, Action::View);
    if !events && !situation {
        return Err(AppError::Forbidden.into());
    }
    let township = (user.scope != DataScope::County).then_some(user.township_id);
    // Subscribed before the question, so a change in between is both answered and sent.
    let receiver = state.live.subscribe();
    let behind = query
        .since
        .is_none_or(|ms| state.live.changed_since(SystemTime::UNIX_EPOCH + Duration::from_millis(ms), township));
    let first = behind.then(|| Ok(Event::default().event("lagged").data("{}")));
    let changes = BroadcastStream::new(receiver).filter_map(move |announcement| async move {
        match announcement {
            Ok(announcement) if township.is_some_and(|t| t != announcement.township_id()) => None,
            Ok(Announcement::Event(change)) if events => Some(Ok(Event::default().event("event").data(change.payload))),
            Ok(Announcement::Situation { .. }) if situation => Some(Ok(Event::default().event("situation").data("{}"))),
            Ok(_) => None,
            // The browser missed some: tell it to refetch everything.
            Err(_) => Some(Ok(Event::default().event("lagged").data("{}"))),
        }
    });
    Ok(Sse::new(futures_util::stream::iter(first).chain(changes))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

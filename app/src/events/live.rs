//! Live updates in the browser: one `EventSource` on `/api/live` for all the pages of a
//! shell (the console's, or the big screen), turned into a counter that pages add to their
//! resources' keys, so a change anywhere refetches what is on screen within a second. On the
//! server (and without JavaScript) the counter never moves.
//!
//! The same connection carries the township's situation (`situation`: an alarm of a station
//! or an indicator opened, moved or cleared, an indicator computed) on a counter of its own
//! ([`use_situation_live`]), so that a wall's tiles follow the sensors without the command
//! map refetching its events.
//!
//! A page reached in the browser fetches its data while the connection is already open, so
//! it misses nothing. The page the server rendered was read before the connection opened:
//! the connection says when (`?since=`, [`rendered_at`]) and the server sends a refetch at
//! once only if something changed in between. So no page fetches its data twice for nothing.

use leptos::prelude::*;

/// The live counter of a shell, connected on first use.
#[derive(Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code, reason = "the connection is made in the browser only"))]
struct LiveHub {
    version: RwSignal<u64>,
    /// Bumped by the situation's announcements (and by `lagged`).
    situation: RwSignal<u64>,
    /// The shell's owner: the connection lives and ends with the shell, not with the page
    /// that first asked for it.
    owner: WeakOwner,
    /// The server's clock when it rendered the page (none for a shell built in the browser).
    since: Option<u64>,
    connected: StoredValue<bool>,
}

/// The server's clock (milliseconds since 1970) when it rendered this page, carried to the
/// browser; `None` when the page is first built in the browser.
pub(crate) fn rendered_at() -> Option<u64> {
    SharedValue::<_, crate::wire::Data>::new_with_encoding(|| {
        #[cfg(feature = "ssr")]
        {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|elapsed| elapsed.as_millis() as u64)
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
    .into_inner()
}

/// Gives the shell being built its live counter (not connected until a page uses it).
pub fn provide_live(since: Option<u64>) {
    new_hub(since);
}

/// A new counter, provided to what the current owner builds.
fn new_hub(since: Option<u64>) -> Option<LiveHub> {
    let hub = LiveHub {
        version: RwSignal::new(0),
        situation: RwSignal::new(0),
        owner: Owner::current()?.downgrade(),
        since,
        connected: StoredValue::new(false),
    };
    provide_context(hub.clone());
    Some(hub)
}

/// The page's live counter of events; the first use in a shell opens its connection.
pub fn use_live() -> RwSignal<u64> {
    connected_hub().map_or_else(|| RwSignal::new(0), |hub| hub.version)
}

/// The page's live counter of the situation (alarms, indicators); the first use in a shell
/// opens its connection.
pub fn use_situation_live() -> RwSignal<u64> {
    connected_hub().map_or_else(|| RwSignal::new(0), |hub| hub.situation)
}

fn connected_hub() -> Option<LiveHub> {
    // A page outside any shell gets a counter of its own, behind from the start.
    let hub = use_context::<LiveHub>().filter(|hub| !hub.version.is_disposed()).or_else(|| new_hub(None))?;
    #[cfg(feature = "hydrate")]
    connect(&hub);
    Some(hub)
}

#[cfg(feature = "hydrate")]
fn connect(hub: &LiveHub) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    if hub.connected.get_value() {
        return;
    }
    let Some(owner) = hub.owner.upgrade() else {
        return;
    };
    hub.connected.set_value(true);
    let url = match hub.since {
        Some(since) => format!("/api/live?since={since}"),
        None => "/api/live".to_owned(),
    };
    let (version, situation) = (hub.version, hub.situation);
    owner.with(|| {
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        // A change, or "you may be behind" (`lagged`: at the start when something changed
        // since `since`, after a reconnection, or when the server dropped announcements).
        let listen = |kinds: &[&str], counters: Vec<RwSignal<u64>>| {
            let bump = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                for counter in &counters {
                    counter.update(|v| *v += 1);
                }
            });
            for kind in kinds {
                let _ = source.add_event_listener_with_callback(kind, bump.as_ref().unchecked_ref());
            }
            bump.forget();
        };
        listen(&["event"], vec![version]);
        listen(&["situation"], vec![situation]);
        listen(&["lagged"], vec![version, situation]);
        // The browser reconnects an EventSource by itself (with the same `since`, so a
        // reconnection after a change refetches); close it when the shell goes.
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    });
}

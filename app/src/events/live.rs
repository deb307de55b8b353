//! Live updates in the browser: one `EventSource` on `/api/live` per page, turned into a
//! counter that pages add to their resources' keys, so a change anywhere refetches what is
//! on screen within a second. On the server (and without JavaScript) the counter never moves.

use leptos::prelude::*;

/// A counter bumped on every change announced for the viewer's township.
#[derive(Clone, Copy)]
pub struct LiveVersion(pub RwSignal<u64>);

/// The page's live counter; the first call opens the connection.
pub fn use_live() -> RwSignal<u64> {
    // A context outlives the page that provided it when both pages render under the same
    // owner (the module router swaps pages in place): the old page's counter is disposed
    // with it, and must not be picked up by the next page.
    if let Some(live) = use_context::<LiveVersion>()
        && !live.0.is_disposed()
    {
        return live.0;
    }
    let version = RwSignal::new(0u64);
    provide_context(LiveVersion(version));
    #[cfg(feature = "hydrate")]
    connect(version);
    version
}

#[cfg(feature = "hydrate")]
fn connect(version: RwSignal<u64>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    Effect::new(move |_| {
        let Ok(source) = web_sys::EventSource::new("/api/live") else {
            return;
        };
        let bump = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| version.update(|v| *v += 1));
        for kind in ["event", "lagged", "open"] {
            let _ = source.add_event_listener_with_callback(kind, bump.as_ref().unchecked_ref());
        }
        bump.forget();
        // The browser reconnects an EventSource by itself; close it when the page goes.
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    });
}

//! Reports made without a network wait on the device and are sent, once, when it returns.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use super::super::outbox;

/// Sends what waited for the network: now, whenever the browser says it is back, and every
/// few seconds while something waits. Returns the function that sends at once (after a
/// report was queued); on the server it does nothing. `done` gets the tracking code of the
/// last report sent, and `queued` is cleared then.
pub fn use_outbox(done: RwSignal<Option<String>>, queued: RwSignal<bool>) -> impl Fn() + Copy + 'static {
    #[cfg(feature = "hydrate")]
    {
        let flush = move || {
            leptos::task::spawn_local(async move {
                if outbox::pending() > 0 && outbox::is_online() {
                    let numbers = outbox::flush().await;
                    if let Some(number) = numbers.last() {
                        done.set(Some(number.clone()));
                        queued.set(false);
                    }
                }
            })
        };
        Effect::new(move |_| flush());
        let handle = window_event_listener(leptos::ev::online, move |_| flush());
        // Phones do not always say when the network is back (a captive portal, a weak cell):
        // try again every few seconds while something waits.
        let retry = set_interval_with_handle(flush, std::time::Duration::from_secs(5)).ok();
        on_cleanup(move || {
            handle.remove();
            if let Some(retry) = retry {
                retry.clear();
            }
        });
        flush
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (done, queued);
        || {}
    }
}

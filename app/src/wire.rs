//! How data travels from the server to the browser: server functions answer in postcard
//! (`#[server(…, output = Postcard)]`), and resources (and the shell's `SharedValue`) carry
//! their server-rendered values to hydration in postcard too ([`resource`], [`Data`]). A compact binary format rather than JSON
//! because the browser's code for it is a fraction of the size (serde_json's parser was
//! instantiated for every answer type: about 300 KB of the wasm before optimisation), and
//! the answers are smaller and faster to read (the command map's 20,000 events).
//!
//! Arguments still go as URL-encoded forms (so every form works without JavaScript); errors
//! travel in postcard too (`AppError`'s encoding in `shared::error`).

use std::future::Future;

use leptos::prelude::*;

/// The answer encoding of every server function.
pub use leptos::server_fn::codec::Postcard;

/// The encoding of the resources' values in the server-rendered page.
pub type Data = codee::binary::PostcardCodec;

/// A resource read by the page's `Suspense`, its value written into the server's answer in
/// postcard (what `Resource::new` does in JSON).
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Data>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// [`resource`] whose value the server waits for before it sends the page's head (the
/// shell's user: `Resource::new_blocking`).
#[track_caller]
pub fn blocking_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Data>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, true)
}

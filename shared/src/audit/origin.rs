//! Where the request being served came from, for the audit records it writes. The server sets
//! it once per request (a layer of `server/src/router.rs`, from the same client address the
//! rate limits count); `service::record` reads it, so no service passes an address along.
//! Work a request hands to a task of its own (a background import) records no address.

use std::future::Future;
use std::net::IpAddr;

tokio::task_local! {
    static ORIGIN: Option<IpAddr>;
}

/// Runs `future` (a request's handling) with `address` as the origin of its audit records.
pub async fn serve<F: Future>(address: Option<IpAddr>, future: F) -> F::Output {
    ORIGIN.scope(address, future).await
}

/// The client address of the request this task serves, as text ("" outside a request).
pub fn current() -> String {
    ORIGIN.try_with(|address| address.map(|a| a.to_string())).ok().flatten().unwrap_or_default()
}

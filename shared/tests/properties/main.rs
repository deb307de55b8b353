//! Property tests of the parsers, validators and calendar arithmetic of `shared`, through
//! its public API only: generated inputs instead of hand-picked ones, so the edges nobody
//! thought of (chrono's first and last day, a code one character off, a string of NULs) are
//! tried on every run.
//!
//! The case counts are modest so `cargo test` stays fast; `PROPTEST_CASES=100000 cargo test
//! -p shared --test properties --release` turns every property into a long fuzz-style run.
//! The statistics' month arithmetic (server only) has its own properties beside it
//! (`src/events/service/stats_months/proptests.rs`).

mod calendar;
mod codes;
mod filter;
mod forms;

use std::sync::mpsc;
use std::time::Duration;

use proptest::test_runner::Config;

/// `default` cases per property, unless `PROPTEST_CASES` asks for more (or fewer).
pub fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    Config { cases, ..Config::default() }
}

/// Runs `work` on a thread of its own and fails if it has not finished within `limit`:
/// how an unbounded loop shows up as a failing case instead of a test run that never ends.
/// (A loop that never ends keeps its thread spinning until the test process exits.)
pub fn within<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone only when the time was already up: nothing left to tell.
        let _ = send.send(work());
    });
    match receive.recv_timeout(limit) {
        Ok(value) => value,
        // A panic in `work` drops the sender: report it as the panic it was.
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the operation panicked (see its message above)"),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the operation did not finish within {limit:?}"),
    }
}

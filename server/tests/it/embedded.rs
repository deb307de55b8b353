//! The embedded cluster stops on every way out: dropping its handle (an error between start
//! and serve) stops it as surely as the explicit stop at shutdown, and the two together stop
//! it once.

use server::config::DatabaseConfig;
use server::embedded_pg::EmbeddedPostgres;

/// The postmaster's process id, from the first line of `postmaster.pid`.
fn postmaster(embedded: &EmbeddedPostgres) -> Option<i32> {
    let text = std::fs::read_to_string(embedded.data_directory().join("postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn alive(pid: i32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
}

/// Whether the process is gone within a few seconds: `pg_ctl stop -w` returns once the
/// postmaster has removed its pid file, a moment before the process itself exits.
async fn gone(pid: i32) -> bool {
    for _ in 0..100 {
        if !alive(pid) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn dropping_the_handle_stops_the_cluster_and_an_explicit_stop_is_not_repeated() {
    let dir = std::env::temp_dir().join(format!("tongguan-embedded-drop-{}", std::process::id()));
    let config = DatabaseConfig {
        url: None,
        data_dir: dir.clone(),
        embedded_port: 54397,
        pg_bin: std::env::var("TONGGUAN_PG_BIN").ok().map(Into::into),
        pool_size: 1,
    };

    // Started, then dropped as an error between start and serve would drop it.
    let embedded = EmbeddedPostgres::new(&config).expect("PostgreSQL binaries");
    embedded.start().await.expect("start");
    let pid = postmaster(&embedded).expect("a running postmaster");
    assert!(alive(pid));
    let probe = EmbeddedPostgres::new(&config).expect("a second handle, never started");
    drop(embedded);
    assert!(gone(pid).await, "the postmaster {pid} outlived its handle");
    assert!(!probe.is_running());

    // Stopped explicitly, then dropped: stopped once, nothing left running.
    let embedded = EmbeddedPostgres::new(&config).expect("PostgreSQL binaries");
    embedded.start().await.expect("start again");
    let pid = postmaster(&embedded).expect("a running postmaster");
    embedded.stop();
    assert!(gone(pid).await, "the postmaster {pid} outlived the stop");
    drop(embedded);
    // A handle that never started leaves alone what it did not start.
    drop(probe);
    assert!(!EmbeddedPostgres::new(&config).expect("handle").is_running());

    std::fs::remove_dir_all(&dir).expect("remove the stopped cluster's files");
}

//! The imports' sweep: at start-up and every five minutes, on every server process. It fails
//! imports whose writing process has stopped and drops the files of previews left for a day
//! (`shared::engine::service::imports::sweep`); its conditional updates make concurrent runs
//! harmless.

use std::time::Duration;

use shared::db::DbPool;
use shared::engine::service::imports;

pub fn start(pool: DbPool) {
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(Duration::from_secs(300));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            let result = match pool.get().await {
                Ok(mut conn) => imports::sweep(&mut conn).await,
                Err(error) => Err(error.into()),
            };
            match result {
                Ok(swept) if swept != imports::Swept::default() => {
                    tracing::info!(abandoned = swept.abandoned, expired = swept.expired, "imports swept");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(?error, "imports sweep"),
            }
        }
    });
}

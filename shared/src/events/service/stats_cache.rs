//! Statistics computed once per change: a year of a busy town is a million events, and the
//! same figures are asked for by every leader's screen and every refresh. Two levels:
//!
//! - a whole answer is kept under the exact SQL that made it (so scope and filter are part of
//!   the key: two users share a result only when they would see the same events) until the
//!   next change that statistics count;
//! - the figures of each month it was assembled from are kept until a change to an event
//!   reported in that month ([`StatsCache::month_figures`]), so after a change only that
//!   month is read again (see `stats_months.rs`).
//!
//! "The next change" comes from PostgreSQL: every write to `events` is announced on the
//! `events` channel with its month and whether it touched anything statistics count (see the
//! live updates and migration 000005), and the server's listener calls
//! [`StatsCache::changed_month`]. The cache only works while such a listener is connected
//! ([`StatsCache::set_listening`]); without one (a test, a CLI run, a lost listener) every
//! request is computed afresh. Whole answers older than [`MAX_AGE`] are recomputed, because
//! "overdue" moves with the clock; a month's figures are recomputed after [`MONTH_MAX_AGE`].
//!
//! After a change, the first request computes the new figures while everyone else is served
//! the previous ones (at most [`MAX_STALE`] old; stale-while-revalidate), so a steady trickle
//! of changes does not put every viewer behind an aggregate; without previous figures,
//! concurrent requests wait for one computation (single flight).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use super::stats_months::MonthFigures;
use crate::error::AppError;
use crate::events::types::Stats;

/// The longest a result is served as current, even without a change.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// While the figures after a change, or after [`MAX_AGE`], are being computed, the previous
/// ones are served if they are younger than this. It must outlast `MAX_AGE` and one
/// computation: when it equalled `MAX_AGE`, an answer that aged out was too old to serve
/// as well, and every client waited for the one recomputation at once, once a minute — the
/// statistics' tail of 191 ms p95 / 1.5 s p99 under 32 clients (docs/benchmarks.md, sixth
/// measuring session).
pub const MAX_STALE: Duration = Duration::from_secs(2 * MAX_AGE.as_secs());
const _: () = assert!(MAX_STALE.as_secs() > MAX_AGE.as_secs() + 30, "stale answers must outlast MAX_AGE");
/// Distinct keys kept at most; beyond that the cache starts over.
const MAX_ENTRIES: usize = 512;
/// The longest a month's figures are kept without a change in that month (names of
/// categories and places are announced too; this bounds whatever else might be missed).
pub const MONTH_MAX_AGE: Duration = Duration::from_secs(15 * 60);
/// Handling times kept for months' figures at most (4 bytes each); beyond that the months
/// start over.
const MAX_MONTH_VALUES: usize = 16 << 20;

/// Which changes a month's figures have seen: everything's epoch and the month's own count.
pub type MonthGeneration = (u64, u64);

#[derive(Default)]
struct Months {
    epoch: u64,
    changes: HashMap<String, u64>,
    kept: HashMap<String, (MonthGeneration, Instant, Arc<MonthFigures>)>,
    values: usize,
}

/// The computation of one key in one generation.
#[derive(Default)]
struct Slot {
    result: OnceCell<(Instant, Stats)>,
    started: AtomicBool,
}

#[derive(Default)]
struct Entries {
    generation: u64,
    /// This generation's computations.
    slots: HashMap<String, Arc<Slot>>,
    /// The latest result of each key, whatever its generation.
    latest: HashMap<String, (Instant, Stats)>,
}

/// One per database (the server keeps it in its state; the listener of that database
/// feeds it). Off until [`StatsCache::set_listening`] turns it on.
#[derive(Default)]
pub struct StatsCache {
    listening: AtomicBool,
    generation: AtomicU64,
    entries: Mutex<Entries>,
    months: Mutex<Months>,
}

impl StatsCache {
    /// Something changed that may touch any figure: everything kept is stale.
    pub fn changed(&self) {
        self.changed_month(None);
    }

    /// An event reported in `month` (`YYYY-MM`, China time) changed in a way statistics
    /// count: whole answers and that month's figures are stale. `None`: every month is.
    pub fn changed_month(&self, month: Option<&str>) {
        {
            let mut months = self.lock_months();
            match month {
                Some(month) => *months.changes.entry(month.to_owned()).or_default() += 1,
                None => months.epoch += 1,
            }
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn lock_months(&self) -> std::sync::MutexGuard<'_, Months> {
        self.months.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The generation of `month`'s figures now; `None` when caching is off. Taken before
    /// computing them, so that figures made while a change came in are never kept as current.
    pub fn month_generation(&self, month: &str) -> Option<MonthGeneration> {
        if !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        let months = self.lock_months();
        Some((months.epoch, months.changes.get(month).copied().unwrap_or(0)))
    }

    /// A month's figures kept under `key` if no change in `month` came since they were made.
    pub fn month_figures(&self, key: &str, generation: MonthGeneration) -> Option<Arc<MonthFigures>> {
        let months = self.lock_months();
        months
            .kept
            .get(key)
            .filter(|(made, at, _)| *made == generation && at.elapsed() <= MONTH_MAX_AGE)
            .map(|(_, _, figures)| figures.clone())
    }

    /// Keeps a month's figures made at `generation`.
    pub fn keep_month_figures(&self, key: &str, generation: MonthGeneration, figures: Arc<MonthFigures>) {
        let size = figures.values();
        let mut months = self.lock_months();
        if months.values + size > MAX_MONTH_VALUES || months.kept.len() >= MAX_ENTRIES * 16 {
            months.kept.clear();
            months.values = 0;
        }
        months.values += size;
        if let Some((_, _, old)) = months.kept.insert(key.to_owned(), (generation, Instant::now(), figures)) {
            months.values -= old.values();
        }
    }

    /// Whether a listener that calls [`StatsCache::changed`] is connected. Turning it off (or
    /// on again after a gap in which changes may have been missed) drops everything kept.
    pub fn set_listening(&self, listening: bool) {
        self.changed();
        self.lock().latest.clear();
        {
            let mut months = self.lock_months();
            months.kept.clear();
            months.values = 0;
        }
        self.listening.store(listening, Ordering::SeqCst);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The slot for `key` in the current generation and the latest result young enough to
    /// stand in for it; `None` when caching is off.
    fn slot(&self, key: &str) -> Option<(Arc<Slot>, Option<Stats>)> {
        if !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let mut entries = self.lock();
        if entries.generation != generation || entries.slots.len() >= MAX_ENTRIES {
            entries.generation = generation;
            entries.slots.clear();
        }
        if entries.latest.len() >= MAX_ENTRIES {
            entries.latest.clear();
        }
        let slot = entries.slots.entry(key.to_owned()).or_default();
        if slot.result.get().is_some_and(|(at, _)| at.elapsed() > MAX_AGE) {
            *slot = Arc::default();
        }
        let slot = slot.clone();
        let latest =
            entries.latest.get(key).filter(|(at, _)| at.elapsed() <= MAX_STALE).map(|(_, stats)| stats.clone());
        Some((slot, latest))
    }

    /// The figures for `key`: kept ones if nothing changed since; else `compute`'s, run by
    /// the first to ask after the change, while everyone else gets the previous figures (if
    /// there are any younger than [`MAX_STALE`]) or waits for the same computation. Errors
    /// are not kept.
    pub async fn get_or_compute<F, Fut>(&self, key: &str, compute: F) -> Result<Stats, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Stats, AppError>>,
    {
        let Some((slot, latest)) = self.slot(key) else {
            return compute().await;
        };
        if let Some((_, stats)) = slot.result.get() {
            return Ok(stats.clone());
        }
        if slot.started.swap(true, Ordering::SeqCst)
            && let Some(stats) = latest
        {
            return Ok(stats);
        }
        // A change while this computes moves the generation on, so the next request starts a
        // new slot: a result never stands as current past a change it may not have seen.
        let result =
            slot.result.get_or_try_init(|| async { Ok::<_, AppError>((Instant::now(), compute().await?)) }).await;
        match result {
            Ok((at, stats)) => {
                let mut entries = self.lock();
                if entries.latest.get(key).is_none_or(|(kept, _)| kept < at) {
                    entries.latest.insert(key.to_owned(), (*at, stats.clone()));
                }
                Ok(stats.clone())
            }
            Err(error) => {
                slot.started.store(false, Ordering::SeqCst);
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::types::StatsDimension;

    fn stats(reported: i64) -> Stats {
        let mut stats = Stats { dimension: StatsDimension::Category, ..Stats::default() };
        stats.total.reported = reported;
        stats
    }

    #[tokio::test]
    async fn keeps_results_until_a_change_and_only_while_listening() {
        let cache = StatsCache::default();
        // Not listening: always computed.
        cache.set_listening(false);
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(1)) }).await.unwrap().total.reported, 1);
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(2)) }).await.unwrap().total.reported, 2);

        cache.set_listening(true);
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(3)) }).await.unwrap().total.reported, 3);
        // Kept: the second computation is not run.
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(4)) }).await.unwrap().total.reported, 3);
        // Another key is another result.
        assert_eq!(cache.get_or_compute("b", || async { Ok(stats(5)) }).await.unwrap().total.reported, 5);
        // A change makes every kept result stale.
        cache.changed();
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(6)) }).await.unwrap().total.reported, 6);
        // Errors are not kept.
        cache.changed();
        assert!(cache.get_or_compute("a", || async { Err(AppError::Internal) }).await.is_err());
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(7)) }).await.unwrap().total.reported, 7);
        // While the figures after a change are computed, others get the previous ones.
        cache.changed();
        let (gate, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = cache.get_or_compute("a", || async {
            let _ = wait.await;
            Ok(stats(70))
        });
        let quick = async {
            tokio::task::yield_now().await;
            let previous = cache.get_or_compute("a", || async { Ok(stats(71)) }).await.unwrap().total.reported;
            let _ = gate.send(());
            previous
        };
        let (slow, quick) = tokio::join!(slow, quick);
        assert_eq!((slow.unwrap().total.reported, quick), (70, 7));
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(72)) }).await.unwrap().total.reported, 70);
        // A change during the computation: that answer is given but not kept as current.
        cache.changed();
        let answer = cache
            .get_or_compute("a", || async {
                cache.changed();
                Ok(stats(8))
            })
            .await
            .unwrap();
        assert_eq!(answer.total.reported, 8);
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(9)) }).await.unwrap().total.reported, 9);
        cache.set_listening(false);
        assert_eq!(cache.get_or_compute("a", || async { Ok(stats(10)) }).await.unwrap().total.reported, 10);
    }
}

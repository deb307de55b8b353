//! Live sessions kept in the server process for at most a minute, so that a request behind
//! the login does not look its session up in PostgreSQL every time (that lookup was half the
//! cost of a logged-in page).
//!
//! A logout or an administrator's action must still take effect at once on every server
//! process. So PostgreSQL announces them (migration 000006): a revoked session on the
//! `sessions` channel with its token hash, and any change to users, roles, role grants or
//! townships with `*`; the server's listener calls [`SessionCache::forget`]. The cache works
//! only while that listener is connected ([`SessionCache::set_listening`]).
//!
//! A kept session is used only while it needs no touch (its last-seen time is under a minute
//! old, see `session::authenticate`): so every session still reaches the database once a
//! minute, which keeps the idle timeout exact to the minute on every process, and anything
//! not announced is seen within a minute.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use super::AuthPolicy;
use crate::accounts::SessionUser;

/// A kept session is used for this long after it was last touched, at most.
pub const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);
/// Sessions kept at most; beyond that the cache starts over.
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone)]
struct Kept {
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    user: SessionUser,
}

#[derive(Default)]
pub struct SessionCache {
    listening: AtomicBool,
    generation: AtomicU64,
    kept: Mutex<HashMap<String, Kept>>,
}

impl SessionCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Kept>> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The user of a live session that needs no touch yet, if kept.
    pub fn user(&self, token_hash: &str, policy: &AuthPolicy, now: DateTime<Utc>) -> Option<SessionUser> {
        if !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        let kept = self.lock();
        let session = kept.get(token_hash)?;
        let fresh = now - session.last_seen_at <= TOUCH_EVERY
            && session.last_seen_at + policy.idle_timeout > now
            && session.expires_at > now;
        // The menu's registers are rebuilt from the kept grants: a run-time register made or
        // retitled since the session was kept is listed, titled as this process knows it now.
        fresh.then(|| session.user.clone().with_register_links())
    }

    /// Where the announcements stand; taken before a session is read from the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Keeps a session read from the database at `generation`, unless something was
    /// announced since (the row read may already be revoked).
    pub fn keep(
        &self,
        token_hash: &str,
        generation: u64,
        last_seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        user: &SessionUser,
    ) {
        if !self.listening.load(Ordering::SeqCst) {
            return;
        }
        let mut kept = self.lock();
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if kept.len() >= MAX_ENTRIES {
            kept.clear();
        }
        kept.insert(token_hash.to_owned(), Kept { last_seen_at, expires_at, user: user.clone() });
    }

    /// An announcement: a session's token hash, or `*` for everyone.
    pub fn forget(&self, what: &str) {
        let mut kept = self.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        if what == "*" {
            kept.clear();
        } else {
            kept.remove(what);
        }
    }

    /// Whether a listener that calls [`SessionCache::forget`] is connected; either way,
    /// everything kept is dropped (announcements may have been missed).
    pub fn set_listening(&self, listening: bool) {
        self.forget("*");
        self.listening.store(listening, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::UserKind;
    use crate::permissions::DataScope;

    fn user() -> SessionUser {
        SessionUser {
            id: 1,
            username: "staff".into(),
            display_name: "值班员".into(),
            kind: UserKind::Staff,
            township_id: 1,
            township_name: "镇".into(),
            village_id: None,
            grid_id: None,
            department_id: None,
            role_names: vec![],
            permissions: Default::default(),
            scope: DataScope::Township,
            records: Default::default(),
            registers: Vec::new(),
            password_due: None,
            second_factor_due: false,
        }
    }

    #[test]
    fn keeps_live_sessions_until_announced_and_only_while_listening() {
        let policy = AuthPolicy::default();
        let cache = SessionCache::default();
        let now = Utc::now();
        let expires = now + chrono::Duration::hours(8);
        // Not listening: nothing kept.
        cache.keep("a", cache.generation(), now, expires, &user());
        assert!(cache.user("a", &policy, now).is_none());
        cache.set_listening(true);
        cache.keep("a", cache.generation(), now, expires, &user());
        assert_eq!(cache.user("a", &policy, now).map(|u| u.id), Some(1));
        // Due for a touch, or expired: back to the database.
        assert!(cache.user("a", &policy, now + chrono::Duration::seconds(61)).is_none());
        assert!(cache.user("a", &policy, expires).is_none());
        // Announced: forgotten; a read that began before the announcement is not kept.
        let before = cache.generation();
        cache.forget("a");
        assert!(cache.user("a", &policy, now).is_none());
        cache.keep("a", before, now, expires, &user());
        assert!(cache.user("a", &policy, now).is_none());
        cache.keep("a", cache.generation(), now, expires, &user());
        cache.keep("b", cache.generation(), now, expires, &user());
        cache.forget("*");
        assert!(cache.user("a", &policy, now).is_none() && cache.user("b", &policy, now).is_none());
        // The listener gone: nothing is used.
        cache.keep("a", cache.generation(), now, expires, &user());
        cache.set_listening(false);
        assert!(cache.user("a", &policy, now).is_none());
    }
}

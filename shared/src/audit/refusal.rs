//! A refusal goes on record once per request, wherever it was decided. A permission check at
//! a server function's door (`app::auth::session::require`) records it with the permission
//! the caller lacks; a refusal a service decides (a data scope, the reporter of an event, a
//! step this role may not take) is recorded by the server's layer that sees the request end
//! with a 403 (`server/src/audit_refusals.rs`). The layer puts one `RefusalWatch` in the
//! request's extensions; the app's session code tells it who the caller is and whether the
//! refusal is on record already.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::accounts::SessionUser;

/// The logged-in caller of a request, as its audit record names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub township_id: i32,
    pub user_id: i64,
    pub name: String,
}

impl From<&SessionUser> for Caller {
    fn from(user: &SessionUser) -> Self {
        Self { township_id: user.township_id, user_id: user.id, name: user.display_name.clone() }
    }
}

/// What one request's refusal needs to be recorded once: who asked, and whether it is
/// recorded already. Shared by the layer and the request's handling through an `Arc`.
#[derive(Debug, Default)]
pub struct RefusalWatch {
    caller: OnceLock<Caller>,
    recorded: AtomicBool,
}

impl RefusalWatch {
    /// The request's caller is `caller` (the first one said stays).
    pub fn identify(&self, caller: Caller) {
        let _ = self.caller.set(caller);
    }

    /// The refusal is on record: the layer leaves it.
    pub fn mark_recorded(&self) {
        self.recorded.store(true, Ordering::Relaxed);
    }

    /// Whether a refusal would go unrecorded for want of knowing who asked.
    pub fn wants_caller(&self) -> bool {
        !self.recorded.load(Ordering::Relaxed) && self.caller.get().is_none()
    }

    /// The caller to record a refusal for: a logged-in caller whose refusal nobody recorded.
    pub fn unrecorded(&self) -> Option<&Caller> {
        if self.recorded.load(Ordering::Relaxed) { None } else { self.caller.get() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_for_a_known_caller_and_recorded_once() {
        let watch = RefusalWatch::default();
        assert_eq!(watch.unrecorded(), None, "nobody logged in: nothing to record");
        assert!(watch.wants_caller());
        watch.identify(Caller { township_id: 1, user_id: 7, name: "沈晓燕".into() });
        watch.identify(Caller { township_id: 1, user_id: 8, name: "其他".into() });
        assert_eq!(watch.unrecorded().map(|c| c.user_id), Some(7));
        assert!(!watch.wants_caller());
        watch.mark_recorded();
        assert_eq!(watch.unrecorded(), None);
    }
}

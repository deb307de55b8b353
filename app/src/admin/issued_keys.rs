//! A key issued by a form posted without JavaScript must still be shown once: the answer is a
//! redirect, so the key waits here under a random note for the page the redirect opens, for
//! its issuer only, at most five minutes, and is handed out once. (With JavaScript the key is
//! in the server function's answer and never waits.) In this process's memory only: a
//! deployment of several processes behind a balancer shows "expired" if the redirect lands
//! on another, and the administrator issues again.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use shared::credentials::IssuedKey;

const KEPT_FOR: Duration = Duration::from_secs(300);
/// Notes kept at most (each is removed when read or stale).
const MAX_NOTES: usize = 1_000;

type Note = (i64, Instant, IssuedKey);

static NOTES: LazyLock<Mutex<HashMap<String, Note>>> = LazyLock::new(Default::default);

fn note() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Keeps `key` for `user` and returns the note that fetches it.
pub fn keep(user: i64, key: IssuedKey) -> String {
    let mut notes = NOTES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    notes.retain(|_, (_, at, _)| at.elapsed() < KEPT_FOR);
    if notes.len() >= MAX_NOTES {
        notes.clear();
    }
    let id = note();
    notes.insert(id.clone(), (user, Instant::now(), key));
    id
}

/// The key behind `note` if `user` issued it in the last five minutes; never twice.
pub fn take(user: i64, note: &str) -> Option<IssuedKey> {
    let mut notes = NOTES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match notes.remove(note) {
        Some((owner, at, key)) if owner == user && at.elapsed() < KEPT_FOR => Some(key),
        Some(other) if other.0 != user => {
            // Not theirs: put it back for its issuer.
            notes.insert(note.to_owned(), other);
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_read_once_by_its_issuer() {
        let id = keep(7, IssuedKey { id: 1, key: "tgk_x".into() });
        assert_eq!(take(8, &id), None);
        assert_eq!(take(7, &id).map(|k| k.key), Some("tgk_x".into()));
        assert_eq!(take(7, &id), None);
    }
}

//! A secret made by a form posted without JavaScript (an API key issued, a password reset)
//! must still be shown once: the answer is a redirect, so the secret waits here under a random
//! note for the page the redirect opens, for the administrator who made it only, at most five
//! minutes, and is handed out once. (With JavaScript the secret is in the server function's
//! answer and never waits.) In this process's memory only: a deployment of several processes
//! behind a balancer shows "expired" if the redirect lands on another, and the administrator
//! makes it again.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use shared::accounts::{RecoveryCodes, TemporaryPassword};
use shared::credentials::IssuedKey;

const KEPT_FOR: Duration = Duration::from_secs(300);
/// Notes kept at most per kind of secret (each is removed when read or stale).
const MAX_NOTES: usize = 1_000;

/// A secret waiting for its page: who made it, when.
struct Note<T> {
    maker: i64,
    at: Instant,
    secret: T,
}

/// The secrets of one kind waiting for their page, by note.
pub struct Notes<T>(LazyLock<Mutex<HashMap<String, Note<T>>>>);

/// API keys issued (`/admin/api-keys?issued=<note>`).
pub static ISSUED_KEYS: Notes<IssuedKey> = Notes::new();
/// Temporary passwords set (`/admin/users?reset=<note>`).
pub static TEMPORARY_PASSWORDS: Notes<TemporaryPassword> = Notes::new();
/// Recovery codes made for a second factor (`/two-factor?codes=<note>`).
pub static RECOVERY_CODES: Notes<RecoveryCodes> = Notes::new();

fn note() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl<T> Notes<T> {
    const fn new() -> Self {
        Self(LazyLock::new(Default::default))
    }

    /// Keeps `secret` for `user` and returns the note that fetches it.
    pub fn keep(&self, user: i64, secret: T) -> String {
        let mut notes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        notes.retain(|_, note| note.at.elapsed() < KEPT_FOR);
        if notes.len() >= MAX_NOTES {
            notes.clear();
        }
        let id = note();
        notes.insert(id.clone(), Note { maker: user, at: Instant::now(), secret });
        id
    }

    /// Keeps `secret` for `maker` when the call is a form posted without JavaScript, and
    /// sends the browser to `page` (which may have a query already) with the note in the URL
    /// parameter `param`; a call with
    /// JavaScript gets the secret in its answer and keeps nothing.
    pub fn keep_for_plain_form(&self, maker: i64, secret: &T, page: &str, param: &str)
    where
        T: Clone,
    {
        if crate::auth::session::plain_form_post() {
            let note = self.keep(maker, secret.clone());
            let joint = if page.contains('?') { '&' } else { '?' };
            leptos_axum::redirect(&format!("{page}{joint}{param}={note}"));
        }
    }

    /// The secret behind `note` if `user` made it in the last five minutes; never twice.
    pub fn take(&self, user: i64, note: &str) -> Option<T> {
        let mut notes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match notes.remove(note) {
            Some(kept) if kept.maker == user && kept.at.elapsed() < KEPT_FOR => Some(kept.secret),
            Some(other) if other.maker != user => {
                // Not theirs: put it back for its maker.
                notes.insert(note.to_owned(), other);
                None
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_read_once_by_its_maker() {
        let id = ISSUED_KEYS.keep(7, IssuedKey { id: 1, key: "tgk_x".into() });
        assert_eq!(ISSUED_KEYS.take(8, &id), None);
        assert_eq!(ISSUED_KEYS.take(7, &id).map(|k| k.key), Some("tgk_x".into()));
        assert_eq!(ISSUED_KEYS.take(7, &id), None);
        let password = TemporaryPassword { user_id: 3, username: "staff".into(), password: "Abc#12345678xy".into() };
        let id = TEMPORARY_PASSWORDS.keep(7, password.clone());
        assert_eq!(ISSUED_KEYS.take(7, &id).map(|k| k.key), None, "each kind apart");
        assert_eq!(TEMPORARY_PASSWORDS.take(7, &id), Some(password));
    }
}

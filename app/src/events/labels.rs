//! How event values are shown: translated labels, badge classes, times in China time,
//! durations, deadline flags — one place, so every page says the same thing the same way.

use chrono::{DateTime, Utc};
use shared::events::{Channel, DeadlineStatus, EventRow, EventState, Priority};

use crate::i18n::Locale;

pub fn state(locale: Locale, state: EventState) -> String {
    locale.t(&format!("event.state.{}", state.as_str()))
}

pub fn state_badge(state: EventState) -> &'static str {
    match state {
        EventState::Reported | EventState::Reopened => "badge badge-warn",
        EventState::Accepted | EventState::Dispatched | EventState::Handling => "badge badge-info",
        EventState::Returned | EventState::Rejected => "badge badge-danger",
        EventState::Handled | EventState::Verified => "badge badge-accent",
        EventState::Closed => "badge badge-ok",
        EventState::Suspended | EventState::Merged => "badge badge-muted",
    }
}

/// The colour of an event on the maps (the legend uses the same).
pub fn state_colour(state: EventState) -> &'static str {
    match state {
        EventState::Reported | EventState::Reopened => "#d97706",
        EventState::Accepted | EventState::Dispatched => "#2563eb",
        EventState::Handling => "#7c3aed",
        EventState::Returned => "#dc2626",
        EventState::Handled | EventState::Verified => "#0d9488",
        EventState::Closed => "#16a34a",
        EventState::Suspended | EventState::Merged | EventState::Rejected => "#6b7280",
    }
}

pub fn priority(locale: Locale, priority: Priority) -> String {
    locale.t(&format!("event.priority.{}", priority.as_str()))
}

pub fn priority_badge(priority: Priority) -> &'static str {
    match priority {
        Priority::Normal => "badge badge-muted",
        Priority::Urgent => "badge badge-warn",
        Priority::Critical => "badge badge-danger",
    }
}

pub fn channel(locale: Locale, channel: Channel) -> String {
    locale.t(&format!("event.channel.{}", channel.as_str()))
}

pub fn action(locale: Locale, action: &str) -> String {
    locale.t(&format!("event.action.{action}"))
}

pub fn time(at: DateTime<Utc>) -> String {
    shared::time::local(at).format("%Y-%m-%d %H:%M").to_string()
}

pub fn short_time(at: DateTime<Utc>) -> String {
    shared::time::local(at).format("%m-%d %H:%M").to_string()
}

/// "2 小时 15 分" / "3 天 4 小时".
pub fn duration(locale: Locale, seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let args = |d: i64, h: i64, m: i64| vec![("d", d.to_string()), ("h", h.to_string()), ("m", m.to_string())];
    if days > 0 {
        locale.tf("event.duration_dh", &args(days, hours, mins))
    } else if hours > 0 {
        locale.tf("event.duration_hm", &args(days, hours, mins))
    } else {
        locale.tf("event.duration_m", &args(days, hours, mins))
    }
}

/// The deadline cell: the time, and a flag when it is close or past.
pub fn deadline(locale: Locale, row: &EventRow, now: DateTime<Utc>) -> (String, Option<(String, &'static str)>) {
    let status = row.deadline_status(now);
    let flag = match status {
        DeadlineStatus::Overdue => Some((
            locale.tf("event.overdue_by", &[("t", duration(locale, (now - row.deadline).num_seconds()))]),
            "badge badge-danger",
        )),
        DeadlineStatus::DueSoon => Some((
            locale.tf("event.due_in", &[("t", duration(locale, (row.deadline - now).num_seconds()))]),
            "badge badge-warn",
        )),
        DeadlineStatus::OnTrack | DeadlineStatus::Stopped => None,
    };
    (short_time(row.deadline), flag)
}

/// A notification's text from its stored parts `number|action|state`.
pub fn notification(locale: Locale, message: &str) -> String {
    let mut parts = message.split('|');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(number), Some(action), Some(to)) => {
            let state_label = EventState::parse(to).map(|s| state(locale, s)).unwrap_or_default();
            locale.tf(&format!("notify.{action}"), &[("number", number.to_owned()), ("state", state_label)])
        }
        // Not in the stored shape (written before it, or by hand): shown as it was stored.
        _ => message.to_owned(),
    }
}

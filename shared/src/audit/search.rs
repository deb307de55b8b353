//! What the auditor searches the log by (GB/T 22239 8.1.4.3: the records searched by actor,
//! action, target, time and outcome). Read from the page's URL, so that a search is a link
//! the auditor can keep, and checked once (`validate`) by the service before its query.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{AuditAction, AuditOutcome};
use crate::error::{AppError, ErrorCode, Validator};
use crate::events::types::within_filter_dates;
use crate::paging::{MAX_PAGE, MAX_SEARCH_CHARS};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditSearch {
    /// Part of the actor's name or account.
    pub actor: String,
    pub action: Option<AuditAction>,
    /// Part of the target: an account, an event's number, a record (`party.members#12`), a path.
    pub target: String,
    pub outcome: Option<AuditOutcome>,
    /// The first and last day, China time, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: i64,
}

/// The URL parameters, in the order the form has them.
pub const PARAMS: [&str; 6] = ["actor", "action", "target", "outcome", "from", "to"];

impl AuditSearch {
    /// Reads a search from URL query parameters; a value that does not parse is an error
    /// naming its field, never dropped (a search must show what was asked).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, AppError> {
        let given = |key: &str| get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut v = Validator::new();
        let mut parsed = |key: &'static str, error: ErrorCode, parse: &dyn Fn(&str) -> bool| {
            if let Some(value) = given(key) {
                v.check(key, if parse(&value) { Ok(()) } else { Err(error) });
            }
        };
        parsed("action", ErrorCode::AuditActionUnknown, &|s| AuditAction::parse(s).is_some());
        parsed("outcome", ErrorCode::AuditOutcomeUnknown, &|s| AuditOutcome::parse(s).is_some());
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        parsed("from", ErrorCode::FilterDateFormat, &|s| day(s).is_some());
        parsed("to", ErrorCode::FilterDateFormat, &|s| day(s).is_some());
        parsed("page", ErrorCode::PagingPageOutOfRange, &|s| s.parse::<i64>().is_ok());
        v.finish()?;
        let search = Self {
            actor: given("actor").unwrap_or_default(),
            action: given("action").as_deref().and_then(AuditAction::parse),
            target: given("target").unwrap_or_default(),
            outcome: given("outcome").as_deref().and_then(AuditOutcome::parse),
            from: given("from").as_deref().and_then(day),
            to: given("to").as_deref().and_then(day),
            page: given("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        };
        search.validate()?;
        Ok(search)
    }

    /// Every value within its bounds, the days in order.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        for (field, text) in [("actor", &self.actor), ("target", &self.target)] {
            v.check(field, if text.chars().count() <= MAX_SEARCH_CHARS { Ok(()) } else { Err(ErrorCode::TooLong) });
        }
        for (field, day) in [("from", self.from), ("to", self.to)] {
            v.check(
                field,
                if day.is_none_or(within_filter_dates) { Ok(()) } else { Err(ErrorCode::FilterDateOutOfRange) },
            );
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            v.check("to", if from <= to { Ok(()) } else { Err(ErrorCode::FilterDateOrder) });
        }
        v.check(
            "page",
            if (0..=MAX_PAGE).contains(&self.page) { Ok(()) } else { Err(ErrorCode::PagingPageOutOfRange) },
        );
        v.finish()
    }

    /// The search as the auditor's own audit record states it (`audit.read`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |key: &str, value: &str| {
            if !value.is_empty() {
                parts.push(format!("{key}={value}"));
            }
        };
        add("actor", &self.actor);
        add("action", self.action.map(AuditAction::as_str).unwrap_or_default());
        add("target", &self.target);
        add("outcome", self.outcome.map(AuditOutcome::as_str).unwrap_or_default());
        add("from", &self.from.map(|d| d.to_string()).unwrap_or_default());
        add("to", &self.to.map(|d| d.to_string()).unwrap_or_default());
        add("page", &self.page.max(1).to_string());
        parts.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn a_search_reads_every_field_and_names_each_bad_one() {
        let search = AuditSearch::from_query(query(&[
            ("actor", " 沈晓燕 "),
            ("action", "auth.denied"),
            ("outcome", "denied"),
            ("from", "2026-11-01"),
            ("to", "2026-11-30"),
            ("page", "2"),
        ]))
        .expect("a search");
        assert_eq!(search.actor, "沈晓燕");
        assert_eq!(search.action, Some(AuditAction::Denied));
        assert_eq!(search.outcome, Some(AuditOutcome::Denied));
        assert_eq!(search.from, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(
            search.describe(),
            "actor=沈晓燕&action=auth.denied&outcome=denied&from=2026-11-01&to=2026-11-30&page=2"
        );
        assert_eq!(AuditSearch::from_query(query(&[])).expect("empty"), AuditSearch { page: 1, ..Default::default() });

        let refused = |pairs: &[(&str, &str)]| match AuditSearch::from_query(query(pairs)) {
            Err(AppError::Validation(fields)) => fields.into_iter().map(|f| (f.field, f.code)).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refused(&[("action", "auth.nothing"), ("outcome", "maybe"), ("from", "2026-13-01")]),
            [
                ("action".to_owned(), ErrorCode::AuditActionUnknown),
                ("outcome".to_owned(), ErrorCode::AuditOutcomeUnknown),
                ("from".to_owned(), ErrorCode::FilterDateFormat),
            ]
        );
        assert_eq!(
            refused(&[("from", "2026-11-30"), ("to", "2026-11-01")]),
            [("to".to_owned(), ErrorCode::FilterDateOrder)]
        );
        assert_eq!(
            refused(&[("actor", &"长".repeat(MAX_SEARCH_CHARS + 1))]),
            [("actor".to_owned(), ErrorCode::TooLong)]
        );
    }

    #[test]
    fn every_action_has_one_outcome_and_failures_are_failures() {
        assert_eq!(AuditAction::Login.outcome(), AuditOutcome::Success);
        assert_eq!(AuditAction::LoginFailed.outcome(), AuditOutcome::Failure);
        assert_eq!(AuditAction::Denied.outcome(), AuditOutcome::Denied);
        let failures: Vec<_> = AuditOutcome::Failure.actions().collect();
        assert!(failures.contains(&AuditAction::PasswordChangeFailed) && failures.contains(&AuditAction::Locked));
        let all: usize = AuditOutcome::ALL.iter().map(|o| o.actions().count()).sum();
        assert_eq!(all, AuditAction::ALL.len());
    }
}

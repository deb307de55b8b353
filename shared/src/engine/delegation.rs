//! Delegation while away (外出委托审批): an approver who will be away names a colleague of the
//! township to approve in their place from one day to another (China Standard Time, both
//! days included). While it runs, the records waiting for the approver's 会签, 或签 or N-of-M
//! approval wait for the delegate too — in their "my tasks", with the approver's name — and
//! the delegate's approval counts as the approver's, recorded with who gave it. The delegate
//! still needs the step's permission; a delegate's own delegations are not followed (no
//! chains). Ending one early revokes it at once.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Validator};

/// The longest delegation, in days: a longer absence is a change of post, not a delegation.
pub const MAX_DAYS: i64 = 90;
/// The longest reason (characters).
pub const REASON_MAX: usize = 200;
/// How far ahead a delegation may start (days).
pub const MAX_LEAD_DAYS: i64 = 365;

/// Where a delegation stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DelegationStatus {
    /// Starts on a later day.
    Upcoming,
    /// Running today: the delegate approves in the delegator's place.
    Active,
    /// Its last day has passed.
    Ended,
    /// Ended early by the delegator.
    Revoked,
}

impl DelegationStatus {
    pub fn of(starts_on: NaiveDate, ends_on: NaiveDate, revoked: bool, today: NaiveDate) -> Self {
        if revoked {
            DelegationStatus::Revoked
        } else if today < starts_on {
            DelegationStatus::Upcoming
        } else if today > ends_on {
            DelegationStatus::Ended
        } else {
            DelegationStatus::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DelegationStatus::Upcoming => "upcoming",
            DelegationStatus::Active => "active",
            DelegationStatus::Ended => "ended",
            DelegationStatus::Revoked => "revoked",
        }
    }

    /// May still be ended early (it has not run out and was not revoked).
    pub fn revocable(self) -> bool {
        matches!(self, DelegationStatus::Upcoming | DelegationStatus::Active)
    }
}

/// A delegation as the two people in it see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delegation {
    pub id: i64,
    pub delegator: String,
    pub delegate: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
    pub status: DelegationStatus,
    #[serde(with = "chrono::serde::ts_seconds")]
    pub created_at: DateTime<Utc>,
}

/// The user's delegations: those they gave and those given to them, newest first, and the
/// colleagues they may name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Delegations {
    pub given: Vec<Delegation>,
    pub received: Vec<Delegation>,
    /// `(id, name)` of the township's active staff other than the user.
    pub colleagues: Vec<(i64, String)>,
}

/// A delegation as its form sends it (dates as `YYYY-MM-DD`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DelegationForm {
    pub delegate: String,
    pub starts_on: String,
    pub ends_on: String,
    pub reason: String,
}

/// A checked [`DelegationForm`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelegation {
    pub delegate: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
}

impl DelegationForm {
    /// Checks what the form alone can tell, every field at once, on `today`: a colleague
    /// chosen, two dates, not starting in the past nor more than a year ahead, ending on or
    /// after the start, at most [`MAX_DAYS`] days, a short reason. Whether the colleague is
    /// one, and whether it overlaps another delegation, the service checks.
    pub fn check(&self, today: NaiveDate) -> Result<NewDelegation, crate::AppError> {
        let mut errors = Validator::new();
        let delegate = self.delegate.trim().parse::<i64>().ok().filter(|id| *id > 0);
        errors.check("delegate", delegate.map(|_| ()).ok_or(ErrorCode::Required));
        let date = |text: &str| -> Result<Option<NaiveDate>, ErrorCode> {
            let text = text.trim();
            if text.is_empty() {
                return Err(ErrorCode::Required);
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Some).map_err(|_| ErrorCode::FieldNotADate)
        };
        let starts_on = date(&self.starts_on);
        let ends_on = date(&self.ends_on);
        let starts = starts_on.ok().flatten();
        let ends = ends_on.ok().flatten();
        errors.check(
            "starts_on",
            starts_on.map(|_| ()).and_then(|()| match starts {
                Some(starts) if starts < today => Err(ErrorCode::DelegationStartPast),
                Some(starts) if (starts - today).num_days() > MAX_LEAD_DAYS => Err(ErrorCode::DelegationTooFar),
                _ => Ok(()),
            }),
        );
        errors.check(
            "ends_on",
            ends_on.map(|_| ()).and_then(|()| match (starts, ends) {
                (Some(starts), Some(ends)) if ends < starts => Err(ErrorCode::DelegationOrder),
                (Some(starts), Some(ends)) if (ends - starts).num_days() + 1 > MAX_DAYS => {
                    Err(ErrorCode::DelegationTooLong)
                }
                _ => Ok(()),
            }),
        );
        let reason = self.reason.trim();
        errors.check(
            "reason",
            if reason.chars().count() > REASON_MAX {
                Err(ErrorCode::TooLong)
            } else if reason.chars().any(|c| c.is_control()) {
                Err(ErrorCode::TextControlCharacters)
            } else {
                Ok(())
            },
        );
        errors.finish()?;
        match (delegate, starts, ends) {
            (Some(delegate), Some(starts_on), Some(ends_on)) => {
                Ok(NewDelegation { delegate, starts_on, ends_on, reason: reason.to_owned() })
            }
            // Every missing part was an error above.
            _ => Err(crate::AppError::Internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppError, FieldError};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    fn form(delegate: &str, starts_on: &str, ends_on: &str, reason: &str) -> DelegationForm {
        DelegationForm {
            delegate: delegate.to_owned(),
            starts_on: starts_on.to_owned(),
            ends_on: ends_on.to_owned(),
            reason: reason.to_owned(),
        }
    }

    #[test]
    fn a_form_is_checked_field_by_field() {
        let today = day("2026-12-01");
        let ok = form("7", "2026-12-01", "2026-12-05", " 参加县培训 ").check(today).expect("valid");
        assert_eq!(
            ok,
            NewDelegation {
                delegate: 7, starts_on: today, ends_on: day("2026-12-05"), reason: "参加县培训".into()
            }
        );
        let refused = |form: DelegationForm| match form.check(today) {
            Err(AppError::Validation(errors)) => errors,
            other => panic!("refused: {other:?}"),
        };
        assert_eq!(
            refused(form("", "", "12/05", "")),
            vec![
                FieldError::new("delegate", ErrorCode::Required),
                FieldError::new("starts_on", ErrorCode::Required),
                FieldError::new("ends_on", ErrorCode::FieldNotADate),
            ]
        );
        assert_eq!(
            refused(form("7", "2026-11-30", "2026-12-02", "")),
            vec![FieldError::new("starts_on", ErrorCode::DelegationStartPast)]
        );
        assert_eq!(
            refused(form("7", "2026-12-03", "2026-12-02", "")),
            vec![FieldError::new("ends_on", ErrorCode::DelegationOrder)]
        );
        // Ninety days including both ends is the longest.
        assert!(form("7", "2026-12-01", "2027-02-28", "").check(today).is_ok());
        assert_eq!(
            refused(form("7", "2026-12-01", "2027-03-01", "")),
            vec![FieldError::new("ends_on", ErrorCode::DelegationTooLong)]
        );
        assert_eq!(
            refused(form("7", "2028-01-01", "2028-01-02", "")),
            vec![FieldError::new("starts_on", ErrorCode::DelegationTooFar)]
        );
        assert_eq!(
            refused(form("7", "2026-12-01", "2026-12-02", &"长".repeat(REASON_MAX + 1))),
            vec![FieldError::new("reason", ErrorCode::TooLong)]
        );
    }

    #[test]
    fn a_delegation_runs_on_its_days_only() {
        let (starts, ends) = (day("2026-12-01"), day("2026-12-05"));
        assert_eq!(DelegationStatus::of(starts, ends, false, day("2026-11-30")), DelegationStatus::Upcoming);
        assert_eq!(DelegationStatus::of(starts, ends, false, starts), DelegationStatus::Active);
        assert_eq!(DelegationStatus::of(starts, ends, false, ends), DelegationStatus::Active);
        assert_eq!(DelegationStatus::of(starts, ends, false, day("2026-12-06")), DelegationStatus::Ended);
        assert_eq!(DelegationStatus::of(starts, ends, true, starts), DelegationStatus::Revoked);
    }
}

//! How long a register keeps its history (R-7.1 / R-5c): versions stay online for a number
//! of days, then move to the archive — still read by the record's history, "as of" and
//! restore — and are deleted from the archive only when the register keeps its history for
//! a limited number of years. A record's newest version is never archived nor deleted.
//!
//! A declaration states the default ([`Retention::DEFAULT`]: three years online, kept for
//! ever); an administrator with the register's `configure` permission may change it on the
//! fields page, and the engine's clock applies it on every server process.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode, Validator};

/// The shortest and longest online period (days).
pub const ONLINE_DAYS_MIN: u32 = 30;
pub const ONLINE_DAYS_MAX: u32 = 36_500;
/// The longest limited retention (years).
pub const KEPT_YEARS_MAX: u16 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Days a version stays in the history table before it is archived.
    pub online_days: u32,
    /// Years a version is kept at all (`None`: for ever). Counted from the version's time,
    /// like the online period.
    pub kept_years: Option<u16>,
}

impl Retention {
    /// Three years online, kept for ever: a township's registers are records (档案).
    pub const DEFAULT: Retention = Retention { online_days: 3 * 365, kept_years: None };

    /// Kept for `years` years, archived after `online_days` days.
    pub const fn limited(online_days: u32, years: u16) -> Retention {
        Retention { online_days, kept_years: Some(years) }
    }
}

/// A register's retention as the fields page shows it: what the declaration says, and what
/// an administrator set (`None`: the declaration's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionSettings {
    pub declared: Retention,
    pub configured: Option<Retention>,
}

impl RetentionSettings {
    /// What applies.
    pub fn effective(&self) -> Retention {
        self.configured.unwrap_or(self.declared)
    }
}

/// The retention form: online days, and years kept (empty: for ever).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetentionForm {
    pub online_days: String,
    pub kept_years: String,
}

impl RetentionForm {
    /// Checks both fields at once: whole numbers in range, and a limited retention no
    /// shorter than the online period (a version is archived before it may be deleted).
    pub fn check(&self) -> Result<Retention, AppError> {
        let mut errors = Validator::new();
        let online = self.online_days.trim();
        let online_days = match online.parse::<u32>() {
            _ if online.is_empty() => Err(ErrorCode::Required),
            Ok(days) if (ONLINE_DAYS_MIN..=ONLINE_DAYS_MAX).contains(&days) => Ok(days),
            Ok(_) => Err(ErrorCode::RetentionOnlineRange),
            Err(_) => Err(ErrorCode::FieldNotANumber),
        };
        let kept = self.kept_years.trim();
        let kept_years = match kept.parse::<u16>() {
            _ if kept.is_empty() => Ok(None),
            Ok(years) if (1..=KEPT_YEARS_MAX).contains(&years) => Ok(Some(years)),
            Ok(_) => Err(ErrorCode::RetentionKeptRange),
            Err(_) => Err(ErrorCode::FieldNotANumber),
        };
        let kept_years = match (online_days, kept_years) {
            (Ok(days), Ok(Some(years))) if u32::from(years) * 365 < days => Err(ErrorCode::RetentionKeptShort),
            (_, kept) => kept,
        };
        errors.check("online_days", online_days.map(|_| ()));
        errors.check("kept_years", kept_years.map(|_| ()));
        errors.finish()?;
        match (online_days, kept_years) {
            (Ok(online_days), Ok(kept_years)) => Ok(Retention { online_days, kept_years }),
            _ => Err(AppError::Internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FieldError;

    fn form(online: &str, kept: &str) -> RetentionForm {
        RetentionForm { online_days: online.to_owned(), kept_years: kept.to_owned() }
    }

    fn refused(form: RetentionForm) -> Vec<FieldError> {
        match form.check() {
            Err(AppError::Validation(errors)) => errors,
            other => panic!("refused: {other:?}"),
        }
    }

    #[test]
    fn a_retention_is_checked_field_by_field() {
        assert_eq!(form("365", "").check(), Ok(Retention { online_days: 365, kept_years: None }));
        assert_eq!(form(" 730 ", "10").check(), Ok(Retention::limited(730, 10)));
        assert_eq!(
            refused(form("", "abc")),
            vec![
                FieldError::new("online_days", ErrorCode::Required),
                FieldError::new("kept_years", ErrorCode::FieldNotANumber)
            ]
        );
        assert_eq!(refused(form("29", "")), vec![FieldError::new("online_days", ErrorCode::RetentionOnlineRange)]);
        assert_eq!(refused(form("365", "0")), vec![FieldError::new("kept_years", ErrorCode::RetentionKeptRange)]);
        assert_eq!(refused(form("365", "101")), vec![FieldError::new("kept_years", ErrorCode::RetentionKeptRange)]);
        // Deleted before it would be archived: refused.
        assert_eq!(refused(form("1095", "2")), vec![FieldError::new("kept_years", ErrorCode::RetentionKeptShort)]);
        assert!(form("1095", "3").check().is_ok());
    }
}

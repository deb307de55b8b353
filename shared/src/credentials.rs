//! Credentials issued to other systems: an API key names a township, what it may be
//! used for (its scopes), how many calls a minute it may make, and until when. The key is
//! shown once when it is issued; the platform keeps its public prefix and a hash of it.
//! Administrators issue and revoke keys on `/admin/api-keys`, or with
//! `tongguan apikey create`; a revoked or expired key stops working at its next call.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode, Validator};

#[cfg(feature = "ssr")]
pub mod call_log;
#[cfg(feature = "ssr")]
pub mod service;

crate::code_enum::code_enum! {
    /// What a key may be used for.
    pub enum ApiScope in "api_scope" {
        /// File service requests and read them back through Open311 GeoReport v2.
        Open311 = "open311",
        /// Read the event feed (data sharing).
        EventsRead = "events.read",
        /// Read the events' statistics.
        StatsRead = "stats.read",
        /// Read the base data: villages, communities and grids with their boundaries.
        BaseDataRead = "basedata.read",
        /// Read the registers of the data catalogue: those shared openly, and the
        /// conditionally shared ones the key is granted ([`NewApiKey::datasets`]).
        RecordsRead = "records.read",
        /// See personal data (reporters' names and phone numbers) unmasked.
        PersonalData = "personal_data",
        /// Send the readings of the township's monitoring stations (a station or the
        /// gateway that collects them).
        ReadingsWrite = "readings.write",
    }
}

crate::code_enum::code_enum! {
    /// The service layer's APIs whose calls are logged.
    pub enum Api in "api" {
        /// Open311 GeoReport v2 (`/open311/v2/`).
        Open311 = "open311",
        /// The data-sharing API (`/api/v1/`).
        Data = "data",
    }
}

/// The longest name of a key (the system it is given to).
pub const NAME_MAX: usize = 60;
/// Calls a minute a key may make when nothing else is said: a client polling every second.
pub const DEFAULT_PER_MINUTE: i32 = 60;
pub const MAX_PER_MINUTE: i32 = 100_000;
/// The longest a key may be issued for.
pub const MAX_DAYS: i64 = 3 * 366;

/// A key to issue.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    #[serde(default)]
    pub scopes: Vec<ApiScope>,
    pub per_minute: i32,
    /// The last day it works (the township's calendar), or none: until revoked.
    pub expires_on: Option<chrono::NaiveDate>,
    /// The one village or community whose data it reads, or none: the whole township.
    #[serde(default)]
    pub village_id: Option<i32>,
    /// The conditionally shared registers (有条件共享) it is granted, by key
    /// (`party.members`); the openly shared ones need no grant.
    #[serde(default)]
    pub datasets: Vec<String>,
}

impl NewApiKey {
    /// Every field at once. `today` is the township's date.
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<(), AppError> {
        let mut v = Validator::new();
        let name = self.name.trim().chars().count();
        v.check(
            "name",
            match name {
                0 => Err(ErrorCode::Required),
                n if n > NAME_MAX => Err(ErrorCode::TooLong),
                _ => Ok(()),
            },
        );
        v.check("scopes", if self.scopes.is_empty() { Err(ErrorCode::ApiKeyScopesRequired) } else { Ok(()) });
        v.check("datasets", self.check_datasets());
        v.check(
            "per_minute",
            if (1..=MAX_PER_MINUTE).contains(&self.per_minute) { Ok(()) } else { Err(ErrorCode::ApiKeyRateRange) },
        );
        if let Some(day) = self.expires_on {
            v.check(
                "expires_on",
                if day < today {
                    Err(ErrorCode::ApiKeyExpiryPast)
                } else if (day - today).num_days() > MAX_DAYS {
                    Err(ErrorCode::ApiKeyExpiryTooFar)
                } else {
                    Ok(())
                },
            );
        }
        v.finish()
    }

    /// Each granted dataset is a register that may be shared at all, and the key may read
    /// registers.
    fn check_datasets(&self) -> Result<(), ErrorCode> {
        use crate::engine::declare::Sharing;
        if self.datasets.is_empty() {
            return Ok(());
        }
        if !self.scopes.contains(&ApiScope::RecordsRead) {
            return Err(ErrorCode::ApiKeyDatasetsNeedScope);
        }
        let shareable = |key: &String| {
            let register = key.split_once('.').and_then(|(module, name)| crate::modules::register(module, name));
            register.is_some_and(|register| register.parent.is_none() && register.sharing != Sharing::None)
        };
        if self.datasets.iter().all(shareable) { Ok(()) } else { Err(ErrorCode::ApiKeyDatasetNotShared) }
    }
}

/// The issue form as a browser posts it (text fields; ticked scopes only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ApiKeyForm {
    pub name: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub per_minute: String,
    /// `YYYY-MM-DD`, or empty: until revoked.
    #[serde(default)]
    pub expires_on: String,
    /// A village's id, or empty: the whole township.
    #[serde(default)]
    pub village: String,
    /// The ticked conditionally shared registers.
    #[serde(default)]
    pub datasets: Vec<String>,
}

impl ApiKeyForm {
    /// The typed key to issue, or every problem at once (`today` is the township's date).
    pub fn parse(&self, today: chrono::NaiveDate) -> Result<NewApiKey, AppError> {
        let mut v = Validator::new();
        let scopes: Vec<ApiScope> = self.scopes.iter().filter_map(|s| ApiScope::parse(s)).collect();
        if scopes.len() != self.scopes.len() {
            v.check("scopes", Err(ErrorCode::ApiKeyScopesRequired));
        }
        let per_minute = match self.per_minute.trim() {
            "" => DEFAULT_PER_MINUTE,
            text => text.parse().unwrap_or(0),
        };
        let expires_on = match self.expires_on.trim() {
            "" => None,
            text => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(day) => Some(day),
                Err(_) => {
                    v.check("expires_on", Err(ErrorCode::FilterDateFormat));
                    None
                }
            },
        };
        let village_id = match self.village.trim() {
            "" => None,
            text => match text.parse::<i32>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    v.check("village", Err(ErrorCode::FieldNotAReference));
                    None
                }
            },
        };
        v.finish()?;
        let datasets = self.datasets.clone();
        let key = NewApiKey { name: self.name.clone(), scopes, per_minute, expires_on, village_id, datasets };
        key.validate(today)?;
        Ok(key)
    }
}

/// A key as administrators see it: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// The key's public start, `tgk_XXXXXXXX`: enough to tell keys apart in lists and logs.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    /// The village or community it is limited to (its name), if any.
    pub village: Option<String>,
    /// The conditionally shared registers it is granted: key and title.
    pub datasets: Vec<(String, String)>,
    pub per_minute: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Calls in the last 30 days.
    pub calls: i64,
}

impl ApiKeyRow {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

/// What the issue form offers beside the scopes: the villages a key may be limited to, and
/// the conditionally shared registers it may be granted (key, title).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ApiKeyChoices {
    pub villages: Vec<crate::basedata::VillageOption>,
    pub datasets: Vec<(String, String)>,
}

/// A key just issued: the only time its secret is seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedKey {
    pub id: i64,
    pub key: String,
}

/// One call of the service layer's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiCallRow {
    pub at: DateTime<Utc>,
    pub key: Option<String>,
    pub api: String,
    pub method: String,
    pub path: String,
    pub status: i16,
    pub rows: i32,
    pub address: String,
    pub millis: i32,
}

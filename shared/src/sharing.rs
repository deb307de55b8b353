//! Authorised data sharing with other platforms (clause 7.4, R-7.4; the HTTP side and its
//! OpenAPI description are `server/src/sharing/`). A partner system reads with an API key
//! (`crate::credentials`) whose scopes name the datasets it may read — events, their
//! statistics, the base data of villages and grids — and whether it may see personal data;
//! without that scope names and phone numbers are masked ([`mask`]). Feeds are read in
//! keyset order of their last change, so a receiving system stays in sync by asking for
//! what changed since its last call. Every call is logged with the rows it returned.
//!
//! A key reads as a [`SessionUser`](crate::accounts::SessionUser) made from its scopes
//! ([`service::reader`]): the same permission checks and data-scope conditions as a person's
//! reads, not a second set of rules.

pub mod mask;
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::error::{AppError, ErrorCode, Validator};

/// The most rows one page of a feed returns.
pub const MAX_LIMIT: i64 = 1_000;
pub const DEFAULT_LIMIT: i64 = 100;

/// Where a feed page starts: after the last row of the previous page, in the order of
/// (last change, id). Written `<microseconds since 1970>_<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.at.timestamp_micros(), self.id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (micros, id) = text.split_once('_')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        Some(Self { at, id: id.parse().ok()? })
    }
}

/// A feed's parameters, checked: `updated_since` (RFC 3339), `after` (a cursor this API
/// gave), `limit` (1 to [`MAX_LIMIT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedQuery {
    pub updated_since: Option<DateTime<Utc>>,
    pub after: Option<Cursor>,
    pub limit: i64,
}

impl FeedQuery {
    /// From the query string's pairs; an unknown name is refused, not ignored (a misspelt
    /// `updated_since` would otherwise return everything).
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let mut query = FeedQuery { updated_since: None, after: None, limit: DEFAULT_LIMIT };
        for (name, value) in pairs {
            match name {
                "updated_since" => match DateTime::parse_from_rfc3339(value) {
                    Ok(at) => query.updated_since = Some(at.with_timezone(&Utc)),
                    Err(_) => {
                        v.check("updated_since", Err(ErrorCode::SharingSinceFormat));
                    }
                },
                "after" => match Cursor::decode(value) {
                    Some(cursor) => query.after = Some(cursor),
                    None => {
                        v.check("after", Err(ErrorCode::SharingCursorInvalid));
                    }
                },
                "limit" => match value.parse::<i64>() {
                    Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => query.limit = limit,
                    _ => {
                        v.check("limit", Err(ErrorCode::SharingLimitRange));
                    }
                },
                other => {
                    v.check(other, Err(ErrorCode::SharingParameterUnknown));
                }
            }
        }
        v.finish()?;
        Ok(query)
    }
}

/// The period and grouping of shared statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsQuery {
    pub by: crate::events::StatsDimension,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl StatsQuery {
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, AppError> {
        use crate::events::StatsDimension;
        let mut v = Validator::new();
        let mut query = StatsQuery { by: StatsDimension::Category, from: None, to: None };
        let day = |value: &str| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
        for (name, value) in pairs {
            match name {
                "by" => match StatsDimension::ALL.into_iter().find(|d| d.as_str() == value) {
                    Some(by) => query.by = by,
                    None => {
                        v.check("by", Err(ErrorCode::SharingDimensionUnknown));
                    }
                },
                "from" => match day(value) {
                    Some(d) => query.from = Some(d),
                    None => {
                        v.check("from", Err(ErrorCode::FilterDateFormat));
                    }
                },
                "to" => match day(value) {
                    Some(d) => query.to = Some(d),
                    None => {
                        v.check("to", Err(ErrorCode::FilterDateFormat));
                    }
                },
                other => {
                    v.check(other, Err(ErrorCode::SharingParameterUnknown));
                }
            }
        }
        if let (Some(from), Some(to)) = (query.from, query.to) {
            v.check("to", if to < from { Err(ErrorCode::FilterDateOrder) } else { Ok(()) });
        }
        v.finish()?;
        Ok(query)
    }
}

/// An event as a partner reads it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedEvent {
    /// The township's number, `TG-<year>-<n>`.
    pub number: String,
    /// `public`, `patrol`, `self_resolved`, `hotline`, `walk_in`, `superior`, `sensor`, `open311`.
    pub channel: String,
    pub category_code: String,
    pub category: String,
    /// `normal`, `urgent` or `critical`.
    pub priority: String,
    /// `reported`, `accepted`, `dispatched`, `handling`, `returned`, `handled`, `verified`,
    /// `closed`, `suspended`, `reopened`, `rejected` or `merged`.
    pub state: String,
    pub title: String,
    pub description: String,
    pub address: String,
    /// WGS 84.
    pub lat: f64,
    pub lon: f64,
    pub village: String,
    pub grid: String,
    pub department: Option<String>,
    pub reported_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When it last changed: the feed's order.
    pub updated_at: DateTime<Utc>,
    /// Masked (`张*`, `138****5678`) unless the key may read personal data.
    pub contact_name: String,
    pub contact_phone: String,
    /// The reporter's rating, 1 to 5.
    pub satisfaction: Option<i16>,
}

/// A page of the event feed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventFeed {
    pub data: Vec<SharedEvent>,
    /// The `after` of the next page; `null` on the last.
    pub next: Option<String>,
}

/// A village or community.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedVillage {
    pub code: String,
    pub name: String,
    /// `village` (村) or `community` (社区).
    pub kind: String,
    /// Its boundary, a GeoJSON geometry in WGS 84.
    #[schema(value_type = Object)]
    pub boundary: serde_json::Value,
}

/// A grid of the township's grid management.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedGrid {
    pub code: String,
    pub name: String,
    pub village_code: String,
    #[schema(value_type = Object)]
    pub boundary: serde_json::Value,
}

/// One line of shared statistics.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedStatsRow {
    /// The category, department, village, grid (names) or month (`yyyy-mm`).
    pub key: String,
    pub reported: i64,
    pub closed: i64,
    /// Closed before their deadline.
    pub on_time: i64,
    /// Still open past their deadline.
    pub overdue_open: i64,
    /// Hours from report to close.
    pub avg_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// Average rating, 1 to 5.
    pub satisfaction: Option<f64>,
}

/// Shared statistics: the rows and their total.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedStats {
    /// `category`, `department`, `village`, `grid` or `month`.
    pub by: String,
    pub rows: Vec<SharedStatsRow>,
    pub total: SharedStatsRow,
}

/// A register of the data catalogue as a partner sees it: what it is, who owns it, how it
/// may be shared, and the fields its records carry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedDataset {
    /// `<module>.<register>`: the path of its records is `/api/v1/datasets/{key}/records`.
    pub key: String,
    pub title: String,
    pub module: String,
    /// The clause of DB3205/T 1107—2024 its module implements.
    pub clause: String,
    pub owner: String,
    /// `real_time`, `daily`, `monthly` or `yearly`.
    pub update_frequency: String,
    /// `open` (无条件共享: every key that may read registers) or `conditional` (有条件共享:
    /// the keys granted it).
    pub sharing: String,
    pub fields: Vec<SharedField>,
}

/// One field of a shared dataset.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedField {
    pub name: String,
    pub label: String,
    /// `text`, `integer`, `decimal` (a string, exact), `date`, `datetime`, `boolean`, `code`,
    /// `codes`, `reference` (an id), `geometry` (GeoJSON).
    #[serde(rename = "type")]
    pub kind: String,
    /// Personal data: masked unless the key may read personal data.
    pub personal: bool,
    /// Added by the township at run time.
    pub custom: bool,
    /// A code field's codes with their labels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<SharedCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedCode {
    pub code: String,
    pub label: String,
}

/// A record of a shared dataset.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedRecord {
    pub id: i64,
    /// Its number in the register's naming series.
    pub number: Option<String>,
    /// Its workflow state.
    pub state: Option<String>,
    /// The codes of its village and grid.
    pub village: Option<String>,
    pub grid: Option<String>,
    /// Its fields by name (empty ones left out; personal ones masked, or left out when they
    /// are no text, unless the key may read personal data). Empty for a deleted record.
    #[schema(value_type = Object)]
    pub values: serde_json::Map<String, serde_json::Value>,
    /// When it last changed: the feed's order.
    pub updated_at: DateTime<Utc>,
    /// Set when the record was deleted: the receiving system should delete its copy.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A page of a dataset's feed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RecordFeed {
    pub data: Vec<SharedRecord>,
    /// The `after` of the next page; `null` on the last.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_text() {
        let cursor = Cursor { at: DateTime::from_timestamp_micros(1_764_000_000_123_456).expect("time"), id: 42 };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("42"), None);
        assert_eq!(Cursor::decode("x_1"), None);
    }

    #[test]
    fn feed_parameters_are_checked_and_unknown_ones_refused() {
        let query = FeedQuery::parse([("updated_since", "2026-11-01T00:00:00+08:00"), ("limit", "500")]).expect("ok");
        assert_eq!(query.limit, 500);
        assert_eq!(query.updated_since, DateTime::parse_from_rfc3339("2026-10-31T16:00:00Z").ok().map(|t| t.to_utc()));
        let Err(AppError::Validation(errors)) = FeedQuery::parse([
            ("updated_since", "yesterday"),
            ("limit", "5000"),
            ("after", "x"),
            ("updatedsince", "1"),
        ]) else {
            panic!("refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["updated_since", "limit", "after", "updatedsince"]);
    }
}

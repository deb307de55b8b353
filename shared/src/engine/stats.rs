//! A register's statistics page (`/m/<module>/<register>/stats`): the records the list's
//! filters select, counted — and summed by a number field — per value of one dimension: a
//! choice or yes/no field, the workflow state, the village, or the month or year of a date.
//! Every group drills down to the list it counts.
//!
//! The dimension and the sum travel as the names the service offers ([`StatsOption::key`]);
//! the service resolves them against the declaration and refuses any other.

use serde::{Deserialize, Serialize};

use super::record::ListQuery;

/// What the statistics page asks: the list's selection, grouped by `by` (empty: the first
/// dimension offered), with the sum of the number field `sum` (empty: counts only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    pub list: ListQuery,
    pub by: String,
    pub sum: String,
}

/// A dimension or a sum the page offers, in the user's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsOption {
    /// `political_status`, `state`, `village`, `joined_on@month`.
    pub key: String,
    pub label: String,
}

/// The grouped figures of a register.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisterStats {
    pub dimensions: Vec<StatsOption>,
    pub sums: Vec<StatsOption>,
    /// The dimension and sum answered (the query's, or the defaults).
    pub by: String,
    pub sum: Option<String>,
    pub groups: Vec<StatsGroup>,
    /// More groups than [`MAX_STATS_GROUPS`] (narrow the filters): the totals still count all.
    pub more: bool,
    pub total: StatsFigures,
    /// Periods come in time order and are drawn as a line of columns; other groups largest first.
    pub chronological: bool,
}

/// The most groups one answer carries.
pub const MAX_STATS_GROUPS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsGroup {
    /// The group's value as the list filters by it (`None`: the field is empty).
    pub value: Option<String>,
    pub label: String,
    pub figures: StatsFigures,
    /// The list filter that selects the group's records, when the list has one: (filter
    /// name, value).
    pub drill: Option<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatsFigures {
    pub count: i64,
    /// The sum asked for, as decimal text (money keeps its fen).
    pub sum: Option<String>,
}

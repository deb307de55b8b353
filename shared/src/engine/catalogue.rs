//! The data catalogue: every register as a thematic dataset — its module and clause,
//! the department that owns it, how often it changes, how widely it may be shared (the
//! national data-sharing levels), its fields, and, for a user who may see its records, how
//! many there are and when one last changed. The page of data officers reads it, and the
//! data-sharing API will.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::record::Count;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub module: String,
    pub register: String,
    /// The module's and the register's titles, in the user's language.
    pub module_title: String,
    pub title: String,
    /// The clause of DB3205/T 1107—2024 its module implements.
    pub clause: String,
    /// The owning department, in the user's language.
    pub owner: String,
    /// `real_time`, `daily`, `monthly` or `yearly`.
    pub update_frequency: String,
    /// `open` (无条件共享), `conditional` (有条件共享) or `none` (不予共享).
    pub sharing: String,
    /// Its fields' labels, declared then custom, a required one marked.
    pub fields: Vec<DatasetField>,
    /// The records in the user's scope, counted up to a cap; `None` without the view.
    pub records: Option<Count>,
    /// When one of its records last changed; `None` without the view or without records.
    pub last_updated: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetField {
    pub name: String,
    pub label: String,
    pub required: bool,
    /// Added by an administrator at run time.
    pub custom: bool,
}

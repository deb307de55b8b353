//! What the import and export endpoints and their pages exchange: an import's preview and
//! progress, and the problems of its rows (R-import: a row-by-row error report).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

/// The most rows one file may hold, to import or to export.
pub const MAX_ROWS: usize = 100_000;
/// The largest file an import accepts.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most row problems kept and reported (the count of good rows says the rest).
pub const MAX_ERRORS: usize = 1_000;

/// One problem of an import: the row as the user sees it in the file (a spreadsheet's row
/// number, a GeoJSON file's feature number), the column as its header says it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: u32,
    pub field: String,
    pub code: ErrorCode,
}

/// What a preview found; nothing is written yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub import_id: i64,
    /// Data rows in the file.
    pub total: u32,
    /// Rows without a problem.
    pub good: u32,
    pub errors: Vec<RowError>,
}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Checked, waiting for the user to commit it.
    Previewed,
    /// Being written in the background.
    Running,
    /// Every row written.
    Done,
    /// Nothing written (a row was refused at the commit, or the process stopped).
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Previewed => "previewed",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<ImportStatus> {
        [ImportStatus::Previewed, ImportStatus::Running, ImportStatus::Done, ImportStatus::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// An import as its progress page polls it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub id: i64,
    /// `module.register`.
    pub register: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub total: u32,
    pub good: u32,
    /// Rows written so far (all of them stay invisible to others until the import is done).
    pub done: u32,
    pub errors: Vec<RowError>,
    #[serde(with = "chrono::serde::ts_seconds")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_seconds_option")]
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_round_trips_through_its_text() {
        for status in [ImportStatus::Previewed, ImportStatus::Running, ImportStatus::Done, ImportStatus::Failed] {
            assert_eq!(ImportStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_string(&status).expect("json"), format!("\"{}\"", status.as_str()));
        }
        assert_eq!(ImportStatus::parse("lost"), None);
    }
}

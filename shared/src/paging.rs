//! Server-side sorting, filtering and pagination for the staff tables (R-6.2-pc).

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    pub fn parse(value: &str) -> Self {
        if value == "desc" { SortDir::Desc } else { SortDir::Asc }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
    pub fn flipped(self) -> Self {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

/// What a table asks for: free-text filter, one extra filter, sort column, page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TableQuery {
    pub q: String,
    pub filter: String,
    pub sort: String,
    pub dir: SortDir,
    pub page: i64,
    pub per_page: i64,
}

impl TableQuery {
    /// Page numbers start at 1; out-of-range values are clamped, never an error.
    pub fn page(&self) -> i64 {
        self.page.max(1)
    }
    pub fn per_page(&self) -> i64 {
        if self.per_page <= 0 { DEFAULT_PER_PAGE } else { self.per_page.min(MAX_PER_PAGE) }
    }
    pub fn offset(&self) -> i64 {
        (self.page() - 1) * self.per_page()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_page_and_size() {
        let query = TableQuery { page: -3, per_page: 10_000, ..Default::default() };
        assert_eq!(query.page(), 1);
        assert_eq!(query.per_page(), MAX_PER_PAGE);
        assert_eq!(query.offset(), 0);
        let query = TableQuery { page: 3, per_page: 0, ..Default::default() };
        assert_eq!(query.offset(), 2 * DEFAULT_PER_PAGE);
    }

    #[test]
    fn counts_pages() {
        let page = Page::<()> { rows: vec![], total: 41, page: 1, per_page: 20 };
        assert_eq!(page.pages(), 3);
        let empty = Page::<()> { rows: vec![], total: 0, page: 1, per_page: 20 };
        assert_eq!(empty.pages(), 1);
    }
}

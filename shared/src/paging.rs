//! Server-side sorting, filtering and pagination for the staff tables (R-6.2-pc).

use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode, Validator};

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;
/// The furthest page anyone may ask for: ten thousand pages of a hundred rows. Past it a
/// page number is an error, not an offset (a huge one once overflowed into a negative OFFSET).
pub const MAX_PAGE: i64 = 10_000;
/// The longest free-text search, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// The page number, page size and search text of any list, checked in one place.
pub fn check_page(page: i64, per_page: i64, q: &str) -> Result<(), AppError> {
    let mut v = Validator::new();
    v.check("page", if (0..=MAX_PAGE).contains(&page) { Ok(()) } else { Err(ErrorCode::PagingPageOutOfRange) });
    v.check(
        "per_page",
        if (0..=MAX_PER_PAGE).contains(&per_page) { Ok(()) } else { Err(ErrorCode::PagingPerPageOutOfRange) },
    );
    v.check("q", if q.chars().count() <= MAX_SEARCH_CHARS { Ok(()) } else { Err(ErrorCode::PagingSearchTooLong) });
    v.finish()
}

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
    /// Page numbers past [`MAX_PAGE`], sizes past [`MAX_PER_PAGE`] and searches past
    /// [`MAX_SEARCH_CHARS`] are errors; every list service checks this before its query.
    pub fn validate(&self) -> Result<(), AppError> {
        check_page(self.page, self.per_page, &self.q)?;
        let mut v = Validator::new();
        v.check(
            "filter",
            if self.filter.chars().count() <= MAX_SEARCH_CHARS { Ok(()) } else { Err(ErrorCode::TooLong) },
        );
        v.check("sort", if self.sort.len() <= 32 { Ok(()) } else { Err(ErrorCode::TooLong) });
        v.finish()
    }

    /// Page numbers start at 1 (0 and below mean the first) and end at [`MAX_PAGE`].
    pub fn page(&self) -> i64 {
        self.page.clamp(1, MAX_PAGE)
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
        // The page that once overflowed into a negative OFFSET.
        let query = TableQuery { page: i64::MAX, per_page: MAX_PER_PAGE, ..Default::default() };
        assert!(query.offset() > 0);
        assert_eq!(query.validate(), Err(AppError::field("page", ErrorCode::PagingPageOutOfRange)));
    }

    #[test]
    fn refuses_what_no_list_needs() {
        assert!(check_page(1, 20, "路灯").is_ok());
        assert!(check_page(MAX_PAGE + 1, 20, "").is_err());
        assert!(check_page(1, -1, "").is_err());
        assert!(check_page(1, 20, &"长".repeat(MAX_SEARCH_CHARS + 1)).is_err());
    }

    #[test]
    fn counts_pages() {
        let page = Page::<()> { rows: vec![], total: 41, page: 1, per_page: 20 };
        assert_eq!(page.pages(), 3);
        let empty = Page::<()> { rows: vec![], total: 0, page: 1, per_page: 20 };
        assert_eq!(empty.pages(), 1);
    }
}

//! Small building blocks shared by every page.

mod error_banner;
mod field;
pub mod geolocation;
mod icon;
mod list_table;
pub mod options;
mod pages;
mod rows_table;
mod select;
mod table;
mod title;

pub use error_banner::{ErrorAlert, ErrorBanner, error_message};
pub use field::{Field, FieldErrorText, field_errors, last_error, successes};
pub use icon::{Icon, IconName};
pub use list_table::{Column, ListTable};
pub use pages::{Forbidden, NotFound, PageHeader};
pub use rows_table::RowsTable;
pub use select::{Choice, Select, choices_html};
pub use table::{Pagination, SearchForm, SortHeader, TableQueryExt, table_query};
pub use title::DocumentTitle;

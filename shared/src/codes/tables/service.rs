//! Reading the code tables (`code_tables`, `code_entries`).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{CodeEntry, CodeTable, CodeTableInfo, CodeTableView, matching};
use crate::error::AppError;
use crate::paging::MAX_SEARCH_CHARS;
use crate::schema::{code_entries, code_tables};

/// Every code table, in the order the standard names them, with its number of entries.
pub async fn tables(conn: &mut AsyncPgConnection) -> Result<Vec<CodeTableInfo>, AppError> {
    let rows: Vec<(String, String, String, String, i64)> = code_tables::table
        .left_join(code_entries::table)
        .group_by(code_tables::code)
        .select((
            code_tables::code,
            code_tables::standard,
            code_tables::title,
            code_tables::note,
            diesel::dsl::count(code_entries::code.nullable()),
        ))
        .order_by(code_tables::position)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        // A table a later release added, which this one does not know, is not offered.
        .filter_map(|(code, standard, title, note, entries)| {
            Some(CodeTableInfo { table: CodeTable::parse(&code)?, standard, title, note, entries })
        })
        .collect())
}

/// The entries of `table`, in tree order.
pub async fn entries(conn: &mut AsyncPgConnection, table: CodeTable) -> Result<Vec<CodeEntry>, AppError> {
    let rows: Vec<(String, String, i16, Option<String>)> = code_entries::table
        .filter(code_entries::table_code.eq(table.as_str()))
        .select((code_entries::code, code_entries::name, code_entries::level, code_entries::parent_code))
        .order_by(code_entries::code)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|(code, name, level, parent)| CodeEntry { code, name, level, parent }).collect())
}

/// The page of `/base/codes`: the table named by `table` (the first without one), its entries
/// that match `q`. A table not known is a field error, as is a search too long.
pub async fn view(conn: &mut AsyncPgConnection, table: &str, q: &str) -> Result<CodeTableView, AppError> {
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::field("q", crate::error::ErrorCode::PagingSearchTooLong));
    }
    let tables = tables(conn).await?;
    let table = match table.trim() {
        "" => <[CodeTableInfo]>::first(&tables).map(|info| info.table).ok_or(AppError::NotFound)?,
        code => CodeTable::parse(code)
            .filter(|known| tables.iter().any(|info| info.table == *known))
            .ok_or_else(|| AppError::field("filter", crate::error::ErrorCode::FieldNotAChoice))?,
    };
    let (entries, matches) = matching(entries(conn, table).await?, q);
    Ok(CodeTableView { tables, table, entries, matches })
}

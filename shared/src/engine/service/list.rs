//! The generic list: declared filters, a prefix search, a sort on a list or standard column,
//! keyset pages (never OFFSET: page 1,000 costs what page 1 does) and a count that stops at
//! [`COUNT_CAP`] (a register of a million records is never counted whole to show "200+"; a
//! first page that holds every match is its own count, with no count query at all).
//!
//! The order is `(<sort column>, id)`, NULLs last when ascending and first when descending
//! (the btree's own order scanned either way, so the register's sort index serves both); the
//! cursor is the last row's sort value and id, checked on the way in like any input.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::custom::custom_fields;
use super::decode::{Source, bind_value, data_object, decode, extra, labels_object};
use super::read::{PLACE_JOINS, PLACE_SQL};
use super::{column, require, search_field, table, visible};
use crate::accounts::SessionUser;
use crate::engine::custom::CustomField;
use crate::engine::declare::{Field, Kind, Register, Target};
use crate::engine::record::{Action, Count, ListPage, ListQuery, ListRow};
use crate::engine::value::{Value, parse_value};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::sql::Sql;

/// Counting stops here: beyond it the list says "at least". Counting a match costs a visit of
/// its row, so the cap is what a page's count may cost: 200 rows is about a millisecond
/// (1,000 was ten, the most of a list's time on a million records: docs/benchmarks.md).
pub const COUNT_CAP: i64 = 200;
/// Rows per page when the query names none, and at most.
const DEFAULT_LIMIT: u16 = 50;
const MAX_LIMIT: u16 = 100;
/// The longest search text (characters).
const MAX_SEARCH: usize = 100;
/// The longest cursor (hex digits): a sort value of the longest text field fits.
const MAX_CURSOR: usize = 4096;

/// How a sort column's values compare, and so how a cursor carries one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortType {
    Text,
    BigInt,
    Int,
    Numeric,
    Date,
    /// Carried as microseconds since 1970 (exact, unlike a float of seconds).
    Time,
    Bool,
}

/// The sort column: a declared field that is a list column, or a standard column.
#[derive(Debug, Clone, Copy)]
pub(super) struct SortColumn {
    name: &'static str,
    kind: SortType,
    descending: bool,
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    query: &ListQuery,
) -> Result<ListPage, AppError> {
    require(user, register, Action::View)?;
    let mut problems = Vec::new();
    let limit = match query.limit {
        0 => DEFAULT_LIMIT,
        limit if limit <= MAX_LIMIT => limit,
        _ => {
            problems.push(FieldError::new("limit", ErrorCode::PagingPerPageOutOfRange));
            DEFAULT_LIMIT
        }
    };
    let custom = custom_fields(conn, register).await?;
    let selection = select(user, register, &custom, query, &mut problems);
    let after = match (&selection, &query.after) {
        (Some(selection), Some(cursor)) => match Cursor::decode(cursor, selection.sort) {
            Some(cursor) => Some(cursor),
            None => {
                problems.push(FieldError::new("after", ErrorCode::ListCursorInvalid));
                None
            }
        },
        _ => None,
    };
    let Some(selection) = selection else { return Err(AppError::Validation(problems)) };
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }

    let fields: Vec<&'static Field> = register.list.iter().filter_map(|name| register.field(name)).collect();
    let rows = read(conn, register, &selection, after.as_ref(), &fields, i64::from(limit) + 1).await?;
    let more = rows.len() > usize::from(limit);
    // A first page with room to spare holds every match: that is the count.
    let count = if after.is_none() && !more {
        Count::Exact(rows.len() as u64)
    } else {
        count(conn, register, &selection).await?
    };
    let rows: Vec<RawRow> = rows.into_iter().take(usize::from(limit)).collect();
    let next = if more { rows.last().map(|last| Cursor::after(last).encode(selection.sort)) } else { None };
    Ok(ListPage {
        rows: rows
            .into_iter()
            .map(|row| ListRow {
                id: row.id,
                number: row.number,
                state: row.state,
                place: row.place,
                values: decode(register, &row.data),
                labels: extra(&row.labels),
                extra: extra(&row.extra),
            })
            .collect(),
        next,
        count,
    })
}

/// The records a list query selects and their order: live records in the user's scope that
/// pass its filters and search, sorted as it asks. The list's pages and the export both read
/// through it, so a file holds exactly what the page shows.
pub(super) struct Selection {
    pub matching: Sql,
    pub sort: SortColumn,
    /// The custom fields shown as columns (their values are read with the rows).
    pub listed: Sql,
}

/// The selection of `query`; every problem with its filters, search or sort goes to
/// `problems` (field, reason).
pub(super) fn select(
    user: &SessionUser,
    register: &Register,
    custom: &[CustomField],
    query: &ListQuery,
    problems: &mut Vec<FieldError>,
) -> Option<Selection> {
    let matching = conditions(user, register, custom, query, problems);
    let sort = sort_column(register, &query.sort, query.descending);
    if sort.is_none() {
        problems.push(FieldError::new("sort", ErrorCode::ListSortUnknown));
    }
    Some(Selection { matching, sort: sort?, listed: listed_extra(custom) })
}

/// The one WHERE condition of a list query (alias `r`): live, in the user's data scope
/// ([`visible`]), its filters (declared, and filterable custom fields) and its prefix search.
fn conditions(
    user: &SessionUser,
    register: &Register,
    custom: &[CustomField],
    query: &ListQuery,
    problems: &mut Vec<FieldError>,
) -> Sql {
    let mut conditions = vec![Sql::new("r.deleted_at IS NULL"), visible(user, "r")];
    for (name, text) in &query.filters {
        match filter(register, custom, name, text.trim()) {
            Ok(Some(condition)) => conditions.push(condition),
            Ok(None) => {}
            Err(code) => problems.push(FieldError::new(name.clone(), code)),
        }
    }
    match search(register, custom, query.q.trim()) {
        Ok(Some(condition)) => conditions.push(condition),
        Ok(None) => {}
        Err(code) => problems.push(FieldError::new("q", code)),
    }
    Sql::all(conditions)
}

/// At most `limit` rows of a selection after `after`, in its order, with `fields`' values
/// and the names their references point at.
pub(super) async fn read(
    conn: &mut AsyncPgConnection,
    register: &'static Register,
    selection: &Selection,
    after: Option<&Cursor>,
    fields: &[&'static Field],
    limit: i64,
) -> Result<Vec<RawRow>, AppError> {
    let sort = selection.sort;
    let after = after.map(|cursor| cursor.condition(sort));
    let rows = Sql::new("SELECT r.id, r.number, r.state, ")
        .push(PLACE_SQL)
        .push(" AS place, ")
        .append(data_object(fields.iter().copied(), Source::Row))
        .push(" AS data, ")
        .append(labels_object(register, fields.iter().copied()))
        .push(" AS labels, ")
        .append(selection.listed.clone())
        .push(" AS extra, ")
        .append(sort_key(sort))
        .push(" AS sort_key FROM ")
        .append(table(register))
        .push(" r")
        .push(PLACE_JOINS)
        .push(" WHERE ")
        .append(Sql::all([selection.matching.clone()].into_iter().chain(after)))
        .append(order_by(sort))
        .push(" LIMIT ")
        .bind(limit)
        .prepared()
        .load(conn)
        .await?;
    Ok(rows)
}

#[derive(QueryableByName)]
pub(super) struct RawRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub state: Option<String>,
    #[diesel(sql_type = Text)]
    pub place: String,
    #[diesel(sql_type = Jsonb)]
    pub data: serde_json::Value,
    #[diesel(sql_type = Jsonb)]
    pub labels: serde_json::Value,
    #[diesel(sql_type = Jsonb)]
    pub extra: serde_json::Value,
    #[diesel(sql_type = Nullable<Text>)]
    sort_key: Option<String>,
}

/// ` ORDER BY` the sort column and id, as a list reads its rows.
fn order_by(sort: SortColumn) -> Sql {
    let order = if sort.descending { " DESC NULLS FIRST, r.id DESC" } else { " ASC NULLS LAST, r.id ASC" };
    Sql::new(" ORDER BY r.").push(sort.name).push(order)
}

/// The number of matching records, counted up to [`COUNT_CAP`] and no further.
async fn count(conn: &mut AsyncPgConnection, register: &Register, selection: &Selection) -> Result<Count, AppError> {
    let n = count_up_to(conn, register, selection.matching.clone(), Some(selection.sort), COUNT_CAP + 1).await?;
    Ok(if n > COUNT_CAP { Count::AtLeast(COUNT_CAP as u64) } else { Count::Exact(n as u64) })
}

/// The number of matching records, or `cap` when there are at least as many (the rows past
/// it are never visited). Counted in the list's `order` when given: the index that serves
/// the list's page then serves its count, read until the cap and no further — unordered,
/// PostgreSQL gathered every row of a filter's value (33,000 members of a branch, 8 ms)
/// before it counted 201 of them. Without an order (an export's count, up to its limit),
/// PostgreSQL picks.
pub(super) async fn count_up_to(
    conn: &mut AsyncPgConnection,
    register: &Register,
    matching: Sql,
    order: Option<SortColumn>,
    cap: i64,
) -> Result<i64, AppError> {
    #[derive(QueryableByName)]
    struct Counted {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let counted: Counted = Sql::new("SELECT count(*) AS n FROM (SELECT 1 FROM ")
        .append(table(register))
        .push(" r WHERE ")
        .append(matching)
        .append(order.map(order_by).unwrap_or_default())
        .push(" LIMIT ")
        .bind(cap)
        .push(") c")
        .prepared()
        .get_result(conn)
        .await?;
    Ok(counted.n)
}

/// The custom fields shown in the list, as one object (`{}` when there are none): only their
/// keys, so a long text kept beside them is not carried.
pub(super) fn listed_extra(custom: &[CustomField]) -> Sql {
    extra_of(custom.iter().filter(|field| field.in_list))
}

/// The values of `fields` from a record's `extra`, as one object (`{}` when there are none).
pub(super) fn extra_of<'f>(fields: impl Iterator<Item = &'f CustomField>) -> Sql {
    let keys: Vec<String> = fields.map(|field| field.key.clone()).collect();
    if keys.is_empty() {
        return Sql::new("'{}'::jsonb");
    }
    Sql::new("jsonb_strip_nulls(coalesce((SELECT jsonb_object_agg(k, r.extra -> k) FROM unnest(")
        .bind(keys)
        .push("::text[]) k), '{}'::jsonb))")
}

/// The condition of one filter (`None`: left empty, any value), or why it is refused. A
/// filterable custom field compares `extra ->> key`, the expression its index holds.
fn filter(register: &Register, custom: &[CustomField], name: &str, text: &str) -> Result<Option<Sql>, ErrorCode> {
    if let Some(field) = custom.iter().find(|field| field.filterable && field.key == name) {
        let Some(value) = field.parse(text)? else { return Ok(None) };
        // The key is a checked custom field key; DDL wrote the index with it the same way.
        let condition =
            Sql::new("(r.extra ->> ").bind(field.key.clone()).push(") = ").bind(CustomField::index_text(&value));
        return Ok(Some(condition));
    }
    let Some(&declared) = register.filters.iter().find(|filter| **filter == name) else {
        return Err(ErrorCode::FieldUnknown);
    };
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(field) = register.field(declared) {
        if let (Kind::Date, Some((from, until))) = (field.kind, period(text)) {
            return Ok(Some(Sql::all([
                column(field.name).push(" >= ").bind(from),
                column(field.name).push(" < ").bind(until),
            ])));
        }
        let Some(value) = parse_value(field, text)? else { return Ok(None) };
        let condition = match (&value, field.kind) {
            (_, Kind::Point | Kind::Line | Kind::Polygon | Kind::LongText) => return Err(ErrorCode::FieldUnknown),
            // Any of the codes or users asked for.
            (Value::Codes(_) | Value::Ids(_), _) => column(field.name).push(" && ").append(bind_value(&value)),
            _ => column(field.name).push(" = ").append(bind_value(&value)),
        };
        return Ok(Some(condition));
    }
    // A standard column.
    let condition = match declared {
        "state" => {
            let known =
                register.workflow.is_some_and(|workflow| workflow.states.iter().any(|state| state.name == text));
            if !known {
                return Err(ErrorCode::FieldNotAChoice);
            }
            Sql::new("r.state = ").bind(text)
        }
        "number" => Sql::new("r.number = ").bind(text),
        "village_id" | "grid_id" => {
            let id: i32 = text.parse().ok().filter(|id| *id > 0).ok_or(ErrorCode::FieldNotAReference)?;
            column(declared).push(" = ").bind(id)
        }
        "owner_id" | "created_by" | "updated_by" => {
            let id: i64 = text.parse().ok().filter(|id| *id > 0).ok_or(ErrorCode::FieldNotAReference)?;
            column(declared).push(" = ").bind(id)
        }
        _ => return Err(ErrorCode::FieldUnknown),
    };
    Ok(Some(condition))
}

/// The days of a month (`2026-03`) or a year (`2026`) as a date filter may name them (the
/// statistics page drills down so): the first day and the day after the last.
fn period(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (year, month) = match text.split_once('-') {
        Some((year, month)) if month.len() == 2 => (year, Some(month.parse::<u32>().ok()?)),
        None => (text, None),
        Some(_) => return None,
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    match month {
        Some(month) => {
            let from = NaiveDate::from_ymd_opt(year, month, 1)?;
            Some((from, from.checked_add_months(chrono::Months::new(1))?))
        }
        None => Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year + 1, 1, 1)?)),
    }
}

/// The prefix search of the register's first text field.
/// The prefix search of the first declared text field, else of the first custom text field
/// (a run-time register's fields are all custom). A register with neither has no search box,
/// and a search sent anyway is refused rather than ignored.
fn search(register: &Register, custom: &[CustomField], q: &str) -> Result<Option<Sql>, ErrorCode> {
    if q.is_empty() {
        return Ok(None);
    }
    if q.chars().count() > MAX_SEARCH {
        return Err(ErrorCode::PagingSearchTooLong);
    }
    if let Some(field) = search_field(register) {
        return Ok(Some(column(field.name).push(" LIKE ").bind(crate::sql::starts_with(q))));
    }
    let Some(field) = custom.iter().find(|field| field.kind == crate::engine::custom::CustomKind::Text) else {
        return Err(ErrorCode::FieldUnknown);
    };
    Ok(Some(Sql::new("(r.extra ->> ").bind(field.key.clone()).push(") LIKE ").bind(crate::sql::starts_with(q))))
}

/// The column a list may be sorted by: empty means the register's default order.
pub(super) fn sort_column(register: &Register, asked: &str, descending: Option<bool>) -> Option<SortColumn> {
    let (name, default_descending) = if asked.is_empty() {
        (register.sort.column, register.sort.descending)
    } else {
        let listed = register.list.iter().find(|column| **column == asked).copied();
        let standard =
            ["id", "number", "state", "created_at", "updated_at"].into_iter().find(|column| *column == asked);
        (listed.or(standard)?, false)
    };
    let kind = match register.field(name) {
        Some(field) => match field.kind {
            Kind::Text { .. } | Kind::Choice(_) => SortType::Text,
            Kind::Integer { .. } | Kind::User => SortType::BigInt,
            Kind::Reference(Target::Village | Target::Grid | Target::EventCategory | Target::Department) => {
                SortType::Int
            }
            Kind::Reference(_) => SortType::BigInt,
            Kind::Decimal { .. } | Kind::Money => SortType::Numeric,
            Kind::Date => SortType::Date,
            Kind::DateTime => SortType::Time,
            Kind::Boolean => SortType::Bool,
            _ => return None,
        },
        None => match name {
            "id" => SortType::BigInt,
            "number" | "state" => SortType::Text,
            "created_at" | "updated_at" => SortType::Time,
            _ => return None,
        },
    };
    Some(SortColumn { name, kind, descending: descending.unwrap_or(default_descending) })
}

/// The sort column's value as the cursor carries it.
fn sort_key(sort: SortColumn) -> Sql {
    match sort.kind {
        SortType::Time => Sql::new("(extract(epoch FROM r.").push(sort.name).push(") * 1000000)::bigint::text"),
        SortType::Date => Sql::new("to_char(r.").push(sort.name).push(", 'YYYY-MM-DD')"),
        _ => column(sort.name).push("::text"),
    }
}

/// Where a page ended: the last row's sort value (as text) and id.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cursor {
    id: i64,
    value: Option<String>,
}

const SEPARATOR: char = '\u{1f}';

impl Cursor {
    /// Where `row` ends a page.
    pub(super) fn after(row: &RawRow) -> Cursor {
        Cursor { id: row.id, value: row.sort_key.clone() }
    }

    /// Hex of `column ␟ a|d ␟ id ␟ n|v<value>`: URL-safe, and tied to its sort.
    fn encode(&self, sort: SortColumn) -> String {
        let direction = if sort.descending { "d" } else { "a" };
        let value = match &self.value {
            None => "n".to_owned(),
            Some(value) => format!("v{value}"),
        };
        hex::encode(format!("{}{SEPARATOR}{direction}{SEPARATOR}{}{SEPARATOR}{value}", sort.name, self.id))
    }

    /// The cursor, if it is one this sort made: anything else (forged, of another sort,
    /// a value of the wrong type) is refused before any SQL sees it.
    fn decode(text: &str, sort: SortColumn) -> Option<Cursor> {
        if text.len() > MAX_CURSOR {
            return None;
        }
        let text = String::from_utf8(hex::decode(text).ok()?).ok()?;
        let mut parts = text.splitn(4, SEPARATOR);
        let (column, direction, id, value) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let direction_ok = direction == if sort.descending { "d" } else { "a" };
        if column != sort.name || !direction_ok {
            return None;
        }
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        let value = match value.strip_prefix('v') {
            Some(value) => Some(value.to_owned()),
            None if value == "n" => None,
            None => return None,
        };
        if let Some(value) = &value {
            bound(sort.kind, value)?;
        }
        Some(Cursor { id, value })
    }

    /// The rows after this cursor in the sort's order.
    fn condition(&self, sort: SortColumn) -> Sql {
        let id = self.id;
        match (&self.value, sort.descending) {
            (Some(value), false) => {
                let value = bound(sort.kind, value).unwrap_or_else(Sql::never);
                Sql::new("(r.")
                    .push(sort.name)
                    .push(", r.id) > (")
                    .append(value)
                    .push(", ")
                    .bind(id)
                    .push(") OR r.")
                    .push(sort.name)
                    .push(" IS NULL")
            }
            (Some(value), true) => {
                let value = bound(sort.kind, value).unwrap_or_else(Sql::never);
                Sql::new("(r.").push(sort.name).push(", r.id) < (").append(value).push(", ").bind(id).push(")")
            }
            (None, false) => column(sort.name).push(" IS NULL AND r.id > ").bind(id),
            (None, true) => column(sort.name)
                .push(" IS NULL AND r.id < ")
                .bind(id)
                .push(" OR r.")
                .push(sort.name)
                .push(" IS NOT NULL"),
        }
    }
}

/// A cursor's sort value as a typed placeholder, if it is a value of that type.
fn bound(kind: SortType, value: &str) -> Option<Sql> {
    Some(match kind {
        SortType::Text => Sql::value(value),
        SortType::BigInt => Sql::value(value.parse::<i64>().ok()?),
        SortType::Int => Sql::value(value.parse::<i32>().ok()?),
        SortType::Numeric => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
            let valid = !whole.is_empty()
                && whole.len() <= 20
                && fraction.len() <= 20
                && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit());
            if !valid {
                return None;
            }
            Sql::value(value).push("::numeric")
        }
        SortType::Date => Sql::value(NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?),
        SortType::Time => {
            let micros: i64 = value.parse().ok()?;
            Sql::new("('epoch'::timestamptz + ").bind(micros).push(" * interval '1 microsecond')")
        }
        SortType::Bool => Sql::value(match value {
            "true" => true,
            "false" => false,
            _ => return None,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BY_DATE: SortColumn = SortColumn { name: "joined_on", kind: SortType::Date, descending: true };

    #[test]
    fn a_cursor_round_trips_and_is_tied_to_its_sort() {
        for cursor in [Cursor { id: 7, value: Some("2026-11-28".into()) }, Cursor { id: 9, value: None }] {
            assert_eq!(Cursor::decode(&cursor.encode(BY_DATE), BY_DATE), Some(cursor.clone()));
            let ascending = SortColumn { descending: false, ..BY_DATE };
            assert_eq!(Cursor::decode(&cursor.encode(BY_DATE), ascending), None);
        }
    }

    #[test]
    fn a_forged_cursor_is_refused() {
        let forged = |text: &str| hex::encode(text);
        assert_eq!(Cursor::decode("zz", BY_DATE), None);
        assert_eq!(Cursor::decode(&forged("joined_on\u{1f}d\u{1f}7\u{1f}v1; DROP TABLE x"), BY_DATE), None);
        assert_eq!(Cursor::decode(&forged("joined_on\u{1f}d\u{1f}-1\u{1f}n"), BY_DATE), None);
        assert_eq!(Cursor::decode(&forged("name\u{1f}d\u{1f}7\u{1f}n"), BY_DATE), None);
        assert_eq!(Cursor::decode(&"a".repeat(MAX_CURSOR + 2), BY_DATE), None);
        assert!(bound(SortType::Numeric, "12.50").is_some());
        assert!(bound(SortType::Numeric, "1e5").is_none());
    }

    #[test]
    fn a_date_filter_may_name_a_month_or_a_year() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(period("2026-03"), Some((day(2026, 3, 1), day(2026, 4, 1))));
        assert_eq!(period("2026-12"), Some((day(2026, 12, 1), day(2027, 1, 1))));
        assert_eq!(period("2026"), Some((day(2026, 1, 1), day(2027, 1, 1))));
        for refused in ["2026-13", "2026-3", "+202", "2026-03-01", "26", ""] {
            assert_eq!(period(refused), None, "{refused}");
        }
    }
}

//! SQL assembled from static text and bound values: the one way dynamic SQL is built.
//!
//! Text can only be `&'static str` — a literal, or a constant picked from a closed list —
//! so nothing a request carries can become SQL text, and the compiler checks it. Values are
//! always bound. Placeholders are numbered when the query is finished (`$1`, `$2`, …), so
//! fragments built apart (a data-scope condition, a filter) compose freely.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Binary, Bool, Date, Double, Integer, Text, Timestamptz};

/// Stores a closed set (an enum with `as_str` and `parse`) as checked text: written by its
/// `as_str`, and a value read back that `parse` does not know is an error (logged by
/// `AppError`'s conversion), never a silent default.
macro_rules! text_enum {
    ($type:ty) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $type {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(self.as_str().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $type {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = std::str::from_utf8(value.as_bytes())?;
                <$type>::parse(text)
                    .ok_or_else(|| format!("unknown {} {text:?} in the database", stringify!($type)).into())
            }
        }
    };
}
pub(crate) use text_enum;

/// One bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i32),
    BigInt(i64),
    Double(f64),
    Bool(bool),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Ints(Vec<i32>),
    BigInts(Vec<i64>),
    Texts(Vec<String>),
    /// `bytea`: sealed personal data and its blind index (`crate::personal`).
    Bytes(Vec<u8>),
}

macro_rules! value_from {
    ($($rust:ty => $variant:ident),* $(,)?) => {
        $(impl From<$rust> for Value {
            fn from(value: $rust) -> Self {
                Value::$variant(value.into())
            }
        })*
    };
}

value_from! {
    i32 => Int, i64 => BigInt, f64 => Double, bool => Bool, String => Text, &str => Text, NaiveDate => Date,
    DateTime<Utc> => Time, Vec<i32> => Ints, &[i32] => Ints, Vec<i64> => BigInts, Vec<String> => Texts,
    Vec<u8> => Bytes,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(&'static str),
    Value(Value),
}

/// `text` for a LIKE pattern: its `%`, `_` and backslash match themselves.
fn like_literal(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            literal.push('\\');
        }
        literal.push(c);
    }
    literal
}

/// A LIKE pattern for "contains `text`", taken literally.
pub fn contains(text: &str) -> String {
    format!("%{}%", like_literal(text))
}

/// A LIKE pattern for "starts with `text`", taken literally (a prefix search can use a
/// btree index with `text_pattern_ops`).
pub fn starts_with(text: &str) -> String {
    format!("{}%", like_literal(text))
}

/// A piece of SQL: static text and the values bound into it, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sql {
    parts: Vec<Part>,
}

impl Sql {
    /// Static text.
    pub fn new(text: &'static str) -> Self {
        Self { parts: vec![Part::Text(text)] }
    }

    /// A placeholder for one value.
    pub fn value(value: impl Into<Value>) -> Self {
        Self { parts: vec![Part::Value(value.into())] }
    }

    /// A condition that holds for every row (the neutral element of [`Sql::and`]).
    pub fn always() -> Self {
        Self::new("TRUE")
    }

    /// A condition that holds for no row.
    pub fn never() -> Self {
        Self::new("FALSE")
    }

    /// Appends static text.
    pub fn push(mut self, text: &'static str) -> Self {
        self.parts.push(Part::Text(text));
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.parts.push(Part::Value(value.into()));
        self
    }

    /// Appends another piece, with its values.
    pub fn append(mut self, other: Sql) -> Self {
        self.parts.extend(other.parts);
        self
    }

    /// ` LIMIT <limit> OFFSET <offset>`: one page of the rows.
    pub fn page(self, limit: i64, offset: i64) -> Self {
        self.push(" LIMIT ").bind(limit).push(" OFFSET ").bind(offset)
    }

    /// `(self)`.
    pub fn parenthesized(self) -> Self {
        Sql::new("(").append(self).push(")")
    }

    /// The pieces joined by `separator`; `empty` when there are none.
    pub fn join(pieces: impl IntoIterator<Item = Sql>, separator: &'static str, empty: Sql) -> Sql {
        let mut pieces = pieces.into_iter();
        let Some(first) = pieces.next() else { return empty };
        pieces.fold(first, |joined, piece| joined.push(separator).append(piece))
    }

    /// Every condition, each parenthesized, joined by `AND` (`TRUE` when there is none).
    pub fn all(conditions: impl IntoIterator<Item = Sql>) -> Sql {
        Sql::join(conditions.into_iter().map(Sql::parenthesized), " AND ", Sql::always())
    }

    /// Any of the conditions, each parenthesized, joined by `OR` (`FALSE` when there is none).
    pub fn any(conditions: impl IntoIterator<Item = Sql>) -> Sql {
        Sql::join(conditions.into_iter().map(Sql::parenthesized), " OR ", Sql::never()).parenthesized()
    }

    /// The text with numbered placeholders, and the values in their order.
    pub fn render(&self) -> (String, Vec<&Value>) {
        let mut text = String::new();
        let mut values = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(piece) => text.push_str(piece),
                Part::Value(value) => {
                    values.push(value);
                    text.push('$');
                    text.push_str(&values.len().to_string());
                }
            }
        }
        (text, values)
    }

    /// The whole question, text and values, as a key for caches of its answer.
    pub fn cache_key(&self) -> String {
        let (text, values) = self.render();
        format!("{text}\n{values:?}")
    }

    /// The query to run as a statement the connection prepares once and keeps: planned on
    /// its first runs, then executed from its plan. For the hot paths whose text is one of a
    /// few (a list page, its count, a record): planning a register's list took 2 ms of a
    /// 3 ms query on a million records (docs/benchmarks.md). Not for text that varies without
    /// bound (a statement per length of a list written into it), as each connection keeps
    /// every statement it prepared.
    pub fn prepared(self) -> Prepared {
        Prepared(self)
    }

    /// The query to run, every value bound with its SQL type.
    pub fn query(&self) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        let (text, values) = self.render();
        let mut query = diesel::sql_query(text).into_boxed::<Pg>();
        for value in values {
            query = match value.clone() {
                Value::Int(v) => query.bind::<Integer, _>(v),
                Value::BigInt(v) => query.bind::<BigInt, _>(v),
                Value::Double(v) => query.bind::<Double, _>(v),
                Value::Bool(v) => query.bind::<Bool, _>(v),
                Value::Text(v) => query.bind::<Text, _>(v),
                Value::Date(v) => query.bind::<Date, _>(v),
                Value::Time(v) => query.bind::<Timestamptz, _>(v),
                Value::Ints(v) => query.bind::<Array<Integer>, _>(v),
                Value::BigInts(v) => query.bind::<Array<BigInt>, _>(v),
                Value::Texts(v) => query.bind::<Array<Text>, _>(v),
                Value::Bytes(v) => query.bind::<Binary, _>(v),
            };
        }
        query
    }
}

/// A query kept prepared by the connection ([`Sql::prepared`]): diesel's statement cache keys
/// it by its text and its values' types (diesel's own `sql_query` opts out of that cache).
#[derive(Debug, Clone)]
pub struct Prepared(Sql);

impl diesel::query_builder::QueryFragment<Pg> for Prepared {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, Pg>) -> diesel::QueryResult<()> {
        for part in &self.0.parts {
            match part {
                Part::Text(text) => out.push_sql(text),
                Part::Value(value) => match value {
                    Value::Int(v) => out.push_bind_param::<Integer, _>(v)?,
                    Value::BigInt(v) => out.push_bind_param::<BigInt, _>(v)?,
                    Value::Double(v) => out.push_bind_param::<Double, _>(v)?,
                    Value::Bool(v) => out.push_bind_param::<Bool, _>(v)?,
                    Value::Text(v) => out.push_bind_param::<Text, _>(v)?,
                    Value::Date(v) => out.push_bind_param::<Date, _>(v)?,
                    Value::Time(v) => out.push_bind_param::<Timestamptz, _>(v)?,
                    Value::Ints(v) => out.push_bind_param::<Array<Integer>, _>(v)?,
                    Value::BigInts(v) => out.push_bind_param::<Array<BigInt>, _>(v)?,
                    Value::Texts(v) => out.push_bind_param::<Array<Text>, _>(v)?,
                    Value::Bytes(v) => out.push_bind_param::<Binary, _>(v)?,
                },
            }
        }
        Ok(())
    }
}

impl diesel::query_builder::QueryId for Prepared {
    type QueryId = ();
    // Keyed by its text, not by a Rust type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for Prepared {
    // Rows are read by name (`QueryableByName`), as from `sql_query`.
    type SqlType = diesel::sql_types::Untyped;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains("沈晓燕"), "%沈晓燕%");
        assert_eq!(contains(r"50%_a\b"), r"%50\%\_a\\b%");
        assert_eq!(starts_with("张_%\\"), "张\\_\\%\\\\%");
    }

    #[test]
    fn placeholders_are_numbered_across_fragments() {
        let scope = Sql::new("e.township_id = ").bind(3);
        let filter = Sql::new("e.title ILIKE ").bind("%路灯%");
        let sql = Sql::all([scope, filter]).push(" LIMIT ").bind(50_i64);
        let (text, values) = sql.render();
        assert_eq!(text, "(e.township_id = $1) AND (e.title ILIKE $2) LIMIT $3");
        assert_eq!(values, [&Value::Int(3), &Value::Text("%路灯%".into()), &Value::BigInt(50)]);
    }

    #[test]
    fn empty_lists_are_neutral() {
        assert_eq!(Sql::all([]).render().0, "TRUE");
        assert_eq!(Sql::any([]).render().0, "(FALSE)");
        assert_eq!(Sql::any([Sql::new("a"), Sql::new("b")]).render().0, "((a) OR (b))");
    }

    #[test]
    fn a_prepared_statement_numbers_its_placeholders_as_the_text_does() {
        use diesel::query_builder::QueryFragment;
        let sql = Sql::new("SELECT 1 WHERE a = ").bind(1).push(" AND b = ANY(").bind(vec![2_i64]).push(")");
        let shown = diesel::debug_query::<Pg, _>(&sql.clone().prepared()).to_string();
        assert!(shown.starts_with(&sql.render().0), "{shown}");
        assert!(sql.prepared().is_safe_to_cache_prepared(&Pg).unwrap(), "kept by the statement cache");
    }

    #[test]
    fn a_value_never_becomes_text() {
        let (text, _) = Sql::new("x = ").bind("'; DROP TABLE events; --").render();
        assert_eq!(text, "x = $1");
    }
}

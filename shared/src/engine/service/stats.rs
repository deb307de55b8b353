//! A register's statistics ([`RegisterStats`]): the list query's selection — so data scope
//! and filters hold exactly as on the list — counted, and summed by a number field, per
//! value of one dimension, in one `GROUP BY` query.
//!
//! The dimensions are derived from the declaration: every choice and yes/no field, every
//! reference (to another register or to base data) and user field, named as the list names
//! them, the workflow state, the village (for registers kept by village or grid), and the month and
//! year of every date field and of the creation time (months and years in the township's
//! time zone). The sums: every integer, decimal and money field.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::custom::custom_fields;
use super::decode::label_expression;
use super::list::select;
use super::meta::Language;
use super::{Translate, column, require, table};
use crate::accounts::SessionUser;
use crate::engine::custom::{CustomField, CustomKind};
use crate::engine::declare::{Field, Kind, Place, Register};
use crate::engine::record::{Action, ListQuery};
use crate::engine::stats::{MAX_STATS_GROUPS, RegisterStats, StatsFigures, StatsGroup, StatsOption, StatsQuery};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::sql::Sql;

/// What records are grouped by.
#[derive(Debug, Clone, Copy)]
enum Dimension<'a> {
    /// A choice, yes/no, reference or user field's value.
    Value(&'static Field),
    /// A custom choice or yes/no field's value (in `extra`).
    Custom(&'a CustomField),
    State,
    Village,
    /// The month or year of a date field, a time field or of `created_at` (no field).
    Period {
        field: Option<&'static Field>,
        unit: Period,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Month,
    Year,
}

impl Period {
    fn suffix(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Year => "year",
        }
    }
    fn format(self) -> &'static str {
        match self {
            Period::Month => "YYYY-MM",
            Period::Year => "YYYY",
        }
    }
}

impl Dimension<'_> {
    fn key(self) -> String {
        match self {
            Dimension::Value(field) => field.name.to_owned(),
            Dimension::Custom(field) => format!("extra.{}", field.key),
            Dimension::State => "state".to_owned(),
            Dimension::Village => "village".to_owned(),
            Dimension::Period { field, unit } => {
                format!("{}@{}", field.map_or("created_at", |field| field.name), unit.suffix())
            }
        }
    }

    fn label(self, register: &Register, translate: Translate<'_>, language: Language) -> String {
        match self {
            Dimension::Value(field) => translate(&register.label_key(field.name)),
            Dimension::Custom(field) => field.label(language).to_owned(),
            Dimension::State => translate("engine.column.state"),
            Dimension::Village => translate("engine.village"),
            Dimension::Period { field, unit } => {
                let name = match field {
                    Some(field) => translate(&register.label_key(field.name)),
                    None => translate("engine.column.created_at"),
                };
                format!("{name} · {}", translate(&format!("engine.stats.by_{}", unit.suffix())))
            }
        }
    }

    /// The group's value (text, NULL for an empty field).
    fn value(self) -> Sql {
        match self {
            Dimension::Value(field) => column(field.name).push("::text"),
            // The expression the field's index holds (see `list::filter`).
            Dimension::Custom(field) => Sql::new("(r.extra ->> ").bind(field.key.clone()).push(")"),
            Dimension::State => Sql::new("r.state"),
            Dimension::Village => Sql::new("r.village_id::text"),
            Dimension::Period { field, unit } => {
                let at = match field {
                    Some(field) if matches!(field.kind, Kind::Date) => column(field.name),
                    Some(field) => column(field.name).push(" AT TIME ZONE app_time_zone()"),
                    None => Sql::new("r.created_at AT TIME ZONE app_time_zone()"),
                };
                Sql::new("to_char(").append(at).push(", '").push(unit.format()).push("')")
            }
        }
    }
}

/// Every dimension of `register` and its custom fields, in the order the page offers them.
fn dimensions<'a>(register: &'static Register, custom: &'a [CustomField]) -> Vec<Dimension<'a>> {
    let mut all = Vec::new();
    all.extend(
        register
            .fields
            .iter()
            .filter(|field| matches!(field.kind, Kind::Choice(_) | Kind::Boolean) || names_a_record(field))
            .map(Dimension::Value),
    );
    all.extend(
        custom
            .iter()
            .filter(|field| matches!(field.kind, CustomKind::Choice | CustomKind::Boolean))
            .map(Dimension::Custom),
    );
    if register.workflow.is_some() {
        all.push(Dimension::State);
    }
    if register.place != Place::Township {
        all.push(Dimension::Village);
    }
    let dated = register.fields.iter().filter(|field| matches!(field.kind, Kind::Date | Kind::DateTime)).map(Some);
    for field in dated.chain([None]) {
        all.push(Dimension::Period { field, unit: Period::Year });
        all.push(Dimension::Period { field, unit: Period::Month });
    }
    all
}

/// A field holding the id of one record, base record or user: grouped by the id, each group
/// named as the list names the reference.
fn names_a_record(field: &Field) -> bool {
    matches!(field.kind, Kind::Reference(_) | Kind::User)
}

/// The number fields a page can sum.
fn summable(register: &'static Register) -> impl Iterator<Item = &'static Field> {
    register
        .fields
        .iter()
        .filter(|field| matches!(field.kind, Kind::Integer { .. } | Kind::Decimal { .. } | Kind::Money))
}

pub async fn stats(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    query: &StatsQuery,
    translate: Translate<'_>,
    language: Language,
) -> Result<RegisterStats, AppError> {
    require(user, register, Action::View)?;
    let custom = custom_fields(conn, register).await?;
    let offered = dimensions(register, &custom);
    let mut problems = Vec::new();
    let by = if query.by.is_empty() {
        <[Dimension]>::first(&offered).copied()
    } else {
        let found = offered.iter().copied().find(|dimension| dimension.key() == query.by);
        if found.is_none() {
            problems.push(FieldError::new("by", ErrorCode::FieldUnknown));
        }
        found
    };
    let sum = match query.sum.as_str() {
        "" => None,
        name => {
            let found = summable(register).find(|field| field.name == name);
            if found.is_none() {
                problems.push(FieldError::new("sum", ErrorCode::FieldUnknown));
            }
            found
        }
    };
    let list = ListQuery { after: None, ..query.list.clone() };
    let selection = select(user, register, &custom, &list, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let (Some(selection), Some(by)) = (selection, by) else {
        // A register with nothing to group by (no choice, date or place): no figures.
        return Ok(RegisterStats::default());
    };

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Text>)]
        value: Option<String>,
        #[diesel(sql_type = Nullable<Text>)]
        name: Option<String>,
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Nullable<Text>)]
        total: Option<String>,
    }
    let amount = match sum {
        Some(field) => column(field.name),
        None => Sql::new("NULL::numeric"),
    };
    let (name, join) = match by {
        Dimension::Village => ("v.name", " LEFT JOIN villages v ON v.id = r.village_id"),
        _ => ("NULL::text", ""),
    };
    // A reference's group is named once per group, after grouping, by the expression the list
    // uses (written against `r.<field>`, here a one-column row holding the group's id).
    let group_name = match by {
        Dimension::Value(field) if names_a_record(field) => match label_expression(register, field) {
            Some(label) => Sql::new("(SELECT ")
                .append(label)
                .push(" FROM (SELECT s.value::bigint AS ")
                .push(field.name)
                .push(") r)"),
            None => Sql::new("min(s.name)"),
        },
        _ => Sql::new("min(s.name)"),
    };
    let order = match by {
        Dimension::Period { .. } => "1 ASC NULLS LAST",
        _ => "3 DESC, 1 ASC NULLS LAST",
    };
    // The selection's rows reduced to their group's value (and name, and the amount summed),
    // then grouped with the totals as one more row (`GROUPING SETS`): one scan for both. The
    // value is computed once, inside, so a bound key (a custom field's) is not repeated.
    let rows: Vec<Row> = Sql::new("SELECT s.value, ")
        .append(group_name)
        .push(" AS name, count(*) AS n, ")
        .push(if sum.is_some() { "coalesce(sum(s.amount), 0)::text" } else { "NULL::text" })
        .push(" AS total, grouping(s.value) AS whole FROM (SELECT ")
        .append(by.value())
        .push(" AS value, ")
        .push(name)
        .push(" AS name, ")
        .append(amount)
        .push(" AS amount FROM ")
        .append(table(register))
        .push(" r")
        .push(join)
        .push(" WHERE ")
        .append(selection.matching)
        .push(") s GROUP BY GROUPING SETS ((s.value), ()) ORDER BY whole DESC, ")
        .push(order)
        .push(" LIMIT ")
        .bind(MAX_STATS_GROUPS as i64 + 2)
        .query()
        .load(conn)
        .await?;

    let mut rows = rows.into_iter();
    let whole = rows.next().map(|row| figures(row.n, row.total, sum.is_some())).unwrap_or_default();
    let groups: Vec<StatsGroup> = rows
        .map(|row| StatsGroup {
            label: label(register, by, row.value.as_deref(), row.name, translate),
            drill: drill(register, by, row.value.as_deref()),
            figures: figures(row.n, row.total, sum.is_some()),
            value: row.value,
        })
        .collect();
    let more = groups.len() > MAX_STATS_GROUPS;
    Ok(RegisterStats {
        dimensions: offered
            .iter()
            .map(|dimension| StatsOption {
                key: dimension.key(),
                label: dimension.label(register, translate, language),
            })
            .collect(),
        sums: summable(register)
            .map(|field| StatsOption { key: field.name.to_owned(), label: translate(&register.label_key(field.name)) })
            .collect(),
        by: by.key(),
        sum: sum.map(|field| field.name.to_owned()),
        groups: groups.into_iter().take(MAX_STATS_GROUPS).collect(),
        more,
        total: whole,
        chronological: matches!(by, Dimension::Period { .. }),
    })
}

fn figures(count: i64, total: Option<String>, summed: bool) -> StatsFigures {
    StatsFigures { count, sum: if summed { Some(total.unwrap_or_else(|| "0".to_owned())) } else { None } }
}

/// A group's name in the user's language.
fn label(
    register: &Register,
    by: Dimension,
    value: Option<&str>,
    name: Option<String>,
    translate: Translate<'_>,
) -> String {
    let Some(value) = value else { return translate("engine.stats.blank") };
    match by {
        Dimension::Value(Field { kind: Kind::Choice(table), .. }) => translate(&table.label_key(value)),
        Dimension::Value(field) if names_a_record(field) => name.unwrap_or_else(|| value.to_owned()),
        Dimension::Custom(CustomField { kind: CustomKind::Choice, .. }) => value.to_owned(),
        Dimension::Value(_) | Dimension::Custom(_) => {
            translate(if value == "true" { "engine.yes" } else { "engine.no" })
        }
        Dimension::State => translate(&register.state_key(value)),
        Dimension::Village => name.unwrap_or_else(|| value.to_owned()),
        Dimension::Period { .. } => value.to_owned(),
    }
}

/// The list filter selecting a group, where the list declares one (a period filters its
/// date field by month or year, as the list accepts `2026-03` or `2026`).
fn drill(register: &Register, by: Dimension, value: Option<&str>) -> Option<(String, String)> {
    let value = value?;
    let filter = match by {
        Dimension::Custom(field) => return field.filterable.then(|| (field.key.clone(), value.to_owned())),
        Dimension::Value(field) => field.name,
        Dimension::State => "state",
        Dimension::Village => "village_id",
        Dimension::Period { field: Some(field), .. } if matches!(field.kind, Kind::Date) => field.name,
        Dimension::Period { .. } => return None,
    };
    register.filters.contains(&filter).then(|| (filter.to_owned(), value.to_owned()))
}

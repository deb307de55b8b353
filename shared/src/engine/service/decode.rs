//! A record's values between Rust and PostgreSQL: the JSON object a query builds from the
//! declared columns ([`data_object`]), its decoding by the declaration ([`decode`]), the JSON
//! object a write binds ([`encode`]), and one value bound for a comparison ([`bind_value`]).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value as Json};

use super::{base_table, name_field, target};
use crate::engine::declare::{Field, Kind, Register, Target};
use crate::engine::value::{Value, Values};
use crate::sql::Sql;

/// Where a query reads a record's values from.
#[derive(Clone, Copy)]
pub(super) enum Source {
    /// The register's row, alias `r`.
    Row,
    /// A version's `data` in `record_history`, alias `h` (the row as `to_jsonb` wrote it).
    History,
}

/// PostgreSQL's functions take at most 100 arguments: `jsonb_build_object` gets the fields
/// in groups of this many pairs, joined with `||`.
const PAIRS_PER_CALL: usize = 40;

/// The fields' values as one JSON object, key = field name. Decimals come as text (a JSON
/// number would pass through a float), geometry as GeoJSON.
pub(super) fn data_object<'f>(fields: impl IntoIterator<Item = &'f Field>, source: Source) -> Sql {
    let pairs: Vec<Sql> =
        fields.into_iter().map(|field| key(field.name).append(value_expression(field, source))).collect();
    object(pairs)
}

/// The names of what the fields' references point at, as one JSON object (absent when the
/// field is empty): in the list's and the detail's own query, never a query per row.
pub(super) fn labels_object<'f>(register: &'static Register, fields: impl IntoIterator<Item = &'f Field>) -> Sql {
    let pairs: Vec<Sql> = fields
        .into_iter()
        .filter_map(|field| label_expression(register, field).map(|label| key(field.name).append(label)))
        .collect();
    Sql::new("jsonb_strip_nulls(").append(object(pairs)).push(")")
}

fn object(pairs: Vec<Sql>) -> Sql {
    if pairs.is_empty() {
        return Sql::new("'{}'::jsonb");
    }
    let mut calls = Vec::new();
    let mut pairs = pairs.into_iter().peekable();
    while pairs.peek().is_some() {
        let group: Vec<Sql> = pairs.by_ref().take(PAIRS_PER_CALL).collect();
        calls.push(Sql::new("jsonb_build_object(").append(Sql::join(group, ", ", Sql::new(""))).push(")"));
    }
    Sql::join(calls, " || ", Sql::new("'{}'::jsonb"))
}

/// `'<name>', ` — a declared field name (lower-case ASCII, checked by `modules::tests`).
fn key(name: &'static str) -> Sql {
    Sql::new("'").push(name).push("', ")
}

fn value_expression(field: &Field, source: Source) -> Sql {
    let name = field.name;
    match (source, field.kind) {
        (Source::Row, Kind::Decimal { .. } | Kind::Money) => Sql::new("r.").push(name).push("::text"),
        (Source::Row, Kind::Point | Kind::Line | Kind::Polygon) => {
            Sql::new("ST_AsGeoJSON(r.").push(name).push(")::jsonb")
        }
        (Source::Row, _) => Sql::new("r.").push(name),
        (Source::History, Kind::Decimal { .. } | Kind::Money) => Sql::new("h.data ->> '").push(name).push("'"),
        (Source::History, _) => Sql::new("h.data -> '").push(name).push("'"),
    }
}

/// The name of what a reference or user field of the row `r` points at.
pub(super) fn label_expression(register: &'static Register, field: &Field) -> Option<Sql> {
    let name = field.name;
    let one = |table: &'static str, label: &'static str| {
        Sql::new("(SELECT x.")
            .push(label)
            .push("::text FROM ")
            .push(table)
            .push(" x WHERE x.id = r.")
            .push(name)
            .push(")")
    };
    match field.kind {
        Kind::Reference(Target::Register(key)) => {
            let Some(other) = target(register, key) else {
                tracing::error!(register = %register.key(), field = name, key, "reference to an unknown register");
                return None;
            };
            let label = name_field(other)?.name;
            Some(
                Sql::new("(SELECT x.")
                    .push(label)
                    .push("::text FROM reg.")
                    .push(other.table)
                    .push(" x WHERE x.id = r.")
                    .push(name)
                    .push(")"),
            )
        }
        Kind::Reference(base) => base_table(base).map(|(table, label)| one(table, label)),
        Kind::User => Some(one("users", "display_name")),
        Kind::Users => Some(
            Sql::new(
                "(SELECT string_agg(x.display_name, '、' ORDER BY x.display_name) FROM users x WHERE x.id = ANY (r.",
            )
            .push(name)
            .push("))"),
        ),
        _ => None,
    }
}

/// A row's values, by the declaration: each field's JSON decoded by its kind; a field that is
/// absent or null is left out. A value of the wrong shape (a column changed by hand) is
/// logged and left out, never guessed.
pub fn decode(register: &Register, data: &Json) -> Values {
    let mut values = Values::new();
    for field in register.fields {
        let Some(json) = data.get(field.name).filter(|json| !json.is_null()) else { continue };
        match decode_value(field.kind, json) {
            Some(value) => {
                values.insert(field.name.to_owned(), value);
            }
            None => {
                tracing::error!(register = %register.key(), field = field.name, %json, "stored value of the wrong kind, left out");
            }
        }
    }
    values
}

fn decode_value(kind: Kind, json: &Json) -> Option<Value> {
    Some(match kind {
        Kind::Text { .. } | Kind::LongText => Value::Text(json.as_str()?.to_owned()),
        Kind::Integer { .. } => Value::Integer(json.as_i64()?),
        Kind::Decimal { .. } | Kind::Money => Value::Decimal(match json {
            Json::String(text) => text.clone(),
            Json::Number(number) => number.to_string(),
            _ => return None,
        }),
        Kind::Date => Value::Date(NaiveDate::parse_from_str(json.as_str()?, "%Y-%m-%d").ok()?),
        Kind::DateTime => Value::DateTime(DateTime::parse_from_rfc3339(json.as_str()?).ok()?.with_timezone(&Utc)),
        Kind::Boolean => Value::Boolean(json.as_bool()?),
        Kind::Choice(_) => Value::Code(json.as_str()?.to_owned()),
        Kind::MultiChoice(_) => {
            Value::Codes(json.as_array()?.iter().map(|code| code.as_str().map(str::to_owned)).collect::<Option<_>>()?)
        }
        Kind::Reference(_) | Kind::User => Value::Id(json.as_i64()?),
        Kind::Users | Kind::Photos | Kind::Files => {
            Value::Ids(json.as_array()?.iter().map(Json::as_i64).collect::<Option<_>>()?)
        }
        Kind::Point | Kind::Line | Kind::Polygon => {
            // `to_jsonb` of a geometry (the history) names its CRS; ST_AsGeoJSON (a row) does
            // not. Always WGS 84 here: the same value either way.
            let mut geometry = json.as_object()?.clone();
            geometry.remove("crs");
            Value::Geometry(Json::Object(geometry).to_string())
        }
    })
}

/// The custom fields of a row's `extra` as text.
pub(super) fn extra(json: &Json) -> BTreeMap<String, String> {
    let Some(object) = json.as_object() else { return BTreeMap::new() };
    object
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| (key.clone(), value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string())))
        .collect()
}

/// Values as the JSON object `jsonb_populate_record` turns into a row: each as its column's
/// input text or JSON (decimals as text, so never a float; geometry as a GeoJSON object,
/// which PostGIS reads as WGS 84).
pub(super) fn encode(values: &Values) -> Map<String, Json> {
    values.iter().filter_map(|(name, value)| Some((name.clone(), to_json(value)?))).collect()
}

/// One value as JSON: decimals as their exact text, dates as `YYYY-MM-DD`, times as RFC 3339,
/// geometry as a GeoJSON object (`None` for geometry text that is no JSON). What a write
/// binds, and what the data-sharing API gives a partner.
pub fn to_json(value: &Value) -> Option<Json> {
    Some(match value {
        Value::Text(text) | Value::Decimal(text) | Value::Code(text) => Json::from(text.as_str()),
        Value::Integer(number) | Value::Id(number) => Json::from(*number),
        Value::Boolean(flag) => Json::from(*flag),
        Value::Date(date) => Json::from(date.format("%Y-%m-%d").to_string()),
        Value::DateTime(at) => Json::from(at.to_rfc3339()),
        Value::Codes(codes) => Json::from(codes.clone()),
        Value::Ids(ids) => Json::from(ids.clone()),
        Value::Geometry(text) => serde_json::from_str(text).ok()?,
    })
}

/// One value as a typed placeholder, for a comparison with its column.
pub(super) fn bind_value(value: &Value) -> Sql {
    match value {
        Value::Text(text) | Value::Code(text) => Sql::value(text.as_str()),
        Value::Decimal(text) => Sql::value(text.as_str()).push("::numeric"),
        Value::Integer(number) | Value::Id(number) => Sql::value(*number),
        Value::Boolean(flag) => Sql::value(*flag),
        Value::Date(date) => Sql::value(*date),
        Value::DateTime(at) => Sql::value(*at),
        Value::Codes(codes) => Sql::value(codes.clone()),
        Value::Ids(ids) => Sql::value(ids.clone()),
        Value::Geometry(text) => Sql::new("ST_GeomFromGeoJSON(").bind(text.as_str()).push(")"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::declare::fields::*;
    use crate::engine::declare::{CodeTable, Register};

    static COLOURS: CodeTable = CodeTable { name: "colours", codes: &["red", "blue"] };
    static SHEDS: Register = Register {
        fields: &[
            text("name", 20),
            money("rent"),
            date("built"),
            datetime("checked"),
            multi_choice("colours", &COLOURS),
            users("keepers"),
            point("at"),
            integer("cows", 0, 100),
        ],
        ..Register::new("farm", "sheds", "farm_sheds")
    };

    #[test]
    fn a_stored_row_decodes_by_kind_and_encodes_back() {
        let stored = serde_json::json!({
            "name": "东棚",
            "rent": "1234.50",
            "built": "2026-03-01",
            "checked": "2026-11-28T12:04:28.935922+08:00",
            "colours": ["red"],
            "keepers": [3, 4],
            "at": {"crs": {"type": "name", "properties": {"name": "EPSG:4326"}}, "type": "Point", "coordinates": [120.61, 31.32]},
            "cows": null,
            "extra_column": 1
        });
        let values = decode(&SHEDS, &stored);
        assert_eq!(values["rent"], Value::Decimal("1234.50".into()));
        assert_eq!(values["colours"], Value::Codes(vec!["red".into()]));
        assert_eq!(values["keepers"], Value::Ids(vec![3, 4]));
        assert!(!values.contains_key("cows"));
        let Value::Geometry(at) = &values["at"] else { panic!("a geometry") };
        assert_eq!(
            serde_json::from_str::<Json>(at).expect("json"),
            serde_json::json!({"type": "Point", "coordinates": [120.61, 31.32]})
        );
        let encoded = Json::Object(encode(&values));
        assert_eq!(decode(&SHEDS, &encoded), values);
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_left_out() {
        let values = decode(&SHEDS, &serde_json::json!({"cows": "many", "name": "西棚"}));
        assert_eq!(values.len(), 1);
    }

    #[test]
    fn many_fields_are_built_in_groups() {
        let fields: Vec<Field> = (0..90).map(|_| text("f", 10)).collect();
        let (text, _) = data_object(&fields, Source::Row).render();
        assert_eq!(text.matches("jsonb_build_object(").count(), 3);
        assert_eq!(data_object(&[], Source::Row).render().0, "'{}'::jsonb");
    }
}

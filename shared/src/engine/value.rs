//! A record's values: what a form, an import row and a stored row all become, checked
//! against the register's declaration by one function ([`parse_form`]), so a value that
//! passed the form passes the import and the other way round.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::declare::{Field, Kind, Register};
use crate::error::{ErrorCode, FieldError};

/// One field's value, typed by its [`Kind`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Text(String),
    Integer(i64),
    /// Decimal and money, kept as their exact text (`"1234.50"`), never a float.
    Decimal(String),
    Boolean(bool),
    Date(NaiveDate),
    DateTime(#[serde(with = "chrono::serde::ts_seconds")] DateTime<Utc>),
    Code(String),
    Codes(Vec<String>),
    /// A reference, a user.
    Id(i64),
    /// Users, photos, files.
    Ids(Vec<i64>),
    /// A geometry as GeoJSON (a point, a line or a polygon in WGS 84).
    Geometry(String),
}

/// A record's declared fields (absent: empty) and its custom fields.
pub type Values = BTreeMap<String, Value>;

/// A form as the browser sends it (`form[values][name]=…`), and an import row: every field
/// as the text the user typed. Parsed by [`parse_form`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
// Every part may be absent from a form (an empty map or an unset option sends no key).
#[serde(default)]
pub struct RecordForm {
    pub values: BTreeMap<String, String>,
    /// The custom fields (`form[extra][<key>]`), checked by `custom::parse_extra`.
    pub extra: BTreeMap<String, String>,
    /// The record's place (the register's [`super::declare::Place`] says which are asked).
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
    /// The version the user saw (an edit of another version is refused, not merged).
    pub version: Option<i32>,
}

/// Checks every declared field of `register` in `form` and returns the typed values, or every
/// problem at once (field, reason). Unknown keys are refused: a form of another register, or a
/// stale page after a field was removed, must not be half-saved.
pub fn parse_form(register: &Register, form: &BTreeMap<String, String>) -> Result<Values, Vec<FieldError>> {
    let mut errors = Vec::new();
    for name in form.keys() {
        if register.field(name).is_none() {
            errors.push(FieldError::new(name.clone(), ErrorCode::FieldUnknown));
        }
    }
    let mut values = Values::new();
    for field in register.fields {
        let text = form.get(field.name).map(|text| text.trim()).unwrap_or("");
        match parse_value(field, text) {
            Ok(Some(value)) => {
                values.insert(field.name.to_owned(), value);
            }
            Ok(None) if field.required => errors.push(FieldError::new(field.name, ErrorCode::Required)),
            Ok(None) => {}
            Err(code) => errors.push(FieldError::new(field.name, code)),
        }
    }
    // What the fields ask of each other, once each is itself right.
    if errors.is_empty()
        && let Some(check) = register.check
    {
        errors = check(&values);
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

/// One field's text, as typed, into its value (`None`: left empty).
pub fn parse_value(field: &Field, text: &str) -> Result<Option<Value>, ErrorCode> {
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(check) = field.check {
        check(text)?;
    }
    let value = match field.kind {
        Kind::Text { max } => {
            if text.chars().count() > usize::from(max) || text.contains(['\n', '\r']) {
                return Err(ErrorCode::TooLong);
            }
            Value::Text(text.to_owned())
        }
        Kind::LongText => {
            if text.chars().count() > LONG_TEXT_MAX {
                return Err(ErrorCode::TooLong);
            }
            Value::Text(text.to_owned())
        }
        Kind::Integer { min, max } => {
            let number: i64 = text.parse().map_err(|_| ErrorCode::FieldNotANumber)?;
            if number < min || number > max {
                return Err(ErrorCode::FieldOutOfRange);
            }
            Value::Integer(number)
        }
        Kind::Decimal { scale } => Value::Decimal(decimal(text, scale)?),
        Kind::Money => Value::Decimal(decimal(text, 2)?),
        Kind::Date => Value::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| ErrorCode::FieldNotADate)?),
        Kind::DateTime => Value::DateTime(crate::time::parse_local_datetime(text).ok_or(ErrorCode::FieldNotADate)?),
        Kind::Boolean => match text {
            "true" | "on" | "1" | "是" => Value::Boolean(true),
            "false" | "off" | "0" | "否" => Value::Boolean(false),
            _ => return Err(ErrorCode::FieldNotAChoice),
        },
        Kind::Choice(table) => {
            if !table.contains(text) {
                return Err(ErrorCode::FieldNotAChoice);
            }
            Value::Code(text.to_owned())
        }
        Kind::MultiChoice(table) => {
            let codes: Vec<String> =
                text.split(',').map(str::trim).filter(|code| !code.is_empty()).map(str::to_owned).collect();
            if codes.iter().any(|code| !table.contains(code)) {
                return Err(ErrorCode::FieldNotAChoice);
            }
            Value::Codes(codes)
        }
        Kind::Reference(_) | Kind::User => Value::Id(id(text)?),
        Kind::Users | Kind::Photos | Kind::Files => {
            let ids: Result<Vec<i64>, ErrorCode> =
                text.split(',').map(str::trim).filter(|id| !id.is_empty()).map(id).collect();
            Value::Ids(ids?)
        }
        Kind::Point => Value::Geometry(point(text)?),
        Kind::Line | Kind::Polygon => {
            if text.len() > GEOMETRY_MAX || serde_json::from_str::<serde_json::Value>(text).is_err() {
                return Err(ErrorCode::FieldNotAGeometry);
            }
            Value::Geometry(text.to_owned())
        }
    };
    Ok(Some(value))
}

/// Paragraphs of a long text field: a document's body fits many times over.
pub const LONG_TEXT_MAX: usize = 20_000;
/// A line or polygon as GeoJSON text.
pub const GEOMETRY_MAX: usize = 200_000;

fn id(text: &str) -> Result<i64, ErrorCode> {
    text.parse::<i64>().ok().filter(|id| *id > 0).ok_or(ErrorCode::FieldNotAReference)
}

/// `"120.61, 31.32"` (longitude, latitude) into a GeoJSON point inside China's bounds.
fn point(text: &str) -> Result<String, ErrorCode> {
    let (lon, lat) = text.split_once(',').ok_or(ErrorCode::FieldNotAGeometry)?;
    let lon: f64 = lon.trim().parse().map_err(|_| ErrorCode::FieldNotAGeometry)?;
    let lat: f64 = lat.trim().parse().map_err(|_| ErrorCode::FieldNotAGeometry)?;
    if !(73.0..=136.0).contains(&lon) || !(3.0..=54.0).contains(&lat) {
        return Err(ErrorCode::FieldNotAGeometry);
    }
    Ok(format!(r#"{{"type":"Point","coordinates":[{lon},{lat}]}}"#))
}

/// A decimal number with at most `scale` digits after the point, as its canonical text.
pub(crate) fn decimal(text: &str, scale: u8) -> Result<String, ErrorCode> {
    let text = text.replace([',', '，'], "");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    let valid = !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= usize::from(scale);
    if !valid {
        return Err(if fraction.len() > usize::from(scale) {
            ErrorCode::FieldTooPrecise
        } else {
            ErrorCode::FieldNotANumber
        });
    }
    Ok(if fraction.is_empty() { whole.to_owned() } else { format!("{whole}.{fraction}") })
}

#[cfg(test)]
mod tests {
    use super::super::declare::fields::point;
    use super::super::declare::fields::*;
    use super::super::declare::{CodeTable, Register};
    use super::*;

    static STATUS: CodeTable = CodeTable { name: "status", codes: &["01", "02"] };
    static THING: Register = Register {
        fields: &[
            text("name", 4).required(),
            integer("count", 0, 10),
            money("dues"),
            choice("status", &STATUS),
            multi_choice("tags", &STATUS),
            date("on"),
            point("at"),
            text("mobile", 11).check(crate::codes::mobile::validate),
        ],
        ..Register::new("test", "things", "test_things")
    };

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn every_kind_parses_what_a_person_types() {
        let values = parse_form(
            &THING,
            &form(&[
                ("name", " 张三 "),
                ("count", "3"),
                ("dues", "1,234.5"),
                ("status", "02"),
                ("tags", "01, 02"),
                ("on", "2026-11-28"),
                ("at", "120.61,31.32"),
                ("mobile", "13812345678"),
            ]),
        )
        .expect("valid");
        assert_eq!(values["name"], Value::Text("张三".into()));
        assert_eq!(values["count"], Value::Integer(3));
        assert_eq!(values["dues"], Value::Decimal("1234.5".into()));
        assert_eq!(values["tags"], Value::Codes(vec!["01".into(), "02".into()]));
        assert_eq!(values["at"], Value::Geometry(r#"{"type":"Point","coordinates":[120.61,31.32]}"#.into()));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let errors = parse_form(
            &THING,
            &form(&[
                ("count", "11"),
                ("dues", "1.234"),
                ("status", "09"),
                ("on", "28/11/2026"),
                ("at", "0,0"),
                ("mobile", "123"),
                ("colour", "red"),
            ]),
        )
        .expect_err("invalid");
        let named: Vec<(&str, ErrorCode)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(named.contains(&("name", ErrorCode::Required)));
        assert!(named.contains(&("count", ErrorCode::FieldOutOfRange)));
        assert!(named.contains(&("dues", ErrorCode::FieldTooPrecise)));
        assert!(named.contains(&("status", ErrorCode::FieldNotAChoice)));
        assert!(named.contains(&("on", ErrorCode::FieldNotADate)));
        assert!(named.contains(&("at", ErrorCode::FieldNotAGeometry)));
        assert!(named.contains(&("colour", ErrorCode::FieldUnknown)));
        assert_eq!(named.iter().filter(|(field, _)| *field == "mobile").count(), 1);
    }
}

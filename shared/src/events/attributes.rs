//! What a category asks of a report beyond its description: a lamp post's number, how large
//! a hole is, when the noise starts. These are the service attributes of Open311 GeoReport v2
//! (`services/{code}` declares them, a request sends `attribute[code]`); staff keep them with
//! the categories in 事件设置.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode, Validator};

crate::code_enum::code_enum! {
    /// An attribute's datatype, named as Open311 names them.
    pub enum AttributeType in "attribute_type" {
        /// One line of text.
        String = "string",
        Number = "number",
        /// A date and time (W3C format, or the township's wall clock `2026-11-29 08:30`).
        Datetime = "datetime",
        /// Free text over several lines.
        Text = "text",
        SingleValueList = "singlevaluelist",
        MultiValueList = "multivaluelist",
    }
}

impl AttributeType {
    pub fn is_list(self) -> bool {
        matches!(self, AttributeType::SingleValueList | AttributeType::MultiValueList)
    }
}

/// One choice of a list attribute: the key a client sends, the name people read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryAttribute {
    pub id: i32,
    pub category_id: i32,
    pub code: String,
    pub datatype: AttributeType,
    pub required: bool,
    /// The question, as the reporter reads it (`路灯状态`).
    pub description: String,
    pub sort: i32,
    pub choices: Vec<Choice>,
}

/// The longest text value of an attribute.
pub const VALUE_MAX: usize = 500;
pub const DESCRIPTION_MAX: usize = 100;
/// Attributes a category may ask for.
pub const MAX_PER_CATEGORY: usize = 20;

impl CategoryAttribute {
    /// The typed value of what a client sent for this attribute (every value of the
    /// parameter, in order: a multi-value list sends several). `None` for nothing sent.
    pub fn value_of(&self, raw: &[String]) -> Result<Option<serde_json::Value>, ErrorCode> {
        let values: Vec<&str> = raw.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            return if self.required { Err(ErrorCode::Open311AttributeRequired) } else { Ok(None) };
        }
        let one = || if values.len() == 1 { Ok(values[0]) } else { Err(ErrorCode::Open311AttributeInvalid) };
        let known = |key: &str| self.choices.iter().any(|c| c.key == key);
        let value = match self.datatype {
            AttributeType::String | AttributeType::Text => {
                let text = one()?;
                if text.chars().count() > VALUE_MAX {
                    return Err(ErrorCode::TooLong);
                }
                if self.datatype == AttributeType::String && text.contains(['\n', '\r']) {
                    return Err(ErrorCode::Open311AttributeInvalid);
                }
                serde_json::Value::from(text)
            }
            AttributeType::Number => {
                let number: f64 = one()?.parse().map_err(|_| ErrorCode::Open311AttributeInvalid)?;
                let number = serde_json::Number::from_f64(number).ok_or(ErrorCode::Open311AttributeInvalid)?;
                serde_json::Value::Number(number)
            }
            AttributeType::Datetime => {
                let text = one()?;
                let at = chrono::DateTime::parse_from_rfc3339(text)
                    .map(|at| at.to_utc())
                    .ok()
                    .or_else(|| crate::time::parse_local_datetime(text))
                    .ok_or(ErrorCode::Open311AttributeInvalid)?;
                serde_json::Value::from(crate::time::local(at).to_rfc3339())
            }
            AttributeType::SingleValueList => {
                let key = one()?;
                if !known(key) {
                    return Err(ErrorCode::Open311AttributeChoice);
                }
                serde_json::Value::from(key)
            }
            AttributeType::MultiValueList => {
                if !values.iter().all(|key| known(key)) {
                    return Err(ErrorCode::Open311AttributeChoice);
                }
                let mut keys: Vec<&str> = values.clone();
                keys.dedup();
                serde_json::Value::from(keys)
            }
        };
        Ok(Some(value))
    }

    /// A value as a line of the event's description, which handlers read (`路灯状态：不亮`).
    pub fn describe(&self, value: &serde_json::Value) -> String {
        let name_of =
            |key: &str| self.choices.iter().find(|c| c.key == key).map_or_else(|| key.to_owned(), |c| c.name.clone());
        let text = match value {
            serde_json::Value::String(key) if self.datatype.is_list() => name_of(key),
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Array(keys) => {
                keys.iter().filter_map(|k| k.as_str()).map(name_of).collect::<Vec<_>>().join("、")
            }
            other => other.to_string(),
        };
        format!("{}：{}", self.description, text)
    }
}

/// An attribute as staff add or change it: the choices as lines `key=name`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AttributeForm {
    pub category_id: i32,
    pub code: String,
    pub datatype: String,
    #[serde(default, with = "crate::events::forms::checkbox")]
    pub required: bool,
    pub description: String,
    #[serde(default)]
    pub choices: String,
}

fn code_ok(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && code.len() <= 32
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl AttributeForm {
    /// The typed attribute (without its id and order), or every problem at once.
    pub fn parse(&self) -> Result<(AttributeType, Vec<Choice>), AppError> {
        let mut v = Validator::new();
        let datatype = AttributeType::parse(&self.datatype);
        v.check("datatype", datatype.map(|_| ()).ok_or(ErrorCode::Required));
        v.check("code", if code_ok(self.code.trim()) { Ok(()) } else { Err(ErrorCode::AttributeCodeInvalid) });
        let description = self.description.trim().chars().count();
        v.check(
            "description",
            match description {
                0 => Err(ErrorCode::Required),
                n if n > DESCRIPTION_MAX => Err(ErrorCode::TooLong),
                _ => Ok(()),
            },
        );
        let choices = parse_choices(&self.choices);
        let list = datatype.is_some_and(AttributeType::is_list);
        let choices_ok = match &choices {
            Some(choices) if list => !choices.is_empty(),
            Some(choices) => choices.is_empty(),
            None => false,
        };
        v.check("choices", if choices_ok { Ok(()) } else { Err(ErrorCode::AttributeChoicesInvalid) });
        v.finish()?;
        Ok((datatype.unwrap_or(AttributeType::String), choices.unwrap_or_default()))
    }
}

/// Lines `key=name` (blank lines skipped): `None` when a line is malformed or a key repeats.
fn parse_choices(text: &str) -> Option<Vec<Choice>> {
    let mut choices: Vec<Choice> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (key, name) = line.split_once('=')?;
        let (key, name) = (key.trim(), name.trim());
        if !code_ok(key) || name.is_empty() || name.chars().count() > 50 || choices.iter().any(|c| c.key == key) {
            return None;
        }
        choices.push(Choice { key: key.into(), name: name.into() });
    }
    (choices.len() <= 50).then_some(choices)
}

/// The choices as the form shows them back.
pub fn choices_text(choices: &[Choice]) -> String {
    choices.iter().map(|c| format!("{}={}", c.key, c.name)).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(datatype: AttributeType, required: bool) -> CategoryAttribute {
        CategoryAttribute {
            id: 1,
            category_id: 1,
            code: "lamp".into(),
            datatype,
            required,
            description: "路灯状态".into(),
            sort: 0,
            choices: vec![
                Choice { key: "off".into(), name: "不亮".into() },
                Choice { key: "flicker".into(), name: "闪烁".into() },
            ],
        }
    }

    fn values(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_are_typed_by_the_attributes_datatype() {
        let number = attribute(AttributeType::Number, false);
        assert_eq!(number.value_of(&values(&["2.5"])), Ok(Some(serde_json::json!(2.5))));
        assert_eq!(number.value_of(&values(&["two"])), Err(ErrorCode::Open311AttributeInvalid));
        assert_eq!(number.value_of(&values(&["NaN"])), Err(ErrorCode::Open311AttributeInvalid));
        assert_eq!(number.value_of(&[]), Ok(None));
        let required = attribute(AttributeType::SingleValueList, true);
        assert_eq!(required.value_of(&values(&[" "])), Err(ErrorCode::Open311AttributeRequired));
        assert_eq!(required.value_of(&values(&["off"])), Ok(Some(serde_json::json!("off"))));
        assert_eq!(required.value_of(&values(&["on"])), Err(ErrorCode::Open311AttributeChoice));
        assert_eq!(required.value_of(&values(&["off", "flicker"])), Err(ErrorCode::Open311AttributeInvalid));
        let many = attribute(AttributeType::MultiValueList, false);
        assert_eq!(many.value_of(&values(&["off", "flicker"])), Ok(Some(serde_json::json!(["off", "flicker"]))));
        assert_eq!(many.describe(&serde_json::json!(["off", "flicker"])), "路灯状态：不亮、闪烁");
        let when = attribute(AttributeType::Datetime, false);
        assert_eq!(
            when.value_of(&values(&["2026-11-29T00:30:00Z"])),
            Ok(Some(serde_json::json!("2026-11-29T08:30:00+08:00")))
        );
        assert_eq!(
            when.value_of(&values(&["2026-11-29 08:30"])),
            Ok(Some(serde_json::json!("2026-11-29T08:30:00+08:00")))
        );
        assert_eq!(when.value_of(&values(&["soon"])), Err(ErrorCode::Open311AttributeInvalid));
        let line = attribute(AttributeType::String, false);
        assert_eq!(line.value_of(&values(&["a\nb"])), Err(ErrorCode::Open311AttributeInvalid));
    }

    #[test]
    fn a_form_is_checked_whole() {
        let form = AttributeForm {
            category_id: 1,
            code: "lamp_state".into(),
            datatype: "singlevaluelist".into(),
            required: true,
            description: "路灯状态".into(),
            choices: "off=不亮\n\nflicker = 闪烁".into(),
        };
        let (datatype, choices) = form.parse().expect("valid");
        assert_eq!(datatype, AttributeType::SingleValueList);
        assert_eq!(choices_text(&choices), "off=不亮\nflicker=闪烁");
        let bad = AttributeForm { code: "Lamp".into(), choices: String::new(), ..form.clone() };
        let error = bad.parse().expect_err("invalid");
        assert_eq!(error.field_codes("code"), vec![ErrorCode::AttributeCodeInvalid]);
        assert_eq!(error.field_codes("choices"), vec![ErrorCode::AttributeChoicesInvalid]);
        let text = AttributeForm { datatype: "text".into(), choices: "a=b".into(), ..form };
        assert_eq!(
            text.parse().expect_err("text has no choices").field_codes("choices"),
            vec![ErrorCode::AttributeChoicesInvalid]
        );
    }
}

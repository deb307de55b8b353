//! Custom fields: what an administrator adds to a register at run time (R-8.7.3, "a new form
//! field by configuration"). A custom field is a row of `custom_fields`; its values live in
//! the record's `extra` JSON object, so adding one never rewrites the register's table, and a
//! filterable one gets an expression index built concurrently (`CREATE INDEX CONCURRENTLY`),
//! which takes no lock that stops writes. Every server process reads the fields from the
//! database on each request: a field added on one process is on every page of every other at
//! once, with no cache to invalidate.

use serde::{Deserialize, Serialize};

use super::value::{LONG_TEXT_MAX, decimal};
use crate::error::{ErrorCode, FieldError};

/// What a custom field holds: a small set, each with a plain JSON form in `extra` (a string,
/// a number or a boolean) that an expression index and a filter compare as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomKind {
    Text,
    LongText,
    Integer,
    Decimal,
    Date,
    Boolean,
    /// One of the field's own options (written by the administrator, one per line).
    Choice,
}

impl CustomKind {
    pub const ALL: [CustomKind; 7] = [
        CustomKind::Text,
        CustomKind::LongText,
        CustomKind::Integer,
        CustomKind::Decimal,
        CustomKind::Date,
        CustomKind::Boolean,
        CustomKind::Choice,
    ];

    /// Its code in `custom_fields.kind` and in forms.
    pub const fn code(self) -> &'static str {
        match self {
            CustomKind::Text => "text",
            CustomKind::LongText => "long_text",
            CustomKind::Integer => "integer",
            CustomKind::Decimal => "decimal",
            CustomKind::Date => "date",
            CustomKind::Boolean => "boolean",
            CustomKind::Choice => "choice",
        }
    }

    pub fn parse(code: &str) -> Option<CustomKind> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Whether a list can be filtered by it (a long text is searched, not matched).
    pub const fn filterable(self) -> bool {
        !matches!(self, CustomKind::LongText)
    }
}

/// The most characters of a one-line custom text.
pub const TEXT_MAX: u16 = 200;
/// The most options of a choice, and the longest option.
pub const OPTIONS_MAX: usize = 50;
pub const OPTION_MAX: usize = 40;
/// The most custom fields of one register.
pub const FIELDS_MAX: i64 = 50;
/// A decimal's digits after the point.
pub const DECIMAL_SCALE: u8 = 4;

/// One custom field of a register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    /// Its key in `extra` (lower-case ASCII), unique in the register beside the declared fields.
    pub key: String,
    pub kind: CustomKind,
    pub label_zh: String,
    pub label_en: String,
    pub required: bool,
    pub in_list: bool,
    pub filterable: bool,
    pub options: Vec<String>,
}

impl CustomField {
    /// One field's text, as typed, into its JSON value (`None`: left empty).
    pub fn parse(&self, text: &str) -> Result<Option<serde_json::Value>, ErrorCode> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let value = match self.kind {
            CustomKind::Text => {
                if text.chars().count() > usize::from(TEXT_MAX) || text.contains(['\n', '\r']) {
                    return Err(ErrorCode::TooLong);
                }
                serde_json::Value::from(text)
            }
            CustomKind::LongText => {
                if text.chars().count() > LONG_TEXT_MAX {
                    return Err(ErrorCode::TooLong);
                }
                serde_json::Value::from(text)
            }
            CustomKind::Integer => {
                let number: i64 = text.parse().map_err(|_| ErrorCode::FieldNotANumber)?;
                // JSON numbers beyond 2^53 lose digits in a browser.
                if number.unsigned_abs() > (1 << 53) {
                    return Err(ErrorCode::FieldOutOfRange);
                }
                serde_json::Value::from(number)
            }
            // Kept as its exact text, as declared decimals are.
            CustomKind::Decimal => serde_json::Value::from(decimal(text, DECIMAL_SCALE)?),
            CustomKind::Date => {
                let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| ErrorCode::FieldNotADate)?;
                serde_json::Value::from(date.format("%Y-%m-%d").to_string())
            }
            CustomKind::Boolean => match text {
                "true" | "on" | "1" | "是" => serde_json::Value::Bool(true),
                "false" | "off" | "0" | "否" => serde_json::Value::Bool(false),
                _ => return Err(ErrorCode::FieldNotAChoice),
            },
            CustomKind::Choice => {
                if !self.options.iter().any(|option| option == text) {
                    return Err(ErrorCode::FieldNotAChoice);
                }
                serde_json::Value::from(text)
            }
        };
        Ok(Some(value))
    }

    /// A value as `extra->>key` gives it: what a filter compares and the index holds.
    pub fn index_text(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

/// A custom field as its administrator sees it: retired ones too, which keep their values in
/// the records but are on no form, list, filter, statistic, import or export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfiguredField {
    pub field: CustomField,
    pub retired: bool,
}

impl CustomField {
    /// The field as `form` changes it: labels, required, shown in the list, filterable and
    /// options. Its key and kind stay, so the values records hold under it keep their meaning;
    /// a choice keeps every option it had (records may hold it) and may gain more.
    pub fn changed(&self, form: &CustomFieldForm) -> Result<CustomField, Vec<FieldError>> {
        let form = CustomFieldForm { key: self.key.clone(), kind: self.kind.code().to_owned(), ..form.clone() };
        let kept = form.options.lines().map(str::trim).collect::<Vec<_>>();
        let removed = self.options.iter().any(|option| !kept.contains(&option.as_str()));
        match form.parse(|_| false) {
            Ok(_) if removed => Err(vec![FieldError::new("options", ErrorCode::CustomFieldOptionRemoved)]),
            Ok(field) => Ok(field),
            Err(mut errors) => {
                if removed && !errors.iter().any(|error| error.field == "options") {
                    errors.push(FieldError::new("options", ErrorCode::CustomFieldOptionRemoved));
                }
                Err(errors)
            }
        }
    }
}

/// Every custom field of `fields` in `form` (key → text), checked at once: the values to keep
/// in `extra`, or every problem (field, reason). A key that is no custom field is refused.
pub fn parse_extra(
    fields: &[CustomField],
    form: &std::collections::BTreeMap<String, String>,
) -> Result<serde_json::Map<String, serde_json::Value>, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = form
        .keys()
        .filter(|key| !fields.iter().any(|field| &field.key == *key))
        .map(|key| FieldError::new(key.clone(), ErrorCode::FieldUnknown))
        .collect();
    let mut values = serde_json::Map::new();
    for field in fields {
        match field.parse(form.get(&field.key).map(String::as_str).unwrap_or("")) {
            Ok(Some(value)) => {
                values.insert(field.key.clone(), value);
            }
            Ok(None) if field.required => errors.push(FieldError::new(field.key.clone(), ErrorCode::Required)),
            Ok(None) => {}
            Err(code) => errors.push(FieldError::new(field.key.clone(), code)),
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

/// The administrator's form of a new custom field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomFieldForm {
    pub key: String,
    pub kind: String,
    pub label_zh: String,
    pub label_en: String,
    /// Checkboxes: present ("on", "true") when ticked.
    pub required: Option<String>,
    pub in_list: Option<String>,
    pub filterable: Option<String>,
    /// A choice's options, one per line.
    pub options: String,
}

impl CustomFieldForm {
    /// The field, or every problem with the form at once. `taken` says whether a key is
    /// already a field of the register (declared or custom).
    pub fn parse(&self, taken: impl Fn(&str) -> bool) -> Result<CustomField, Vec<FieldError>> {
        let mut errors = Vec::new();
        let key = self.key.trim().to_owned();
        let valid_key = key.len() <= 40
            && key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if key.is_empty() {
            errors.push(FieldError::new("key", ErrorCode::Required));
        } else if !valid_key {
            errors.push(FieldError::new("key", ErrorCode::CustomFieldKeyInvalid));
        } else if taken(&key) || super::declare::STANDARD_COLUMNS.contains(&key.as_str()) {
            errors.push(FieldError::new("key", ErrorCode::CustomFieldKeyTaken));
        }
        let kind = CustomKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new("kind", ErrorCode::FieldNotAChoice));
        }
        let label = |name: &'static str, text: &str, errors: &mut Vec<FieldError>| {
            let text = text.trim();
            if text.is_empty() {
                errors.push(FieldError::new(name, ErrorCode::Required));
            } else if text.chars().count() > 40 {
                errors.push(FieldError::new(name, ErrorCode::TooLong));
            }
            text.to_owned()
        };
        let label_zh = label("label_zh", &self.label_zh, &mut errors);
        let label_en = label("label_en", &self.label_en, &mut errors);
        let options: Vec<String> =
            self.options.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect();
        if kind == Some(CustomKind::Choice) {
            let mut unique = options.clone();
            unique.sort();
            unique.dedup();
            if options.is_empty() {
                errors.push(FieldError::new("options", ErrorCode::Required));
            } else if options.len() > OPTIONS_MAX
                || options.iter().any(|option| option.chars().count() > OPTION_MAX)
                || unique.len() != options.len()
            {
                errors.push(FieldError::new("options", ErrorCode::CustomFieldOptionsInvalid));
            }
        }
        let ticked = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty() && v != "false");
        let filterable = ticked(&self.filterable);
        if filterable && kind.is_some_and(|kind| !kind.filterable()) {
            errors.push(FieldError::new("filterable", ErrorCode::CustomFieldNotFilterable));
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(CustomField {
                key,
                kind,
                label_zh,
                label_en,
                required: ticked(&self.required),
                in_list: ticked(&self.in_list),
                filterable,
                options: if kind == CustomKind::Choice { options } else { Vec::new() },
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: CustomKind) -> CustomField {
        CustomField {
            key: "k".into(),
            kind,
            label_zh: "字段".into(),
            label_en: "Field".into(),
            required: false,
            in_list: false,
            filterable: false,
            options: vec!["甲".into(), "乙".into()],
        }
    }

    #[test]
    fn each_kind_parses_what_a_person_types_into_plain_json() {
        let parse = |kind, text| field(kind).parse(text);
        assert_eq!(parse(CustomKind::Text, " 张三 "), Ok(Some(serde_json::json!("张三"))));
        assert_eq!(parse(CustomKind::Text, ""), Ok(None));
        assert_eq!(parse(CustomKind::Integer, "42"), Ok(Some(serde_json::json!(42))));
        assert_eq!(parse(CustomKind::Integer, "4.2"), Err(ErrorCode::FieldNotANumber));
        assert_eq!(parse(CustomKind::Decimal, "1,234.5"), Ok(Some(serde_json::json!("1234.5"))));
        assert_eq!(parse(CustomKind::Date, "2026-11-28"), Ok(Some(serde_json::json!("2026-11-28"))));
        assert_eq!(parse(CustomKind::Date, "28/11/2026"), Err(ErrorCode::FieldNotADate));
        assert_eq!(parse(CustomKind::Boolean, "on"), Ok(Some(serde_json::json!(true))));
        assert_eq!(parse(CustomKind::Choice, "乙"), Ok(Some(serde_json::json!("乙"))));
        assert_eq!(parse(CustomKind::Choice, "丙"), Err(ErrorCode::FieldNotAChoice));
        assert_eq!(parse(CustomKind::Text, &"字".repeat(201)), Err(ErrorCode::TooLong));
        assert_eq!(CustomField::index_text(&serde_json::json!(true)), "true");
        assert_eq!(CustomField::index_text(&serde_json::json!("乙")), "乙");
    }

    #[test]
    fn extra_names_every_problem_and_refuses_unknown_keys() {
        let fields = [CustomField { required: true, ..field(CustomKind::Integer) }];
        let form = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(parse_extra(&fields, &form(&[("k", "7")])).map(|m| m["k"].clone()), Ok(serde_json::json!(7)));
        let errors = parse_extra(&fields, &form(&[("other", "1")])).expect_err("invalid");
        let named: Vec<(&str, ErrorCode)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(named, vec![("other", ErrorCode::FieldUnknown), ("k", ErrorCode::Required)]);
    }

    #[test]
    fn the_administrators_form_is_checked_whole() {
        let form = CustomFieldForm {
            key: "bed_count".into(),
            kind: "choice".into(),
            label_zh: "床位".into(),
            label_en: "Beds".into(),
            filterable: Some("on".into()),
            options: "一\n二\n\n三".into(),
            ..CustomFieldForm::default()
        };
        let made = form.parse(|_| false).expect("valid");
        assert_eq!(made.options, vec!["一", "二", "三"]);
        assert!(made.filterable && !made.required);
        let bad =
            CustomFieldForm { key: "Name".into(), kind: "colour".into(), options: "一\n一".into(), ..form.clone() };
        let codes: Vec<(String, ErrorCode)> =
            bad.parse(|_| false).expect_err("invalid").into_iter().map(|e| (e.field, e.code)).collect();
        assert!(codes.contains(&("key".into(), ErrorCode::CustomFieldKeyInvalid)));
        assert!(codes.contains(&("kind".into(), ErrorCode::FieldNotAChoice)));
        let taken = form.parse(|key| key == "bed_count").expect_err("taken");
        assert_eq!(taken[0].code, ErrorCode::CustomFieldKeyTaken);
        let version = CustomFieldForm { key: "version".into(), ..form.clone() };
        assert_eq!(version.parse(|_| false).expect_err("standard")[0].code, ErrorCode::CustomFieldKeyTaken);
        let long = CustomFieldForm { kind: "long_text".into(), ..form };
        assert_eq!(long.parse(|_| false).expect_err("not filterable")[0].code, ErrorCode::CustomFieldNotFilterable);
    }

    #[test]
    fn a_change_keeps_the_key_the_kind_and_every_option() {
        let old = CustomField { key: "size".into(), kind: CustomKind::Choice, ..field(CustomKind::Choice) };
        let form = CustomFieldForm {
            key: "renamed".into(),
            kind: "text".into(),
            label_zh: "规格".into(),
            label_en: "Size".into(),
            options: "甲\n乙\n丙".into(),
            in_list: Some("on".into()),
            ..CustomFieldForm::default()
        };
        let changed = old.changed(&form).expect("labels and a new option");
        assert_eq!((changed.key.as_str(), changed.kind), ("size", CustomKind::Choice));
        assert_eq!((changed.label_zh.as_str(), changed.in_list), ("规格", true));
        assert_eq!(changed.options, vec!["甲", "乙", "丙"]);
        let dropped = CustomFieldForm { options: "甲\n丙".into(), ..form.clone() };
        let errors = old.changed(&dropped).expect_err("乙 dropped");
        assert_eq!(errors, vec![FieldError::new("options", ErrorCode::CustomFieldOptionRemoved)]);
        let unnamed = CustomFieldForm { label_zh: String::new(), ..dropped };
        let fields: Vec<String> =
            old.changed(&unnamed).expect_err("two problems").into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["label_zh", "options"]);
    }
}
